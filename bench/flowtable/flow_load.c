/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-flow-load SOCKET offload|plain [DEV...]: loads the flowtable
 * ruleset of ft_flow.h (devices DEV..., default p0 p1) into a running
 * dataplane over its socket, as the mirror loads a kernel table:
 * "offload" with its flow add rule, "plain" with the same table and
 * counter but no flow add. For bench/forward/run.sh and
 * tests/smoke/flowtable_test.sh: nft cannot load a flowtable into a
 * kernel without nf_flow_table, so nfvpn-nftc cannot compile one here.
 */
#include <stdio.h>
#include <string.h>

#include "nfv_client.h"
#include "nfv_msg.h"
#include "ft_flow.h"

#define NF_INET_FORWARD 2	/* linux/netfilter.h, which clashes with netinet/in.h */

int main(int argc, char **argv)
{
	static const char *def[] = { "p0", "p1", NULL };
	static uint8_t buf[1 << 16];
	struct ft_flow_spec spec = { .devs = def, .hook = NF_INET_FORWARD };
	struct nfv_client c;
	size_t len;
	int ret;

	if (argc < 3 || (strcmp(argv[2], "offload") && strcmp(argv[2], "plain"))) {
		fprintf(stderr, "usage: %s SOCKET offload|plain [DEV...]\n", argv[0]);
		return 2;
	}
	if (argc > 3) {
		argv[argc] = NULL;
		spec.devs = (const char *const *)&argv[3];
	}
	spec.use = strcmp(argv[2], "offload") == 0 ? "ft" : NULL;
	len = ft_flow_msgs(buf, sizeof(buf), &spec);
	if (len == 0 || nfv_client_open(&c, argv[1]) < 0) {
		fprintf(stderr, "%s: cannot build the ruleset or reach %s\n", argv[0], argv[1]);
		return 1;
	}
	ret = nfv_client_filter_load(&c, buf, len, NFV_FILTER_SOURCE_POLICY, "flow_load");
	if (ret < 0)
		fprintf(stderr, "%s: load: %s\n", argv[0], c.err[0] ? c.err : strerror(-ret));
	nfv_client_close(&c);
	return ret < 0;
}
