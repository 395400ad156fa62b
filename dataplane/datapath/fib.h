/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routing as workers see it: IPv4 and IPv6 FIBs (rte_fib, rte_fib6) over
 * one next-hop table, published as one snapshot (dp->fib) by the control
 * side's RIB (control/rib.c), which keeps two and changes the other one.
 * Workers load it once per loop with acquire.
 */
#ifndef NFV_FIB_H
#define NFV_FIB_H

#include <stdbool.h>
#include <stdint.h>

struct rte_fib;
struct rte_fib6;

enum nfv_nh_type {
	NFV_NH_NONE = 0,	/* next-hop index 0: no route */
	NFV_NH_FORWARD,		/* to a gateway, or on-link when !has_gw */
	NFV_NH_LOCAL,		/* an address of ours */
	NFV_NH_BLACKHOLE,
};

struct nfv_nexthop {
	uint8_t type;		/* enum nfv_nh_type */
	uint8_t family;
	uint8_t has_gw;
	uint8_t pad;
	uint16_t port;		/* output port index (for LOCAL: the owning port) */
	uint16_t vlan;
	uint8_t gw[16];
};

struct nfv_fib_snap {
	struct rte_fib *v4;
	struct rte_fib6 *v6;
	uint32_t nb_nh;
	/* the RIB's commit count at publication: offloaded flows learned
	 * under another snapshot are not used (nfv_flowtable.h) */
	uint32_t gen;
	struct nfv_nexthop nh[];	/* nh[0] is the NONE next hop */
};

/* Worker side: next-hop indexes for n IPv4 destinations (network order). */
void nfv_fib4_lookup(const struct nfv_fib_snap *s, const uint32_t *dst_be,
		     uint64_t *nh, unsigned int n);
/* The same with the destinations in host order already. */
void nfv_fib4_lookup_host(const struct nfv_fib_snap *s, uint32_t *dst,
			  uint64_t *nh, unsigned int n);
void nfv_fib6_lookup(const struct nfv_fib_snap *s, const uint8_t (*dst)[16],
		     uint64_t *nh, unsigned int n);

/*
 * The route to addr (network order; nfproto NFPROTO_IPV4 or _IPV6) in the
 * snapshot *pub (a struct nfv_fib_snap *const *), for the filter's fib
 * expression (nfv_filter_fib.route): RTN_UNICAST (*port: the output
 * port), RTN_LOCAL (*port: the port that holds the address),
 * RTN_BLACKHOLE, RTN_UNSPEC (no route). On a worker.
 */
uint8_t nfv_fib_filter_route(const void *pub, uint8_t nfproto, const uint8_t *addr,
			     uint16_t *port);
/*
 * The same for the dataplane dp (a const struct nfv_dp *): also
 * RTN_BROADCAST for the broadcast address of a prefix of ours (*port: the
 * port that holds it), as the kernel's local table has them.
 */
uint8_t nfv_fib_filter_route_dp(const void *dp, uint8_t nfproto, const uint8_t *addr,
				uint16_t *port);

#endif
