/* SPDX-License-Identifier: BSD-3-Clause */
/* Anti-replay window: RFC 4303 3.4.3 and Appendix A (ESN). */
#include <stdlib.h>

#include "nfv_test.h"
#include "test_esp.h"

static struct esp_replay *replay_new(uint32_t size)
{
	struct esp_replay *r = malloc(esp_replay_bytes(size));

	CU_ASSERT_FATAL(r != NULL);
	esp_replay_init(r, size);
	return r;
}

/* racc = check then update, as the input path does */
static int racc(struct esp_replay *r, uint64_t seq)
{
	if (esp_replay_check(r, seq) < 0)
		return -1;
	return esp_replay_update(r, seq);
}

static void test_replay_basic(void)
{
	struct esp_replay *r = replay_new(64);

	CU_ASSERT(racc(r, 0) < 0);		/* 0 is never sent */
	CU_ASSERT(racc(r, 1) == 0);
	CU_ASSERT(racc(r, 1) < 0);		/* duplicate */
	CU_ASSERT(racc(r, 3) == 0);
	CU_ASSERT(racc(r, 2) == 0);		/* late but in the window */
	CU_ASSERT(racc(r, 2) < 0);
	CU_ASSERT(r->top == 3);
	free(r);
}

static void test_replay_edges(void)
{
	struct esp_replay *r = replay_new(64);

	CU_ASSERT(racc(r, 100) == 0);
	CU_ASSERT(racc(r, 37) == 0);		/* top - 63: last in window */
	CU_ASSERT(racc(r, 36) < 0);		/* top - 64: just out */
	CU_ASSERT(racc(r, 37) < 0);
	CU_ASSERT(racc(r, 101) == 0);		/* the window slides by one */
	CU_ASSERT(racc(r, 37) < 0);		/* now out of it */
	CU_ASSERT(racc(r, 38) == 0);
	free(r);
}

static void test_replay_far(void)
{
	struct esp_replay *r = replay_new(64);

	CU_ASSERT(racc(r, 100) == 0);
	CU_ASSERT(racc(r, 1000000) == 0);	/* far ahead: the bitmap is cleared */
	CU_ASSERT(racc(r, 100) < 0);		/* far behind */
	CU_ASSERT(racc(r, 999999) == 0);
	CU_ASSERT(racc(r, 1000000 - 63) == 0);
	CU_ASSERT(racc(r, 1000000 - 64) < 0);
	/* bits of the old position must not survive the jump */
	CU_ASSERT(racc(r, 1000000 - 62) == 0);
	free(r);
}

static void test_replay_window_sizes(void)
{
	static const uint32_t sizes[] = { 32, 64, 100, 1024, 4096 };

	for (unsigned int s = 0; s < RTE_DIM(sizes); s++) {
		uint32_t w = sizes[s];
		struct esp_replay *r = replay_new(w);
		unsigned int bad = 0;
		uint64_t base;

		/* in order, twice the bitmap size: every one new once */
		for (uint64_t q = 1; q <= 4 * w + 300; q++) {
			bad += racc(r, q) != 0;
			bad += racc(r, q) == 0;
		}
		/* out of order inside the window: evens then odds */
		base = 8 * w + 1000;
		for (uint64_t q = base + 2; q < base + w; q += 2)
			bad += racc(r, q) != 0;
		for (uint64_t q = base + 1; q < base + w; q += 2)
			bad += racc(r, q) != 0;
		bad += racc(r, base) != 0;		/* top - (w - 1) */
		bad += racc(r, base - 1) == 0;		/* top - w */
		if (bad)
			printf("\n window %u: %u bad\n", w, bad);
		CU_ASSERT_EQUAL(bad, 0);
		free(r);
	}
}

static void test_replay_esn_infer(void)
{
	struct esp_replay *r = replay_new(64);
	uint64_t hi1 = UINT64_C(1) << 32;

	/* Appendix A case 1: window inside one epoch */
	CU_ASSERT(racc(r, 5 * hi1 + 1000) == 0);
	CU_ASSERT(esp_replay_infer(r, 2000, true) == 5 * hi1 + 2000);
	CU_ASSERT(esp_replay_infer(r, 990, true) == 5 * hi1 + 990);
	CU_ASSERT(esp_replay_infer(r, 100, true) == 6 * hi1 + 100);
	CU_ASSERT(esp_replay_infer(r, 100, false) == 100);
	free(r);

	/* case 2: the window spans the wrap of the low half */
	r = replay_new(64);
	CU_ASSERT(racc(r, hi1 + 10) == 0);
	CU_ASSERT(esp_replay_infer(r, 5, true) == hi1 + 5);
	CU_ASSERT(esp_replay_infer(r, 20, true) == hi1 + 20);
	CU_ASSERT(esp_replay_infer(r, 0xfffffff0u, true) == 0xfffffff0u);
	CU_ASSERT(esp_replay_check(r, 0xfffffff0u) == 0);
	CU_ASSERT(esp_replay_check(r, 0xffffffc0u) < 0);	/* 74 behind */
	free(r);
}

static void test_replay_esn_wrap(void)
{
	struct esp_replay *r = replay_new(64);
	uint64_t s;

	CU_ASSERT(racc(r, 0xfffffff0u) == 0);
	CU_ASSERT(racc(r, 0xfffffffeu) == 0);
	/* the sender wraps the low half: 3 now means epoch 1 */
	s = esp_replay_infer(r, 3, true);
	CU_ASSERT(s == (UINT64_C(1) << 32) + 3);
	CU_ASSERT(racc(r, s) == 0);
	/* a late packet of epoch 0 still inside the window */
	s = esp_replay_infer(r, 0xfffffff5u, true);
	CU_ASSERT(s == 0xfffffff5u);
	CU_ASSERT(racc(r, s) == 0);
	CU_ASSERT(racc(r, s) < 0);
	/* and one already seen before the wrap */
	s = esp_replay_infer(r, 0xfffffff0u, true);
	CU_ASSERT(s == 0xfffffff0u);
	CU_ASSERT(racc(r, s) < 0);
	/* 2^32 itself (low half 0) is valid with ESN */
	s = esp_replay_infer(r, 0, true);
	CU_ASSERT(s == UINT64_C(1) << 32);
	CU_ASSERT(racc(r, s) == 0);
	free(r);
}

int test_replay_register(void)
{
	NFV_TEST_SUITE("esp_replay", NULL, NULL,
		{ "basic", test_replay_basic },
		{ "window edges", test_replay_edges },
		{ "far ahead and far behind", test_replay_far },
		{ "window sizes and order", test_replay_window_sizes },
		{ "ESN inference (RFC 4303 A.2)", test_replay_esn_infer },
		{ "ESN wrap-around", test_replay_esn_wrap });
	return 0;
}
