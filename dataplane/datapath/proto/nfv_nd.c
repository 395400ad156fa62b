/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 neighbour discovery: NS and NA for Ethernet (RFC 4861). */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_ip.h>

#include "nfv_cksum.h"
#include "nfv_drop.h"
#include "nfv_eth.h"
#include "nfv_icmp.h"
#include "nfv_ip6.h"
#include "nfv_mbuf.h"
#include "nfv_nd.h"
#include "nfv_pkt.h"

#define ND_OPT_SRC_LLADDR 1
#define ND_OPT_TGT_LLADDR 2

/* NS and NA share their layout up to the options (RFC 4861 4.3, 4.4). */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	uint8_t flags;		/* NA: R, S, O; NS: reserved */
	uint8_t reserved[3];
	uint8_t target[16];
} __rte_packed;

struct nd_opt_lladdr {
	uint8_t type;
	uint8_t len;		/* in units of 8 bytes */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

#define ND_LEN (sizeof(struct nd_msg) + sizeof(struct nd_opt_lladdr))

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

static bool nd_is_solicited_node(const uint8_t a[16])
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

static void nd_solicited_node(const uint8_t target[16], uint8_t a[16])
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(a, prefix, sizeof(prefix));
	memcpy(a + 13, target + 13, 3);
}

static uint16_t nd_cksum(const struct rte_ipv6_hdr *ip6, const void *icmp, uint32_t len)
{
	uint32_t sum = rte_raw_cksum(icmp, len);

	sum += nfv_ip6_phdr_sum(ip6->src_addr, ip6->dst_addr, len, IPPROTO_ICMPV6);
	return nfv_cksum_fold(sum);
}

int nfv_nd_parse(struct rte_mbuf *m, struct nfv_nd_info *nd)
{
	const struct rte_ipv6_hdr *ip6;
	const struct nd_opt_lladdr *opt;
	const struct nd_msg *msg;
	uint32_t len, off, olen;
	const uint8_t *p;

	if (nfv_pkt_pull(m, rte_pktmbuf_pkt_len(m)) != 0)
		return NFV_DR_ND_BAD;
	ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	len = rte_pktmbuf_pkt_len(m) - sizeof(*ip6);
	if (ip6->proto != IPPROTO_ICMPV6 || len < sizeof(*msg))
		return NFV_DR_ND_BAD;
	msg = (const struct nd_msg *)(ip6 + 1);
	if ((msg->type != NFV_ICMP6_NS && msg->type != NFV_ICMP6_NA) || msg->code != 0)
		return NFV_DR_ND_BAD;
	/* 255 proves the sender is on-link: no router forwarded this */
	if (ip6->hop_limits != NFV_ND_HOP_LIMIT)
		return NFV_DR_ND_BAD;
	if (nd_cksum(ip6, msg, len) != 0xffff)
		return NFV_DR_ND_BAD;
	if (nfv_ip6_is_mcast(msg->target))
		return NFV_DR_ND_BAD;

	nd->type = msg->type;
	nd->na_flags = msg->type == NFV_ICMP6_NA ? msg->flags & 0xe0 : 0;
	nd->has_lladdr = false;
	memcpy(nd->target, msg->target, sizeof(nd->target));
	p = (const uint8_t *)msg;
	for (off = sizeof(*msg); off < len; off += olen) {
		if (len - off < 2)
			return NFV_DR_ND_BAD;
		olen = p[off + 1] * 8u;
		if (olen == 0 || olen > len - off)
			return NFV_DR_ND_BAD;
		opt = (const struct nd_opt_lladdr *)(p + off);
		/* other options, and lladdr options of another size, are skipped */
		if (olen != sizeof(*opt))
			continue;
		if ((msg->type == NFV_ICMP6_NS && opt->type == ND_OPT_SRC_LLADDR) ||
		    (msg->type == NFV_ICMP6_NA && opt->type == ND_OPT_TGT_LLADDR)) {
			nd->has_lladdr = true;
			memcpy(&nd->lladdr, opt->mac, sizeof(opt->mac));
		}
	}

	if (msg->type == NFV_ICMP6_NS && nfv_ip6_is_unspec(ip6->src_addr) &&
	    (!nd_is_solicited_node(ip6->dst_addr) || nd->has_lladdr))
		return NFV_DR_ND_BAD;
	if (msg->type == NFV_ICMP6_NA && nfv_ip6_is_mcast(ip6->dst_addr) &&
	    (nd->na_flags & NFV_ND_NA_F_SOLICITED))
		return NFV_DR_ND_BAD;
	return 0;
}

