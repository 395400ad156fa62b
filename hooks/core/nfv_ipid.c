/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 IDs hashed per destination with a secret (nfv_ipid.h). */
#include "nfv_ipid.h"

/*
 * 64 random bits: the key's hash of a counter. Its 8 bytes keep these
 * apart from the 12-byte bucket hashes (SipHash hashes the length in).
 */
static uint64_t ipid_draw(struct nfv_ipid *g)
{
	uint64_t n = g->draws++;

	return nfv_siphash(&g->key, &n, sizeof(n));
}

void nfv_ipid_init(struct nfv_ipid *g, const struct nfv_siphash_key *key,
		   enum nfv_ipid_user user, unsigned int worker, uint64_t tick_cycles)
{
	g->key = *key;
	g->jumps = tick_cycles != 0;
	g->tick_shift = g->jumps ? 63 - __builtin_clzll(tick_cycles) : 0;
	g->draws = (uint64_t)user << 56 | (uint64_t)(g->jumps ? worker : 0) << 40;
	/* as Linux fills ip_idents with random bytes at boot */
	for (unsigned int i = 0; i < NFV_IPID_BUCKETS; i++) {
		g->bucket[i].next = (uint32_t)ipid_draw(g);
		g->bucket[i].tick = 0;
	}
}

uint32_t nfv_ipid_bucket(const struct nfv_siphash_key *key, rte_be32_t src, rte_be32_t dst,
			 uint8_t proto)
{
	const uint32_t in[3] = { dst, src, proto };

	return nfv_siphash(key, in, sizeof(in)) & (NFV_IPID_BUCKETS - 1);
}

uint16_t nfv_ipid_take(struct nfv_ipid *g, uint32_t bucket, uint64_t now)
{
	struct nfv_ipid_bucket *b = &g->bucket[bucket & (NFV_IPID_BUCKETS - 1)];
	uint32_t tick, rested;

	if (g->jumps) {
		tick = (uint32_t)(now >> g->tick_shift);
		rested = tick - b->tick;
		if (rested != 0) {
			/* a random amount below rested (reciprocal_scale()) */
			b->next += (uint32_t)(((uint64_t)(uint32_t)ipid_draw(g) * rested) >> 32);
			b->tick = tick;
		}
	}
	return (uint16_t)b->next++;
}

uint32_t nfv_ipid_random32(struct nfv_ipid *g)
{
	uint32_t r = (uint32_t)ipid_draw(g);

	return r != 0 ? r : 1u << 31;
}
