/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "esp-input": LOCAL_IN at NFV_IP_PRI_FILTER - 1, so that it runs after
 * conntrack and mangle and just before the filter table: the filter sees
 * the ESP packet only if it is not ours, and the decrypted inner packet
 * goes through the whole pipeline again from PRE_ROUTING marked with
 * NFV_MBUF_F_SECPATH (nft "meta ipsec exists"), as Linux re-runs netfilter
 * on the inner packet.
 *
 * A burst goes through in passes, so that with thousands of SAs the
 * misses of its packets overlap instead of coming one after another: the
 * headers and SAD keys of all, one bulk lookup of the SAD (a run of
 * packets of one SA looks its key up once), the SAs' lines fetched, each
 * packet checked into the crypto batch; after the crypto, one
 * classification of the inner packets for the inbound policy check.
 */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "esp.h"
#include "nfv_mbuf.h"

static void esp_input_flush(struct nfv_ipsec *ips, struct esp_op *ops,
			    unsigned int n, const struct nfv_hook_state *state)
{
	const struct esp_sp *sps[ESP_BATCH], *found[ESP_BATCH];
	uint16_t idx[2][ESP_BATCH], nidx[2] = { 0, 0 };
	unsigned int w = state->worker, i, j, v6;
	struct esp_sel sels[ESP_BATCH];
	bool bad[ESP_BATCH];
	int rc[ESP_BATCH];

	esp_crypto_run(ips->mgr[w], ops, n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = ops[i].m;
		uint8_t family;

		rc[i] = esp_decap_finish(ips, &ops[i], w);
		if (unlikely(rc[i] != 0))
			continue;
		family = nfv_mbuf_meta(m)->family;
		sps[i] = NULL;
		bad[i] = esp_sel_parse(rte_pktmbuf_mtod(m, const uint8_t *), m->pkt_len,
				       family, &sels[i]) < 0;
		if (!bad[i])
			idx[family == AF_INET6][nidx[family == AF_INET6]++] = (uint16_t)i;
	}
	for (v6 = 0; v6 < 2; v6++) {
		if (nidx[v6] == 0)
			continue;
		esp_spd_lookup_bulk(__atomic_load_n(&ips->spd[NFV_IPSEC_DIR_IN][v6],
						    __ATOMIC_ACQUIRE),
				    sels, idx[v6], nidx[v6], found);
		for (j = 0; j < nidx[v6]; j++) {
			sps[idx[v6][j]] = found[j];
			/* one of thousands: read below, fetched now for all */
			if (found[j] != NULL)
				rte_prefetch0(found[j]);
		}
	}
	for (i = 0; i < n; i++) {
		if (rc[i] == 0 && unlikely(!esp_decap_policy_ok(ops[i].sa, sps[i], bad[i]))) {
			ops[i].sa->stats[w].policy++;
			rc[i] = NFV_DR_ESP_POLICY;
		}
		if (unlikely(rc[i] != 0)) {
			nfv_drop(state->table, w, ops[i].m, rc[i]);
			continue;
		}
		ops[i].sa->stats[w].use_tsc = state->now;
		nfv_hook_inject(state, NFV_INJECT_PRE_ROUTING, ops[i].m);
	}
}

static bool esp_in_same_key(const struct esp_in_hdr *a, const struct esp_in_hdr *b)
{
	return a->spi == b->spi && a->family == b->family &&
	       memcmp(a->dst, b->dst, a->family == AF_INET ? 4 : 16) == 0;
}

/* n <= NFV_BURST packets; see the top of the file. */
static void esp_input_burst(struct nfv_ipsec *ips, struct rte_mbuf **pkts, uint16_t n,
			    uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct esp_in_hdr h[NFV_BURST];
	struct esp_sa *found[NFV_BURST];
	struct esp_op ops[ESP_BATCH];
	uint16_t look[NFV_BURST], key[NFV_BURST];
	unsigned int nlook = 0, nops = 0, i;
	bool esp[NFV_BURST];
	int prev = -1, rc;

	/* 1. which packets are ESP for us, and their SAD keys */
	for (i = 0; i < n; i++) {
		if (i + 2 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		rc = esp_decap_parse(ips, &pkts[i], &h[i]);
		esp[i] = rc == 0;
		if (rc != 0) {
			verdicts[i] = rc == ESP_IN_ACCEPT ? NFV_ACCEPT : NFV_DROP_REASON(rc);
			continue;
		}
		/* packets of one SA come in runs: one lookup per run */
		if (prev >= 0 && esp_in_same_key(&h[prev], &h[i])) {
			key[i] = key[prev];
		} else {
			key[i] = (uint16_t)nlook;
			look[nlook++] = (uint16_t)i;
		}
		prev = (int)i;
	}
	if (nlook == 0)
		return;
	/* 2. the SAs, and their lines, for the whole burst at once */
	esp_sad_lookup_bulk(ips->sad, h, look, nlook, found);
	for (i = 0; i < nlook; i++)
		if (found[i] != NULL)
			esp_sa_prefetch(found[i], state->worker, true);
	/* 3. each packet against its SA, into the batch */
	for (i = 0; i < n; i++) {
		if (!esp[i])
			continue;
		rc = esp_decap_prepare(pkts[i], &h[i], found[key[i]], state->now,
				       state->worker, &ops[nops]);
		if (rc != 0) {
			verdicts[i] = NFV_DROP_REASON(rc);
			continue;
		}
		verdicts[i] = NFV_STOLEN;
		nops++;
	}
	if (nops > 0)
		esp_input_flush(ips, ops, nops, state);
}

void esp_input_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t *verdicts, const struct nfv_hook_state *state)
{
	/* the runner gives at most NFV_BURST; a longer call is cut */
	for (uint16_t i = 0; i < n; i += NFV_BURST)
		esp_input_burst(priv, &pkts[i], RTE_MIN((uint16_t)(n - i), (uint16_t)NFV_BURST),
				&verdicts[i], state);
}

const struct nfv_hook_ops esp_input_ops = {
	.name = "esp-input",
	.hook = NFV_INET_LOCAL_IN,
	.priority = NFV_IP_PRI_FILTER - 1,
	.fn = esp_input_process,
};
