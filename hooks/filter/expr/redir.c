/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * redirect [to :PORT[-PORT]]: destination NAT to the input port's address
 * (127.0.0.1 at LOCAL_OUT), as nft_redir_eval() / nf_nat_redirect_ipv4().
 * The binding code is nat.c's.
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

	if (c->family == NFPROTO_IPV6)
		return fc_error(c, -EOPNOTSUPP, "IPv6 NAT (redirect in an ip6 table) "
				"is not supported");
	return nat_emit(c, NAT_MANIP_DST, NAT_KIND_REDIR, nat_attr(e, NFTNL_EXPR_REDIR_FLAGS),
			regs);
}
#endif
