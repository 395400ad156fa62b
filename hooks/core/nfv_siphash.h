/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed hash whose outputs do not give its key away, for values
 * an outsider must not predict (nfv_ipid.h). rte_hash_crc() and jhash are
 * not made for that: a few of their outputs give their seed away.
 */
#ifndef NFV_SIPHASH_H
#define NFV_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* the 128-bit key: its bytes 0-7 and 8-15, little endian */
struct nfv_siphash_key {
	uint64_t k0, k1;
};

uint64_t nfv_siphash(const struct nfv_siphash_key *key, const void *data, size_t len);

#endif
