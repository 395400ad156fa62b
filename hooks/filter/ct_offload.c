/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The end of a connection's offload (the flowtable, nfv_flowtable.h), as
 * flow_offload_teardown() and flow_offload_fixup_ct(): IPS_OFFLOAD is
 * cleared by one atomic and, so of the fast path, the GC and the slow
 * path's tracker exactly one does the fixup.
 */
#include "ct_priv.h"

bool nfv_ct_offload_teardown(struct nfv_ct_table *t, struct nfv_ct *ct, uint64_t now)
{
	uint32_t old = __atomic_fetch_and(&ct->status, ~(uint32_t)IPS_OFFLOAD, __ATOMIC_ACQ_REL);
	int64_t timeout;
	uint64_t exp;

	if (!(old & IPS_OFFLOAD))
		return false;
	if (ct->tuple[0].proto == IPPROTO_TCP) {
		/* the windows moved without the tracker: pick them up again */
		rte_spinlock_lock(&ct->lock);
		ct->tcp[0].td_maxwin = 0;
		ct->tcp[1].td_maxwin = 0;
		timeout = ct_tcp_state_timeout(ct->tcp_state);
		rte_spinlock_unlock(&ct->lock);
	} else {
		timeout = old & IPS_SEEN_REPLY ? CT_UDP_TIMEOUT_STREAM : CT_UDP_TIMEOUT;
	}
	/* the flow timeout passed already when that is why it ends */
	timeout -= NFV_FLOW_TIMEOUT_S;
	if (timeout < 0)
		timeout = 0;
	exp = now + (uint64_t)timeout * t->hz;
	if (__atomic_load_n(&ct->expires, __ATOMIC_RELAXED) > exp)
		__atomic_store_n(&ct->expires, exp, __ATOMIC_RELAXED);
	return true;
}
