/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RIB: the control side's route list, and the two FIB copies it keeps
 * in step (rib.h). A change goes into the copy workers do not read; the
 * commit publishes that copy, waits one grace period and replays the
 * pending changes onto the other. Next-hop indexes are stable while a
 * route uses them: each copy has its own next-hop table, so a released
 * index may be reused at once without a worker of the published copy
 * seeing it change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_malloc.h>
#include <rte_rib.h>
#include <rte_rib6.h>

#include "log.h"
#include "nfv_hook_table.h"
#include "nfv_msg.h"
#include "fib.h"
#include "rib.h"

#define FIB4_TBL8 (1u << 12)
#define FIB6_TBL8 (1u << 14)
#define FIB_MAX_ROUTES (1u << 17)
#define NH_SLOTS (NFV_RIB_NH_MAX + 1u)

#define IDX_EMPTY 0u
#define IDX_DEL UINT32_MAX

/* ---- the open-addressing index (values are route or next-hop indexes) */

typedef uint32_t (*index_hash_fn)(const struct nfv_rib *rib, uint32_t val);

static uint32_t fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static int index_init(struct nfv_rib_index *x, uint32_t slots)
{
	x->slot = calloc(slots, sizeof(*x->slot));
	if (x->slot == NULL)
		return -ENOMEM;
	x->mask = slots - 1;
	x->used = 0;
	return 0;
}

static void index_fini(struct nfv_rib_index *x)
{
	free(x->slot);
	memset(x, 0, sizeof(*x));
}

/* Puts val in the first free slot of its chain; the caller made room. */
static void index_put(struct nfv_rib_index *x, uint32_t hash, uint32_t val)
{
	uint32_t i = hash & x->mask;

	while (x->slot[i] != IDX_EMPTY && x->slot[i] != IDX_DEL)
		i = (i + 1) & x->mask;
	if (x->slot[i] == IDX_EMPTY)
		x->used++;
	x->slot[i] = val + 1;
}

/*
 * Room for one more: at 3/4 full (deleted slots count), rehash into a
 * table twice the live count's need; deleted slots go away with it.
 */
static int index_reserve(struct nfv_rib *rib, struct nfv_rib_index *x, uint32_t live,
			 index_hash_fn hash)
{
	struct nfv_rib_index n;
	uint32_t slots = x->mask + 1;

	if ((x->used + 1) * 4 < slots * 3)
		return 0;
	while ((live + 1) * 2 > slots)
		slots *= 2;
	if (index_init(&n, slots) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i <= x->mask; i++)
		if (x->slot[i] != IDX_EMPTY && x->slot[i] != IDX_DEL)
			index_put(&n, hash(rib, x->slot[i] - 1), x->slot[i] - 1);
	free(x->slot);
	*x = n;
	return 0;
}

/* ---- prefixes */

static uint32_t prefix_hash(const struct nfv_prefix *p)
{
	uint32_t h = fnv1a(2166136261u, &p->addr.family, sizeof(p->addr.family));

	h = fnv1a(h, &p->len, sizeof(p->len));
	return fnv1a(h, p->addr.bytes, p->addr.family == AF_INET ? 4 : 16);
}

static bool prefix_equal(const struct nfv_prefix *a, const struct nfv_prefix *b)
{
	return a->len == b->len && a->addr.family == b->addr.family &&
	       memcmp(a->addr.bytes, b->addr.bytes,
		      a->addr.family == AF_INET ? 4 : 16) == 0;
}

static uint32_t route_hash(const struct nfv_rib *rib, uint32_t i)
{
	return prefix_hash(&rib->routes[i].dst);
}

/* The slot that holds dst's route, or NULL. */
static uint32_t *dst_slot(const struct nfv_rib *rib, const struct nfv_prefix *dst)
{
	const struct nfv_rib_index *x = &rib->by_dst;
	uint32_t i = prefix_hash(dst) & x->mask;

	for (; x->slot[i] != IDX_EMPTY; i = (i + 1) & x->mask)
		if (x->slot[i] != IDX_DEL && prefix_equal(&rib->routes[x->slot[i] - 1].dst, dst))
			return &x->slot[i];
	return NULL;
}

