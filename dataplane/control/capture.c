/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture with DPDK's tools: rte_pdump serves the requests of a
 * secondary process (dpdk-dumpcap, dpdk-pdump) started with the same
 * --file-prefix, which asks for copies of a port's rx and/or tx packets in
 * pcapng. The copies are made by the workers in rte_eth_rx_burst and
 * rte_eth_tx_burst callbacks, on the ports asked for and only while a
 * capture runs: no cost otherwise. A secondary can attach only to a
 * primary whose hugepage files exist (no --huge-unlink, no --no-huge,
 * no --in-memory); see docs/dataplane.md, "Packet capture".
 * NFV_MSG_CAPTURE_INFO tells nfvpnctl capture what dumpcap must be given:
 * the --file-prefix, and whether anything can attach at all.
 */
#include <errno.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>
#include <rte_string_fns.h>

#include "dp.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_msg.h"

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

/* EAL's runtime directory is .../dpdk/PREFIX: the --file-prefix. */
static int show_info(struct nfv_buf *b)
{
	struct nfv_msg_capture_info *ci = nfv_buf_put(b, sizeof(*ci));
	const char *dir = rte_eal_get_runtime_dir(), *slash;

	if (ci == NULL)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	strlcpy(ci->file_prefix, slash != NULL ? slash + 1 : dir, sizeof(ci->file_prefix));
	ci->served = capture_on;
	ci->hugepages = rte_eal_has_hugepages() != 0;
	return 0;
}

static int handle_info(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		       const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_buf b = { 0 };

	RTE_SET_USED(dp);
	RTE_SET_USED(payload);
	return nfv_mgmt_reply(c, h, &b, show_info(&b));
}

static const struct nfv_mgmt_handler capture_handlers[] = {
	{ NFV_MSG_CAPTURE_INFO, 0, false, "capture info", handle_info },
};
NFV_MGMT_HANDLERS(capture_handlers);

static struct nfv_ctl_module capture_module = {
	.name = "capture",
	.order = NFV_CTL_ORDER_CAPTURE,
	.init = capture_init,
	.fini = capture_fini,
};

NFV_CTL_MODULE(capture_module);
