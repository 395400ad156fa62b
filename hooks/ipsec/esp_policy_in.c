/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "esp-policy-fwd" and "esp-policy-in": the inbound policy check that
 * Linux makes in ip_forward() and on local delivery (xfrm_policy_check()),
 * for packets that did not come through an SA. A cleartext packet whose
 * selectors match an inbound PROTECT policy is what an attacker on the
 * outside sends "from" the remote site: it is dropped as
 * esp-policy-cleartext (Linux: XfrmInTmplMismatch), and a DISCARD policy
 * drops as spd-discard (XfrmInPolBlock). BYPASS and no match pass.
 *
 * Packets that came out of an SA (NFV_MBUF_F_SECPATH) were checked against
 * the same SPD at decapsulation (esp_decap.c), as Linux checks the secpath
 * against the policy's templates; they pass here.
 *
 * FORWARD: first of all entries, as Linux checks before NF_INET_FORWARD.
 * LOCAL_IN: last, as Linux checks in the transport protocol after the
 * LOCAL_IN hook; IKE (UDP 500 and 4500) passes, as charon's sockets carry
 * bypass policies in Linux. Both are registered only while an inbound
 * policy exists, so a dataplane without one pays nothing (esp_ctl.c).
 */
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "esp.h"
#include "nfv_mbuf.h"

static __rte_always_inline void
esp_policy_check(struct nfv_ipsec *ips, struct rte_mbuf **pkts, uint16_t n,
		 uint32_t *verdicts, const struct nfv_hook_state *state, bool local)
{
	struct esp_sel sels[NFV_BURST];
	const struct esp_sp *sps[NFV_BURST];
	bool bad[NFV_BURST];

	for (uint16_t i = 0; i < n; i++) {
		const struct esp_sp *sp;

		/* by NFV_BURST (the runner never gives more); what came
		 * through an SA was checked at decapsulation */
		if (i % NFV_BURST == 0)
			esp_spd_classify(ips, NFV_IPSEC_DIR_IN, &pkts[i],
					 RTE_MIN(n - i, NFV_BURST), NFV_MBUF_F_SECPATH,
					 sels, sps, bad);
		sp = sps[i % NFV_BURST];
		verdicts[i] = NFV_ACCEPT;
		if (unlikely(bad[i % NFV_BURST])) {
			verdicts[i] = NFV_DROP_REASON(NFV_DR_ESP_POLICY_HDR);
			continue;
		}
		if (sp == NULL || (local && esp_sel_ike_port(&sels[i % NFV_BURST],
								    sels[i % NFV_BURST].dport)))
			continue;
		switch (esp_sp_action(sp)) {
		case NFV_IPSEC_PROTECT:
			esp_sp_count(sp, state->worker);
			verdicts[i] = NFV_DROP_REASON(NFV_DR_ESP_POLICY_CLEARTEXT);
			break;
		case NFV_IPSEC_DISCARD:
			esp_sp_count(sp, state->worker);
			verdicts[i] = NFV_DROP_REASON(NFV_DR_SPD_DISCARD);
			break;
		default:
			break;
		}
	}
}

static void esp_policy_fwd_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
				   uint32_t *verdicts, const struct nfv_hook_state *state)
{
	esp_policy_check(priv, pkts, n, verdicts, state, false);
}

static void esp_policy_in_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
				  uint32_t *verdicts, const struct nfv_hook_state *state)
{
	esp_policy_check(priv, pkts, n, verdicts, state, true);
}

const struct nfv_hook_ops esp_policy_fwd_ops = {
	.name = "esp-policy-fwd",
	.hook = NFV_INET_FORWARD,
	.priority = NFV_IP_PRI_FIRST,
	.fn = esp_policy_fwd_process,
};

const struct nfv_hook_ops esp_policy_in_ops = {
	.name = "esp-policy-in",
	.hook = NFV_INET_LOCAL_IN,
	.priority = NFV_IP_PRI_LAST,
	.fn = esp_policy_in_process,
};
