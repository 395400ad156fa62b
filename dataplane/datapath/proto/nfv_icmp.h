/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP and ICMPv6 made by the dataplane: echo replies in place, and error
 * messages (time exceeded, destination unreachable, packet too big) as new
 * packets that quote the offending one.
 *
 * Packets start at the IP header and have passed nfv_ip4_check() or
 * nfv_ip6_check(). Errors come out of the worker's pool, start at the IP
 * header, have their metadata reset with family and NFV_MBUF_F_LOCAL_OUT
 * set, and are meant for nfv_hook_inject(..., NFV_INJECT_LOCAL_OUT, ...).
 */
#ifndef NFV_ICMP_H
#define NFV_ICMP_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "nfv_ipid.h"
#include "nfv_ratelimit.h"

enum nfv_icmp4_type {
	NFV_ICMP4_ECHO_REPLY = 0,
	NFV_ICMP4_DEST_UNREACH = 3,
	NFV_ICMP4_ECHO_REQUEST = 8,
	NFV_ICMP4_TIME_EXCEEDED = 11,
	NFV_ICMP4_PARAM_PROBLEM = 12,
};

enum nfv_icmp4_unreach_code {
	NFV_ICMP4_NET_UNREACH = 0,
	NFV_ICMP4_HOST_UNREACH = 1,
	NFV_ICMP4_PROTO_UNREACH = 2,
	NFV_ICMP4_PORT_UNREACH = 3,
	NFV_ICMP4_FRAG_NEEDED = 4,	/* info: next-hop MTU (RFC 1191) */
	NFV_ICMP4_ADMIN_PROHIBITED = 13,
};

#define NFV_ICMP4_EXC_TTL 0	/* time exceeded in transit */

enum nfv_icmp6_type {
	NFV_ICMP6_DEST_UNREACH = 1,
	NFV_ICMP6_PKT_TOO_BIG = 2,	/* info: next-hop MTU */
	NFV_ICMP6_TIME_EXCEEDED = 3,
	NFV_ICMP6_PARAM_PROBLEM = 4,	/* info: pointer */
	NFV_ICMP6_ECHO_REQUEST = 128,
	NFV_ICMP6_ECHO_REPLY = 129,
	NFV_ICMP6_NS = 135,
	NFV_ICMP6_NA = 136,
};

enum nfv_icmp6_unreach_code {
	NFV_ICMP6_NO_ROUTE = 0,
	NFV_ICMP6_ADMIN_PROHIBITED = 1,
	NFV_ICMP6_ADDR_UNREACH = 3,
	NFV_ICMP6_PORT_UNREACH = 4,
};

#define NFV_ICMP6_EXC_HOPLIMIT 0

#define NFV_ICMP4_ERR_MAX 576	/* RFC 1812 4.3.2.3 */
#define NFV_ICMP6_ERR_MAX 1280	/* RFC 4443 2.4 (c) */
#define NFV_ICMP_REPLY_TTL 64

/* What a worker needs to send ICMP errors. */
struct nfv_icmp_sender {
	struct rte_mempool *mp;
	struct nfv_ratelimit rl;
	/* IPv4 IDs, and the key of ICMPv6 flow labels (nfv_ipid.h) */
	struct nfv_ipid ids;
};

/*
 * Turns an ICMP echo request into its reply in place: addresses swapped,
 * TTL 64, IP options removed, checksums updated. src, when not 0, replaces
 * the reply's source (a request sent to a broadcast address).
 * Returns 0 or NFV_DR_ICMP_BAD (not an echo request, short, bad checksum)
 * or NFV_DR_IP4_FRAG (a fragment: there is no reassembly).
 */
int nfv_icmp4_echo_reply(struct rte_mbuf *m, rte_be32_t src);

/*
 * The same for ICMPv6 (hop limit 64, the pseudo-header in the checksum).
 * src, when not NULL, replaces the reply's source; it must be given for a
 * request sent to a multicast address. Returns 0, NFV_DR_ICMP_BAD, or
 * NFV_DR_LOCAL_UNHANDLED when extension headers precede the ICMPv6 header.
 */
int nfv_icmp6_echo_reply(struct rte_mbuf *m, const uint8_t *src);

/*
 * Builds an ICMP error about orig from src: type, code and info, the
 * 32-bit word after the checksum in host order (the MTU for
 * NFV_ICMP4_FRAG_NEEDED, pointer << 24 for a parameter problem, else 0).
 * The quote is orig's IP header and as much of its data as fits in 576
 * bytes (RFC 1812 4.3.2.3). orig is left alone.
 * Returns 0 with *out set, -EPERM when RFC 1812 4.3.2.7 forbids an error
 * (orig is an ICMP error, a later fragment, to a multicast or broadcast
 * address, or from an address that is not a unique host), -EAGAIN when
 * rate limited, -ENOBUFS when the pool is empty.
 */
int nfv_icmp4_error(struct nfv_icmp_sender *s, uint64_t now,
		    const struct rte_mbuf *orig, uint8_t type, uint8_t code,
		    uint32_t info, rte_be32_t src, struct rte_mbuf **out);

/*
 * The flow label of our ICMPv6 error of type from src to dst: a hash of
 * the three with the secret key, as Linux labels its own packets
 * (net.ipv6.auto_flowlabels, RFC 6437) with a flow hash keyed by a
 * secret of the boot: an outsider cannot tell the label of a flow it
 * did not see. A fixed key (tests) gives the same label every run.
 */
uint32_t nfv_icmp6_flowlabel(const struct nfv_siphash_key *key, const uint8_t src[16],
			     const uint8_t dst[16], uint8_t type);

/*
 * The same for ICMPv6 (RFC 4443): as much of orig as fits in 1280 bytes;
 * info is the MTU for NFV_ICMP6_PKT_TOO_BIG, the pointer for a parameter
 * problem, else 0. No error about an ICMPv6 error, a later fragment, a
 * packet from :: or a multicast source, or to a multicast address (except
 * packet too big, RFC 4443 2.4 (e.3)).
 */
int nfv_icmp6_error(struct nfv_icmp_sender *s, uint64_t now,
		    const struct rte_mbuf *orig, uint8_t type, uint8_t code,
		    uint32_t info, const uint8_t src[16], struct rte_mbuf **out);

#endif
