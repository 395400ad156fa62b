/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "esp-input": LOCAL_IN at NFV_IP_PRI_FILTER - 1, so that it runs after
 * conntrack and mangle and just before the filter table: the filter sees
 * the ESP packet only if it is not ours, and the decrypted inner packet
 * goes through the whole pipeline again from PRE_ROUTING marked with
 * NFV_MBUF_F_SECPATH (nft "meta ipsec exists"), as Linux re-runs netfilter
 * on the inner packet.
 */
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "esp.h"
#include "nfv_mbuf.h"

static void esp_input_flush(struct nfv_ipsec *ips, struct esp_op *ops,
			    unsigned int n, const struct nfv_hook_state *state)
{
	unsigned int w = state->worker, i;

	esp_crypto_run(ips->mgr[w], ops, n);
	for (i = 0; i < n; i++) {
		int rc = esp_decap_finish(ips, &ops[i], w);

		if (unlikely(rc != 0)) {
			nfv_drop(state->table, w, ops[i].m, rc);
			continue;
		}
		nfv_hook_inject(state, NFV_INJECT_PRE_ROUTING, ops[i].m);
	}
}

void esp_input_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct nfv_ipsec *ips = priv;
	struct esp_op ops[ESP_BATCH];
	struct esp_sa *last = NULL;
	unsigned int nops = 0, i;
	int rc;

	for (i = 0; i < n; i++) {
		if (i + 2 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		rc = esp_decap_prepare(ips, &pkts[i], state->now, state->worker,
				       &ops[nops], &last);
		if (rc == ESP_IN_ACCEPT) {
			verdicts[i] = NFV_ACCEPT;
			continue;
		}
		if (rc != 0) {
			verdicts[i] = NFV_DROP_REASON(rc);
			continue;
		}
		verdicts[i] = NFV_STOLEN;
		if (++nops == ESP_BATCH) {
			esp_input_flush(ips, ops, nops, state);
			nops = 0;
		}
	}
	if (nops > 0)
		esp_input_flush(ips, ops, nops, state);
}

const struct nfv_hook_ops esp_input_ops = {
	.name = "esp-input",
	.hook = NFV_INET_LOCAL_IN,
	.priority = NFV_IP_PRI_FILTER - 1,
	.fn = esp_input_process,
};
