/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rewriting packets from their connection's binding, as nf_nat_proto.c:
 * the port (TCP, UDP, UDP-Lite) or the echo id, then the address (of
 * other protocols the address alone: nat_core.c moves no port of theirs;
 * SCTP's CRC32c covers no address), each checksum updated
 * incrementally (RFC 1624): IPv4 header, TCP, UDP and ICMPv6 with the
 * pseudo header (a UDP checksum of 0 stays 0 in both families, as the
 * kernel's udp_manip_pkt() leaves it; one that becomes 0 is written
 * 0xffff), ICMP and ICMPv6 echo over the id. IPv6 transport headers are
 * found past extension headers as ipv6_skip_exthdr() finds them. An
 * ICMP(v6) error about a NATed connection gets its quoted header
 * rewritten back and its outer address changed
 * (nf_nat_icmp_reply_translation(), nf_nat_icmpv6_reply_translation()),
 * the ICMP checksum summed anew.
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

static inline uint32_t csum_diff16(const void *old, const void *new)
{
	const uint8_t *o = old, *n = new;

	return csum_diff4(o, n) + csum_diff4(o + 4, n + 4) + csum_diff4(o + 8, n + 8) +
	       csum_diff4(o + 12, n + 12);
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
	case IPPROTO_ICMPV6:
		/* icmpv6_manip_pkt(): the pseudo header always, the id of
		 * an echo */
		if (end < l4 + 8)
			return false;
		if (l4[0] == 128 || l4[0] == 129) {
			addr += csum_diff2(l4 + 4, &nport);
			memcpy(l4 + 4, &nport, 2);
		}
		csum_apply(l4 + 2, addr);
		return true;
	}
	return true;	/* no port: the address alone */
}

/* The end of the outer datagram that starts the first segment. */
static const uint8_t *datagram_end(const struct rte_mbuf *m)
{
	const uint8_t *base = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t dlen = rte_pktmbuf_data_len(m), tot;

	if (dlen < 8)
		return base;
	if (base[0] >> 4 == 6)
		tot = 40 + ((uint32_t)base[4] << 8 | base[5]);
	else
		tot = (uint32_t)base[2] << 8 | base[3];
	return base + RTE_MIN(tot, dlen);
}

/*
 * ipv6_skip_exthdr() on the header ip6 (end: the end of what may be
 * read): the transport header's offset from ip6, or -1 when an extension
 * header is cut short; *frag: the fragment offset field seen, if any.
 */
static int ipv6_skip_ext(const uint8_t *ip6, const uint8_t *end, uint8_t *nh, uint16_t *frag)
{
	const uint8_t *h = ip6 + 40;
	uint8_t next = ip6[6];

	*frag = 0;
	for (unsigned int hops = 0; hops < 16; hops++) {
		uint32_t len;

		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING &&
		    next != IPPROTO_DSTOPTS && next != IPPROTO_AH && next != IPPROTO_FRAGMENT) {
			if (next == IPPROTO_NONE)
				return -1;
			*nh = next;
			return h - ip6;
		}
		if (h + 8 > end)
			return -1;
		if (next == IPPROTO_FRAGMENT) {
			*frag = (uint16_t)(h[2] << 8 | h[3]);
			if (*frag & 0xfff8) {
				*nh = next;	/* a later fragment: no transport header */
				return h - ip6;
			}
			len = 8;
		} else if (next == IPPROTO_AH) {
			len = (h[1] + 2) * 4u;
		} else {
			len = (h[1] + 1) * 8u;
		}
		next = h[0];
		h += len;
	}
	return -1;
}

/*
 * nf_nat_ipv4_manip_pkt(), nf_nat_ipv6_manip_pkt(): the header at off of
 * m gets naddr (16 bytes, an IPv4 one in the first 4) and nport (the echo
 * id for ICMP) as its source (manip SRC) or destination; the transport
 * header proto's port and checksum with it.
 */
