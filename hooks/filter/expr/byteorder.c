/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * byteorder: hton / ntoh of 2, 4 or 8-byte units of a register, as
 * nft_byteorder_eval() (the same swap on a little-endian host).
 *
 *   BYTEORDER  a: op, b: unit size, sreg, dreg, len
 */
FEXPR(byteorder, FOP(BYTEORDER, byteorder_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_byteorder.h>

#include "filter_prog.h"

static int byteorder_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	struct finsn *i = fc_emit(c, FOP_BYTEORDER);
	int ret;

	if (i == NULL)
		return -ENOMEM;
	i->a = nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_OP);
	i->b = nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SIZE);
	i->len = nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_LEN);
	if ((i->b != 2 && i->b != 4 && i->b != 8) || i->len % i->b)
		return fc_error(c, -EOPNOTSUPP, "expression 'byteorder' size %u", i->b);
	ret = fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SREG), i->len, &i->sreg);
	return ret ? ret :
	       fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_DREG), i->len, &i->dreg);
}

static inline int32_t byteorder_eval(const struct nfv_filter_ruleset *rs,
				     const struct finsn *i, uint32_t *regs,
				     const struct fpkt *p,
				     const struct nfv_hook_state *st)
{
	uint8_t *src = (uint8_t *)&regs[i->sreg], *dst = (uint8_t *)&regs[i->dreg];
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	for (uint32_t k = 0; k < i->len; k += i->b) {
		switch (i->b) {
		case 8:
			memcpy(&v64, src + k, 8);
			v64 = rte_bswap64(v64);
			memcpy(dst + k, &v64, 8);
			break;
		case 4:
			memcpy(&v32, src + k, 4);
			v32 = rte_bswap32(v32);
			memcpy(dst + k, &v32, 4);
			break;
		default:
			memcpy(&v16, src + k, 2);
			v16 = rte_bswap16(v16);
			memcpy(dst + k, &v16, 2);
		}
	}
	return NFT_CONTINUE;
}
#endif
