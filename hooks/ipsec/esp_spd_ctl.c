/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD, control side: the only writer. It rebuilds the array of an SPD
 * on every change, publishes it with one store and frees the old one
 * after the grace period. Policies are added in batches (a start-up
 * policy at once, nfv_ipsec_sp_add_bulk): each SPD of a batch is merged
 * and copied once, one grace period for all.
 *
 * Inbound policies count the packets they refuse (esp_policy_in.c) in a
 * block of their own that the compiled copies share, so the counts
 * survive the rebuilds; it is freed with the policy, after the grace period.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_malloc.h>

#include "esp.h"

/* Below this many policies a walk is as fast as a classification. */
#define ESP_SPD_ACL_MIN 16

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

static int esp_sp_conf_check(const struct nfv_ipsec *ips,
			     const struct nfv_ipsec_sp_conf *c)
{
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
	return 0;
}

/* (direction, id): what must be unique */
static inline uint64_t esp_sp_key(unsigned int dir, uint32_t id)
{
	return (uint64_t)dir << 32 | id;
}

static int esp_key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool esp_key_in(const uint64_t *keys, uint32_t n, uint64_t k)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (keys[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && keys[lo] == k;
}

/*
 * -EEXIST when two of the batch, or one of the batch and one of the SPDs,
 * share a direction and an id: the batch's keys sorted, then each policy
 * in place looked up in them, O((n + N) log n) for n new and N present.
 */
static int esp_spd_dup_check(const struct nfv_ipsec *ips,
			     const struct nfv_ipsec_sp_conf *c, uint32_t n)
{
	uint64_t *keys = malloc(n * sizeof(*keys));
	int rc = 0;

	if (keys == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		keys[i] = esp_sp_key(c[i].dir, c[i].id);
	qsort(keys, n, sizeof(keys[0]), esp_key_cmp);
	for (uint32_t i = 1; i < n && rc == 0; i++)
		if (keys[i] == keys[i - 1])
			rc = -EEXIST;
	for (unsigned int d = 0; d < 2 && rc == 0; d++)
		for (unsigned int v6 = 0; v6 < 2 && rc == 0; v6++) {
			const struct esp_spd *spd = ips->spd[d][v6];

			for (uint32_t i = 0; spd != NULL && i < spd->n; i++)
				if (esp_key_in(keys, n, esp_sp_key(d, spd->sp[i].id))) {
					rc = -EEXIST;
					break;
				}
		}
	free(keys);
	return rc;
}

/* The batch's order: SPD (dir * 2 + v6), priority, then the order given. */
struct esp_sp_ord {
	uint32_t spd;
	int32_t priority;
	uint32_t i;
};

static int esp_ord_cmp(const void *a, const void *b)
{
	const struct esp_sp_ord *x = a, *y = b;

	if (x->spd != y->spd)
		return x->spd < y->spd ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The new array of an SPD with the batch's policies of that SPD (ord, n
 * of them, sorted) merged in where n single adds in the order given would
 * have put them: each after every policy of a lower or equal priority.
 */
static struct esp_spd *esp_spd_merge(const struct esp_spd *old,
				     const struct nfv_ipsec_sp_conf *c,
				     const struct esp_sp_ord *ord, uint32_t n,
				     struct esp_sp_cnt *const *cnt, bool v6)
{
	uint32_t on = old != NULL ? old->n : 0, i = 0, j = 0, k = 0;
	struct esp_spd *next;

	next = rte_zmalloc("esp_spd", sizeof(*next) + (on + n) * sizeof(next->sp[0]), 0);
	if (next == NULL)
		return NULL;
	while (i < on || j < n) {
		if (j == n || (i < on && old->sp[i].priority <= ord[j].priority)) {
			next->sp[k++] = old->sp[i++];
			continue;
		}
		esp_sp_compile(&next->sp[k], &c[ord[j].i]);
		next->sp[k++].cnt = cnt[ord[j++].i];
	}
	next->n = k;
	next->v6 = v6;
	return next;
}

void esp_spd_batch_abort(struct esp_spd_batch *b)
{
	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++)
			rte_free(b->next[d][v6]);
	for (uint32_t i = 0; b->cnt != NULL && i < b->n; i++)
		rte_free(b->cnt[i]);
	free(b->cnt);
	memset(b, 0, sizeof(*b));
}

int esp_spd_batch_prepare(const struct nfv_ipsec *ips, const struct nfv_ipsec_sp_conf *c,
			  uint32_t n, struct esp_spd_batch *b)
{
	struct esp_sp_ord *ord = NULL;
	uint32_t i, j;
	int rc;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		rc = esp_sp_conf_check(ips, &c[i]);
		if (rc < 0)
			return rc;
		b->inbound |= c[i].dir == NFV_IPSEC_DIR_IN;
	}
	if (n == 0)
		return 0;
	rc = esp_spd_dup_check(ips, c, n);
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	ord = malloc(n * sizeof(*ord));
	b->cnt = calloc(n, sizeof(b->cnt[0]));
	if (ord == NULL || b->cnt == NULL)
		goto err;
	b->n = n;
	for (i = 0; i < n; i++) {
		ord[i] = (struct esp_sp_ord){
			.spd = c[i].dir * 2 + (c[i].family == AF_INET6),
			.priority = c[i].priority, .i = i,
		};
		/* inbound policies count what they refuse, in a block of their own */
		if (c[i].dir != NFV_IPSEC_DIR_IN)
			continue;
		b->cnt[i] = rte_zmalloc("esp_sp_cnt", sizeof(struct esp_sp_cnt), 0);
		if (b->cnt[i] == NULL)
			goto err;
	}
	qsort(ord, n, sizeof(ord[0]), esp_ord_cmp);
	for (i = 0; i < n; i = j) {
		unsigned int d = ord[i].spd / 2, v6 = ord[i].spd % 2;

		for (j = i; j < n && ord[j].spd == ord[i].spd; j++)
			;
		b->next[d][v6] = esp_spd_merge(ips->spd[d][v6], c, &ord[i], j - i,
					       b->cnt, v6);
		if (b->next[d][v6] == NULL)
			goto err;
	}
	free(ord);
	return 0;
err:
	free(ord);
	esp_spd_batch_abort(b);
	return rc;
}

/*
 * Nothing can fail any more: each changed SPD is published with its own
 * store, one grace period covers them all, then the old arrays go (their
 * policies' counters live on in the new ones).
 */
void esp_spd_batch_commit(struct nfv_ipsec *ips, struct esp_spd_batch *b)
{
	struct esp_spd *old[2][2] = { { NULL } };
	bool changed = false;

	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++) {
			if (b->next[d][v6] == NULL)
				continue;
			old[d][v6] = ips->spd[d][v6];
			__atomic_store_n(&ips->spd[d][v6], b->next[d][v6], __ATOMIC_RELEASE);
			changed = true;
		}
	if (changed)
		esp_ctl_synchronize(ips);
	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++) {
			if (old[d][v6] != NULL)
				rte_acl_free(old[d][v6]->acl);
			rte_free(old[d][v6]);
		}
	free(b->cnt);
	memset(b, 0, sizeof(*b));
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
