/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The confirm entry at LOCAL_IN and POST_ROUTING (priority INT_MAX), as
 * __nf_conntrack_confirm(): a new connection becomes permanent only once
 * its first packet has passed every hook; until then it lives for
 * CT_UNCONFIRMED_TIMEOUT_S, so connections of dropped packets go away.
 */
#include <rte_mbuf.h>

#include "ct_priv.h"
#include "nfv_mbuf.h"

void nfv_conntrack_confirm_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
				   uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct nfv_ct_table *t = priv;
	struct nfv_ct *ct;
	uint32_t status;

	for (uint16_t i = 0; i < n; i++) {
		verdicts[i] = NFV_ACCEPT;
		ct = nfv_mbuf_meta(pkts[i])->ct;
		if (ct == NULL)
			continue;
		status = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
		if (status & IPS_CONFIRMED)
			continue;
		__atomic_store_n(&ct->expires, state->now +
				 __atomic_load_n(&ct->timeout, __ATOMIC_RELAXED) * t->hz,
				 __ATOMIC_RELAXED);
		__atomic_or_fetch(&ct->status, IPS_CONFIRMED, __ATOMIC_RELEASE);
	}
}

/* Where a packet's path ends in the dataplane: delivery or transmission. */
const struct nfv_hook_ops ct_confirm_ops[2] = {
	{
		.name = "conntrack-confirm-in",
		.hook = NFV_INET_LOCAL_IN,
		.priority = NFV_IP_PRI_CONNTRACK_CONFIRM,
		.fn = nfv_conntrack_confirm_process,
	},
	{
		.name = "conntrack-confirm-out",
		.hook = NFV_INET_POST_ROUTING,
		.priority = NFV_IP_PRI_CONNTRACK_CONFIRM,
		.fn = nfv_conntrack_confirm_process,
	},
};
