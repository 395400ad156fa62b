/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib: the packet's source or destination address looked up in the
 * dataplane's routing table (nfv_filter_config.fib: the snapshot the
 * workers route with), as the kernel's nft_fib4.c / nft_fib6.c:
 *
 *   oif, oifname   the route's output port; with iif / oif in the key the
 *                  port only if the route goes out of that interface
 *                  (fib_info_nh_uses_dev()), else none; a local address,
 *                  a blackhole or no route: none (0, "", "missing")
 *   type           the address's RTN_* type: inet_dev_addr_type() for
 *                  IPv4 (0.0.0.0 and 255.255.255.255 broadcast, 224/4
 *                  multicast, an address of ours local and the broadcast
 *                  address of a prefix of ours broadcast - with iif/oif
 *                  only when held by that interface - else unicast);
 *                  nft_fib6_eval_type() for IPv6 (local, ff00::/8
 *                  multicast, blackhole, no route unspec, else unicast)
 *
 * "fib saddr . iif oif missing drop" is the reverse path check.
 *
 *   FIB  a: NFTA_FIB_F_* flags, b: result (NFT_FIB_RESULT_*), len, dreg
 */
FEXPR(fib, FOP(FIB, fib_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libnftnl/expr.h>

#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

#define FIB_NO_PORT UINT16_MAX

static int fib_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_FLAGS);
	uint32_t result = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_RESULT);
	uint32_t len = 4;
	struct finsn *i;

	if (c->rs->cfg.fib == NULL)
		return fc_error(c, -EOPNOTSUPP,
				"expression 'fib': no routing table to ask here");
	if (!!(flags & NFTA_FIB_F_SADDR) == !!(flags & NFTA_FIB_F_DADDR) ||
	    (flags & ~(NFTA_FIB_F_SADDR | NFTA_FIB_F_DADDR | NFTA_FIB_F_IIF |
		       NFTA_FIB_F_OIF | NFTA_FIB_F_PRESENT)))
		return fc_error(c, -EOPNOTSUPP, "expression 'fib' flags 0x%x not supported%s",
				flags, flags & NFTA_FIB_F_MARK ? " (mark: no policy routing)" : "");
	switch (result) {
	case NFT_FIB_RESULT_OIFNAME:
		len = flags & NFTA_FIB_F_PRESENT ? 1 : NFV_IFNAMSIZ;
		break;
	case NFT_FIB_RESULT_OIF:
		len = flags & NFTA_FIB_F_PRESENT ? 1 : 4;
		break;
	case NFT_FIB_RESULT_ADDRTYPE:
		break;
	default:
		return fc_error(c, -EOPNOTSUPP, "expression 'fib' result %u not supported",
				result);
	}
	if (c->family != NFPROTO_IPV4 && c->family != NFPROTO_IPV6 &&
	    c->family != NFPROTO_INET)
		return fc_error(c, -EOPNOTSUPP, "expression 'fib' in family %u", c->family);
	i = fc_emit(c, FOP_FIB);
	if (i == NULL)
		return -ENOMEM;
	i->a = flags;
	i->b = result;
	i->len = len;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_DREG), len, &i->dreg);
}

/* The interface that iif / oif in the key names; FIB_NO_PORT: none. */
static uint16_t fib_dev(const struct nfv_filter_ruleset *rs, const struct fpkt *p,
			uint8_t flags)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	uint16_t port = flags & NFTA_FIB_F_IIF ? meta->iport :
			flags & NFTA_FIB_F_OIF ? meta->oport : FIB_NO_PORT;

	if (rs->cfg.ifaces == NULL || port >= rs->cfg.ifaces->nb_ports)
		return FIB_NO_PORT;
	return port;
}

static uint32_t fib_type4(const struct nfv_filter_ruleset *rs, const uint8_t *a,
			  uint16_t dev)
{
	const struct nfv_filter_fib *fib = rs->cfg.fib;
	uint16_t port = FIB_NO_PORT;
	uint8_t t;

	/* __inet_dev_addr_type() */
	if ((a[0] | a[1] | a[2] | a[3]) == 0 || (a[0] & a[1] & a[2] & a[3]) == 0xff)
		return RTN_BROADCAST;
	if ((a[0] & 0xf0) == 0xe0)
		return RTN_MULTICAST;
	t = fib->route(fib->ctx, NFPROTO_IPV4, a, &port);
	/* only the local table counts: local and broadcast routes */
	if ((t == RTN_LOCAL || t == RTN_BROADCAST) && (dev == FIB_NO_PORT || dev == port))
		return t;
	return RTN_UNICAST;
}

