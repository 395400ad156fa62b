/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP decapsulation (RFC 4303 3.4), optionally from UDP (RFC 3948).
 * parse: the headers and the SAD key; prepare: everything that can be
 * refused before the crypto (length, SA, NAT-T, lifetime, a first replay
 * check); finish: ICV, the replay window update, padding, next header,
 * stripping; policy_ok: the inbound policy (esp_input.c classifies the
 * batch's inner packets at once).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "esp.h"
#include "nfv_mbuf.h"

static int esp_in_l4(const uint8_t *p, uint32_t len, uint32_t l3, uint8_t proto,
		     uint32_t *esp_off)
{
	const struct rte_udp_hdr *udp;
	uint32_t ulen;

	if (proto == ESP_IPPROTO_ESP) {
		*esp_off = l3;
		return 0;
	}
	if (proto != ESP_IPPROTO_UDP || l3 + 8 > len)
		return ESP_IN_ACCEPT;
	udp = (const struct rte_udp_hdr *)(p + l3);
	if (udp->dst_port != RTE_BE16(ESP_NATT_PORT))
		return ESP_IN_ACCEPT;
	ulen = len - l3 - 8;
	/* RFC 3948 2.3: a keepalive is one 0xff byte */
	if (ulen == 1 && p[l3 + 8] == 0xff)
		return NFV_DR_ESP_KEEPALIVE;
	/* RFC 3948 2.2: a zero non-ESP marker is IKE, for the IKE daemon */
	if (ulen >= 4 && esp_get32(p + l3 + 8) == 0)
		return ESP_IN_ACCEPT;
	*esp_off = l3 + 8;
	return 0;
}

/*
 * A chain (reassembled datagram, jumbo frame) is made one buffer if its
 * first segment says ESP or UDP to 4500; other chains go on untouched.
 */
static int esp_in_gather(struct nfv_ipsec *ips, struct rte_mbuf **mp, uint8_t family)
{
	const uint8_t *p = rte_pktmbuf_mtod(*mp, const uint8_t *);
	uint32_t first = rte_pktmbuf_data_len(*mp), nh_off;
	uint8_t proto;
	int l3;

	l3 = esp_l3_parse(p, first, family, &proto, &nh_off);
	if (l3 >= 0 && proto != ESP_IPPROTO_ESP &&
	    (proto != ESP_IPPROTO_UDP || (uint32_t)l3 + 4 > first ||
	     ((const struct rte_udp_hdr *)(p + l3))->dst_port != RTE_BE16(ESP_NATT_PORT)))
		return ESP_IN_ACCEPT;
	return esp_pkt_gather(ips, mp, 0) == 0 ? 0 : NFV_DR_ESP_LINEARIZE;
}

/*
 * *mp may be replaced by a copy in one segment (see esp_seg.c). Finds the
 * ESP header and the SAD key (SPI, family, destination) of an ESP packet
 * for us: 0 and *h filled, ESP_IN_ACCEPT (not ESP), or a drop reason.
 */
int esp_decap_parse(struct nfv_ipsec *ips, struct rte_mbuf **mp, struct esp_in_hdr *h)
{
	uint8_t family = nfv_mbuf_meta(*mp)->family, proto;
	uint32_t len, esp_off, nh_off, l3;
	struct rte_mbuf *m;
	uint8_t *p;
	int rc;

	if (unlikely(!rte_pktmbuf_is_contiguous(*mp))) {
		rc = esp_in_gather(ips, mp, family);
		if (rc != 0)
			return rc;
	}
	m = *mp;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	rc = esp_l3_parse(p, m->pkt_len, family, &proto, &nh_off);
	if (rc < 0)
		return ESP_IN_ACCEPT;
	l3 = rc;
	if (family == AF_INET) {
		len = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)p)->total_length);
		h->dst = p + 16;
	} else {
		len = 40 + rte_be_to_cpu_16(((struct rte_ipv6_hdr *)p)->payload_len);
		h->dst = p + 24;
	}
	if (len > m->pkt_len || len < l3)
		return ESP_IN_ACCEPT;
	rc = esp_in_l4(p, len, l3, proto, &esp_off);
	if (rc != 0)
		return rc;
	if (unlikely(len - esp_off < ESP_HDR_LEN))
		return NFV_DR_ESP_SHORT;
	h->spi = rte_be_to_cpu_32(esp_get32(p + esp_off));
	h->family = family;
	h->len = len;
	h->l3 = l3;
	h->esp_off = esp_off;
	h->nh_off = nh_off;
	return 0;
}

