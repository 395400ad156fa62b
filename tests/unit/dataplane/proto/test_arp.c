/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nfv_arp.h"
#include "nfv_eth.h"
#include "proto_test.h"

static struct rte_mempool *mp;
static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};
static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }};
#define OUR_IP RTE_BE32(PROTO_IP4(192, 0, 2, 1))

/* A frame from a vector, its Ethernet header removed. */
static struct rte_mbuf *rx(const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = proto_mbuf(mp, frame, len);
	struct nfv_eth_info eth = { 0 };

	CU_ASSERT_EQUAL_FATAL(nfv_eth_pop(m, &eth), 0);
	CU_ASSERT_EQUAL(eth.type, RTE_ETHER_TYPE_ARP);
	return m;
}

static void test_request_reply(void)
{
	struct rte_mbuf *m = rx(arp_req_in, sizeof(arp_req_in));
	struct nfv_arp_info info = { 0 };
	struct rte_ether_addr dst;

	CU_ASSERT_EQUAL(nfv_arp_parse(m, &info), 0);
	CU_ASSERT_EQUAL(info.op, RTE_ARP_OP_REQUEST);
	CU_ASSERT(memcmp(&info.sha, &peer_mac, 6) == 0);
	CU_ASSERT_EQUAL(info.sip, RTE_BE32(PROTO_IP4(192, 0, 2, 7)));
	CU_ASSERT_EQUAL(info.tip, OUR_IP);
	/* the 18 bytes of padding are gone */
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(struct rte_arp_hdr));
	CU_ASSERT_EQUAL(nfv_arp_reply(m, &our_mac, &dst), 0);
	CU_ASSERT(memcmp(&dst, &peer_mac, 6) == 0);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &dst, RTE_ETHER_TYPE_ARP, 0), 0);
	PROTO_ASSERT_PKT(m, arp_rep_out);
	/* a reply is not answered */
	rte_pktmbuf_adj(m, 14);
	CU_ASSERT_EQUAL(nfv_arp_reply(m, &our_mac, &dst), NFV_DR_ARP_BAD);
	rte_pktmbuf_free(m);
}

static void test_parse_reply(void)
{
	struct rte_mbuf *m = rx(arp_rep_in, sizeof(arp_rep_in));
	struct nfv_arp_info info = { 0 };

	CU_ASSERT_EQUAL(nfv_arp_parse(m, &info), 0);
	CU_ASSERT_EQUAL(info.op, RTE_ARP_OP_REPLY);
	CU_ASSERT(memcmp(&info.sha, &peer_mac, 6) == 0);
	CU_ASSERT(memcmp(&info.tha, &our_mac, 6) == 0);
	CU_ASSERT_EQUAL(info.sip, RTE_BE32(PROTO_IP4(192, 0, 2, 254)));
	CU_ASSERT_EQUAL(info.tip, OUR_IP);
	rte_pktmbuf_free(m);
}

static void test_build(void)
{
	struct rte_mbuf *m = NULL;

	CU_ASSERT_EQUAL_FATAL(nfv_arp_request(mp, &our_mac, OUR_IP,
					      RTE_BE32(PROTO_IP4(192, 0, 2, 254)), &m), 0);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &bcast, RTE_ETHER_TYPE_ARP, 0), 0);
	PROTO_ASSERT_PKT(m, arp_req_out);
	rte_pktmbuf_free(m);

	CU_ASSERT_EQUAL_FATAL(nfv_arp_announce(mp, &our_mac, OUR_IP, &m), 0);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &bcast, RTE_ETHER_TYPE_ARP, 0), 0);
	PROTO_ASSERT_PKT(m, arp_garp_out);
	rte_pktmbuf_free(m);
}

static int parse_mut(size_t off, const void *val, size_t n, size_t len)
{
	uint8_t buf[sizeof(arp_req_in)];
	struct nfv_arp_info info;
	struct rte_mbuf *m;
	int rc;

	memcpy(buf, arp_req_in, sizeof(buf));
	memcpy(buf + 14 + off, val, n);
	m = rx(buf, len);
	rc = nfv_arp_parse(m, &info);
	rte_pktmbuf_free(m);
	return rc;
}

static void test_malformed(void)
{
	static const uint8_t zero6[6], bcast6[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast6[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint8_t ip_mc[4] = { 224, 0, 0, 1 }, ip_lo[4] = { 127, 0, 0, 1 };
	static const uint8_t ip_bc[4] = { 255, 255, 255, 255 }, ip_zero[4];
	const size_t full = sizeof(arp_req_in);

	CU_ASSERT_EQUAL(parse_mut(0, "", 0, full), 0);
	CU_ASSERT_EQUAL(parse_mut(0, "", 0, 14 + 27), NFV_DR_ARP_BAD);	/* short */
	CU_ASSERT_EQUAL(parse_mut(0, "", 0, 14), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(0, "\x00\x06", 2, full), NFV_DR_ARP_BAD);	/* IEEE 802 */
	CU_ASSERT_EQUAL(parse_mut(2, "\x86\xdd", 2, full), NFV_DR_ARP_BAD);	/* IPv6 */
	CU_ASSERT_EQUAL(parse_mut(4, "\x08", 1, full), NFV_DR_ARP_BAD);	/* hlen */
	CU_ASSERT_EQUAL(parse_mut(5, "\x10", 1, full), NFV_DR_ARP_BAD);	/* plen */
	CU_ASSERT_EQUAL(parse_mut(6, "\x00\x03", 2, full), NFV_DR_ARP_BAD);	/* RARP */
	CU_ASSERT_EQUAL(parse_mut(6, "\x00\x00", 2, full), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(8, bcast6, 6, full), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(8, mcast6, 6, full), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(8, zero6, 6, full), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(14, ip_mc, 4, full), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(14, ip_lo, 4, full), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(14, ip_bc, 4, full), NFV_DR_ARP_BAD);
	CU_ASSERT_EQUAL(parse_mut(24, ip_mc, 4, full), NFV_DR_ARP_BAD);
	/* a probe (RFC 5227) comes from 0.0.0.0 */
	CU_ASSERT_EQUAL(parse_mut(14, ip_zero, 4, full), 0);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("proto_arp", 256);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_arp", NULL, NULL,
		{ "request for us, reply", test_request_reply },
		{ "parse a reply", test_parse_reply },
		{ "request and announcement", test_build },
		{ "malformed", test_malformed });
	return nfv_test_run();
}
