/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_random.h>

#include "name_index.h"

/*
 * FNV-1a, seeded: byte by byte, so it reads nothing past the name
 * (rte_jhash reads the last bytes as a whole word, past a short string).
 */
static uint32_t name_hash(const struct nfv_name_index *x, const char *name)
{
	uint32_t h = 2166136261u ^ x->seed;

	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

int nfv_name_index_init(struct nfv_name_index *x, uint32_t max, nfv_name_of name_of,
			const void *ctx)
{
	uint32_t size = 16;

	memset(x, 0, sizeof(*x));
	while (size < 2ull * max)
		size <<= 1;
	x->ent = calloc(size, sizeof(x->ent[0]));
	if (x->ent == NULL)
		return -ENOMEM;
	x->mask = size - 1;
	x->max = max;
	/* names come from the operator, but a seed costs nothing */
	x->seed = (uint32_t)rte_rand();
	x->name_of = name_of;
	x->ctx = ctx;
	return 0;
}

void nfv_name_index_fini(struct nfv_name_index *x)
{
	free(x->ent);
	memset(x, 0, sizeof(*x));
}

/* The entry of name, or the empty one that ends its run. */
static uint32_t name_pos(const struct nfv_name_index *x, const char *name, uint32_t h)
{
	uint32_t i = h & x->mask;

	while (x->ent[i].idx1 != 0 &&
	       (x->ent[i].hash != h ||
		strcmp(x->name_of(x->ctx, x->ent[i].idx1 - 1), name) != 0))
		i = (i + 1) & x->mask;
	return i;
}

int64_t nfv_name_index_find(const struct nfv_name_index *x, const char *name)
{
	uint32_t i;

	if (x->ent == NULL)
		return -1;
	i = name_pos(x, name, name_hash(x, name));
	return (int64_t)x->ent[i].idx1 - 1;
}

int nfv_name_index_add(struct nfv_name_index *x, const char *name, uint32_t idx)
{
	uint32_t h = name_hash(x, name), i;

	if (x->n == x->max)
		return -ENOSPC;
	i = name_pos(x, name, h);
	x->ent[i].hash = h;
	x->ent[i].idx1 = idx + 1;
	x->n++;
	return 0;
}

/*
 * Backward shift: the entries after the hole that may move into it (their
 * home is not in the cyclic range hole+1 .. their position) do, until an
 * empty entry; every name stays reachable from its home without gaps.
 */
void nfv_name_index_del(struct nfv_name_index *x, const char *name)
{
	uint32_t hole = name_pos(x, name, name_hash(x, name)), i = hole;

	if (x->ent[hole].idx1 == 0)
		return;
	for (;;) {
		uint32_t home;

		i = (i + 1) & x->mask;
		if (x->ent[i].idx1 == 0)
			break;
		home = x->ent[i].hash & x->mask;
		/* distance from home to i is at least that from hole to i */
		if (((i - home) & x->mask) >= ((i - hole) & x->mask)) {
			x->ent[hole] = x->ent[i];
			hole = i;
		}
	}
	x->ent[hole].idx1 = 0;
	x->n--;
}
