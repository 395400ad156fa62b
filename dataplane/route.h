/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routing: IPv4 and IPv6 FIBs (rte_fib, rte_fib6) over one next-hop table.
 *
 * The control side keeps the route list and builds a whole new snapshot
 * (both FIBs and the next hops) on every change, publishes it and frees the
 * old one after a grace period: rte_fib has no RCU integration in 22.11 and
 * a rebuild of thousands of routes takes milliseconds. Workers read the
 * current snapshot with one acquire load per burst.
 */
#ifndef NFV_ROUTE_H
#define NFV_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_policy.h"

struct rte_fib;
struct rte_fib6;
struct nfv_hook_table;

enum nfv_nh_type {
	NFV_NH_NONE = 0,	/* next-hop index 0: no route */
	NFV_NH_FORWARD,		/* to a gateway, or on-link when !has_gw */
	NFV_NH_LOCAL,		/* an address of ours */
	NFV_NH_BLACKHOLE,
};

struct nfv_nexthop {
	uint8_t type;		/* enum nfv_nh_type */
	uint8_t family;
	uint8_t has_gw;
	uint8_t pad;
	uint16_t port;		/* output port index (for LOCAL: the owning port) */
	uint16_t vlan;
	uint8_t gw[16];
};

struct nfv_fib_snap {
	struct rte_fib *v4;
	struct rte_fib6 *v6;
	uint32_t nb_nh;
	struct nfv_nexthop nh[];	/* nh[0] is the NONE next hop */
};

/* One route as the control side keeps it; also what NFV_MSG_ROUTES shows. */
struct nfv_route {
	struct nfv_prefix dst;
	uint8_t kind;		/* enum nfv_route_type, NFV_ROUTE_CONNECTED/LOCAL */
	bool has_via;
	struct nfv_addr via;
	uint16_t port;
	uint16_t vlan;
};

struct nfv_rib {
	/* published by the control side, read by workers */
	struct nfv_fib_snap *snap;
	/* control side only */
	struct nfv_hook_table *rcu;	/* its QSBR variable for grace periods */
	struct nfv_route *routes;
	unsigned int nb_routes, cap_routes;
	uint64_t builds;
};

int nfv_rib_init(struct nfv_rib *rib, struct nfv_hook_table *rcu);
void nfv_rib_fini(struct nfv_rib *rib);
/* Adds or replaces (same dst) a route; rebuild with nfv_rib_commit. */
int nfv_rib_add(struct nfv_rib *rib, const struct nfv_route *r);
int nfv_rib_del(struct nfv_rib *rib, const struct nfv_prefix *dst);
/* Builds and publishes a new snapshot from the route list. */
int nfv_rib_commit(struct nfv_rib *rib);

/* Worker side: next-hop indexes for n IPv4 destinations (network order). */
void nfv_fib4_lookup(const struct nfv_fib_snap *s, const uint32_t *dst_be,
		     uint64_t *nh, unsigned int n);
/* The same with the destinations in host order already. */
void nfv_fib4_lookup_host(const struct nfv_fib_snap *s, uint32_t *dst,
			  uint64_t *nh, unsigned int n);
void nfv_fib6_lookup(const struct nfv_fib_snap *s, const uint8_t (*dst)[16],
		     uint64_t *nh, unsigned int n);

#endif
