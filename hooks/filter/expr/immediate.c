/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * immediate: a constant into a data register, or a verdict (accept, drop,
 * continue, break, return, jump, goto) into the verdict register, as
 * nft_immediate_eval().
 *
 *   IMM      dreg, len, arg: pool index of the constant
 *   VERDICT  arg: code (int32_t), arg2: the chain of a jump/goto
 *            (chain_check.c follows them; nft_acl.c reads accept/drop)
 */
FEXPR(immediate, FOP(IMM, immediate_eval) FOP(VERDICT, immediate_verdict_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

static int immediate_verdict(struct fcompiler *c, int32_t code, const char *chain)
{
	struct finsn *i;
	int target = 0;

	switch (code) {
	case NF_ACCEPT: case NF_DROP: case NFT_CONTINUE: case NFT_BREAK:
	case NFT_RETURN:
		break;
	case NFT_JUMP: case NFT_GOTO:
		target = chain ? fc_chain_find(c, chain) : -ENOENT;
		if (target < 0)
			return fc_error(c, -ENOENT, "jump to unknown chain '%s'",
					chain ? chain : "?");
		break;
	default:
		return fc_error(c, -EOPNOTSUPP, "verdict %d not supported", code);
	}
	i = fc_emit(c, FOP_VERDICT);
	if (i == NULL)
		return -ENOMEM;
	i->arg = (uint32_t)code;
	i->arg2 = target;
	return 0;
}

static int immediate_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG), len;
	const void *d;
	struct finsn *i;

	if (dreg == NFT_REG_VERDICT)
		return immediate_verdict(c, (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT),
					 nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
	d = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
	i = fc_emit(c, FOP_IMM);
	if (i == NULL || d == NULL)
		return -EINVAL;
	i->len = len;
	if (fc_pool_add(c, d, len, &i->arg))
		return -ENOMEM;
	return fc_reg_parse(c, dreg, len, &i->dreg);
}

static inline int32_t immediate_eval(const struct nfv_filter_ruleset *rs,
				     const struct finsn *i, uint32_t *regs,
				     const struct fpkt *p,
				     const struct nfv_hook_state *st)
{
	memcpy(&regs[i->dreg], &rs->pool[i->arg], i->len);
	return NFT_CONTINUE;
}

static inline int32_t immediate_verdict_eval(const struct nfv_filter_ruleset *rs,
					     const struct finsn *i, uint32_t *regs,
					     const struct fpkt *p,
					     const struct nfv_hook_state *st)
{
	regs[FREG_CHAIN] = i->arg2;
	return (int32_t)i->arg;
}
#endif
