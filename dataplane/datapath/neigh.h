/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table (ARP and IPv6 ND): an rte_hash with lock-free readers
 * and one writer, the control side. Workers read one 64-bit word per entry,
 * which packs the MAC and the state, so a reader never sees half an update.
 * Deleted slots are freed after a grace period.
 */
#ifndef NFV_NEIGH_H
#define NFV_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_hash.h>

#include "nfv_msg.h"

#define NFV_NEIGH_MAX 65536
/*
 * Packets held per unresolved neighbour, the kernel's unres_qlen default;
 * the slots exist only while something is held (a full table of 65,536
 * entries would otherwise carry 52 MB of them).
 */
#define NFV_NEIGH_HOLD 101

struct rte_mbuf;
struct nfv_hook_table;

struct nfv_neigh_key {
	uint16_t port;
	uint8_t family;
	uint8_t pad;
	uint8_t addr[16];
};

#define NFV_NEIGH_STATE_SHIFT 48

struct nfv_neigh {
	/* written by the control side with atomic stores, read by workers */
	uint64_t mac_state;	/* MAC in bits 0..47, nfv_neigh_state above */
	/* control side only */
	struct nfv_neigh_key key;
	bool used;
	bool is_static;
	uint8_t probes;
	uint8_t nb_held;
	uint16_t vlan;			/* 802.1Q VID to reach it, 0 untagged */
	uint64_t confirmed_tsc;
	uint64_t probe_tsc;
	struct rte_mbuf **held;		/* NFV_NEIGH_HOLD slots, or NULL */
};

struct nfv_neigh_table {
	struct rte_hash *hash;
	struct nfv_neigh *e;		/* by hash position */
	struct nfv_hook_table *rcu;
	uint64_t misses;		/* control side counters */
	uint64_t held_dropped;
	uint64_t resolve_failed;
	/* bumped (release) when a neighbour's MAC changes or it goes away:
	 * offloaded flows cache MACs (nfv_flowtable.h); control side writes */
	uint32_t gen;
	unsigned int nb_dead;
	int32_t dead[256];		/* deleted, freed after a grace period */
};

static inline void nfv_neigh_key_set(struct nfv_neigh_key *k, uint16_t port,
				     uint8_t family, const void *addr)
{
	memset(k, 0, sizeof(*k));
	k->port = port;
	k->family = family;
	memcpy(k->addr, addr, family == AF_INET ? 4 : 16);
}

/* Worker side: the MAC of a usable neighbour, or false. */
static inline bool nfv_neigh_mac(const struct nfv_neigh_table *t,
				 const struct nfv_neigh_key *k,
				 struct rte_ether_addr *mac)
{
	int32_t pos = rte_hash_lookup(t->hash, k);
	uint64_t v;
	uint8_t state;

	if (pos < 0)
		return false;
	v = __atomic_load_n(&t->e[pos].mac_state, __ATOMIC_ACQUIRE);
	state = v >> NFV_NEIGH_STATE_SHIFT;
	if (state != NFV_NEIGH_REACHABLE && state != NFV_NEIGH_STALE &&
	    state != NFV_NEIGH_PERMANENT)
		return false;
	memcpy(mac->addr_bytes, &v, RTE_ETHER_ADDR_LEN);	/* little endian */
	return true;
}

/* Control side. */
#endif
