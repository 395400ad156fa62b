/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * quota: "quota [over] N bytes [used M]", as the kernel's nft_quota: each
 * packet that reaches it adds its length (the L3 length, skb->len at
 * these hooks) to the bytes consumed; "quota N" matches while the total
 * stays below N, "quota over N" once it reaches N. The count is one for
 * all workers, as the kernel's atomic64 is one for all CPUs (an atomic add
 * per packet on a shared line: the price of the kernel's meaning). A
 * dump's "used" (a mirrored table) is where the count starts.
 *
 *   QUOTA  arg: its struct quota_priv (fpriv), a: inverted ("over")
 */
FEXPR(quota, FOP(QUOTA, quota_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

struct quota_priv {
	uint64_t consumed;	/* written by every worker */
	uint64_t quota;
	bool inv;		/* a named quota's "over" (expr/objref.c) */
};

static int quota_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_QUOTA_FLAGS);
	struct quota_priv q = {
		.quota = nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_BYTES),
		.consumed = nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_CONSUMED),
	};
	struct finsn *i;
	uint32_t idx;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_QUOTA_BYTES))
		return fc_error(c, -EINVAL, "expression 'quota' malformed");
	/* nft_quota_do_init(): only the invert flag may be asked for */
	if (flags & ~(uint32_t)(NFT_QUOTA_F_INV | NFT_QUOTA_F_DEPLETED))
		return fc_error(c, -EINVAL, "expression 'quota' flags 0x%x not supported", flags);
	if (q.quota > INT64_MAX || q.consumed > q.quota)
		return fc_error(c, -EOVERFLOW, "expression 'quota' of %" PRIu64
				" bytes, %" PRIu64 " used", q.quota, q.consumed);
	if (fc_priv_add(c, &q, sizeof(q), &idx))
		return -ENOMEM;
	i = fc_emit(c, FOP_QUOTA);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	i->a = !!(flags & NFT_QUOTA_F_INV);
	return 0;
}

static inline int32_t quota_eval(const struct nfv_filter_ruleset *rs,
				 const struct finsn *i, uint32_t *regs,
				 const struct fpkt *p,
				 const struct nfv_hook_state *st)
{
	struct quota_priv *q = fpriv(rs, i->arg);
	/* nft_overquota() */
	bool over = __atomic_add_fetch(&q->consumed, p->len, __ATOMIC_RELAXED) >= q->quota;

	return over ^ i->a ? NFT_BREAK : NFT_CONTINUE;
}
#endif
