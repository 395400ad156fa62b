/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet-hook module: netfilter's hook points, verdicts and priorities,
 * with one difference from the kernel: a hook function takes a burst and
 * writes one verdict per packet.
 */
#ifndef NFV_HOOK_H
#define NFV_HOOK_H

#include <stdint.h>
#include <string.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "nfv_netfilter.h"	/* hooks, verdicts, priorities: the kernel's */

struct rte_mbuf;

/* How often REPEAT may re-run the same entry on one packet. */
#define NFV_REPEAT_LIMIT 8

struct nfv_hook_state;
struct nfv_hook_table;
struct nfv_trace_rec;

/*
 * Runs on a worker for n packets of one burst; writes verdicts[i] for each
 * pkts[i]. It must not free a packet unless it returns STOLEN for it, or
 * unless it replaces pkts[i] by another mbuf it made (a copy in one
 * segment, say): the verdict then applies to the new pkts[i].
 */
typedef void (*nfv_hookfn)(void *priv, struct rte_mbuf **pkts, uint16_t n,
			   uint32_t *verdicts, const struct nfv_hook_state *state);

/*
 * Sets verdicts[0..n) to v, for an entry that decides a whole burst at
 * once: eight verdicts a store with AVX2, else two, where a plain loop
 * stores one (the compiler does not vectorise a loop of unknown length
 * at -O2).
 */
static inline void nfv_verdicts_fill(uint32_t *verdicts, uint16_t n, uint32_t v)
{
	uint16_t i = 0;
#ifdef __AVX2__
	const __m256i v8 = _mm256_set1_epi32((int)v);

	for (; i + 8 <= n; i += 8)
		_mm256_storeu_si256((__m256i *)&verdicts[i], v8);
#else
	const uint64_t pair = (uint64_t)v << 32 | v;

	for (; i + 2 <= n; i += 2)
		memcpy(&verdicts[i], &pair, sizeof(pair));
#endif
	for (; i < n; i++)
		verdicts[i] = v;
}

/* A name, its NUL included, fits in this many bytes. */
#define NFV_HOOK_NAMESIZ 48

/*
 * The descriptor of a hook entry, as struct nf_hook_ops. A module declares
 * one (or an array) const at the bottom of the file that holds fn, and its
 * control side registers them with nfv_hook_register(), which copies them:
 * see hooks/core/README.md.
 */
struct nfv_hook_ops {
	const char *name;	/* unique in the table: the handle of CLI and trace */
	enum nfv_hook hook;
	int priority;		/* enum nfv_hook_priority or any int: lower runs first */
	nfv_hookfn fn;
	void *priv;		/* fn's first argument; the module's per-entry state */
};

/* What a hook function may know about where it runs. */
struct nfv_hook_state {
	enum nfv_hook hook;
	unsigned int worker;	/* 0 .. NFV_MAX_WORKERS-1 */
	uint64_t now;		/* rte_get_tsc_cycles() at the start of the burst */
	struct nfv_hook_table *table;	/* for nfv_drop() of stolen packets */
	/*
	 * NULL, except while a trace runs: then trace[i] is the record of
	 * pkts[i] (traced when its id is not 0), whose why an entry may fill
	 * (the nft chain and rule that decided). See nfv_trace.h.
	 */
	struct nfv_trace_rec *trace;
};

#endif
