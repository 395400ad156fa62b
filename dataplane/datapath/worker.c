/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker lcore: polls its rx queues, runs each burst to completion, and
 * reports a quiescent state once per loop so that the control side can
 * free what it unpublished.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "dp.h"
#include "local.h"
#include "nfv_mbuf.h"
#include "nfv_queue.h"
#include "reass.h"

static void worker_state_init(struct nfv_worker *w)
{
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		w->st[h].hook = h;
		w->st[h].worker = w->id;
		w->st[h].table = w->dp->hooks;
	}
}

static inline void worker_clock(struct nfv_worker *w, uint64_t now)
{
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++)
		w->st[h].now = now;
}

/* Frames the control side made (ARP, ND, resolved packets) go out here. */
static void worker_ctl_tx(struct nfv_worker *w)
{
	struct rte_mbuf *pkts[NFV_BURST];
	unsigned int n;

	n = rte_ring_sc_dequeue_burst(w->ctl_tx, (void **)pkts, NFV_BURST, NULL);
	for (unsigned int i = 0; i < n; i++)
		nfv_pipeline_tx(w, nfv_mbuf_meta(pkts[i])->oport, pkts[i]);
}

int nfv_worker_main(void *arg)
{
	struct nfv_worker *w = arg;
	struct nfv_dp *dp = w->dp;
	struct rte_mbuf *pkts[NFV_BURST];

	worker_state_init(w);
	nfv_hook_worker_online(dp->hooks, w->id);
	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		bool busy = false;
		unsigned int n;

		worker_clock(w, rte_rdtsc());
		nfv_flow_fast_loop(w);
		w->snap = __atomic_load_n(&dp->fib, __ATOMIC_ACQUIRE);
		for (unsigned int q = 0; q < w->nb_rxq; q++) {
			const struct nfv_rxq *rxq = &w->rxq[q];

			n = rte_eth_rx_burst(rxq->port_id, rxq->queue, pkts, NFV_BURST);
			if (n == 0)
				continue;
			busy = true;
			if (rxq->tun)
				nfv_pipeline_from_kernel(w, rxq->port_idx, pkts, n);
			else
				nfv_pipeline_l2_input(w, rxq->port_idx, pkts, n);
			nfv_pipeline_drain(w);
		}
		n = nfv_queue_reinject_take(dp->hooks, w->id, pkts, NFV_BURST);
		if (n > 0) {
			nfv_pipeline_resume(w, pkts, n);
			nfv_pipeline_drain(w);
		}
		worker_ctl_tx(w);
		nfv_reass_expire(w, w->st[0].now);
		nfv_pipeline_flush(w);
		w->stats.loops++;
		if (busy) {
			w->stats.busy_loops++;
			if (w->stats.first_rx_tsc == 0)
				w->stats.first_rx_tsc = w->st[0].now;
			w->stats.last_rx_tsc = w->st[0].now;
		}
		nfv_hook_worker_quiescent(dp->hooks, w->id);
	}
	nfv_hook_worker_offline(dp->hooks, w->id);
	return 0;
}
