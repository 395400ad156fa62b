/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "esp-output": POST_ROUTING at NFV_IP_PRI_LAST, as XFRM's output. Looks
 * every packet up in the outbound SPD; PROTECT steals it into the worker's
 * crypto batch and, once encrypted, re-injects the ESP packet at LOCAL_OUT
 * as a locally made packet (NFV_MBUF_F_IPSEC_DONE stops a second lookup).
 */
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "esp.h"
#include "nfv_mbuf.h"

/*
 * The ESP packet leaves as fragments of op->frag_mtu: transport IPv4
 * without DF, or an IPv6 inner packet the path cannot take whole.
 */
static void esp_output_split(struct nfv_ipsec *ips, const struct esp_op *op,
			     const struct nfv_hook_state *state)
{
	struct esp_worker *wk = &ips->wk[state->worker];
	struct rte_mbuf *frags[ESP_FRAG_MAX];
	int n, i;

	/* an outer IPv4 header of ours (6-in-4) has DF: we may split it, and
	 * then it needs the ID of one without DF (esp_outer4()) */
	if (op->sa->family == AF_INET && (op->sa->flags & ESP_SA_TUNNEL)) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(op->m, struct rte_ipv4_hdr *);

		if (ip->fragment_offset != 0) {
			ip->fragment_offset = 0;
			ip->packet_id = rte_cpu_to_be_16(nfv_ipid_take(
				&wk->ids, esp_sa_outer(op->sa)->ipid_bucket, state->now));
		}
	}
	n = esp_mtu_fragment(ips, op->m, frags, op->frag_mtu, nfv_ipid_random32(&wk->ids));
	if (unlikely(n < 0)) {
		nfv_drop(state->table, state->worker, op->m, NFV_DR_ESP_FRAG_FAILED);
		return;
	}
	rte_pktmbuf_free(op->m);
	for (i = 0; i < n; i++)
		nfv_hook_inject(state, NFV_INJECT_LOCAL_OUT, frags[i]);
}

void esp_output_flush(struct nfv_ipsec *ips, struct esp_op *ops, unsigned int n,
		      const struct nfv_hook_state *state)
{
	unsigned int w = state->worker, i;

	esp_crypto_run(ips->mgr[w], ops, n);
	for (i = 0; i < n; i++) {
		struct esp_op *op = &ops[i];
		struct esp_sa_wstats *st = &op->sa->stats[w];

		if (unlikely(!op->ok)) {
			st->crypto++;
			nfv_drop(state->table, w, op->m, NFV_DR_ESP_CRYPTO);
			continue;
		}
		if (unlikely(esp_sa_hard_reached(op->sa, st, op->plen))) {
			st->expired++;
			nfv_drop(state->table, w, op->m, NFV_DR_ESP_SA_EXPIRED);
			continue;
		}
		esp_encap_finish(op);
		st->packets++;
		st->bytes += op->plen;
		st->use_tsc = state->now;
		if (unlikely(op->frag_mtu != 0))
			esp_output_split(ips, op, state);
		else
			nfv_hook_inject(state, NFV_INJECT_LOCAL_OUT, op->m);
	}
}

/* Sequence number and encapsulation: STOLEN with *op ready, or a drop. */
uint32_t esp_output_seal(struct nfv_ipsec *ips, struct esp_sa *sa, struct rte_mbuf *m,
			 const struct nfv_hook_state *state, struct esp_op *op)
{
	unsigned int w = state->worker;
	uint64_t seq;
	int rc;

	/* bytes are checked below, once the payload length is known */
	if (unlikely(esp_sa_lifetime(sa, w, state->now, 0) < 0)) {
		sa->stats[w].expired++;
		return NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED);
	}
	/*
	 * The one shared write: workers may send on the same SA. With one
	 * worker there is no other writer, and a locked add costs more than
	 * the rest of this function.
	 */
	if (ips->nb_workers == 1)
		seq = sa->seq++;
	else
		seq = __atomic_fetch_add(&sa->seq, 1, __ATOMIC_RELAXED);
	if (unlikely(seq == 0 || (!(sa->flags & ESP_SA_ESN) && seq > UINT32_MAX))) {
		/* RFC 4303 3.3.3: the counter must not cycle; the SA is done */
		sa->dead = 1;
		sa->stats[w].seq_overflow++;
		return NFV_DROP_REASON(NFV_DR_ESP_SEQ_OVERFLOW);
	}
	rc = esp_encap_prepare(ips, w, sa, m, seq, state->now, NULL, op);
	if (unlikely(rc != 0)) {
		sa->stats[w].no_room += rc == NFV_DR_ESP_NO_HEADROOM;
		return NFV_DROP_REASON(rc);
	}
	/* the payload (op->plen) is what the SA counts: the same measure */
	if (unlikely(esp_sa_lifetime(sa, w, state->now, op->plen) < 0)) {
		sa->stats[w].expired++;
		return NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED);
	}
	return NFV_STOLEN;
}

