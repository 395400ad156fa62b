/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The nft flowtable fast path, as Linux's nf_flow_table: a connection
 * that a "flow add @ft" rule offloaded has its packets forwarded at
 * ingress with one lookup, a TTL decrement and a cached Ethernet header,
 * skipping the hooks and the route lookup.
 *
 * A flow is a conntrack entry with IPS_OFFLOAD set plus, per direction,
 * where its packets go (struct nfv_flow_dir). The lookup is the conntrack
 * table's own hash (the flow's tuples are the connection's), so a flow
 * costs no second table. A direction's route is learned from the slow
 * path: the first packet of that direction that passes every hook with
 * the offload mark (NFV_MBUF_F_FLOW, set by the flow_offload expression)
 * records its input port, output port, MTU and the Ethernet header the
 * output stage made, so a fast-path packet leaves byte for byte as the
 * full pipeline would have sent it.
 *
 * Teardown as the kernel's flow_offload_teardown(): TCP FIN or RST seen on
 * the fast path, the flow timeout (NFV_FLOW_TIMEOUT_S without a fast-path
 * packet), and any change of routes, neighbours, the ruleset or IPsec
 * state (the generation: a direction learned at another generation is
 * not used). The packet that finds its flow torn down, and every packet
 * the fast path cannot handle (fragments, IP options, extension headers,
 * TTL <= 1, over the MTU, neither TCP nor UDP), goes through the full
 * pipeline.
 */
#ifndef NFV_FLOWTABLE_H
#define NFV_FLOWTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "nfv_ct.h"
#include "nfv_hook.h"

struct rte_mbuf;
struct nfv_ct_table;

/* Room for an Ethernet header with one 802.1Q tag. */
#define NFV_FLOW_L2_MAX 18

/*
 * l2_len of a direction whose packets leave through an outbound ESP SA
 * (out_sa): no Ethernet header of its own, the fast path hands them to
 * ESP (nfv_ipsec_flow_output()), and the ESP packets go on as the slow
 * path's do, from LOCAL_OUT.
 */
#define NFV_FLOW_L2_ESP 0xff

/*
 * Where one direction's packets go: 40 bytes, copied whole by the fast
 * path, under the gen seqlock.
 */
struct nfv_flow_route {
	uint32_t gen;		/* generation learned at (odd); 0: none; 2: being written */
	uint16_t iport;		/* the input port (and VLAN) it matches */
	uint16_t ivlan;
	uint16_t oport;
	uint16_t mtu;		/* the largest packet the fast path takes */
	uint8_t l2_len;		/* in a hit, 0: no hit, the slow path's; or NFV_FLOW_L2_ESP */
	uint8_t l2[NFV_FLOW_L2_MAX];
	uint8_t pad;
	/* the inbound SA its packets come out of (meta->sa_index of a
	 * secpath packet) + 1; 0: cleartext. Written by the learning. */
	uint32_t in_sa;
	uint32_t out_sa;	/* NFV_FLOW_L2_ESP: the outbound SA */
} __rte_aligned(8);

struct nfv_flow_dir {
	struct nfv_flow_route r;
	uint64_t packets;	/* offloaded, per run of a burst (flowtable.c) */
	uint64_t bytes;
};

/* One per connection, indexed as the conntrack table. */
struct nfv_flow {
	uint64_t expires;	/* the flow timeout, in clock ticks; atomic */
	/* changes each time the connection of this index is offloaded anew:
	 * the workers' flow caches (flow_cache.h) check it; atomic */
	uint32_t epoch;
	uint32_t route_gen;	/* the flowtable's at offload */
	struct nfv_flow_dir dir[2];
} __rte_cache_aligned;

/* What the fast path needs of a hit: its direction's route, copied out. */
#define nfv_flow_hit nfv_flow_route

struct nfv_flowtable_stats {
	uint64_t offloaded;	/* connections offloaded by flow add */
	uint64_t learned;	/* directions learned */
	uint64_t teardown_tcp;	/* FIN or RST on the fast path */
	uint64_t teardown_timeout;	/* by the fast path or the GC */
	uint64_t teardown_route;	/* by a packet after a route change */
	uint64_t mtu_fallback;	/* a flow's packet over its MTU, left to the slow path */
} __rte_cache_aligned;

struct nfv_flowtable;

