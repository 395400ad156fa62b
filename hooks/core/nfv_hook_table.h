/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiled hook entries and the burst runner.
 *
 * The control side (one thread: the main lcore) is the only writer. It keeps
 * the registrations, builds a new entries array per hook on every change,
 * publishes it with one store and frees the old one after an RCU (QSBR)
 * grace period. Workers read the arrays with no lock; an empty hook costs
 * one load. hooks/core/README.md tells the whole story.
 */
#ifndef NFV_HOOK_TABLE_H
#define NFV_HOOK_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "nfv_drop.h"
#include "nfv_hook.h"
#include "nfv_mbuf.h"

#define NFV_MAX_WORKERS 16
/* The control side's row in per-worker counters. */
#define NFV_CONTROL_WORKER NFV_MAX_WORKERS
#define NFV_BURST 32

/* Per worker, per entry. Written by that worker only. */
struct nfv_hook_stats {
	uint64_t packets;	/* packets given to fn, REPEATs included */
	uint64_t accepted;
	uint64_t dropped;
	uint64_t stolen;
	uint64_t queued;
	uint64_t repeated;
	uint64_t repeat_limit;	/* packets dropped because REPEAT hit the bound */
	uint64_t cycles;	/* TSC cycles spent in fn */
} __rte_cache_aligned;

/* Per worker drop counters by reason. Written by that worker only. */
struct nfv_drop_stats {
	uint64_t count[NFV_DR_MAX];
} __rte_cache_aligned;

/*
 * A registration: the copied descriptor and the entry's counters. Owned by
 * the control side, freed after a grace period.
 */
struct nfv_hook_reg {
	struct nfv_hook_ops ops;
	char name[NFV_HOOK_NAMESIZ];
	struct nfv_hook_stats stats[NFV_MAX_WORKERS];
};

/* The hot part: what a worker needs to call an entry. */
struct nfv_hook_entry {
	nfv_hookfn fn;
	void *priv;
	struct nfv_hook_stats *stats;	/* stats[0] of the registration */
	int priority;
};

struct nfv_hook_entries {
	uint16_t num;
	struct nfv_hook_reg **regs;	/* regs[i] is e[i]'s registration */
	struct nfv_hook_entry e[];
};

/*
 * Packets that an entry makes or re-makes on a worker (an ESP packet after
 * encryption, a decrypted inner packet, an ICMP reply) enter the pipeline
 * again at PRE_ROUTING or LOCAL_OUT through the worker's inject queues,
 * which the worker drains after each burst. Per worker, no lock.
 */
enum nfv_inject_point {
	NFV_INJECT_PRE_ROUTING = 0,
	NFV_INJECT_LOCAL_OUT = 1,
	NFV_INJECT_MAX
};

#define NFV_INJECT_DEPTH 512

struct nfv_inject_queue {
	uint16_t n;
	struct rte_mbuf *pkts[NFV_INJECT_DEPTH];
};

struct nfv_queue_set;
struct nfv_trace;
struct rte_rcu_qsbr;

struct nfv_hook_table {
	/* written by the control side with release stores, read by workers */
	struct nfv_hook_entries *hooks[NFV_INET_NUMHOOKS];
	struct nfv_queue_set *queues;
	/* set once at init */
	struct rte_rcu_qsbr *qsbr;
	struct rte_ring *reinject[NFV_MAX_WORKERS];	/* from queue listeners */
	struct nfv_drop_stats drops[NFV_MAX_WORKERS + 1];
	struct nfv_inject_queue inject[NFV_MAX_WORKERS][NFV_INJECT_MAX];
	unsigned int nb_workers;
	/* stands in for entries that could not be removed for lack of memory */
	struct nfv_hook_reg orphan;
	/* nfv_trace.h: non-NULL while a trace is armed; control side writes */
	struct nfv_trace *trace;
};

/* Control side. All return 0 or -errno and log nothing. */
struct nfv_hook_table *nfv_hook_table_create(unsigned int nb_workers);
void nfv_hook_table_destroy(struct nfv_hook_table *t);
/*
 * Registers the n entries that ops[0..n) describe, as one change: all of
 * them, or on error none and the table is as it was. The descriptors are
 * copied (ops may live on the stack). Each entry goes after the entries of
 * its hook whose priority is lower or equal, in the order of ops[], as if
 * registered one by one. regs, if not NULL, receives on success each
 * entry's registration, the handle that unregisters it. Returns after one
 * grace period. -EINVAL: bad hook, no fn, no name or one of
 * NFV_HOOK_NAMESIZ bytes or more; -EEXIST: a name in use or given twice;
 * -ENOSPC: a hook would have more than UINT16_MAX entries; -ENOMEM.
 */
