/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets too big for the SA's path once encapsulated (esp-output):
 * - an IPv4 packet without DF going into a tunnel is fragmented before the
 *   encryption (RFC 4459 3.1) and each fragment becomes one ESP packet;
 * - an IPv4 packet without DF in transport mode is encrypted whole (RFC
 *   4303 3.3.4: transport ESP is applied to whole datagrams) and the ESP
 *   packet is fragmented, as Linux's ip_fragment() does after XFRM;
 * - an IPv6 packet of at most 1280 bytes when the SA leaves less: the
 *   same, since IPv6 senders may not be asked for less (RFC 2473 7.1);
 * - anything else (DF, IPv6) is refused with its own drop reason, and the
 *   dataplane's callback answers an ICMP "fragmentation needed" / "packet
 *   too big" with the inner MTU the SA leaves.
 */
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "esp.h"

/* The largest inner packet (from its L3 header) that fits sa->mtu. */
uint32_t esp_mtu_inner_max(const struct esp_sa *sa, uint32_t l3_len)
{
	uint32_t fixed, room;

	fixed = ESP_HDR_LEN + sa->iv_len + sa->icv_len +
		(esp_sa_outer(sa)->natt ? 8 : 0) +
		(sa->flags & ESP_SA_TUNNEL ? (sa->family == AF_INET ? 20 : 40) : 0);
	if (sa->mtu <= fixed + sa->align + (sa->flags & ESP_SA_TUNNEL ? 0 : l3_len))
		return 0;
	room = sa->mtu - fixed - (sa->flags & ESP_SA_TUNNEL ? 0 : l3_len);
	/* the payload plus its two trailer bytes is padded to align */
	room = RTE_ALIGN_FLOOR(room, sa->align) - 2;
	return (sa->flags & ESP_SA_TUNNEL ? 0 : l3_len) + room;
}

/*
 * Slow path of esp-output for a packet that may not fit sa->mtu: 0 when it
 * fits after all, ESP_MTU_FRAGMENT when the caller fragments it first,
 * ESP_MTU_FRAG_AFTER when it fragments the ESP packet, or the drop reason
 * (the ICMP error already asked for).
 */
int esp_mtu_check(struct nfv_ipsec *ips, const struct esp_sa *sa,
		  struct rte_mbuf *m, unsigned int worker)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	bool tunnel = sa->flags & ESP_SA_TUNNEL;
	uint32_t nh_off, max;
	uint16_t frag_off = 0;	/* IPv4 flags and offset, host order */
	uint8_t proto;
	int l3;

	l3 = esp_l3_parse(p, rte_pktmbuf_data_len(m), meta->family, &proto, &nh_off);
	if (l3 < 0)
		return 0;	/* esp_encap_prepare drops it with its reason */
	max = esp_mtu_inner_max(sa, (uint32_t)l3);
	if (m->pkt_len <= max)
		return 0;
	if (meta->family == AF_INET)
		frag_off = rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)p)->fragment_offset);
	/*
	 * IPv6 senders never go below 1280 (RFC 8201 4): as RFC 2473 7.1 and
	 * Linux's xfrm6_tunnel_check_size, a packet up to 1280 bytes is
	 * encapsulated and the ESP packet fragmented; a bigger one is told
	 * 1280. Not for a transport packet with extension headers, which
	 * would have to stay in front of the fragment header.
	 */
	if (meta->family == AF_INET6 && max < RTE_IPV6_MIN_MTU) {
		if (m->pkt_len <= RTE_IPV6_MIN_MTU && sa->mtu >= 68 &&
		    (tunnel || l3 == sizeof(struct rte_ipv6_hdr)) &&
		    (sa->family == AF_INET || sa->mtu >= RTE_IPV6_MIN_MTU))
			return ESP_MTU_FRAG_AFTER;
		max = RTE_IPV6_MIN_MTU;
	}
	if (meta->family == AF_INET && !(frag_off & RTE_IPV4_HDR_DF_FLAG)) {
		if (tunnel && max >= 68)
			return ESP_MTU_FRAGMENT;
		/* not a fragment already, and the ESP packet fits ESP_FRAG_MAX pieces */
		if (!tunnel && sa->mtu >= 68 + l3 &&
		    !(frag_off & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) &&
		    m->pkt_len + ESP_OVERHEAD_MAX <= (uint32_t)ESP_FRAG_MAX * (sa->mtu - l3 - 7))
			return ESP_MTU_FRAG_AFTER;
	}
	if (ips->too_big != NULL && max != 0 &&
	    (meta->family == AF_INET6 || (frag_off & RTE_IPV4_HDR_DF_FLAG)))
		ips->too_big(ips->too_big_arg, worker, m, max);
	return NFV_DR_ESP_TOO_BIG;
}
