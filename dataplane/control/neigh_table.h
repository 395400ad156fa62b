/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The writer's side of the neighbour table (datapath/neigh.h): entries are
 * made, published, removed and reclaimed here, by the main lcore only.
 */
#ifndef NFV_NEIGH_TABLE_H
#define NFV_NEIGH_TABLE_H

#include <stdbool.h>

#include "neigh.h"

struct nfv_hook_table;

int nfv_neigh_init(struct nfv_neigh_table *t, struct nfv_hook_table *rcu);
void nfv_neigh_fini(struct nfv_neigh_table *t);
/* Finds or creates the entry of k; NULL when the table is full. */
struct nfv_neigh *nfv_neigh_get(struct nfv_neigh_table *t,
				const struct nfv_neigh_key *k, bool create);
void nfv_neigh_publish(struct nfv_neigh *n, const struct rte_ether_addr *mac,
		       enum nfv_neigh_state state);
enum nfv_neigh_state nfv_neigh_state(const struct nfv_neigh *n);
/*
 * Removes n from lookups; its slot is reused after the next reclaim, which
 * waits for one grace period for every entry removed since the last one.
 * Its held packets are the caller's to free first.
 */
void nfv_neigh_del(struct nfv_neigh_table *t, struct nfv_neigh *n);
void nfv_neigh_reclaim(struct nfv_neigh_table *t);

#endif