int nfv_hook_register(struct nfv_hook_table *t, const struct nfv_hook_ops *ops,
		      unsigned int n, struct nfv_hook_reg **regs);
/*
 * Unregisters regs[0..n), skipping NULL slots, and sets them to NULL.
 * Returns after one grace period for the whole batch: no worker runs any of
 * the entries any more, so their priv may be freed. Cannot fail.
 */
void nfv_hook_unregister(struct nfv_hook_table *t, struct nfv_hook_reg **regs,
			 unsigned int n);
/* Registration by name, or NULL. */
struct nfv_hook_reg *nfv_hook_find(struct nfv_hook_table *t, const char *name);
/* Waits until every worker has passed a quiescent state. */
void nfv_hook_synchronize(struct nfv_hook_table *t);
/* Sums an entry's per-worker stats. */
void nfv_hook_stats_sum(const struct nfv_hook_reg *reg, struct nfv_hook_stats *sum);
uint64_t nfv_drop_stats_sum(const struct nfv_hook_table *t, unsigned int reason);

/* Worker side. */
void nfv_hook_worker_online(struct nfv_hook_table *t, unsigned int worker);
void nfv_hook_worker_offline(struct nfv_hook_table *t, unsigned int worker);
void nfv_hook_worker_quiescent(struct nfv_hook_table *t, unsigned int worker);

/*
 * Runs the entries of state->hook on pkts[0..n), starting at the first entry
 * whose priority is above after_prio (INT_MIN-1 semantics: pass
 * NFV_HOOK_FROM_START for all). Packets that every entry accepted are
 * compacted at the front of pkts, in their order, and their count returned.
 * Dropped packets are freed and counted, stolen ones forgotten, queued ones
 * handed to their queue.
 */
#define NFV_HOOK_FROM_START INT64_MIN
uint16_t nfv_hook_run(struct nfv_hook_table *t, struct rte_mbuf **pkts,
		      uint16_t n, const struct nfv_hook_state *state,
		      int64_t after_prio);

/*
 * Frees a packet and counts it under reason, without a trace record: for
 * the runner, whose trace already holds the entry's DROP verdict.
 */
static inline void nfv_drop_quiet(struct nfv_hook_table *t, unsigned int worker,
				  struct rte_mbuf *m, unsigned int reason)
{
	t->drops[worker].count[reason]++;
	rte_pktmbuf_free(m);
}

/* nfv_trace.c: the record of a traced packet dropped outside an entry. */
void nfv_trace_drop(struct nfv_hook_table *t, unsigned int worker,
		    struct rte_mbuf *m, unsigned int reason);

/*
 * Frees a packet and counts it under reason; for entries and the pipeline.
 * A traced packet's trace ends with the reason (no route, full queue, a
 * failed decryption after STOLEN, ...), not in silence.
 */
static inline void nfv_drop(struct nfv_hook_table *t, unsigned int worker,
			    struct rte_mbuf *m, unsigned int reason)
{
	if (unlikely(nfv_mbuf_meta(m)->flags & NFV_MBUF_F_TRACE))
		nfv_trace_drop(t, worker, m, reason);
	nfv_drop_quiet(t, worker, m, reason);
}

/*
 * Queues m to enter the pipeline again at point on this worker. The caller
 * sets the metadata (family, flags such as NFV_MBUF_F_SECPATH); packets for
 * LOCAL_OUT start with the L3 header, packets for PRE_ROUTING too.
 */
static inline void nfv_hook_inject(const struct nfv_hook_state *state,
				   enum nfv_inject_point point, struct rte_mbuf *m)
{
	struct nfv_inject_queue *q = &state->table->inject[state->worker][point];

	if (unlikely(q->n == NFV_INJECT_DEPTH)) {
		nfv_drop(state->table, state->worker, m, NFV_DR_INJECT_FULL);
		return;
	}
	q->pkts[q->n++] = m;
}

#endif
