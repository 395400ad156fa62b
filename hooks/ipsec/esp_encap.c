/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP encapsulation (RFC 4303 3.1), tunnel and transport, IPv4 and IPv6,
 * optionally in UDP (RFC 3948). The packet grows in place: headers into the
 * headroom, trailer and ICV into the tailroom; the crypto op is filled for
 * the batch and esp_encap_finish() completes what depends on the result.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "esp.h"

static const uint8_t esp_pad_bytes[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};
#include "nfv_mbuf.h"

static const uint8_t esp_zero_iv[16];

/*
 * The ID as Linux's xfrm4_tunnel_encap_add() and ip_select_ident() give
 * it: 0 with DF (an atomic datagram, RFC 6864), else the next of the
 * outer flow's counter, which nobody can predict (nfv_ipid.h).
 */
static void esp_outer4(const struct esp_sa_outer *sa, uint8_t *p, const uint8_t *inner,
		       uint8_t inner_family, uint32_t total, uint8_t proto,
		       struct nfv_ipid *ids, uint64_t now)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint16_t df = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG), frag = df, id = 0;
	uint32_t sum;

	ip->version_ihl = 0x45;
	if (inner_family == AF_INET) {
		const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)inner;

		ip->type_of_service = in->type_of_service;
		frag = in->fragment_offset & df;
	} else {
		ip->type_of_service = (inner[0] << 4 | inner[1] >> 4) & 0xff;
	}
	ip->fragment_offset = frag;
	if (frag == 0)
		id = nfv_ipid_take(ids, sa->ipid_bucket, now);
	ip->total_length = rte_cpu_to_be_16(total);
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	memcpy(&ip->src_addr, sa->src, 4);
	memcpy(&ip->dst_addr, sa->dst, 4);
	/*
	 * From the values, not from the header just written: reading it back
	 * in wider words than it was stored stalls on store forwarding.
	 */
	sum = (0x45u << 8 | ip->type_of_service) + total + id +
	      rte_be_to_cpu_16(frag) + (64u << 8 | proto) +
	      (sa->src[0] << 8 | sa->src[1]) + (sa->src[2] << 8 | sa->src[3]) +
	      (sa->dst[0] << 8 | sa->dst[1]) + (sa->dst[2] << 8 | sa->dst[3]);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~sum);
}

static void esp_outer6(const struct esp_sa_outer *sa, uint8_t *p, const uint8_t *inner,
		       uint8_t inner_family, uint32_t total, uint8_t proto)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)p;
	uint32_t tc;

	if (inner_family == AF_INET)
		tc = inner[1];
	else
		tc = (inner[0] << 4 | inner[1] >> 4) & 0xff;
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | tc << 20);
	ip->payload_len = rte_cpu_to_be_16(total - 40);
	ip->proto = proto;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, sa->src, 16);
	memcpy(ip->dst_addr, sa->dst, 16);
}

/* Transport: the original header stays, its protocol and lengths change. */
void esp_fix_l3(uint8_t *p, uint8_t family, uint32_t nh_off,
		       uint32_t total, uint8_t proto)
{
	p[nh_off] = proto;
	if (family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

		ip->total_length = rte_cpu_to_be_16(total);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		((struct rte_ipv6_hdr *)p)->payload_len = rte_cpu_to_be_16(total - 40);
	}
}

/*
 * Returns 0, or the drop reason. iv, when given, is the explicit IV (known
 * answer tests); otherwise AEADs use the sequence number (unique per key)
 * and CBC encrypts a counter block with the SA key as first CBC block, so
 * that the IV on the wire is E_K(seq || nonce): unpredictable, no RNG call.
 * now: the burst's TSC, for the outer IPv4 ID's counter (one read a burst).
 */
