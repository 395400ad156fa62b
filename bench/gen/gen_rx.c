/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The payload signature and the receive side's bookkeeping. Each flow is a
 * stream with its own sequence, so a device that keeps order per flow only
 * (RSS, several workers) is not blamed for reordering. Per stream, a bitmap
 * of the last NFV_GEN_WIN_BITS sequence numbers tells a duplicate from a
 * late first copy, as an anti-replay window does; older than the window,
 * a packet is counted late (and reordered), not a duplicate.
 * Loss is what was sent minus the first copies received (gen_report.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "nfv_gen.h"

void nfv_gen_sig_write(void *dst, const struct nfv_gen_sig *sig)
{
	uint8_t *p = dst;
	uint32_t w[3] = {
		rte_cpu_to_be_32(sig->magic),
		rte_cpu_to_be_32(sig->stream),
		rte_cpu_to_be_32(sig->seq),
	};
	uint64_t ts = rte_cpu_to_be_64(sig->ts << 16);	/* low 48 bits */

	memcpy(p, w, sizeof(w));
	memcpy(p + sizeof(w), &ts, 6);
}

int nfv_gen_sig_read(const struct rte_mbuf *m, struct nfv_gen_sig *sig)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len, off = RTE_ETHER_HDR_LEN;
	uint64_t ts = 0;
	uint32_t w[3];
	uint16_t type;

	if (len < off)
		return -ENOENT;
	type = ((const struct rte_ether_hdr *)d)->ether_type;
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		if (len < off + 4)
			return -ENOENT;
		memcpy(&type, d + off + 2, 2);
		off += 4;
	}
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(d + off);

		if (len < off + sizeof(*ip) || ip->next_proto_id != IPPROTO_UDP ||
		    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK |
							   RTE_IPV4_HDR_MF_FLAG)))
			return -ENOENT;
		off += rte_ipv4_hdr_len(ip);
	} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip = (const void *)(d + off);

		if (len < off + sizeof(*ip) || ip->proto != IPPROTO_UDP)
			return -ENOENT;
		off += sizeof(*ip);
	} else {
		return -ENOENT;
	}
	off += sizeof(struct rte_udp_hdr);
	if (len < off + NFV_GEN_SIG_LEN)
		return -ENOENT;
	memcpy(w, d + off, sizeof(w));
	if (w[0] != rte_cpu_to_be_32(NFV_GEN_SIG_MAGIC))
		return -ENOENT;
	memcpy(&ts, d + off + sizeof(w), 6);
	sig->magic = NFV_GEN_SIG_MAGIC;
	sig->stream = rte_be_to_cpu_32(w[1]);
	sig->seq = rte_be_to_cpu_32(w[2]);
	sig->ts = rte_be_to_cpu_64(ts) >> 16;
	return 0;
}

int nfv_gen_rx_init(struct nfv_gen_rx *rx, uint32_t nstreams)
{
	memset(rx, 0, sizeof(*rx));
	rx->streams = rte_zmalloc("nfv_gen_streams", sizeof(*rx->streams) * nstreams, 0);
	if (rx->streams == NULL)
		return -ENOMEM;
	rx->nstreams = nstreams;
	nfv_gen_hist_reset(&rx->lat);
	return 0;
}

void nfv_gen_rx_fini(struct nfv_gen_rx *rx)
{
	rte_free(rx->streams);
	rx->streams = NULL;
}

static inline bool win_test_set(struct nfv_gen_stream *s, uint64_t seq)
{
	uint64_t bit = UINT64_C(1) << (seq % 64);
	uint64_t *w = &s->win[(seq / 64) % NFV_GEN_WIN_WORDS];
	bool was = *w & bit;

	*w |= bit;
	return was;
}

enum nfv_gen_seq_res nfv_gen_rx_seq(struct nfv_gen_rx *rx, uint32_t stream, uint32_t seq)
{
	struct nfv_gen_stream *s = &rx->streams[stream];
	uint64_t ext = seq, last, k;
	int32_t d;

	if (s->top != 0) {
		/* the 32-bit number is taken as the one nearest the highest */
		last = s->top - 1;
		d = (int32_t)(seq - (uint32_t)last);
		if (d < 0 && (uint64_t)-(int64_t)d > last)
			return NFV_GEN_SEQ_LATE;
		ext = last + d;
	}
	if (ext >= s->top) {
		/* forget the bits of the numbers the window slides over */
		if (ext - s->top >= NFV_GEN_WIN_BITS)
			memset(s->win, 0, sizeof(s->win));
		else
			for (k = s->top; k <= ext; k++)
				s->win[(k / 64) % NFV_GEN_WIN_WORDS] &= ~(UINT64_C(1) << (k % 64));
		win_test_set(s, ext);
		s->top = ext + 1;
		return NFV_GEN_SEQ_NEXT;
	}
	if (s->top - ext > NFV_GEN_WIN_BITS)
		return NFV_GEN_SEQ_LATE;
	return win_test_set(s, ext) ? NFV_GEN_SEQ_DUP : NFV_GEN_SEQ_REORDER;
}

void nfv_gen_rx_process(struct nfv_gen_rx *rx, struct rte_mbuf **pkts, uint16_t n,
			uint64_t now)
{
	struct nfv_gen_rx_stats *st = &rx->st;
	struct nfv_gen_sig sig;
	uint16_t i;

	for (i = 0; i < n; i++) {
		st->pkts++;
		st->bytes += pkts[i]->pkt_len + NFV_GEN_FCS_LEN;
		if (nfv_gen_sig_read(pkts[i], &sig) < 0 || sig.stream >= rx->nstreams) {
			st->other++;
			continue;
		}
		st->sig++;
		switch (nfv_gen_rx_seq(rx, sig.stream, sig.seq)) {
		case NFV_GEN_SEQ_DUP:
			st->dup++;
			continue;
		case NFV_GEN_SEQ_LATE:
			st->late++;
			/* fall through */
		case NFV_GEN_SEQ_REORDER:
			st->reorder++;
			break;
		case NFV_GEN_SEQ_NEXT:
			break;
		}
		st->unique++;
		nfv_gen_hist_add(&rx->lat, (now - sig.ts) & NFV_GEN_TS_MASK);
	}
}
