/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rt: "rt mtu", the TCP MSS of the packet's path (NFT_RT_TCPMSS), as the
 * kernel's get_tcpmss(): the smaller of the output port's MTU and the MTU
 * of the port the route back to the source goes out of, less 40 (IPv4) or
 * 60 (IPv6); 536 when that leaves nothing. Stored as nft_reg_store16()
 * stores it (host order; nft converts it for "tcp option maxseg size set
 * rt mtu", the MSS clamp). Only a routed packet has a path: elsewhere the
 * rule does not match, as without the kernel's skb dst. The port MTU is
 * the dataplane's; an IPsec tunnel's overhead is not taken off (the
 * kernel's would be through its XFRM bundle): clamp with a number there.
 *
 * "rt ipsec exists|missing" (NFT_RT_XFRM): whether the packet's route is
 * an XFRM bundle, as !!skb_dst(skb)->xfrm: the kernel's output and
 * forward routes go through xfrm_lookup(), which gives the bundle of an
 * outbound policy's SA; here esp-output does that lookup after
 * POST_ROUTING, so the rule asks the IPsec module for the SA it would
 * seal the packet with as it is now (nfv_filter_config.xfrm->sa_out, as
 * "ipsec out" does). An input route has no bundle (0 at LOCAL_IN); at
 * PRE_ROUTING a packet has no route yet: the rule does not match.
 * The other keys are refused by their nft name.
 *
 *   RT_TCPMSS  dreg
 *   RT_XFRM    dreg
 */
FEXPR(rt, FOP(RT_TCPMSS, rt_tcpmss_eval) FOP(RT_XFRM, rt_xfrm_eval))
#ifdef FEXPR_CODE
#include <netinet/in.h>
#include <stdio.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libnftnl/expr.h>

#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

#define RT_TCP_MSS_DEFAULT 536	/* TCP_MSS_DEFAULT */

static const char *const rt_key_names[] = {
	[NFT_RT_CLASSID] = "classid", [NFT_RT_NEXTHOP4] = "nexthop",
	[NFT_RT_NEXTHOP6] = "nexthop (ip6)", [NFT_RT_TCPMSS] = "mtu",
	[NFT_RT_XFRM] = "ipsec",
};

static int rt_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_RT_KEY);
	struct finsn *i;

	if (key != NFT_RT_TCPMSS && key != NFT_RT_XFRM) {
		if (key < RTE_DIM(rt_key_names) && rt_key_names[key] != NULL)
			return fc_error(c, -EOPNOTSUPP, "expression 'rt': rt %s is not supported",
					rt_key_names[key]);
		return fc_error(c, -EOPNOTSUPP, "expression 'rt' key %u not supported", key);
	}
	i = fc_emit(c, key == NFT_RT_TCPMSS ? FOP_RT_TCPMSS : FOP_RT_XFRM);
	if (i == NULL)
		return -ENOMEM;
	i->len = key == NFT_RT_TCPMSS ? 2 : 1;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_RT_DREG), i->len, &i->dreg);
}

static inline uint32_t rt_port_mtu(const struct nfv_filter_ruleset *rs, uint16_t port)
{
	const struct nfv_filter_ifaces *ifs = rs->cfg.ifaces;

	return ifs != NULL && port < ifs->nb_ports ? ifs->port[port].mtu : 0;
}

static inline int32_t rt_tcpmss_eval(const struct nfv_filter_ruleset *rs,
				     const struct finsn *i, uint32_t *regs,
				     const struct fpkt *p,
				     const struct nfv_hook_state *st)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	const struct nfv_filter_fib *fib = rs->cfg.fib;
	bool v4 = p->nfproto == NFPROTO_IPV4;
	uint32_t minlen = v4 ? 20 + 20 : 40 + 20, mtu, back;
	uint16_t port = UINT16_MAX;
	const uint8_t *a;
	uint8_t src[16];

	if (meta->oport == UINT16_MAX)
		return NFT_BREAK;	/* not routed: no path */
	mtu = rt_port_mtu(rs, meta->oport);
	/* the route back to the source (nf_route() to saddr) */
	a = fib != NULL ? rte_pktmbuf_read(p->m, v4 ? 12 : 8, v4 ? 4 : 16, src) : NULL;
	if (a != NULL) {
		if (fib->route(fib->ctx, p->nfproto, a, &port) == RTN_UNICAST) {
			back = rt_port_mtu(rs, port);
			if (back != 0 && back < mtu)
				mtu = back;
		}
	}
	regs[i->dreg] = mtu <= minlen || mtu > 0xffff ? RT_TCP_MSS_DEFAULT : mtu - minlen;
	return NFT_CONTINUE;
}

static inline int32_t rt_xfrm_eval(const struct nfv_filter_ruleset *rs,
				   const struct finsn *i, uint32_t *regs,
				   const struct fpkt *p,
				   const struct nfv_hook_state *st)
{
	const struct nfv_filter_xfrm *x = rs->cfg.xfrm;
	struct nfv_filter_sa sa;

	if (st->hook == NFV_INET_LOCAL_IN) {
		regs[i->dreg] = 0;	/* an input route: never a bundle */
		return NFT_CONTINUE;
	}
	/* not routed yet: no route to ask. LOCAL_OUT runs before the route
	 * here (after it in the kernel); the policy lookup needs none */
	if (st->hook == NFV_INET_PRE_ROUTING)
		return NFT_BREAK;
	/* nft_reg_store8(): the byte, the rest of the register zeroed */
	regs[i->dreg] = x != NULL && x->sa_out != NULL && x->sa_out(x->ctx, p->m, &sa) == 0;
	return NFT_CONTINUE;
}
#endif
