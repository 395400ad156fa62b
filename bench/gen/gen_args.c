/* SPDX-License-Identifier: BSD-3-Clause */
/* Options of nfvpn-gen, after the EAL's "--". Documented in bench/README.md. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nfv_gen.h"

enum {
	OPT_PORT = 256, OPT_RX_PORT, OPT_MEMIF_ROLE, OPT_MEMIF_SOCKET, OPT_DST_MAC,
	OPT_SRC_MAC, OPT_FLOWS, OPT_SRC, OPT_DST, OPT_SPORT, OPT_DPORT, OPT_IPV6,
	OPT_SIZE, OPT_RATE, OPT_DURATION, OPT_COUNT, OPT_DRAIN_MS, OPT_LINK_WAIT,
	OPT_JSON, OPT_ESP, OPT_QUIET, OPT_TRIALS, OPT_HELP,
};

static const struct option gen_opts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "rx-port", required_argument, NULL, OPT_RX_PORT },
	{ "memif-role", required_argument, NULL, OPT_MEMIF_ROLE },
	{ "memif-socket", required_argument, NULL, OPT_MEMIF_SOCKET },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "ipv6", no_argument, NULL, OPT_IPV6 },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "drain-ms", required_argument, NULL, OPT_DRAIN_MS },
	{ "link-wait", required_argument, NULL, OPT_LINK_WAIT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "esp", required_argument, NULL, OPT_ESP },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "trials", no_argument, NULL, OPT_TRIALS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void nfv_gen_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- [--port DEVARGS|NAME] [--rx-port DEVARGS|NAME]\n"
		"  [--memif-role client|server] [--memif-socket PATH]\n"
		"  [--dst-mac MAC] [--src-mac MAC] [--flows N] [--ipv6]\n"
		"  [--src RANGE] [--dst RANGE] [--sport P[-Q]] [--dport P[-Q]]\n"
		"  [--size 64|64,512,1400|imix|SIZE:WEIGHT,...] [--rate PPS|max]\n"
		"  [--duration S] [--count N] [--drain-ms MS] [--link-wait S]\n"
		"  [--json FILE] [--esp SPEC] [--quiet] [--trials]\n"
		"RANGE: A.B.C.D/LEN, A.B.C.D-E.F.G.H or one address (IPv6 alike)\n"
		"PPS may end in k, M or G. See bench/README.md.\n", prog);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	*v = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' || *v > max ? -EINVAL : 0;
}

static int parse_rate(const char *s, uint64_t *pps)
{
	double v;
	char *end;

	if (strcmp(s, "max") == 0) {
		*pps = 0;
		return 0;
	}
	v = strtod(s, &end);
	switch (*end) {
	case 'k': case 'K': v *= 1e3; end++; break;
	case 'm': case 'M': v *= 1e6; end++; break;
	case 'g': case 'G': v *= 1e9; end++; break;
	}
	if (end == s || *end != '\0' || !(v >= 1) || v > 1e12)
		return -EINVAL;
	*pps = llround(v);
	return 0;
}

static void conf_defaults(struct nfv_gen_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->memif_role = "client";
	c->memif_socket = "/run/memif.sock";
	c->flow.nflows = 1;
	c->flow.family = AF_INET;
	c->sport_spec = "1024";
	c->dport_spec = "5000";
	c->size_spec = "64";
	c->drain_ms = 200;
	c->link_wait_ms = 10000;
	/* locally administered, the DUT's port address is given with --dst-mac */
	rte_ether_unformat_addr("02:00:00:00:00:02", &c->flow.dmac);
}

/* Checks and parses what depends on several options. */
static int conf_finish(struct nfv_gen_conf *c, FILE *err)
{
	bool v6 = c->flow.family == AF_INET6;
	int n;

	if (c->src_spec == NULL)
		c->src_spec = v6 ? "fd00::1" : "10.0.0.1";
	if (c->dst_spec == NULL)
		c->dst_spec = v6 ? "fd01::1" : "10.1.0.1";
#define CHECK(expr, ...) do { if (!(expr)) { fprintf(err, __VA_ARGS__); return -EINVAL; } } while (0)
	CHECK(nfv_gen_addr_range_parse(c->src_spec, c->flow.family, &c->flow.src) == 0,
	      "bad --src %s\n", c->src_spec);
	CHECK(nfv_gen_addr_range_parse(c->dst_spec, c->flow.family, &c->flow.dst) == 0,
	      "bad --dst %s\n", c->dst_spec);
	CHECK(nfv_gen_port_range_parse(c->sport_spec, &c->flow.sport) == 0,
	      "bad --sport %s\n", c->sport_spec);
	CHECK(nfv_gen_port_range_parse(c->dport_spec, &c->flow.dport) == 0,
	      "bad --dport %s\n", c->dport_spec);
	CHECK(nfv_gen_sizes_parse(c->size_spec, &c->sizes) == 0,
	      "bad --size %s (64..%u, at most %u sizes, weights up to %u)\n",
	      c->size_spec, NFV_GEN_MAX_FRAME, NFV_GEN_MAX_SIZES, NFV_GEN_MAX_SCHED);
	for (n = 0; n < c->sizes.n; n++)
		CHECK(c->sizes.len[n] >= nfv_gen_min_frame(c->flow.family),
		      "--size %u is below %u, the smallest %s frame with a signature\n",
		      c->sizes.len[n], nfv_gen_min_frame(c->flow.family), v6 ? "IPv6" : "IPv4");
	CHECK(strcmp(c->memif_role, "client") == 0 || strcmp(c->memif_role, "server") == 0,
	      "--memif-role is client or server\n");
#undef CHECK
	if (c->duration == 0 && c->count == 0)
		c->duration = 10;
	if (c->port == NULL) {
		n = snprintf(c->port_buf, sizeof(c->port_buf), "net_memif0,role=%s,socket=%s",
			     c->memif_role, c->memif_socket);
		if (n < 0 || (size_t)n >= sizeof(c->port_buf))
			return -ENAMETOOLONG;
		c->port = c->port_buf;
	}
	return 0;
}

