/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-mirror: a standalone runner of the kernel-table mirror (nfvpnd
 * links the same library). Follows one nftables table of the network
 * namespace it runs in and keeps nfvpn-dataplane's ruleset equal to it.
 *
 *   nfvpn-mirror [--socket PATH] [--once] FAMILY TABLE
 *   nfvpn-mirror [--socket PATH] [--once] --config POLICY   (its filter.mirror)
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_build.h"
#include "nfv_client.h"
#include "nfv_mirror.h"
#include "nfv_policy.h"
#include "nfv_policy_filter.h"

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void usage(FILE *f)
{
	fputs("usage: nfvpn-mirror [--socket PATH] [--once] FAMILY TABLE\n"
	      "       nfvpn-mirror [--socket PATH] [--once] --config POLICY\n"
	      "  FAMILY TABLE    the kernel table to follow, e.g. inet nfvpn\n"
	      "  --config FILE   take it from the policy's filter.mirror\n"
	      "  --socket PATH   the dataplane's management socket\n"
	      "  --once          push the table once and exit\n"
	      "  --version       print the version and exit\n", f);
}

static int table_from_policy(const char *path, uint8_t *family, char *table, size_t size)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p;
	int ret;

	ret = nfv_policy_load(path, &p, &errs);
	if (ret < 0) {
		nfv_policy_errors_print(stderr, path, &errs);
		nfv_policy_errors_fini(&errs);
		return ret;
	}
	if (p->filter == NULL || p->filter->source != NFV_FILTER_SRC_MIRROR) {
		fprintf(stderr, "nfvpn-mirror: %s has no filter.mirror\n", path);
		ret = -EINVAL;
	} else {
		*family = p->filter->mirror_family;
		snprintf(table, size, "%s", p->filter->mirror_table);
	}
	nfv_policy_free(p);
	return ret;
}

static void report(struct nfv_mirror *m, int ret)
{
	const struct nfv_mirror_stats *st = nfv_mirror_stats(m);

	if (ret == 0)
		printf("nfvpn-mirror: pushed generation %u (%u bytes), %lu pushes\n",
		       st->generation, st->bytes, (unsigned long)st->pushes);
	else
		printf("nfvpn-mirror: %s\n", st->last_error);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct nfv_mirror_config cfg = { 0 };
	const char *config = NULL;
	char table[NFV_POLICY_FILTER_TABLE_MAX], spec[NFV_POLICY_FILTER_TABLE_MAX + 8];
	struct nfv_mirror *m;
	bool once = false;
	int c, ret;

	cfg.socket = nfv_client_socket_path(NULL);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': cfg.socket = optarg; break;
		case 'c': config = optarg; break;
		case 'o': once = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("nfvpn-mirror (nfvpn) %s\n", NFV_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (config != NULL && optind == argc) {
		if (table_from_policy(config, &cfg.family, table, sizeof(table)) < 0)
			return 2;
	} else if (config == NULL && optind + 2 == argc) {
		snprintf(spec, sizeof(spec), "%s %s", argv[optind], argv[optind + 1]);
		if (nfv_policy_filter_table_parse(spec, &cfg.family, table, sizeof(table)) < 0) {
			fprintf(stderr, "nfvpn-mirror: \"%s\": expected ip|ip6|inet NAME\n", spec);
			return 2;
		}
	} else {
		usage(stderr);
		return 2;
	}
	cfg.table = table;
	ret = nfv_mirror_open(&cfg, &m);
	if (ret < 0) {
		fprintf(stderr, "nfvpn-mirror: netlink: %s\n", strerror(-ret));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	ret = nfv_mirror_sync(m);
	report(m, ret);
	while (!once && !quit) {
		struct pollfd pfd = { .fd = nfv_mirror_fd(m), .events = POLLIN };
		uint64_t pushes = nfv_mirror_stats(m)->pushes;
		uint64_t errors = nfv_mirror_stats(m)->push_errors;

		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			break;
		if (pfd.revents & POLLIN)
			ret = nfv_mirror_process(m);
		else if (nfv_mirror_pending(m))
			ret = nfv_mirror_sync(m);
		else
			continue;
		if (nfv_mirror_stats(m)->pushes != pushes ||
		    nfv_mirror_stats(m)->push_errors != errors || ret < 0)
			report(m, ret);
	}
	nfv_mirror_close(m);
	return once && ret < 0 ? 1 : 0;
}