static bool manip_pkt(struct rte_mbuf *m, uint32_t off, const uint8_t *naddr,
		      uint16_t nport, uint8_t proto, enum nat_manip manip)
{
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t dlen = rte_pktmbuf_data_len(m), hl, diff;
	const uint8_t *end = datagram_end(m);
	uint8_t *iph = base + off, *addr, nh;
	uint16_t frag;
	int l4;

	if (off + 20 > dlen)
		return false;
	if (iph[0] >> 4 == 6) {
		if (off + 40 > dlen)
			return false;
		addr = iph + (manip == NAT_MANIP_SRC ? 8 : 24);
		diff = csum_diff16(addr, naddr);
		/* no transport header found, or a later fragment: the
		 * address alone, as the kernel */
		l4 = ipv6_skip_ext(iph, end, &nh, &frag);
		if (l4 >= 0 && !(frag & 0xfff8) &&
		    !l4_manip(iph + l4, end, diff, nport, proto, manip))
			return false;
		memcpy(addr, naddr, 16);
		return true;
	}
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
	bool icmp = t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6;

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

/*
 * The ICMP (ICMPv6) header's offset in the datagram that starts m and
 * the message's length; false when it is no ICMP message of the family.
 */
static bool icmp_header(struct rte_mbuf *m, uint32_t *hl, uint32_t *len)
{
	const uint8_t *base = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *end = datagram_end(m);
	uint16_t frag;
	uint8_t nh;
	int off;

	if (base[0] >> 4 == 6) {
		if (end < base + 40)
			return false;
		off = ipv6_skip_ext(base, end, &nh, &frag);
		if (off < 0 || nh != IPPROTO_ICMPV6)
			return false;
		*hl = off;
		*len = 40 + ((uint32_t)base[4] << 8 | base[5]);
	} else {
		*hl = (base[0] & 0xf) * 4u;
		*len = (uint32_t)base[2] << 8 | base[3];
	}
	if (*len < *hl || *len > rte_pktmbuf_pkt_len(m))
		return false;
	*len -= *hl;
	return true;
}

/* The ICMP checksum of the message at hl, len bytes, summed anew (with
 * ICMPv6's pseudo header); false when m cannot be read. */
static bool icmp_csum(struct rte_mbuf *m, uint32_t hl, uint32_t len)
{
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t sum;
	uint32_t acc;

	base[hl + 2] = base[hl + 3] = 0;
	if (rte_raw_cksum_mbuf(m, hl, len, &sum))
		return false;
	acc = sum;
	if (base[0] >> 4 == 6) {
		/* addresses, upper-layer length, next header (RFC 8200 8.1) */
		uint32_t ph[2] = { rte_cpu_to_be_32(len), rte_cpu_to_be_32(IPPROTO_ICMPV6) };

		acc += rte_raw_cksum(base + 8, 32) + rte_raw_cksum(ph, sizeof(ph));
	}
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	/* words summed as read, so the sum is stored as it is (RFC 1071) */
	sum = (uint16_t)~acc;
	memcpy(base + hl + 2, &sum, 2);
	return true;
}

bool nat_is_icmp(struct rte_mbuf *m)
{
	uint32_t hl, len;

	if (rte_pktmbuf_data_len(m) < 20)
		return false;
	if (rte_pktmbuf_mtod(m, const uint8_t *)[0] >> 4 != 6)
		return rte_pktmbuf_mtod(m, const uint8_t *)[9] == IPPROTO_ICMP;
	return icmp_header(m, &hl, &len);
}

bool nat_icmp_reply_translation(struct rte_mbuf *m, const struct nfv_ct *ct,
				uint8_t dir, enum nat_manip manip)
{
	const struct nfv_ct_tuple *other = &ct->tuple[!dir];
	enum nat_manip inner = manip == NAT_MANIP_SRC ? NAT_MANIP_DST : NAT_MANIP_SRC;
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t status = __atomic_load_n(&ct->status, __ATOMIC_ACQUIRE);
	bool v6 = base[0] >> 4 == 6;
	const uint8_t *addr;
	uint32_t hl, len;
	uint16_t port;

	if (rte_pktmbuf_data_len(m) < 20 || !icmp_header(m, &hl, &len) ||
	    rte_pktmbuf_data_len(m) < hl + 8 + (v6 ? 40 : 20))
		return false;
	/* a redirect about a NATed connection is dropped, as the kernel does */
	if (base[hl] == (v6 ? 137 : 5) &&
	    ((status & IPS_NAT_DONE_MASK) != IPS_NAT_DONE_MASK || status & IPS_NAT_MASK))
		return false;
	if (!(status & nat_bit(dir, manip)))
		return true;
	/* the quoted packet, of the other direction: the other manip */
	tuple_part(other, false, inner, &addr, &port);
	if (!manip_pkt(m, hl + 8, addr, port, other->proto, inner) || !icmp_csum(m, hl, len))
		return false;
	/* the outer header as the reply to the connection's other direction
	 * (an ICMP error: its address alone changes, and with it ICMPv6's
	 * pseudo header) */
	tuple_part(other, true, manip, &addr, &port);
	return manip_pkt(m, 0, addr, port, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, manip);
}
