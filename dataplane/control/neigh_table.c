/* SPDX-License-Identifier: BSD-3-Clause */
/* The neighbour table's storage; see neigh.c for ARP/ND behaviour. */
#include <errno.h>
#include <stdio.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "neigh_table.h"
#include "nfv_hook_table.h"

int nfv_neigh_init(struct nfv_neigh_table *t, struct nfv_hook_table *rcu)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = NFV_NEIGH_MAX,
		.key_len = sizeof(struct nfv_neigh_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
		/* one writer, lock-free readers; slots freed by us after RCU */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL,
	};

	memset(t, 0, sizeof(*t));
	snprintf(name, sizeof(name), "nfvneigh_%p", (void *)t);
	t->rcu = rcu;
	t->hash = rte_hash_create(&hp);
	if (t->hash == NULL)
		return -ENOMEM;
	t->e = rte_zmalloc("nfv_neigh", sizeof(t->e[0]) * NFV_NEIGH_MAX,
			   RTE_CACHE_LINE_SIZE);
	if (t->e == NULL) {
		rte_hash_free(t->hash);
		t->hash = NULL;	/* the teardown of a failed start tests it */
		return -ENOMEM;
	}
	return 0;
}

void nfv_neigh_fini(struct nfv_neigh_table *t)
{
	rte_hash_free(t->hash);
	rte_free(t->e);
	memset(t, 0, sizeof(*t));
}

struct nfv_neigh *nfv_neigh_get(struct nfv_neigh_table *t,
				const struct nfv_neigh_key *k, bool create)
{
	int32_t pos = rte_hash_lookup(t->hash, k);
	struct nfv_neigh *n;

	if (pos >= 0)
		return &t->e[pos];
	if (!create)
		return NULL;
	pos = rte_hash_add_key(t->hash, k);
	if (pos < 0)
		return NULL;
	n = &t->e[pos];
	memset(n, 0, sizeof(*n));
	n->key = *k;
	n->used = true;
	__atomic_store_n(&n->mac_state,
			 (uint64_t)NFV_NEIGH_INCOMPLETE << NFV_NEIGH_STATE_SHIFT,
			 __ATOMIC_RELEASE);
	return n;
}

void nfv_neigh_publish(struct nfv_neigh *n, const struct rte_ether_addr *mac,
		       enum nfv_neigh_state state)
{
	uint64_t v = 0;

	if (mac != NULL)
		memcpy(&v, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	else
		v = n->mac_state & ((1ull << NFV_NEIGH_STATE_SHIFT) - 1);
	v |= (uint64_t)state << NFV_NEIGH_STATE_SHIFT;
	__atomic_store_n(&n->mac_state, v, __ATOMIC_RELEASE);
}

enum nfv_neigh_state nfv_neigh_state(const struct nfv_neigh *n)
{
	return n->mac_state >> NFV_NEIGH_STATE_SHIFT;
}

void nfv_neigh_del(struct nfv_neigh_table *t, struct nfv_neigh *n)
{
	int32_t pos = rte_hash_del_key(t->hash, &n->key);

	if (pos < 0)
		return;
	/* readers may still hold pos: reuse it only after a grace period */
	n->used = false;
	__atomic_store_n(&t->gen, t->gen + 1, __ATOMIC_RELEASE);
	t->dead[t->nb_dead++] = pos;
	if (t->nb_dead == RTE_DIM(t->dead))
		nfv_neigh_reclaim(t);
}

void nfv_neigh_reclaim(struct nfv_neigh_table *t)
{
	if (t->nb_dead == 0)
		return;
	nfv_hook_synchronize(t->rcu);	/* one grace period for all of them */
	for (unsigned int i = 0; i < t->nb_dead; i++) {
		memset(&t->e[t->dead[i]], 0, sizeof(t->e[0]));
		rte_hash_free_key_with_position(t->hash, t->dead[i]);
	}
	t->nb_dead = 0;
}
