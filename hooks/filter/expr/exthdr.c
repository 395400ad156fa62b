/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exthdr, as the kernel's nft_exthdr.c:
 *
 * TCP options (nft_exthdr_tcp_eval(), nft_exthdr_tcp_set_eval()):
 *   read   the option's bytes at an offset into a register ("tcp option
 *          maxseg size"), or 1/0 for "exists"/"missing"; no such option
 *          (or a later fragment, or no TCP) does not match
 *   write  2 or 4 bytes of the option from a register ("tcp option maxseg
 *          size set 1360", "... set rt mtu"), the TCP checksum updated
 *          incrementally; an MSS is only ever lowered (a larger one can
 *          stall the connection, as the kernel says)
 *
 * The options are walked as the kernel's optlen() walks them: an end or a
 * no-op, or a length of 0, counts one byte. A write goes wherever the
 * bytes are, across the segments of a chained mbuf (a reassembled packet,
 * a frame a PMD scattered) as the kernel's skb_ensure_writable() makes
 * them writable: the clamp never depends on how the packet is cut.
 *
 * IPv6 extension headers ("frag id", "srh tag", "exthdr mh exists";
 * nft_exthdr_ipv6_eval()): the header found as ipv6_find_hdr() finds it
 * (exthdr_ip6_find()); IPv4 options ("ip option rr exists"; only rr, lsrr,
 * ssrr and ra, as nft_exthdr_ipv4_init() allows): where the kernel's
 * __ip_options_compile() puts them, none at all when it finds the options
 * malformed (exthdr_ip4_parse()); SCTP chunks ("sctp chunk init exists";
 * nft_exthdr_sctp_eval()): the first chunk of the type. Read and
 * exists/missing only, as the kernel; DCCP options are refused by name.
 * "exists" on a packet of the other family does not match (the kernel
 * breaks before it looks: skb->protocol).
 *
 *   EXTHDR_TCP      a: option type, b: offset, len, c: 1 for "exists", dreg
 *   EXTHDR_TCP_SET  a: option type, b: offset, len (2 or 4), sreg
 *   EXTHDR_IP6, EXTHDR_IP4, EXTHDR_SCTP
 *                   a: header / option / chunk type, b: offset, len,
 *                   c: 1 for "exists", dreg
 */
FEXPR(exthdr, FOP(EXTHDR_TCP, exthdr_tcp_eval) FOP(EXTHDR_TCP_SET, exthdr_tcp_set_eval)
	      FOP(EXTHDR_IP6, exthdr_ip6_eval) FOP(EXTHDR_IP4, exthdr_ip4_eval)
	      FOP(EXTHDR_SCTP, exthdr_sctp_eval))
#ifdef FEXPR_CODE
#include <netinet/in.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "filter_prog.h"

#define TCPOPT_EOL_ 0
#define TCPOPT_NOP_ 1
#define TCPOPT_MSS_ 2

#define IPOPT_END_ 0
#define IPOPT_NOOP_ 1
#define IPOPT_RR_ 7
#define IPOPT_TS_ 68
#define IPOPT_LSRR_ 131
#define IPOPT_CIPSO_ 134
#define IPOPT_SSRR_ 137
#define IPOPT_RA_ 148

static int exthdr_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP);
	uint32_t type = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);	/* a u8 in libnftnl */
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN);
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_FLAGS);
	bool set = nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_SREG);
	struct finsn *i;
	uint8_t fop;

	switch (op) {
	case NFT_EXTHDR_OP_TCPOPT:
		fop = set ? FOP_EXTHDR_TCP_SET : FOP_EXTHDR_TCP;
		break;
	case NFT_EXTHDR_OP_IPV6:
		fop = FOP_EXTHDR_IP6;
		break;
	case NFT_EXTHDR_OP_IPV4:
		/* nft_exthdr_ipv4_init(): the options the kernel finds */
		if (type != IPOPT_SSRR_ && type != IPOPT_LSRR_ && type != IPOPT_RR_ &&
		    type != IPOPT_RA_)
			return fc_error(c, -EOPNOTSUPP,
					"expression 'exthdr': IPv4 option %u not supported (the kernel finds rr, lsrr, ssrr, ra)",
					type);
		fop = FOP_EXTHDR_IP4;
		break;
	case NFT_EXTHDR_OP_SCTP:
		fop = FOP_EXTHDR_SCTP;
		break;
	case NFT_EXTHDR_OP_DCCP:
		return fc_error(c, -EOPNOTSUPP, "expression 'exthdr': DCCP options are not supported");
	default:
		return fc_error(c, -EOPNOTSUPP, "expression 'exthdr' op %u not supported", op);
	}
	if (set && op != NFT_EXTHDR_OP_TCPOPT)
		return fc_error(c, -EOPNOTSUPP,
				"expression 'exthdr': writes are supported for TCP options only");
	if (type > UINT8_MAX || off > UINT8_MAX || len == 0 || len > UINT8_MAX ||
	    (flags & ~(uint32_t)NFT_EXTHDR_F_PRESENT) ||
	    (set && (flags || (len != 2 && len != 4))))
		return fc_error(c, -EINVAL, "expression 'exthdr' malformed");
	i = fc_emit(c, fop);
	if (i == NULL)
		return -ENOMEM;
	i->a = (uint8_t)type;
	i->b = (uint8_t)off;
	i->len = (uint8_t)len;
	i->c = flags & NFT_EXTHDR_F_PRESENT ? 1 : 0;
	if (set)
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_SREG), len,
				    &i->sreg);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_DREG),
			    i->c ? 1 : len, &i->dreg);
}

