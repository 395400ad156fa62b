/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bitwise: (sreg & mask) ^ xor, or a shift of the whole register left or
 * right carrying bits between its 32-bit words, as nft_bitwise_eval().
 *
 *   BITWISE  sreg, dreg, len, arg: pool index of mask, arg2: of xor
 *            (nft_acl.c reads prefix masks)
 *   SHIFT    a: NFT_BITWISE_LSHIFT / RSHIFT, sreg, dreg, len, arg: bits
 */
FEXPR(bitwise, FOP(BITWISE, bitwise_eval) FOP(SHIFT, bitwise_shift_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

static int bitwise_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t op = nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) ?
		      nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) : NFT_BITWISE_BOOL;
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_LEN), ml, xl;
	struct finsn *i = fc_emit(c, op == NFT_BITWISE_BOOL ? FOP_BITWISE : FOP_SHIFT);
	const void *mask, *xor;
	int ret;

	if (i == NULL)
		return -ENOMEM;
	i->len = len;
	i->a = op;
	if (op == NFT_BITWISE_BOOL) {
		mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &ml);
		xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xl);
		if (mask == NULL || xor == NULL || ml != len || xl != len)
			return fc_error(c, -EINVAL, "expression 'bitwise' malformed");
		if (fc_pool_add(c, mask, len, &ml) || fc_pool_add(c, xor, len, &xl))
			return -ENOMEM;
		i = &c->rs->prog[c->rs->nb_insn - 1];
		i->arg = ml;
		i->arg2 = xl;
	} else if (op == NFT_BITWISE_LSHIFT || op == NFT_BITWISE_RSHIFT) {
		mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_DATA, &ml);
		if (mask == NULL || ml != 4 || len % 4)
			return fc_error(c, -EINVAL, "expression 'bitwise' shift malformed");
		memcpy(&i->arg, mask, 4);
	} else {
		return fc_error(c, -EOPNOTSUPP, "expression 'bitwise' op %u", op);
	}
	ret = fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_SREG), len, &i->sreg);
	return ret ? ret :
	       fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG), len, &i->dreg);
}

static inline int32_t bitwise_eval(const struct nfv_filter_ruleset *rs,
				   const struct finsn *i, uint32_t *regs,
				   const struct fpkt *p,
				   const struct nfv_hook_state *st)
{
	for (uint32_t k = 0; k < (i->len + 3u) / 4; k++)
		regs[i->dreg + k] = (regs[i->sreg + k] & rs->pool[i->arg + k]) ^
				    rs->pool[i->arg2 + k];
	return NFT_CONTINUE;
}

static inline int32_t bitwise_shift_eval(const struct nfv_filter_ruleset *rs,
					 const struct finsn *i, uint32_t *regs,
					 const struct fpkt *p,
					 const struct nfv_hook_state *st)
{
	uint32_t n = i->len / 4, s = i->arg, carry = 0, v;
	uint32_t *src = &regs[i->sreg], *dst = &regs[i->dreg];

	if (s == 0 || s >= 32) {
		memmove(dst, src, i->len);
		return NFT_CONTINUE;
	}
	if (i->a == NFT_BITWISE_LSHIFT) {
		for (uint32_t k = n; k > 0; k--) {
			v = src[k - 1];
			dst[k - 1] = (v << s) | carry;
			carry = v >> (32 - s);
		}
	} else {
		for (uint32_t k = 0; k < n; k++) {
			v = src[k];
			dst[k] = carry | (v >> s);
			carry = v << (32 - s);
		}
	}
	return NFT_CONTINUE;
}
#endif
