/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "slot_alloc.h"

int nfv_slot_alloc_init(struct nfv_slot_alloc *s, uint32_t max)
{
	uint32_t words = (max + 63) / 64;

	memset(s, 0, sizeof(*s));
	s->free = calloc(words, sizeof(s->free[0]));
	s->sum = calloc((words + 63) / 64, sizeof(s->sum[0]));
	if (s->free == NULL || s->sum == NULL) {
		nfv_slot_alloc_fini(s);
		return -ENOMEM;
	}
	s->max = max;
	for (uint32_t i = 0; i < max; i++)
		nfv_slot_put(s, i);
	return 0;
}

void nfv_slot_alloc_fini(struct nfv_slot_alloc *s)
{
	free(s->free);
	free(s->sum);
	memset(s, 0, sizeof(*s));
}

int64_t nfv_slot_get(struct nfv_slot_alloc *s)
{
	uint32_t nsum = (s->max + 4095) / 4096;

	for (uint32_t j = 0; j < nsum; j++) {
		uint32_t w, i;

		if (s->sum[j] == 0)
			continue;
		w = j * 64 + (uint32_t)__builtin_ctzll(s->sum[j]);
		i = w * 64 + (uint32_t)__builtin_ctzll(s->free[w]);
		s->free[w] &= s->free[w] - 1;
		if (s->free[w] == 0)
			s->sum[j] &= ~(1ull << (w % 64));
		if (i >= s->hi)
			s->hi = i + 1;
		return i;
	}
	return -1;
}

void nfv_slot_put(struct nfv_slot_alloc *s, uint32_t i)
{
	s->free[i / 64] |= 1ull << (i % 64);
	s->sum[i / 4096] |= 1ull << (i / 64 % 64);
}
