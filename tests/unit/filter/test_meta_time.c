/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * meta time, day, hour (UTC, from nfv_filter_config.realtime_ns), random
 * and iifgroup/oifgroup (hooks/filter/expr/meta.c): rules as nft writes
 * them (its local times turned into UTC with TZ=UTC here), evaluated at
 * chosen instants; random's spread; what stays refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_test.h"

/* 2026-12-07 12:34:56 UTC, a Monday */
#define MONDAY_1234 1796646896ull
#define NS 1000000000ull

static uint64_t now_ns;

static uint64_t fake_realtime(void)
{
	return now_ns;
}

static const char ruleset[] =
	"table ip t {\n"
	"  chain c {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	"    udp dport 1 meta day \"Monday\" meta hour \"12:00\"-\"13:00\" drop\n"
	"    udp dport 2 meta time < \"2026-12-07 12:00:00\" drop\n"
	"    udp dport 3 meta iifgroup 0 drop\n"
	"    udp dport 4 meta oifgroup 5 drop\n"
	"    udp dport 5 meta random < 2147483648 drop\n"
	"    udp dport 6 meta day { \"Saturday\", \"Sunday\" } drop\n"
	"  }\n"
	"}\n";

static struct nfv_filter_ruleset *rs;

static bool dropped(uint16_t dport)
{
	struct rte_mbuf *m = tp_build(&(struct tp){ .proto = IPPROTO_UDP, .sport = 9,
						   .dport = dport, .iport = 0, .oport = 1 });
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	v = ft_run(rs, NFV_INET_FORWARD, 0, m, 0);
	rte_pktmbuf_free(m);
	return NFV_VERDICT(v) == NFV_DROP;
}

static void test_day_hour(void)
{
	now_ns = MONDAY_1234 * NS;
	CU_ASSERT(dropped(1));
	CU_ASSERT(!dropped(6));
	now_ns = (MONDAY_1234 + 3600) * NS;	/* 13:34: past the hour range */
	CU_ASSERT(!dropped(1));
	now_ns = (MONDAY_1234 + 86400) * NS;	/* Tuesday 12:34 */
	CU_ASSERT(!dropped(1));
	now_ns = (MONDAY_1234 - 86400) * NS;	/* Sunday */
	CU_ASSERT(dropped(6));
	now_ns = (MONDAY_1234 - 2 * 86400) * NS;	/* Saturday */
	CU_ASSERT(dropped(6));
	now_ns = (MONDAY_1234 - 3 * 86400) * NS;	/* Friday */
	CU_ASSERT(!dropped(6));
}

static void test_time(void)
{
	now_ns = MONDAY_1234 * NS;
	CU_ASSERT(!dropped(2));
	now_ns = (MONDAY_1234 - 35 * 60) * NS;	/* 11:59:56 */
	CU_ASSERT(dropped(2));
	now_ns = (MONDAY_1234 - 34 * 60 - 56) * NS;	/* 12:00:00 exactly: not before */
	CU_ASSERT(!dropped(2));
}

static void test_groups(void)
{
	CU_ASSERT(dropped(3));
	CU_ASSERT(!dropped(4));
}

static void test_random(void)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < 2000; k++)
		n += dropped(5);
	/* one half: 1000 +- 5 standard deviations (22) */
	CU_ASSERT(n > 890 && n < 1110);
}

static void test_refused(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *bad = NULL;
	char err[512];

	CU_ASSERT_EQUAL(ft_ruleset_from_text("table ip t {\n chain c {\n"
					     "  type filter hook forward priority 0;\n"
					     "  meta skuid 0 drop\n }\n}\n", &cfg, &bad, err,
					     sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "meta key skuid is not supported") != NULL);
}

static int setup(void)
{
	struct nfv_filter_config cfg = ft_config();

	cfg.realtime_ns = fake_realtime;
	return ft_suite_ruleset(ruleset, &cfg, &rs);
}

static int teardown(void)
{
	return ft_suite_free(&rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	/* nft turns a rule's local times into UTC with the compiler's zone */
	setenv("TZ", "UTC", 1);
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_meta_time", setup, teardown,
		{ "meta day and hour", test_day_hour },
		{ "meta time against a date", test_time },
		{ "meta iifgroup / oifgroup: the default group", test_groups },
		{ "meta random: half below 2^31", test_random },
		{ "other keys refused by name", test_refused });
	return nfv_test_run();
}