/*
 * Everything that can be refused before the crypto, once the SA of the
 * packet's SAD key is known (sa: NULL for none); fills *op.
 */
int esp_decap_prepare(struct rte_mbuf *m, const struct esp_in_hdr *h, struct esp_sa *sa,
		      uint64_t now, unsigned int worker, struct esp_op *op)
{
	uint32_t len = h->len, esp_off = h->esp_off, ct_len;
	uint8_t *esp = rte_pktmbuf_mtod(m, uint8_t *) + esp_off;

	if (unlikely(sa == NULL))
		return NFV_DR_ESP_NO_SA;
	if (unlikely(esp_sa_outer(sa)->natt != (esp_off != h->l3))) {
		sa->stats[worker].natt++;
		return NFV_DR_ESP_NATT;
	}
	if (unlikely(len - esp_off < ESP_HDR_LEN + sa->iv_len + sa->icv_len + 2u))
		return NFV_DR_ESP_SHORT;
	ct_len = len - esp_off - ESP_HDR_LEN - sa->iv_len - sa->icv_len;
	if (unlikely(!(sa->flags & ESP_SA_AEAD) && ct_len % 16 != 0))
		return NFV_DR_ESP_SHORT;
	/* bytes: finish checks the payload, known only after decryption */
	if (unlikely(esp_sa_lifetime(sa, worker, now, 0) < 0)) {
		sa->stats[worker].expired++;
		return NFV_DR_ESP_SA_EXPIRED;
	}
	op->seq = esp_replay_infer(&sa->replay, rte_be_to_cpu_32(esp_get32(esp + 4)),
				   sa->flags & ESP_SA_ESN);
	if (!(sa->flags & ESP_SA_NO_REPLAY) && esp_replay_check(&sa->replay, op->seq) < 0) {
		sa->stats[worker].replay++;
		return NFV_DR_ESP_REPLAY;
	}
	if (m->pkt_len > len)	/* link layer padding */
		rte_pktmbuf_trim(m, m->pkt_len - len);

	op->m = m;
	op->sa = sa;
	op->encrypt = 0;
	op->natt = esp_off != h->l3;
	op->esp_off = esp_off;
	op->l3_len = h->l3;
	op->nh_off = h->nh_off;
	op->len = ct_len;
	op->src = esp + ESP_HDR_LEN + sa->iv_len;
	op->icv = op->src + ct_len;
	op->icv_saved = 0;
	if (sa->flags & ESP_SA_AEAD) {
		esp_crypto_aead_nonce(op, esp + ESP_HDR_LEN);
		esp_crypto_aad(op, esp_get32(esp), op->seq, sa->flags & ESP_SA_ESN);
		op->hash = NULL;
		return 0;
	}
	op->iv = esp + ESP_HDR_LEN;
	op->hash = esp;
	op->hash_len = ESP_HDR_LEN + 16 + ct_len;
	if (sa->flags & ESP_SA_ESN) {
		uint32_t hi = rte_cpu_to_be_32((uint32_t)(op->seq >> 32));

		memcpy(op->icv_save, op->icv, sa->icv_len);
		memcpy(op->icv, &hi, 4);
		op->icv_saved = 1;
		op->hash_len += 4;
	}
	return 0;
}

/*
 * The inbound policy check of a decrypted packet, Linux semantics: sp is
 * the first inbound policy its selectors match (NULL: none, or they could
 * not be read and bad is set). A tunnel SA needs a matching PROTECT
 * policy of its reqid; a transport SA may also have none, or BYPASS.
 */
