/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * limit: nft_limit's token bucket (packets or bytes per unit, a burst,
 * "over" inverted) as GCRA: one 64-bit "theoretical arrival time" per
 * limit, advanced with a CAS, so the limit is global over workers as in
 * the kernel and needs no lock.
 *
 *   LIMIT  arg: its struct limit_priv (fpriv)
 */
FEXPR(limit, FOP(LIMIT, limit_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <string.h>

#include <rte_common.h>

#include "filter_prog.h"

/* A token bucket's parameters, for a rule's limit and a set element's. */
struct limit_params {
	uint64_t unit_hz;	/* unit in state->now ticks */
	uint64_t rate;
	uint64_t tau;		/* burst allowance in ticks */
	bool bytes;
	bool inv;
};

struct limit_priv {
	struct limit_params l;
	uint64_t tat __rte_cache_aligned;	/* written by every worker */
};

/* nft_limit_init()'s parameters, of an expression or of a named limit. */
static int limit_params_init(struct fcompiler *c, struct limit_params *l, uint64_t rate,
			     uint64_t unit, uint32_t burst, uint32_t type, uint32_t flags)
{
	if (rate == 0 || unit == 0)
		return fc_error(c, -EINVAL, "expression 'limit' with rate 0");
	memset(l, 0, sizeof(*l));
	l->rate = rate;
	l->unit_hz = unit * c->rs->cfg.hz;
	l->bytes = type == NFT_LIMIT_PKT_BYTES;
	l->inv = !!(flags & NFT_LIMIT_F_INV);
	/* as nft_limit_init(): the bucket holds burst tokens, at least one */
	l->tau = l->unit_hz * (burst ? burst : 1) / rate;
	return 0;
}

static int limit_parse(struct fcompiler *c, struct nftnl_expr *e, struct limit_params *l)
{
	return limit_params_init(c, l, nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE),
				 nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT),
				 nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST),
				 nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE),
				 nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS));
}

static int limit_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	struct limit_priv l = { 0 };
	struct finsn *i;
	uint32_t idx;
	int ret;

	ret = limit_parse(c, e, &l.l);
	if (ret < 0)
		return ret;
	if (fc_priv_add(c, &l, sizeof(l), &idx))
		return -ENOMEM;
	i = fc_emit(c, FOP_LIMIT);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	return 0;
}

/* true when the packet passes: conforming, or over the rate with "over" */
static __rte_noinline bool limit_pass(const struct limit_params *l, uint64_t *tatp,
				      uint64_t now, uint32_t len)
{
	uint64_t cost = l->unit_hz * (l->bytes ? len : 1) / l->rate;
	uint64_t tat = __atomic_load_n(tatp, __ATOMIC_RELAXED), start, next;
	bool ok;

	do {
		start = tat > now ? tat : now;
		next = start + cost;
		/* conforming while the debt stays within the burst */
		ok = next - now <= l->tau;
		if (!ok)
			break;
	} while (!__atomic_compare_exchange_n(tatp, &tat, next, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return ok != l->inv;
}

static inline int32_t limit_eval(const struct nfv_filter_ruleset *rs,
				 const struct finsn *i, uint32_t *regs,
				 const struct fpkt *p,
				 const struct nfv_hook_state *st)
{
	struct limit_priv *l = fpriv(rs, i->arg);

	return limit_pass(&l->l, &l->tat, st->now, p->len) ? NFT_CONTINUE : NFT_BREAK;
}
#endif
