/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * numgen: a number in [offset, offset + modulus) into a register, as the
 * kernel's nft_numgen.c: "inc" gives 0, 1, ..., modulus - 1, 0, ... (plus
 * the offset) to the packets that reach it, in the order they do;
 * "random" draws one (rte_rand(), scaled as reciprocal_scale()).
 *
 * inc's counter is shared by all workers, as the kernel's atomic_t is by
 * all CPUs: one sequence over all packets, the kernel's, whichever worker
 * runs them. The price is a cache line that every worker writes (a CAS per
 * packet, retried under contention, as the kernel does). Per-worker
 * counters would not contend but would give N interleaved sequences with
 * N workers, which is not what "numgen inc" means in nft; to spread load
 * without shared state, use numgen random.
 *
 *   NUMGEN_INC     dreg, arg: its struct numgen_priv (fpriv), arg2: offset
 *   NUMGEN_RANDOM  dreg, arg: modulus, arg2: offset
 */
FEXPR(numgen, FOP(NUMGEN_INC, numgen_inc_eval) FOP(NUMGEN_RANDOM, numgen_random_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_random.h>

#include "filter_prog.h"

struct numgen_priv {
	uint32_t counter;	/* the number last given; written by every worker */
	uint32_t modulus;
};

static int numgen_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_NG_TYPE);
	uint32_t mod = nftnl_expr_get_u32(e, NFTNL_EXPR_NG_MODULUS);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_NG_OFFSET);	/* 0 if unset */
	/* nft_ng_inc_init(): the first packet gets 0 */
	struct numgen_priv ng = { .counter = mod - 1, .modulus = mod };
	struct finsn *i;
	uint32_t idx = 0;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_NG_TYPE) ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_NG_MODULUS) ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_NG_DREG))
		return fc_error(c, -EINVAL, "expression 'numgen' malformed");
	if (type != NFT_NG_INCREMENTAL && type != NFT_NG_RANDOM)
		return fc_error(c, -EOPNOTSUPP, "expression 'numgen' type %u not supported",
				type);
	if (mod == 0)
		return fc_error(c, -ERANGE, "expression 'numgen' with modulus 0");
	if (off + mod - 1 < off)
		return fc_error(c, -EOVERFLOW,
				"expression 'numgen' offset %u + modulus %u overflows", off, mod);
	if (type == NFT_NG_INCREMENTAL && fc_priv_add(c, &ng, sizeof(ng), &idx))
		return -ENOMEM;
	i = fc_emit(c, type == NFT_NG_INCREMENTAL ? FOP_NUMGEN_INC : FOP_NUMGEN_RANDOM);
	if (i == NULL)
		return -ENOMEM;
	i->len = 4;
	i->arg = type == NFT_NG_INCREMENTAL ? idx : mod;
	i->arg2 = off;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_NG_DREG), 4, &i->dreg);
}

static inline int32_t numgen_inc_eval(const struct nfv_filter_ruleset *rs,
				      const struct finsn *i, uint32_t *regs,
				      const struct fpkt *p,
				      const struct nfv_hook_state *st)
{
	struct numgen_priv *ng = fpriv(rs, i->arg);
	uint32_t oval = __atomic_load_n(&ng->counter, __ATOMIC_RELAXED), nval;

	do {	/* nft_ng_inc_gen() */
		nval = oval + 1 < ng->modulus ? oval + 1 : 0;
	} while (!__atomic_compare_exchange_n(&ng->counter, &oval, nval, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	regs[i->dreg] = nval + i->arg2;
	return NFT_CONTINUE;
}

static inline int32_t numgen_random_eval(const struct nfv_filter_ruleset *rs,
					 const struct finsn *i, uint32_t *regs,
					 const struct fpkt *p,
					 const struct nfv_hook_state *st)
{
	/* reciprocal_scale(get_random_u32(), modulus) */
	regs[i->dreg] = (uint32_t)(((uint64_t)(uint32_t)rte_rand() * i->arg) >> 32) + i->arg2;
	return NFT_CONTINUE;
}
#endif
