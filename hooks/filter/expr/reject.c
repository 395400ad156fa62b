/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reject: builds the TCP reset or ICMP(v6) unreachable that nf_reject_ipv4
 * and nf_reject_ipv6 send, injects it at LOCAL_OUT as a locally made
 * packet, and drops the rejected packet (NFV_DR_FILTER_REJECT).
 *
 *   REJECT  a: type (NFT_REJECT_*), b: code
 */
FEXPR(reject, FOP(REJECT, reject_eval))
#ifdef FEXPR_CODE
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libnftnl/expr.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "filter_prog.h"
#include "nat_priv.h"
#include "nfv_filter.h"
#include "nfv_ipid.h"
#include "nfv_mbuf.h"

static int reject_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	struct finsn *i = fc_emit(c, FOP_REJECT);

	if (i == NULL)
		return -ENOMEM;
	i->a = nftnl_expr_get_u32(e, NFTNL_EXPR_REJECT_TYPE);
	i->b = nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE);
	if (i->a > NFT_REJECT_ICMPX_UNREACH)
		return fc_error(c, -EOPNOTSUPP, "expression 'reject' type %u", i->a);
	return 0;
}

/* the TTL / hop limit of a route with none of its own (sysctl ip_default_ttl,
 * hop_limit) */
#define REJECT_HOPLIMIT 64
/* icmp_send()'s TOS: precedence 6, and the TOS bits of the packet it quotes
 * (RFC 1812 4.3.2.5); ECN bit 1 goes with them as the kernel's mask 0x1e
 * lets it */
#define REJECT_IPTOS_TOS_MASK 0x1e
#define REJECT_IPTOS_PREC_INTERNETCONTROL 0xc0

/* enum nft_reject_inet_code -> ICMP / ICMPv6 codes */
static const uint8_t reject_icmpx_v4[] = { 0, 3, 1, 13 };
static const uint8_t reject_icmpx_v6[] = { 0, 4, 3, 1 };

static struct rte_mbuf *reject_alloc(const struct fpkt *p, uint16_t len, void **data)
{
	struct rte_mbuf *r = rte_pktmbuf_alloc(p->m->pool);
	struct nfv_mbuf_meta *meta;

	if (r == NULL)
		return NULL;
	*data = rte_pktmbuf_append(r, len);
	if (*data == NULL) {
		rte_pktmbuf_free(r);
		return NULL;
	}
	memset(*data, 0, len);
	nfv_mbuf_meta_reset(r, UINT16_MAX);
	meta = nfv_mbuf_meta(r);
	meta->family = p->nfproto == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	meta->flags = NFV_MBUF_F_LOCAL_OUT;
	return r;
}

/*
 * The source of an ICMP error about the packet from osrc to odst, as
 * icmp_send() and icmp6_send() choose it: odst when it is ours, else
 * the address that the port of the route back to osrc offers (the
 * kernel's route lookup with no source: inet_select_addr(),
 * ipv6_dev_get_saddr()); odst when there is none.
 */
static void reject_icmp_saddr(const struct nfv_filter_ruleset *rs, bool v6,
			      const uint8_t *osrc, const uint8_t *odst, uint8_t *saddr)
{
	const struct nfv_filter_fib *fib = rs->cfg.fib;
	const struct nfv_filter_ifaces *ifs = rs->cfg.ifaces;
	uint8_t nfproto = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	uint16_t port = UINT16_MAX;

	memcpy(saddr, odst, v6 ? 16 : 4);
	if (fib == NULL || ifs == NULL || fib->route(fib->ctx, nfproto, odst, &port) == RTN_LOCAL)
		return;
	if (fib->route(fib->ctx, nfproto, osrc, &port) != RTN_UNICAST || port >= ifs->nb_ports)
		return;
	if (v6)
		nat_ipv6_saddr(ifs, port, osrc, saddr);
	else if (ifs->port[port].ip4 != 0)
		memcpy(saddr, &ifs->port[port].ip4, 4);
}

