/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "nfv_ip4.h"
#include "proto_test.h"

static struct rte_mempool *mp;
static uint8_t buf[2048];

static struct rte_ipv4_hdr *base(const uint8_t *vec, size_t len)
{
	memcpy(buf, vec, len);
	return (struct rte_ipv4_hdr *)buf;
}

static void fix_cksum(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* nfv_ip4_check() on len bytes of buf. */
static int check(size_t len, uint32_t *pkt_len)
{
	struct rte_mbuf *m = proto_mbuf(mp, buf, len);
	int rc = nfv_ip4_check(m);

	if (pkt_len != NULL)
		*pkt_len = rte_pktmbuf_pkt_len(m);
	rte_pktmbuf_free(m);
	return rc;
}

static void test_valid(void)
{
	uint32_t len;

	base(ip4_udp, sizeof(ip4_udp));
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp), &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(ip4_udp));
	base(ip4_opts, sizeof(ip4_opts));
	CU_ASSERT_EQUAL(check(sizeof(ip4_opts), &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(ip4_opts));
}

static void test_padding_trimmed(void)
{
	uint32_t len;

	base(ip4_udp, sizeof(ip4_udp));
	memset(buf + sizeof(ip4_udp), 0xee, 30);
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp) + 30, &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(ip4_udp));
	base(ip4_opts, sizeof(ip4_opts));
	CU_ASSERT_EQUAL(check(sizeof(ip4_opts) + 6, &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(ip4_opts));
}

static void test_short(void)
{
	base(ip4_udp, sizeof(ip4_udp));
	CU_ASSERT_EQUAL(check(19, NULL), NFV_DR_IP4_SHORT);
	CU_ASSERT_EQUAL(check(0, NULL), NFV_DR_IP4_SHORT);
}

static void test_version(void)
{
	struct rte_ipv4_hdr *ip = base(ip4_udp, sizeof(ip4_udp));

	ip->version_ihl = 0x65;
	fix_cksum(ip);
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), NFV_DR_IP4_VERSION);
	ip->version_ihl = 0x05;
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), NFV_DR_IP4_VERSION);
}

static void test_ihl(void)
{
	struct rte_ipv4_hdr *ip = base(ip4_udp, sizeof(ip4_udp));
	uint8_t ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		ip->version_ihl = 0x40 | ihl;
		fix_cksum(ip);
		CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), NFV_DR_IP4_IHL);
	}
}

static void test_total_len(void)
{
	struct rte_ipv4_hdr *ip = base(ip4_udp, sizeof(ip4_udp));

	/* longer than the data */
	ip->total_length = rte_cpu_to_be_16(sizeof(ip4_udp) + 1);
	fix_cksum(ip);
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), NFV_DR_IP4_TOTAL_LEN);
	/* shorter than the header */
	ip->total_length = rte_cpu_to_be_16(19);
	fix_cksum(ip);
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), NFV_DR_IP4_TOTAL_LEN);
	/* with options: shorter than IHL * 4 */
	ip = base(ip4_opts, sizeof(ip4_opts));
	ip->total_length = rte_cpu_to_be_16(22);
	fix_cksum(ip);
	CU_ASSERT_EQUAL(check(sizeof(ip4_opts), NULL), NFV_DR_IP4_TOTAL_LEN);
	/* IHL beyond the packet */
	ip = base(ip4_udp, sizeof(ip4_udp));
	ip->version_ihl = 0x4f;
	ip->total_length = rte_cpu_to_be_16(40);
	CU_ASSERT_EQUAL(check(40, NULL), NFV_DR_IP4_TOTAL_LEN);
}

static void test_cksum(void)
{
	struct rte_ipv4_hdr *ip = base(ip4_udp, sizeof(ip4_udp));

	ip->hdr_checksum ^= RTE_BE16(0x0100);
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), NFV_DR_IP4_CSUM);
	ip = base(ip4_udp, sizeof(ip4_udp));
	ip->time_to_live++;	/* data changed, checksum not */
	CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), NFV_DR_IP4_CSUM);
	ip = base(ip4_opts, sizeof(ip4_opts));
	buf[20] = 0x07;		/* an option byte: the slow path checks it too */
	CU_ASSERT_EQUAL(check(sizeof(ip4_opts), NULL), NFV_DR_IP4_CSUM);
}