/* ---- next hops */

static uint32_t nh_hash_of(const struct nfv_nexthop *nh)
{
	return fnv1a(2166136261u, nh, sizeof(*nh));
}

static uint32_t nh_hash(const struct nfv_rib *rib, uint32_t i)
{
	return nh_hash_of(&rib->nh[i]);
}

static void nh_from_route(const struct nfv_route *r, struct nfv_nexthop *nh)
{
	memset(nh, 0, sizeof(*nh));
	nh->family = r->dst.addr.family;
	nh->port = r->port;
	nh->vlan = r->vlan;
	switch (r->kind) {
	case NFV_ROUTE_BLACKHOLE:
		nh->type = NFV_NH_BLACKHOLE;
		break;
	case NFV_ROUTE_LOCAL:
		nh->type = NFV_NH_LOCAL;
		break;
	default:
		nh->type = NFV_NH_FORWARD;
		nh->has_gw = r->has_via;
		if (r->has_via)
			memcpy(nh->gw, r->via.bytes, sizeof(nh->gw));
		break;
	}
}

static void nh_dirty(struct nfv_rib *rib, uint32_t i)
{
	if (rib->nh_dirty_lo >= rib->nh_dirty_hi) {
		rib->nh_dirty_lo = i;
		rib->nh_dirty_hi = i + 1;
	} else {
		rib->nh_dirty_lo = RTE_MIN(rib->nh_dirty_lo, i);
		rib->nh_dirty_hi = RTE_MAX(rib->nh_dirty_hi, i + 1);
	}
}

/*
 * A reference to the next hop equal to nh: an existing index, or a new one
 * written into the shadow copy (the published copy's table is not read at
 * that index by any route it holds). 0 when every index is taken.
 */
static uint32_t nh_get(struct nfv_rib *rib, const struct nfv_nexthop *nh)
{
	struct nfv_rib_index *x = &rib->by_nh;
	uint32_t h = nh_hash_of(nh), i, idx;

	for (i = h & x->mask; x->slot[i] != IDX_EMPTY; i = (i + 1) & x->mask) {
		idx = x->slot[i] - 1;
		if (x->slot[i] != IDX_DEL && memcmp(&rib->nh[idx], nh, sizeof(*nh)) == 0) {
			rib->nh_ref[idx]++;
			return idx;
		}
	}
	if (rib->nb_nh_free > 0)
		idx = rib->nh_free[--rib->nb_nh_free];
	else if (rib->nb_nh < NH_SLOTS)
		idx = rib->nb_nh++;
	else
		return 0;
	if (index_reserve(rib, x, rib->nh_live, nh_hash) < 0) {
		rib->nh_free[rib->nb_nh_free++] = idx;
		return 0;
	}
	rib->nh[idx] = *nh;
	rib->nh_ref[idx] = 1;
	rib->nh_live++;
	index_put(x, h, idx);
	rib->copy[rib->shadow]->nh[idx] = *nh;
	rib->copy[rib->shadow]->nb_nh = RTE_MAX(rib->copy[rib->shadow]->nb_nh, idx + 1);
	nh_dirty(rib, idx);
	return idx;
}

static void nh_put(struct nfv_rib *rib, uint32_t idx)
{
	struct nfv_rib_index *x = &rib->by_nh;
	uint32_t i;

	if (--rib->nh_ref[idx] > 0)
		return;
	for (i = nh_hash(rib, idx) & x->mask; x->slot[i] != idx + 1; i = (i + 1) & x->mask)
		;
	x->slot[i] = IDX_DEL;
	rib->nh_live--;
	rib->nh_free[rib->nb_nh_free++] = idx;
}

uint32_t nfv_rib_nh_count(const struct nfv_rib *rib)
{
	return rib->nh_live;
}

/* ---- the FIB copies */

static void copy_free(struct nfv_fib_snap *s)
{
	if (s == NULL)
		return;
	rte_fib_free(s->v4);
	rte_fib6_free(s->v6);
	rte_free(s);
}

