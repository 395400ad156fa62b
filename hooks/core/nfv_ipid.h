/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 ID of the packets the dataplane makes up itself (its ICMP
 * errors, ESP's outer header without DF), chosen as Linux's
 * __ip_select_ident() and ip_idents_reserve() (net/ipv4/route.c) choose
 * it for a packet without DF:
 * - a keyed hash (SipHash, a secret drawn at start) of destination,
 *   source and protocol picks one of a table of counters, so a
 *   destination sees a sequence that counts up from a point nobody else
 *   can predict, and other destinations' sequences tell nothing about it;
 * - a counter left alone for a while jumps forward by a random amount
 *   below the ticks it rested, so that somebody who shares a counter
 *   with a destination cannot count what was sent to it in between.
 * The table is a worker's own: no locks, no atomics, no allocation.
 * The same generator draws the identification of IPv6 fragments, random
 * per datagram as Linux's ipv6_select_ident().
 *
 * Tests fix the secret (nfvpn-dataplane --test-id-seed) and turn the
 * jumps off, which makes the IDs a function of the traffic alone.
 */
#ifndef NFV_IPID_H
#define NFV_IPID_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>

#include "nfv_siphash.h"

/* as many counters as Linux's smallest table (IP_IDENTS_SZ) */
#define NFV_IPID_BUCKETS 2048

struct nfv_ipid_bucket {
	uint32_t next;	/* the next ID, in its low 16 bits */
	uint32_t tick;	/* when it was last used */
};

/*
 * The users of the dataplane's key: each draws its own random numbers
 * (the counters' starts, the jumps, IPv6 fragment IDs), so that what one
 * shows tells nothing about the other's.
 */
enum nfv_ipid_user {
	NFV_IPID_ICMP,		/* the dataplane's ICMP errors */
	NFV_IPID_ESP,		/* hooks/ipsec's outer headers and fragments */
};

/* One worker's generator; written by that worker only. */
struct nfv_ipid {
	struct nfv_siphash_key key;
	uint8_t tick_shift;	/* a tick: 2^tick_shift TSC cycles (no division) */
	bool jumps;		/* false: none (tests) */
	uint64_t draws;		/* the random draws so far; user, worker in bits 56, 40 */
	struct nfv_ipid_bucket bucket[NFV_IPID_BUCKETS];
};

/*
 * Starts user's generator of worker with the dataplane's key: counters
 * from random points (every worker's and user's others). tick_cycles is
 * the jumps' unit, about a millisecond of the now given to
 * nfv_ipid_take() (Linux's is a jiffy), taken as the power of two at or
 * below it. 0 is for tests: no jumps, and every worker's counters start
 * where worker 0's do (as Linux's one table), so that the IDs do not
 * depend on which worker sends.
 */
void nfv_ipid_init(struct nfv_ipid *g, const struct nfv_siphash_key *key,
		   enum nfv_ipid_user user, unsigned int worker, uint64_t tick_cycles);

/*
 * The counter of the packets from src to dst of protocol proto, for a
 * caller that sends many of them (an SA's outer header): it looks the
 * counter up once, nfv_ipid_take() counts.
 */
uint32_t nfv_ipid_bucket(const struct nfv_siphash_key *key, rte_be32_t src, rte_be32_t dst,
			 uint8_t proto);

/* The ID of the next packet counted by bucket, at now. */
uint16_t nfv_ipid_take(struct nfv_ipid *g, uint32_t bucket, uint64_t now);

/* The ID of the next packet from src to dst of protocol proto, at now. */
static inline uint16_t nfv_ipid_next(struct nfv_ipid *g, rte_be32_t src, rte_be32_t dst,
				     uint8_t proto, uint64_t now)
{
	return nfv_ipid_take(g, nfv_ipid_bucket(&g->key, src, dst, proto), now);
}

/* 32 random bits, never 0: an IPv6 fragment identification. */
uint32_t nfv_ipid_random32(struct nfv_ipid *g);

#endif