/* The 64-bit sum of the fast path against DPDK's 16-bit one, carries and all. */
static void test_cksum_words(void)
{
	uint8_t h[20 + 2];
	uint32_t x = 12345;

	for (unsigned int round = 0; round < 20000; round++) {
		for (unsigned int i = 0; i < sizeof(h); i++) {
			x = x * 1103515245 + 12345;
			/* mostly 0xff bytes in some rounds: carries everywhere */
			h[i] = round % 3 == 0 ? (uint8_t)(0xff - (x >> 29)) : (uint8_t)(x >> 16);
		}
		/* both alignments the fast path sees (after Ethernet: 2 bytes off) */
		CU_ASSERT_EQUAL(nfv_cksum_ip4_hdr20(h), rte_raw_cksum(h, 20));
		CU_ASSERT_EQUAL(nfv_cksum_ip4_hdr20(h + 2), rte_raw_cksum(h + 2, 20));
	}
	memset(h, 0xff, sizeof(h));
	CU_ASSERT_EQUAL(nfv_cksum_ip4_hdr20(h), rte_raw_cksum(h, 20));
	memset(h, 0, sizeof(h));
	CU_ASSERT_EQUAL(nfv_cksum_ip4_hdr20(h), rte_raw_cksum(h, 20));
}

static void test_src(void)
{
	static const struct { uint32_t src, dst; int rc; } cases[] = {
		{ PROTO_IP4(224, 0, 0, 1), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(239, 255, 255, 250), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(255, 255, 255, 255), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(240, 0, 0, 1), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(127, 0, 0, 1), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(127, 9, 9, 9), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(0, 0, 0, 0), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(0, 1, 2, 3), PROTO_IP4(203, 0, 113, 9), NFV_DR_IP4_SRC },
		{ PROTO_IP4(0, 1, 2, 3), PROTO_IP4(255, 255, 255, 255), NFV_DR_IP4_SRC },
		/* DHCP discover: allowed */
		{ PROTO_IP4(0, 0, 0, 0), PROTO_IP4(255, 255, 255, 255), 0 },
		{ PROTO_IP4(223, 255, 255, 254), PROTO_IP4(203, 0, 113, 9), 0 },
		{ PROTO_IP4(1, 0, 0, 0), PROTO_IP4(203, 0, 113, 9), 0 },
		{ PROTO_IP4(128, 0, 0, 1), PROTO_IP4(203, 0, 113, 9), 0 },
	};
	struct rte_ipv4_hdr *ip;
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		ip = base(ip4_udp, sizeof(ip4_udp));
		ip->src_addr = rte_cpu_to_be_32(cases[i].src);
		ip->dst_addr = rte_cpu_to_be_32(cases[i].dst);
		fix_cksum(ip);
		CU_ASSERT_EQUAL(check(sizeof(ip4_udp), NULL), cases[i].rc);
	}
	/* the slow path (options) applies the same rule */
	ip = base(ip4_opts, sizeof(ip4_opts));
	ip->src_addr = RTE_BE32(PROTO_IP4(127, 0, 0, 1));
	fix_cksum(ip);
	CU_ASSERT_EQUAL(check(sizeof(ip4_opts), NULL), NFV_DR_IP4_SRC);
}

/* Chains vec + pad bytes over segments of at most seg bytes. */
static struct rte_mbuf *chain(const uint8_t *vec, size_t len, size_t pad, size_t seg)
{
	struct rte_mbuf *head = NULL, *m;
	size_t off = 0, n;

	memcpy(buf, vec, len);
	memset(buf + len, 0xee, pad);
	len += pad;
	while (off < len) {
		n = RTE_MIN(seg, len - off);
		m = proto_mbuf(mp, buf + off, n);
		if (head == NULL)
			head = m;
		else
			CU_ASSERT_FATAL(rte_pktmbuf_chain(head, m) == 0);
		off += n;
	}
	return head;
}

