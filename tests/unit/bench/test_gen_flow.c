/* SPDX-License-Identifier: BSD-3-Clause */
/* nfvpn-gen flows: range parsing, and the walk covers every range value. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nfv_gen.h"
#include "nfv_test.h"

static uint32_t v4(const uint8_t *a)
{
	uint32_t x;

	memcpy(&x, a, 4);
	return ntohl(x);
}

static void test_addr_parse(void)
{
	struct nfv_gen_addr_range r;
	uint8_t want[16];

	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("10.0.0.0/24", AF_INET, &r), 0);
	CU_ASSERT_EQUAL(v4(r.base), 0x0a000000);
	CU_ASSERT_EQUAL(r.count, 256);
	/* host bits of a prefix are cleared */
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("10.0.0.77/28", AF_INET, &r), 0);
	CU_ASSERT_EQUAL(v4(r.base), 0x0a000040);
	CU_ASSERT_EQUAL(r.count, 16);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("10.0.0.250-10.0.1.5", AF_INET, &r), 0);
	CU_ASSERT_EQUAL(r.count, 12);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("192.168.1.1", AF_INET, &r), 0);
	CU_ASSERT_EQUAL(r.count, 1);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("0.0.0.0/0", AF_INET, &r), 0);
	CU_ASSERT_EQUAL(r.count, UINT64_C(1) << 32);

	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("fd00::1234/120", AF_INET6, &r), 0);
	inet_pton(AF_INET6, "fd00::1200", want);
	CU_ASSERT_EQUAL(memcmp(r.base, want, 16), 0);
	CU_ASSERT_EQUAL(r.count, 256);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("fd00::/64", AF_INET6, &r), 0);
	CU_ASSERT_EQUAL(r.count, UINT64_MAX);	/* saturated */
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("fd00::ffff-fd00::1:0", AF_INET6, &r), 0);
	CU_ASSERT_EQUAL(r.count, 2);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
						       AF_INET6, &r), 0);
	CU_ASSERT_EQUAL(r.count, UINT64_MAX);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_addr_range_parse("::/0", AF_INET6, &r), 0);
	CU_ASSERT_EQUAL(r.count, UINT64_MAX);

	CU_ASSERT(nfv_gen_addr_range_parse("10.0.0.300", AF_INET, &r) < 0);
	CU_ASSERT(nfv_gen_addr_range_parse("10.0.0.9-10.0.0.1", AF_INET, &r) < 0);
	CU_ASSERT(nfv_gen_addr_range_parse("10.0.0.0/33", AF_INET, &r) < 0);
	CU_ASSERT(nfv_gen_addr_range_parse("10.0.0.0/", AF_INET, &r) < 0);
	CU_ASSERT(nfv_gen_addr_range_parse("fd00::/24", AF_INET, &r) < 0);
	CU_ASSERT(nfv_gen_addr_range_parse("10.0.0.1", AF_INET6, &r) < 0);
}

static void test_port_parse(void)
{
	struct nfv_gen_port_range r;

	CU_ASSERT_EQUAL_FATAL(nfv_gen_port_range_parse("1024-65535", &r), 0);
	CU_ASSERT_EQUAL(r.first, 1024);
	CU_ASSERT_EQUAL(r.count, 64512);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_port_range_parse("0-65535", &r), 0);
	CU_ASSERT_EQUAL(r.count, 65536);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_port_range_parse("5000", &r), 0);
	CU_ASSERT_EQUAL(r.count, 1);
	CU_ASSERT(nfv_gen_port_range_parse("65536", &r) < 0);
	CU_ASSERT(nfv_gen_port_range_parse("5000-4999", &r) < 0);
	CU_ASSERT(nfv_gen_port_range_parse("5000-", &r) < 0);
	CU_ASSERT(nfv_gen_port_range_parse("x", &r) < 0);
}

/* Ranges of the given sizes starting at 10.0.0.0, 10.1.0.0, 1000, 2000. */
static void small_conf(struct nfv_gen_flow_conf *fc, int family, const uint32_t size[4],
		       uint32_t nflows)
{
	memset(fc, 0, sizeof(*fc));
	fc->family = family;
	fc->nflows = nflows;
	inet_pton(family, family == AF_INET ? "10.0.0.0" : "fd00::", fc->src.base);
	inet_pton(family, family == AF_INET ? "10.1.0.0" : "fd01::", fc->dst.base);
	fc->src.count = size[0];
	fc->dst.count = size[1];
	fc->sport.first = 1000;
	fc->sport.count = size[2];
	fc->dport.first = 2000;
	fc->dport.count = size[3];
}

/* Offsets of flow i in the four ranges. */
static void offsets(const struct nfv_gen_flow_conf *fc, uint32_t i, uint32_t off[4])
{
	struct nfv_gen_tuple t;
	int last = fc->family == AF_INET ? 3 : 15;

	nfv_gen_flow_tuple(fc, i, &t);
	/* the test ranges stay below 256 and start at .0 */
	off[0] = t.src[last];
	off[1] = t.dst[last];
	off[2] = t.sport - 1000u;
	off[3] = t.dport - 2000u;
	CU_ASSERT(memcmp(t.src, fc->src.base, last) == 0);
	CU_ASSERT(memcmp(t.dst, fc->dst.base, last) == 0);
}