static struct nfv_fib_snap *copy_alloc(void)
{
	static unsigned int names;	/* control side only */
	struct rte_fib_conf c4 = {
		.type = RTE_FIB_DIR24_8, .default_nh = 0,
		.max_routes = FIB_MAX_ROUTES,
		.dir24_8 = { .nh_sz = RTE_FIB_DIR24_8_2B, .num_tbl8 = FIB4_TBL8 },
	};
	struct rte_fib6_conf c6 = {
		.type = RTE_FIB6_TRIE, .default_nh = 0,
		.max_routes = FIB_MAX_ROUTES,
		.trie = { .nh_sz = RTE_FIB6_TRIE_2B, .num_tbl8 = FIB6_TBL8 },
	};
	struct nfv_fib_snap *s;
	char name[32];

	s = rte_zmalloc("nfv_fib_snap", sizeof(*s) + NH_SLOTS * sizeof(s->nh[0]),
			RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		return NULL;
	s->nb_nh = 1;
	/* names are short: the FIB's mempool adds a prefix within 26 chars */
	snprintf(name, sizeof(name), "f4_%u", ++names);
	s->v4 = rte_fib_create(name, SOCKET_ID_ANY, &c4);
	snprintf(name, sizeof(name), "f6_%u", names);
	s->v6 = rte_fib6_create(name, SOCKET_ID_ANY, &c6);
	if (s->v4 == NULL || s->v6 == NULL) {
		copy_free(s);
		return NULL;
	}
	return s;
}

/* One change on one copy: nh 0 deletes. */
static int fib_apply(struct nfv_fib_snap *s, const struct nfv_prefix *p, uint32_t nh)
{
	uint32_t a4;

	if (p->addr.family == AF_INET) {
		memcpy(&a4, p->addr.bytes, 4);
		a4 = rte_be_to_cpu_32(a4);
		return nh ? rte_fib_add(s->v4, a4, p->len, nh) : rte_fib_delete(s->v4, a4, p->len);
	}
	return nh ? rte_fib6_add(s->v6, p->addr.bytes, p->len, nh) :
		    rte_fib6_delete(s->v6, p->addr.bytes, p->len);
}

/*
 * Empties a copy and fills it from the RIB, in place: the fallback when a
 * replay failed (memory may not hold a third copy).
 */
static int copy_refill(const struct nfv_rib *rib, struct nfv_fib_snap *s)
{
	static const uint8_t zero6[16];
	struct rte_rib *r4 = rte_fib_get_rib(s->v4);
	struct rte_rib6 *r6 = rte_fib6_get_rib(s->v6);
	struct rte_rib_node *n;
	struct rte_rib6_node *n6;
	uint8_t ip6[16], depth;
	uint32_t ip;
	int ret;

	while ((n = rte_rib_get_nxt(r4, 0, 0, NULL, RTE_RIB_GET_NXT_ALL)) != NULL) {
		rte_rib_get_ip(n, &ip);
		rte_rib_get_depth(n, &depth);
		if (rte_fib_delete(s->v4, ip, depth) < 0)
			return -EIO;
	}
	if (rte_rib_lookup_exact(r4, 0, 0) != NULL && rte_fib_delete(s->v4, 0, 0) < 0)
		return -EIO;
	while ((n6 = rte_rib6_get_nxt(r6, zero6, 0, NULL, RTE_RIB6_GET_NXT_ALL)) != NULL) {
		rte_rib6_get_ip(n6, ip6);
		rte_rib6_get_depth(n6, &depth);
		if (rte_fib6_delete(s->v6, ip6, depth) < 0)
			return -EIO;
	}
	if (rte_rib6_lookup_exact(r6, zero6, 0) != NULL && rte_fib6_delete(s->v6, zero6, 0) < 0)
		return -EIO;
	memcpy(s->nh, rib->nh, rib->nb_nh * sizeof(s->nh[0]));
	s->nb_nh = RTE_MAX(rib->nb_nh, 1u);
	for (unsigned int i = 0; i < rib->nb_routes; i++) {
		ret = fib_apply(s, &rib->routes[i].dst, rib->route_nh[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Records a change made to the shadow copy, for the replay. */
static int pending_push(struct nfv_rib *rib, const struct nfv_prefix *dst, uint32_t nh)
{
	if (rib->nb_pending == rib->cap_pending) {
		unsigned int cap = rib->cap_pending ? rib->cap_pending * 2 : 256;
		struct nfv_rib_op *v = realloc(rib->pending, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		rib->pending = v;
		rib->cap_pending = cap;
	}
	rib->pending[rib->nb_pending++] = (struct nfv_rib_op){ .dst = *dst, .nh = nh };
	return 0;
}

int nfv_rib_init(struct nfv_rib *rib, struct nfv_hook_table *rcu,
		 struct nfv_fib_snap **pub)
{
	memset(rib, 0, sizeof(*rib));
	rib->rcu = rcu;
	rib->pub = pub;
	rib->nb_nh = 1;		/* index 0: no route */
	rib->nh = calloc(NH_SLOTS, sizeof(*rib->nh));
	rib->nh_ref = calloc(NH_SLOTS, sizeof(*rib->nh_ref));
	rib->nh_free = calloc(NH_SLOTS, sizeof(*rib->nh_free));
	rib->copy[0] = copy_alloc();
	rib->copy[1] = copy_alloc();
	if (rib->nh == NULL || rib->nh_ref == NULL || rib->nh_free == NULL ||
	    rib->copy[0] == NULL || rib->copy[1] == NULL ||
	    index_init(&rib->by_dst, 256) < 0 || index_init(&rib->by_nh, 256) < 0) {
		nfv_rib_fini(rib);
		return -ENOMEM;
	}
	rib->shadow = 1;
	__atomic_store_n(rib->pub, rib->copy[0], __ATOMIC_RELEASE);
	return 0;
}

void nfv_rib_fini(struct nfv_rib *rib)
{
	/* workers have stopped, or never saw these copies */
	if (rib->pub != NULL)
		*rib->pub = NULL;
	copy_free(rib->copy[0]);
	copy_free(rib->copy[1]);
	free(rib->routes);
	free(rib->route_nh);
	free(rib->nh);
	free(rib->nh_ref);
	free(rib->nh_free);
	free(rib->pending);
	index_fini(&rib->by_dst);
	index_fini(&rib->by_nh);
	memset(rib, 0, sizeof(*rib));
}

static int routes_reserve(struct nfv_rib *rib)
{
	unsigned int cap;
	struct nfv_route *v;
	uint32_t *n;

	if (rib->nb_routes < rib->cap_routes)
		return 0;
	cap = rib->cap_routes ? rib->cap_routes * 2 : 64;
	v = realloc(rib->routes, cap * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	rib->routes = v;
	n = realloc(rib->route_nh, cap * sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	rib->route_nh = n;
	rib->cap_routes = cap;
	return 0;
}

int nfv_rib_add(struct nfv_rib *rib, const struct nfv_route *r)
{
	struct nfv_fib_snap *s = rib->copy[rib->shadow];
	uint32_t *slot = dst_slot(rib, &r->dst);
	struct nfv_nexthop nh;
	uint32_t idx, i;
	int ret;

	/* room first: nothing below may fail once the FIB changed */
	ret = pending_push(rib, &r->dst, 0);
	if (ret < 0)
		return ret;
	rib->nb_pending--;
	if (slot == NULL) {
		ret = routes_reserve(rib);
		if (ret == 0)
			ret = index_reserve(rib, &rib->by_dst, rib->nb_routes, route_hash);
		if (ret < 0)
			return ret;
	}
	nh_from_route(r, &nh);
	idx = nh_get(rib, &nh);
	if (idx == 0)
		return -ENOSPC;
	/* a stale copy is built from the RIB whole at the commit */
	ret = rib->stale ? 0 : fib_apply(s, &r->dst, idx);
	if (ret < 0) {
		nh_put(rib, idx);
		return ret;
	}
	pending_push(rib, &r->dst, idx);
	if (slot != NULL) {
		i = *slot - 1;
		nh_put(rib, rib->route_nh[i]);
	} else {
		i = rib->nb_routes++;
		index_put(&rib->by_dst, prefix_hash(&r->dst), i);
	}
	rib->routes[i] = *r;
	rib->route_nh[i] = idx;
	return 0;
}

int nfv_rib_del(struct nfv_rib *rib, const struct nfv_prefix *dst)
{
	uint32_t *slot = dst_slot(rib, dst), *moved;
	uint32_t i, last;
	int ret;

	if (slot == NULL)
		return -ENOENT;
	ret = pending_push(rib, dst, 0);
	if (ret < 0)
		return ret;
	ret = rib->stale ? 0 : fib_apply(rib->copy[rib->shadow], dst, 0);
	if (ret < 0) {
		rib->nb_pending--;
		return ret;
	}
	i = *slot - 1;
	*slot = IDX_DEL;
	nh_put(rib, rib->route_nh[i]);
	/* the last route takes the hole, as the listing always did */
	last = --rib->nb_routes;
	if (i != last) {
		moved = dst_slot(rib, &rib->routes[last].dst);
		rib->routes[i] = rib->routes[last];
		rib->route_nh[i] = rib->route_nh[last];
		*moved = i + 1;
	}
	return 0;
}

const struct nfv_route *nfv_rib_find(const struct nfv_rib *rib, const struct nfv_prefix *dst)
{
	const uint32_t *slot = dst_slot(rib, dst);

	return slot != NULL ? &rib->routes[*slot - 1] : NULL;
}

bool nfv_rib_pending(const struct nfv_rib *rib)
{
	return rib->nb_pending > 0 || rib->stale;
}

/* Brings the copy the workers just left up to the shadow's state. */
static int replay(struct nfv_rib *rib, struct nfv_fib_snap *s)
{
	for (unsigned int i = 0; i < rib->nb_pending; i++) {
		int ret = fib_apply(s, &rib->pending[i].dst, rib->pending[i].nh);

		if (ret < 0)
			return ret;
	}
	if (rib->nh_dirty_lo < rib->nh_dirty_hi)
		memcpy(&s->nh[rib->nh_dirty_lo], &rib->nh[rib->nh_dirty_lo],
		       (rib->nh_dirty_hi - rib->nh_dirty_lo) * sizeof(s->nh[0]));
	s->nb_nh = RTE_MAX(s->nb_nh, rib->nb_nh);
	return 0;
}

/* Makes copy i the RIB's again, from nothing. */
static int copy_rebuild(struct nfv_rib *rib, unsigned int i)
{
	rib->rebuilds++;
	return copy_refill(rib, rib->copy[i]);
}

int nfv_rib_commit(struct nfv_rib *rib)
{
	unsigned int pub = rib->shadow, other = rib->shadow ^ 1;
	int ret;

	if (rib->nb_pending == 0 && rib->nh_dirty_lo >= rib->nh_dirty_hi && !rib->stale)
		return 0;
	/* the workers keep a whole older FIB rather than get a partial one */
	if (rib->stale) {
		ret = copy_rebuild(rib, pub);
		if (ret < 0)
			return ret;
		rib->stale = false;
	}
	rib->commits++;
	rib->copy[pub]->gen = (uint32_t)rib->commits;
	__atomic_store_n(rib->pub, rib->copy[pub], __ATOMIC_RELEASE);
	nfv_hook_synchronize(rib->rcu);
	rib->shadow = other;
	/*
	 * Both copies took the same changes from the same state: a replay
	 * cannot run out of room the shadow had. Should it fail anyway, the
	 * copy is filled again from the RIB, now or at the next commit.
	 */
	ret = replay(rib, rib->copy[other]);
	if (ret < 0) {
		NFV_LOG(ERR, "FIB replay: %s; filling the copy again", strerror(-ret));
		ret = copy_rebuild(rib, other);
		if (ret < 0) {
			NFV_LOG(ERR, "FIB refill: %s; trying again at the next commit",
				strerror(-ret));
			rib->stale = true;
		}
	}
	rib->nb_pending = 0;
	rib->nh_dirty_lo = rib->nh_dirty_hi = 0;
	return 0;
}