/*
 * The verdict for one packet *mp; fills *op when it returns STOLEN, or
 * sets *frag_sa and returns ESP_MTU_FRAGMENT for a packet to fragment
 * first. A chain may be replaced by a copy in one segment (*mp updated:
 * the verdict is for the copy).
 */
/* sp: the packet's outbound policy, NULL for none (or already ESP); sel its selectors. */
static uint32_t esp_output_one(struct nfv_ipsec *ips, struct rte_mbuf **mp,
			       const struct esp_sp *sp, const struct esp_sel *sel,
			       const struct nfv_hook_state *state,
			       struct esp_op *op, struct esp_sa **frag_sa)
{
	struct rte_mbuf *m = *mp;
	uint16_t frag_mtu = 0;
	struct esp_sa *sa;
	uint32_t v;
	int rc;

	if (sp == NULL)
		return NFV_ACCEPT;
	/*
	 * IKE from this host (the IKE daemon behind the exception path):
	 * never taken by a policy that covers it, or the daemon could not
	 * talk to its peer about the SAs that policy needs
	 */
	if (unlikely((nfv_mbuf_meta(m)->flags & NFV_MBUF_F_LOCAL_OUT) &&
		     esp_sel_ike_port(sel, sel->sport)))
		return NFV_ACCEPT;
	switch (esp_sp_action(sp)) {
	case NFV_IPSEC_BYPASS:
		return NFV_ACCEPT;
	case NFV_IPSEC_DISCARD:
		return NFV_DROP_REASON(NFV_DR_SPD_DISCARD);
	default:
		break;
	}
	sa = esp_sa_get(ips, esp_sp_sa(sp));
	if (unlikely(sa == NULL || !(sa->flags & ESP_SA_OUT))) {
		/* a trap policy, or its SA is gone: the IKE daemon is asked
		 * (esp_acquire.c); the packet is dropped, as Linux's
		 * xfrm_larval_drop does */
		if (sa == NULL)
			esp_acquire_note(ips, state->worker, esp_sp_sa(sp), sel);
		return NFV_DROP_REASON(NFV_DR_ESP_NO_SA);
	}
	/* a cheap bound first: the exact one parses the headers */
	if (unlikely(sa->mtu != 0 && m->pkt_len + ESP_OVERHEAD_MAX > sa->mtu)) {
		rc = esp_mtu_check(ips, sa, m, state->worker);
		if (rc == ESP_MTU_FRAGMENT) {
			*frag_sa = sa;
			return ESP_MTU_FRAGMENT;
		}
		if (rc == ESP_MTU_FRAG_AFTER)
			frag_mtu = sa->mtu;
		else if (rc != 0)
			return NFV_DROP_REASON(rc);
	}
	if (unlikely(!rte_pktmbuf_is_contiguous(m))) {
		if (esp_pkt_gather(ips, mp, ESP_TRAILER_MAX) < 0)
			return NFV_DROP_REASON(NFV_DR_ESP_LINEARIZE);
		m = *mp;
	}
	v = esp_output_seal(ips, sa, m, state, op);
	if (v != NFV_STOLEN)
		return v;
	op->frag_mtu = frag_mtu;
	/* sealed whole, every hook passed: the flowtable may take the
	 * flow's next packets to this SA */
	if (unlikely(nfv_mbuf_meta(m)->flags & NFV_MBUF_F_FLOW) && frag_mtu == 0 &&
	    ips->flow_learn != NULL)
		ips->flow_learn(ips->flow_learn_arg, state->worker, m, sa->id,
				esp_flow_mtu(sa));
	return v;
}