static void check_walk(int family, const uint32_t size[4])
{
	uint32_t product = size[0] * size[1] * size[2] * size[3];
	uint32_t maxsize = 0, i, k, off[4];
	struct nfv_gen_flow_conf fc;
	uint8_t *seen = calloc(product, 1);
	uint8_t used[4][256];

	CU_ASSERT_FATAL(seen != NULL);
	for (k = 0; k < 4; k++)
		maxsize = RTE_MAX(maxsize, size[k]);

	/* as many flows as the largest range: every value of each range */
	memset(used, 0, sizeof(used));
	small_conf(&fc, family, size, maxsize);
	for (i = 0; i < maxsize; i++) {
		offsets(&fc, i, off);
		for (k = 0; k < 4; k++) {
			CU_ASSERT_FATAL(off[k] < size[k]);
			used[k][off[k]] = 1;
		}
	}
	for (k = 0; k < 4; k++)
		for (i = 0; i < size[k]; i++)
			CU_ASSERT(used[k][i]);

	/* as many flows as combinations: each combination exactly once */
	small_conf(&fc, family, size, product);
	for (i = 0; i < product; i++) {
		uint32_t id;

		offsets(&fc, i, off);
		id = ((off[0] * size[1] + off[1]) * size[2] + off[2]) * size[3] + off[3];
		CU_ASSERT_FATAL(id < product);
		CU_ASSERT(seen[id] == 0);
		seen[id] = 1;
	}
	free(seen);
}

static void test_walk_covers(void)
{
	static const uint32_t sizes[][4] = {
		{ 1, 1, 1, 1 }, { 2, 2, 2, 2 }, { 4, 6, 3, 2 }, { 8, 4, 2, 6 },
		{ 3, 9, 27, 1 }, { 16, 16, 16, 1 }, { 5, 7, 11, 13 }, { 256, 10, 6, 4 },
		{ 1, 200, 1, 12 },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		check_walk(AF_INET, sizes[i]);
		check_walk(AF_INET6, sizes[i]);
	}
}

static void test_walk_carry(void)
{
	struct nfv_gen_flow_conf fc;
	struct nfv_gen_tuple t;

	/* 12 addresses across an octet boundary */
	memset(&fc, 0, sizeof(fc));
	fc.family = AF_INET;
	fc.nflows = 12;
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("10.0.0.250-10.0.1.5", AF_INET, &fc.src), 0);
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("10.1.0.1", AF_INET, &fc.dst), 0);
	fc.sport.first = fc.dport.first = 9;
	fc.sport.count = fc.dport.count = 1;
	nfv_gen_flow_tuple(&fc, 6, &t);
	CU_ASSERT_EQUAL(v4(t.src), 0x0a000100);
	nfv_gen_flow_tuple(&fc, 11, &t);
	CU_ASSERT_EQUAL(v4(t.src), 0x0a000105);
	nfv_gen_flow_tuple(&fc, 12, &t);	/* wraps */
	CU_ASSERT_EQUAL(v4(t.src), 0x0a0000fa);

	/* an IPv6 range whose offset carries into the upper 64 bits */
	fc.family = AF_INET6;
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("fd00::ffff:ffff:ffff:fffe-fd00:0:0:1::1",
						 AF_INET6, &fc.src), 0);
	CU_ASSERT_EQUAL(fc.src.count, 4);
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("fd01::1", AF_INET6, &fc.dst), 0);
	nfv_gen_flow_tuple(&fc, 2, &t);
	{
		uint8_t want[16];

		inet_pton(AF_INET6, "fd00:0:0:1::", want);
		CU_ASSERT_EQUAL(memcmp(t.src, want, 16), 0);
	}
}

static void test_walk_big_ranges(void)
{
	struct nfv_gen_flow_conf fc;
	struct nfv_gen_tuple a, b;
	uint32_t i;

	/* saturated sizes (a /64) must not break the walk of the others */
	memset(&fc, 0, sizeof(fc));
	fc.family = AF_INET6;
	fc.nflows = 1000;
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("fd00::/64", AF_INET6, &fc.src), 0);
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("fd01::/32", AF_INET6, &fc.dst), 0);
	CU_ASSERT_EQUAL(nfv_gen_port_range_parse("1024-65535", &fc.sport), 0);
	CU_ASSERT_EQUAL(nfv_gen_port_range_parse("7", &fc.dport), 0);
	for (i = 0; i < 1000; i++) {
		nfv_gen_flow_tuple(&fc, i, &a);
		CU_ASSERT_EQUAL(a.src[15], i & 0xff);
		CU_ASSERT_EQUAL(a.src[14], i >> 8);
		CU_ASSERT_EQUAL(a.sport, 1024 + i);
		CU_ASSERT_EQUAL(a.dport, 7);
	}
	nfv_gen_flow_tuple(&fc, 1, &a);
	nfv_gen_flow_tuple(&fc, 2, &b);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) != 0);
}

int main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("gen_flow", NULL, NULL,
		{ "address ranges", test_addr_parse },
		{ "port ranges", test_port_parse },
		{ "walk covers every value and combination", test_walk_covers },
		{ "walk carries across bytes", test_walk_carry },
		{ "walk with saturated ranges", test_walk_big_ranges });
	return nfv_test_run();
}
