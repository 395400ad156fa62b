/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tuples from packets, as nf_ct_get_tuple() builds them: addresses, ports
 * (TCP, UDP), echo id and type/code (ICMP, ICMPv6), nothing else for other
 * protocols; and their inversion (nf_ct_invert_tuple()).
 */
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "ct_priv.h"

static bool icmp4_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static bool icmp6_error(uint8_t type)
{
	return type >= 1 && type <= 4;
}

/*
 * Neighbour discovery and MLD: nf_conntrack_icmpv6_error() leaves them
 * untracked (noct_valid_new[]): MLD query, report, done (130-132), router
 * and neighbour solicitation and advertisement (133-136), MLDv2 report (143).
 */
static bool icmp6_untracked(uint8_t type)
{
	return (type >= 130 && type <= 136) || type == 143;
}

/* echo and the other query types that nf_conntrack_proto_icmp(v6) tracks */
static int icmp_inverse(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP) {
		switch (type) {
		case 8: return 0;
		case 0: return 8;
		case 13: return 14;
		case 14: return 13;
		case 15: return 16;
		case 16: return 15;
		case 17: return 18;
		case 18: return 17;
		}
		return -1;
	}
	switch (type) {
	case 128: return 129;
	case 129: return 128;
	case 139: return 140;
	case 140: return 139;
	}
	return -1;
}

bool ct_icmp_is_request(const struct nfv_ct_tuple *t)
{
	uint8_t type = t->dport >> 8;

	if (t->proto == IPPROTO_ICMP)
		return type == 8 || type == 13 || type == 15 || type == 17;
	return type == 128 || type == 139;
}

static int parse_l3(struct rte_mbuf *m, uint32_t off, uint8_t family,
		    struct nfv_ct_tuple *t, struct ct_l4 *l4)
{
	uint8_t buf[40];
	const uint8_t *h;
	uint8_t nh, ext[8];
	const uint8_t *e;
	uint32_t hl;

	if (family == AF_INET) {
		h = rte_pktmbuf_read(m, off, 20, buf);
		if (h == NULL || (h[0] >> 4) != 4 || (h[0] & 0xf) < 5)
			return -1;
		hl = (h[0] & 0xf) * 4;
		memcpy(t->src, h + 12, 4);
		memcpy(t->dst, h + 16, 4);
		t->proto = h[9];
		l4->fragoff = ((h[6] << 8) | h[7]) & RTE_IPV4_HDR_OFFSET_MASK;
		l4->thoff = off + hl;
		l4->l3len = (h[2] << 8) | h[3];
		return l4->l3len < hl ? -1 : 0;
	}
	h = rte_pktmbuf_read(m, off, 40, buf);
	if (h == NULL || (h[0] >> 4) != 6)
		return -1;
	memcpy(t->src, h + 8, 16);
	memcpy(t->dst, h + 24, 16);
	l4->l3len = 40 + ((h[4] << 8) | h[5]);
	nh = h[6];
	hl = 40;
	for (unsigned int hops = 0; hops < 8; hops++) {
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT)
			break;
		e = rte_pktmbuf_read(m, off + hl, 8, ext);
		if (e == NULL)
			return -1;
		if (nh == IPPROTO_FRAGMENT)
			l4->fragoff = ((e[2] << 8) | e[3]) & 0xfff8;
		hl += nh == IPPROTO_FRAGMENT ? 8 : (e[1] + 1) * 8;
		nh = e[0];
	}
	t->proto = nh;
	l4->thoff = off + hl;
	return 0;
}

int ct_tuple_parse(struct rte_mbuf *m, uint32_t off, uint8_t family,
		   struct nfv_ct_tuple *t, struct ct_l4 *l4)
{
	uint8_t buf[8];
	const uint8_t *p;

