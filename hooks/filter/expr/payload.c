/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * payload: a load at the network or transport header into a register, as
 * nft_payload_eval() (no transport header in later fragments; a load past
 * the end does not match). Writes and the link layer are refused.
 *
 *   PAYLOAD  a: base, c: offset, len, dreg    (nft_acl.c reads these)
 */
FEXPR(payload, FOP(PAYLOAD, payload_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_mbuf.h>

#include "filter_prog.h"

static int payload_compile(struct fcompiler *c, struct nftnl_expr *e)
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

static __rte_noinline bool payload_load(const struct fpkt *p, uint8_t base,
					uint16_t off, uint8_t len, uint32_t *dst)
{
	const void *src;
	uint32_t start = off;

	if (base == NFT_PAYLOAD_TRANSPORT_HEADER) {
		if (!p->has_l4 || p->fragoff)
			return false;
		start += p->thoff;
	}
	if (start + len > p->len)
		return false;
	dst[(len - 1) / 4] = 0;
	src = rte_pktmbuf_read(p->m, start, len, dst);
	if (src == NULL)
		return false;
	if (src != dst)
		memcpy(dst, src, len);
	return true;
}

static inline int32_t payload_eval(const struct nfv_filter_ruleset *rs,
				   const struct finsn *i, uint32_t *regs,
				   const struct fpkt *p,
				   const struct nfv_hook_state *st)
{
	return payload_load(p, i->a, i->c, i->len, &regs[i->dreg]) ?
	       NFT_CONTINUE : NFT_BREAK;
}
#endif