static void test_chained(void)
{
	struct rte_mbuf *m;

	/* header split over two segments, padding in a segment of its own */
	m = chain(ip4_udp, sizeof(ip4_udp), 0, 10);
	CU_ASSERT_EQUAL(nfv_ip4_check(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(ip4_udp));
	PROTO_ASSERT_PKT(m, ip4_udp);
	rte_pktmbuf_free(m);

	m = chain(ip4_udp, sizeof(ip4_udp), 30, sizeof(ip4_udp));
	CU_ASSERT_EQUAL(m->nb_segs, 2);
	CU_ASSERT_EQUAL(nfv_ip4_check(m), 0);
	CU_ASSERT_EQUAL(m->nb_segs, 1);
	PROTO_ASSERT_PKT(m, ip4_udp);
	rte_pktmbuf_free(m);

	/* padding that starts inside a segment and fills the next ones */
	m = chain(ip4_udp, sizeof(ip4_udp), 40, 32);
	CU_ASSERT_EQUAL(nfv_ip4_check(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(ip4_udp));
	CU_ASSERT_EQUAL(m->nb_segs, (sizeof(ip4_udp) + 31) / 32);
	PROTO_ASSERT_PKT(m, ip4_udp);
	rte_pktmbuf_free(m);
}

static void test_ttl_expired(void)
{
	struct rte_ipv4_hdr *ip = base(ip4_udp, sizeof(ip4_udp));
	struct rte_mbuf *m;
	uint8_t ttl;

	for (ttl = 0; ttl <= 1; ttl++) {
		ip->time_to_live = ttl;
		fix_cksum(ip);
		m = proto_mbuf(mp, buf, sizeof(ip4_udp));
		CU_ASSERT_EQUAL(nfv_ip4_check(m), 0);
		CU_ASSERT_EQUAL(nfv_ip4_forward_prepare(m), NFV_DR_IP4_TTL);
		/* left as it was, for the ICMP error to quote */
		CU_ASSERT(proto_pkt_equal(m, buf, sizeof(ip4_udp)));
		rte_pktmbuf_free(m);
	}
}

static void test_ttl_decrement(void)
{
	struct rte_mbuf *m = proto_mbuf(mp, ip4_udp, sizeof(ip4_udp));
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	unsigned int i, bad = 0, ttl_bad = 0;
	uint64_t r[3];
	uint16_t inc;

	CU_ASSERT_EQUAL(nfv_ip4_forward_prepare(m), 0);
	CU_ASSERT_EQUAL(ip->time_to_live, 16);
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);

	rte_srand(1812);
	for (i = 0; i < 200000; i++) {
		r[0] = rte_rand();
		r[1] = rte_rand();
		r[2] = rte_rand();
		memcpy(ip, r, sizeof(*ip));
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		if (ip->time_to_live < 2)
			ip->time_to_live = 2;
		fix_cksum(ip);
		ttl_bad += nfv_ip4_forward_prepare(m) != 0;
		inc = ip->hdr_checksum;
		fix_cksum(ip);
		bad += inc != ip->hdr_checksum;
	}
	CU_ASSERT_EQUAL(ttl_bad, 0);
	CU_ASSERT_EQUAL(bad, 0);
	rte_pktmbuf_free(m);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("proto_ip4", 512);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_ip4", NULL, NULL,
		{ "valid headers", test_valid },
		{ "link padding trimmed", test_padding_trimmed },
		{ "short", test_short },
		{ "bad version", test_version },
		{ "bad IHL", test_ihl },
		{ "bad total length", test_total_len },
		{ "bad header checksum", test_cksum },
		{ "header checksum in 64-bit words", test_cksum_words },
		{ "bad source", test_src },
		{ "chained mbufs", test_chained },
		{ "TTL 0 and 1", test_ttl_expired },
		{ "TTL decrement = full recomputation", test_ttl_decrement });
	return nfv_test_run();
}
