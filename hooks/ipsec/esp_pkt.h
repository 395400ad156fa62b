/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to hooks/ipsec: protocol numbers and L3 header helpers. */
#ifndef NFV_ESP_PKT_H
#define NFV_ESP_PKT_H

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "nfv_mbuf.h"

enum esp_proto {
	ESP_IPPROTO_HOPOPTS = 0,
	ESP_IPPROTO_ICMP = 1,
	ESP_IPPROTO_IPIP = 4,
	ESP_IPPROTO_TCP = 6,
	ESP_IPPROTO_UDP = 17,
	ESP_IPPROTO_IPV6 = 41,
	ESP_IPPROTO_ROUTING = 43,
	ESP_IPPROTO_FRAGMENT = 44,
	ESP_IPPROTO_ESP = 50,
	ESP_IPPROTO_ICMPV6 = 58,
	ESP_IPPROTO_NONE = 59,
	ESP_IPPROTO_DSTOPTS = 60,
	ESP_IPPROTO_SCTP = 132,
};

/*
 * Length of the L3 header of a packet up to the first header that is not
 * an IPv6 hop-by-hop, routing or destination option; *proto is its type and
 * *nh_off the offset of the byte that names it. -1 when malformed.
 */
static inline int esp_l3_parse(const uint8_t *p, uint32_t len, uint8_t family,
			       uint8_t *proto, uint32_t *nh_off)
{
	uint32_t off;
	uint8_t nh;

	if (family == AF_INET) {
		if (len < 20 || (p[0] >> 4) != 4 || (p[0] & 15) < 5 ||
		    (uint32_t)(p[0] & 15) * 4 > len)
			return -1;
		*proto = p[9];
		*nh_off = 9;
		return (p[0] & 15) * 4;
	}
	if (len < 40 || (p[0] >> 4) != 6)
		return -1;
	nh = p[6];
	*nh_off = 6;
	off = 40;
	while (nh == ESP_IPPROTO_HOPOPTS || nh == ESP_IPPROTO_ROUTING ||
	       nh == ESP_IPPROTO_DSTOPTS) {
		if (off + 8 > len)
			return -1;
		*nh_off = off;
		nh = p[off];
		off += (p[off + 1] + 1) * 8;
	}
	if (off > len)
		return -1;
	*proto = nh;
	return off;
}

/*
 * A packet that ESP made or unwrapped is a new packet for the pipeline:
 * conntrack must look it up again (Linux resets nfct in XFRM too); the
 * mark stays, as skb->mark does, and so does a trace mark, as the skb and
 * its nf_trace bit go through XFRM in Linux.
 */
static inline void esp_meta_renew(struct nfv_mbuf_meta *meta, uint8_t family,
				  uint8_t flags, uint32_t sa_id)
{
	meta->family = family;
	meta->flags = flags | (meta->flags & NFV_MBUF_F_TRACE);
	meta->sa_index = sa_id;
	meta->ct = NULL;
	meta->ct_info = 0;
	meta->ct_dir = 0;
}

/* L3 starts 2 bytes off alignment after Ethernet: no direct 32-bit access */
static inline void esp_put32(void *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline uint32_t esp_get32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