	memset(t, 0, sizeof(*t));
	memset(l4, 0, sizeof(*l4));
	t->family = family;
	if (parse_l3(m, off, family, t, l4))
		return -1;
	l4->proto = t->proto;
	if (l4->fragoff)
		return -1;	/* no defragmentation: later fragments are untracked */
	switch (t->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		p = rte_pktmbuf_read(m, l4->thoff, 4, buf);
		if (p == NULL)
			return -1;
		memcpy(&t->sport, p, 2);
		memcpy(&t->dport, p + 2, 2);
		return 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		p = rte_pktmbuf_read(m, l4->thoff, 8, buf);
		if (p == NULL)
			return -1;
		l4->icmp_type = p[0];
		l4->icmp_code = p[1];
		l4->icmp_error = t->proto == IPPROTO_ICMP ? icmp4_error(p[0]) :
				 icmp6_error(p[0]);
		l4->untracked = t->proto == IPPROTO_ICMPV6 && icmp6_untracked(p[0]);
		memcpy(&t->sport, p + 4, 2);	/* echo id */
		t->dport = p[0] << 8 | p[1];
		return 0;
	}
	return 0;
}

void ct_tuple_invert(const struct nfv_ct_tuple *in, struct nfv_ct_tuple *out)
{
	int type;

	*out = *in;
	memcpy(out->src, in->dst, 16);
	memcpy(out->dst, in->src, 16);
	if (in->proto == IPPROTO_ICMP || in->proto == IPPROTO_ICMPV6) {
		type = icmp_inverse(in->proto, in->dport >> 8);
		out->dport = (type < 0 ? 0xff : type) << 8 | (in->dport & 0xff);
		return;
	}
	out->sport = in->dport;
	out->dport = in->sport;
}

/*
 * rte_raw_cksum() 4 bytes a step: a 32-bit word is its two 16-bit words
 * modulo 0xffff, in either byte order, so the folded sums are the same.
 */
static uint16_t raw_sum(const uint8_t *p, uint32_t len)
{
	uint64_t sum = 0;
	uint32_t w;
	uint16_t h;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len != 0) {
		h = 0;
		memcpy(&h, p, 1);	/* as rte_raw_cksum() adds an odd byte */
		sum += h;
	}
	sum = (sum >> 32) + (sum & UINT32_MAX);
	sum = (sum >> 32) + (sum & UINT32_MAX);
	return __rte_raw_cksum_reduce((uint32_t)sum);
}

/*
 * The raw one's complement sum of the pseudo header (none for ICMP), from
 * the tuple's addresses in place: the sum of 16-bit words in memory
 * order, as rte_raw_cksum() adds them, so the protocol and length words
 * are big-endian; IPv6's 32-bit length is two words.
 */
static uint32_t pseudo_sum(const struct nfv_ct_tuple *t, uint8_t proto, uint32_t len)
{
	uint32_t sum = rte_cpu_to_be_16(proto) + rte_cpu_to_be_16(len & 0xffff);
	uint32_t a, b;

	if (t->family == AF_INET) {
		memcpy(&a, t->src, 4);
		memcpy(&b, t->dst, 4);
		return sum + (a & 0xffff) + (a >> 16) + (b & 0xffff) + (b >> 16);
	}
	_Static_assert(offsetof(struct nfv_ct_tuple, src) == 0 &&
		       offsetof(struct nfv_ct_tuple, dst) == 16, "the addresses, in a row");
	return sum + rte_cpu_to_be_16(len >> 16) + raw_sum((const uint8_t *)t, 32);
}

/* nf_checksum(_partial)(): the sum over cov bytes of the len of layer 4 */
static bool l4_csum_bad(struct rte_mbuf *m, const struct nfv_ct_tuple *t,
			const struct ct_l4 *l4, uint32_t len, uint32_t cov, uint8_t proto)
{
	uint16_t data;
	uint32_t sum = 0;

	if (t->proto != IPPROTO_ICMP)
		sum = pseudo_sum(t, proto, len);
	/* in the first segment, as a frame of this size always is */
	if (likely(l4->thoff + cov <= rte_pktmbuf_data_len(m)))
		data = raw_sum(rte_pktmbuf_mtod_offset(m, const uint8_t *, l4->thoff), cov);
	else if (rte_raw_cksum_mbuf(m, l4->thoff, cov, &data))
		return true;
	return __rte_raw_cksum_reduce(sum + data) != 0xffff;
}