bool esp_decap_policy_ok(const struct esp_sa *sa, const struct esp_sp *sp, bool bad)
{
	if (bad)
		return false;
	if (sp == NULL)
		return !(sa->flags & ESP_SA_TUNNEL);
	if (esp_sp_action(sp) == NFV_IPSEC_PROTECT)
		return esp_sp_reqid(sp) == sa->reqid;
	return esp_sp_action(sp) == NFV_IPSEC_BYPASS && !(sa->flags & ESP_SA_TUNNEL);
}

int esp_decap_finish(struct nfv_ipsec *ips, struct esp_op *op,
		     unsigned int worker)
{
	struct esp_sa *sa = op->sa;
	struct esp_sa_wstats *st = &sa->stats[worker];
	struct rte_mbuf *m = op->m;
	uint32_t padlen, plen, hdr, i;
	uint8_t nh, family;
	uint8_t *p;

	if (unlikely(!op->ok)) {
		if (op->failed) {
			st->crypto++;
			return NFV_DR_ESP_CRYPTO;
		}
		st->auth++;
		return NFV_DR_ESP_AUTH;
	}
	padlen = op->src[op->len - 2];
	nh = op->src[op->len - 1];
	/* the payload, as counted below; a bad pad length is refused below */
	if (unlikely(esp_sa_hard_reached(sa, st, padlen + 2u <= op->len ?
						  op->len - padlen - 2 : 0))) {
		st->expired++;
		return NFV_DR_ESP_SA_EXPIRED;
	}
	if (unlikely(!(sa->flags & ESP_SA_NO_REPLAY) &&
		     esp_replay_update(&sa->replay, op->seq) < 0)) {
		st->replay++;
		return NFV_DR_ESP_REPLAY;
	}
	if (unlikely(padlen + 2 > op->len)) {
		st->pad++;
		return NFV_DR_ESP_PAD;
	}
	/* authenticated and in the window: where the peer is now (esp_natt.c) */
	if (op->natt)
		esp_natt_peer_seen(&ips->wk[worker], sa, st,
				   rte_pktmbuf_mtod(m, const uint8_t *), op->l3_len, op->seq);
	plen = op->len - padlen - 2;
	for (i = 0; i < padlen; i++) {
		if (unlikely(op->src[plen + i] != i + 1)) {
			st->pad++;
			return NFV_DR_ESP_PAD;
		}
	}
	hdr = op->esp_off + ESP_HDR_LEN + sa->iv_len;
	family = sa->family;
	if (sa->flags & ESP_SA_TUNNEL) {
		if (nh == ESP_IPPROTO_IPIP && plen >= 20 && op->src[0] >> 4 == 4)
			family = AF_INET;
		else if (nh == ESP_IPPROTO_IPV6 && plen >= 40 && op->src[0] >> 4 == 6)
			family = AF_INET6;
		else
			goto bad_nh;
		rte_pktmbuf_adj(m, hdr);
	} else {
		if (unlikely(nh == ESP_IPPROTO_NONE))	/* TFC dummy packet */
			goto bad_nh;
		p = rte_pktmbuf_mtod(m, uint8_t *);
		memmove(p + hdr - op->l3_len, p, op->l3_len);
		rte_pktmbuf_adj(m, hdr - op->l3_len);
		esp_fix_l3(rte_pktmbuf_mtod(m, uint8_t *), family, op->nh_off,
			   op->l3_len + plen, nh);
	}
	rte_pktmbuf_trim(m, padlen + 2 + sa->icv_len);
	op->plen = plen;
	st->packets++;
	st->bytes += plen;
	/* the inbound policy is the caller's, in one classification per batch */
	esp_meta_renew(nfv_mbuf_meta(m), family, NFV_MBUF_F_SECPATH, sa->id);
	return 0;

bad_nh:
	st->next_hdr++;
	return NFV_DR_ESP_NEXT_HDR;
}
