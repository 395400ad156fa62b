/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 ID of the packets the dataplane makes up itself (its ICMP
 * errors), chosen as Linux's __ip_select_ident() and ip_idents_reserve()
 * (net/ipv4/route.c) choose it for a packet without DF:
 * - a keyed hash (SipHash, a secret drawn at start) of destination,
 *   source and protocol picks one of a table of counters, so a
 *   destination sees a sequence that counts up from a point nobody else
 *   can predict, and other destinations' sequences tell nothing about it;
 * - a counter left alone for a while jumps forward by a random amount
 *   below the ticks it rested, so that somebody who shares a counter
 *   with a destination cannot count what was sent to it in between.
 * The table is a worker's own: no locks, no atomics, no allocation.
 *
 * Tests fix the secret (nfvpn-dataplane --test-id-seed) and turn the
 * jumps off, which makes the IDs a function of the traffic alone.
 */
#ifndef NFV_IPID_H
#define NFV_IPID_H

#include <stdint.h>

#include <rte_byteorder.h>

#include "nfv_siphash.h"

/* as many counters as Linux's smallest table (IP_IDENTS_SZ) */
#define NFV_IPID_BUCKETS 2048

struct nfv_ipid_bucket {
	uint32_t next;	/* the next ID, in its low 16 bits */
	uint32_t tick;	/* when it was last used */
};

/* One worker's generator; written by that worker only. */
struct nfv_ipid {
	struct nfv_siphash_key key;
	uint64_t tick_cycles;	/* TSC cycles a tick; 0: no jumps */
	uint64_t draws;		/* the random draws so far, the worker's in bits 40.. */
	struct nfv_ipid_bucket bucket[NFV_IPID_BUCKETS];
};

/*
 * Starts worker's generator with the dataplane's key: counters from
 * random points (every worker's others). tick_cycles is the jumps' unit,
 * about a millisecond of the now given to nfv_ipid_next() (Linux's is a
 * jiffy); 0 turns the jumps off, for tests.
 */
void nfv_ipid_init(struct nfv_ipid *g, const struct nfv_siphash_key *key,
		   unsigned int worker, uint64_t tick_cycles);

/* The ID of the next packet from src to dst of protocol proto, at now. */
uint16_t nfv_ipid_next(struct nfv_ipid *g, rte_be32_t src, rte_be32_t dst, uint8_t proto,
		       uint64_t now);

#endif
