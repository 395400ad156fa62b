/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Free slots of a control module's array, lowest first, as the linear
 * scans they replace gave them: a bitmap of free slots and a summary
 * bitmap of its non-empty words, so that get looks at max / 4096 words
 * (4 for 16,384 slots) and put at two. Control side only; no DPDK memory.
 */
#ifndef NFV_SLOT_ALLOC_H
#define NFV_SLOT_ALLOC_H

#include <stdint.h>

struct nfv_slot_alloc {
	uint64_t *free;			/* bit i: slot i is free */
	uint64_t *sum;			/* bit w: free[w] != 0 */
	uint32_t max;
	uint32_t hi;			/* slots handed out at least once: 0 .. hi-1 */
};

/* Slots 0 .. max-1, all free. 0 or -ENOMEM. */
int nfv_slot_alloc_init(struct nfv_slot_alloc *s, uint32_t max);
void nfv_slot_alloc_fini(struct nfv_slot_alloc *s);
/* Takes the lowest free slot; -1 when none is. */
int64_t nfv_slot_get(struct nfv_slot_alloc *s);
/* Gives slot i (taken) back. */
void nfv_slot_put(struct nfv_slot_alloc *s, uint32_t i);

#endif
