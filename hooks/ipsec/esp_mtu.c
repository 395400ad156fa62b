/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets too big for the SA's path once encapsulated (esp-output):
 * an IPv4 packet without DF going into a tunnel is fragmented before the
 * encryption, as Linux does, and each fragment becomes one ESP packet;
 * anything else (DF, IPv6, transport mode) is refused with its own drop
 * reason, and the dataplane's callback answers an ICMP "fragmentation
 * needed" / "packet too big" with the inner MTU the SA leaves.
 */
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>

#include "esp.h"

/* The largest inner packet (from its L3 header) that fits sa->mtu. */
uint32_t esp_mtu_inner_max(const struct esp_sa *sa, uint32_t l3_len)
{
	uint32_t fixed, room;

	fixed = ESP_HDR_LEN + sa->iv_len + sa->icv_len +
		(sa->flags & ESP_SA_NATT ? 8 : 0) +
		(sa->flags & ESP_SA_TUNNEL ? (sa->family == AF_INET ? 20 : 40) : 0);
	if (sa->mtu <= fixed + sa->align + (sa->flags & ESP_SA_TUNNEL ? 0 : l3_len))
		return 0;
	room = sa->mtu - fixed - (sa->flags & ESP_SA_TUNNEL ? 0 : l3_len);
	/* the payload plus its two trailer bytes is padded to align */
	room = RTE_ALIGN_FLOOR(room, sa->align) - 2;
	return (sa->flags & ESP_SA_TUNNEL ? 0 : l3_len) + room;
}

/*
 * Fragments IPv4 packet m into at most max packets of at most mtu bytes,
 * each with m's metadata and a valid header checksum. m is left alone
 * (the fragments hold references to its data). Returns the count or -errno.
 */
int esp_mtu_fragment(struct rte_mbuf *m, struct rte_mbuf **frags, unsigned int max,
		     uint16_t mtu)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	int32_t n, i;

	/* fragment data is a multiple of 8 bytes after a 20..60 byte header */
	if (mtu < 68)
		return -EMSGSIZE;
	n = rte_ipv4_fragment_packet(m, frags, (uint16_t)max, mtu, m->pool, m->pool);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(frags[i], struct rte_ipv4_hdr *);

		*nfv_mbuf_meta(frags[i]) = *meta;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return n;
}

/*
 * Slow path of esp-output for a packet that may not fit sa->mtu: 0 when it
 * fits after all, ESP_MTU_FRAGMENT when the caller fragments it, or the
 * drop reason (the ICMP error already asked for).
 */
int esp_mtu_check(struct nfv_ipsec *ips, const struct esp_sa *sa,
		  struct rte_mbuf *m, unsigned int worker)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t nh_off, max;
	uint8_t proto;
	int l3;

	l3 = esp_l3_parse(p, rte_pktmbuf_data_len(m), meta->family, &proto, &nh_off);
	if (l3 < 0)
		return 0;	/* esp_encap_prepare drops it with its reason */
	max = esp_mtu_inner_max(sa, (uint32_t)l3);
	if (m->pkt_len <= max)
		return 0;
	if ((sa->flags & ESP_SA_TUNNEL) && meta->family == AF_INET &&
	    !(((const struct rte_ipv4_hdr *)p)->fragment_offset &
	      rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) && max >= 68)
		return ESP_MTU_FRAGMENT;
	if (ips->too_big != NULL && max != 0 &&
	    (meta->family == AF_INET6 ||
	     (((const struct rte_ipv4_hdr *)p)->fragment_offset &
	      rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))))
		ips->too_big(ips->too_big_arg, worker, m, max);
	return NFV_DR_ESP_TOO_BIG;
}
