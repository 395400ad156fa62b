/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * range: a register within [from, to] (NFT_RANGE_EQ) or outside it
 * (NFT_RANGE_NEQ), memcmp order as nft_range_eval().
 *
 *   RANGE  a: op, sreg, len, arg: pool index of from, arg2: of to
 */
FEXPR(range, FOP(RANGE, range_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

static int range_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t len, len2;
	const void *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &len);
	const void *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &len2);
	struct finsn *i = fc_emit(c, FOP_RANGE);
	uint32_t idx;

	if (i == NULL || from == NULL || to == NULL || len != len2)
		return -EINVAL;
	i->a = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP);
	i->len = len;
	if (fc_pool_add(c, from, len, &idx))
		return -ENOMEM;
	i = &c->rs->prog[c->rs->nb_insn - 1];
	i->arg = idx;
	if (fc_pool_add(c, to, len, &i->arg2))
		return -ENOMEM;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_SREG), len, &i->sreg);
}

static inline int32_t range_eval(const struct nfv_filter_ruleset *rs,
				 const struct finsn *i, uint32_t *regs,
				 const struct fpkt *p,
				 const struct nfv_hook_state *st)
{
	int x = memcmp(&regs[i->sreg], &rs->pool[i->arg], i->len);
	int y = memcmp(&regs[i->sreg], &rs->pool[i->arg2], i->len);

	return (x >= 0 && y <= 0) == (i->a == NFT_RANGE_EQ) ? NFT_CONTINUE : NFT_BREAK;
}
#endif
