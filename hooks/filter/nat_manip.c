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

/*
 * RFC 1624 (eqn. 3), HC' = ~(~HC + ~m + m'), in 16-bit words read in host
 * order (the sum is byte-order independent, RFC 1071): the difference of
 * a change, unfolded, then applied to a checksum field.
 */
static inline uint32_t csum_diff4(const void *old, const void *new)
{
	uint32_t o, n;

	memcpy(&o, old, 4);
	memcpy(&n, new, 4);
	o = ~o;
	return (o & 0xffff) + (o >> 16) + (n & 0xffff) + (n >> 16);
}

static inline uint32_t csum_diff2(const void *old, const void *new)
{
	uint16_t o, n;

	memcpy(&o, old, 2);
	memcpy(&n, new, 2);
	return (uint16_t)~o + (uint32_t)n;
}

static inline void csum_apply(uint8_t *sum, uint32_t diff)
{
	uint16_t s;
	uint32_t acc;

	memcpy(&s, sum, 2);
	acc = (uint16_t)~s + diff;
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	s = ~acc;
	memcpy(sum, &s, 2);
}

void nat_csum_replace(uint8_t *sum, const void *old, const void *new, unsigned int len)
{
	const uint8_t *o = old, *n = new;
	uint32_t diff = 0;

	unsigned int k = 0;

	for (; k + 4 <= len; k += 4)
		diff += csum_diff4(o + k, n + k);
	for (; k < len; k += 2)
		diff += csum_diff2(o + k, n + k);
	csum_apply(sum, diff);
}

/* The layer 4 part, as l4proto_manip_pkt(); l4: the (quoted) transport
 * header, end: the end of the outer datagram; addr: the difference the
 * address change makes to a sum (TCP's and UDP's pseudo header). */
static bool l4_manip(uint8_t *l4, const uint8_t *end, uint32_t addr, uint16_t nport,
		     uint8_t proto, enum nat_manip manip)
{
	uint8_t *port = l4 + (manip == NAT_MANIP_SRC ? 0 : 2);
	uint8_t *sum;

	switch (proto) {
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (end < l4 + 8)
			return false;
		sum = l4 + 6;
		/* udp_manip_pkt(): no checksum, none written (UDP-Lite has one) */
		if (sum[0] | sum[1] || proto == IPPROTO_UDPLITE) {
			csum_apply(sum, addr + csum_diff2(port, &nport));
			if (!(sum[0] | sum[1]) && proto == IPPROTO_UDP)
				sum[0] = sum[1] = 0xff;	/* CSUM_MANGLED_0 */
		}
		memcpy(port, &nport, 2);
		return true;
	case IPPROTO_TCP:
		/* a quoted header may have only its first 8 bytes: the ports
		 * change, the checksum, beyond them, cannot (tcp_manip_pkt()) */
		if (end < l4 + 8)
			return false;
		if (end >= l4 + 20)
			csum_apply(l4 + 16, addr + csum_diff2(port, &nport));
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
		csum_apply(l4 + 2, csum_diff2(l4 + 4, &nport));
		memcpy(l4 + 4, &nport, 2);
		return true;
	}
	return true;	/* no port: the address alone */
}

/*
 * nf_nat_ipv4_manip_pkt(): the header at off of m gets naddr and nport
 * (the echo id for ICMP) as its source (manip SRC) or destination.
 */
static bool manip_pkt(struct rte_mbuf *m, uint32_t off, const uint8_t *naddr,
		      uint16_t nport, uint8_t proto, enum nat_manip manip)
{
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t dlen = rte_pktmbuf_data_len(m), tot, hl, diff;
	uint8_t *iph, *addr;
	const uint8_t *end;

	if (off + 20 > dlen)
		return false;
	tot = (uint32_t)base[2] << 8 | base[3];	/* the outer datagram's */
	end = base + RTE_MIN(tot, dlen);
	iph = base + off;
	hl = (iph[0] & 0xf) * 4u;
	if (off + hl > dlen)
		return false;
	addr = iph + (manip == NAT_MANIP_SRC ? 12 : 16);
	diff = csum_diff4(addr, naddr);
	/* later fragments are not tracked, so never reach here */
	if (!l4_manip(iph + hl, end, diff, nport, proto, manip))
		return false;
	csum_apply(iph + 10, diff);
	memcpy(addr, naddr, 4);
	return true;
}

/*
 * The address and port (echo id) that a manip takes from tuple t, or
 * from the tuple t is the reply of (inv): nf_ct_invert_tuple() without
 * the copy.
 */
static void tuple_part(const struct nfv_ct_tuple *t, bool inv, enum nat_manip manip,
		       const uint8_t **addr, uint16_t *port)
{
	bool icmp = t->proto == IPPROTO_ICMP;

	if ((manip == NAT_MANIP_SRC) != inv) {
		*addr = t->src;
		*port = t->sport;
	} else {
		*addr = t->dst;
		*port = icmp ? t->sport : t->dport;	/* the id is both ways */
	}
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
	const struct nfv_ct_tuple *other = &ct->tuple[!dir];
	const uint8_t *addr;
	uint16_t port;

	if (!(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & nat_bit(dir, manip)))
		return true;
	/* the packet should look like the reply of the other direction */
	tuple_part(other, true, manip, &addr, &port);
	return manip_pkt(m, 0, addr, port, other->proto, manip);
}

bool nat_icmp_reply_translation(struct rte_mbuf *m, const struct nfv_ct *ct,
				uint8_t dir, enum nat_manip manip)
{
	const struct nfv_ct_tuple *other = &ct->tuple[!dir];
	enum nat_manip inner = manip == NAT_MANIP_SRC ? NAT_MANIP_DST : NAT_MANIP_SRC;
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t status = __atomic_load_n(&ct->status, __ATOMIC_ACQUIRE);
	uint32_t hl = (base[0] & 0xf) * 4u, tot = (uint32_t)base[2] << 8 | base[3];
	const uint8_t *addr;
	uint16_t sum, port;

	if (rte_pktmbuf_data_len(m) < hl + 8 + 20 || tot > rte_pktmbuf_pkt_len(m))
		return false;
	/* a redirect about a NATed connection is dropped, as the kernel does */
	if (base[hl] == 5 &&
	    ((status & IPS_NAT_DONE_MASK) != IPS_NAT_DONE_MASK || status & IPS_NAT_MASK))
		return false;
	if (!(status & nat_bit(dir, manip)))
		return true;
	/* the quoted packet, of the other direction: the other manip */
	tuple_part(other, false, inner, &addr, &port);
	if (!manip_pkt(m, hl + 8, addr, port, other->proto, inner))
		return false;
	base[hl + 2] = base[hl + 3] = 0;
	if (rte_raw_cksum_mbuf(m, hl, tot - hl, &sum))
		return false;
	sum = (uint16_t)~sum;
	memcpy(base + hl + 2, &sum, 2);
	/* the outer header as the reply to the connection's other direction
	 * (an ICMP error: its address alone changes) */
	tuple_part(other, true, manip, &addr, &port);
	return manip_pkt(m, 0, addr, port, IPPROTO_ICMP, manip);
}
