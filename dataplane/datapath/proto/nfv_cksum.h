/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum helpers on top of rte_raw_cksum: folding, incremental
 * update (RFC 1624) and the IPv6 pseudo-header with an explicit upper-layer
 * length (rte_ipv6_phdr_cksum takes it from payload_len, which also counts
 * extension headers).
 */
#ifndef NFV_CKSUM_H
#define NFV_CKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

static inline uint16_t nfv_cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The ones' complement sum of an option-less IPv4 header (RFC 1071: the
 * sum may be taken in any word size and folded): two 64-bit words and one
 * 32-bit word, the carries added back, then folded to 16 bits. Registers
 * only: an array here went through the stack. rte_raw_cksum walks it 16
 * bits at a time.
 */
static inline uint16_t nfv_cksum_ip4_hdr20(const void *hdr)
{
	uint64_t a, b, sum;
	uint32_t c;

	memcpy(&a, hdr, 8);	/* L3 is 2-byte aligned after Ethernet */
	memcpy(&b, (const uint8_t *)hdr + 8, 8);
	memcpy(&c, (const uint8_t *)hdr + 16, 4);
	sum = a + b;
	sum += sum < a;		/* end-around carry */
	sum += c;
	sum += sum < c;
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word of the
 * covered data changing from old to new. All values in network order;
 * ones' complement sums do not care which order as long as it is the same.
 */
static inline uint16_t nfv_cksum_update16(uint16_t cksum, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~cksum;

	sum += (uint16_t)~old;
	sum += new;
	return (uint16_t)~nfv_cksum_fold(sum);
}

/* The same for len bytes (even) of covered data changing from old to new. */
static inline uint16_t nfv_cksum_update(uint16_t cksum, const void *old,
					const void *new, size_t len)
{
	uint32_t sum = (uint16_t)~cksum;

	sum += (uint16_t)~rte_raw_cksum(old, len);
	sum += rte_raw_cksum(new, len);
	return (uint16_t)~nfv_cksum_fold(sum);
}

/* Non-complemented sum of the IPv6 pseudo-header (RFC 8200 8.1). */
static inline uint16_t nfv_ip6_phdr_sum(const uint8_t src[16], const uint8_t dst[16],
					uint32_t ulp_len, uint8_t proto)
{
	uint64_t sum;

	sum = rte_raw_cksum(src, 16);
	sum += rte_raw_cksum(dst, 16);
	sum += rte_cpu_to_be_32(ulp_len) & 0xffff;
	sum += rte_cpu_to_be_32(ulp_len) >> 16;
	sum += rte_cpu_to_be_16(proto);
	return nfv_cksum_fold(sum);
}

#endif
