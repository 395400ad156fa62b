/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane process: what the main lcore (control side) and the worker
 * lcores share. Every field says who writes it. Control-side state is
 * reached through opaque pointers: the datapath cannot look inside.
 */
#ifndef NFV_DP_H
#define NFV_DP_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>

#include "nfv_hook_table.h"
#include "nfv_icmp.h"
#include "nfv_ike.h"
#include "nfv_policy.h"
#include "fib.h"
#include "neigh.h"

#define NFV_MAX_PORTS 16
#define NFV_TXBUF 64
#define NFV_CTL_RING 4096

struct rte_mempool;
struct rte_ring;
struct nfv_mgmt;
struct nfv_builtins;
struct nfv_queue_ctls;
struct nfv_txn;
struct nfv_events;
struct nfv_ipsec_dp;
struct nfv_filter_ctl;
struct nfv_trace;
struct nfv_stats_base;
struct nfv_rib;
struct nfv_flowtable;
struct nfv_ipsec;
struct nfv_flow_route;
struct esp_sa;

/* Written at start-up only. */
struct nfv_dp_port {
	char name[NFV_NAME_MAX];
	uint16_t idx;		/* index in dp->ports, the port index in metadata */
	uint16_t port_id;	/* DPDK port */
	uint16_t tun_id;	/* DPDK port of the exception TUN, or UINT16_MAX */
	uint16_t mtu;
	struct rte_ether_addr mac;
	char tun_ifname[16];
	char device[NFV_DEVARGS_MAX];
	/*
	 * net_af_packet: the kernel reassembles IPv4 fragments before the
	 * PMD (its fanout DEFRAG flag), and cuts what exceeds a ring frame
	 */
	bool kernel_defrag;
	/* the source of ICMP errors sent from this port */
	bool has_ip4, has_ip6;
	rte_be32_t ip4;
	uint8_t ip6[16];
	uint8_t nb_ip6;
	uint8_t ip6_all[8][16];		/* for solicited-node multicast */
	/* the broadcast address of each IPv4 prefix up to /30 here, as the
	 * kernel's local table has them (the filter's fib type); set at
	 * start-up, before the workers run */
	uint8_t nb_bcast4;
	rte_be32_t bcast4[8];
	uint64_t vlans[4096 / 64];	/* 802.1Q VIDs with an address here */
};

/* Why a packet was handed to the control side (meta->ctl). */
enum nfv_ctl_type {
	NFV_CTL_ARP = 1,	/* an ARP packet from a port, data at the ARP header */
	NFV_CTL_ND,		/* an NS or NA for us, data at the IPv6 header */
	NFV_CTL_RESOLVE,	/* routed, waits for its next hop's MAC */
};

struct nfv_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[NFV_TXBUF];
};

/* Per worker counters; written by that worker only. */
struct nfv_worker_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t forwarded;
	uint64_t local_in;
	uint64_t local_out;
	uint64_t echo_replies;
	uint64_t icmp_errors;
	uint64_t to_control;
	uint64_t reass_fragments;	/* fragments for us taken into reassembly */
	uint64_t reass_datagrams;	/* datagrams made whole */
	uint64_t fragmented;		/* IPv4 packets fragmented for an output port */
	uint64_t offloaded;		/* forwarded by the flowtable's fast path */
	uint64_t loops;
	uint64_t busy_loops;
	uint64_t first_rx_tsc;	/* for the rate in the summary */
	uint64_t last_rx_tsc;
	uint64_t port_rx[NFV_MAX_PORTS];
	uint64_t port_tx[NFV_MAX_PORTS];
	uint64_t punted[NFV_MAX_PORTS];
	uint64_t from_kernel[NFV_MAX_PORTS];
} __rte_cache_aligned;

struct nfv_rxq {
	uint16_t port_id;
	uint16_t queue;
	uint16_t port_idx;
	bool tun;
};

struct nfv_dp;

struct nfv_worker {
	struct nfv_dp *dp;
	unsigned int id;
	unsigned int lcore;
	unsigned int nb_rxq;
	struct nfv_rxq rxq[2 * NFV_MAX_PORTS];
	struct nfv_hook_state st[NFV_INET_NUMHOOKS];
	/*
	 * The RIB snapshot of this loop, loaded once at its start: it stays
	 * valid until the loop's quiescent report, so the next-hop index that
	 * routing writes into a packet's metadata indexes it until output.
	 * A packet that outlives the loop (QUEUE) is routed again on resume.
	 */
	const struct nfv_fib_snap *snap;
	/*
	 * The flowtable as of this loop (flow_fast.c): the ports whose
	 * packets are looked up (0: off, e.g. while a trace is armed) and the
	 * generation of flows that may be used and learned, made of the
	 * flowtable's, the snapshot's and the neighbour table's.
	 */
	uint32_t flow_ports;
	uint32_t flow_gen;
	struct nfv_txbuf tx[NFV_MAX_PORTS];
	struct nfv_txbuf tun_tx[NFV_MAX_PORTS];
	struct rte_ring *ctl_tx;	/* control -> this worker: frames to send */
	struct nfv_icmp_sender icmp;	/* pool and rate limit of ICMP errors */
	struct nfv_ike_limit ike;	/* local.c: IKE to the exception TUNs */
	struct nfv_reass *reass;	/* reass.c: fragments for us */
	struct nfv_worker_stats stats;
} __rte_cache_aligned;

/* big_pool: 16 KiB covers a 9600-byte MTU plus ESP, and most datagrams */
#define NFV_BIG_MBUF_SIZE (RTE_PKTMBUF_HEADROOM + 16384)
#define NFV_BIG_POOL_SIZE 511

