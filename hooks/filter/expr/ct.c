/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct: the packet's connection (conntrack_in.c put it in the mbuf) - state,
 * direction, status, mark - stored as nft_ct_get_eval() stores them; ct
 * mark set. Keys with a direction (original/reply tuples) are refused.
 *
 *   CT      a: key, b: direction (unused), len, dreg
 *   CT_SET  a: key, len, sreg
 */
FEXPR(ct, FOP(CT, ct_get_eval) FOP(CT_SET, ct_set_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"
#include "nfv_ct.h"
#include "nfv_mbuf.h"

static int ct_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
	bool set = nftnl_expr_is_set(e, NFTNL_EXPR_CT_SREG);
	uint32_t len = key == NFT_CT_DIRECTION ? 1 : 4;
	struct finsn *i;

	if (key != NFT_CT_STATE && key != NFT_CT_DIRECTION &&
	    key != NFT_CT_STATUS && key != NFT_CT_MARK)
		return fc_error(c, -EOPNOTSUPP, "expression 'ct' key %u not supported", key);
	if (set && key != NFT_CT_MARK)
		return fc_error(c, -EOPNOTSUPP, "expression 'ct' set of key %u not supported", key);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
		return fc_error(c, -EOPNOTSUPP, "expression 'ct' with direction not supported");
	i = fc_emit(c, set ? FOP_CT_SET : FOP_CT);
	if (i == NULL)
		return -ENOMEM;
	i->a = key;
	i->len = len;
	if (set)
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_SREG), len, &i->sreg);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG), len, &i->dreg);
}

static __rte_noinline bool ct_get(const struct fpkt *p, uint8_t key, uint32_t *dst)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	const struct nfv_ct *ct = meta->ct;

	if (key == NFT_CT_STATE) {
		/* nft_ct_get_eval(): untracked is a state of no connection */
		*dst = ct != NULL ? NF_CT_STATE_BIT(meta->ct_info) :
		       meta->ct_info == NFV_CT_UNTRACKED ? NF_CT_STATE_UNTRACKED_BIT :
		       NF_CT_STATE_INVALID_BIT;
		return true;
	}
	if (ct == NULL)
		return false;
	switch (key) {
	case NFT_CT_DIRECTION:
		*dst = meta->ct_info >= IP_CT_IS_REPLY;
		return true;
	case NFT_CT_STATUS:
		*dst = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
		return true;
	case NFT_CT_MARK:
		*dst = __atomic_load_n(&ct->mark, __ATOMIC_RELAXED);
		return true;
	}
	return false;
}

static inline int32_t ct_get_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	return ct_get(p, i->a, &regs[i->dreg]) ? NFT_CONTINUE : NFT_BREAK;
}

static inline int32_t ct_set_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	struct nfv_ct *ct = nfv_mbuf_meta(p->m)->ct;

	if (ct != NULL && i->a == NFT_CT_MARK)
		__atomic_store_n(&ct->mark, regs[i->sreg], __ATOMIC_RELAXED);
	return NFT_CONTINUE;
}
#endif
