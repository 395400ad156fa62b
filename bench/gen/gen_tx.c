/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit: build what the pacing allows, one burst at a time, and keep what
 * the port did not take for the next turn, so that sequence numbers stay
 * gap-free and a full queue slows the generator instead of losing packets.
 * Pacing compares the packets built with rate * elapsed ticks: at low rates
 * bursts are one or two packets, at high rates full bursts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "nfv_gen.h"

static inline uint16_t csum_fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	*(unaligned_uint16_t *)p = v;
}

int nfv_gen_tx_init(struct nfv_gen_tx *tx, const struct nfv_gen_tmpl *t,
		    struct rte_mempool *mp, uint64_t rate, uint64_t limit, uint64_t hz)
{
	memset(tx, 0, sizeof(*tx));
	tx->seq = rte_zmalloc("nfv_gen_seq", sizeof(*tx->seq) * t->nflows, 0);
	if (tx->seq == NULL)
		return -ENOMEM;
	tx->t = t;
	tx->mp = mp;
	tx->rate = rate;
	tx->limit = limit;
	tx->hz = hz;
	return 0;
}

void nfv_gen_tx_fini(struct nfv_gen_tx *tx)
{
	if (tx->npend != 0)
		rte_pktmbuf_free_bulk(tx->pend + tx->pend_off, tx->npend);
	tx->npend = 0;
	if (tx->encap != NULL && tx->encap->fini != NULL)
		tx->encap->fini(tx->encap_priv);
	tx->encap = NULL;
	rte_free(tx->seq);
	tx->seq = NULL;
}

/*
 * Between two trials of one process: sequences start again at 0 (the
 * receive side is reset too), while an ESP SA keeps its own sequence so
 * that the device's anti-replay window sees it only move forward.
 */
void nfv_gen_tx_reset(struct nfv_gen_tx *tx, uint64_t rate)
{
	if (tx->npend != 0)
		rte_pktmbuf_free_bulk(tx->pend + tx->pend_off, tx->npend);
	tx->npend = 0;
	tx->pend_off = 0;
	memset(tx->seq, 0, sizeof(*tx->seq) * tx->t->nflows);
	tx->flow_next = 0;
	tx->sched_next = 0;
	tx->built = 0;
	tx->rate = rate;
	tx->start = 0;
	tx->started = false;
	tx->pkts = 0;
	tx->bytes = 0;
	tx->alloc_fail = 0;
	tx->encap_drop = 0;
}

void nfv_gen_tx_build(struct nfv_gen_tx *tx, struct rte_mbuf **pkts, uint16_t n,
		      uint64_t now)
{
	const struct nfv_gen_tmpl *t = tx->t;
	const uint16_t hl = t->hdr_len;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const struct nfv_gen_flow *f = &t->flows[tx->flow_next];
		const struct nfv_gen_size *sz = &t->size[t->sched[tx->sched_next]];
		struct rte_mbuf *m = pkts[i];
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		struct nfv_gen_sig sig = {
			.magic = NFV_GEN_SIG_MAGIC,
			.stream = tx->flow_next,
			.seq = tx->seq[tx->flow_next]++,
			.ts = now,
		};
		uint16_t ck;

		if (++tx->flow_next == t->nflows)
			tx->flow_next = 0;
		if (++tx->sched_next == t->nsched)
			tx->sched_next = 0;

		rte_memcpy(d + hl, t->payload + hl, sz->frame_len - hl);
		rte_memcpy(d, f->hdr, hl);
		m->data_len = sz->frame_len;
		m->pkt_len = sz->frame_len;
		nfv_gen_sig_write(d + hl, &sig);

		/* only the lengths and the signature differ from the templates */
		put16(d + hl - 4, sz->l4_len_be);
		if (t->family == AF_INET) {
			put16(d + RTE_ETHER_HDR_LEN + 2, sz->l3_len_be);
			put16(d + RTE_ETHER_HDR_LEN + 10,
			      (uint16_t)~csum_fold(f->ip_sum + sz->ip_sum));
		} else {
			put16(d + RTE_ETHER_HDR_LEN + 4, sz->l3_len_be);
		}
		ck = ~csum_fold(f->l4_sum + sz->l4_sum +
				rte_raw_cksum(d + hl, NFV_GEN_SIG_LEN));
		put16(d + hl - 2, ck == 0 ? 0xffff : ck);
	}
	tx->built += n;
}

uint16_t nfv_gen_tx_due(struct nfv_gen_tx *tx, uint64_t now)
{
	uint64_t left = tx->limit - tx->built, due;

	if (tx->built >= tx->limit)
		return 0;
	if (tx->rate == 0) {
		due = NFV_GEN_BURST;
	} else {
		/* +1: the first packet leaves at the start */
		uint64_t target = (unsigned __int128)(now - tx->start) * tx->rate /
				  tx->hz + 1;

		if (target <= tx->built)
			return 0;
		due = target - tx->built;
	}
	return RTE_MIN(RTE_MIN(due, left), (uint64_t)NFV_GEN_BURST);
}

void nfv_gen_tx_poll(struct nfv_gen_tx *tx, uint64_t now)
{
	struct rte_mbuf **pkts;
	uint16_t n, sent, i;
	uint64_t bytes = 0;

	if (!tx->started) {
		tx->start = now;
		tx->started = true;
	}
	if (tx->npend == 0) {
		n = nfv_gen_tx_due(tx, now);
		if (n == 0)
			return;
		if (rte_pktmbuf_alloc_bulk(tx->mp, tx->pend, n) != 0) {
			tx->alloc_fail++;
			return;
		}
		nfv_gen_tx_build(tx, tx->pend, n, now);
		if (tx->encap != NULL) {
			uint16_t kept = tx->encap->process(tx->encap_priv, tx->pend, n);

			tx->encap_drop += n - kept;
			n = kept;
		}
		tx->npend = n;
		tx->pend_off = 0;
	}
	pkts = tx->pend + tx->pend_off;
	/* the port may free what it sends: read the lengths first */
	for (i = 0; i < tx->npend; i++)
		bytes += pkts[i]->pkt_len + NFV_GEN_FCS_LEN;
	sent = rte_eth_tx_burst(tx->port, tx->queue, pkts, tx->npend);
	for (i = sent; i < tx->npend; i++)
		bytes -= pkts[i]->pkt_len + NFV_GEN_FCS_LEN;
	tx->pkts += sent;
	tx->bytes += bytes;
	tx->pend_off += sent;
	tx->npend -= sent;
}
