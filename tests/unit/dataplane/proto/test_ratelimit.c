/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdint.h>

#include "nfv_ratelimit.h"
#include "nfv_test.h"

#define HZ 1000000ull	/* a fake 1 MHz TSC */

static unsigned int take(struct nfv_ratelimit *rl, uint64_t now, unsigned int tries)
{
	unsigned int n = 0;

	while (tries-- > 0)
		n += nfv_ratelimit_allow(rl, now);
	return n;
}

static void test_burst_then_rate(void)
{
	struct nfv_ratelimit rl;

	nfv_ratelimit_init(&rl, 10, 5, HZ, 1000);
	CU_ASSERT_EQUAL(take(&rl, 1000, 100), 5);
	/* 99 ms: not quite one token (100 ms each) */
	CU_ASSERT_EQUAL(take(&rl, 1000 + 99999, 10), 0);
	CU_ASSERT_EQUAL(take(&rl, 1000 + 100000, 10), 1);
	CU_ASSERT_EQUAL(take(&rl, 1000 + 350000, 10), 2);
	/* a long pause refills the burst, not more */
	CU_ASSERT_EQUAL(take(&rl, 1000 + 100 * HZ, 100), 5);
}

static void test_steady(void)
{
	struct nfv_ratelimit rl;
	unsigned int n = 0;
	uint64_t t;

	/* asked every ms for 1000 s at 10/s: the burst plus 10 per second */
	nfv_ratelimit_init(&rl, 10, 5, HZ, 0);
	for (t = 0; t <= 1000 * HZ; t += HZ / 1000)
		n += nfv_ratelimit_allow(&rl, t);
	CU_ASSERT_EQUAL(n, 5 + 10 * 1000);
}

static void test_clock_backwards(void)
{
	struct nfv_ratelimit rl;

	nfv_ratelimit_init(&rl, 10, 1, HZ, 10 * HZ);
	CU_ASSERT_EQUAL(take(&rl, 10 * HZ, 5), 1);
	CU_ASSERT_EQUAL(take(&rl, 5 * HZ, 5), 0);
	CU_ASSERT_EQUAL(take(&rl, 10 * HZ + HZ / 10, 5), 1);
}

static void test_edges(void)
{
	struct nfv_ratelimit rl;

	/* rate 0: nothing ever */
	nfv_ratelimit_init(&rl, 0, 10, HZ, 0);
	CU_ASSERT_EQUAL(take(&rl, 0, 5), 0);
	CU_ASSERT_EQUAL(take(&rl, 1000 * HZ, 5), 0);
	/* burst 0 means 1 */
	nfv_ratelimit_init(&rl, 10, 0, HZ, 0);
	CU_ASSERT_EQUAL(take(&rl, 0, 5), 1);
	/* a rate above the clock: one token per cycle */
	nfv_ratelimit_init(&rl, 2 * HZ, 4, HZ, 0);
	CU_ASSERT_EQUAL(take(&rl, 0, 10), 4);
	CU_ASSERT_EQUAL(take(&rl, 3, 10), 3);
	/* the end of the clock: no overflow */
	nfv_ratelimit_init(&rl, 10, 3, HZ, 0);
	CU_ASSERT_EQUAL(take(&rl, 0, 10), 3);
	CU_ASSERT_EQUAL(take(&rl, UINT64_MAX, 10), 3);
	CU_ASSERT_EQUAL(take(&rl, UINT64_MAX, 10), 0);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_ratelimit", NULL, NULL,
		{ "burst then rate", test_burst_then_rate },
		{ "steady rate over 1000 s", test_steady },
		{ "clock going backwards", test_clock_backwards },
		{ "edges", test_edges });
	return nfv_test_run();
}
