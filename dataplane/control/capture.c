/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture with DPDK's tools: rte_pdump serves the requests of a
 * secondary process (dpdk-dumpcap, dpdk-pdump) started with the same
 * --file-prefix, which asks for copies of a port's rx and/or tx packets in
 * pcapng. The copies are made by the workers in rte_eth_rx_burst and
 * rte_eth_tx_burst callbacks, on the ports asked for and only while a
 * capture runs: no cost otherwise. A secondary can attach only to a
 * primary whose hugepage files exist (no --huge-unlink, no --no-huge,
 * no --in-memory); see docs/capture.md.
 */
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "dp.h"
#include "log.h"
#include "module.h"

static bool capture_on;

static int capture_init(struct nfv_dp *dp)
{
	RTE_SET_USED(dp);
	/* without a shared configuration no secondary can attach: nothing to serve */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (rte_pdump_init() < 0) {
		NFV_LOG(NOTICE, "packet capture unavailable: rte_pdump_init: %s",
			rte_strerror(rte_errno));
		return 0;
	}
	capture_on = true;
	return 0;
}

static void capture_fini(struct nfv_dp *dp)
{
	RTE_SET_USED(dp);
	if (capture_on)
		rte_pdump_uninit();
	capture_on = false;
}

static struct nfv_ctl_module capture_module = {
	.name = "capture",
	.order = NFV_CTL_ORDER_CAPTURE,
	.init = capture_init,
	.fini = capture_fini,
};

NFV_CTL_MODULE(capture_module);