/*
 * The IP header of a reject: a TCP reset's as nf_reject_iphdr_put() and
 * nf_reject_ip6hdr_put() make it (swapped addresses, DF, ID 0, TOS 0, the
 * route's hop limit: 64), an ICMP error's as icmp_send() and icmp6_send()
 * do (no DF, precedence "internetwork control" and the quoted packet's
 * TOS bits, hop limit 64, the source of reject_icmp_saddr(), a keyed
 * ID: nfv_ipid.h).
 * Returns the header length.
 */
static uint16_t reject_ip(const struct nfv_filter_ruleset *rs, const struct fpkt *p,
			  const struct nfv_hook_state *st, uint8_t *h, uint8_t proto,
			  uint16_t l4len)
{
	uint8_t o[40];
	const uint8_t *ip = rte_pktmbuf_read(p->m, 0, p->nfproto == NFPROTO_IPV6 ? 40 : 20, o);
	struct rte_ipv4_hdr *v4 = (struct rte_ipv4_hdr *)h;
	struct rte_ipv6_hdr *v6 = (struct rte_ipv6_hdr *)h;

	if (p->nfproto == NFPROTO_IPV6) {
		v6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		v6->payload_len = rte_cpu_to_be_16(l4len);
		v6->proto = proto;
		v6->hop_limits = REJECT_HOPLIMIT;
		memcpy(v6->dst_addr, ip + 8, 16);
		if (proto == IPPROTO_TCP)
			memcpy(v6->src_addr, ip + 24, 16);
		else
			reject_icmp_saddr(rs, true, ip + 8, ip + 24, v6->src_addr);
		return 40;
	}
	v4->version_ihl = 0x45;
	v4->total_length = rte_cpu_to_be_16(20 + l4len);
	v4->time_to_live = REJECT_HOPLIMIT;
	v4->next_proto_id = proto;
	memcpy(&v4->dst_addr, ip + 12, 4);
	if (proto == IPPROTO_TCP) {
		v4->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		memcpy(&v4->src_addr, ip + 16, 4);
	} else {
		v4->type_of_service = (ip[1] & REJECT_IPTOS_TOS_MASK) | REJECT_IPTOS_PREC_INTERNETCONTROL;
		reject_icmp_saddr(rs, false, ip + 12, ip + 16, (uint8_t *)&v4->src_addr);
		/* no DF: an ID that nobody can predict, as ip_select_ident()'s */
		if (rs->cfg.ipids != NULL)
			v4->packet_id = rte_cpu_to_be_16(nfv_ipid_next(rs->cfg.ipids[st->worker],
								       v4->src_addr, v4->dst_addr,
								       IPPROTO_ICMP, st->now));
	}
	v4->hdr_checksum = rte_ipv4_cksum(v4);
	return 20;
}

static struct rte_mbuf *reject_tcp_reset(const struct nfv_filter_ruleset *rs,
					const struct fpkt *p, const struct nfv_hook_state *st)
{
	struct rte_tcp_hdr ob, *t;
	const struct rte_tcp_hdr *o;
	uint16_t hl = p->nfproto == NFPROTO_IPV6 ? 40 : 20;
	struct rte_mbuf *r;
	uint32_t dlen;
	void *d;

	o = rte_pktmbuf_read(p->m, p->thoff, sizeof(ob), &ob);
	if (o == NULL || (o->tcp_flags & RTE_TCP_RST_FLAG))
		return NULL;
	r = reject_alloc(p, hl + sizeof(*t), &d);
	if (r == NULL)
		return NULL;
	reject_ip(rs, p, st, d, IPPROTO_TCP, sizeof(*t));
	t = (struct rte_tcp_hdr *)((uint8_t *)d + hl);
	t->src_port = o->dst_port;
	t->dst_port = o->src_port;
	t->data_off = (sizeof(*t) / 4) << 4;
	if (o->tcp_flags & RTE_TCP_ACK_FLAG) {
		t->sent_seq = o->recv_ack;
		t->tcp_flags = RTE_TCP_RST_FLAG;
	} else {
		dlen = p->len - p->thoff - (o->data_off >> 4) * 4;
		dlen += !!(o->tcp_flags & RTE_TCP_SYN_FLAG) + !!(o->tcp_flags & RTE_TCP_FIN_FLAG);
		t->recv_ack = rte_cpu_to_be_32(rte_be_to_cpu_32(o->sent_seq) + dlen);
		t->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	}
	if (p->nfproto == NFPROTO_IPV6)
		t->cksum = rte_ipv6_udptcp_cksum(d, t);
	else
		t->cksum = rte_ipv4_udptcp_cksum(d, t);
	return r;
}

