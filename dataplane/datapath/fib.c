/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker side of routing: lookups in the published FIB snapshot. */
#include <rte_byteorder.h>
#include <rte_debug.h>
#include <rte_fib.h>
#include <rte_fib6.h>

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
