/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_offload ("flow add @ft"): offloads the packet's connection into
 * the flowtable, as nft_flow_offload_eval(): once conntrack has confirmed
 * it, TCP established and this packet no FIN or RST, UDP (replied or
 * not: from its second packet on); never a traced packet or one with IP options. A packet that
 * came out of an SA is offloaded too (the kernel skips it): its direction
 * is learned with the SA, for the packets of that SA only. The packet is marked NFV_MBUF_F_FLOW: if it passes the hooks
 * after this one and leaves, the output stage records its direction's
 * route (nfv_flowtable_learn()). The flowtable must be one of the rule's
 * table. Only in forward chains, as the kernel's expression validates; it
 * never changes the verdict.
 *
 *   FLOW_OFFLOAD  arg: flowtable index in rs->flowtables
 */
FEXPR(flow_offload, FOP(FLOW_OFFLOAD, flow_offload_eval))
#ifdef FEXPR_CODE
#include <linux/rtnetlink.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"
#include "nfv_flowtable.h"
#include "nfv_mbuf.h"

static int flow_offload_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_FLOW_TABLE_NAME);
	struct finsn *i;
	int idx, chain;

	if (name == NULL)
		return fc_error(c, -EINVAL, "flow add without a flowtable");
	idx = fc_flowtable_find(c, name);
	if (idx < 0)
		return fc_error(c, -ENOENT, "flow add: no flowtable '%s'", name);
	chain = fc_chain_find(c, c->chain);
	if (chain >= 0 && c->rs->chains[chain].base &&
	    c->rs->chains[chain].hook != NFV_INET_FORWARD)
		return fc_error(c, -EOPNOTSUPP, "flow add is only valid in forward chains");
	i = fc_emit(c, FOP_FLOW_OFFLOAD);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	return 0;
}

static inline int32_t flow_offload_eval(const struct nfv_filter_ruleset *rs,
					const struct finsn *i, uint32_t *regs,
					const struct fpkt *p,
					const struct nfv_hook_state *st)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);

	/* a regular chain jumped to from another hook: nothing, as the
	 * kernel refuses such a ruleset */
	if (rs->cfg.flowtable == NULL || st->hook != NFV_INET_FORWARD || !p->has_l4 ||
	    meta->iport >= 64 || !(rs->flowtables[i->arg].ports >> meta->iport & 1))
		return NFT_CONTINUE;
	/* nft_flow_route(): the route back to the packet's source must
	 * resolve when the connection is offloaded. IPv4's always does (the
	 * kernel asks it with the input port as oif, and ip_route_output_key()
	 * takes a failed lookup for on-link there); IPv6's not under a
	 * blackhole route or with no route */
	if (meta->family == AF_INET6 && meta->ct != NULL && rs->cfg.fib != NULL &&
	    !(__atomic_load_n(&((const struct nfv_ct *)meta->ct)->status, __ATOMIC_RELAXED) &
	      IPS_OFFLOAD)) {
		const struct nfv_ct *ct = meta->ct;
		uint16_t port;
		uint8_t type = rs->cfg.fib->route(rs->cfg.fib->ctx, NFPROTO_IPV6,
						  ct->tuple[meta->ct_dir].src, &port);

		if (type == RTN_UNSPEC || type == RTN_BLACKHOLE)
			return NFT_CONTINUE;
	}
	if (nfv_flowtable_offload(rs->cfg.flowtable, p->m, p->thoff, st->now, st->worker))
		meta->flags |= NFV_MBUF_F_FLOW;
	return NFT_CONTINUE;
}
#endif
