/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side's table helpers that control/ipsec.c keeps its SAs and
 * policies with: the name index (name_index.c) against a plain array
 * through random adds and deletes on a small, full table (long probe runs,
 * so that deletion's backward shift is exercised), and the slot allocator
 * (slot_alloc.c) against the lowest-free-slot scan it replaces.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "name_index.h"
#include "nfv_test.h"
#include "slot_alloc.h"

#define NAMES 300

static char names[NAMES][16];
static bool present[NAMES];

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static const char *name_of(const void *ctx, uint32_t idx)
{
	(void)ctx;
	return names[idx];
}

static void check_all(const struct nfv_name_index *x, unsigned int *bad)
{
	for (uint32_t i = 0; i < NAMES; i++)
		*bad += nfv_name_index_find(x, names[i]) != (present[i] ? (int64_t)i : -1);
}

static void test_name_index(void)
{
	struct nfv_name_index x;
	unsigned int bad = 0, n = 0;

	/* a 512-entry table: half full at 256 names, runs of many entries */
	CU_ASSERT_FATAL(nfv_name_index_init(&x, 256, name_of, NULL) == 0);
	for (uint32_t i = 0; i < NAMES; i++)
		snprintf(names[i], sizeof(names[i]), "sa-%u", i * 7919);
	for (unsigned int round = 0; round < 20000; round++) {
		uint32_t i = rnd() % NAMES;

		if (present[i]) {
			nfv_name_index_del(&x, names[i]);
			present[i] = false;
			n--;
		} else if (n < 256) {
			bad += nfv_name_index_add(&x, names[i], i) != 0;
			present[i] = true;
			n++;
		} else {
			bad += nfv_name_index_add(&x, names[i], i) != -ENOSPC;
		}
		if (round % 97 == 0)
			check_all(&x, &bad);
	}
	check_all(&x, &bad);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(x.n, n);
	CU_ASSERT_EQUAL(nfv_name_index_find(&x, "not-there"), -1);
	nfv_name_index_fini(&x);
}

static void test_slot_alloc(void)
{
	static bool used[10000];
	struct nfv_slot_alloc s;
	unsigned int bad = 0;

	CU_ASSERT_FATAL(nfv_slot_alloc_init(&s, 10000) == 0);
	for (unsigned int round = 0; round < 50000; round++) {
		uint32_t lowest = 0;
		int64_t got;

		if (rnd() % 3 == 0) {
			uint32_t i = rnd() % 10000;

			if (used[i]) {
				nfv_slot_put(&s, i);
				used[i] = false;
			}
			continue;
		}
		while (lowest < 10000 && used[lowest])
			lowest++;
		got = nfv_slot_get(&s);
		bad += got != (lowest < 10000 ? (int64_t)lowest : -1);
		if (got >= 0)
			used[got] = true;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* full: nothing; one back: that one */
	while (nfv_slot_get(&s) >= 0)
		;
	CU_ASSERT_EQUAL(nfv_slot_get(&s), -1);
	CU_ASSERT_EQUAL(s.hi, 10000);
	nfv_slot_put(&s, 9999);
	CU_ASSERT_EQUAL(nfv_slot_get(&s), 9999);
	nfv_slot_alloc_fini(&s);
}

int main(int argc, char **argv)
{
	(void)argc;
	nfv_test_eal_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("ctl_tables", NULL, NULL,
		{ "name index: random adds and deletes on a full table", test_name_index },
		{ "slot allocator: the lowest free slot", test_slot_alloc });
	return nfv_test_run();
}
