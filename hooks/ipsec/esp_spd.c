/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD: per direction and family, an immutable array of policies in
 * priority order, first match wins (as XFRM). The control side rebuilds the
 * array on every change, publishes it with one store and frees the old one
 * after the grace period. A linear scan: fine for tens of policies; a large
 * SPD would want rte_acl as hooks/filter does.
 *
 * Inbound policies count the packets they refuse (esp_policy_in.c) in a
 * block of their own that the compiled copies share, so the counts
 * survive the rebuilds; it is freed with the policy, after the grace period.
 */
#include <errno.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_malloc.h>

#include "esp.h"

/* Below this many policies a walk is as fast as a classification. */
#define ESP_SPD_ACL_MIN 16

/*
 * Per worker, written by that worker only. Not cache-aligned per worker:
 * these move only for refused packets, and 20,000 policies stay small.
 */
struct esp_sp_cnt {
	uint64_t refused[NFV_MAX_WORKERS];
};

struct esp_spd {
	uint32_t n;
	bool v6;
	bool acl_failed;		/* control side: the build failed, walk */
	/* built after publication by esp_spd_acl_sync(); NULL: walk */
	struct rte_acl_ctx *acl;
	struct esp_sp sp[];
};

enum nfv_ipsec_action esp_sp_action(const struct esp_sp *sp) { return sp->action; }
uint32_t esp_sp_sa(const struct esp_sp *sp) { return sp->sa_id; }
uint32_t esp_sp_reqid(const struct esp_sp *sp) { return sp->reqid; }

bool esp_spd_acl_ready(const struct esp_spd *spd)
{
	return spd != NULL && __atomic_load_n(&spd->acl, __ATOMIC_ACQUIRE) != NULL;
}

uint32_t esp_spd_size(const struct esp_spd *spd)
{
	return spd != NULL ? spd->n : 0;
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

static void esp_prefix_mask(const struct nfv_prefix *p, uint64_t net[2],
			    uint64_t mask[2])
{
	uint8_t m[16] = { 0 };
	unsigned int i;

	for (i = 0; i < p->len && i < 128; i++)
		m[i / 8] |= 0x80 >> (i % 8);
	memcpy(mask, m, 16);
	memcpy(net, p->addr.bytes, 16);
	if (p->addr.family == AF_INET || p->len == 0) {
		/* the unused tail of an IPv4 address must not matter */
		memset((uint8_t *)net + (p->addr.family == AF_INET ? 4 : 0), 0,
		       p->addr.family == AF_INET ? 12 : 16);
	}
	net[0] &= mask[0];
	net[1] &= mask[1];
}

static void esp_sp_compile(struct esp_sp *sp, const struct nfv_ipsec_sp_conf *c)
{
	memset(sp, 0, sizeof(*sp));
	esp_prefix_mask(&c->src, sp->src, sp->smask);
	esp_prefix_mask(&c->dst, sp->dst, sp->dmask);
	sp->proto = c->proto;
	sp->action = c->action;
	sp->sport_min = c->sport_min;
	sp->sport_max = c->sport_max;
	sp->dport_min = c->dport_min;
	sp->dport_max = c->dport_max;
	if ((c->sport_min | c->sport_max | c->dport_min | c->dport_max) == 0) {
		sp->any_port = true;
	} else {
		if (c->sport_max == 0 && c->sport_min == 0)
			sp->sport_max = UINT16_MAX;
		if (c->dport_max == 0 && c->dport_min == 0)
			sp->dport_max = UINT16_MAX;
	}
	sp->priority = c->priority;
	sp->id = c->id;
	sp->sa_id = c->sa_id;
	sp->reqid = c->reqid;
}

/* Publishes next in place of *slot; frees the old array after the grace period. */
static void esp_spd_publish(struct nfv_ipsec *ips, struct esp_spd **slot,
			    struct esp_spd *next)
{
	struct esp_spd *old = *slot;

	__atomic_store_n(slot, next, __ATOMIC_RELEASE);
	esp_ctl_synchronize(ips);
	if (old != NULL)
		rte_acl_free(old->acl);
	rte_free(old);
}

/*
 * Control side, after changes (the dataplane's control loop calls it): the
 * trie of each large SPD that has none yet. Workers walk until it is
 * published; a failed build (memory) leaves the walk, which is exact.
 */
void esp_spd_acl_sync(struct nfv_ipsec *ips)
{
	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++) {
			struct esp_spd *spd = ips->spd[d][v6];
			struct rte_acl_ctx *ctx;

			if (spd == NULL || spd->n < ESP_SPD_ACL_MIN || spd->acl != NULL ||
			    spd->acl_failed)
				continue;
			ctx = esp_spd_acl_build(spd->sp, spd->n, v6, ips->socket_id);
			if (ctx == NULL)
				spd->acl_failed = true;
			else
				__atomic_store_n(&spd->acl, ctx, __ATOMIC_RELEASE);
		}
}

