/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multi-segment packets (jumbo frames, reassembled datagrams). The crypto
 * wants the bytes it covers in one buffer: a chain whose whole data fits
 * the first segment is linearized in place; a bigger one is copied into
 * one mbuf of the optional big pool (conf.big_pool), so an ESP packet of
 * a 9000-byte MTU works without a scatter-gather crypto path. Slow path:
 * only chains come here.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "esp.h"

int esp_pkt_gather(const struct nfv_ipsec *ips, struct rte_mbuf **mp, uint32_t room)
{
	struct rte_mbuf *m = *mp, *c;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint8_t *dst;

	if (rte_pktmbuf_is_contiguous(m))
		return 0;
	if (len + room <= rte_pktmbuf_tailroom(m) + rte_pktmbuf_data_len(m))
		return rte_pktmbuf_linearize(m) == 0 ? 0 : -ENOBUFS;
	if (ips->big_pool == NULL)
		return -EMSGSIZE;
	c = rte_pktmbuf_alloc(ips->big_pool);
	if (c == NULL)
		return -ENOBUFS;
	if (rte_pktmbuf_tailroom(c) < len + room ||
	    rte_pktmbuf_priv_size(c->pool) < rte_pktmbuf_priv_size(m->pool)) {
		rte_pktmbuf_free(c);
		return -EMSGSIZE;
	}
	dst = (uint8_t *)rte_pktmbuf_append(c, len);
	/* copies the chain: it never returns the pointer into m itself */
	if (rte_pktmbuf_read(m, 0, len, dst) != dst) {
		rte_pktmbuf_free(c);
		return -EINVAL;
	}
	memcpy(rte_mbuf_to_priv(c), rte_mbuf_to_priv(m), rte_pktmbuf_priv_size(m->pool));
	c->port = m->port;
	c->packet_type = m->packet_type;
	c->hash = m->hash;
	c->ol_flags = m->ol_flags & (RTE_MBUF_F_RX_RSS_HASH | RTE_MBUF_F_RX_VLAN);
	c->vlan_tci = m->vlan_tci;
	rte_pktmbuf_free(m);
	*mp = c;
	return 0;
}