/* Writes an NA from target to dst over the IPv6 header at ip6. */
static void nd_na_fill(struct rte_ipv6_hdr *ip6, const uint8_t target[16],
		       const uint8_t dst[16], uint8_t flags,
		       const struct rte_ether_addr *mac)
{
	struct nd_msg *msg = (struct nd_msg *)(ip6 + 1);
	struct nd_opt_lladdr *opt = (struct nd_opt_lladdr *)(msg + 1);

	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = RTE_BE16(ND_LEN);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = NFV_ND_HOP_LIMIT;
	/* dst first: it may alias the NS source that we are replacing */
	memmove(ip6->dst_addr, dst, 16);
	memcpy(ip6->src_addr, target, 16);

	msg->type = NFV_ICMP6_NA;
	msg->code = 0;
	msg->cksum = 0;
	msg->flags = flags;
	memset(msg->reserved, 0, sizeof(msg->reserved));
	memcpy(msg->target, target, 16);
	opt->type = ND_OPT_TGT_LLADDR;
	opt->len = 1;
	memcpy(opt->mac, mac, sizeof(opt->mac));
	msg->cksum = ~nd_cksum(ip6, msg, ND_LEN);
}

int nfv_nd_na_reply(struct rte_mbuf *m, const struct nfv_nd_info *ns,
		    const struct rte_ether_addr *mac, bool router,
		    struct rte_ether_addr *dst_mac)
{
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint8_t flags = NFV_ND_NA_F_OVERRIDE | (router ? NFV_ND_NA_F_ROUTER : 0);
	uint8_t target[16], dst[16];
	uint32_t len = sizeof(*ip6) + ND_LEN;

	if (ns->type != NFV_ICMP6_NS)
		return NFV_DR_ND_BAD;
	memcpy(target, ns->target, sizeof(target));
	if (nfv_ip6_is_unspec(ip6->src_addr)) {
		/* DAD: the prober has no address yet (RFC 4861 7.2.4) */
		memcpy(dst, all_nodes, sizeof(dst));
		nfv_eth_ip6_mcast(dst, dst_mac);
	} else {
		memcpy(dst, ip6->src_addr, sizeof(dst));
		flags |= NFV_ND_NA_F_SOLICITED;
		if (ns->has_lladdr)
			*dst_mac = ns->lladdr;
	}
	/* nfv_nd_parse() made the packet contiguous */
	if (rte_pktmbuf_pkt_len(m) > len)
		nfv_pkt_trim(m, len);
	else if (rte_pktmbuf_pkt_len(m) < len &&
		 rte_pktmbuf_append(m, len - rte_pktmbuf_pkt_len(m)) == NULL)
		return NFV_DR_ND_BAD;
	nd_na_fill(ip6, target, dst, flags, mac);
	return 0;
}

static struct rte_ipv6_hdr *nd_alloc(struct rte_mempool *mp, struct rte_mbuf **out)
{
	struct rte_ipv6_hdr *ip6;
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	ip6 = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, sizeof(*ip6) + ND_LEN);
	if (ip6 == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	nfv_mbuf_meta_local(m, AF_INET6);
	*out = m;
	return ip6;
}

int nfv_nd_ns(struct rte_mempool *mp, const uint8_t src[16], const uint8_t target[16],
	      const struct rte_ether_addr *mac, struct rte_mbuf **out,
	      struct rte_ether_addr *dst_mac)
{
	struct rte_ipv6_hdr *ip6 = nd_alloc(mp, out);
	struct nd_msg *msg;
	struct nd_opt_lladdr *opt;

	if (ip6 == NULL)
		return -ENOBUFS;
	msg = (struct nd_msg *)(ip6 + 1);
	opt = (struct nd_opt_lladdr *)(msg + 1);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = RTE_BE16(ND_LEN);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = NFV_ND_HOP_LIMIT;
	memcpy(ip6->src_addr, src, 16);
	nd_solicited_node(target, ip6->dst_addr);

	msg->type = NFV_ICMP6_NS;
	msg->code = 0;
	msg->cksum = 0;
	msg->flags = 0;
	memset(msg->reserved, 0, sizeof(msg->reserved));
	memcpy(msg->target, target, 16);
	opt->type = ND_OPT_SRC_LLADDR;
	opt->len = 1;
	memcpy(opt->mac, mac, sizeof(opt->mac));
	msg->cksum = ~nd_cksum(ip6, msg, ND_LEN);
	nfv_eth_ip6_mcast(ip6->dst_addr, dst_mac);
	return 0;
}

int nfv_nd_na_unsolicited(struct rte_mempool *mp, const uint8_t target[16],
			  const struct rte_ether_addr *mac, bool router,
			  struct rte_mbuf **out, struct rte_ether_addr *dst_mac)
{
	struct rte_ipv6_hdr *ip6 = nd_alloc(mp, out);

	if (ip6 == NULL)
		return -ENOBUFS;
	nd_na_fill(ip6, target, all_nodes,
		   NFV_ND_NA_F_OVERRIDE | (router ? NFV_ND_NA_F_ROUTER : 0), mac);
	nfv_eth_ip6_mcast(all_nodes, dst_mac);
	return 0;
}
