/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDs of the packets the dataplane makes up (nfv_ipid.h): SipHash
 * against the paper's vectors and OpenSSL's (openssl mac SIPHASH), and
 * what makes the IDs unpredictable yet repeatable under a fixed key.
 */
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include "nfv_ipid.h"
#include "nfv_siphash.h"
#include "nfv_test.h"

static const struct nfv_siphash_key key_a = { 0x0706050403020100, 0x0f0e0d0c0b0a0908 };
static const struct nfv_siphash_key key_b = { 0x0706050403020101, 0x0f0e0d0c0b0a0908 };

#define SRC RTE_BE32(0xcb007101)	/* 203.0.113.1, the router */
#define DST RTE_BE32(0xc0000201)	/* 192.0.2.1 */
#define DST2 RTE_BE32(0xc0000202)

static struct nfv_ipid gen, gen2;

/*
 * The paper's appendix A (15 bytes 00 01 .. 0e under the key 00 01 ..
 * 0f) and, for the other lengths, openssl mac -macopt
 * hexkey:000102030405060708090a0b0c0d0e0f -macopt size:8 SIPHASH, read
 * little endian.
 */
static void test_siphash_vectors(void)
{
	static const struct {
		size_t len;
		uint64_t out;
	} v[] = {
		{ 0, 0x726fdb47dd0e0e31ULL },
		{ 8, 0x93f5f5799a932462ULL },
		{ 12, 0x751e8fbc860ee5fbULL },
		{ 15, 0xa129ca6149be45e5ULL },
		{ 34, 0x12e0b01abb051238ULL },
	};
	uint8_t msg[64];

	for (unsigned int i = 0; i < sizeof(msg); i++)
		msg[i] = i;
	for (unsigned int i = 0; i < RTE_DIM(v); i++)
		CU_ASSERT_EQUAL(nfv_siphash(&key_a, msg, v[i].len), v[i].out);
	/* at any alignment */
	memmove(msg + 1, msg, 15);
	CU_ASSERT_EQUAL(nfv_siphash(&key_a, msg + 1, 15), 0xa129ca6149be45e5ULL);
}

static void seq(struct nfv_ipid *g, rte_be32_t dst, uint16_t *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = nfv_ipid_next(g, SRC, dst, IPPROTO_ICMP, 0);
}

/* With the jumps off (a fixed key): a function of the key and traffic. */
static void test_same_key_same_ids(void)
{
	uint16_t a[8], b[8];

	nfv_ipid_init(&gen, &key_a, NFV_IPID_ICMP, 0, 0);
	nfv_ipid_init(&gen2, &key_a, NFV_IPID_ICMP, 0, 0);
	seq(&gen, DST, a, 8);
	seq(&gen2, DST, b, 8);
	CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
	/* consecutive ones to a destination differ: they count up */
	for (unsigned int i = 1; i < 8; i++)
		CU_ASSERT_EQUAL(a[i], (uint16_t)(a[0] + i));
	/* another destination does not move this one's counter (the
	 * key puts them apart; a shared bucket would add 1) */
	nfv_ipid_next(&gen, SRC, DST2, IPPROTO_ICMP, 0);
	CU_ASSERT_EQUAL(nfv_ipid_next(&gen, SRC, DST, IPPROTO_ICMP, 0), (uint16_t)(a[0] + 8));
}

static void test_other_key_other_ids(void)
{
	uint16_t a[4], b[4], c[4];

	nfv_ipid_init(&gen, &key_a, NFV_IPID_ICMP, 0, 0);
	nfv_ipid_init(&gen2, &key_b, NFV_IPID_ICMP, 0, 0);
	seq(&gen, DST, a, 4);
	seq(&gen2, DST, b, 4);
	CU_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	CU_ASSERT_NOT_EQUAL(a[0], b[0]);
	/* another worker with the same key starts elsewhere; with the
	 * jumps off (tests) where worker 0 does */
	nfv_ipid_init(&gen2, &key_a, NFV_IPID_ICMP, 1, 1024);
	c[0] = nfv_ipid_next(&gen2, SRC, DST, IPPROTO_ICMP, 0);
	nfv_ipid_init(&gen, &key_a, NFV_IPID_ICMP, 0, 1024);
	CU_ASSERT_NOT_EQUAL(nfv_ipid_next(&gen, SRC, DST, IPPROTO_ICMP, 0), c[0]);
	nfv_ipid_init(&gen2, &key_a, NFV_IPID_ICMP, 1, 0);
	seq(&gen2, DST, c, 4);
	CU_ASSERT_EQUAL(a[0], c[0]);
	/* nor does the other user of the key (ESP) */
	nfv_ipid_init(&gen2, &key_a, NFV_IPID_ESP, 0, 0);
	CU_ASSERT_NOT_EQUAL(nfv_ipid_next(&gen2, SRC, DST, IPPROTO_ICMP, 0), a[0]);
	/* neither a counter from 0 nor the same start for every destination */
	nfv_ipid_init(&gen, &key_a, NFV_IPID_ICMP, 0, 0);
	CU_ASSERT_NOT_EQUAL(nfv_ipid_next(&gen, SRC, DST, IPPROTO_ICMP, 0), 0);
	CU_ASSERT_NOT_EQUAL(nfv_ipid_next(&gen, SRC, DST2, IPPROTO_ICMP, 0), a[0]);
}

