/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xfrm: "ipsec in reqid 5", "ipsec in spi 0x100", "ipsec in ip saddr
 * 192.0.2.1": a key of the SA a decrypted packet came out of, as
 * nft_xfrm_get_eval_in() reads it from the skb's secpath: the dataplane's
 * ESP input marks such a packet (NFV_MBUF_F_SECPATH) with its SA's id,
 * which nfv_filter_config.xfrm resolves. No secpath, no such SA, or an
 * address of the other family of a tunnel SA: no match, as in the kernel.
 * "ipsec out reqid 5", ... (at forward, output and postrouting, where the
 * kernel allows it): the kernel reads the SA of the route's xfrm bundle;
 * the dataplane picks the outbound SA after POST_ROUTING, in esp-output,
 * so the rule asks the IPsec module the same policy lookup for the packet
 * as it is at the rule (nfv_filter_config.xfrm->sa_out): the SA
 * esp-output would seal it with, none for a bypass, a discard or a policy
 * without its SA yet. A secpath or bundle index past 0 is refused (one SA
 * a packet).
 *
 *   XFRM  a: key, b: direction (XFRM_POLICY_IN/OUT), len, dreg
 */
FEXPR(xfrm, FOP(XFRM, xfrm_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_tables.h>
#include <linux/xfrm.h>
#include <libnftnl/expr.h>

#include <rte_byteorder.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

static int xfrm_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_XFRM_KEY);
	uint8_t dir = nftnl_expr_get_u8(e, NFTNL_EXPR_XFRM_DIR);
	uint32_t spnum = nftnl_expr_get_u32(e, NFTNL_EXPR_XFRM_SPNUM);
	uint32_t len = key == NFT_XFRM_KEY_DADDR_IP6 || key == NFT_XFRM_KEY_SADDR_IP6 ? 16 : 4;
	struct finsn *i;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_XFRM_SREG))
		return fc_error(c, -EOPNOTSUPP, "expression 'xfrm': a write is not supported");
	if (dir != XFRM_POLICY_IN && dir != XFRM_POLICY_OUT)
		return fc_error(c, -EINVAL, "expression 'xfrm': direction %u", dir);
	if (spnum != 0)
		return fc_error(c, -EOPNOTSUPP, "expression 'xfrm': ipsec %s spnum %u is not "
				"supported (one SA a packet)", dir == XFRM_POLICY_IN ? "in" : "out",
				spnum);
	if (key < NFT_XFRM_KEY_DADDR_IP4 || key > NFT_XFRM_KEY_SPI)
		return fc_error(c, -EOPNOTSUPP, "expression 'xfrm': key %u", key);
	if (c->rs->cfg.xfrm == NULL ||
	    (dir == XFRM_POLICY_OUT && c->rs->cfg.xfrm->sa_out == NULL))
		return fc_error(c, -EOPNOTSUPP, "expression 'xfrm': no IPsec in this dataplane");
	i = fc_emit(c, FOP_XFRM);
	if (i == NULL)
		return -ENOMEM;
	i->a = key;
	i->b = dir;
	i->len = len;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_XFRM_DREG), len, &i->dreg);
}

/* in: the secpath's SA (nft_xfrm_get_eval_in()); out: the one esp-output
 * would pick (nft_xfrm_get_eval_out()'s bundle) */
static bool xfrm_sa(const struct nfv_filter_xfrm *x, const struct fpkt *p, uint8_t dir,
		    struct nfv_filter_sa *sa)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);

	if (dir == XFRM_POLICY_OUT)
		return x->sa_out(x->ctx, p->m, sa) == 0;
	return (meta->flags & NFV_MBUF_F_SECPATH) && x->sa_get(x->ctx, meta->sa_index, sa) == 0;
}

static __rte_noinline bool xfrm_get(const struct nfv_filter_ruleset *rs, const struct fpkt *p,
				    uint8_t key, uint8_t dir, uint32_t *dst)
{
	struct nfv_filter_sa sa;
	bool v6_key = key == NFT_XFRM_KEY_DADDR_IP6 || key == NFT_XFRM_KEY_SADDR_IP6;

	if (!xfrm_sa(rs->cfg.xfrm, p, dir, &sa))
		return false;
	/* xfrm_state_addr_ok(): a tunnel SA's addresses are of its family */
	if (sa.tunnel && key != NFT_XFRM_KEY_REQID && key != NFT_XFRM_KEY_SPI &&
	    (sa.family == AF_INET6) != v6_key)
		return false;
	switch (key) {
	case NFT_XFRM_KEY_REQID:
		*dst = sa.reqid;
		return true;
	case NFT_XFRM_KEY_SPI:
		*dst = rte_cpu_to_be_32(sa.spi);
		return true;
	case NFT_XFRM_KEY_DADDR_IP4:
	case NFT_XFRM_KEY_DADDR_IP6:
		memcpy(dst, sa.dst, v6_key ? 16 : 4);
		return true;
	default:
		memcpy(dst, sa.src, v6_key ? 16 : 4);
		return true;
	}
}

static inline int32_t xfrm_eval(const struct nfv_filter_ruleset *rs,
				const struct finsn *i, uint32_t *regs,
				const struct fpkt *p,
				const struct nfv_hook_state *st)
{
	return xfrm_get(rs, p, i->a, i->b, &regs[i->dreg]) ? NFT_CONTINUE : NFT_BREAK;
}
#endif