static uint32_t fib_type6(const struct nfv_filter_ruleset *rs, const uint8_t *a,
			  uint16_t dev)
{
	const struct nfv_filter_fib *fib = rs->cfg.fib;
	bool with_dev = dev != FIB_NO_PORT;
	uint16_t port = FIB_NO_PORT;
	uint8_t t;

	/* nft_fib6_eval_type(); ff00::/8 has its routes in the kernel */
	if (a[0] == 0xff)
		return RTN_MULTICAST;
	t = fib->route(fib->ctx, NFPROTO_IPV6, a, &port);
	if (t == RTN_LOCAL && with_dev && dev == port)
		return RTN_LOCAL;		/* nf_ipv6_chk_addr(dev, strict) */
	switch (t) {
	case RTN_UNSPEC:
		return RTN_UNSPEC;		/* -ENETUNREACH */
	case RTN_BLACKHOLE:
		return RTN_BLACKHOLE;		/* -EINVAL */
	case RTN_LOCAL:
		return with_dev ? RTN_UNICAST : RTN_LOCAL;
	}
	return RTN_UNICAST;
}

/* The output port of the route, as nft_fib4_eval / nft_fib6_eval. */
static uint16_t fib_oif(const struct nfv_filter_ruleset *rs, const struct fpkt *p,
			const uint8_t *a, uint16_t dev, uint8_t flags)
{
	const struct nfv_filter_fib *fib = rs->cfg.fib;
	uint16_t port = FIB_NO_PORT;
	uint8_t d[4], t;
	const uint8_t *da;

	/* DHCP and IGMP from 0.0.0.0: the interface it came in */
	if (p->nfproto == NFPROTO_IPV4 && (flags & NFTA_FIB_F_SADDR) &&
	    (a[0] | a[1] | a[2] | a[3]) == 0) {
		da = rte_pktmbuf_read(p->m, 16, 4, d);
		if (da != NULL && ((da[0] & da[1] & da[2] & da[3]) == 0xff ||
				   (da[0] == 224 && da[1] == 0 && da[2] == 0)))
			return nfv_mbuf_meta(p->m)->iport;
	}
	t = fib->route(fib->ctx, p->nfproto, a, &port);
	/* local, blackhole, no route: none; a broadcast address its port */
	if (t != RTN_UNICAST && t != RTN_BROADCAST)
		return FIB_NO_PORT;
	if (dev != FIB_NO_PORT && port != dev)
		return FIB_NO_PORT;
	return port;
}

static __rte_noinline bool fib_get(const struct nfv_filter_ruleset *rs,
				   const struct finsn *i, const struct fpkt *p,
				   uint32_t *dst)
{
	bool v6 = p->nfproto == NFPROTO_IPV6;
	uint8_t buf[16];
	const uint8_t *a;
	uint16_t dev = fib_dev(rs, p, i->a), port;
	uint32_t off = i->a & NFTA_FIB_F_SADDR ? (v6 ? 8 : 12) : (v6 ? 24 : 16);

	a = rte_pktmbuf_read(p->m, off, v6 ? 16 : 4, buf);
	if (a == NULL)
		return false;
	if (i->b == NFT_FIB_RESULT_ADDRTYPE) {
		*dst = v6 ? fib_type6(rs, a, dev) : fib_type4(rs, a, dev);
		return true;
	}
	port = fib_oif(rs, p, a, dev, i->a);
	if (port != FIB_NO_PORT &&
	    (rs->cfg.ifaces == NULL || port >= rs->cfg.ifaces->nb_ports))
		port = FIB_NO_PORT;
	if (i->a & NFTA_FIB_F_PRESENT) {
		*dst = port != FIB_NO_PORT;	/* nft_reg_store8 */
		return true;
	}
	if (i->b == NFT_FIB_RESULT_OIF) {
		*dst = port != FIB_NO_PORT ? rs->cfg.ifaces->port[port].ifindex : 0;
		return true;
	}
	memset(dst, 0, NFV_IFNAMSIZ);
	if (port != FIB_NO_PORT)
		memcpy(dst, rs->cfg.ifaces->port[port].name, NFV_IFNAMSIZ);
	return true;
}

static inline int32_t fib_eval(const struct nfv_filter_ruleset *rs,
			       const struct finsn *i, uint32_t *regs,
			       const struct fpkt *p,
			       const struct nfv_hook_state *st)
{
	return fib_get(rs, i, p, &regs[i->dreg]) ? NFT_CONTINUE : NFT_BREAK;
}
#endif
