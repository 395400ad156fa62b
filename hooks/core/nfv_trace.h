/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet tracing, like nftrace: while a trace is armed, the first packets
 * that match (each worker has its own budget) are marked, and every hook
 * entry they meet writes one record (entry, hook, priority, verdict) to a
 * ring that the control side drains. A packet keeps its mark (mbuf
 * metadata) through every later hook, through ESP encapsulation and
 * decapsulation (the same mbuf) and into its fragments; a packet that an
 * entry makes anew (an ICMP error, an echo reply: new skbs in Linux too)
 * starts unmarked.
 *
 * Cost when no trace runs: nfv_hook_run() loads t->trace once per burst
 * and branches on it (predicted not taken). Traced bursts take the slow
 * path; tracing is a debugging tool.
 */
#ifndef NFV_TRACE_H
#define NFV_TRACE_H

#include <stdint.h>

#include <rte_common.h>

#include "nfv_hook.h"
#include "nfv_hook_table.h"

/* What a packet must carry to be picked; 0 / empty fields match anything. */
struct nfv_trace_match {
	uint8_t family;		/* AF_INET, AF_INET6 or 0 */
	uint8_t proto;		/* IPPROTO_* or 0 */
	uint8_t dst_len;	/* prefix length of dst, 0: any */
	uint8_t src_len;
	uint8_t dst[16];
	uint8_t src[16];
	uint16_t dport;		/* TCP/UDP/SCTP destination port, 0: any */
	uint16_t pad;
};

/* rec.hook of a drop outside any entry (nfv_drop() in the pipeline). */
#define NFV_TRACE_HOOK_NONE 0xff

/* One entry's verdict on one traced packet; a multiple of 8 bytes. */
struct nfv_trace_rec {
	uint64_t tsc;
	uint32_t id;		/* the packet: worker << 24 | sequence */
	uint32_t verdict;	/* with its argument (drop reason, queue) */
	int32_t priority;
	uint16_t worker;
	uint8_t hook;		/* enum nfv_hook */
	uint8_t family;
	uint16_t iport, oport;
	uint8_t proto;
	uint8_t pad[3];
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	char entry[NFV_HOOK_NAMESIZ];
	/* what in the entry decided, if it says ("inet f forward handle 5") */
	char why[80];
};

struct rte_ring;

struct nfv_trace {
	struct nfv_trace_match match;
	/* packets each worker may still mark; written by that worker only */
	uint32_t budget[NFV_MAX_WORKERS] __rte_cache_aligned;
	uint32_t seq[NFV_MAX_WORKERS];
	struct rte_ring *ring;	/* MP (workers), SC (control side) */
	uint64_t lost;		/* ring full; atomic */
};

/*
 * Control side. create: a trace of at most per_worker packets per worker;
 * arm publishes it (one store), disarm unpublishes it and waits for the
 * workers, after which the ring can still be drained and then destroyed.
 */
struct nfv_trace *nfv_trace_create(const struct nfv_trace_match *m, uint32_t per_worker,
				   unsigned int nb_workers);
void nfv_trace_arm(struct nfv_hook_table *t, struct nfv_trace *tr);
void nfv_trace_disarm(struct nfv_hook_table *t);
void nfv_trace_destroy(struct nfv_trace *tr);
/* Dequeues up to n records; their number. */
unsigned int nfv_trace_read(struct nfv_trace *tr, struct nfv_trace_rec *recs, unsigned int n);
/* True when every worker's budget is spent. */
int nfv_trace_spent(const struct nfv_trace *tr, unsigned int nb_workers);

/*
 * Worker side, from nfv_hook_run(), around each entry's fn: pre marks the
 * packets that match (budget permitting) and snapshots the traced ones in
 * recs (id 0: not traced) while they are still ours; post writes a record
 * of each traced packet's verdict. pre returns how many are traced.
 */
uint16_t nfv_trace_pre(struct nfv_trace *tr, struct rte_mbuf **pkts, uint16_t n,
		       const struct nfv_hook_state *state, struct nfv_trace_rec *recs);
void nfv_trace_post(struct nfv_trace *tr, const struct nfv_hook_reg *reg, int priority,
		    struct nfv_trace_rec *recs, uint16_t n, const uint32_t *verdicts);

#endif
