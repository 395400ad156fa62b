/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP (RFC 792, RFC 1812 4.3): echo replies and error messages. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_icmp.h>
#include <rte_ip.h>

#include "nfv_cksum.h"
#include "nfv_drop.h"
#include "nfv_icmp.h"
#include "nfv_ip4.h"
#include "nfv_mbuf.h"
#include "nfv_pkt.h"

#define ICMP_HDR_LEN 8

int nfv_icmp4_echo_reply(struct rte_mbuf *m, rte_be32_t src)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t hlen = rte_ipv4_hdr_len(ip);
	uint32_t len = rte_pktmbuf_pkt_len(m) - hlen;
	struct rte_icmp_hdr *icmp;
	uint16_t old, new, sum;
	rte_be32_t dst;

	if (ip->next_proto_id != IPPROTO_ICMP)
		return NFV_DR_ICMP_BAD;
	if (nfv_ip4_is_fragment(ip))
		return NFV_DR_IP4_FRAG;
	if (len < ICMP_HDR_LEN || nfv_pkt_pull(m, hlen + ICMP_HDR_LEN) != 0)
		return NFV_DR_ICMP_BAD;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, hlen);
	if (icmp->icmp_type != NFV_ICMP4_ECHO_REQUEST)
		return NFV_DR_ICMP_BAD;
	if (rte_raw_cksum_mbuf(m, hlen, len, &sum) != 0 || sum != 0xffff)
		return NFV_DR_ICMP_BAD;

	memcpy(&old, icmp, sizeof(old));
	icmp->icmp_type = NFV_ICMP4_ECHO_REPLY;
	icmp->icmp_code = 0;
	memcpy(&new, icmp, sizeof(new));
	icmp->icmp_cksum = nfv_cksum_update16(icmp->icmp_cksum, old, new);

	/* we do not echo options (a SHOULD in RFC 1122 3.2.2.6): drop them */
	if (hlen > sizeof(*ip)) {
		memmove((uint8_t *)ip + hlen - sizeof(*ip), ip, sizeof(*ip));
		ip = (struct rte_ipv4_hdr *)rte_pktmbuf_adj(m, hlen - sizeof(*ip));
		ip->version_ihl = RTE_IPV4_VHL_DEF;
	}
	dst = ip->dst_addr;
	ip->dst_addr = ip->src_addr;
	ip->src_addr = src != 0 ? src : dst;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + len);
	ip->fragment_offset = 0;
	ip->time_to_live = NFV_ICMP_REPLY_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return 0;
}

/* RFC 1122 3.2.2: unknown types count as errors, so we never answer them. */
static bool icmp4_is_query(uint8_t type)
{
	switch (type) {
	case 0: case 8: case 9: case 10: case 13: case 14:
	case 15: case 16: case 17: case 18:
		return true;
	default:
		return false;
	}
}

/* RFC 1812 4.3.2.7: the situations where no error may be sent. */
static bool icmp4_error_allowed(const struct rte_mbuf *orig)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(orig, const struct rte_ipv4_hdr *);
	uint8_t tmp, dst_hi = rte_be_to_cpu_32(ip->dst_addr) >> 24;
	const uint8_t *type;

	if (nfv_ip4_is_later_fragment(ip))
		return false;
	/* multicast, class E and the limited broadcast */
	if (dst_hi >= 224)
		return false;
	if (nfv_ip4_src_suspect(ip->src_addr))
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP) {
		type = rte_pktmbuf_read(orig, rte_ipv4_hdr_len(ip), 1, &tmp);
		if (type == NULL || !icmp4_is_query(*type))
			return false;
	}
	return true;
}

int nfv_icmp4_error(struct nfv_icmp_sender *s, uint64_t now,
		    const struct rte_mbuf *orig, uint8_t type, uint8_t code,
		    uint32_t info, rte_be32_t src, struct rte_mbuf **out)
{
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod(orig, const struct rte_ipv4_hdr *);
	uint32_t qlen = RTE_MIN(rte_pktmbuf_pkt_len(orig),
				(uint32_t)(NFV_ICMP4_ERR_MAX - sizeof(*oip) - ICMP_HDR_LEN));
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	const void *quote;
	struct rte_mbuf *m;
	rte_be32_t word;

	if (!icmp4_error_allowed(orig))
		return -EPERM;
	if (!nfv_ratelimit_allow(&s->rl, now))
		return -EAGAIN;
	m = rte_pktmbuf_alloc(s->mp);
	if (m == NULL)
		return -ENOBUFS;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, sizeof(*ip) + ICMP_HDR_LEN + qlen);
	if (ip == NULL)
		goto err_free;
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	quote = rte_pktmbuf_read(orig, 0, qlen, icmp + 1);
	if (quote == NULL)
		goto err_free;
	if (quote != icmp + 1)
		memcpy(icmp + 1, quote, qlen);

	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	word = rte_cpu_to_be_32(info);
	memcpy(&icmp->icmp_ident, &word, sizeof(word));
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, ICMP_HDR_LEN + qlen);

	/* precedence 6, internetwork control (RFC 1812 4.3.2.5); as Linux's
	 * icmp_send(): no DF (its ICMP socket does no path MTU discovery),
	 * so an ID that changes from one error to the next, that nobody
	 * can predict (ip_select_ident()) */
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0xc0;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + ICMP_HDR_LEN + qlen);
	ip->packet_id = rte_cpu_to_be_16(nfv_ipid_next(&s->ids, src, oip->src_addr,
							  IPPROTO_ICMP, now));
	ip->fragment_offset = 0;
	ip->time_to_live = NFV_ICMP_REPLY_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = src;
	ip->dst_addr = oip->src_addr;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	nfv_mbuf_meta_local(m, AF_INET);
	*out = m;
	return 0;

err_free:
	rte_pktmbuf_free(m);
	return -ENOBUFS;
}
