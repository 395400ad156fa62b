/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker side of routing: lookups in the published FIB snapshot. */
#include <string.h>

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/rtnetlink.h>

#include <rte_byteorder.h>
#include <rte_debug.h>
#include <rte_fib.h>
#include <rte_fib6.h>

#include "dp.h"
#include "fib.h"
#include "nfv_hook_table.h"

void nfv_fib4_lookup(const struct nfv_fib_snap *s, const uint32_t *dst_be,
		     uint64_t *nh, unsigned int n)
{
	uint32_t ips[NFV_BURST];

	RTE_ASSERT(n <= NFV_BURST);

	for (unsigned int i = 0; i < n; i++)
		ips[i] = rte_be_to_cpu_32(dst_be[i]);
	rte_fib_lookup_bulk(s->v4, ips, nh, n);
}

void nfv_fib4_lookup_host(const struct nfv_fib_snap *s, uint32_t *dst,
			  uint64_t *nh, unsigned int n)
{
	rte_fib_lookup_bulk(s->v4, dst, nh, n);
}

void nfv_fib6_lookup(const struct nfv_fib_snap *s, const uint8_t (*dst)[16],
		     uint64_t *nh, unsigned int n)
{
	rte_fib6_lookup_bulk(s->v6, (uint8_t (*)[16])dst, nh, n);
}

uint8_t nfv_fib_filter_route(const void *pub, uint8_t nfproto, const uint8_t *addr,
			     uint16_t *port)
{
	const struct nfv_fib_snap *s =
		__atomic_load_n((struct nfv_fib_snap *const *)pub, __ATOMIC_ACQUIRE);
	const struct nfv_nexthop *nh;
	uint64_t idx = 0;
	uint32_t a4;

	if (s == NULL)
		return RTN_UNSPEC;
	if (nfproto == NFPROTO_IPV4) {
		memcpy(&a4, addr, 4);
		a4 = rte_be_to_cpu_32(a4);
		rte_fib_lookup_bulk(s->v4, &a4, &idx, 1);
	} else {
		uint8_t a6[1][16];

		memcpy(a6[0], addr, 16);
		rte_fib6_lookup_bulk(s->v6, a6, &idx, 1);
	}
	if (idx == 0 || idx >= s->nb_nh)
		return RTN_UNSPEC;
	nh = &s->nh[idx];
	*port = nh->port;
	switch (nh->type) {
	case NFV_NH_FORWARD:
		return RTN_UNICAST;
	case NFV_NH_LOCAL:
		return RTN_LOCAL;
	case NFV_NH_BLACKHOLE:
		return RTN_BLACKHOLE;
	}
	return RTN_UNSPEC;
}

uint8_t nfv_fib_filter_route_dp(const void *ctx, uint8_t nfproto, const uint8_t *addr,
				uint16_t *port)
{
	const struct nfv_dp *dp = ctx;
	uint8_t t = nfv_fib_filter_route(&dp->fib, nfproto, addr, port);
	const struct nfv_dp_port *p;
	rte_be32_t a4;

	if (t != RTN_UNICAST || nfproto != NFPROTO_IPV4 || *port >= dp->nb_ports)
		return t;
	p = &dp->ports[*port];
	memcpy(&a4, addr, 4);
	for (unsigned int i = 0; i < p->nb_bcast4; i++)
		if (p->bcast4[i] == a4)
			return RTN_BROADCAST;
	return t;
}
