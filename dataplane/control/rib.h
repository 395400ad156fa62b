/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RIB: the route list of the control side, and two FIB copies built
 * from it (rte_fib DIR24_8 for IPv4, rte_fib6 for IPv6, and the next-hop
 * table). Workers read one copy; changes go into the other one in place,
 * and nfv_rib_commit swaps them (one publish, one grace period), then
 * replays the same changes onto the copy the workers left. A 32 MiB table
 * is never rebuilt for one route.
 */
#ifndef NFV_RIB_H
#define NFV_RIB_H

#include <stdbool.h>
#include <stdint.h>

#include "fib.h"
#include "nfv_policy.h"

struct nfv_hook_table;

/* One route as the control side keeps it; also what NFV_MSG_ROUTES shows. */
struct nfv_route {
	struct nfv_prefix dst;
	uint8_t kind;		/* enum nfv_route_type, NFV_ROUTE_CONNECTED/LOCAL */
	bool has_via;
	struct nfv_addr via;
	uint16_t port;
	uint16_t vlan;
};

/* What DIR24_8 and TRIE with 2-byte next hops hold: index 0 is "none". */
#define NFV_RIB_NH_MAX 32767

/* An open-addressing index of uint32_t values (rib.c). */
struct nfv_rib_index {
	uint32_t *slot;		/* 0: empty, UINT32_MAX: deleted, else value + 1 */
	uint32_t mask;
	uint32_t used;		/* live and deleted slots */
};

/* A change waiting to be replayed onto the copy the workers read now. */
struct nfv_rib_op {
	struct nfv_prefix dst;
	uint32_t nh;		/* 0: delete */
};

struct nfv_rib {
	struct nfv_fib_snap **pub;	/* where workers read the snapshot */
	struct nfv_hook_table *rcu;	/* its QSBR variable for grace periods */
	struct nfv_fib_snap *copy[2];
	unsigned int shadow;		/* copy[shadow]: not read by workers */
	bool stale;			/* copy[shadow] lost step: refilled at the commit */
	/* routes, in listing order; route_nh[i] is routes[i]'s next hop */
	struct nfv_route *routes;
	uint32_t *route_nh;
	unsigned int nb_routes, cap_routes;
	struct nfv_rib_index by_dst;	/* prefix -> route index */
	/* next hops, shared by equal ones and counted by their routes */
	struct nfv_nexthop *nh;		/* NFV_RIB_NH_MAX + 1 */
	uint32_t *nh_ref;
	uint32_t *nh_free;		/* released indexes, reused first */
	uint32_t nb_nh_free, nb_nh;	/* nb_nh: one past the highest used */
	uint32_t nh_live;
	struct nfv_rib_index by_nh;	/* next-hop content -> index */
	uint32_t nh_dirty_lo, nh_dirty_hi;	/* [lo, hi) not yet in the other copy */
	/* applied to copy[shadow] since the last commit */
	struct nfv_rib_op *pending;
	unsigned int nb_pending, cap_pending;
	uint64_t commits, rebuilds;
};

int nfv_rib_init(struct nfv_rib *rib, struct nfv_hook_table *rcu,
		 struct nfv_fib_snap **pub);
void nfv_rib_fini(struct nfv_rib *rib);
/*
 * Adds or replaces (same dst) a route, in the RIB and in the FIB copy the
 * workers do not read; an error (-ENOSPC: no next-hop index or tbl8 left)
 * leaves both as they were. Workers see it after nfv_rib_commit.
 */
int nfv_rib_add(struct nfv_rib *rib, const struct nfv_route *r);
int nfv_rib_del(struct nfv_rib *rib, const struct nfv_prefix *dst);
/* The route to exactly dst, or NULL; valid until the next add or delete. */
const struct nfv_route *nfv_rib_find(const struct nfv_rib *rib, const struct nfv_prefix *dst);
/* True when changes (or a stale copy's refill) wait for a commit. */
bool nfv_rib_pending(const struct nfv_rib *rib);
/*
 * Publishes the changes made since the last commit: swaps the copies,
 * waits one grace period, replays them onto the other copy. Nothing to do
 * without changes.
 */
int nfv_rib_commit(struct nfv_rib *rib);
/*
 * The FIB copy with every change made, published or not: for lookups of
 * the control side, which must see a route added earlier in its batch.
 */
static inline const struct nfv_fib_snap *nfv_rib_latest(const struct nfv_rib *rib)
{
	return rib->copy[rib->shadow];
}
/* The next hops routes use now (index 0 not counted). */
uint32_t nfv_rib_nh_count(const struct nfv_rib *rib);

#endif
