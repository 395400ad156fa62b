/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct count (expr/connlimit.c, ct_count.c), as the kernel's nft_connlimit:
 * packets go through conntrack, the forward chain and confirm (only when
 * the chain accepts), so a connection whose first packet is dropped is
 * never confirmed. Each packet walks the rule's list in order, as
 * __nf_conncount_add(): connections gone (expired, never confirmed) or
 * closed leave, the walk stops at the packet's own connection (the count
 * then includes those behind it, gone or not), and a packet whose
 * connection is not listed adds it. HZ ticks a second.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "filter_test.h"
#include "nfv_test.h"

#define HZ 1000

static const char ruleset[] =
	"table ip t {\n"
	"  set per_src { type ipv4_addr; size 2; flags dynamic; }\n"
	"  chain c {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	"    udp dport 53 ct count over 2 drop\n"
	"    tcp dport 80 ct count over 1 drop\n"
	"    udp dport 54 ct count 1 accept\n"
	"    udp dport 54 drop\n"
	"    udp dport 55 add @per_src { ip saddr ct count over 1 } drop\n"
	"  }\n"
	"}\n";

static struct nfv_filter_ruleset *rs;
static struct nfv_ct_table *ct;

/* conntrack, the forward chain, then confirm if it passed: the verdict */
static uint32_t through(struct tp d, uint64_t now)
{
	struct rte_mbuf *m = tp_build(&d);
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = now,
				     .table = ft_table };
	uint32_t v = 0xdead, c = 0xdead;

	CU_ASSERT_FATAL(m != NULL);
	nfv_conntrack_in_process(ct, &m, 1, &v, &st);
	CU_ASSERT_FATAL(NFV_VERDICT(v) == NFV_ACCEPT);
	v = NFV_VERDICT(ft_run(rs, NFV_INET_FORWARD, 0, m, now));
	if (v == NFV_ACCEPT) {
		st.hook = NFV_INET_POST_ROUTING;
		nfv_conntrack_confirm_process(ct, &m, 1, &c, &st);
	}
	rte_pktmbuf_free(m);
	return v;
}

static struct tp udp(const char *src, uint16_t sport, uint16_t dport)
{
	return (struct tp){ .src = src, .dst = "10.9.9.9", .proto = IPPROTO_UDP,
			    .sport = sport, .dport = dport, .payload = 8 };
}

static struct tp tcp(uint16_t sport, uint8_t flags, uint32_t seq)
{
	return (struct tp){ .src = "10.0.0.1", .dst = "10.9.9.9", .proto = IPPROTO_TCP,
			    .sport = sport, .dport = 80, .flags = flags, .seq = seq,
			    .win = 8192, .wscale = -1 };
}

static void test_over(void)
{
	uint64_t t = 10 * HZ;

	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1001, 53), t), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1002, 53), t), NFV_ACCEPT);
	/* a connection's later packets add nothing */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1001, 53), t + 1), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1002, 53), t + 1), NFV_ACCEPT);
	/* a third: 3 > 2, dropped, never confirmed */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1003, 53), t + 2), NFV_DROP);
	/* the walk stops at 1001, first: the dropped one, behind, still counts */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1001, 53), t + HZ), NFV_DROP);
	/* a new one walks it all: 1003 leaves, 1004 comes, 3 again */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1004, 53), t + HZ + 1), NFV_DROP);
	/* the list is the rule's, whatever the source */
	CU_ASSERT_EQUAL(through(udp("10.0.0.2", 1001, 53), t + 2 * HZ), NFV_DROP);
	/* 1002's walk stops at it, before the dropped one behind: 3 */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1002, 53), t + 3 * HZ), NFV_DROP);
	/* 30 s unreplied: the two expired, room again */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1005, 53), t + 41 * HZ), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1006, 53), t + 41 * HZ), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 1007, 53), t + 41 * HZ), NFV_DROP);
}

/* "ct count 1": goes on while the list holds at most one */
static void test_not_over(void)
{
	uint64_t t = 100 * HZ;

	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 2001, 54), t), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 2002, 54), t), NFV_DROP);
	/* its walk stops at 2001: the dropped 2002 behind still counts */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 2001, 54), t + HZ), NFV_DROP);
	/* a walk to the end (another new one, dropped) clears 2002 ... */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 2003, 54), t + 2 * HZ), NFV_DROP);
	/* ... and leaves itself behind 2001 again */
	CU_ASSERT_EQUAL(through(udp("10.0.0.1", 2001, 54), t + 3 * HZ), NFV_DROP);
}

