/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main lcore: serves the management socket, takes what workers hand
 * over (ARP, ND, packets waiting for a neighbour, queued packets) and runs
 * the timers. It sleeps in poll() for at most a millisecond at a time, so
 * it costs little on a core shared with something else.
 */
#include <rte_cycles.h>
#include <rte_ring.h>

#include "ctl.h"
#include "events.h"
#include "dp.h"
#include "filter_apply.h"
#include "ipsec_apply.h"
#include "mgmt.h"
#include "neigh_ctl.h"
#include "queue_ctl.h"
#include "stats.h"

#define CTL_BURST 64

static void ctl_ring_run(struct nfv_dp *dp)
{
	struct rte_mbuf *pkts[CTL_BURST];
	unsigned int n;

	do {
		n = rte_ring_sc_dequeue_burst(dp->ctl_ring, (void **)pkts, CTL_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			nfv_neigh_ctl_input(dp, pkts[i]);
	} while (n == CTL_BURST);
}

void nfv_ctl_loop(struct nfv_dp *dp)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t next_timer = 0;

	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		uint64_t now;

		nfv_mgmt_poll(dp, 1);
		ctl_ring_run(dp);
		now = rte_rdtsc();
		nfv_queue_ctl_run(dp, now);
		nfv_ipsec_dp_timer(dp, now);	/* keeps its own deadline */
		if (now >= next_timer) {
			nfv_neigh_ctl_timer(dp, now);
			nfv_telemetry_refresh(dp);
			nfv_events_run(dp);
			nfv_filter_ctl_timer(dp, now);
			next_timer = now + hz / 10;
		}
	}
}

void nfv_ctl_drain(struct nfv_dp *dp)
{
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(dp->ctl_ring, (void **)&m) == 0)
		nfv_drop(dp->hooks, NFV_CONTROL_WORKER, m, NFV_DR_SHUTDOWN);
	for (unsigned int w = 0; w < dp->nb_workers; w++)
		while (rte_ring_sc_dequeue(dp->workers[w].ctl_tx, (void **)&m) == 0)
			nfv_drop(dp->hooks, NFV_CONTROL_WORKER, m, NFV_DR_SHUTDOWN);
}