/*
 * CRC32c of a buffer at any alignment: rte_hash_crc() loads 8 bytes
 * through a uint64_t pointer, which an SCTP header 2 bytes off behind
 * Ethernet makes misaligned (UBSan).
 */
static uint32_t crc32c_unaligned(const uint8_t *p, uint32_t n, uint32_t crc)
{
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		crc = rte_hash_crc_8byte(w, crc);
	}
	for (; n > 0; p++, n--)
		crc = rte_hash_crc_1byte(*p, crc);
	return crc;
}

/* SCTP's CRC32c (sctp_compute_cksum()), the checksum field read as zero */
static bool sctp_crc_bad(struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	static const uint8_t zero[4];
	uint8_t h[12], buf[256];
	const uint8_t *p;
	uint32_t crc, want, n;

	p = rte_pktmbuf_read(m, off, 12, h);
	if (p == NULL)
		return true;
	memcpy(&want, p + 8, 4);
	crc = crc32c_unaligned(p, 8, 0xffffffff);
	crc = crc32c_unaligned(zero, 4, crc);
	for (uint32_t o = 12; o < len; o += n) {
		n = RTE_MIN(len - o, (uint32_t)sizeof(buf));
		p = rte_pktmbuf_read(m, off + o, n, buf);
		if (p == NULL)
			return true;
		crc = crc32c_unaligned(p, n, crc);
	}
	return rte_cpu_to_le_32(~crc) != want;
}

/*
 * The protocol trackers' error callbacks (udp_error(), udplite_error(),
 * tcp_error(), icmp_error(), icmpv6_error(), sctp_error()): malformed
 * headers always, checksums at PRE_ROUTING only (nf_conntrack_checksum,
 * 1 by default), and not when the port verified them
 * (CHECKSUM_UNNECESSARY). true: the packet is INVALID.
 */
bool ct_l4_error(struct rte_mbuf *m, const struct nfv_ct_tuple *t,
		 const struct ct_l4 *l4, bool pre_routing)
{
	uint64_t hw = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t len = l4->l3len > l4->thoff ? l4->l3len - l4->thoff : 0;
	uint8_t buf[16];
	const uint8_t *h;
	uint32_t ulen;

	if (hw == RTE_MBUF_F_RX_L4_CKSUM_GOOD || hw == RTE_MBUF_F_RX_L4_CKSUM_NONE)
		pre_routing = false;
	switch (t->proto) {
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		h = rte_pktmbuf_read(m, l4->thoff, 8, buf);
		if (h == NULL || len < 8)
			return true;
		ulen = (uint32_t)h[4] << 8 | h[5];
		if (t->proto == IPPROTO_UDPLITE) {
			/* the length field is the checksum coverage; 0: all */
			if (ulen == 0)
				ulen = len;
			else if (ulen < 8 || ulen > len)
				return true;
			if (h[6] == 0 && h[7] == 0)
				return true;	/* UDP-Lite mandates checksums */
			/*
			 * udplite_error() calls nf_checksum_partial() with
			 * IPPROTO_UDP: the kernel (6.18, measured by
			 * tests/interop/nft/dp/11-ct-l4) finds a checksum made
			 * with UDP-Lite's pseudo header (RFC 3828) bad, full or
			 * partial coverage; followed here.
			 */
			return pre_routing && l4_csum_bad(m, t, l4, len, ulen, IPPROTO_UDP);
		}
		if (ulen > len || ulen < 8)
			return true;
		if (h[6] == 0 && h[7] == 0)
			return false;	/* no checksum */
		return pre_routing && l4_csum_bad(m, t, l4, len, len, t->proto);
	case IPPROTO_TCP:
		h = rte_pktmbuf_read(m, l4->thoff, 13, buf);
		if (h == NULL || (h[12] >> 4) * 4u < 20 || len < (h[12] >> 4) * 4u)
			return true;
		return pre_routing && l4_csum_bad(m, t, l4, len, len, t->proto);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return pre_routing && l4_csum_bad(m, t, l4, len, len, t->proto);
	case IPPROTO_SCTP:
		if (len < 12)
			return true;
		return pre_routing && sctp_crc_bad(m, l4->thoff, len);
	}
	return false;
}
