/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_common.h>

#include "nfv_pkt.h"

int nfv_pkt_trim_slow(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg, *rest;
	uint32_t left = len;
	uint16_t nb_segs = 1;

	if (len > rte_pktmbuf_pkt_len(m))
		return -EINVAL;
	/* find the segment holding byte len-1; an empty packet keeps m */
	for (seg = m; seg->next != NULL && left > seg->data_len; seg = seg->next) {
		left -= seg->data_len;
		nb_segs++;
	}
	seg->data_len = (uint16_t)left;
	rest = seg->next;
	seg->next = NULL;
	rte_pktmbuf_free(rest);
	m->nb_segs = nb_segs;
	m->pkt_len = len;
	return 0;
}

int nfv_pkt_pull(struct rte_mbuf *m, uint32_t len)
{
	if (likely(len <= rte_pktmbuf_data_len(m)))
		return 0;
	if (len > rte_pktmbuf_pkt_len(m))
		return -ENOSPC;
	/* rare enough that copying the whole packet is fine */
	return rte_pktmbuf_linearize(m) == 0 ? 0 : -ENOSPC;
}
