/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP fragmentation for the dataplane's output (RFC 1812 5.2.6) and for ESP
 * (hooks/ipsec): rte_ip_frag plus what it leaves to its caller.
 */
#include <sys/socket.h>

#include <rte_ip.h>
#include <rte_ip_frag.h>

#include "nfv_frag.h"
#include "nfv_mbuf.h"

int nfv_frag_packet(struct rte_mbuf *m, struct rte_mbuf **frags, unsigned int max,
		    uint16_t mtu, struct rte_mempool *pool, uint32_t id6)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	bool v4 = meta->family == AF_INET;
	int32_t n;

	/* fragment data is a multiple of 8 bytes after a 20..60 byte header */
	if (mtu < (v4 ? 68 : RTE_IPV6_MIN_MTU))
		return -EMSGSIZE;
	if (v4)
		n = rte_ipv4_fragment_packet(m, frags, (uint16_t)max, mtu, pool, pool);
	else
		n = rte_ipv6_fragment_packet(m, frags, (uint16_t)max, mtu, pool, pool);
	if (n < 0)
		return n;
	for (int32_t i = 0; i < n; i++) {
		struct rte_mbuf *f = frags[i];

		/*
		 * A fragment is a new header plus a reference to m's data: one
		 * piece is cheaper to read, and not every PMD sends chains. One
		 * that does not fit a segment (jumbo) stays a chain.
		 */
		if (rte_pktmbuf_pkt_len(f) <= rte_pktmbuf_data_len(f) + rte_pktmbuf_tailroom(f))
			rte_pktmbuf_linearize(f);
		*nfv_mbuf_meta(f) = *meta;
		if (v4) {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);

			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		} else {
			struct rte_ipv6_fragment_ext *fh = rte_ipv6_frag_get_ipv6_fragment_header(
				rte_pktmbuf_mtod(f, struct rte_ipv6_hdr *));

			if (fh != NULL)
				fh->id = rte_cpu_to_be_32(id6);
		}
	}
	return n;
}
