/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names to slot indexes, for a control module whose objects live in an
 * array of slots (control/ipsec.c: SAs and policies): open addressing
 * with linear probing, at most half full, deletion by backward shift (no
 * tombstones), so find, add and delete cost O(1) expected. The index
 * keeps no copy of a name: name_of(ctx, idx) reads it from the slot.
 * Control side only, one thread; no DPDK memory.
 */
#ifndef NFV_NAME_INDEX_H
#define NFV_NAME_INDEX_H

#include <stdint.h>

typedef const char *(*nfv_name_of)(const void *ctx, uint32_t idx);

struct nfv_name_index {
	struct nfv_name_ent {
		uint32_t hash;
		uint32_t idx1;		/* slot index + 1; 0: empty */
	} *ent;
	uint32_t mask;
	uint32_t n;
	uint32_t max;
	uint32_t seed;
	nfv_name_of name_of;
	const void *ctx;
};

/* For up to max names. 0 or -ENOMEM. */
int nfv_name_index_init(struct nfv_name_index *x, uint32_t max, nfv_name_of name_of,
			const void *ctx);
void nfv_name_index_fini(struct nfv_name_index *x);
/* The slot index of name, or -1. */
int64_t nfv_name_index_find(const struct nfv_name_index *x, const char *name);
/* name (not in the index) is slot idx's: 0, or -ENOSPC when max are in. */
int nfv_name_index_add(struct nfv_name_index *x, const char *name, uint32_t idx);
/* Forgets name; its slot must still hold it. */
void nfv_name_index_del(struct nfv_name_index *x, const char *name);

#endif