int esp_encap_prepare(struct nfv_ipsec *ips, unsigned int worker,
		      struct esp_sa *sa, struct rte_mbuf *m, uint64_t seq,
		      uint64_t now, const uint8_t *iv, struct esp_op *op)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	bool tunnel = sa->flags & ESP_SA_TUNNEL;
	/* one load: addresses, encapsulation and ports of the same update */
	const struct esp_sa_outer *outer = esp_sa_outer(sa);
	bool natt = outer->natt;
	uint8_t family = meta->family, proto, nh, ip_proto;
	uint32_t l3_len = 0, nh_off = 0, plen, pad, hlen, esp_off, total, i;
	uint8_t *p, *esp, *trailer;
	int rc;

	if (unlikely(!rte_pktmbuf_is_contiguous(m)) && rte_pktmbuf_linearize(m) < 0)
		return NFV_DR_ESP_LINEARIZE;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	rc = esp_l3_parse(p, m->pkt_len, family, &proto, &nh_off);
	if (unlikely(rc < 0))
		return NFV_DR_ESP_SHORT;
	if (tunnel) {
		nh = family == AF_INET ? ESP_IPPROTO_IPIP : ESP_IPPROTO_IPV6;
		plen = m->pkt_len;
		hlen = (sa->family == AF_INET ? 20 : 40) + (natt ? 8 : 0);
	} else {
		if (unlikely(family != sa->family))
			return NFV_DR_ESP_POLICY;
		l3_len = rc;
		nh = proto;
		plen = m->pkt_len - l3_len;
		hlen = l3_len + (natt ? 8 : 0);
	}
	pad = RTE_ALIGN_CEIL(plen + 2, sa->align) - plen - 2;
	trailer = (uint8_t *)rte_pktmbuf_append(m, pad + 2 + sa->icv_len);
	if (unlikely(trailer == NULL))
		return NFV_DR_ESP_NO_HEADROOM;
	/* transport: the L3 header moves to the front, the payload stays */
	if (unlikely(rte_pktmbuf_prepend(m, hlen + ESP_HDR_LEN + sa->iv_len -
					 l3_len) == NULL)) {
		rte_pktmbuf_trim(m, pad + 2 + sa->icv_len);
		return NFV_DR_ESP_NO_HEADROOM;
	}
	/*
	 * Padding 1, 2, 3, ... (RFC 4303 2.4): one 16-byte store, as pad is
	 * at most 15 and an ICV of 14 bytes or more (all of ours: 16, 24, 32)
	 * follows the trailer; the bytes past the padding are written again
	 * just below and by the crypto.
	 */
	if (likely(sa->icv_len >= 14))
		memcpy(trailer, esp_pad_bytes, sizeof(esp_pad_bytes));
	else
		for (i = 0; i < pad; i++)
			trailer[i] = i + 1;
	trailer[pad] = pad;
	trailer[pad + 1] = nh;

	p = rte_pktmbuf_mtod(m, uint8_t *);
	esp_off = hlen;
	esp = p + esp_off;
	total = m->pkt_len;
	ip_proto = natt ? ESP_IPPROTO_UDP : ESP_IPPROTO_ESP;
	if (tunnel) {
		const uint8_t *inner = esp + ESP_HDR_LEN + sa->iv_len;

		if (sa->family == AF_INET)
			esp_outer4(outer, p, inner, family, total, ip_proto,
				   &ips->wk[worker].ids, now);
		else
			esp_outer6(outer, p, inner, family, total, ip_proto);
		l3_len = sa->family == AF_INET ? 20 : 40;
	} else {
		memmove(p, p + esp_off + ESP_HDR_LEN + sa->iv_len - l3_len, l3_len);
		esp_fix_l3(p, family, nh_off, total, ip_proto);
	}
	if (natt) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(esp - 8);

		udp->src_port = outer->natt_sport;
		udp->dst_port = outer->natt_dport;
		udp->dgram_len = rte_cpu_to_be_16(total - l3_len);
		udp->dgram_cksum = 0;	/* RFC 3948 2.1; IPv6: set in finish */
	}
	esp_put32(esp, rte_cpu_to_be_32(sa->spi));
	esp_put32(esp + 4, rte_cpu_to_be_32((uint32_t)seq));

	op->m = m;
	op->sa = sa;
	op->encrypt = 1;
	op->natt = natt;	/* finish: the header this packet got */
	op->frag_mtu = 0;
	op->icv_saved = 0;
	op->seq = seq;
	op->plen = plen;
	op->esp_off = esp_off;
	op->l3_len = l3_len;
	op->icv = esp + ESP_HDR_LEN + sa->iv_len + plen + pad + 2;
	if (sa->flags & ESP_SA_AEAD) {
		uint64_t iv_be = rte_cpu_to_be_64(seq);

		memcpy(esp + ESP_HDR_LEN, iv != NULL ? iv : (uint8_t *)&iv_be, 8);
		esp_crypto_aead_nonce(op, esp + ESP_HDR_LEN);
		esp_crypto_aad(op, esp_get32(esp), seq, sa->flags & ESP_SA_ESN);
		op->src = esp + ESP_HDR_LEN + 8;
		op->len = plen + pad + 2;
		op->hash = NULL;
		return 0;
	}
	op->hash = esp;
	op->hash_len = ESP_HDR_LEN + 16 + plen + pad + 2;
	if (iv != NULL) {
		memcpy(esp + ESP_HDR_LEN, iv, 16);
		op->iv = esp + ESP_HDR_LEN;
		op->src = esp + ESP_HDR_LEN + 16;
		op->len = plen + pad + 2;
	} else {
		uint64_t ctr = rte_cpu_to_be_64(seq);

		memcpy(esp + ESP_HDR_LEN, &ctr, 8);
		memcpy(esp + ESP_HDR_LEN + 8, &sa->iv_nonce, 8);
		op->iv = esp_zero_iv;
		op->src = esp + ESP_HDR_LEN;
		op->len = 16 + plen + pad + 2;
	}
	if (sa->flags & ESP_SA_ESN) {
		/* RFC 4303 2.2.1: the high half is authenticated, not sent */
		uint32_t hi = rte_cpu_to_be_32((uint32_t)(seq >> 32));

		memcpy(op->icv, &hi, 4);
		op->hash_len += 4;
	}
	return 0;
}

/* After the batch: the UDP checksum that IPv6 requires, and the metadata. */
void esp_encap_finish(struct esp_op *op)
{
	struct rte_mbuf *m = op->m;
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct esp_sa *sa = op->sa;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	if (op->natt && sa->family == AF_INET6) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(p + op->esp_off - 8);

		udp->dgram_cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)p, udp);
	}
	esp_meta_renew(meta, sa->family, NFV_MBUF_F_LOCAL_OUT | NFV_MBUF_F_IPSEC_DONE,
		       sa->id);
	meta->oport = UINT16_MAX;
	meta->iport = UINT16_MAX;
}
