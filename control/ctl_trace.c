/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnctl trace N [src P] [dst P] [proto X] [dport N]: like nftrace, the
 * path of the first N matching packets through every hook entry, with each
 * entry's verdict. The dataplane marks them (a budget per worker) and
 * streams one NFV_EVENT_TRACE per entry and packet on this connection.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl.h"
#include "ctl_json.h"

#define TRACE_IDLE_MS 500	/* after the N-th packet: its last entries */

static int parse_match(struct ctl *ctl, int argc, char **argv, struct nfv_msg_trace *t)
{
	for (int i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		struct nfv_prefix p;
		uint64_t n;

		if (v == NULL)
			return ctl_usage(ctl, "%s needs a value", k);
		if (strcmp(k, "src") == 0 || strcmp(k, "dst") == 0) {
			if (nfv_prefix_parse(v, &p) < 0 && (nfv_addr_parse(v, &p.addr) < 0 ||
			    (p.len = p.addr.family == AF_INET ? 32 : 128, 0)))
				return ctl_usage(ctl, "%s: %s is not a prefix", k, v);
			if (t->family && t->family != p.addr.family)
				return ctl_usage(ctl, "src and dst of different families");
			t->family = p.addr.family;
			memcpy(k[0] == 's' ? t->src : t->dst, p.addr.bytes, 16);
			*(k[0] == 's' ? &t->src_len : &t->dst_len) = p.len;
		} else if (strcmp(k, "proto") == 0) {
			const struct protoent *pe = getprotobyname(v);

			if (pe != NULL)
				t->proto = (uint8_t)pe->p_proto;
			else if (ctl_parse_uint(v, 255, &n) == 0 && n > 0)
				t->proto = (uint8_t)n;
			else
				return ctl_usage(ctl, "proto: %s is not a protocol", v);
		} else if (strcmp(k, "dport") == 0) {
			if (ctl_parse_uint(v, 65535, &n) < 0 || n == 0)
				return ctl_usage(ctl, "dport: %s is not a port", v);
			t->dport = (uint16_t)n;
		} else {
			return ctl_usage(ctl, "unknown match %s", k);
		}
	}
	return 0;
}

/* Packet ids seen so far; N is small (a person reads the output). */
static int seen_add(uint64_t *ids, uint64_t *n, uint64_t max, uint64_t id)
{
	for (uint64_t i = 0; i < *n; i++)
		if (ids[i] == id)
			return 0;
	if (*n == max)
		return -1;	/* beyond N: another worker's budget */
	ids[(*n)++] = id;
	return 1;
}

/* One compact object a line: id, worker, entry, record. */
static void trace_json(struct ctl *ctl, const struct nfv_msg_event *e)
{
	struct ctl_json j;

	ctl_json_init(&j, ctl->out, false);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_u64(&j, "id", e->value);
	ctl_json_u64(&j, "worker", e->worker);
	ctl_json_str(&j, "entry", e->object);
	ctl_json_str(&j, "record", e->text);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
}

int ctl_cmd_trace(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_msg_trace req = { 0 };
	uint64_t count, *ids, nb = 0;
	int ret, wait = NFV_MSG_TRACE_MAX_S * 1000;

	if (argc < 1 || ctl_parse_uint(argv[0], 10000, &count) < 0 || count == 0)
		return ctl_usage(ctl, "trace takes a number of packets, 1..10000");
	ret = parse_match(ctl, argc - 1, argv + 1, &req);
	if (ret)
		return ret;
	req.count = (uint32_t)count;
	ids = calloc(count, sizeof(*ids));
	if (ids == NULL)
		return CTL_EXIT_FAIL;
	/* subscribe first: no record can come before we listen */
	ret = ctl_request(ctl, NFV_MSG_EVENTS, NULL, 0);
	if (ret == 0)
		ret = ctl_request(ctl, NFV_MSG_TRACE, &req, sizeof(req));
	if (ret)
		goto out;
	for (;;) {
		struct nfv_client_msg m;
		struct nfv_msg_event *e;
		int fresh;

		ret = nfv_client_recv(&ctl->client, wait, &m);
		if (ret == -ETIMEDOUT || ret == -EINTR) {
			ret = CTL_EXIT_OK;
			break;
		}
		if (ret < 0) {
			ret = ctl_fail(ctl);
			break;
		}
		e = m.payload;
		if (m.hdr.type != NFV_MSG_EVENT || m.hdr.len < sizeof(*e) ||
		    e->type != NFV_EVENT_TRACE || (fresh = seen_add(ids, &nb, count, e->value)) < 0) {
			free(m.payload);
			continue;
		}
		e->object[sizeof(e->object) - 1] = e->text[sizeof(e->text) - 1] = '\0';
		if (ctl->json)
			trace_json(ctl, e);
		else
			fprintf(ctl->out, "%strace %08lx w%u %-20s %s\n", fresh && nb > 1 ? "\n" : "",
				(unsigned long)e->value, e->worker, e->object, e->text);
		fflush(ctl->out);
		free(m.payload);
		if (nb == count)
			wait = TRACE_IDLE_MS;
	}
	if (nb < count && ret == CTL_EXIT_OK)
		fprintf(ctl->err, "nfvpnctl: trace: %lu of %lu packets seen\n",
			(unsigned long)nb, (unsigned long)count);
out:
	free(ids);
	return ret;
}