/* A counter left alone jumps by a random amount below the ticks it rested. */
static void test_jumps(void)
{
	const uint64_t tick = 1024;	/* a power of two: exactly the tick */
	unsigned int jumped = 0;
	uint16_t id, prev;
	uint64_t now = 5 * tick;

	nfv_ipid_init(&gen, &key_a, NFV_IPID_ICMP, 0, tick);
	prev = nfv_ipid_next(&gen, SRC, DST, IPPROTO_ICMP, now);
	/* in the same tick: one more */
	id = nfv_ipid_next(&gen, SRC, DST, IPPROTO_ICMP, now + tick - 1);
	CU_ASSERT_EQUAL(id, (uint16_t)(prev + 1));
	prev = id;
	for (unsigned int i = 0; i < 16; i++) {
		now += 1000 * tick;	/* 1000 ticks of rest */
		id = nfv_ipid_next(&gen, SRC, DST, IPPROTO_ICMP, now);
		CU_ASSERT((uint16_t)(id - prev) >= 1 && (uint16_t)(id - prev) <= 1000);
		jumped += (uint16_t)(id - prev) > 1;
		prev = id;
	}
	/* 16 draws below 1000 that are all 0: 1e-48 (and the key is fixed) */
	CU_ASSERT(jumped > 8);
}

/* A fixed flow's counter looked up once (ESP's outer header) counts alike. */
static void test_bucket_take(void)
{
	uint32_t b = nfv_ipid_bucket(&key_a, SRC, DST, IPPROTO_ESP);
	uint16_t a[4], c[4];

	CU_ASSERT(b < NFV_IPID_BUCKETS);
	nfv_ipid_init(&gen, &key_a, NFV_IPID_ESP, 0, 0);
	nfv_ipid_init(&gen2, &key_a, NFV_IPID_ESP, 0, 0);
	for (unsigned int i = 0; i < 4; i++) {
		a[i] = nfv_ipid_take(&gen, b, 0);
		c[i] = nfv_ipid_next(&gen2, SRC, DST, IPPROTO_ESP, 0);
	}
	CU_ASSERT(memcmp(a, c, sizeof(a)) == 0);
	CU_ASSERT_NOT_EQUAL(b, nfv_ipid_bucket(&key_b, SRC, DST, IPPROTO_ESP));
}

/* IPv6 fragment IDs: random per datagram, never 0, the key's and user's. */
static void test_random32(void)
{
	uint32_t a[8], b[8], c[8], d[8];

	nfv_ipid_init(&gen, &key_a, NFV_IPID_ESP, 0, 0);
	nfv_ipid_init(&gen2, &key_a, NFV_IPID_ESP, 0, 0);
	for (unsigned int i = 0; i < 8; i++) {
		a[i] = nfv_ipid_random32(&gen);
		b[i] = nfv_ipid_random32(&gen2);
		CU_ASSERT_NOT_EQUAL(a[i], 0);
		if (i > 0)
			CU_ASSERT_NOT_EQUAL(a[i], a[i - 1]);
	}
	CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
	nfv_ipid_init(&gen, &key_b, NFV_IPID_ESP, 0, 0);
	nfv_ipid_init(&gen2, &key_a, NFV_IPID_ICMP, 0, 0);
	for (unsigned int i = 0; i < 8; i++) {
		c[i] = nfv_ipid_random32(&gen);
		d[i] = nfv_ipid_random32(&gen2);
	}
	CU_ASSERT(memcmp(a, c, sizeof(a)) != 0);
	CU_ASSERT(memcmp(a, d, sizeof(a)) != 0);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_ipid", NULL, NULL,
		{ "SipHash-2-4 vectors", test_siphash_vectors },
		{ "same key, same IDs; consecutive ones differ", test_same_key_same_ids },
		{ "another key or worker, other IDs", test_other_key_other_ids },
		{ "a rested counter jumps", test_jumps },
		{ "a counter looked up once", test_bucket_take },
		{ "random IPv6 fragment IDs", test_random32 });
	return nfv_test_run();
}
