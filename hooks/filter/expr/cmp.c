/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmp: a register against a constant, the six nft_cmp_ops (memcmp order,
 * i.e. the bytes as nft lays them out).
 *
 *   CMP  a: op, sreg, len, arg: pool index of the constant
 */
FEXPR(cmp, FOP(CMP, cmp_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

static int cmp_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t len;
	const void *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	struct finsn *i = fc_emit(c, FOP_CMP);

	if (i == NULL || d == NULL)
		return -ENOMEM;
	i->a = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);
	i->len = len;
	if (i->a > NFT_CMP_GTE)
		return fc_error(c, -EOPNOTSUPP, "expression 'cmp' op %u", i->a);
	if (fc_pool_add(c, d, len, &i->arg))
		return -ENOMEM;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG), len, &i->sreg);
}

static inline bool cmp_ok(uint8_t op, int d)
{
	switch (op) {
	case NFT_CMP_EQ: return d == 0;
	case NFT_CMP_NEQ: return d != 0;
	case NFT_CMP_LT: return d < 0;
	case NFT_CMP_LTE: return d <= 0;
	case NFT_CMP_GT: return d > 0;
	default: return d >= 0;
	}
}

static inline int32_t cmp_eval(const struct nfv_filter_ruleset *rs,
			       const struct finsn *i, uint32_t *regs,
			       const struct fpkt *p,
			       const struct nfv_hook_state *st)
{
	return cmp_ok(i->a, memcmp(&regs[i->sreg], &rs->pool[i->arg], i->len)) ?
	       NFT_CONTINUE : NFT_BREAK;
}
#endif