static struct rte_mbuf *reject_icmp_unreach(const struct nfv_filter_ruleset *rs,
					    const struct fpkt *p, const struct nfv_hook_state *st,
					    uint8_t code)
{
	bool v6 = p->nfproto == NFPROTO_IPV6;
	uint16_t hl = v6 ? 40 : 20;
	/* as much of the packet as fits in 576 (IPv4) or 1280 (IPv6) bytes */
	uint32_t q = p->len < (v6 ? 1280u : 576u) - hl - 8 ? p->len : (v6 ? 1280u : 576u) - hl - 8;
	struct rte_mbuf *r;
	const void *src;
	uint8_t *icmp;
	void *d;

	r = reject_alloc(p, hl + 8 + q, &d);
	if (r == NULL)
		return NULL;
	reject_ip(rs, p, st, d, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 8 + q);
	icmp = (uint8_t *)d + hl;
	icmp[0] = v6 ? 1 : 3;
	icmp[1] = code;
	src = rte_pktmbuf_read(p->m, 0, q, icmp + 8);
	if (src != NULL && src != icmp + 8)
		memcpy(icmp + 8, src, q);
	if (v6) {
		uint16_t ck = rte_ipv6_udptcp_cksum(d, icmp);

		memcpy(icmp + 2, &ck, 2);
	} else {
		uint16_t ck = ~rte_raw_cksum(icmp, 8 + q);

		memcpy(icmp + 2, &ck, 2);
	}
	return r;
}

static bool reject_is_icmp_error(const struct fpkt *p)
{
	uint8_t b, t;
	const uint8_t *tp;

	if (p->l4proto != IPPROTO_ICMP && p->l4proto != IPPROTO_ICMPV6)
		return false;
	tp = rte_pktmbuf_read(p->m, p->thoff, 1, &b);
	if (tp == NULL)
		return true;
	t = *tp;
	return p->l4proto == IPPROTO_ICMP ? (t != 0 && t != 8 && t < 13) : t < 128;
}

static __rte_noinline void reject_send(const struct nfv_filter_ruleset *rs,
					const struct fpkt *p, uint8_t type, uint8_t code,
					const struct nfv_hook_state *st)
{
	struct rte_mbuf *r = NULL;
	bool v6 = p->nfproto == NFPROTO_IPV6;

	/* never answer an error or a later fragment (icmp_send's rules) */
	if (!p->has_l4 || p->fragoff || reject_is_icmp_error(p) || st->table == NULL)
		return;
	switch (type) {
	case NFT_REJECT_TCP_RST:
		if (p->l4proto == IPPROTO_TCP)
			r = reject_tcp_reset(rs, p, st);
		break;
	case NFT_REJECT_ICMPX_UNREACH:
		if (code >= RTE_DIM(reject_icmpx_v4))
			return;
		r = reject_icmp_unreach(rs, p, st, v6 ? reject_icmpx_v6[code] : reject_icmpx_v4[code]);
		break;
	default:
		r = reject_icmp_unreach(rs, p, st, code);
	}
	if (r != NULL)
		nfv_hook_inject(st, NFV_INJECT_LOCAL_OUT, r);
}

static inline int32_t reject_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	reject_send(rs, p, i->a, i->b, st);
	return (int32_t)NFV_DROP_REASON(NFV_DR_FILTER_REJECT);
}
#endif
