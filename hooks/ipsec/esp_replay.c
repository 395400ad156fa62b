/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Anti-replay window (RFC 4303 3.4.3, Appendix A) with the bitmap of
 * RFC 6479: the bitmap is a ring of 64-bit words at least one word larger
 * than the window, so that moving the window clears whole words and never
 * shifts bits.
 */
#include <string.h>

#include <rte_common.h>

#include "esp.h"

static uint32_t replay_words(uint32_t size)
{
	return rte_align32pow2((size + 63) / 64 + 1);
}

size_t esp_replay_bytes(uint32_t size)
{
	return sizeof(struct esp_replay) + replay_words(size) * sizeof(uint64_t);
}

void esp_replay_init(struct esp_replay *r, uint32_t size)
{
	uint32_t words = replay_words(size);

	r->top = 0;
	r->size = size;
	r->mask = words - 1;
	memset(r->bits, 0, words * sizeof(uint64_t));
}

/*
 * The 64-bit sequence number a received low half stands for (RFC 4303
 * A.2.2): within the window of the highest number seen, or after it.
 */
uint64_t esp_replay_infer(const struct esp_replay *r, uint32_t seql, bool esn)
{
	uint32_t tl = (uint32_t)r->top;
	uint32_t th = (uint32_t)(r->top >> 32);
	uint32_t w = r->size;
	uint32_t sh;

	if (!esn)
		return seql;
	if (tl >= w - 1) {
		/* window within one epoch: below it means the next epoch */
		sh = seql >= tl - w + 1 ? th : th + 1;
	} else {
		/* window spans the wrap: its high part is the last epoch */
		if (seql >= tl - w + 1 && th > 0)
			sh = th - 1;
		else
			sh = th;
	}
	return (uint64_t)sh << 32 | seql;
}

static inline uint64_t *replay_word(const struct esp_replay *r, uint64_t seq)
{
	return (uint64_t *)&r->bits[(seq >> 6) & r->mask];
}

/* 0 when seq may be accepted, -1 when it is too old or a duplicate. */
int esp_replay_check(const struct esp_replay *r, uint64_t seq)
{
	if (unlikely(seq == 0))
		return -1;
	if (seq > r->top)
		return 0;
	if (r->top - seq >= r->size)
		return -1;
	return (*replay_word(r, seq) >> (seq & 63)) & 1 ? -1 : 0;
}

/* Called after the ICV has been verified; checks again (same batch). */
int esp_replay_update(struct esp_replay *r, uint64_t seq)
{
	uint64_t *w;

	if (esp_replay_check(r, seq) < 0)
		return -1;
	if (seq > r->top) {
		uint64_t from = r->top >> 6, to = seq >> 6, i;

		if (to - from > r->mask)
			from = to - r->mask - 1;
		for (i = from + 1; i <= to; i++)
			r->bits[i & r->mask] = 0;
		r->top = seq;
	}
	w = replay_word(r, seq);
	*w |= UINT64_C(1) << (seq & 63);
	return 0;
}