int esp_spd_add(struct nfv_ipsec *ips, const struct nfv_ipsec_sp_conf *c)
{
	struct esp_spd **slot, *old, *next;
	uint32_t i, n, at;

	if (c->dir > NFV_IPSEC_DIR_OUT || c->action > NFV_IPSEC_DISCARD ||
	    (c->family != AF_INET && c->family != AF_INET6) ||
	    (c->src.len && c->src.addr.family != c->family) ||
	    (c->dst.len && c->dst.addr.family != c->family) ||
	    c->src.len > 128 || c->dst.len > 128 ||
	    c->sport_min > c->sport_max || c->dport_min > c->dport_max)
		return -EINVAL;
	if (c->dir == NFV_IPSEC_DIR_OUT && c->action == NFV_IPSEC_PROTECT &&
	    c->sa_id >= ips->max_sa)
		return -EINVAL;
	for (i = 0; i < 2; i++) {
		old = ips->spd[c->dir][i];
		for (n = 0; old != NULL && n < old->n; n++)
			if (old->sp[n].id == c->id)
				return -EEXIST;
	}
	slot = &ips->spd[c->dir][c->family == AF_INET6];
	old = *slot;
	n = old != NULL ? old->n : 0;
	next = rte_zmalloc("esp_spd", sizeof(*next) + (n + 1) * sizeof(next->sp[0]), 0);
	if (next == NULL)
		return -ENOMEM;
	for (at = 0; at < n && old->sp[at].priority <= c->priority; at++)
		;
	if (n)
		memcpy(next->sp, old->sp, at * sizeof(old->sp[0]));
	esp_sp_compile(&next->sp[at], c);
	if (c->dir == NFV_IPSEC_DIR_IN) {
		next->sp[at].cnt = rte_zmalloc("esp_sp_cnt", sizeof(struct esp_sp_cnt), 0);
		if (next->sp[at].cnt == NULL) {
			rte_free(next);
			return -ENOMEM;
		}
	}
	if (n > at)
		memcpy(&next->sp[at + 1], &old->sp[at], (n - at) * sizeof(old->sp[0]));
	next->n = n + 1;
	next->v6 = c->family == AF_INET6;
	esp_spd_publish(ips, slot, next);
	return 0;
}

int esp_spd_del(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir, uint32_t id)
{
	struct esp_sp_cnt *cnt = NULL;
	struct esp_spd *next, *old;
	unsigned int v6;
	uint32_t i, j;

	if (dir > NFV_IPSEC_DIR_OUT)
		return -EINVAL;
	for (v6 = 0; v6 < 2; v6++) {
		old = ips->spd[dir][v6];
		for (i = 0; old != NULL && i < old->n; i++)
			if (old->sp[i].id == id)
				goto found;
	}
	return -ENOENT;
found:
	next = rte_zmalloc("esp_spd", sizeof(*next) + old->n * sizeof(next->sp[0]), 0);
	if (next == NULL)
		return -ENOMEM;
	for (i = 0, j = 0; i < old->n; i++) {
		if (old->sp[i].id != id)
			next->sp[j++] = old->sp[i];
		else
			cnt = old->sp[i].cnt;
	}
	next->n = j;
	next->v6 = v6;
	/* after the grace period no worker counts into cnt any more */
	esp_spd_publish(ips, &ips->spd[dir][v6], next);
	rte_free(cnt);
	return 0;
}

int esp_spd_stats(const struct nfv_ipsec *ips, enum nfv_ipsec_dir dir,
		  uint32_t id, uint64_t *refused)
{
	if (dir > NFV_IPSEC_DIR_OUT)
		return -EINVAL;
	for (unsigned int v6 = 0; v6 < 2; v6++) {
		const struct esp_spd *spd = ips->spd[dir][v6];

		for (uint32_t i = 0; spd != NULL && i < spd->n; i++) {
			const struct esp_sp *sp = &spd->sp[i];

			if (sp->id != id)
				continue;
			*refused = 0;
			for (unsigned int w = 0; sp->cnt != NULL && w < NFV_MAX_WORKERS; w++)
				*refused += sp->cnt->refused[w];
			return 0;
		}
	}
	return -ENOENT;
}

/* true when an inbound policy of either family exists */
bool esp_spd_has_inbound(const struct nfv_ipsec *ips)
{
	const struct esp_spd *v4 = ips->spd[NFV_IPSEC_DIR_IN][0];
	const struct esp_spd *v6 = ips->spd[NFV_IPSEC_DIR_IN][1];

	return (v4 != NULL && v4->n > 0) || (v6 != NULL && v6->n > 0);
}

/* Teardown only: no worker runs the entries any more. */
void esp_spd_free_all(struct nfv_ipsec *ips)
{
	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++) {
			const struct esp_spd *spd = ips->spd[d][v6];

			for (uint32_t i = 0; spd != NULL && i < spd->n; i++)
				rte_free(spd->sp[i].cnt);
			if (spd != NULL)
				rte_acl_free(spd->acl);
			rte_free(ips->spd[d][v6]);
			ips->spd[d][v6] = NULL;
		}
}