/*
 * The TCP header with its options (buf: room for 60 bytes) and its length,
 * as nft_tcp_header_pointer(); NULL when there is none to read.
 */
static inline const uint8_t *exthdr_tcp_header(const struct fpkt *p, uint8_t *buf,
					       uint32_t *hlen)
{
	const uint8_t *th;
	uint8_t b[20];

	if (!p->has_l4 || p->l4proto != IPPROTO_TCP || p->fragoff)
		return NULL;
	th = rte_pktmbuf_read(p->m, p->thoff, sizeof(b), b);
	if (th == NULL)
		return NULL;
	*hlen = (uint32_t)(th[12] >> 4) * 4;
	if (*hlen < 20 || p->thoff + *hlen > p->len)
		return NULL;
	return rte_pktmbuf_read(p->m, p->thoff, *hlen, buf);
}

/* optlen(): an end, a no-op or a zero length count one byte */
static inline uint32_t exthdr_optlen(const uint8_t *opt, uint32_t at)
{
	return opt[at] <= TCPOPT_NOP_ || opt[at + 1] == 0 ? 1 : opt[at + 1];
}

/* The option's offset in the header; 0: none; -1: too short for i */
static inline int exthdr_tcp_find(const struct finsn *i, const uint8_t *th, uint32_t hlen)
{
	for (uint32_t at = 20, l; at < hlen - 1; at += l) {
		l = exthdr_optlen(th, at);
		if (th[at] != i->a)
			continue;
		if (at + l > hlen || (uint32_t)i->len + i->b > l)
			return -1;
		return (int)at;
	}
	return 0;
}

static inline int32_t exthdr_tcp_eval(const struct nfv_filter_ruleset *rs,
				      const struct finsn *i, uint32_t *regs,
				      const struct fpkt *p,
				      const struct nfv_hook_state *st)
{
	uint8_t buf[60];
	const uint8_t *th;
	uint32_t hlen;
	int at = 0;

	th = exthdr_tcp_header(p, buf, &hlen);
	if (th != NULL)
		at = exthdr_tcp_find(i, th, hlen);
	if (i->c) {
		regs[i->dreg] = at > 0;	/* nft_reg_store8() of 1 or 0 */
		return NFT_CONTINUE;
	}
	if (at <= 0)
		return NFT_BREAK;
	if (i->len % 4)
		regs[i->dreg + i->len / 4] = 0;
	memcpy(&regs[i->dreg], th + at + i->b, i->len);
	return NFT_CONTINUE;
}

