/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log: a record (prefix, hook, ports, mark, the first bytes) on the
 * control side's ring, rate-limited per worker (cfg.log_rate, shared by
 * the ruleset's log statements) so that a flood of logged packets cannot
 * starve the control side. The dataplane prints it as nft's log does.
 *
 *   LOG  arg: pool index of the prefix (32 bytes)
 */
FEXPR(log, FOP(LOG, log_eval))
#ifdef FEXPR_CODE
#include <stdio.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

static int log_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	char prefix[sizeof(((struct nfv_filter_log_rec *)0)->prefix)];
	struct finsn *i;
	uint32_t idx;

	memset(prefix, 0, sizeof(prefix));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX))
		snprintf(prefix, sizeof(prefix), "%s",
			 nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
	if (fc_pool_add(c, prefix, sizeof(prefix), &idx))
		return -ENOMEM;
	i = fc_emit(c, FOP_LOG);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	return 0;
}

static __rte_noinline void log_emit(const struct nfv_filter_ruleset *rs,
				    const char *prefix, const struct fpkt *p,
				    const struct nfv_hook_state *st)
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
	memcpy(rec.prefix, prefix, sizeof(rec.prefix));
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

static inline int32_t log_eval(const struct nfv_filter_ruleset *rs,
			       const struct finsn *i, uint32_t *regs,
			       const struct fpkt *p,
			       const struct nfv_hook_state *st)
{
	log_emit(rs, (const char *)&rs->pool[i->arg], p, st);
	return NFT_CONTINUE;
}
#endif
