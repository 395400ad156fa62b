/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD, fast path: per direction and family, an immutable array of
 * policies in priority order, first match wins (as XFRM), walked when
 * small and classified by rte_acl (esp_spd_acl.c) from ESP_SPD_ACL_MIN
 * policies on. esp_spd_ctl.c builds and publishes the arrays.
 */
#include <string.h>

#include <rte_acl.h>

#include "esp.h"


bool esp_spd_acl_ready(const struct esp_spd *spd)
{
	return spd != NULL && __atomic_load_n(&spd->acl, __ATOMIC_ACQUIRE) != NULL;
}

uint32_t esp_spd_size(const struct esp_spd *spd)
{
	return spd != NULL ? spd->n : 0;
}

const struct esp_sp *esp_spd_at(const struct esp_spd *spd, uint32_t i)
{
	return &spd->sp[i];
}

void esp_sp_count(const struct esp_sp *sp, unsigned int worker)
{
	if (sp->cnt != NULL)
		sp->cnt->refused[worker]++;
}

int esp_sel_parse(const uint8_t *l3, uint32_t len, uint8_t family,
		  struct esp_sel *sel)
{
	uint32_t nh_off;
	uint8_t proto;
	int off;

	off = esp_l3_parse(l3, len, family, &proto, &nh_off);
	if (off < 0)
		return -1;
	sel->family = family;
	sel->src = l3 + (family == AF_INET ? 12 : 8);
	sel->dst = l3 + (family == AF_INET ? 16 : 24);
	sel->ports = true;
	if (family == AF_INET && (l3[6] & 0x1f) | l3[7])
		sel->ports = false;	/* not a first fragment */
	if (proto == ESP_IPPROTO_FRAGMENT && (uint32_t)off + 8 <= len) {
		sel->ports = false;
		proto = l3[off];
	}
	sel->proto = proto;
	sel->sport = sel->dport = 0;
	if (!sel->ports)
		return 0;
	if (proto == ESP_IPPROTO_TCP || proto == ESP_IPPROTO_UDP ||
	    proto == ESP_IPPROTO_SCTP) {
		if ((uint32_t)off + 4 > len)
			return -1;
		sel->sport = l3[off] << 8 | l3[off + 1];
		sel->dport = l3[off + 2] << 8 | l3[off + 3];
	} else if (proto == ESP_IPPROTO_ICMP || proto == ESP_IPPROTO_ICMPV6) {
		if ((uint32_t)off + 2 > len)
			return -1;
		sel->sport = l3[off];
		sel->dport = l3[off + 1];
	}
	return 0;
}

static inline bool esp_addr_match(const uint8_t *a, uint8_t family,
				  const uint64_t net[2], const uint64_t mask[2])
{
	uint64_t w[2] = { 0, 0 };
	uint32_t v4;

	/* one load of the right width: a narrow store then a wide load stalls */
	if (family == AF_INET) {
		memcpy(&v4, a, 4);
		return (((uint64_t)v4 & mask[0]) == net[0]) & (net[1] == 0);
	}
	memcpy(w, a, 16);
	return ((w[0] & mask[0]) == net[0]) & ((w[1] & mask[1]) == net[1]);
}

/* The first policy in order that matches sel, by walking them all. */
static const struct esp_sp *esp_spd_walk(const struct esp_spd *spd,
					 const struct esp_sel *sel)
{
	uint32_t i;

	for (i = 0; i < spd->n; i++) {
		const struct esp_sp *sp = &spd->sp[i];

		if (sp->proto != 0 && sp->proto != sel->proto)
			continue;
		if (!esp_addr_match(sel->src, sel->family, sp->src, sp->smask) ||
		    !esp_addr_match(sel->dst, sel->family, sp->dst, sp->dmask))
			continue;
		if (sp->any_port)
			return sp;
		if (!sel->ports || sel->sport < sp->sport_min ||
		    sel->sport > sp->sport_max || sel->dport < sp->dport_min ||
		    sel->dport > sp->dport_max)
			continue;
		return sp;
	}
	return NULL;
}

const struct esp_sp *esp_spd_lookup(const struct esp_spd *spd,
				    const struct esp_sel *sel)
{
	const struct esp_sp *sp;
	uint16_t idx = 0;

	esp_spd_lookup_bulk(spd, sel, &idx, 1, &sp);
	return sp;
}

void esp_spd_lookup_bulk(const struct esp_spd *spd, const struct esp_sel *sels,
			 const uint16_t *idx, uint16_t n, const struct esp_sp **out)
{
	const struct rte_acl_ctx *acl;
	uint32_t res[NFV_BURST];
	uint16_t j;

	if (spd == NULL) {
		for (j = 0; j < n; j++)
			out[j] = NULL;
		return;
	}
	acl = __atomic_load_n(&spd->acl, __ATOMIC_ACQUIRE);
	if (acl == NULL) {
		for (j = 0; j < n; j++)
			out[j] = esp_spd_walk(spd, &sels[idx[j]]);
		return;
	}
	esp_spd_acl_classify(acl, spd->v6, sels, idx, n, res);
	for (j = 0; j < n; j++)
		out[j] = res[j] != 0 ? &spd->sp[res[j] - 1] : NULL;
}

void esp_spd_classify(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir,
		      struct rte_mbuf **pkts, uint16_t n, uint8_t skip,
		      struct esp_sel *sels, const struct esp_sp **sps, bool *bad)
{
	const struct esp_sp *found[NFV_BURST];
	uint16_t idx[2][NFV_BURST], nidx[2] = { 0, 0 };
	const struct esp_spd *spd[2] = {
		__atomic_load_n(&ips->spd[dir][0], __ATOMIC_ACQUIRE),
		__atomic_load_n(&ips->spd[dir][1], __ATOMIC_ACQUIRE),
	};
	/* a family without policies: nothing of it to read */
	const bool any[2] = { esp_spd_size(spd[0]) != 0, esp_spd_size(spd[1]) != 0 };

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
		bool v6 = meta->family == AF_INET6;

		sps[i] = NULL;
		if (bad != NULL)
			bad[i] = false;
		if ((meta->flags & skip) || !any[v6])
			continue;
		/* the headers are contiguous in the first segment; see README.md */
		if (unlikely(esp_sel_parse(rte_pktmbuf_mtod(m, const uint8_t *),
					   rte_pktmbuf_data_len(m), meta->family,
					   &sels[i]) < 0)) {
			if (bad != NULL)
				bad[i] = true;
			continue;
		}
		idx[v6][nidx[v6]++] = i;
	}
	for (unsigned int v6 = 0; v6 < 2; v6++) {
		if (nidx[v6] == 0)
			continue;
		esp_spd_lookup_bulk(spd[v6], sels, idx[v6], nidx[v6], found);
		for (uint16_t j = 0; j < nidx[v6]; j++)
			sps[idx[v6][j]] = found[j];
	}
}
