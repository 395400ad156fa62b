/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a traced packet's record says decided it (nfv_hook_state.trace,
 * hooks/filter/nft_eval.c): the rule by table, chain and handle, whether
 * its verdict came from the interpreter, a verdict map, a jump's target or
 * a run of rules classified by rte_acl; the base chain's policy when no
 * rule decided; nothing for an untraced packet of the same burst.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_test.h"
#include "nfv_trace.h"

/* Rules 0-2 walk; 3-12 are one rte_acl run (8 or more 5-tuple rules). */
static const char ruleset[] =
	"table inet t {\n"
	"  chain fw {\n"
	"    type filter hook forward priority 0; policy drop;\n"
	"    udp dport 53 accept\n"
	"    tcp dport vmap { 25 : drop, 80 : jump web }\n"
	"    ip saddr 10.9.0.0/16 counter\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1001 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1002 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1003 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1004 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1005 drop\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1006 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1007 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1008 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1009 accept\n"
	"    ip saddr 10.0.0.1 ip daddr 10.1.0.1 udp dport 1010 accept\n"
	"  }\n"
	"  chain web {\n"
	"    ip saddr 10.0.0.66 return\n"
	"    accept\n"
	"  }\n"
	"}\n";

/* "inet t CHAIN handle H" of the n-th rule of the ruleset. */
static void rule_why(const struct nfv_filter_ruleset *rs, unsigned int n, char *buf, size_t len)
{
	struct nfv_filter_rule_info ri;

	CU_ASSERT_FATAL(nfv_filter_rule_get(rs, n, &ri) == 0);
	snprintf(buf, len, "inet t %s handle %" PRIu64, ri.chain, ri.handle);
}

static void test_why(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(ruleset);
	const struct tp pkts[] = {
		{ .src = "10.0.0.1", .dst = "10.1.0.1", .proto = IPPROTO_UDP, .dport = 53 },
		{ .src = "10.0.0.1", .dst = "10.1.0.1", .proto = IPPROTO_TCP, .dport = 25,
		  .flags = 0x02 },
		{ .src = "10.0.0.1", .dst = "10.1.0.1", .proto = IPPROTO_TCP, .dport = 80,
		  .flags = 0x02 },
		{ .src = "10.0.0.66", .dst = "10.1.0.1", .proto = IPPROTO_TCP, .dport = 80,
		  .flags = 0x02 },
		{ .src = "10.0.0.1", .dst = "10.1.0.1", .proto = IPPROTO_UDP, .dport = 1005 },
		{ .src = "10.0.0.1", .dst = "10.1.0.1", .proto = IPPROTO_UDP, .dport = 1009 },
		{ .src = "10.9.0.1", .dst = "10.1.0.1", .proto = IPPROTO_UDP, .dport = 7 },
		{ .src = "10.0.0.1", .dst = "10.1.0.1", .proto = IPPROTO_UDP, .dport = 1001 },
	};
	enum { N = RTE_DIM(pkts) };
	struct nfv_trace_rec recs[N];
	struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .table = ft_table,
				     .trace = recs };
	struct rte_mbuf *m[N];
	uint32_t v[N];
	char want[N][80];

	memset(recs, 0, sizeof(recs));
	for (unsigned int i = 0; i < N; i++) {
		m[i] = tp_build(&pkts[i]);
		recs[i].id = i == N - 1 ? 0 : 0x01000001 + i;	/* the last: untraced */
	}
	nfv_filter_ruleset_run(rs, 0, m, N, v, &st);
	rule_why(rs, 0, want[0], sizeof(want[0]));		/* udp dport 53 accept */
	rule_why(rs, 1, want[1], sizeof(want[1]));		/* the vmap's drop */
	rule_why(rs, 14, want[2], sizeof(want[2]));		/* web: accept */
	snprintf(want[3], sizeof(want[3]), "inet t fw policy drop");	/* returned */
	rule_why(rs, 7, want[4], sizeof(want[4]));		/* acl: 1005 drop */
	rule_why(rs, 11, want[5], sizeof(want[5]));		/* acl: 1009 accept */
	snprintf(want[6], sizeof(want[6]), "inet t fw policy drop");	/* a counter, no verdict */
	CU_ASSERT_EQUAL(NFV_VERDICT(v[0]), NFV_ACCEPT);
	CU_ASSERT_EQUAL(NFV_VERDICT(v[1]), NFV_DROP);
	CU_ASSERT_EQUAL(NFV_VERDICT(v[2]), NFV_ACCEPT);
	CU_ASSERT_EQUAL(NFV_VERDICT(v[3]), NFV_DROP);
	CU_ASSERT_EQUAL(NFV_VERDICT(v[4]), NFV_DROP);
	CU_ASSERT_EQUAL(NFV_VERDICT(v[5]), NFV_ACCEPT);
	CU_ASSERT_EQUAL(NFV_VERDICT(v[6]), NFV_DROP);
	CU_ASSERT_EQUAL(NFV_VERDICT(v[7]), NFV_ACCEPT);
	for (unsigned int i = 0; i < N - 1; i++) {
		if (strcmp(recs[i].why, want[i]) != 0)
			fprintf(stderr, "packet %u: \"%s\", expected \"%s\"\n", i, recs[i].why,
				want[i]);
		CU_ASSERT_STRING_EQUAL(recs[i].why, want[i]);
	}
	CU_ASSERT_EQUAL(recs[N - 1].why[0], '\0');
	/* without a trace, the same burst runs as before: same verdicts */
	st.trace = NULL;
	for (unsigned int i = 0; i < N; i++) {
		uint32_t before = v[i];

		nfv_filter_ruleset_run(rs, 0, &m[i], 1, &v[i], &st);
		CU_ASSERT_EQUAL(v[i], before);
	}
	for (unsigned int i = 0; i < N; i++)
		rte_pktmbuf_free(m[i]);
	nfv_filter_ruleset_free(rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_trace_why", NULL, NULL,
		{ "a traced packet's record names the rule or policy that decided", test_why });
	return nfv_test_run();
}
