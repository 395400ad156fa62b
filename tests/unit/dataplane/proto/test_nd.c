/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "nfv_eth.h"
#include "nfv_icmp.h"
#include "nfv_ip6.h"
#include "nfv_nd.h"
#include "proto_test.h"

static struct rte_mempool *mp;
static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};
static const uint8_t our_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t gw_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xfe };

/* A frame from a vector: Ethernet removed, IPv6 checked, ND parsed. */
static struct rte_mbuf *rx(const uint8_t *frame, size_t len, struct nfv_nd_info *nd,
			   struct rte_ether_addr *eth_src)
{
	struct rte_mbuf *m = proto_mbuf(mp, frame, len);
	struct nfv_eth_info eth = { 0 };

	CU_ASSERT_EQUAL_FATAL(nfv_eth_pop(m, &eth), 0);
	CU_ASSERT_EQUAL(eth.type, RTE_ETHER_TYPE_IPV6);
	*eth_src = eth.eth->src_addr;
	CU_ASSERT_EQUAL_FATAL(nfv_ip6_check(m), 0);
	CU_ASSERT_EQUAL(nfv_nd_parse(m, nd), 0);
	return m;
}

/* Answers the NS in frame and compares the NA with exp. */
static void answer(const uint8_t *frame, size_t len, const uint8_t *exp, size_t exp_len,
		   bool has_lladdr)
{
	struct nfv_nd_info nd = { 0 };
	struct rte_ether_addr dst;
	struct rte_mbuf *m = rx(frame, len, &nd, &dst);

	CU_ASSERT_EQUAL(nd.type, NFV_ICMP6_NS);
	CU_ASSERT(memcmp(nd.target, our_ip6, 16) == 0);
	CU_ASSERT_EQUAL(nd.has_lladdr, has_lladdr);
	if (has_lladdr)
		CU_ASSERT(memcmp(&nd.lladdr, &peer_mac, 6) == 0);
	CU_ASSERT_EQUAL(nfv_nd_na_reply(m, &nd, &our_mac, true, &dst), 0);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &dst, RTE_ETHER_TYPE_IPV6, 0), 0);
	CU_ASSERT(proto_pkt_equal(m, exp, exp_len));
	rte_pktmbuf_free(m);
}

static void test_ns_na(void)
{
	answer(nd_ns_in, sizeof(nd_ns_in), nd_na_out, sizeof(nd_na_out), true);
}

static void test_ns_dad(void)
{
	answer(nd_ns_dad_in, sizeof(nd_ns_dad_in), nd_na_dad_out, sizeof(nd_na_dad_out), false);
}

static void test_ns_nud(void)
{
	/* no option: the answer goes to the frame's source */
	answer(nd_ns_nud_in, sizeof(nd_ns_nud_in), nd_na_nud_out, sizeof(nd_na_nud_out), false);
}

static void test_parse_na(void)
{
	struct nfv_nd_info nd = { 0 };
	struct rte_ether_addr src;
	struct rte_mbuf *m = rx(nd_na_in, sizeof(nd_na_in), &nd, &src);
	struct rte_ether_addr dst;

	CU_ASSERT_EQUAL(nd.type, NFV_ICMP6_NA);
	CU_ASSERT_EQUAL(nd.na_flags, NFV_ND_NA_F_ROUTER | NFV_ND_NA_F_SOLICITED);
	CU_ASSERT(memcmp(nd.target, gw_ip6, 16) == 0);
	CU_ASSERT_TRUE(nd.has_lladdr);
	CU_ASSERT(memcmp(&nd.lladdr, &peer_mac, 6) == 0);
	/* an NA is not answered */
	CU_ASSERT_EQUAL(nfv_nd_na_reply(m, &nd, &our_mac, true, &dst), NFV_DR_ND_BAD);
	rte_pktmbuf_free(m);
}

static void test_build(void)
{
	struct rte_ether_addr dst;
	struct rte_mbuf *m = NULL;

	CU_ASSERT_EQUAL_FATAL(nfv_nd_ns(mp, our_ip6, gw_ip6, &our_mac, &m, &dst), 0);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &dst, RTE_ETHER_TYPE_IPV6, 0), 0);
	PROTO_ASSERT_PKT(m, nd_ns_out);
	rte_pktmbuf_free(m);

	CU_ASSERT_EQUAL_FATAL(nfv_nd_na_unsolicited(mp, our_ip6, &our_mac, false, &m, &dst), 0);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &dst, RTE_ETHER_TYPE_IPV6, 0), 0);
	PROTO_ASSERT_PKT(m, nd_na_unsol_out);
	rte_pktmbuf_free(m);
}

static int parse(const uint8_t *pkt, size_t len)
{
	struct rte_mbuf *m = proto_mbuf(mp, pkt, len);
	struct nfv_nd_info nd;
	int rc;

	CU_ASSERT_EQUAL(nfv_ip6_check(m), 0);
	rc = nfv_nd_parse(m, &nd);
	rte_pktmbuf_free(m);
	return rc;
}

#define PARSE(vec) parse((vec), sizeof(vec))

static void test_malformed(void)
{
	CU_ASSERT_EQUAL(PARSE(nd_bad_hlim), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_cksum), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_code), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_tgt), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_optlen), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_optover), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_dad), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_dad_dst), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_short), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(nd_bad_na_s), NFV_DR_ND_BAD);
	/* not ND at all */
	CU_ASSERT_EQUAL(PARSE(icmp6_echo_req), NFV_DR_ND_BAD);
	CU_ASSERT_EQUAL(PARSE(ip6_udp), NFV_DR_ND_BAD);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("proto_nd", 256);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_nd", NULL, NULL,
		{ "NS for us, solicited NA", test_ns_na },
		{ "DAD probe, NA to all-nodes", test_ns_dad },
		{ "unicast NS without option", test_ns_nud },
		{ "parse an NA", test_parse_na },
		{ "NS and unsolicited NA", test_build },
		{ "malformed", test_malformed });
	return nfv_test_run();
}
