/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * payload: a load at the network or transport header into a register, as
 * nft_payload_eval() (no transport header in later fragments; a load past
 * the end does not match); and a write from a register, as
 * nft_payload_set_eval(): the checksum at csum offset (the IPv4 header's,
 * a port's TCP/UDP checksum) and, with the pseudo-header flag (an address
 * written), the transport checksum updated with the kernel's arithmetic
 * (RFC 1624 over the bytes as csum_partial() sums them, a result of 0
 * stored as 0xffff), then the bytes stored. The link layer is refused
 * (there is no Ethernet header at these hooks), and so is the SCTP
 * checksum type.
 *
 *   PAYLOAD      a: base, c: offset, len, dreg    (nft_acl.c reads these)
 *   PAYLOAD_SET  a: base, c: offset, len, sreg, b: csum type,
 *                arg: csum offset, arg2: csum flags
 */
FEXPR(payload, FOP(PAYLOAD, payload_eval) FOP(PAYLOAD_SET, payload_set_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

static int payload_set_compile(struct fcompiler *c, struct nftnl_expr *e, uint32_t base,
			       uint32_t off, uint32_t len)
{
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE);
	uint32_t csum_off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET);
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_FLAGS);
	struct finsn *i;

	if (type == NFT_PAYLOAD_CSUM_SCTP)
		return fc_error(c, -EOPNOTSUPP, "expression 'payload' write with the "
				"sctp checksum not supported");
	if (type != NFT_PAYLOAD_CSUM_NONE && type != NFT_PAYLOAD_CSUM_INET)
		return fc_error(c, -EOPNOTSUPP, "expression 'payload' checksum type %u "
				"not supported", type);
	if (flags & ~NFT_PAYLOAD_L4CSUM_PSEUDOHDR)
		return fc_error(c, -EINVAL, "expression 'payload' checksum flags 0x%x", flags);
	if (csum_off > UINT8_MAX)
		return fc_error(c, -ERANGE, "expression 'payload' checksum offset %u",
				csum_off);
	i = fc_emit(c, FOP_PAYLOAD_SET);
	if (i == NULL)
		return -ENOMEM;
	i->a = base;
	i->c = off;
	i->len = len;
	i->b = type;
	i->arg = csum_off;
	i->arg2 = flags;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_SREG), len, &i->sreg);
}

static int payload_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	bool write = nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG);
	struct finsn *i;

	if (base != NFT_PAYLOAD_NETWORK_HEADER &&
	    base != NFT_PAYLOAD_TRANSPORT_HEADER)
		return fc_error(c, -EOPNOTSUPP,
				"expression 'payload' base %u not supported"
				" (no link-layer header at these hooks)", base);
	if (off > UINT16_MAX || len > 64 || len == 0)
		return fc_error(c, -EINVAL, "expression 'payload' out of range");
	if (write)
		return payload_set_compile(c, e, base, off, len);
	i = fc_emit(c, FOP_PAYLOAD);
	if (i == NULL)
		return -ENOMEM;
	i->a = base;
	i->c = off;
	i->len = len;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG), len,
			    &i->dreg);
}

static __rte_noinline bool payload_load(const struct fpkt *p, uint8_t base,
					uint16_t off, uint8_t len, uint32_t *dst)
{
	const void *src;
	uint32_t start = off;

	if (base == NFT_PAYLOAD_TRANSPORT_HEADER) {
		if (!p->has_l4 || p->fragoff)
			return false;
		start += p->thoff;
	}
	if (start + len > p->len)
		return false;
	dst[(len - 1) / 4] = 0;
	src = rte_pktmbuf_read(p->m, start, len, dst);
	if (src == NULL)
		return false;
	if (src != dst)
		memcpy(dst, src, len);
	return true;
}

static inline int32_t payload_eval(const struct nfv_filter_ruleset *rs,
				   const struct finsn *i, uint32_t *regs,
				   const struct fpkt *p,
				   const struct nfv_hook_state *st)
{
	return payload_load(p, i->a, i->c, i->len, &regs[i->dreg]) ?
	       NFT_CONTINUE : NFT_BREAK;
}

