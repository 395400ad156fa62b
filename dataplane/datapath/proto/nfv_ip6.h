/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 header validation (RFC 8200) and the forwarding hop-limit update.
 * The packet starts at the IPv6 header. The common case is inline; jumbo
 * payloads, chained headers and extension header walks are in nfv_ip6.c.
 */
#ifndef NFV_IP6_H
#define NFV_IP6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nfv_drop.h"
#include "nfv_pkt.h"

#define NFV_IP6_HDR_LEN 40	/* sizeof(struct rte_ipv6_hdr) */

static inline bool nfv_ip6_is_mcast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool nfv_ip6_is_unspec(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static inline bool nfv_ip6_is_loopback(const uint8_t a[16])
{
	static const uint8_t lo[16] = { [15] = 1 };

	return memcmp(a, lo, 16) == 0;
}

int nfv_ip6_check_slow(struct rte_mbuf *m);

/*
 * Returns 0 or the NFV_DR_* reason to drop m: length, version, payload
 * length (0 only with a jumbo option, RFC 2675, or no next header) and
 * source (not multicast, RFC 8200 / 4291 2.7, and not ::1 off the wire,
 * RFC 4291 2.5.3). Trims link-layer padding after the payload.
 */
static inline int nfv_ip6_check(struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip6;
	uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
	uint32_t len;

	if (unlikely(pkt_len < sizeof(*ip6)))
		return NFV_DR_IP6_SHORT;
	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*ip6)))
		return nfv_ip6_check_slow(m);
	ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	if (unlikely((*(const uint8_t *)&ip6->vtc_flow >> 4) != 6))
		return NFV_DR_IP6_VERSION;
	len = rte_be_to_cpu_16(ip6->payload_len);
	if (unlikely(len == 0))
		return nfv_ip6_check_slow(m);
	len += sizeof(*ip6);
	if (unlikely(len > pkt_len))
		return NFV_DR_IP6_PAYLOAD_LEN;
	if (unlikely(nfv_ip6_is_mcast(ip6->src_addr) ||
		     nfv_ip6_is_loopback(ip6->src_addr)))
		return NFV_DR_IP6_SRC;
	if (len < pkt_len)
		nfv_pkt_trim(m, len);
	return 0;
}

/*
 * Before forwarding a checked packet: drops it when the hop limit would
 * expire (the caller sends ICMPv6 time exceeded), else decrements it.
 * Returns 0 or NFV_DR_IP6_HOP_LIMIT.
 */
static inline int nfv_ip6_forward_prepare(struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);

	if (unlikely(ip6->hop_limits <= 1))
		return NFV_DR_IP6_HOP_LIMIT;
	ip6->hop_limits--;
	return 0;
}

/* Where the extension header chain of a packet ends. */
struct nfv_ip6_upper {
	uint32_t off;		/* offset of the upper-layer header */
	uint8_t proto;		/* its protocol; IPPROTO_NONE when none */
	bool later_fragment;	/* a fragment with offset != 0: no upper header */
};

/*
 * Walks the extension headers of a checked packet (hop-by-hop, routing,
 * destination options, fragment, AH). Returns 0 or -EINVAL when the chain
 * runs past the packet or is longer than 8 headers.
 */
int nfv_ip6_upper(const struct rte_mbuf *m, struct nfv_ip6_upper *up);

#endif
