/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main lcore: serves the management socket and runs every control
 * module's poll (each turn) and timer (every 100 ms) callbacks. It sleeps
 * in poll() for at most a millisecond at a time, so it costs little on a
 * core shared with something else.
 */
#include <rte_cycles.h>
#include <rte_ring.h>

#include "dp.h"
#include "mgmt.h"
#include "module.h"

void nfv_ctl_loop(struct nfv_dp *dp)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t next_timer = 0;

	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		uint64_t now;

		nfv_mgmt_poll(dp, 1);
		now = rte_rdtsc();
		nfv_ctl_modules_poll(dp, now);
		if (now >= next_timer) {
			nfv_ctl_modules_timer(dp, now);
			next_timer = now + hz / 10;
		}
	}
}

void nfv_ctl_drain(struct nfv_dp *dp)
{
	struct rte_mbuf *m;

	if (dp->ctl_ring == NULL)
		return;
	while (rte_ring_sc_dequeue(dp->ctl_ring, (void **)&m) == 0)
		nfv_drop(dp->hooks, NFV_CONTROL_WORKER, m, NFV_DR_SHUTDOWN);
	for (unsigned int w = 0; w < dp->nb_workers; w++)
		while (rte_ring_sc_dequeue(dp->workers[w].ctl_tx, (void **)&m) == 0)
			nfv_drop(dp->hooks, NFV_CONTROL_WORKER, m, NFV_DR_SHUTDOWN);
}
