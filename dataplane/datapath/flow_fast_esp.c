/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flowtable's fast path for flows whose output is an outbound ESP SA
 * (beyond Linux, whose flowtable leaves them to XFRM): esp-output learns
 * the SA into the flow's direction as it seals a packet of the flow
 * (nfv_flow_fast_esp_learn()); the next packets of that direction skip
 * the hooks, the route lookup and the policy lookup at ingress, get their
 * TTL decremented, and are sealed for the same SA with esp-output's code,
 * all of a burst in one crypto batch. The ESP packets then go on as the
 * slow path's do: LOCAL_OUT, the outer route and neighbour, POST_ROUTING.
 * What ESP would not just seal (an SA gone, stopped, past a deadline or
 * near a hard limit, the path MTU's work, chains) takes the full pipeline.
 * Inbound, the packets esp-input decrypted (and checked against the
 * inbound policy) meet the flowtable before PRE_ROUTING as the packets
 * of a port do, and take the fast path of directions learned out of
 * their SA.
 */
#include <string.h>

#include "dp.h"
#include "nfv_flowtable.h"
#include "nfv_ip4.h"
#include "nfv_ip6.h"
#include "nfv_ipsec.h"
#include "nfv_mbuf.h"

bool nfv_flow_fast_esp_take(struct nfv_worker *w, struct nfv_flow_esp *b, struct rte_mbuf *m,
			    const struct nfv_flow_route *hit)
{
	struct nfv_ipsec *ips = __atomic_load_n(&w->dp->ips, __ATOMIC_ACQUIRE);
	struct esp_sa *sa;

	if (unlikely(ips == NULL))
		return false;
	sa = nfv_ipsec_flow_sa(ips, w->id, w->st[0].now, m, hit->out_sa);
	if (sa == NULL)
		return false;
	/* TTL > 1 was checked by the lookup (nf_flow_tuple_ip()) */
	if (nfv_mbuf_meta(m)->family == AF_INET)
		nfv_ip4_forward_prepare(m);
	else
		nfv_ip6_forward_prepare(m);
	b->pkts[b->n] = m;
	b->sas[b->n++] = sa;
	w->stats.offloaded++;
	return true;
}

void nfv_flow_fast_esp_flush(struct nfv_worker *w, struct nfv_flow_esp *b)
{
	/* not NULL: a packet was taken in this loop */
	struct nfv_ipsec *ips = __atomic_load_n(&w->dp->ips, __ATOMIC_ACQUIRE);

	nfv_ipsec_flow_output(ips, &w->st[NFV_INET_POST_ROUTING], b->pkts, b->sas, b->n);
	b->n = 0;
}

uint16_t nfv_flow_fast_secpath(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *cand[NFV_BURST], *rest[NFV_BURST];
	uint16_t nc = 0, nr = 0, k;

	for (uint16_t i = 0; i < n; i++) {
		const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(pkts[i]);

		if ((meta->flags & NFV_MBUF_F_SECPATH) && meta->iport < 32 &&
		    (w->flow_ports >> meta->iport & 1))
			cand[nc++] = pkts[i];
		else
			rest[nr++] = pkts[i];
	}
	if (nc == 0)
		return n;
	k = nfv_flow_fast(w, cand, nc);
	/* what the fast path left, then the others: a flow's packets are
	 * all of one kind, so each flow keeps its order */
	memcpy(pkts, cand, k * sizeof(pkts[0]));
	memcpy(pkts + k, rest, nr * sizeof(pkts[0]));
	return k + nr;
}

void nfv_flow_fast_esp_learn(void *arg, unsigned int worker, struct rte_mbuf *m,
			     uint32_t sa_id, uint16_t mtu)
{
	struct nfv_dp *dp = arg;
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct nfv_worker *w;

	if (dp->flowtable == NULL || meta->iport >= 32)
		return;
	w = &dp->workers[worker];
	if (!(w->flow_ports >> meta->iport & 1))
		return;
	nfv_flowtable_learn_esp(dp->flowtable, m, sa_id, mtu, nfv_flow_gen(w), w->st[0].now,
				worker);
}
