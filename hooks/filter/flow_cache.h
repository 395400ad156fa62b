/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flowtable's per-worker flow cache, in front of conntrack's shared
 * rte_hash: 2-way set-associative, indexed by the tuple hash the fast
 * path computes anyway, one cache line per entry holding the whole key,
 * so that a hit costs one line and a 5-word compare instead of the hash's
 * bucket walk, key line and compare call.
 *
 * An entry is only a hint of where a key's connection was: the fast path
 * checks, as for a hash hit, that the connection is offloaded and not
 * dying, and that the flow's epoch is the one the entry was made at.
 * The epoch (struct nfv_flow) changes whenever a connection index is
 * offloaded anew, so an entry left over from a connection that was torn
 * down, freed and whose index now serves another offloaded connection,
 * never matches; the route itself is read from the flow under its
 * generation as before, so route, neighbour, ruleset and SA changes end
 * cached flows exactly as uncached ones. A key's entry is written only
 * after a full hash hit of the same burst.
 *
 * Only its worker reads and writes a cache: no atomics, no locks.
 */
#ifndef NFV_FLOW_CACHE_H
#define NFV_FLOW_CACHE_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_prefetch.h>

#include "ct_priv.h"

/* 2 x 2,048 entries of 64 bytes: 256 KiB a worker, for a few thousand hot
 * flows; more of them share sets and fall back to the hash */
#define FLOW_CACHE_SETS 2048
#define FLOW_CACHE_WAYS 2

struct flow_cache_entry {
	struct nfv_ct_tuple key;	/* family 0: empty (no packet has it) */
	uint32_t data;		/* the conntrack hash's data: index << 1 | dir */
	uint32_t epoch;		/* the flow's epoch when it was cached */
} __rte_cache_aligned;

struct flow_cache_set {
	struct flow_cache_entry way[FLOW_CACHE_WAYS];	/* [0]: the newest */
} __rte_aligned(2 * RTE_CACHE_LINE_SIZE);

struct flow_cache {
	struct flow_cache_set set[FLOW_CACHE_SETS];
};

static inline struct flow_cache_set *flow_cache_set(struct flow_cache *c, uint32_t sig)
{
	return &c->set[sig & (FLOW_CACHE_SETS - 1)];
}

static inline void flow_cache_prefetch(struct flow_cache *c, uint32_t sig)
{
	struct flow_cache_set *s = flow_cache_set(c, sig);

	rte_prefetch0(&s->way[0]);
	rte_prefetch0(&s->way[1]);
}

/* The entry of key k (hash sig), or NULL. */
static inline struct flow_cache_entry *flow_cache_find(struct flow_cache *c,
							const struct nfv_ct_tuple *k, uint32_t sig)
{
	struct flow_cache_set *s = flow_cache_set(c, sig);

	if (ct_tuple_cmp(&s->way[0].key, k) == 0)
		return &s->way[0];
	if (ct_tuple_cmp(&s->way[1].key, k) == 0)
		return &s->way[1];
	return NULL;
}

/* k's connection is (data, epoch): the newest entry of its set, the older
 * one moves to the other way unless it was k's own stale entry. */
static inline void flow_cache_add(struct flow_cache *c, const struct nfv_ct_tuple *k,
				  uint32_t sig, uint32_t data, uint32_t epoch)
{
	struct flow_cache_set *s = flow_cache_set(c, sig);

	if (ct_tuple_cmp(&s->way[0].key, k) != 0)
		s->way[1] = s->way[0];
	s->way[0].key = *k;
	s->way[0].data = data;
	s->way[0].epoch = epoch;
}

/* k's connection is no longer offloaded as its entry says: the entry goes
 * (found again: a later add of the burst may have moved it). */
static inline void flow_cache_forget(struct flow_cache *c, const struct nfv_ct_tuple *k,
				     uint32_t sig)
{
	struct flow_cache_entry *e = flow_cache_find(c, k, sig);

	if (e != NULL)
		e->key.family = 0;
}

#endif