/* Control side. */
struct nfv_flowtable *nfv_flowtable_create(struct nfv_ct_table *ct, uint64_t hz);
void nfv_flowtable_destroy(struct nfv_flowtable *ft);
/*
 * Input ports of the flowtable's devices (bit per port index; 0: none,
 * the fast path is off) and a new generation: every offloaded direction
 * is learned again. Called on ruleset changes.
 */
void nfv_flowtable_set_ports(struct nfv_flowtable *ft, uint64_t ports);
/* A new generation (a route, SA or policy changed). */
void nfv_flowtable_invalidate(struct nfv_flowtable *ft);
/* Control side, after a route commit: the offloaded flows end at their
 * next packet (the kernel's stale dst check), which takes the slow path. */
void nfv_flowtable_routes_changed(struct nfv_flowtable *ft);
/* Tears down flows idle for NFV_FLOW_TIMEOUT_S and keeps the connections
 * of the others alive, as nf_flow_offload_gc_step(); returns how many. */
unsigned int nfv_flowtable_gc(struct nfv_flowtable *ft, uint64_t now);
void nfv_flowtable_stats_sum(const struct nfv_flowtable *ft, struct nfv_flowtable_stats *s);
/* The flow of a connection (for its counters), or NULL. */
const struct nfv_flow *nfv_flowtable_flow(const struct nfv_flowtable *ft, uint32_t ct_idx);

/*
 * Worker side. The state of this loop: bits 0..31 the ports, bits 32..63
 * the flowtable's generation. Load it once per loop with
 * nfv_flowtable_state(), add the neighbour table's generation, and pass
 * the result of nfv_flowtable_gen() to learn and lookup.
 */
static inline uint64_t nfv_flowtable_state(const uint64_t *state)
{
	return __atomic_load_n(state, __ATOMIC_ACQUIRE);
}
const uint64_t *nfv_flowtable_state_ptr(const struct nfv_flowtable *ft);

/* Never 0, which marks a direction as unlearned. */
static inline uint32_t nfv_flowtable_gen(uint64_t state, uint32_t neigh_gen)
{
	return ((uint32_t)(state >> 32) + neigh_gen) << 1 | 1;
}

/*
 * m (data at L3, NFV_MBUF_F_FLOW set by flow add, all hooks passed)
 * leaves by oport with the Ethernet header l2: its direction of its
 * connection is offloaded from now on, until gen changes.
 */
void nfv_flowtable_learn(struct nfv_flowtable *ft, struct rte_mbuf *m, uint16_t oport,
			 uint16_t mtu, const uint8_t *l2, uint8_t l2_len, uint32_t gen,
			 uint64_t now, unsigned int worker);
/*
 * m (as for nfv_flowtable_learn) was taken by an outbound PROTECT policy
 * to SA sa_id, every hook passed: its direction is offloaded to that SA
 * (l2_len NFV_FLOW_L2_ESP) for packets up to mtu bytes, until gen
 * changes (every SA and policy change makes a new one).
 */
void nfv_flowtable_learn_esp(struct nfv_flowtable *ft, struct rte_mbuf *m, uint32_t sa_id,
			     uint16_t mtu, uint32_t gen, uint64_t now, unsigned int worker);
/*
 * The fast-path lookup of a burst (data at L3; metadata reset at ingress,
 * or esp-input's of decrypted packets, NFV_MBUF_F_SECPATH, which hit
 * only directions learned out of their SA): hits[i].l2_len != 0 for a
 * packet of an offloaded flow that may take the fast path; its counters
 * and timeout are refreshed. The caller decrements the TTL, pushes l2
 * and sends it by oport (or, NFV_FLOW_L2_ESP, hands it to out_sa).
 */
void nfv_flowtable_lookup(struct nfv_flowtable *ft, struct rte_mbuf **pkts, uint16_t n,
			  uint32_t gen, uint64_t now, unsigned int worker,
			  struct nfv_flow_hit *hits);

/*
 * For flow add (expr/flow_offload.c): offloads m's connection if it may
 * be, as nft_flow_offload_eval(); true when m is to be learned.
 */
bool nfv_flowtable_offload(struct nfv_flowtable *ft, struct rte_mbuf *m,
			   uint16_t thoff, uint64_t now, unsigned int worker);

#endif
