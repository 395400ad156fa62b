/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * masquerade [to :PORT[-PORT]] [random|fully-random|persistent]: source NAT
 * to the address of the packet's output port (nfv_filter_ifaces' ip4; for
 * IPv6 the source address selection of nat_saddr.c), as nft_masq_eval() /
 * nf_nat_masquerade_ipv4() / nf_nat_masquerade_ipv6(). In an inet table,
 * of the packet's family. The binding code is nat.c's.
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

	return nat_emit(c, NAT_MANIP_SRC, NAT_KIND_MASQ, nat_attr(e, NFTNL_EXPR_MASQ_FLAGS),
			c->family, regs);
}
#endif
