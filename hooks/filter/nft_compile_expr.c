/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One libnftnl expression to instructions. Anything not listed here is an
 * error that names the expression: a rule is never half understood.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

/* nft_parse_register(): 16-byte registers 1-4 or 4-byte registers 8-23. */
int fc_reg_parse(struct fcompiler *c, uint32_t r, uint32_t len, uint8_t *out)
{
	uint32_t idx;

	if (r >= NFT_REG_1 && r <= NFT_REG_4)
		idx = r * 4;
	else if (r >= NFT_REG32_00 && r <= NFT_REG32_15)
		idx = r - NFT_REG32_00 + 4;
	else
		return fc_error(c, -EINVAL, "bad register %u", r);
	if (len == 0 || idx + (len + 3) / 4 > FREGS)
		return fc_error(c, -EINVAL, "register %u overflows with %u bytes",
				r, len);
	*out = idx;
	return 0;
}

static const void *data_get(struct nftnl_expr *e, uint16_t attr, uint32_t *len)
{
	return nftnl_expr_get(e, attr, len);
}

int fc_meta(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
	bool set = nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG);
	uint32_t len = 4;
	struct finsn *i;

	switch (key) {
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		len = NFV_IFNAMSIZ;
		/* fall through */
	case NFT_META_LEN: case NFT_META_PROTOCOL: case NFT_META_IIF:
	case NFT_META_OIF: case NFT_META_IIFTYPE: case NFT_META_OIFTYPE:
	case NFT_META_NFPROTO: case NFT_META_L4PROTO: case NFT_META_PKTTYPE:
	case NFT_META_SECPATH: case NFT_META_CPU:
		if (set)
			return fc_error(c, -EOPNOTSUPP,
					"expression 'meta' set of key %u not supported", key);
		break;
	case NFT_META_MARK:
		break;
	default:
		return fc_error(c, -EOPNOTSUPP,
				"expression 'meta' key %u not supported", key);
	}
	i = fc_emit(c, set ? FOP_META_SET : FOP_META);
	if (i == NULL)
		return -ENOMEM;
	i->a = key;
	i->len = len;
	if (set)
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_META_SREG),
				 len, &i->sreg);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG), len,
			 &i->dreg);
}

int fc_payload(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	struct finsn *i;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG))
		return fc_error(c, -EOPNOTSUPP,
				"expression 'payload' write not supported");
	if (base != NFT_PAYLOAD_NETWORK_HEADER &&
	    base != NFT_PAYLOAD_TRANSPORT_HEADER)
		return fc_error(c, -EOPNOTSUPP,
				"expression 'payload' base %u not supported"
				" (no link-layer header at these hooks)", base);
	if (off > UINT16_MAX || len > 64)
		return fc_error(c, -EINVAL, "expression 'payload' out of range");
	i = fc_emit(c, FOP_PAYLOAD);
	if (i == NULL)
		return -ENOMEM;
	i->a = base;
	i->c = off;
	i->len = len;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG), len,
			 &i->dreg);
}

int fc_cmp(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t len;
	const void *d = data_get(e, NFTNL_EXPR_CMP_DATA, &len);
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

int fc_range(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t len, len2;
	const void *from = data_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &len);
	const void *to = data_get(e, NFTNL_EXPR_RANGE_TO_DATA, &len2);
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

int fc_bitwise(struct fcompiler *c, struct nftnl_expr *e)
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
		mask = data_get(e, NFTNL_EXPR_BITWISE_MASK, &ml);
		xor = data_get(e, NFTNL_EXPR_BITWISE_XOR, &xl);
		if (mask == NULL || xor == NULL || ml != len || xl != len)
			return fc_error(c, -EINVAL, "expression 'bitwise' malformed");
		if (fc_pool_add(c, mask, len, &ml) || fc_pool_add(c, xor, len, &xl))
			return -ENOMEM;
		i = &c->rs->prog[c->rs->nb_insn - 1];
		i->arg = ml;
		i->arg2 = xl;
	} else if (op == NFT_BITWISE_LSHIFT || op == NFT_BITWISE_RSHIFT) {
		mask = data_get(e, NFTNL_EXPR_BITWISE_DATA, &ml);
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

int fc_byteorder(struct fcompiler *c, struct nftnl_expr *e)
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