/* The ones' complement sum of bytes as csum_partial() takes them: 16-bit
 * words from the first byte on (big-endian here), an odd last byte high. */
static uint32_t payload_csum_bytes(const uint8_t *b, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t k = 0; k + 1 < len; k += 2)
		sum += (uint32_t)b[k] << 8 | b[k + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* nft_csum_replace(): the checksum at off of m, less fsum, plus tsum. */
static bool payload_csum_replace(struct rte_mbuf *m, uint32_t off, uint32_t fsum,
				 uint32_t tsum)
{
	uint8_t buf[2];
	const uint8_t *ck = rte_pktmbuf_read(m, off, 2, buf);
	uint32_t sum;
	uint16_t v;

	if (ck == NULL)
		return false;
	sum = (uint16_t)~((uint32_t)ck[0] << 8 | ck[1]);
	sum += (uint16_t)~fsum;
	sum += tsum;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	v = (uint16_t)~sum;
	if (v == 0)
		v = 0xffff;	/* CSUM_MANGLED_0 */
	buf[0] = v >> 8;
	buf[1] = v & 0xff;
	return nfv_mbuf_write(m, off, buf, 2) == 0;
}

/* nft_payload_l4csum_offset(): where the transport checksum is, if any. */
static bool payload_l4csum_at(const struct fpkt *p, uint32_t *at)
{
	uint8_t buf[2];
	const uint8_t *ck;

	if (!p->has_l4 || p->fragoff)
		return false;
	switch (p->l4proto) {
	case IPPROTO_TCP:
		*at = p->thoff + 16;
		return true;
	case IPPROTO_UDP:
		/* a UDP datagram without a checksum keeps none */
		ck = rte_pktmbuf_read(p->m, p->thoff + 6, 2, buf);
		if (ck == NULL || (ck[0] | ck[1]) == 0)
			return false;
		/* fall through */
	case IPPROTO_UDPLITE:
		*at = p->thoff + 6;
		return true;
	case IPPROTO_ICMPV6:
		*at = p->thoff + 2;
		return true;
	}
	return false;
}

static __rte_noinline int32_t payload_set(const struct fpkt *p, const struct finsn *i,
					  const uint8_t *src)
{
	uint32_t base = 0, off, fsum, tsum, l4at;
	uint8_t buf[64];
	const uint8_t *old;

	if (i->a == NFT_PAYLOAD_TRANSPORT_HEADER) {
		if (!p->has_l4 || p->fragoff)
			return NFT_BREAK;
		base = p->thoff;
	}
	off = base + i->c;
	if (off + i->len > p->len)
		return NFT_BREAK;
	if (i->b == NFT_PAYLOAD_CSUM_INET || i->arg2) {
		old = rte_pktmbuf_read(p->m, off, i->len, buf);
		if (old == NULL)
			return NFT_BREAK;
		fsum = payload_csum_bytes(old, i->len);
		tsum = payload_csum_bytes(src, i->len);
		if (i->b == NFT_PAYLOAD_CSUM_INET &&
		    !payload_csum_replace(p->m, base + i->arg, fsum, tsum))
			return NFT_BREAK;
		if (i->arg2 && payload_l4csum_at(p, &l4at) &&
		    !payload_csum_replace(p->m, l4at, fsum, tsum))
			return NFT_BREAK;
	}
	return nfv_mbuf_write(p->m, off, src, i->len) == 0 ? NFT_CONTINUE : NFT_BREAK;
}

static inline int32_t payload_set_eval(const struct nfv_filter_ruleset *rs,
				       const struct finsn *i, uint32_t *regs,
				       const struct fpkt *p,
				       const struct nfv_hook_state *st)
{
	return payload_set(p, i, (const uint8_t *)&regs[i->sreg]);
}
#endif
