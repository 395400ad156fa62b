/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flowtable's fast path at ingress, as the kernel's flowtable hook
 * (nf_flow_offload_ip_hook()) before PRE_ROUTING: a packet of an
 * offloaded flow gets its TTL decremented, the Ethernet header its
 * direction learned, and goes to its port's tx buffer; every other packet
 * goes on through the full pipeline. Also the learning at output, and the
 * per-loop state.
 */
#include <rte_ip.h>

#include "dp.h"
#include "local.h"
#include "nfv_eth.h"
#include "nfv_flowtable.h"
#include "nfv_ip4.h"
#include "nfv_ip6.h"
#include "nfv_mbuf.h"

_Static_assert(sizeof(((struct nfv_eth_tmpl *)0)->hdr) <= NFV_FLOW_L2_MAX,
	       "a flow holds the output stage's Ethernet header");

/* Once per loop, before the RIB snapshot is loaded (worker.c). */
void nfv_flow_fast_loop(struct nfv_worker *w)
{
	const struct nfv_dp *dp = w->dp;
	uint64_t state;

	if (dp->flowtable == NULL)
		return;
	state = nfv_flowtable_state(nfv_flowtable_state_ptr(dp->flowtable));
	/* while a trace is armed, every packet meets the hooks */
	w->flow_ports = __atomic_load_n(&dp->hooks->trace, __ATOMIC_RELAXED) != NULL ?
			0 : (uint32_t)state;
	w->flow_gen = nfv_flowtable_gen(state, __atomic_load_n(&dp->neigh.gen,
							       __ATOMIC_ACQUIRE));
}

/*
 * pkts arrived on one port (data at L3, checked); the packets of
 * offloaded flows leave here, the others are compacted at the front of
 * pkts, in order. Returns how many remain.
 */
uint16_t nfv_flow_fast(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct nfv_flow_hit hits[NFV_BURST];
	struct nfv_flow_esp esp;
	uint16_t k = 0;

	esp.n = 0;
	nfv_flowtable_lookup(w->dp->flowtable, pkts, n, nfv_flow_gen(w), w->st[0].now, w->id,
			     hits);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *l2;

		if (hits[i].l2_len == 0) {
			pkts[k++] = m;
			continue;
		}
		if (hits[i].l2_len == NFV_FLOW_L2_ESP) {
			if (!nfv_flow_fast_esp_take(w, &esp, m, &hits[i]))
				pkts[k++] = m;
			continue;
		}
		/* TTL > 1 was checked by the lookup (nf_flow_tuple_ip()) */
		if (nfv_mbuf_meta(m)->family == AF_INET)
			nfv_ip4_forward_prepare(m);
		else
			nfv_ip6_forward_prepare(m);
		l2 = (uint8_t *)rte_pktmbuf_prepend(m, hits[i].l2_len);
		if (unlikely(l2 == NULL)) {
			nfv_drop(w->dp->hooks, w->id, m, NFV_DR_ETH_NO_HEADROOM);
			continue;
		}
		memcpy(l2, hits[i].l2, hits[i].l2_len);
		m->l2_len = hits[i].l2_len;
		w->stats.offloaded++;
		nfv_pipeline_tx(w, hits[i].oport, m);
	}
	if (esp.n > 0)
		nfv_flow_fast_esp_flush(w, &esp);
	return k;
}

/* Output stage: m passed every hook, flow add marked it; l2 is its header. */
void nfv_flow_fast_learn(struct nfv_worker *w, struct rte_mbuf *m, const void *l2,
			 uint8_t l2_len, uint16_t mtu)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);

	meta->flags &= ~NFV_MBUF_F_FLOW;
	if (w->dp->flowtable == NULL || meta->iport >= 32 ||
	    !(w->flow_ports >> meta->iport & 1))
		return;
	nfv_flowtable_learn(w->dp->flowtable, m, meta->oport, mtu, l2, l2_len, nfv_flow_gen(w),
			    w->st[0].now, w->id);
}
