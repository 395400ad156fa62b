/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exthdr: TCP options, as the kernel's nft_exthdr_tcp_eval() and
 * nft_exthdr_tcp_set_eval():
 *
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
 * IPv6 extension headers, IPv4 options, SCTP chunks are refused by name.
 *
 *   EXTHDR_TCP      a: option type, b: offset, len, c: 1 for "exists", dreg
 *   EXTHDR_TCP_SET  a: option type, b: offset, len (2 or 4), sreg
 */
FEXPR(exthdr, FOP(EXTHDR_TCP, exthdr_tcp_eval) FOP(EXTHDR_TCP_SET, exthdr_tcp_set_eval))
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

static const char *const exthdr_op_names[] = {
	[NFT_EXTHDR_OP_IPV6] = "IPv6 extension headers",
	[NFT_EXTHDR_OP_IPV4] = "IPv4 options",
	[NFT_EXTHDR_OP_SCTP] = "SCTP chunks",
	[NFT_EXTHDR_OP_DCCP] = "DCCP options",
};

static int exthdr_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP);
	uint32_t type = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);	/* a u8 in libnftnl */
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN);
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_FLAGS);
	bool set = nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_SREG);
	struct finsn *i;

	if (op != NFT_EXTHDR_OP_TCPOPT) {
		if (op < RTE_DIM(exthdr_op_names) && exthdr_op_names[op] != NULL)
			return fc_error(c, -EOPNOTSUPP, "expression 'exthdr': %s are not supported",
					exthdr_op_names[op]);
		return fc_error(c, -EOPNOTSUPP, "expression 'exthdr' op %u not supported", op);
	}
	if (type > UINT8_MAX || off > UINT8_MAX || len == 0 || len > UINT8_MAX ||
	    (flags & ~(uint32_t)NFT_EXTHDR_F_PRESENT) ||
	    (set && (flags || (len != 2 && len != 4))))
		return fc_error(c, -EINVAL, "expression 'exthdr' malformed");
	i = fc_emit(c, set ? FOP_EXTHDR_TCP_SET : FOP_EXTHDR_TCP);
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
#endif
