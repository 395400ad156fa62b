/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 off the fast path: jumbograms, chained headers, extension headers. */
#include <errno.h>
#include <netinet/in.h>

#include "nfv_ip6.h"

#define NFV_IP6_OPT_JUMBO	0xc2
#define NFV_IP6_EXT_MAX		8

/*
 * RFC 2675: payload length 0 with a Jumbo Payload option in a hop-by-hop
 * header, at its 4n+2 aligned place right after the header's first two
 * bytes, carrying a length above 65535. Returns that length or 0.
 */
static uint32_t ip6_jumbo_len(const struct rte_mbuf *m)
{
	uint8_t tmp[8];
	const uint8_t *h;
	uint32_t jlen;

	h = rte_pktmbuf_read(m, NFV_IP6_HDR_LEN, sizeof(tmp), tmp);
	if (h == NULL || h[2] != NFV_IP6_OPT_JUMBO || h[3] != 4)
		return 0;
	jlen = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
	       (uint32_t)h[6] << 8 | h[7];
	return jlen > UINT16_MAX ? jlen : 0;
}

int nfv_ip6_check_slow(struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip6;
	uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
	uint32_t len;

	if (nfv_pkt_pull(m, sizeof(*ip6)) != 0)
		return NFV_DR_IP6_SHORT;
	ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	if ((*(const uint8_t *)&ip6->vtc_flow >> 4) != 6)
		return NFV_DR_IP6_VERSION;
	len = rte_be_to_cpu_16(ip6->payload_len);
	if (len == 0) {
		/* an empty packet is valid (RFC 8200 4.7), a jumbogram too */
		if (ip6->proto == IPPROTO_HOPOPTS)
			len = ip6_jumbo_len(m);
		if (len == 0 && ip6->proto != IPPROTO_NONE)
			return NFV_DR_IP6_PAYLOAD_LEN;
	}
	len += sizeof(*ip6);
	if (len > pkt_len)
		return NFV_DR_IP6_PAYLOAD_LEN;
	if (nfv_ip6_is_mcast(ip6->src_addr) || nfv_ip6_is_loopback(ip6->src_addr))
		return NFV_DR_IP6_SRC;
	if (len < pkt_len && nfv_pkt_trim(m, len) != 0)
		return NFV_DR_IP6_PAYLOAD_LEN;
	return 0;
}

int nfv_ip6_upper(const struct rte_mbuf *m, struct nfv_ip6_upper *up)
{
	const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	uint32_t off = sizeof(*ip6);
	uint8_t proto = ip6->proto;
	const uint8_t *h;
	uint8_t tmp[4];
	unsigned int n;

	up->later_fragment = false;
	for (n = 0; n <= NFV_IP6_EXT_MAX; n++) {
		switch (proto) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_AH:
		case IPPROTO_FRAGMENT:
			break;
		default:
			if (off > rte_pktmbuf_pkt_len(m))
				return -EINVAL;
			up->off = off;
			up->proto = proto;
			return 0;
		}
		h = rte_pktmbuf_read(m, off, sizeof(tmp), tmp);
		if (h == NULL)
			return -EINVAL;
		if (proto == IPPROTO_FRAGMENT) {
			if ((h[2] << 8 | h[3]) & RTE_IPV6_EHDR_FO_MASK)
				up->later_fragment = true;
			off += RTE_IPV6_FRAG_HDR_SIZE;
		} else if (proto == IPPROTO_AH) {
			off += (h[1] + 2) * 4;
		} else {
			off += (h[1] + 1) * 8;
		}
		proto = h[0];
		if (up->later_fragment) {
			up->off = off;
			up->proto = proto;
			return off <= rte_pktmbuf_pkt_len(m) ? 0 : -EINVAL;
		}
	}
	return -EINVAL;
}
