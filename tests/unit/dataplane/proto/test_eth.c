/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "nfv_eth.h"
#include "proto_test.h"

static struct rte_mempool *mp;
static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};

static void test_pop_plain(void)
{
	struct rte_mbuf *m = PROTO_MBUF(mp, eth_plain);
	struct nfv_eth_info info = { 0 };

	CU_ASSERT_EQUAL(nfv_eth_pop(m, &info), 0);
	CU_ASSERT_EQUAL(info.type, RTE_ETHER_TYPE_IPV4);
	CU_ASSERT_EQUAL(info.vlan, 0);
	CU_ASSERT(rte_is_same_ether_addr(&info.eth->dst_addr, &our_mac));
	CU_ASSERT(rte_is_same_ether_addr(&info.eth->src_addr, &peer_mac));
	CU_ASSERT_EQUAL(m->l2_len, 14);
	PROTO_ASSERT_PKT(m, eth_l3);
	rte_pktmbuf_free(m);
}

static void test_pop_vlan(void)
{
	struct rte_mbuf *m = PROTO_MBUF(mp, eth_vlan);
	struct nfv_eth_info info = { 0 };

	CU_ASSERT_EQUAL(nfv_eth_pop(m, &info), 0);
	CU_ASSERT_EQUAL(info.type, RTE_ETHER_TYPE_IPV4);
	CU_ASSERT_EQUAL(info.vlan, 100);
	CU_ASSERT(rte_is_same_ether_addr(&info.eth->src_addr, &peer_mac));
	CU_ASSERT_EQUAL(m->l2_len, 18);
	PROTO_ASSERT_PKT(m, eth_l3);
	rte_pktmbuf_free(m);
}

static void test_pop_hw_stripped(void)
{
	struct rte_mbuf *m = PROTO_MBUF(mp, eth_plain);
	struct nfv_eth_info info = { 0 };

	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = 0x2000 | 100;	/* priority 1 */
	CU_ASSERT_EQUAL(nfv_eth_pop(m, &info), 0);
	CU_ASSERT_EQUAL(info.vlan, 100);
	PROTO_ASSERT_PKT(m, eth_l3);
	rte_pktmbuf_free(m);
}

static void test_pop_short(void)
{
	struct rte_mbuf *m;
	struct nfv_eth_info info = { 0 };

	m = proto_mbuf(mp, eth_plain, 13);
	CU_ASSERT_EQUAL(nfv_eth_pop(m, &info), NFV_DR_ETH_SHORT);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 13);
	rte_pktmbuf_free(m);
	/* the Ethernet header is there, the tag is not */
	m = proto_mbuf(mp, eth_vlan, 17);
	CU_ASSERT_EQUAL(nfv_eth_pop(m, &info), NFV_DR_ETH_SHORT);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 17);
	rte_pktmbuf_free(m);
	m = proto_mbuf(mp, eth_plain, 0);
	CU_ASSERT_EQUAL(nfv_eth_pop(m, &info), NFV_DR_ETH_SHORT);
	rte_pktmbuf_free(m);
}

static void test_push(void)
{
	struct rte_mbuf *m = PROTO_MBUF(mp, eth_l3);

	CU_ASSERT_EQUAL(nfv_eth_push(m, &peer_mac, &our_mac, RTE_ETHER_TYPE_IPV4, 0), 0);
	CU_ASSERT_EQUAL(m->l2_len, 14);
	PROTO_ASSERT_PKT(m, eth_plain);
	rte_pktmbuf_free(m);

	m = PROTO_MBUF(mp, eth_l3);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &peer_mac, &our_mac, RTE_ETHER_TYPE_IPV4, 100), 0);
	CU_ASSERT_EQUAL(m->l2_len, 18);
	PROTO_ASSERT_PKT(m, eth_vlan);
	rte_pktmbuf_free(m);
}

static void test_push_no_headroom(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	CU_ASSERT_FATAL(m != NULL);
	m->data_off = 10;	/* room for neither header */
	p = (uint8_t *)rte_pktmbuf_append(m, sizeof(eth_l3));
	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, eth_l3, sizeof(eth_l3));
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &peer_mac, RTE_ETHER_TYPE_IPV4, 0),
			NFV_DR_ETH_NO_HEADROOM);
	m->data_off = 16;	/* room for Ethernet but not for the tag */
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &peer_mac, RTE_ETHER_TYPE_IPV4, 7),
			NFV_DR_ETH_NO_HEADROOM);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(eth_l3));
	CU_ASSERT_EQUAL(nfv_eth_push(m, &our_mac, &peer_mac, RTE_ETHER_TYPE_IPV4, 0), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(eth_l3) + 14);
	rte_pktmbuf_free(m);
}

static void test_roundtrip(void)
{
	struct rte_mbuf *m = PROTO_MBUF(mp, eth_vlan);
	struct nfv_eth_info info = { 0 };

	CU_ASSERT_EQUAL_FATAL(nfv_eth_pop(m, &info), 0);
	CU_ASSERT_EQUAL(nfv_eth_push(m, &info.eth->src_addr, &info.eth->dst_addr, info.type, info.vlan), 0);
	PROTO_ASSERT_PKT(m, eth_vlan);
	rte_pktmbuf_free(m);
}

static void test_mcast_mac(void)
{
	static const uint8_t sn[16] = { 0xff, 0x02, [11] = 0x01, 0xff, 0x00, 0x00, 0xfe };
	static const struct rte_ether_addr sn_mac = {{ 0x33, 0x33, 0xff, 0x00, 0x00, 0xfe }};
	static const struct rte_ether_addr v4_mac = {{ 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 }};
	struct rte_ether_addr mac;

	nfv_eth_ip6_mcast(sn, &mac);
	CU_ASSERT(rte_is_same_ether_addr(&mac, &sn_mac));
	/* 239.129.2.3: the 24th bit from the end is dropped */
	nfv_eth_ip4_mcast(RTE_BE32(0xef810203), &mac);
	CU_ASSERT(rte_is_same_ether_addr(&mac, &v4_mac));
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("proto_eth", 256);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_eth", NULL, NULL,
		{ "pop untagged", test_pop_plain },
		{ "pop 802.1Q", test_pop_vlan },
		{ "pop with the tag stripped by the NIC", test_pop_hw_stripped },
		{ "short frames", test_pop_short },
		{ "push untagged and tagged", test_push },
		{ "push without headroom", test_push_no_headroom },
		{ "pop then push", test_roundtrip },
		{ "multicast MACs", test_mcast_mac });
	return nfv_test_run();
}
