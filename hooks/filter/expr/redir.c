/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * redirect [to :PORT[-PORT]]: destination NAT to the input port's address
 * (127.0.0.1 at LOCAL_OUT), as nft_redir_eval() / nf_nat_redirect_ipv4();
 * for IPv6 the port's first address of the destination's scope (::1 at
 * LOCAL_OUT), as nf_nat_redirect_ipv6(). The binding code is nat.c's.
 *
 *   NAT  (nat.c) b: NAT_KIND_REDIR
 */
FEXPR(redir, )
#ifdef FEXPR_CODE
static int redir_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t regs[4] = {
		0, 0, nat_attr(e, NFTNL_EXPR_REDIR_REG_PROTO_MIN),
		nat_attr(e, NFTNL_EXPR_REDIR_REG_PROTO_MAX),
	};

	return nat_emit(c, NAT_MANIP_DST, NAT_KIND_REDIR, nat_attr(e, NFTNL_EXPR_REDIR_FLAGS),
			c->family, regs);
}
#endif
