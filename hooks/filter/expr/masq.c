/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * masquerade [to :PORT[-PORT]] [random|fully-random|persistent]: source NAT
 * to the address of the packet's output port (nfv_filter_ifaces' ip4), as
 * nft_masq_eval() / nf_nat_masquerade_ipv4(). The binding code is nat.c's.
 * A later packet of the connection routed out of another port kills it
 * and is dropped (nat_hook.c, as nf_nat_oif_changed()). Not done: the
 * kernel forgets a masqueraded connection when its port's address goes
 * away (addresses change only with a restart here).
 *
 *   NAT  (nat.c) b: NAT_KIND_MASQ
 */
FEXPR(masq, )
#ifdef FEXPR_CODE
static int masq_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t regs[4] = {
		0, 0, nat_attr(e, NFTNL_EXPR_MASQ_REG_PROTO_MIN),
		nat_attr(e, NFTNL_EXPR_MASQ_REG_PROTO_MAX),
	};

	if (c->family == NFPROTO_IPV6)
		return fc_error(c, -EOPNOTSUPP, "IPv6 NAT (masquerade in an ip6 table) "
				"is not supported");
	return nat_emit(c, NAT_MANIP_SRC, NAT_KIND_MASQ, nat_attr(e, NFTNL_EXPR_MASQ_FLAGS),
			regs);
}
#endif