int nfv_gen_args_parse(struct nfv_gen_conf *c, int argc, char **argv, FILE *err)
{
	uint64_t v;
	char *end;
	int opt;

	conf_defaults(c);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", gen_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_PORT: c->port = optarg; break;
		case OPT_RX_PORT: c->rx_port = optarg; break;
		case OPT_MEMIF_ROLE: c->memif_role = optarg; break;
		case OPT_MEMIF_SOCKET: c->memif_socket = optarg; break;
		case OPT_SRC: c->src_spec = optarg; break;
		case OPT_DST: c->dst_spec = optarg; break;
		case OPT_SPORT: c->sport_spec = optarg; break;
		case OPT_DPORT: c->dport_spec = optarg; break;
		case OPT_IPV6: c->flow.family = AF_INET6; break;
		case OPT_SIZE: c->size_spec = optarg; break;
		case OPT_JSON: c->json = optarg; break;
		case OPT_ESP: c->esp = optarg; break;
		case OPT_QUIET: c->quiet = true; break;
		case OPT_TRIALS: c->trials = true; break;
		case OPT_DST_MAC:
		case OPT_SRC_MAC:
			if (rte_ether_unformat_addr(optarg, opt == OPT_DST_MAC ?
						    &c->flow.dmac : &c->flow.smac) < 0)
				goto bad;
			c->smac_set |= opt == OPT_SRC_MAC;
			break;
		case OPT_FLOWS:
			if (parse_u64(optarg, NFV_GEN_MAX_FLOWS, &v) < 0 || v == 0)
				goto bad;
			c->flow.nflows = v;
			break;
		case OPT_RATE:
			if (parse_rate(optarg, &c->rate) < 0)
				goto bad;
			break;
		case OPT_DURATION:
			c->duration = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(c->duration > 0))
				goto bad;
			break;
		case OPT_COUNT:
			if (parse_u64(optarg, UINT64_MAX, &c->count) < 0 || c->count == 0)
				goto bad;
			break;
		case OPT_DRAIN_MS:
			if (parse_u64(optarg, 3600000, &v) < 0)
				goto bad;
			c->drain_ms = v;
			break;
		case OPT_LINK_WAIT:
			if (parse_u64(optarg, 3600, &v) < 0)
				goto bad;
			c->link_wait_ms = v * 1000;
			break;
		case OPT_HELP:
			nfv_gen_usage(stdout, argv[0]);
			return 1;
		default:
			nfv_gen_usage(err, argv[0]);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(err, "unexpected argument %s\n", argv[optind]);
		return -EINVAL;
	}
	return conf_finish(c, err);
bad:
	fprintf(err, "bad value for --%s: %s\n", gen_opts[opt - OPT_PORT].name, optarg);
	return -EINVAL;
}

/*
 * One line of --trials: "RATE DURATION JSON" (RATE as --rate, DURATION in
 * seconds > 0, JSON a path without blanks), as nfvpn-bench writes them.
 */
int nfv_gen_trial_parse(const char *line, uint64_t *rate, double *duration,
			char *json, size_t len)
{
	char r[32], d[32], *end;
	int n;

	if (sscanf(line, "%31s %31s %n", r, d, &n) != 2 || parse_rate(r, rate) < 0)
		return -EINVAL;
	*duration = strtod(d, &end);
	if (end == d || *end != '\0' || !(*duration > 0) || *duration > 86400)
		return -EINVAL;
	line += n;
	n = strcspn(line, " \t\r\n");
	if (n == 0 || (size_t)n >= len || line[n + strspn(line + n, " \t\r\n")] != '\0')
		return -EINVAL;
	memcpy(json, line, n);
	json[n] = '\0';
	return 0;
}
