/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 neighbour discovery (RFC 4861): neighbour solicitations and
 * advertisements with their link-layer address options, for Ethernet.
 * Packets start at the IPv6 header and have passed nfv_ip6_check(); the
 * caller writes Ethernet with nfv_eth_push() and the MAC given back here.
 */
#ifndef NFV_ND_H
#define NFV_ND_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define NFV_ND_HOP_LIMIT 255

enum nfv_nd_na_flags {
	NFV_ND_NA_F_ROUTER = 0x80,
	NFV_ND_NA_F_SOLICITED = 0x40,
	NFV_ND_NA_F_OVERRIDE = 0x20,
};

struct nfv_nd_info {
	uint8_t type;		/* NFV_ICMP6_NS or NFV_ICMP6_NA */
	uint8_t na_flags;	/* enum nfv_nd_na_flags, NA only */
	bool has_lladdr;
	uint8_t target[16];
	/* the source link-layer option of an NS, the target one of an NA */
	struct rte_ether_addr lladdr;
};

/*
 * Parses and validates an NS or NA (RFC 4861 7.1.1, 7.1.2): ICMPv6 right
 * after the IPv6 header, hop limit 255, valid checksum, code 0, at least
 * 24 bytes, target not multicast, options of non-zero length within the
 * packet; an NS from :: goes to a solicited-node address and carries no
 * source link-layer option; an NA to a multicast address is not solicited.
 * Returns 0 or NFV_DR_ND_BAD.
 */
int nfv_nd_parse(struct rte_mbuf *m, struct nfv_nd_info *nd);

/*
 * Turns an NS that nfv_nd_parse() accepted, for one of our addresses
 * (ns->target), into our NA in place (RFC 4861 7.2.4): from the target
 * address, override set, router flag as asked, target link-layer option
 * with mac. To the soliciting node (solicited) or, for a DAD probe from ::,
 * to all-nodes (not solicited). *dst_mac must hold the Ethernet source of
 * the NS on entry; it is replaced with the MAC from the NS's option or the
 * all-nodes MAC when those apply. Returns 0 or NFV_DR_ND_BAD.
 */
int nfv_nd_na_reply(struct rte_mbuf *m, const struct nfv_nd_info *ns,
		    const struct rte_ether_addr *mac, bool router,
		    struct rte_ether_addr *dst_mac);

/*
 * Builds an NS in a new mbuf from mp to resolve target (RFC 4861 7.2.2):
 * from src, to the target's solicited-node address, with our source
 * link-layer option mac. *dst_mac receives 33:33:ff:xx:xx:xx.
 * Returns 0 with *out set or -ENOBUFS.
 */
int nfv_nd_ns(struct rte_mempool *mp, const uint8_t src[16], const uint8_t target[16],
	      const struct rte_ether_addr *mac, struct rte_mbuf **out,
	      struct rte_ether_addr *dst_mac);

/*
 * Builds an unsolicited NA for our address target to all-nodes (RFC 4861
 * 7.2.6), override set: the IPv6 counterpart of a gratuitous ARP.
 * Returns 0 with *out set or -ENOBUFS.
 */
int nfv_nd_na_unsolicited(struct rte_mempool *mp, const uint8_t target[16],
			  const struct rte_ether_addr *mac, bool router,
			  struct rte_mbuf **out, struct rte_ether_addr *dst_mac);

#endif
