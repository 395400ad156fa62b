/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RIB: the route list of the control side. Every commit builds a whole
 * new snapshot (both FIBs and the next hops), publishes it and frees the
 * old one after a grace period: rte_fib has no RCU integration in 22.11.
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

struct nfv_rib {
	struct nfv_fib_snap **pub;	/* where workers read the snapshot */
	struct nfv_hook_table *rcu;	/* its QSBR variable for grace periods */
	struct nfv_route *routes;
	unsigned int nb_routes, cap_routes;
	uint64_t builds;
};

int nfv_rib_init(struct nfv_rib *rib, struct nfv_hook_table *rcu,
		 struct nfv_fib_snap **pub);
void nfv_rib_fini(struct nfv_rib *rib);
/* Adds or replaces (same dst) a route; rebuild with nfv_rib_commit. */
int nfv_rib_add(struct nfv_rib *rib, const struct nfv_route *r);
int nfv_rib_del(struct nfv_rib *rib, const struct nfv_prefix *dst);
/* The route to exactly dst, or NULL; valid until the next add or delete. */
const struct nfv_route *nfv_rib_find(const struct nfv_rib *rib, const struct nfv_prefix *dst);
/* Builds and publishes a new snapshot from the route list. */
int nfv_rib_commit(struct nfv_rib *rib);

#endif
