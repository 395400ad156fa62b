/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 header validation (RFC 1812 5.2.2) and the forwarding TTL update.
 * The packet starts at the IPv4 header. The common case (no options, header
 * in the first segment) is inline; everything else goes to nfv_ip4.c.
 */
#ifndef NFV_IP4_H
#define NFV_IP4_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nfv_cksum.h"
#include "nfv_drop.h"
#include "nfv_pkt.h"

int nfv_ip4_check_slow(struct rte_mbuf *m);
int nfv_ip4_check_src_slow(const struct rte_ipv4_hdr *ip);

/* Sources in 0/8, 127/8 and 224/3 need a closer look (RFC 1812 5.3.7). */
static inline bool nfv_ip4_src_suspect(rte_be32_t src)
{
	uint8_t hi = rte_be_to_cpu_32(src) >> 24;

	return hi == 0 || hi == 127 || hi >= 224;
}

/*
 * Returns 0 or the NFV_DR_* reason to drop m: length, version, IHL, total
 * length, header checksum and source address. Trims link-layer padding so
 * that pkt_len equals the total length.
 */
static __rte_always_inline int nfv_ip4_check(struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
	uint16_t tot;

	if (unlikely(pkt_len < sizeof(*ip)))
		return NFV_DR_IP4_SHORT;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*ip) ||
		     ip->version_ihl != RTE_IPV4_VHL_DEF))
		return nfv_ip4_check_slow(m);
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < sizeof(*ip) || tot > pkt_len))
		return NFV_DR_IP4_TOTAL_LEN;
	if (unlikely(nfv_cksum_ip4_hdr20(ip) != 0xffff))
		return NFV_DR_IP4_CSUM;
	if (unlikely(nfv_ip4_src_suspect(ip->src_addr)) &&
	    nfv_ip4_check_src_slow(ip) != 0)
		return NFV_DR_IP4_SRC;
	if (tot < pkt_len)
		nfv_pkt_trim(m, tot);
	return 0;
}

/* True when m holds less than its IPv4 header's total length says. */
static inline bool nfv_ip4_cut_short(const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	return rte_pktmbuf_data_len(m) >= sizeof(*ip) &&
	       rte_be_to_cpu_16(ip->total_length) > rte_pktmbuf_pkt_len(m);
}

/*
 * Before forwarding a checked packet: drops it when the TTL would expire
 * (the caller sends ICMP time exceeded) and decrements the TTL with an
 * RFC 1624 incremental checksum update. Returns 0 or NFV_DR_IP4_TTL.
 */
static inline int nfv_ip4_forward_prepare(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint8_t ttl = ip->time_to_live;
	uint32_t sum;

	if (unlikely(ttl <= 1))
		return NFV_DR_IP4_TTL;
	ip->time_to_live = ttl - 1;
	/*
	 * RFC 1624 with the constant difference of a TTL decrement (TTL is
	 * the high byte of its 16-bit word): no reload of the byte just
	 * stored, which would stall on store forwarding.
	 */
	sum = ip->hdr_checksum + (uint32_t)RTE_BE16(0x0100);
	ip->hdr_checksum = (uint16_t)(sum + (sum >= 0xffff));
	return 0;
}

/* MF set or a non-zero offset: the packet is a fragment. */
static inline bool nfv_ip4_is_fragment(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset &
		RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

/* A fragment other than the first one: no L4 header to look at. */
static inline bool nfv_ip4_is_later_fragment(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

static inline bool nfv_ip4_is_mcast(rte_be32_t a)
{
	return (rte_be_to_cpu_32(a) >> 28) == 0xe;
}

#endif
