/* SPDX-License-Identifier: BSD-3-Clause */
/* SipHash-2-4, as the paper specifies it: 2 rounds a block, 4 at the end. */
#include <string.h>

#include <rte_byteorder.h>

#include "nfv_siphash.h"

static inline uint64_t rotl64(uint64_t x, unsigned int b)
{
	return x << b | x >> (64 - b);
}

static inline void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13) ^ v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17) ^ v[2];
	v[2] = rotl64(v[2], 32);
}

static inline void sip_block(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

uint64_t nfv_siphash(const struct nfv_siphash_key *key, const void *data, size_t len)
{
	/* "somepseudorandomlygeneratedbytes" */
	uint64_t v[4] = {
		key->k0 ^ 0x736f6d6570736575ULL, key->k1 ^ 0x646f72616e646f6dULL,
		key->k0 ^ 0x6c7967656e657261ULL, key->k1 ^ 0x7465646279746573ULL,
	};
	const uint8_t *p = data;
	size_t left = len;
	uint64_t m;

	for (; left >= 8; p += 8, left -= 8) {
		memcpy(&m, p, 8);
		sip_block(v, rte_le_to_cpu_64(m));
	}
	/* the last block: what is left, the length's low byte on top */
	m = (uint64_t)len << 56;
	for (size_t i = 0; i < left; i++)
		m |= (uint64_t)p[i] << (8 * i);
	sip_block(v, m);
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
