/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMPv6 (RFC 4443): echo replies and error messages. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_icmp.h>
#include <rte_ip.h>

#include "nfv_cksum.h"
#include "nfv_drop.h"
#include "nfv_icmp.h"
#include "nfv_ip6.h"
#include "nfv_mbuf.h"
#include "nfv_pkt.h"

#define ICMP6_HDR_LEN 8

int nfv_icmp6_echo_reply(struct rte_mbuf *m, const uint8_t *src)
{
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint32_t len = rte_pktmbuf_pkt_len(m) - sizeof(*ip6);
	uint8_t old_addr[32], new_addr[32];
	struct rte_icmp_hdr *icmp;
	uint16_t old, new, sum;
	uint32_t full;

	if (ip6->proto != IPPROTO_ICMPV6)
		return NFV_DR_LOCAL_UNHANDLED;
	if (len < ICMP6_HDR_LEN || nfv_pkt_pull(m, sizeof(*ip6) + ICMP6_HDR_LEN) != 0)
		return NFV_DR_ICMP_BAD;
	ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	icmp = (struct rte_icmp_hdr *)(ip6 + 1);
	if (icmp->icmp_type != NFV_ICMP6_ECHO_REQUEST)
		return NFV_DR_ICMP_BAD;
	if (rte_raw_cksum_mbuf(m, sizeof(*ip6), len, &sum) != 0)
		return NFV_DR_ICMP_BAD;
	full = (uint32_t)sum + nfv_ip6_phdr_sum(ip6->src_addr, ip6->dst_addr,
					       len, IPPROTO_ICMPV6);
	if (nfv_cksum_fold(full) != 0xffff)
		return NFV_DR_ICMP_BAD;

	memcpy(old_addr, ip6->src_addr, sizeof(old_addr));
	memcpy(new_addr, src != NULL ? src : ip6->dst_addr, 16);
	memcpy(new_addr + 16, ip6->src_addr, 16);
	memcpy(ip6->src_addr, new_addr, sizeof(new_addr));
	ip6->hop_limits = NFV_ICMP_REPLY_TTL;

	memcpy(&old, icmp, sizeof(old));
	icmp->icmp_type = NFV_ICMP6_ECHO_REPLY;
	icmp->icmp_code = 0;
	memcpy(&new, icmp, sizeof(new));
	/* the pseudo-header changes only when src replaces the old destination */
	icmp->icmp_cksum = nfv_cksum_update(nfv_cksum_update16(icmp->icmp_cksum, old, new),
					    old_addr, new_addr, sizeof(new_addr));
	return 0;
}

/* RFC 4443 2.4 (e): the situations where no error may be sent. */
static bool icmp6_error_allowed(const struct rte_mbuf *orig, uint8_t type)
{
	const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(orig, const struct rte_ipv6_hdr *);
	struct nfv_ip6_upper up;
	const uint8_t *t;
	uint8_t tmp;

	if (nfv_ip6_is_unspec(ip6->src_addr) || nfv_ip6_is_mcast(ip6->src_addr))
		return false;
	if (nfv_ip6_is_mcast(ip6->dst_addr) && type != NFV_ICMP6_PKT_TOO_BIG)
		return false;
	if (nfv_ip6_upper(orig, &up) != 0 || up.later_fragment)
		return false;
	if (up.proto == IPPROTO_ICMPV6) {
		/* types below 128 are errors (RFC 4443 2.1) */
		t = rte_pktmbuf_read(orig, up.off, 1, &tmp);
		if (t == NULL || *t < 128)
			return false;
	}
	return true;
}

uint32_t nfv_icmp6_flowlabel(const struct nfv_siphash_key *key, const uint8_t src[16],
			     const uint8_t dst[16], uint8_t type)
{
	uint8_t flow[34];
	uint32_t h;

	memcpy(flow, src, 16);
	memcpy(flow + 16, dst, 16);
	flow[32] = IPPROTO_ICMPV6;
	flow[33] = type;
	h = (uint32_t)nfv_siphash(key, flow, sizeof(flow));
	/* ip6_make_flowlabel(): the flow's hash, turned, its low 20 bits;
	 * never 0, which means no label */
	h = (h << 16 | h >> 16) & 0xfffff;
	return h != 0 ? h : 1;
}

int nfv_icmp6_error(struct nfv_icmp_sender *s, uint64_t now,
		    const struct rte_mbuf *orig, uint8_t type, uint8_t code,
		    uint32_t info, const uint8_t src[16], struct rte_mbuf **out)
{
	const struct rte_ipv6_hdr *oip6 = rte_pktmbuf_mtod(orig, const struct rte_ipv6_hdr *);
	uint32_t qlen = RTE_MIN(rte_pktmbuf_pkt_len(orig),
				(uint32_t)(NFV_ICMP6_ERR_MAX - sizeof(*oip6) - ICMP6_HDR_LEN));
	uint32_t len = ICMP6_HDR_LEN + qlen;
	struct rte_ipv6_hdr *ip6;
	struct rte_icmp_hdr *icmp;
	const void *quote;
	struct rte_mbuf *m;
	rte_be32_t word;
	uint32_t sum;

	if (!icmp6_error_allowed(orig, type))
		return -EPERM;
	if (!nfv_ratelimit_allow(&s->rl, now))
		return -EAGAIN;
	m = rte_pktmbuf_alloc(s->mp);
	if (m == NULL)
		return -ENOBUFS;
	ip6 = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, sizeof(*ip6) + len);
	if (ip6 == NULL)
		goto err_free;
	icmp = (struct rte_icmp_hdr *)(ip6 + 1);
	quote = rte_pktmbuf_read(orig, 0, qlen, icmp + 1);
	if (quote == NULL)
		goto err_free;
	if (quote != icmp + 1)
		memcpy(icmp + 1, quote, qlen);

	/* with a flow label, as Linux's automatic ones (auto_flowlabels) */
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | nfv_icmp6_flowlabel(&s->ids.key, src,
									 oip6->src_addr, type));
	ip6->payload_len = rte_cpu_to_be_16(len);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = NFV_ICMP_REPLY_TTL;
	memcpy(ip6->src_addr, src, 16);
	memcpy(ip6->dst_addr, oip6->src_addr, 16);

	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	word = rte_cpu_to_be_32(info);
	memcpy(&icmp->icmp_ident, &word, sizeof(word));
	sum = rte_raw_cksum(icmp, len);
	sum += nfv_ip6_phdr_sum(ip6->src_addr, ip6->dst_addr, len, IPPROTO_ICMPV6);
	icmp->icmp_cksum = ~nfv_cksum_fold(sum);

	nfv_mbuf_meta_local(m, AF_INET6);
	*out = m;
	return 0;

err_free:
	rte_pktmbuf_free(m);
	return -ENOBUFS;
}
