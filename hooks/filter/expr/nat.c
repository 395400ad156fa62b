/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nat (snat, dnat), and the binding code that masq.c and redir.c share:
 * the range from the registers (addresses and ports as immediate or a map
 * left them, network order) and the flags, then nat_setup() on the
 * packet's connection, as nft_nat_eval() calls nf_nat_setup_info(). A
 * terminal statement: accept, or drop when no tuple is free
 * (nat-no-free-tuple) or masquerade/redirect find no address
 * (nat-no-address). It only runs from a nat chain (nat_hook.c), for a
 * connection's first packet. Both families: in an inet table a statement
 * of the other family than the packet's does nothing (nft_nat_inet_eval()),
 * masquerade and redirect take the address of the packet's family. The
 * prefix (netmap) and proto offset flags are refused.
 *
 *   NAT  a: manip, b: NAT_KIND_*, sreg/dreg: address min/max registers
 *        (FREG_NONE: none), len: their bytes (4, 16), c: proto min
 *        register | max << 8 (FREG_NONE: none), arg: NF_NAT_RANGE_* flags,
 *        arg2: the NFPROTO it applies to (NFPROTO_INET: both)
 */
FEXPR(nat, FOP(NAT, nat_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_nat.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"
#include "nat_priv.h"
#include "nfv_mbuf.h"

enum {
	NAT_KIND_NAT,
	NAT_KIND_MASQ,
	NAT_KIND_REDIR,
};

/* what the kernel's nft_*_init() accept and nat_manip.c can do */
#define NAT_FLAGS_OK (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED | \
		      NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PERSISTENT | \
		      NF_NAT_RANGE_PROTO_RANDOM_FULLY)

/* The instruction of all three; regs: {addr min, addr max, proto min,
 * proto max} as nftnl attributes (0: unset); family: of the packets it
 * applies to, and of its address registers. */
static int nat_emit(struct fcompiler *c, uint8_t manip, uint8_t kind, uint32_t flags,
		    uint32_t family, const uint32_t regs[4])
{
	struct finsn *i = fc_emit(c, FOP_NAT);
	uint8_t alen = family == NFPROTO_IPV6 ? 16 : 4;
	uint8_t pmin = FREG_NONE, pmax = FREG_NONE;
	int ret = 0;

	if (i == NULL)
		return -ENOMEM;
	if (flags & ~NAT_FLAGS_OK)
		return fc_error(c, -EOPNOTSUPP, "%s flags 0x%x not supported (prefix, "
				"proto offset)", kind == NAT_KIND_NAT ? "nat" :
				kind == NAT_KIND_MASQ ? "masquerade" : "redirect",
				flags & ~NAT_FLAGS_OK);
	i->a = manip;
	i->b = kind;
	i->arg = flags & ~(NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
	i->arg2 = family;
	if (regs[0]) {
		/* nft_nat_init(): the max is the min unless given */
		ret = fc_reg_parse(c, regs[0], alen, &i->sreg);
		if (ret == 0)
			ret = fc_reg_parse(c, regs[1] ? regs[1] : regs[0], alen, &i->dreg);
		i->len = alen;
		i->arg |= NF_NAT_RANGE_MAP_IPS;
	}
	if (ret == 0 && regs[2]) {
		ret = fc_reg_parse(c, regs[2], 2, &pmin);
		if (ret == 0)
			ret = fc_reg_parse(c, regs[3] ? regs[3] : regs[2], 2, &pmax);
		i->arg |= NF_NAT_RANGE_PROTO_SPECIFIED;
	}
	i->c = pmin | pmax << 8;
	return ret;
}

static uint32_t nat_attr(struct nftnl_expr *e, uint16_t attr)
{
	return nftnl_expr_is_set(e, attr) ? nftnl_expr_get_u32(e, attr) : 0;
}

static int nat_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE);
	uint32_t family = nat_attr(e, NFTNL_EXPR_NAT_FAMILY);
	uint32_t regs[4] = {
		nat_attr(e, NFTNL_EXPR_NAT_REG_ADDR_MIN), nat_attr(e, NFTNL_EXPR_NAT_REG_ADDR_MAX),
		nat_attr(e, NFTNL_EXPR_NAT_REG_PROTO_MIN), nat_attr(e, NFTNL_EXPR_NAT_REG_PROTO_MAX),
	};

	if (type != NFT_NAT_SNAT && type != NFT_NAT_DNAT)
		return fc_error(c, -EOPNOTSUPP, "nat type %u not supported", type);
	/* nft_nat_init(): the family is the table's, or either in inet */
	if (family == 0)
		family = c->family;
	if (c->family != NFPROTO_INET && family != c->family)
		return fc_error(c, -EOPNOTSUPP, "nat of family %u in a table of family %u",
				family, c->family);
	if (family != NFPROTO_IPV4 && family != NFPROTO_IPV6 && regs[0])
		return fc_error(c, -EOPNOTSUPP, "nat of family %u not supported", family);
	return nat_emit(c, type == NFT_NAT_SNAT ? NAT_MANIP_SRC : NAT_MANIP_DST,
			NAT_KIND_NAT, nat_attr(e, NFTNL_EXPR_NAT_FLAGS), family, regs);
}

