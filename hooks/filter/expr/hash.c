/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hash: "jhash <expr> mod N [seed S] [offset O]", as the kernel's
 * nft_jhash_eval(): Jenkins' lookup3 over the source register's bytes
 * (rte_jhash() computes the kernel's jhash()), scaled into [0, N) as
 * reciprocal_scale() does, plus the offset. Without a seed the kernel
 * draws one at load time; so does this (rte_rand()). "symhash" is
 * skb_get_hash(), a hash of the kernel's own: refused by name.
 *
 *   JHASH  sreg, len, dreg, arg: pool index of { seed, modulus }, arg2: offset
 */
FEXPR(hash, FOP(JHASH, jhash_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_jhash.h>
#include <rte_random.h>

#include "filter_prog.h"

static int hash_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_TYPE);	/* 0: jenkins */
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_LEN);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_OFFSET);
	uint32_t sm[2];	/* seed, modulus */
	struct finsn *i;
	uint32_t idx;
	int ret;

	if (type == NFT_HASH_SYM)
		return fc_error(c, -EOPNOTSUPP,
				"expression 'hash': symhash (the kernel's skb hash) is not supported");
	if (type != NFT_HASH_JENKINS || nftnl_expr_is_set(e, NFTNL_EXPR_HASH_SET_NAME))
		return fc_error(c, -EOPNOTSUPP, "expression 'hash' type %u not supported", type);
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_HASH_SREG) ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_HASH_DREG) ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_HASH_MODULUS) || len == 0 || len > 255)
		return fc_error(c, -EINVAL, "expression 'hash' malformed");
	sm[1] = nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_MODULUS);
	if (sm[1] == 0)
		return fc_error(c, -ERANGE, "expression 'hash' with modulus 0");
	if (off + sm[1] - 1 < off)	/* nft_jhash_init() */
		return fc_error(c, -EOVERFLOW,
				"expression 'hash' offset %u + modulus %u overflows", off, sm[1]);
	sm[0] = nftnl_expr_is_set(e, NFTNL_EXPR_HASH_SEED) ?
		nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_SEED) : (uint32_t)rte_rand();
	if (fc_pool_add(c, sm, sizeof(sm), &idx))
		return -ENOMEM;
	i = fc_emit(c, FOP_JHASH);
	if (i == NULL)
		return -ENOMEM;
	i->len = (uint8_t)len;
	i->arg = idx;
	i->arg2 = off;
	ret = fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_SREG), len, &i->sreg);
	if (ret)
		return ret;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_DREG), 4, &i->dreg);
}

static inline int32_t jhash_eval(const struct nfv_filter_ruleset *rs,
				 const struct finsn *i, uint32_t *regs,
				 const struct fpkt *p,
				 const struct nfv_hook_state *st)
{
	const uint32_t *sm = &rs->pool[i->arg];
	uint32_t h = rte_jhash(&regs[i->sreg], i->len, sm[0]);

	/* reciprocal_scale(h, modulus) */
	regs[i->dreg] = (uint32_t)(((uint64_t)h * sm[1]) >> 32) + i->arg2;
	return NFT_CONTINUE;
}
#endif