/* len bytes of src at off into m's data, across its segments */
static inline void exthdr_write(struct rte_mbuf *m, uint32_t off, const void *src,
				uint32_t len)
{
	const uint8_t *from = src;

	for (; m != NULL && len > 0; m = m->next) {
		uint32_t n;

		if (off >= m->data_len) {
			off -= m->data_len;
			continue;
		}
		n = RTE_MIN(len, m->data_len - off);
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, off), from, n);
		from += n;
		len -= n;
		off = 0;
	}
}

static inline int32_t exthdr_tcp_set_eval(const struct nfv_filter_ruleset *rs,
					  const struct finsn *i, uint32_t *regs,
					  const struct fpkt *p,
					  const struct nfv_hook_state *st)
{
	uint8_t buf[60];
	uint32_t hlen, sum;
	uint16_t oldw[2], neww[2], ck;
	const uint8_t *th;
	int at;

	/* the header, in the mbuf or (cut across segments) copied to buf */
	th = exthdr_tcp_header(p, buf, &hlen);
	if (th == NULL)
		return NFT_BREAK;
	at = exthdr_tcp_find(i, th, hlen);
	if (at == 0)	/* no such option: nothing to change */
		return NFT_CONTINUE;
	if (at < 0)
		return NFT_BREAK;
	memcpy(oldw, th + at + i->b, i->len);
	memcpy(neww, &regs[i->sreg], i->len);
	if (i->a == TCPOPT_MSS_ && i->len == 2 &&
	    rte_be_to_cpu_16(oldw[0]) <= rte_be_to_cpu_16(neww[0]))
		return NFT_CONTINUE;	/* an MSS only ever lowered */
	if (memcmp(oldw, neww, i->len) == 0)
		return NFT_CONTINUE;
	exthdr_write(p->m, p->thoff + at + i->b, neww, i->len);
	/* RFC 1624: HC' = ~(~HC + ~m + m'), per 16-bit word; the option
	 * may sit at an odd offset, where the words swap their bytes */
	memcpy(&ck, th + 16, 2);
	sum = (uint16_t)~rte_be_to_cpu_16(ck);
	for (uint32_t w = 0; w < i->len / 2u; w++) {
		uint16_t o = rte_be_to_cpu_16(oldw[w]), n = rte_be_to_cpu_16(neww[w]);

		if ((at + i->b) & 1) {
			o = rte_bswap16(o);
			n = rte_bswap16(n);
		}
		sum += (uint16_t)~o + n;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ck = rte_cpu_to_be_16((uint16_t)~sum);
	exthdr_write(p->m, p->thoff + 16, &ck, 2);
	return NFT_CONTINUE;
}

/* skb_header_pointer() on the L3 packet: NULL past its end */
static inline const uint8_t *exthdr_pkt_read(const struct fpkt *p, uint32_t off, uint32_t len,
					     void *buf)
{
	if (unlikely(off + len > p->len))
		return NULL;
	return rte_pktmbuf_read(p->m, off, len, buf);
}

/* The result of a search: "exists" stores 1/0, a read copies len bytes
 * at off (at: where the header is, -1 for none) or does not match. */
static inline int32_t exthdr_result(const struct finsn *i, uint32_t *regs,
				    const struct fpkt *p, int64_t at)
{
	const uint8_t *v;
	uint8_t buf[UINT8_MAX];

	if (i->c) {
		regs[i->dreg] = at >= 0;	/* nft_reg_store8() */
		return NFT_CONTINUE;
	}
	if (at < 0)
		return NFT_BREAK;
	v = exthdr_pkt_read(p, (uint32_t)at + i->b, i->len, buf);
	if (v == NULL)
		return NFT_BREAK;
	if (i->len % 4)
		regs[i->dreg + i->len / 4] = 0;
	memcpy(&regs[i->dreg], v, i->len);
	return NFT_CONTINUE;
}

static inline bool exthdr_ip6_is_ext(uint8_t nh)
{
	/* ipv6_ext_hdr(); "no next header" is one, but ends the chain */
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_FRAGMENT ||
	       nh == IPPROTO_AH || nh == IPPROTO_NONE || nh == IPPROTO_DSTOPTS;
}

/*
 * ipv6_find_hdr(skb, &offset, target, NULL, NULL): the offset of the first
 * header of type target in the chain of extension headers (AH skipped
 * like the others), or of the upper-layer header when it is target; -1
 * when the chain ends first, is cut short, or reaches a later fragment.
 */
static inline int64_t exthdr_ip6_find(const struct fpkt *p, uint8_t target)
{
	uint32_t at = sizeof(struct rte_ipv6_hdr);
	const uint8_t *h;
	uint8_t buf[4];
	uint8_t nh;

	h = exthdr_pkt_read(p, 6, 1, buf);
	if (h == NULL)
		return -1;
	for (nh = h[0];; nh = h[0]) {
		bool found = nh == target;
		uint32_t hlen;

		if (!exthdr_ip6_is_ext(nh) || nh == IPPROTO_NONE)
			return found ? (int64_t)at : -1;
		/* a routing header must hold its first 4 bytes */
		h = exthdr_pkt_read(p, at, nh == IPPROTO_ROUTING ? 4 : 2, buf);
		if (h == NULL)
			return -1;
		if (nh == IPPROTO_FRAGMENT) {
			const uint8_t *fo = exthdr_pkt_read(p, at + 2, 2, buf + 2);

			if (fo == NULL)
				return -1;
			if (((fo[0] << 8) | fo[1]) & ~7)
				return found ? (int64_t)at : -1;	/* a later fragment */
			hlen = 8;
		} else if (nh == IPPROTO_AH) {
			hlen = (h[1] + 2u) << 2;
		} else {
			hlen = (h[1] + 1u) << 3;
		}
		if (found)
			return at;
		at += hlen;
	}
}

static inline int32_t exthdr_ip6_eval(const struct nfv_filter_ruleset *rs,
				      const struct finsn *i, uint32_t *regs,
				      const struct fpkt *p,
				      const struct nfv_hook_state *st)
{
	if (p->nfproto != NFPROTO_IPV6)
		return NFT_BREAK;
	return exthdr_result(i, regs, p, exthdr_ip6_find(p, i->a));
}

/* Where __ip_options_compile(net, opt, NULL, ...) puts the options
 * nft_exthdr finds: offsets from the IP header, 0 for none */
struct exthdr_ip4_opts {
	uint8_t srr;
	uint8_t rr;
	uint8_t ra;
	bool strict;
};

/*
 * The options o (l bytes) checked as __ip_options_compile() checks them
 * without an skb; -1: malformed, where the kernel finds no option at all.
 * Options it checks only for a process without CAP_NET_RAW (unknown ones,
 * timestamp flags) are accepted, as for one with it: the kernel asks the
 * task a softirq interrupted. CIPSO needs a DOI, and none is configured
 * here, so CIPSO is malformed, as cipso_v4_validate() says without one.
 */
static inline int exthdr_ip4_parse(const uint8_t *o, uint32_t l, struct exthdr_ip4_opts *r)
{
	bool ts = false;

	memset(r, 0, sizeof(*r));
	for (uint32_t at = 0; at < l;) {
		const uint8_t *op = o + at;
		uint32_t ol;

		if (op[0] == IPOPT_END_)
			break;
		if (op[0] == IPOPT_NOOP_) {
			at++;
			continue;
		}
		if (l - at < 2)
			return -1;
		ol = op[1];
		if (ol < 2 || ol > l - at)
			return -1;
		switch (op[0]) {
		case IPOPT_SSRR_:
		case IPOPT_LSRR_:
			if (ol < 3 || op[2] < 4 || r->srr)
				return -1;
			if (op[2] != 4 || ol < 7 || ((ol - 3) & 3))
				return -1;
			r->strict = op[0] == IPOPT_SSRR_;
			r->srr = (uint8_t)(sizeof(struct rte_ipv4_hdr) + at);
			break;
		case IPOPT_RR_:
			if (r->rr || ol < 3 || op[2] < 4)
				return -1;
			if (op[2] <= ol && op[2] + 3u > ol)
				return -1;
			r->rr = (uint8_t)(sizeof(struct rte_ipv4_hdr) + at);
			break;
		case IPOPT_TS_:
			if (ts || ol < 4 || op[2] < 5)
				return -1;
			if (op[2] <= ol) {
				if (op[2] + 3u > ol)
					return -1;
				/* with addresses (1) or prespecified (3) */
				if (((op[3] & 0xf) == 1 || (op[3] & 0xf) == 3) && op[2] + 7u > ol)
					return -1;
			} else if ((op[3] & 0xf) != 3 && (op[3] >> 4) == 15) {
				return -1;	/* the overflow count is full */
			}
			ts = true;
			break;
		case IPOPT_RA_:
			if (ol < 4)
				return -1;
			if (op[2] == 0 && op[3] == 0)
				r->ra = (uint8_t)(sizeof(struct rte_ipv4_hdr) + at);
			break;
		case IPOPT_CIPSO_:
			return -1;
		default:
			break;
		}
		at += ol;
	}
	return 0;
}

/* ipv4_find_option(): the offset of option type in the IP header, or -1 */
static inline int64_t exthdr_ip4_find(const struct fpkt *p, uint8_t type)
{
	struct exthdr_ip4_opts r;
	const uint8_t *o;
	uint8_t buf[40];
	uint32_t l;

	if (p->thoff <= sizeof(struct rte_ipv4_hdr))
		return -1;
	l = p->thoff - sizeof(struct rte_ipv4_hdr);
	o = exthdr_pkt_read(p, sizeof(struct rte_ipv4_hdr), l, buf);
	if (o == NULL || exthdr_ip4_parse(o, l, &r) < 0)
		return -1;
	switch (type) {
	case IPOPT_SSRR_:
	case IPOPT_LSRR_:
		return r.srr && r.strict == (type == IPOPT_SSRR_) ? r.srr : -1;
	case IPOPT_RR_:
		return r.rr ? r.rr : -1;
	default:	/* IPOPT_RA_: the compiler lets no other through */
		return r.ra ? r.ra : -1;
	}
}

static inline int32_t exthdr_ip4_eval(const struct nfv_filter_ruleset *rs,
				      const struct finsn *i, uint32_t *regs,
				      const struct fpkt *p,
				      const struct nfv_hook_state *st)
{
	if (p->nfproto != NFPROTO_IPV4)
		return NFT_BREAK;
	return exthdr_result(i, regs, p, exthdr_ip4_find(p, i->a));
}

/*
 * nft_exthdr_sctp_eval(): the first chunk of the type, its length padded
 * to 4 bytes from one to the next; a chunk of length 0 ends the walk. A
 * read also needs the chunk to hold the bytes and to end in the packet.
 */
static inline int64_t exthdr_sctp_find(const struct finsn *i, const struct fpkt *p)
{
	uint32_t at = p->thoff + 12u;	/* the common header */

	if (!p->has_l4 || p->l4proto != IPPROTO_SCTP || p->fragoff)
		return -1;
	do {
		const uint8_t *ch;
		uint8_t buf[4];
		uint32_t clen;

		ch = exthdr_pkt_read(p, at, 4, buf);
		if (ch == NULL)
			return -1;
		clen = (uint32_t)(ch[2] << 8 | ch[3]);
		if (clen == 0)
			return -1;
		if (ch[0] == i->a) {
			if (!i->c && ((uint32_t)i->b + i->len > clen || at + clen > p->len))
				return -1;
			return at;
		}
		at += RTE_ALIGN_CEIL(clen, 4u);
	} while (at < p->len);
	return -1;
}

static inline int32_t exthdr_sctp_eval(const struct nfv_filter_ruleset *rs,
				       const struct finsn *i, uint32_t *regs,
				       const struct fpkt *p,
				       const struct nfv_hook_state *st)
{
	return exthdr_result(i, regs, p, exthdr_sctp_find(i, p));
}
#endif
