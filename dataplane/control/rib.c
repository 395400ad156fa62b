/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RIB: the control side's route list, and the FIB snapshots it builds
 * from it and publishes to the workers (datapath/fib.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_malloc.h>

#include "nfv_hook_table.h"
#include "nfv_msg.h"
#include "fib.h"
#include "rib.h"

#define FIB4_TBL8 (1u << 12)
#define FIB6_TBL8 (1u << 14)
#define FIB_MAX_ROUTES (1u << 17)
#define NH_MAX 32767	/* what a 2-byte DIR24_8 next hop can hold */

int nfv_rib_init(struct nfv_rib *rib, struct nfv_hook_table *rcu,
		 struct nfv_fib_snap **pub)
{
	memset(rib, 0, sizeof(*rib));
	rib->rcu = rcu;
	rib->pub = pub;
	return nfv_rib_commit(rib);
}

static void snap_free(struct nfv_fib_snap *s)
{
	if (s == NULL)
		return;
	rte_fib_free(s->v4);
	rte_fib6_free(s->v6);
	rte_free(s);
}

void nfv_rib_fini(struct nfv_rib *rib)
{
	if (rib->pub != NULL) {
		snap_free(*rib->pub);
		*rib->pub = NULL;
	}
	free(rib->routes);
	memset(rib, 0, sizeof(*rib));
}

static bool prefix_equal(const struct nfv_prefix *a, const struct nfv_prefix *b)
{
	return a->len == b->len && a->addr.family == b->addr.family &&
	       memcmp(a->addr.bytes, b->addr.bytes,
		      a->addr.family == AF_INET ? 4 : 16) == 0;
}

int nfv_rib_add(struct nfv_rib *rib, const struct nfv_route *r)
{
	for (unsigned int i = 0; i < rib->nb_routes; i++) {
		if (prefix_equal(&rib->routes[i].dst, &r->dst)) {
			rib->routes[i] = *r;
			return 0;
		}
	}
	if (rib->nb_routes == rib->cap_routes) {
		unsigned int cap = rib->cap_routes ? rib->cap_routes * 2 : 64;
		struct nfv_route *v = realloc(rib->routes, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		rib->routes = v;
		rib->cap_routes = cap;
	}
	rib->routes[rib->nb_routes++] = *r;
	return 0;
}

int nfv_rib_del(struct nfv_rib *rib, const struct nfv_prefix *dst)
{
	for (unsigned int i = 0; i < rib->nb_routes; i++) {
		if (prefix_equal(&rib->routes[i].dst, dst)) {
			rib->routes[i] = rib->routes[--rib->nb_routes];
			return 0;
		}
	}
	return -ENOENT;
}

const struct nfv_route *nfv_rib_find(const struct nfv_rib *rib, const struct nfv_prefix *dst)
{
	for (unsigned int i = 0; i < rib->nb_routes; i++)
		if (prefix_equal(&rib->routes[i].dst, dst))
			return &rib->routes[i];
	return NULL;
}

/* The index of an equal next hop, or a new one; 0 when the table is full. */
static uint32_t nh_get(struct nfv_fib_snap *s, const struct nfv_nexthop *nh)
{
	for (uint32_t i = 1; i < s->nb_nh; i++)
		if (memcmp(&s->nh[i], nh, sizeof(*nh)) == 0)
			return i;
	if (s->nb_nh > NH_MAX)
		return 0;
	s->nh[s->nb_nh] = *nh;
	return s->nb_nh++;
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

static struct nfv_fib_snap *snap_build(struct nfv_rib *rib)
{
	static unsigned int snap_names;	/* control side only */
	unsigned int max_nh = RTE_MIN(rib->nb_routes + 1u, NH_MAX + 1u);
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
	int ret = 0;

	s = rte_zmalloc("nfv_fib_snap", sizeof(*s) + max_nh * sizeof(s->nh[0]),
			RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		return NULL;
	s->nb_nh = 1;
	/* names are short: the FIB's mempool adds a prefix within 26 chars */
	snprintf(name, sizeof(name), "f4_%u", ++snap_names);
	s->v4 = rte_fib_create(name, SOCKET_ID_ANY, &c4);
	snprintf(name, sizeof(name), "f6_%u", snap_names);
	s->v6 = rte_fib6_create(name, SOCKET_ID_ANY, &c6);
	if (s->v4 == NULL || s->v6 == NULL)
		goto err;

	for (unsigned int i = 0; i < rib->nb_routes && ret == 0; i++) {
		const struct nfv_route *r = &rib->routes[i];
		struct nfv_nexthop nh;
		uint32_t idx;
		uint32_t a4;

		nh_from_route(r, &nh);
		idx = nh_get(s, &nh);
		if (idx == 0) {
			errno = ENOSPC;
			goto err;
		}
		if (r->dst.addr.family == AF_INET) {
			memcpy(&a4, r->dst.addr.bytes, 4);
			ret = rte_fib_add(s->v4, rte_be_to_cpu_32(a4), r->dst.len, idx);
		} else {
			ret = rte_fib6_add(s->v6, r->dst.addr.bytes, r->dst.len, idx);
		}
	}
	if (ret != 0) {
		errno = -ret;
		goto err;
	}
	return s;
err:
	snap_free(s);
	return NULL;
}

int nfv_rib_commit(struct nfv_rib *rib)
{
	struct nfv_fib_snap *s, *old;

	rib->builds++;
	s = snap_build(rib);
	if (s == NULL)
		return errno ? -errno : -ENOMEM;
	old = *rib->pub;
	__atomic_store_n(rib->pub, s, __ATOMIC_RELEASE);
	if (old != NULL) {
		nfv_hook_synchronize(rib->rcu);
		snap_free(old);
	}
	return 0;
}
