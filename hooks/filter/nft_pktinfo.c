/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet info as nft_set_pktinfo_ipv4/ipv6() compute it (transport offset,
 * layer 4 protocol past IPv6 extension headers, fragment offset): what the
 * expressions read (struct fpkt, nft_pktinfo's part), once per packet.
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

static int pkt_init_ipv4(struct fpkt *p)
{
	struct rte_ipv4_hdr buf;
	const struct rte_ipv4_hdr *ip;
	uint32_t hl, tot;

	ip = rte_pktmbuf_read(p->m, 0, sizeof(*ip), &buf);
	if (ip == NULL || (ip->version_ihl >> 4) != 4)
		return -1;
	hl = (ip->version_ihl & 0xf) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (hl < sizeof(*ip) || tot < hl || tot > p->len)
		return -1;
	p->len = tot;
	p->thoff = hl;
	p->l4proto = ip->next_proto_id;
	p->fragoff = rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK;
	p->has_l4 = true;
	return 0;
}

static int pkt_init_ipv6(struct fpkt *p)
{
	struct rte_ipv6_hdr buf;
	const struct rte_ipv6_hdr *ip;
	uint8_t ext[8];
	const uint8_t *e;
	uint32_t off = sizeof(*ip);
	uint8_t nh;

	ip = rte_pktmbuf_read(p->m, 0, sizeof(*ip), &buf);
	if (ip == NULL || (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return -1;
	if (sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) > p->len)
		return -1;
	p->len = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	nh = ip->proto;
	/*
	 * ipv6_find_hdr() with IP6_FH_F_AUTH, as nft_set_pktinfo_ipv6() calls
	 * it: skip extension headers up to the upper layer, but stop at AH,
	 * which is then the transport header (meta l4proto ah, ah spi).
	 */
	for (unsigned int hops = 0; hops < 8; hops++) {
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT)
			break;
		e = rte_pktmbuf_read(p->m, off, sizeof(ext), ext);
		if (e == NULL)
			return -1;
		if (nh == IPPROTO_FRAGMENT) {
			p->fragoff = ((e[2] << 8) | e[3]) & 0xfff8;
			nh = e[0];
			off += 8;
			if (p->fragoff)
				break;
			continue;
		}
		off += (e[1] + 1) * 8;
		nh = e[0];
	}
	if (off > p->len)
		return -1;
	p->thoff = off;
	p->l4proto = nh;
	p->has_l4 = true;
	return 0;
}

int fpkt_init(struct fpkt *p, struct rte_mbuf *m)
{
	memset(p, 0, sizeof(*p));
	p->m = m;
	p->len = rte_pktmbuf_pkt_len(m);
	if (nfv_mbuf_meta(m)->family == AF_INET6) {
		p->nfproto = NFPROTO_IPV6;
		return pkt_init_ipv6(p);
	}
	p->nfproto = NFPROTO_IPV4;
	return pkt_init_ipv4(p);
}
