/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conntrack's per-worker cache in front of the shared rte_hash: tuple hash
 * -> (connection index, direction), 2-way, 16 bytes a set, no key: a hit
 * is checked against the connection itself (ct_cache_resolve(): alive,
 * confirmed, and the packet's tuple is its tuple of that direction), so
 * an entry is only a hint and a wrong one costs a hash lookup, never a
 * wrong connection. Only its worker touches it: no atomics, no locks.
 */
#ifndef NFV_CT_CACHE_H
#define NFV_CT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_prefetch.h>

/* 4,096 sets of two: 64 KiB a worker */
#define CT_CACHE_SETS 4096

struct ct_cache_set {
	uint32_t sig[2];	/* [0]: the newest */
	uint32_t data[2];	/* index << 1 | dir, as the hash's data */
};

struct ct_cache {
	struct ct_cache_set set[CT_CACHE_SETS];
} __rte_cache_aligned;

static inline struct ct_cache_set *ct_cache_set(struct ct_cache *c, uint32_t sig)
{
	return &c->set[sig & (CT_CACHE_SETS - 1)];
}

static inline void ct_cache_prefetch(struct ct_cache *c, uint32_t sig)
{
	rte_prefetch0(ct_cache_set(c, sig));
}

/* An empty set reads as index 0: a hint like any other. */
static inline bool ct_cache_find(struct ct_cache *c, uint32_t sig, uint32_t *data)
{
	const struct ct_cache_set *s = ct_cache_set(c, sig);

	if (s->sig[0] == sig) {
		*data = s->data[0];
		return true;
	}
	if (s->sig[1] == sig) {
		*data = s->data[1];
		return true;
	}
	return false;
}

static inline void ct_cache_add(struct ct_cache *c, uint32_t sig, uint32_t data)
{
	struct ct_cache_set *s = ct_cache_set(c, sig);

	if (s->sig[0] != sig) {
		s->sig[1] = s->sig[0];
		s->data[1] = s->data[0];
		s->sig[0] = sig;
	}
	s->data[0] = data;
}

#endif
