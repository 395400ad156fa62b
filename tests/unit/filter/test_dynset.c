/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dynamic sets (hooks/filter/set_dynamic.c, expr/dynset.c), as the
 * kernel's nft_dynset: add and lookup, a full set (the rule stops there),
 * delete, timeouts and update renewing them, a limit per element (a
 * meter), the GC freeing expired elements for new ones, and what stays
 * refused. The clock is ft_clock_now's (1000 ticks a second).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_test.h"

#define HZ 1000

static const char ruleset[] =
	"table ip t {\n"
	"  set seen { type ipv4_addr; size 4; flags dynamic; }\n"
	"  set tmo { type ipv4_addr; flags dynamic,timeout; timeout 10s; }\n"
	"  set small { type ipv4_addr; size 2; flags dynamic,timeout; timeout 1s; }\n"
	"  chain c {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	"    udp dport 1 ip saddr @seen drop\n"
	"    udp dport 1 add @seen { ip saddr }\n"
	"    udp dport 2 update @tmo { ip saddr }\n"
	"    udp dport 3 ip saddr @tmo drop\n"
	"    udp dport 4 delete @seen { ip saddr }\n"
	"    udp dport 5 meter per_src size 64 { ip saddr limit rate over 1/hour burst 2 packets } drop\n"
	"    udp dport 7 add @small { ip saddr }\n"
	"    udp dport 8 ip saddr @small drop\n"
	"  }\n"
	"}\n";

static struct nfv_filter_ruleset *rs;

/* true when a UDP packet from src to dport is dropped at time t (ticks) */
static bool dropped(const char *src, uint16_t dport, uint64_t t)
{
	struct rte_mbuf *m = tp_build(&(struct tp){ .src = src, .dst = "10.9.9.9",
						   .proto = IPPROTO_UDP, .sport = 9,
						   .dport = dport });
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	v = ft_run(rs, NFV_INET_FORWARD, 0, m, t);
	rte_pktmbuf_free(m);
	return NFV_VERDICT(v) == NFV_DROP;
}

static void test_add_full_delete(void)
{
	/* the first packet of a source adds it, the next finds it */
	CU_ASSERT(!dropped("10.0.0.1", 1, 1));
	CU_ASSERT(dropped("10.0.0.1", 1, 2));
	CU_ASSERT(!dropped("10.0.0.2", 1, 3));
	CU_ASSERT(!dropped("10.0.0.3", 1, 4));
	CU_ASSERT(!dropped("10.0.0.4", 1, 5));
	/* size 4: a fifth source is not added, so it is never found;
	 * each refusal counts (nfvpnctl stats: filter.dynset_full) */
	CU_ASSERT_EQUAL(nfv_filter_ruleset_dynset_full(rs), 0);
	CU_ASSERT(!dropped("10.0.0.5", 1, 6));
	CU_ASSERT(!dropped("10.0.0.5", 1, 7));
	CU_ASSERT_EQUAL(nfv_filter_ruleset_dynset_full(rs), 2);
	CU_ASSERT(dropped("10.0.0.4", 1, 8));
	/* delete: gone, and room for the fifth */
	CU_ASSERT(!dropped("10.0.0.1", 4, 9));
	CU_ASSERT(!dropped("10.0.0.5", 1, 10));
	CU_ASSERT(dropped("10.0.0.5", 1, 11));
	CU_ASSERT(!dropped("10.0.0.1", 1, 12));	/* full again: not added */
	CU_ASSERT(!dropped("10.0.0.1", 1, 13));
	CU_ASSERT_EQUAL(nfv_filter_ruleset_dynset_full(rs), 4);
}

static void test_timeout_update(void)
{
	uint64_t t0 = 100 * HZ;

	CU_ASSERT(!dropped("10.0.1.1", 3, t0));	/* not there yet */
	CU_ASSERT(!dropped("10.0.1.1", 2, t0));	/* update adds it, 10 s */
	CU_ASSERT(dropped("10.0.1.1", 3, t0 + 5 * HZ));
	CU_ASSERT(!dropped("10.0.1.1", 3, t0 + 11 * HZ));	/* expired */
	/* added again, then renewed by an update 5 s later: 15 s in all */
	CU_ASSERT(!dropped("10.0.1.1", 2, t0 + 20 * HZ));
	CU_ASSERT(!dropped("10.0.1.1", 2, t0 + 25 * HZ));
	CU_ASSERT(dropped("10.0.1.1", 3, t0 + 33 * HZ));
	CU_ASSERT(!dropped("10.0.1.1", 3, t0 + 36 * HZ));
}

static void test_meter(void)
{
	uint64_t t = 200 * HZ;

	/* burst 2 per source, then over the rate: dropped */
	CU_ASSERT(!dropped("10.0.2.1", 5, t));
	CU_ASSERT(!dropped("10.0.2.1", 5, t + 1));
	CU_ASSERT(dropped("10.0.2.1", 5, t + 2));
	CU_ASSERT(dropped("10.0.2.1", 5, t + 3));
	/* another source has its own bucket */
	CU_ASSERT(!dropped("10.0.2.2", 5, t + 4));
	CU_ASSERT(!dropped("10.0.2.2", 5, t + 5));
	CU_ASSERT(dropped("10.0.2.2", 5, t + 6));
}

static void test_gc(void)
{
	uint64_t t = 300 * HZ;

	CU_ASSERT(!dropped("10.0.3.1", 7, t));
	CU_ASSERT(!dropped("10.0.3.2", 7, t));
	CU_ASSERT(!dropped("10.0.3.3", 7, t));	/* full: not added */
	CU_ASSERT(dropped("10.0.3.1", 8, t + 1));
	CU_ASSERT(!dropped("10.0.3.3", 8, t + 1));
	/* expired but still taking room until the GC runs */
	CU_ASSERT(!dropped("10.0.3.1", 8, t + 2 * HZ));
	nfv_filter_ruleset_gc(rs, t + 2 * HZ);
	CU_ASSERT(!dropped("10.0.3.3", 7, t + 2 * HZ));
	CU_ASSERT(!dropped("10.0.3.4", 7, t + 2 * HZ));
	CU_ASSERT(dropped("10.0.3.3", 8, t + 2 * HZ + 1));
	CU_ASSERT(dropped("10.0.3.4", 8, t + 2 * HZ + 1));
}

static void test_refused(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *bad = NULL;
	char err[512];

	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip t {\n map m { type ipv4_addr : mark; flags dynamic; }\n"
		" chain c {\n  type filter hook forward priority 0;\n"
		"  add @m { ip saddr : 1 }\n }\n}\n", &cfg, &bad, err, sizeof(err)),
		-EOPNOTSUPP);
	CU_ASSERT(strstr(err, "dynamic map") != NULL);
	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip t {\n set s { type ipv4_addr; flags dynamic; }\n"
		" chain c {\n  type filter hook forward priority 0;\n"
		"  add @s { ip saddr quota 1000 bytes }\n }\n}\n", &cfg, &bad, err,
		sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "element expression 'quota' not supported") != NULL);
}

static int setup(void)
{
	return ft_suite_ruleset(ruleset, NULL, &rs);
}

static int teardown(void)
{
	return ft_suite_free(&rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_dynset", setup, teardown,
		{ "add, lookup, a full set, delete", test_add_full_delete },
		{ "timeouts; update renews them", test_timeout_update },
		{ "a meter: a limit per element", test_meter },
		{ "the GC frees expired elements", test_gc },
		{ "dynamic maps, other element expressions refused", test_refused });
	return nfv_test_run();
}
