/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP for the nft flowtable's fast path (nfv_ipsec.h): a packet of an
 * offloaded flow whose output esp-output sealed for an SA is sealed for
 * the same SA at ingress, skipping the hooks and the policy lookup. The
 * sealing, the crypto batch and what follows are esp-output's own
 * (esp_output_seal(), esp_output_flush()); this file only decides which
 * packets may skip the rest of esp-output: those that would go straight
 * to the sealing there and pass it.
 */
#include <rte_mbuf.h>

#include "esp.h"
#include "nfv_ipsec.h"

struct esp_sa *nfv_ipsec_flow_sa(struct nfv_ipsec *ips, unsigned int worker, uint64_t now,
				 const struct rte_mbuf *m, uint32_t sa_id)
{
	struct esp_sa *sa = esp_sa_get(ips, sa_id);
	uint32_t len = rte_pktmbuf_pkt_len(m);

	/* esp-output would drop it (no SA, an SA stopped): let it, after
	 * every hook */
	if (unlikely(sa == NULL || !(sa->flags & ESP_SA_OUT) || sa->dead))
		return NULL;
	/*
	 * Past a deadline (soft or hard), or a hard count limit within this
	 * packet (its length bounds the payload the SA counts): the slow
	 * path's lifetime check raises the soft flag or drops as expired.
	 */
	if (unlikely(now >= sa->first_tsc ||
		     ((sa->flags & ESP_SA_COUNT_LIMITS) &&
		      esp_sa_hard_reached(sa, &sa->stats[worker], len))))
		return NULL;
	/* the path MTU's work (fragments, ICMP too big), and chains */
	if (unlikely(len > esp_flow_mtu(sa) || !rte_pktmbuf_is_contiguous(m)))
		return NULL;
	return sa;
}

void nfv_ipsec_flow_output(struct nfv_ipsec *ips, const struct nfv_hook_state *state,
			   struct rte_mbuf **pkts, struct esp_sa *const *sas, uint16_t n)
{
	struct esp_op ops[ESP_BATCH];
	unsigned int nops = 0;

	for (uint16_t i = 0; i < n; i++) {
		uint32_t v = esp_output_seal(ips, sas[i], pkts[i], state, &ops[nops]);

		/* what esp-output would have dropped too (a soft count
		 * limit is raised by the sealing, as there) */
		if (unlikely(v != NFV_STOLEN)) {
			nfv_drop(state->table, state->worker, pkts[i], NFV_VERDICT_ARG(v));
			continue;
		}
		if (++nops == ESP_BATCH) {
			esp_output_flush(ips, ops, nops, state);
			nops = 0;
		}
	}
	if (nops > 0)
		esp_output_flush(ips, ops, nops, state);
}