/* A closed TCP connection (RST: CLOSE) leaves the count. */
static void test_tcp_closed(void)
{
	uint64_t t = 200 * HZ;

	struct tp synack = { .src = "10.9.9.9", .dst = "10.0.0.1", .proto = IPPROTO_TCP,
			     .sport = 80, .dport = 3001, .seq = 500, .ack = 101, .win = 8192,
			     .flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, .wscale = -1 };
	struct tp rst = tcp(3001, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 101);

	rst.ack = 501;
	CU_ASSERT_EQUAL(through(tcp(3001, RTE_TCP_SYN_FLAG, 100), t), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(synack, t), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(tcp(3002, RTE_TCP_SYN_FLAG, 100), t + 1), NFV_DROP);
	/* the dropped one counts a moment (it might be on its way to confirm) */
	CU_ASSERT_EQUAL(through(tcp(3003, RTE_TCP_SYN_FLAG, 100), t + 2), NFV_DROP);
	/* the reset's own walk stops at 3001, first: 3003 behind still counts */
	CU_ASSERT_EQUAL(through(rst, t + 100), NFV_DROP);
	/* a new one walks it all: 3001 closed, 3002 and 3003 gone */
	CU_ASSERT_EQUAL(through(tcp(3004, RTE_TCP_SYN_FLAG, 100), t + 101), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(tcp(3005, RTE_TCP_SYN_FLAG, 100), t + 102), NFV_DROP);
}

/* A meter of sources: each its own list; an element whose list empties goes. */
static void test_meter(void)
{
	uint64_t t = 300 * HZ;

	CU_ASSERT_EQUAL(through(udp("10.0.5.1", 5001, 55), t), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.5.1", 5002, 55), t + 100), NFV_DROP);
	/* its own walk stops at 5001: 5002 behind it still counts */
	CU_ASSERT_EQUAL(through(udp("10.0.5.1", 5001, 55), t + 200), NFV_DROP);
	/* another source: a list of its own */
	CU_ASSERT_EQUAL(through(udp("10.0.5.2", 5001, 55), t + 300), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.5.2", 5003, 55), t + 400), NFV_DROP);
	/* size 2: a third source finds the set full, the rule ends for it */
	CU_ASSERT_EQUAL(through(udp("10.0.5.3", 5001, 55), t + 500), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.5.3", 5006, 55), t + 600), NFV_ACCEPT);
	/* all connections expire (30 s unreplied); the GC forgets both sources */
	nfv_filter_ruleset_gc(rs, t + 40 * HZ);
	CU_ASSERT_EQUAL(through(udp("10.0.5.3", 5007, 55), t + 41 * HZ), NFV_ACCEPT);
	CU_ASSERT_EQUAL(through(udp("10.0.5.3", 5008, 55), t + 41 * HZ + 100), NFV_DROP);
}

static void test_refused(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *bad = NULL;
	char err[512];

	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip t {\n chain c {\n  type filter hook forward priority 0;\n"
		"  ct count over 256 drop\n }\n}\n", &cfg, &bad, err, sizeof(err)),
		-EOPNOTSUPP);
	CU_ASSERT(strstr(err, "ct count 256: at most 255 here") != NULL);
	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip t {\n set s { type ipv4_addr; flags dynamic; }\n"
		" chain c {\n  type filter hook forward priority 0;\n"
		"  add @s { ip saddr ct count over 16 } drop\n }\n}\n", &cfg, &bad, err,
		sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "ct count 16 in an element: at most 15 here") != NULL);
	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip t {\n chain c {\n  type filter hook forward priority 0;\n"
		"  ct count over 255 drop\n }\n}\n", &cfg, &bad, err, sizeof(err)), 0);
	nfv_filter_ruleset_free(bad);
}

static int setup(void)
{
	struct nfv_ct_config cc = { .max = 1024, .hz = HZ, .socket = 0 };

	ct = nfv_ct_table_create("ct_connlimit", &cc);
	if (ct == NULL)
		return 1;
	return ft_suite_ruleset(ruleset, NULL, &rs);
}

static int teardown(void)
{
	nfv_ct_table_destroy(ct);
	return ft_suite_free(&rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_connlimit", setup, teardown,
		{ "ct count over 2: new connections, expiry, drops", test_over },
		{ "ct count 1", test_not_over },
		{ "a TCP connection reset leaves the count", test_tcp_closed },
		{ "a meter: ct count per source, emptied ones forgotten", test_meter },
		{ "what is refused", test_refused });
	return nfv_test_run();
}
