/* SPDX-License-Identifier: BSD-3-Clause */
/* IP fragmentation of a packet whose data starts at its L3 header. */
#ifndef NFV_FRAG_H
#define NFV_FRAG_H

#include <stdint.h>

#include <rte_mbuf.h>

/*
 * Fragments m (IPv4 without DF, or IPv6 with no extension header) into at
 * most max packets of at most mtu bytes from pool, each with m's metadata,
 * in one segment where it fits, an IPv4 header checksum, and id6 as the
 * identification of IPv6 fragments (DPDK leaves it 0). m is left alone:
 * the caller frees it. Returns the count or -errno.
 */
int nfv_frag_packet(struct rte_mbuf *m, struct rte_mbuf **frags, unsigned int max,
		    uint16_t mtu, struct rte_mempool *pool, uint32_t id6);

#endif
