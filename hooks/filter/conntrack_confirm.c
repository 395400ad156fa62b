/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The confirm entry at LOCAL_IN and POST_ROUTING (priority INT_MAX), as
 * __nf_conntrack_confirm(): a new connection becomes permanent only once
 * its first packet has passed every hook; until then it lives for
 * CT_UNCONFIRMED_TIMEOUT_S, so connections of dropped packets go away.
 * Also the registration of both conntrack entries.
 */
#include <errno.h>

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

static const struct {
	const char *name;
	enum nfv_hook hook;
	int prio;
	bool confirm;
} ct_entries[] = {
	{ "conntrack-in", NFV_INET_PRE_ROUTING, NFV_IP_PRI_CONNTRACK, false },
	{ "conntrack-out", NFV_INET_LOCAL_OUT, NFV_IP_PRI_CONNTRACK, false },
	{ "conntrack-confirm-in", NFV_INET_LOCAL_IN, NFV_IP_PRI_CONNTRACK_CONFIRM, true },
	{ "conntrack-confirm-out", NFV_INET_POST_ROUTING, NFV_IP_PRI_CONNTRACK_CONFIRM, true },
};

int nfv_ct_register(struct nfv_ct_table *t, struct nfv_hook_table *ht)
{
	struct nfv_hook_ops ops;
	int ret;

	for (unsigned int i = 0; i < RTE_DIM(ct_entries); i++) {
		ops.name = ct_entries[i].name;
		ops.hook = ct_entries[i].hook;
		ops.priority = ct_entries[i].prio;
		ops.fn = ct_entries[i].confirm ? nfv_conntrack_confirm_process :
						 nfv_conntrack_in_process;
		ops.priv = t;
		ret = nfv_hook_register(ht, &ops, 1, &t->regs[i]);
		if (ret) {
			nfv_ct_unregister(t, ht);
			return ret;
		}
	}
	return 0;
}

void nfv_ct_unregister(struct nfv_ct_table *t, struct nfv_hook_table *ht)
{
	for (unsigned int i = 0; i < RTE_DIM(ct_entries); i++) {
		if (t->regs[i] != NULL)
			nfv_hook_unregister(ht, &t->regs[i], 1);
		t->regs[i] = NULL;
	}
}
