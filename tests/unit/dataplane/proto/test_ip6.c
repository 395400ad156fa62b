/* SPDX-License-Identifier: BSD-3-Clause */
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nfv_ip6.h"
#include "proto_test.h"

static struct rte_mempool *mp;
static uint8_t buf[2048];

static struct rte_ipv6_hdr *base(void)
{
	memcpy(buf, ip6_udp, sizeof(ip6_udp));
	return (struct rte_ipv6_hdr *)buf;
}

static int check(size_t len, uint32_t *pkt_len)
{
	struct rte_mbuf *m = proto_mbuf(mp, buf, len);
	int rc = nfv_ip6_check(m);

	if (pkt_len != NULL)
		*pkt_len = rte_pktmbuf_pkt_len(m);
	rte_pktmbuf_free(m);
	return rc;
}

static void test_valid(void)
{
	uint32_t len;

	base();
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(ip6_udp));
	memset(buf + sizeof(ip6_udp), 0xee, 20);
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp) + 20, &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(ip6_udp));
}

static void test_short(void)
{
	base();
	CU_ASSERT_EQUAL(check(39, NULL), NFV_DR_IP6_SHORT);
	CU_ASSERT_EQUAL(check(0, NULL), NFV_DR_IP6_SHORT);
}

static void test_version(void)
{
	base();
	buf[0] = 0x40;
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_VERSION);
	buf[0] = 0x70;
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_VERSION);
}

static void test_payload_len(void)
{
	struct rte_ipv6_hdr *ip6 = base();
	uint32_t len;

	ip6->payload_len = rte_cpu_to_be_16(sizeof(ip6_udp) - 40 + 1);
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_PAYLOAD_LEN);
	ip6->payload_len = RTE_BE16(0xffff);
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_PAYLOAD_LEN);
	/* 0 without a jumbo option */
	ip6->payload_len = 0;
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_PAYLOAD_LEN);
	/* 0 with a hop-by-hop header that is not a jumbo option (PadN) */
	ip6->proto = IPPROTO_HOPOPTS;
	memcpy(buf + 40, "\x11\x00\x01\x04\x00\x00\x00\x00", 8);
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_PAYLOAD_LEN);
	/* a jumbo option with a length that a normal header could carry */
	memcpy(buf + 40, "\x11\x00\xc2\x04\x00\x00\x01\x00", 8);
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_PAYLOAD_LEN);
	/* a jumbo length beyond the packet */
	memcpy(buf + 40, "\x11\x00\xc2\x04\x00\x01\x00\x00", 8);
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_PAYLOAD_LEN);
	/* 0 with no next header: an empty packet is fine, padding goes */
	ip6->proto = IPPROTO_NONE;
	CU_ASSERT_EQUAL(check(sizeof(ip6_udp), &len), 0);
	CU_ASSERT_EQUAL(len, 40);
}

static void test_jumbo(void)
{
	const uint32_t jlen = 70000;	/* hop-by-hop header included */
	struct rte_ipv6_hdr *ip6 = base();
	struct rte_mbuf *m, *seg;
	uint32_t left;

	ip6->payload_len = 0;
	ip6->proto = IPPROTO_HOPOPTS;
	memcpy(buf + 40, "\x11\x00\xc2\x04\x00\x01\x11\x70", 8);	/* 70000 */
	m = proto_mbuf(mp, buf, 48);
	for (left = jlen - 8 + 100; left > 0; left -= seg->data_len) {	/* 100 padding */
		seg = rte_pktmbuf_alloc(mp);
		CU_ASSERT_FATAL(seg != NULL);
		CU_ASSERT_FATAL(rte_pktmbuf_append(seg, RTE_MIN(left, 2000u)) != NULL);
		CU_ASSERT_FATAL(rte_pktmbuf_chain(m, seg) == 0);
	}
	CU_ASSERT_EQUAL(nfv_ip6_check(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 40 + jlen);
	rte_pktmbuf_free(m);
}

static void test_src(void)
{
	static const uint8_t bad[][16] = {
		{ 0xff, 0x02, [15] = 1 },
		{ 0xff, 0x0e, [15] = 0x42 },
		{ [15] = 1 },	/* ::1 */
	};
	static const uint8_t good[][16] = {
		{ 0 },		/* :: (DAD) */
		{ 0xfe, 0x80, [15] = 7 },
		{ 0xfe, 0xff, [15] = 7 },
	};
	struct rte_ipv6_hdr *ip6;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		ip6 = base();
		memcpy(ip6->src_addr, bad[i], 16);
		CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), NFV_DR_IP6_SRC);
	}
	for (i = 0; i < RTE_DIM(good); i++) {
		ip6 = base();
		memcpy(ip6->src_addr, good[i], 16);
		CU_ASSERT_EQUAL(check(sizeof(ip6_udp), NULL), 0);
	}
}

static void test_hop_limit(void)
{
	struct rte_ipv6_hdr *ip6 = base();
	struct rte_mbuf *m;
	uint8_t hl;

	for (hl = 0; hl <= 1; hl++) {
		ip6->hop_limits = hl;
		m = proto_mbuf(mp, buf, sizeof(ip6_udp));
		CU_ASSERT_EQUAL(nfv_ip6_check(m), 0);
		CU_ASSERT_EQUAL(nfv_ip6_forward_prepare(m), NFV_DR_IP6_HOP_LIMIT);
		CU_ASSERT(proto_pkt_equal(m, buf, sizeof(ip6_udp)));
		rte_pktmbuf_free(m);
	}
	ip6->hop_limits = 255;
	m = proto_mbuf(mp, buf, sizeof(ip6_udp));
	CU_ASSERT_EQUAL(nfv_ip6_forward_prepare(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->hop_limits, 254);
	/* nothing else changed */
	buf[7] = 254;
	CU_ASSERT(proto_pkt_equal(m, buf, sizeof(ip6_udp)));
	rte_pktmbuf_free(m);
}

static void test_upper(void)
{
	struct nfv_ip6_upper up;
	struct rte_mbuf *m;

	m = PROTO_MBUF(mp, ip6_udp);
	CU_ASSERT_EQUAL(nfv_ip6_upper(m, &up), 0);
	CU_ASSERT_EQUAL(up.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(up.off, 40);
	CU_ASSERT_FALSE(up.later_fragment);
	rte_pktmbuf_free(m);

	m = PROTO_MBUF(mp, err6_frag2);
	CU_ASSERT_EQUAL(nfv_ip6_upper(m, &up), 0);
	CU_ASSERT_EQUAL(up.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(up.off, 48);
	CU_ASSERT_TRUE(up.later_fragment);
	rte_pktmbuf_free(m);

	/* a hop-by-hop header claiming more than the packet holds */
	base();
	buf[6] = IPPROTO_HOPOPTS;
	buf[40] = IPPROTO_UDP;
	buf[41] = 200;
	m = proto_mbuf(mp, buf, sizeof(ip6_udp));
	CU_ASSERT_EQUAL(nfv_ip6_upper(m, &up), -EINVAL);
	rte_pktmbuf_free(m);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("proto_ip6", 512);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_ip6", NULL, NULL,
		{ "valid header, padding trimmed", test_valid },
		{ "short", test_short },
		{ "bad version", test_version },
		{ "bad payload length", test_payload_len },
		{ "jumbogram", test_jumbo },
		{ "bad source", test_src },
		{ "hop limit", test_hop_limit },
		{ "extension header walk", test_upper });
	return nfv_test_run();
}
