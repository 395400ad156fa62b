/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * notrack: the packet is left untracked (ct state untracked), as
 * nft_notrack_eval(): only a packet with no connection yet - in a chain
 * before conntrack (priority raw, -300), or one conntrack found invalid -
 * and conntrack_in.c then passes it by, as nf_conntrack_in() does.
 *
 *   NOTRACK  no operands
 */
FEXPR(notrack, FOP(NOTRACK, notrack_eval))
#ifdef FEXPR_CODE
#include <libnftnl/expr.h>

#include "filter_prog.h"
#include "nfv_ct.h"
#include "nfv_mbuf.h"

static int notrack_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	return fc_emit(c, FOP_NOTRACK) == NULL ? -ENOMEM : 0;
}

static inline int32_t notrack_eval(const struct nfv_filter_ruleset *rs,
				   const struct finsn *i, uint32_t *regs,
				   const struct fpkt *p,
				   const struct nfv_hook_state *st)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);

	/* previously seen (tracked, untracked already, or with a ct zone
	 * set template, which the kernel's nf_ct_get() returns): ignored */
	if (meta->ct == NULL && meta->ct_info != NFV_CT_TEMPLATE)
		meta->ct_info = NFV_CT_UNTRACKED;
	return NFT_CONTINUE;
}
#endif
