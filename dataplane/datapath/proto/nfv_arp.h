/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP for Ethernet and IPv4 (RFC 826), announcements (RFC 5227).
 * Packets start at the ARP header: nfv_eth_pop() has run on input and the
 * caller runs nfv_eth_push() with RTE_ETHER_TYPE_ARP on output.
 */
#ifndef NFV_ARP_H
#define NFV_ARP_H

#include <stdint.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

struct nfv_arp_info {
	uint16_t op;		/* RTE_ARP_OP_REQUEST or RTE_ARP_OP_REPLY */
	struct rte_ether_addr sha;
	struct rte_ether_addr tha;
	rte_be32_t sip;
	rte_be32_t tip;
};

/*
 * Parses and validates: Ethernet/IPv4 sizes, request or reply, a unicast
 * sender MAC, no multicast, broadcast or loopback sender address (0.0.0.0
 * is allowed: a probe), no multicast target. Trims link-layer padding.
 * Returns 0 or NFV_DR_ARP_BAD.
 */
int nfv_arp_parse(struct rte_mbuf *m, struct nfv_arp_info *info);

/*
 * Turns a request that nfv_arp_parse() accepted, for one of our addresses,
 * into the reply in place: we are the sender with mac, the requester the
 * target. *dst_mac receives the requester's MAC for nfv_eth_push().
 * Returns 0 or NFV_DR_ARP_BAD when m is not a request.
 */
int nfv_arp_reply(struct rte_mbuf *m, const struct rte_ether_addr *mac,
		  struct rte_ether_addr *dst_mac);

/*
 * Builds a request for tip from (sha, sip) in a new mbuf from mp, to be
 * sent to the broadcast MAC. sip == tip makes an announcement (gratuitous
 * ARP, RFC 5227 2.3). Returns 0 with *out set or -ENOBUFS.
 */
int nfv_arp_request(struct rte_mempool *mp, const struct rte_ether_addr *sha,
		    rte_be32_t sip, rte_be32_t tip, struct rte_mbuf **out);

static inline int nfv_arp_announce(struct rte_mempool *mp, const struct rte_ether_addr *sha,
				   rte_be32_t ip, struct rte_mbuf **out)
{
	return nfv_arp_request(mp, sha, ip, ip, out);
}

#endif
