/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency histogram on a log scale: values below 32 have a bucket each,
 * every power of two above is split in 32 buckets, so a quantile is known
 * within 1/32 of its value over the whole 64-bit range in 15 KiB. Values are
 * clock ticks; the report converts them with the clock's rate.
 */
#include <math.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "nfv_gen.h"

static uint64_t tsc_read(void *arg)
{
	RTE_SET_USED(arg);
	return rte_rdtsc();
}

void nfv_gen_clock_tsc(struct nfv_gen_clock *c)
{
	c->read = tsc_read;
	c->arg = NULL;
	c->hz = rte_get_tsc_hz();
}

void nfv_gen_hist_reset(struct nfv_gen_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned int nfv_gen_hist_index(uint64_t v)
{
	unsigned int e;

	if (v < NFV_GEN_HIST_SUB)
		return v;
	e = 63 - __builtin_clzll(v);	/* >= NFV_GEN_HIST_SUB_BITS */
	return (e - NFV_GEN_HIST_SUB_BITS + 1) * NFV_GEN_HIST_SUB +
	       ((v >> (e - NFV_GEN_HIST_SUB_BITS)) & (NFV_GEN_HIST_SUB - 1));
}

uint64_t nfv_gen_hist_lower(unsigned int idx)
{
	unsigned int shift;

	if (idx < NFV_GEN_HIST_SUB)
		return idx;
	shift = idx / NFV_GEN_HIST_SUB - 1;
	return (uint64_t)(NFV_GEN_HIST_SUB + idx % NFV_GEN_HIST_SUB) << shift;
}

uint64_t nfv_gen_hist_upper(unsigned int idx)
{
	if (idx < NFV_GEN_HIST_SUB)
		return idx;
	return nfv_gen_hist_lower(idx) +
	       ((UINT64_C(1) << (idx / NFV_GEN_HIST_SUB - 1)) - 1);
}

void nfv_gen_hist_add(struct nfv_gen_hist *h, uint64_t v)
{
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->bucket[nfv_gen_hist_index(v)]++;
}

uint64_t nfv_gen_hist_quantile(const struct nfv_gen_hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (q <= 0)
		return h->min;
	/* the epsilon keeps 0.999 * 1000 at 999 whatever the rounding */
	rank = (uint64_t)ceil(q * (double)h->count - 1e-9);
	if (rank == 0)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < NFV_GEN_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			return RTE_MAX(RTE_MIN(nfv_gen_hist_upper(i), h->max), h->min);
	}
	return h->max;
}
