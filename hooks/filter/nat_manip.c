/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rewriting packets from their connection's binding, as nf_nat_proto.c:
 * the port (TCP, UDP, UDP-Lite) or the echo id, then the address (of
 * other protocols the address alone: nat_core.c moves no port of theirs;
 * SCTP's CRC32c covers no address), each checksum updated
 * incrementally (RFC 1624): IPv4 header, TCP and UDP with the pseudo
 * header (a UDP checksum of 0 stays 0, one that becomes 0 is written
 * 0xffff), ICMP echo over the id. An ICMP error about a NATed connection
 * gets its quoted header rewritten back and its outer address changed
 * (nf_nat_icmp_reply_translation()), the ICMP checksum summed anew.
 *
 * Headers must lie in the first segment (the dataplane's receive path and
 * reassembly keep them there); otherwise the packet is dropped
 * (nat-mangle-failed).
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nat_priv.h"

void nat_csum_replace(uint8_t *sum, const void *old, const void *new, unsigned int len)
{
	const uint8_t *o = old, *n = new;
	uint16_t w, s;
	uint32_t acc;

	memcpy(&s, sum, 2);
	acc = (uint16_t)~s;
	for (unsigned int k = 0; k < len; k += 2) {
		memcpy(&w, o + k, 2);
		acc += (uint16_t)~w;
		memcpy(&w, n + k, 2);
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	s = ~acc;
	memcpy(sum, &s, 2);
}

/* The layer 4 part, as l4proto_manip_pkt(); iph: the (inner) IP header,
 * l4: its transport header, end: the end of the outer datagram. */
static bool l4_manip(uint8_t *iph, uint8_t *l4, const uint8_t *end,
		     const struct nfv_ct_tuple *target, enum nat_manip manip)
{
	const uint8_t *naddr = manip == NAT_MANIP_SRC ? target->src : target->dst;
	const uint8_t *oaddr = iph + (manip == NAT_MANIP_SRC ? 12 : 16);
	uint16_t nport = manip == NAT_MANIP_SRC ? target->sport : target->dport;
	uint8_t *port = l4 + (manip == NAT_MANIP_SRC ? 0 : 2);
	uint8_t *sum;

	switch (target->proto) {
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (end < l4 + 8)
			return false;
		sum = l4 + 6;
		/* udp_manip_pkt(): no checksum, none written (UDP-Lite has one) */
		if (sum[0] | sum[1] || target->proto == IPPROTO_UDPLITE) {
			nat_csum_replace(sum, oaddr, naddr, 4);
			nat_csum_replace(sum, port, &nport, 2);
			if (!(sum[0] | sum[1]) && target->proto == IPPROTO_UDP)
				sum[0] = sum[1] = 0xff;	/* CSUM_MANGLED_0 */
		}
		memcpy(port, &nport, 2);
		return true;
	case IPPROTO_TCP:
		/* a quoted header may have only its first 8 bytes: the ports
		 * change, the checksum, beyond them, cannot (tcp_manip_pkt()) */
		if (end < l4 + 8)
			return false;
		if (end >= l4 + 20) {
			sum = l4 + 16;
			nat_csum_replace(sum, oaddr, naddr, 4);
			nat_csum_replace(sum, port, &nport, 2);
		}
		memcpy(port, &nport, 2);
		return true;
	case IPPROTO_ICMP:
		if (end < l4 + 8)
			return false;
		switch (l4[0]) {	/* the queries, whose id the tuple holds */
		case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18:
			break;
		default:
			return true;
		}
		nat_csum_replace(l4 + 2, l4 + 4, &target->sport, 2);
		memcpy(l4 + 4, &target->sport, 2);
		return true;
	}
	return true;	/* no port: the address alone */
}

/* nf_nat_ipv4_manip_pkt(): the header at off of m gets target's part */
static bool manip_pkt(struct rte_mbuf *m, uint32_t off, const struct nfv_ct_tuple *target,
		      enum nat_manip manip)
{
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t dlen = rte_pktmbuf_data_len(m), tot, hl;
	uint8_t *iph, *addr;
	const uint8_t *end;

	if (dlen < 20 || off + 20 > dlen)
		return false;
	tot = (uint32_t)base[2] << 8 | base[3];	/* the outer datagram's */
	end = base + RTE_MIN(tot, dlen);
	iph = base + off;
	hl = (iph[0] & 0xf) * 4u;
	if (off + hl > dlen)
		return false;
	/* later fragments are not tracked, so never reach here */
	if (!l4_manip(iph, iph + hl, end, target, manip))
		return false;
	addr = iph + (manip == NAT_MANIP_SRC ? 12 : 16);
	nat_csum_replace(iph + 10, addr, manip == NAT_MANIP_SRC ? target->src : target->dst, 4);
	memcpy(addr, manip == NAT_MANIP_SRC ? target->src : target->dst, 4);
	return true;
}

/* The status bit that says the manip applies to a packet of direction dir. */
static uint32_t nat_bit(uint8_t dir, enum nat_manip manip)
{
	uint32_t bit = manip == NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;

	return dir == IP_CT_DIR_REPLY ? bit ^ IPS_NAT_MASK : bit;
}

bool nat_packet(struct rte_mbuf *m, const struct nfv_ct *ct, uint8_t dir,
		enum nat_manip manip)
{
	struct nfv_ct_tuple target;

	if (!(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & nat_bit(dir, manip)))
		return true;
	/* the packet should look like the reply of the other direction */
	ct_tuple_invert(&ct->tuple[!dir], &target);
	return manip_pkt(m, 0, &target, manip);
}

bool nat_icmp_reply_translation(struct rte_mbuf *m, const struct nfv_ct *ct,
				uint8_t dir, enum nat_manip manip)
{
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t status = __atomic_load_n(&ct->status, __ATOMIC_ACQUIRE);
	uint32_t hl = (base[0] & 0xf) * 4u, tot = (uint32_t)base[2] << 8 | base[3];
	struct nfv_ct_tuple target;
	uint16_t sum;

	if (rte_pktmbuf_data_len(m) < hl + 8 + 20 || tot > rte_pktmbuf_pkt_len(m))
		return false;
	/* a redirect about a NATed connection is dropped, as the kernel does */
	if (base[hl] == 5 &&
	    ((status & IPS_NAT_DONE_MASK) != IPS_NAT_DONE_MASK || status & IPS_NAT_MASK))
		return false;
	if (!(status & nat_bit(dir, manip)))
		return true;
	/* the quoted packet, of the other direction: the other manip */
	if (!manip_pkt(m, hl + 8, &ct->tuple[!dir],
		       manip == NAT_MANIP_SRC ? NAT_MANIP_DST : NAT_MANIP_SRC))
		return false;
	base[hl + 2] = base[hl + 3] = 0;
	if (rte_raw_cksum_mbuf(m, hl, tot - hl, &sum))
		return false;
	sum = (uint16_t)~sum;
	memcpy(base + hl + 2, &sum, 2);
	/* the outer header as the reply to the connection's other direction */
	ct_tuple_invert(&ct->tuple[!dir], &target);
	target.proto = IPPROTO_ICMP;
	return manip_pkt(m, 0, &target, manip);
}