/* An IPv4 packet too big for its tunnel: each fragment is one ESP packet. */
static void esp_output_frags(struct nfv_ipsec *ips, struct esp_sa *sa,
			     struct rte_mbuf *m, const struct nfv_hook_state *state,
			     struct esp_op *ops, unsigned int *nops)
{
	struct rte_mbuf *frags[ESP_FRAG_MAX];
	uint32_t v;
	int n, i;

	n = esp_mtu_fragment(ips, m, frags, (uint16_t)esp_mtu_inner_max(sa, 0), 0);
	/* the fragments hold their own references to m's data */
	if (n < 0) {
		nfv_drop(state->table, state->worker, m, NFV_DR_ESP_FRAG_FAILED);
		return;
	}
	rte_pktmbuf_free(m);
	for (i = 0; i < n; i++) {
		if (*nops == ESP_BATCH) {
			esp_output_flush(ips, ops, *nops, state);
			*nops = 0;
		}
		v = esp_output_seal(ips, sa, frags[i], state, &ops[*nops]);
		if (v == NFV_STOLEN)
			(*nops)++;
		else
			nfv_drop(state->table, state->worker, frags[i], NFV_VERDICT_ARG(v));
	}
}

/*
 * The SAs of a burst's PROTECT policies, fetched before any is used, in
 * three passes (the policies, the SA slots, the SAs) whose loads do not
 * wait for each other: the misses of 32 packets overlap instead of coming
 * one after another.
 */
static void esp_output_prefetch(struct nfv_ipsec *ips, const struct esp_sp **sps,
				unsigned int n, unsigned int w)
{
	struct esp_sa *const *sas = ips->sas;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (sps[i] != NULL)
			rte_prefetch0(sps[i]);
	for (i = 0; i < n; i++)
		if (sps[i] != NULL && esp_sp_sa(sps[i]) < ips->max_sa)
			rte_prefetch0(&sas[esp_sp_sa(sps[i])]);
	for (i = 0; i < n; i++) {
		const struct esp_sa *sa;

		if (sps[i] == NULL || esp_sp_action(sps[i]) != NFV_IPSEC_PROTECT)
			continue;
		sa = esp_sa_get(ips, esp_sp_sa(sps[i]));
		if (sa != NULL)
			esp_sa_prefetch(sa, w, false);
	}
}

void esp_output_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
			uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct nfv_ipsec *ips = priv;
	struct esp_op ops[ESP_BATCH];
	unsigned int nops = 0, i;
	struct esp_sa *frag_sa = NULL;
	struct esp_sel sels[NFV_BURST];
	const struct esp_sp *sps[NFV_BURST];
	uint16_t done = 0;

	/* a burst of ESP packets we made (their second pass): nothing to do */
	for (i = 0; i < n; i++)
		done += !!(nfv_mbuf_meta(pkts[i])->flags & NFV_MBUF_F_IPSEC_DONE);
	if (done == n) {
		for (i = 0; i < n; i++)
			verdicts[i] = NFV_ACCEPT;
		return;
	}
	/*
	 * One classification per NFV_BURST packets (the runner never gives
	 * more); the ESP packets we made are done.
	 */
	for (i = 0; i < n; i++) {
		if (i % NFV_BURST == 0) {
			unsigned int k = RTE_MIN(n - i, (unsigned int)NFV_BURST);

			esp_spd_classify(ips, NFV_IPSEC_DIR_OUT, &pkts[i], k,
					 NFV_MBUF_F_IPSEC_DONE, sels, sps, NULL);
			esp_output_prefetch(ips, sps, k, state->worker);
		}
		verdicts[i] = esp_output_one(ips, &pkts[i], sps[i % NFV_BURST],
					     &sels[i % NFV_BURST], state, &ops[nops], &frag_sa);
		if (unlikely(verdicts[i] == ESP_MTU_FRAGMENT)) {
			verdicts[i] = NFV_STOLEN;
			esp_output_frags(ips, frag_sa, pkts[i], state, ops, &nops);
			continue;
		}
		if (verdicts[i] != NFV_STOLEN)
			continue;
		if (++nops == ESP_BATCH) {
			esp_output_flush(ips, ops, nops, state);
			nops = 0;
		}
	}
	if (nops > 0)
		esp_output_flush(ips, ops, nops, state);
}

const struct nfv_hook_ops esp_output_ops = {
	.name = "esp-output",
	.hook = NFV_INET_POST_ROUTING,
	.priority = NFV_IP_PRI_LAST,
	.fn = esp_output_process,
};
