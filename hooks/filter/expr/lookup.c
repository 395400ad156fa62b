/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lookup: a register's key in a set (set_interval.c) - matches, does not
 * match (NFT_LOOKUP_F_INV), loads the element's data (maps) or takes its
 * verdict (verdict maps, with jump/goto). An element whose timeout
 * expired is absent, as nft_set_elem_expired() makes it in the kernel.
 *
 *   LOOKUP  a: inverted, sreg, len, dreg (FREG_NONE: a set; 0: the verdict
 *           of a vmap, which chain_check.c follows), arg: set index
 */
FEXPR(lookup, FOP(LOOKUP, lookup_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

static int lookup_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	int set = name ? fc_set_find(c, name) : -ENOENT;
	const struct fset *s;
	struct finsn *i;
	int ret;

	if (set < 0)
		return fc_error(c, -ENOENT, "expression 'lookup': no set '%s'",
				name ? name : "?");
	s = &c->rs->sets[set];
	i = fc_emit(c, FOP_LOOKUP);
	if (i == NULL)
		return -ENOMEM;
	i->arg = set;
	i->len = s->key_len;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS))
		i->a = !!(nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV);
	ret = fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG),
			   s->key_len, &i->sreg);
	if (ret || !nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG))
		return ret;
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) == NFT_REG_VERDICT) {
		if (!s->vmap)
			return fc_error(c, -EINVAL, "set '%s' is not a verdict map", name);
		i->dreg = 0;
		return 0;
	}
	if (s->vmap || s->data_len == 0)
		return fc_error(c, -EINVAL, "set '%s' is not a data map", name);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG),
			    s->data_len, &i->dreg);
}

static inline int32_t lookup_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	const uint32_t *d = fset_lookup(&rs->sets[i->arg], &regs[i->sreg], st->now);

	if ((d != NULL) == i->a)
		return NFT_BREAK;
	if (i->dreg == 0) {	/* vmap element: {code, chain} */
		regs[FREG_CHAIN] = d[1];
		return (int32_t)d[0];
	}
	if (i->dreg != FREG_NONE)
		memcpy(&regs[i->dreg], d, rs->sets[i->arg].data_len);
	return NFT_CONTINUE;
}
#endif