struct nfv_dp {
	/* start-up */
	const char *policy_path;
	const char *socket_path;
	struct nfv_policy *policy;
	unsigned int nb_ports;
	struct nfv_dp_port ports[NFV_MAX_PORTS];
	unsigned int nb_workers;
	struct nfv_worker *workers;	/* nb_workers of them */
	struct rte_mempool *pool;
	unsigned int pool_size;
	struct rte_mempool *big_pool;	/* one-segment copies of big chains (ESP) */
	struct nfv_hook_table *hooks;
	struct rte_ring *ctl_ring;	/* workers -> control: MP/SC */
	uint64_t start_tsc;
	uint64_t icmp_rate;		/* ICMP errors per second per worker */
	unsigned int idle_timeout_s;	/* management clients; 0: never */
	unsigned int txn_timeout_s;	/* a silent transaction owner; 0: never */
	bool allow_core_dumps;		/* --allow-core-dumps */
	/* the secret of the IDs and flow labels we make up (nfv_ipid.h):
	 * drawn at start, or --test-id-seed's, which also stops the jumps */
	struct nfv_siphash_key id_key;
	bool id_key_fixed;
	uint64_t id_tick_cycles;	/* of the jumps: a millisecond; 0 when fixed */
	/* published by the control side, read by workers */
	struct nfv_fib_snap *fib;	/* control/rib.c: acquire-load once per loop */
	struct nfv_neigh_table neigh;	/* control/neigh.c writes, workers look up */
	/* control/filter.c at start-up (NULL without conntrack): the flows
	 * of "flow add", looked up at ingress (flow_fast.c) */
	struct nfv_flowtable *flowtable;
	/* control/ipsec.c with the first SA (release store; NULL before):
	 * the IPsec module, for the flowtable's ESP (flow_fast_esp.c) */
	struct nfv_ipsec *ips;
	/* control side */
	struct nfv_rib *rib;		/* control/rib.c: the route list */
	struct nfv_builtins *builtins;	/* control/hooks.c */
	struct nfv_queue_ctls *queue_ctls;
	struct nfv_mgmt *mgmt;
	uint64_t generation;
	struct nfv_txn *txn;		/* control/txn.c: the open transaction */
	struct nfv_events *events;	/* control/events.c: ring and subscribers */
	struct nfv_ipsec_dp *ipsec;	/* control/ipsec.c: SAs and policies by name */
	struct nfv_filter_ctl *filter;	/* control/filter.c: NULL without a filter */
	struct nfv_trace *trace;	/* control/trace.c: the running trace, or NULL */
	struct nfv_stats_base *stats_base;	/* control/stats.c: stats clear, or NULL */
	uint64_t trace_deadline;	/* TSC: the trace ends then at the latest */
	/* set by the signal handler, read by everyone */
	volatile bool quit;
};

/* flow_fast.c, worker side */
void nfv_flow_fast_loop(struct nfv_worker *w);
uint16_t nfv_flow_fast(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
void nfv_flow_fast_learn(struct nfv_worker *w, struct rte_mbuf *m, const void *l2,
			 uint8_t l2_len, uint16_t mtu);

/* The generation of flows this loop uses and learns: the flowtable's and
 * the neighbours' (nfv_flow_fast_loop()) with the RIB snapshot's. */
static inline uint32_t nfv_flow_gen(const struct nfv_worker *w)
{
	return w->flow_gen + (w->snap->gen << 1);
}

/*
 * flow_fast_esp.c: the flows whose output is an outbound SA. A burst's
 * packets are taken (true) or left to the full pipeline (false, m
 * untouched), then sealed and encrypted in one batch by the flush.
 */
struct nfv_flow_esp {
	uint16_t n;
	struct rte_mbuf *pkts[NFV_BURST];
	struct esp_sa *sas[NFV_BURST];
};
bool nfv_flow_fast_esp_take(struct nfv_worker *w, struct nfv_flow_esp *b, struct rte_mbuf *m,
			    const struct nfv_flow_route *hit);
void nfv_flow_fast_esp_flush(struct nfv_worker *w, struct nfv_flow_esp *b);
/*
 * Packets injected at PRE_ROUTING (data at L3): those that came out of an
 * SA through a port of the flowtable take its fast path when their flow's
 * direction was learned out of the same SA; the others are left at the
 * front of pkts, in order. Returns how many remain.
 */
uint16_t nfv_flow_fast_secpath(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
/* The IPsec module's flow_learn callback (arg: the struct nfv_dp). */
void nfv_flow_fast_esp_learn(void *arg, unsigned int worker, struct rte_mbuf *m,
			     uint32_t sa_id, uint16_t mtu);

/* pipeline.c, worker side */
void nfv_pipeline_l2_input(struct nfv_worker *w, uint16_t port,
			   struct rte_mbuf **pkts, uint16_t n);
void nfv_pipeline_from_kernel(struct nfv_worker *w, uint16_t port,
			      struct rte_mbuf **pkts, uint16_t n);
void nfv_pipeline_drain(struct nfv_worker *w);
void nfv_pipeline_resume(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
void nfv_pipeline_flush(struct nfv_worker *w);
int nfv_worker_main(void *arg);

/* local.c: true when dst is a group of one of our IPv6 addresses. */
bool nfv_dp_is_local6_mcast(const struct nfv_dp *dp, const uint8_t dst[16]);

/* The index of the port called name, or -ENOENT. */
static inline int nfv_port_by_name(const struct nfv_dp *dp, const char *name)
{
	for (unsigned int i = 0; i < dp->nb_ports; i++)
		if (strcmp(dp->ports[i].name, name) == 0)
			return i;
	return -ENOENT;
}

#endif
