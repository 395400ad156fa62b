/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst runner: calls each entry of a hook on the packets still alive,
 * then acts on the verdicts. Per-packet semantics, vector execution.
 */
#include <stdbool.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_vect.h>

#include "nfv_hook_table.h"
#include "nfv_mbuf.h"
#include "nfv_queue.h"
#include "nfv_trace.h"

/*
 * Re-runs the entry on the packets that answered REPEAT, keeping every
 * packet in its place, at most NFV_REPEAT_LIMIT times.
 */
static void run_repeats(const struct nfv_hook_entry *e, struct nfv_hook_stats *s,
			struct rte_mbuf **pkts, uint16_t n, uint32_t *verdicts,
			const struct nfv_hook_state *state)
{
	struct rte_mbuf *sub[NFV_BURST];
	uint32_t subv[NFV_BURST];
	uint16_t idx[NFV_BURST];

	for (unsigned int round = 0; round < NFV_REPEAT_LIMIT; round++) {
		uint16_t k = 0;

		for (uint16_t i = 0; i < n; i++) {
			if (NFV_VERDICT(verdicts[i]) == NFV_REPEAT) {
				idx[k] = i;
				sub[k++] = pkts[i];
			}
		}
		if (k == 0)
			return;
		s->repeated += k;
		s->packets += k;
		e->fn(e->priv, sub, k, subv, state);
		for (uint16_t j = 0; j < k; j++) {
			verdicts[idx[j]] = subv[j];
			pkts[idx[j]] = sub[j];	/* fn may have replaced it */
		}
	}
}

/*
 * True when every verdict is a plain ACCEPT: the common case, checked
 * eight verdicts a step with AVX2 (two instructions), else two per 64-bit
 * word, four words a step.
 */
static inline bool all_accepted(const uint32_t *verdicts, uint16_t n)
{
	uint32_t rest = 0;
	uint16_t j = 0;
#ifdef __AVX2__
	const __m256i accept = _mm256_set1_epi32(NFV_ACCEPT);
	__m256i acc = _mm256_setzero_si256();

	for (; j + 8 <= n; j += 8)
		acc = _mm256_or_si256(acc, _mm256_xor_si256(accept,
				_mm256_loadu_si256((const __m256i *)&verdicts[j])));
	if (!_mm256_testz_si256(acc, acc))
		return false;
#else
	const uint64_t pair = (uint64_t)NFV_ACCEPT << 32 | NFV_ACCEPT;
	uint64_t others = 0, w[4];

	for (; j + 8 <= n; j += 8) {
		memcpy(w, &verdicts[j], sizeof(w));
		others |= (w[0] ^ pair) | (w[1] ^ pair) | (w[2] ^ pair) | (w[3] ^ pair);
	}
	if (others != 0)
		return false;
#endif
	for (; j < n; j++)
		rest |= verdicts[j] ^ NFV_ACCEPT;
	return rest == 0;
}

/*
 * The loop over the entries. Inlined twice: with tr a constant NULL (the
 * trace code compiles away) and with the armed trace.
 */
static __rte_always_inline uint16_t
run_entries(struct nfv_hook_table *t, const struct nfv_hook_entries *es, unsigned int i,
	    struct rte_mbuf **pkts, uint16_t n, const struct nfv_hook_state *state,
	    struct nfv_trace *tr)
{
	struct nfv_trace_rec recs[tr != NULL ? NFV_BURST : 1];
	uint32_t verdicts[NFV_BURST];
	unsigned int worker = state->worker;
	struct nfv_hook_state traced_state;

	/* entries see the records: one may say what in it decided */
	if (tr != NULL) {
		traced_state = *state;
		traced_state.trace = recs;
		state = &traced_state;
	}

	for (; i < es->num && n > 0; i++) {
		const struct nfv_hook_entry *e = &es->e[i];
		struct nfv_hook_stats *s = &e->stats[worker];
		uint64_t start = rte_rdtsc();
		uint16_t kept = 0, traced = 0;

		/* before fn: a packet fn steals may be gone when it returns */
		if (tr != NULL)
			traced = nfv_trace_pre(tr, pkts, n, state, recs);
		e->fn(e->priv, pkts, n, verdicts, state);
		s->packets += n;
		/* the common case: everything accepted, nothing to move */
		if (all_accepted(verdicts, n)) {
			if (tr != NULL && traced)
				nfv_trace_post(tr, es->regs[i], e->priority, recs, n, verdicts);
			s->accepted += n;
			s->cycles += rte_rdtsc() - start;
			continue;
		}
		for (uint16_t j = 0; j < n; j++) {
			if (unlikely(NFV_VERDICT(verdicts[j]) == NFV_REPEAT)) {
				run_repeats(e, s, pkts, n, verdicts, state);
				break;
			}
		}
		if (tr != NULL && traced)
			nfv_trace_post(tr, es->regs[i], e->priority, recs, n, verdicts);

		for (uint16_t j = 0; j < n; j++) {
			struct rte_mbuf *m = pkts[j];
			uint32_t v = verdicts[j];

			switch (NFV_VERDICT(v)) {
			case NFV_ACCEPT:
				s->accepted++;
				pkts[kept++] = m;
				break;
			case NFV_STOLEN:
				s->stolen++;
				break;
			case NFV_QUEUE:
				s->queued++;
				if (nfv_queue_enqueue(t, worker, m, v, state->hook,
						      e->priority))
					pkts[kept++] = m;
				break;
			case NFV_REPEAT:
				s->repeat_limit++;
				nfv_drop_quiet(t, worker, m, NFV_DR_REPEAT_LIMIT);
				break;
			case NFV_DROP:
			default:
				s->dropped++;
				v = NFV_VERDICT_ARG(v);
				nfv_drop_quiet(t, worker, m, v && v < NFV_DR_MAX ? v : NFV_DR_HOOK);
				break;
			}
		}
		n = kept;
		s->cycles += rte_rdtsc() - start;
	}
	return n;
}

uint16_t nfv_hook_run(struct nfv_hook_table *t, struct rte_mbuf **pkts,
		      uint16_t n, const struct nfv_hook_state *state,
		      int64_t after_prio)
{
	const struct nfv_hook_entries *es;
	struct nfv_trace *tr;
	unsigned int i = 0;

	RTE_ASSERT(n <= NFV_BURST);
	es = __atomic_load_n(&t->hooks[state->hook], __ATOMIC_ACQUIRE);
	if (es == NULL)
		return n;
	if (after_prio != NFV_HOOK_FROM_START)
		while (i < es->num && es->e[i].priority <= after_prio)
			i++;
	/* the only cost of tracing when none runs: this load and branch */
	tr = __atomic_load_n(&t->trace, __ATOMIC_ACQUIRE);
	if (unlikely(tr != NULL))
		return run_entries(t, es, i, pkts, n, state, tr);
	return run_entries(t, es, i, pkts, n, state, NULL);
}
