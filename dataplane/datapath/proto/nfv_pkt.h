/* SPDX-License-Identifier: BSD-3-Clause */
/* mbuf helpers shared by the protocol files; cold paths only. */
#ifndef NFV_PKT_H
#define NFV_PKT_H

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

/*
 * Cuts m down to len bytes (len <= pkt_len), freeing segments that become
 * empty: link-layer padding after the L3 datagram. Returns 0 or -EINVAL.
 */
int nfv_pkt_trim_slow(struct rte_mbuf *m, uint32_t len);

static inline int nfv_pkt_trim(struct rte_mbuf *m, uint32_t len)
{
	if (likely(m->nb_segs == 1)) {
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		return 0;
	}
	return nfv_pkt_trim_slow(m, len);
}

/*
 * Makes the first len bytes of m contiguous in its first segment, as a
 * chained packet may (rarely) split a header. Returns 0 or -ENOSPC.
 */
int nfv_pkt_pull(struct rte_mbuf *m, uint32_t len);

#endif
