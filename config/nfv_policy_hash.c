/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The duplicate checks' hash set: open addressing over entry indexes, so
 * that a check over n entries costs O(n) and n words, not n * n compares.
 * The hash is seeded per process (AT_RANDOM) so that a crafted policy
 * cannot aim its keys at one chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "nfv_policy_priv.h"

static uint64_t hash_seed(void)
{
	static uint64_t seed;
	const void *r;

	if (seed == 0) {
		r = (const void *)getauxval(AT_RANDOM);
		if (r != NULL)
			memcpy(&seed, r, sizeof(seed));
		seed |= 1;
	}
	return seed;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t nfv_hash(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t w;

	if (h == 0)
		h = hash_seed();
	while (len >= 8) {
		memcpy(&w, b, 8);
		h = mix(h ^ w) + len;
		b += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, b, len);
	return mix(h ^ w ^ (uint64_t)len << 56);
}

uint64_t nfv_hash_str(uint64_t h, const char *s)
{
	return nfv_hash(h, s, strlen(s));
}

int nfv_dupset_init(struct nfv_dupset *s, unsigned int n)
{
	uint32_t size = 16;

	while (size < 2ull * n)
		size <<= 1;
	s->slot = calloc(size, sizeof(*s->slot));
	s->mask = size - 1;
	return s->slot == NULL ? -ENOMEM : 0;
}

void nfv_dupset_fini(struct nfv_dupset *s)
{
	free(s->slot);
	s->slot = NULL;
}

/* The slot of the entry equal to key, or of the empty slot ending its chain. */
static uint32_t *lookup(const struct nfv_dupset *s, uint64_t hash, const void *key,
			nfv_dup_eq eq, const void *ctx)
{
	uint32_t i = (uint32_t)hash & s->mask;

	while (s->slot[i] != 0 && !eq(ctx, key, s->slot[i] - 1))
		i = (i + 1) & s->mask;
	return &s->slot[i];
}

int nfv_dupset_find(const struct nfv_dupset *s, uint64_t hash, const void *key,
		    nfv_dup_eq eq, const void *ctx)
{
	return (int)*lookup(s, hash, key, eq, ctx) - 1;
}

int nfv_dupset_add(struct nfv_dupset *s, uint64_t hash, const void *key,
		   uint32_t idx, nfv_dup_eq eq, const void *ctx)
{
	uint32_t *slot = lookup(s, hash, key, eq, ctx);

	if (*slot != 0)
		return (int)*slot - 1;
	*slot = idx + 1;
	return -1;
}
