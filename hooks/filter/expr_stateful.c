/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * limit (nft_limit's token bucket, as a lock-free GCRA) and log (a record
 * on the control side's ring, rate-limited per worker so that a flood of
 * logged packets cannot starve the control side).
 */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

bool flimit_pass(struct flimit *l, unsigned int worker, uint64_t now, uint32_t len)
{
	uint64_t cost = l->unit_hz * (l->bytes ? len : 1) / l->rate;
	uint64_t tat = __atomic_load_n(&l->tat, __ATOMIC_RELAXED), start, next;
	bool ok;

	(void)worker;
	do {
		start = tat > now ? tat : now;
		next = start + cost;
		/* conforming while the debt stays within the burst */
		ok = next - now <= l->tau;
		if (!ok)
			break;
	} while (!__atomic_compare_exchange_n(&l->tat, &tat, next, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return ok != l->inv;
}

void flog_emit(const struct nfv_filter_ruleset *rs, uint32_t log,
	       const struct fpkt *p, const struct nfv_hook_state *st)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	struct nfv_filter_log_rec rec;
	uint64_t *tokens = &rs->log_tokens[st->worker];
	uint64_t *last = &rs->log_last[st->worker];
	uint64_t rate = rs->cfg.log_rate, elapsed;
	uint32_t n;

	if (rs->cfg.log_ring == NULL || rate == 0)
		return;
	/* tokens scaled by hz: refill rate*elapsed, cap one second's worth */
	elapsed = st->now - *last;
	*last = st->now;
	*tokens += elapsed * rate;
	if (*tokens > rate * rs->cfg.hz)
		*tokens = rate * rs->cfg.hz;
	if (*tokens < rs->cfg.hz)
		return;
	*tokens -= rs->cfg.hz;

	memset(&rec, 0, sizeof(rec));
	memcpy(rec.prefix, rs->logs[log].prefix, sizeof(rec.prefix));
	rec.hook = st->hook;
	rec.family = meta->family;
	rec.iport = meta->iport;
	rec.oport = meta->oport;
	rec.mark = meta->mark;
	rec.len = p->len;
	n = p->len < sizeof(rec.data) ? p->len : sizeof(rec.data);
	if (rte_pktmbuf_read(p->m, 0, n, rec.data) != rec.data && n)
		memcpy(rec.data, rte_pktmbuf_mtod(p->m, void *), n);
	rec.caplen = n;
	rte_ring_enqueue_elem(rs->cfg.log_ring, &rec, sizeof(rec));
}