/* The IPv4 address masquerade and redirect take: of the output (input) port. */
static uint32_t nat_port_addr(const struct nfv_filter_ruleset *rs, uint16_t port)
{
	const struct nfv_filter_ifaces *ifs = rs->cfg.ifaces;

	return ifs != NULL && port < ifs->nb_ports ? ifs->port[port].ip4 : 0;
}

/*
 * The address of masquerade (nf_nat_masquerade_ipv4/6()) or redirect
 * (nf_nat_redirect_ipv4/6()) into r; false: the port has none (nat-no-address).
 */
static bool nat_port_range(const struct nfv_filter_ruleset *rs, const struct finsn *i,
			   const struct fpkt *p, const struct nfv_hook_state *st,
			   struct nat_range *r)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	static const uint8_t loopback6[16] = { [15] = 1 };
	const uint8_t *daddr6;
	uint32_t a;

	if (p->nfproto == NFPROTO_IPV6) {
		/* the packet's destination, as the kernel reads ipv6_hdr()->daddr */
		daddr6 = rte_pktmbuf_mtod_offset(p->m, const uint8_t *, 24);
		if (i->b == NAT_KIND_REDIR && st->hook == NFV_INET_LOCAL_OUT)
			memcpy(r->min_addr, loopback6, 16);
		else if (i->b == NAT_KIND_REDIR ?
			 !nat_ipv6_redirect_addr(rs->cfg.ifaces, meta->iport, daddr6, r->min_addr) :
			 !nat_ipv6_saddr(rs->cfg.ifaces, meta->oport, daddr6, r->min_addr))
			return false;
	} else {
		a = i->b == NAT_KIND_REDIR && st->hook == NFV_INET_LOCAL_OUT ?
		    rte_cpu_to_be_32(0x7f000001) :
		    nat_port_addr(rs, i->b == NAT_KIND_REDIR ? meta->iport : meta->oport);
		if (a == 0)
			return false;
		memcpy(r->min_addr, &a, 4);
	}
	memcpy(r->max_addr, r->min_addr, 16);
	r->flags |= NF_NAT_RANGE_MAP_IPS;
	return true;
}

static __rte_noinline int32_t nat_eval(const struct nfv_filter_ruleset *rs,
				       const struct finsn *i, uint32_t *regs,
				       const struct fpkt *p,
				       const struct nfv_hook_state *st)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	struct nat_range r = { .flags = i->arg };
	struct nfv_ct *ct = meta->ct;
	uint8_t pmin = i->c & 0xff, pmax = i->c >> 8;
	uint32_t v, src;

	/* only nat chains run this, for packets with a connection */
	if (unlikely(ct == NULL || rs->cfg.ct == NULL))
		return NF_ACCEPT;
	/* nft_nat_inet_eval(): a statement of the other family does nothing */
	if (i->arg2 != NFPROTO_INET && i->arg2 != p->nfproto)
		return NFT_CONTINUE;
	switch (i->b) {
	case NAT_KIND_MASQ:
		/* nf_nat_masquerade_ipv4(): a source of 0.0.0.0 is left alone */
		memcpy(&src, ct->tuple[IP_CT_DIR_ORIGINAL].src, 4);
		if (src == 0 && p->nfproto == NFPROTO_IPV4)
			return NF_ACCEPT;
		if (!nat_port_range(rs, i, p, st, &r))
			return NFV_DROP_REASON(NFV_DR_NAT_NO_ADDRESS);
		/* a later packet routed out of another port is dropped (nat_hook.c) */
		ct->masq_port = meta->oport;
		break;
	case NAT_KIND_REDIR:
		if (!nat_port_range(rs, i, p, st, &r))
			return NFV_DROP_REASON(NFV_DR_NAT_NO_ADDRESS);
		break;
	default:
		if (i->sreg != FREG_NONE) {
			memcpy(r.min_addr, &regs[i->sreg], i->len);
			memcpy(r.max_addr, &regs[i->dreg], i->len);
		}
	}
	if (pmin != FREG_NONE) {
		memcpy(&r.min_proto, &regs[pmin], 2);
		memcpy(&r.max_proto, &regs[pmax], 2);
	}
	v = nat_setup(rs->cfg.ct, ct, &r, i->a);
	return v == NFV_ACCEPT ? NF_ACCEPT : (int32_t)v;
}
#endif
