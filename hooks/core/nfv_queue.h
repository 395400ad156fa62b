/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Numbered packet queues, as NFQUEUE: an entry answers NFV_QUEUE_NR(n), the
 * worker puts the packet on queue n's ring, a listener on the control side
 * reads it and answers a verdict, and the packet goes back to a worker,
 * which resumes the hook after the entry that queued it.
 *
 * Rings are multi-producer (workers) and single-consumer (the control side).
 * Reinjection goes through one single-producer, single-consumer ring per
 * worker.
 */
#ifndef NFV_QUEUE_H
#define NFV_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "nfv_hook_table.h"

#define NFV_QUEUE_NUM_MAX 65536

struct rte_ring;
struct rte_mbuf;

/* Per worker; written by that worker only. */
struct nfv_queue_wstats {
	uint64_t enqueued;
	uint64_t full;		/* ring full: dropped or bypassed */
	uint64_t no_listener;	/* nobody listening: dropped or bypassed */
	uint64_t bypassed;	/* accepted instead, because of bypass */
} __rte_cache_aligned;

struct nfv_queue_conf {
	uint16_t num;
	uint32_t size;		/* power of two */
	uint32_t timeout_ms;
	uint8_t default_verdict;	/* NFV_ACCEPT or NFV_DROP */
	bool bypass;
};

struct nfv_queue {
	struct nfv_queue_conf conf;
	struct rte_ring *ring;
	/* written by the control side, read by workers */
	volatile uint32_t listeners;
	/* written by the control side only */
	uint64_t verdict_accept;
	uint64_t verdict_drop;
	uint64_t timeouts;
	struct nfv_queue_wstats w[NFV_MAX_WORKERS];
};

struct nfv_queue_set {
	unsigned int nb;
	struct nfv_queue *list[];	/* by configuration order */
};

/* Control side: build a set (NULL on error, errno set), destroy one. */
struct nfv_queue_set *nfv_queue_set_create(const struct nfv_queue_conf *conf,
					   unsigned int nb);
void nfv_queue_set_destroy(struct nfv_queue_set *qs);
struct nfv_queue *nfv_queue_find(const struct nfv_queue_set *qs, uint16_t num);

/*
 * Replaces the table's queue set; packets still in the rings of the old set
 * get the default verdict of their queue. Returns the old set, which the
 * caller destroys.
 */
struct nfv_queue_set *nfv_queue_set_swap(struct nfv_hook_table *t,
					 struct nfv_queue_set *qs);

/*
 * Control side: gives a packet taken from a queue its verdict. ACCEPT sends
 * it to a worker's reinject ring, DROP frees it counted under reason.
 */
void nfv_queue_verdict(struct nfv_hook_table *t, struct rte_mbuf *m,
		       uint32_t verdict, unsigned int reason);

/*
 * Worker side: called by the burst runner for a QUEUE verdict. Returns true
 * when the packet was bypassed and must be treated as accepted.
 */
bool nfv_queue_enqueue(struct nfv_hook_table *t, unsigned int worker,
		       struct rte_mbuf *m, uint32_t verdict,
		       enum nfv_hook hook, int prio);

/*
 * Worker side: takes up to n reinjected packets. Their metadata says where
 * they resume: meta->queue_hook, after meta->queue_prio.
 */
unsigned int nfv_queue_reinject_take(struct nfv_hook_table *t, unsigned int worker,
				     struct rte_mbuf **pkts, unsigned int n);

#endif
