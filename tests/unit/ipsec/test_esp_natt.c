/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT-T port floating (esp_natt.c): an inbound UDP-encapsulated SA learns
 * its peer's new address and port from an authenticated, replay-checked
 * packet only; a forged or replayed packet from elsewhere changes nothing;
 * nfv_ipsec_sa_update moves the outer header and keeps keys and sequence
 * numbers.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

#define OUT_SA 1
#define IN_SA 2
#define SPI 0x3000
#define PEER "192.0.2.1"	/* the SA's peer: the outbound SA's source here */
#define US "192.0.2.2"
#define NAT "203.0.113.9"	/* where the peer's NAT maps it next */
#define NAT_PORT 31000

/* Outbound and inbound NAT-T tunnel SAs with one key: the output is the input. */
static void natt_setup(struct test_esp *t)
{
	test_gcm_pair(t, SPI, PEER, US, true);
}

/* The packet as the NAT sends it on: another source address and port. */
static struct rte_mbuf *natt_from(struct rte_mbuf *m, const char *src, uint16_t sport)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	CU_ASSERT_FATAL(inet_pton(AF_INET, src, &ip->src_addr) == 1);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dgram_cksum = 0;
	return m;
}

static int natt_moved(struct test_esp *t, char *addr, uint16_t *port)
{
	struct nfv_addr a;
	int rc = nfv_ipsec_sa_peer_moved(t->ips, IN_SA, &a, port);

	if (rc == 1) {
		CU_ASSERT_EQUAL(a.family, AF_INET);
		inet_ntop(AF_INET, a.bytes, addr, INET_ADDRSTRLEN);
	}
	return rc;
}

static void test_natt_learn(void)
{
	struct rte_mbuf *m, *old, *forged;
	char addr[INET_ADDRSTRLEN];
	struct test_esp t;
	uint16_t port = 0;

	natt_setup(&t);
	/* from the SA's peer: nothing to learn */
	m = test_esp_sealed(&t);
	old = test_pkt_copy4(m);
	test_in_accept(&t, m);
	CU_ASSERT_EQUAL(natt_moved(&t, addr, &port), 0);
	CU_ASSERT_FALSE(nfv_ipsec_natt_pending(t.ips));

	/* from the NAT's new mapping, but forged (a flipped ciphertext bit) */
	forged = natt_from(test_esp_sealed(&t), NAT, NAT_PORT);
	rte_pktmbuf_mtod(forged, uint8_t *)[20 + 8 + 8 + 8 + 2] ^= 1;
	test_in_refuse(&t, forged, NFV_DR_ESP_AUTH);
	CU_ASSERT_EQUAL(natt_moved(&t, addr, &port), 0);

	/* an authentic packet replayed from elsewhere */
	test_in_refuse(&t, natt_from(old, NAT, NAT_PORT), NFV_DR_ESP_REPLAY);
	CU_ASSERT_EQUAL(natt_moved(&t, addr, &port), 0);
	CU_ASSERT_FALSE(nfv_ipsec_natt_pending(t.ips));

	/* from the new mapping and authentic: learnt, and the worker's flag
	 * calls the control side at once (cleared by the look) */
	test_in_accept(&t, natt_from(test_esp_sealed(&t), NAT, NAT_PORT));
	CU_ASSERT_TRUE(nfv_ipsec_natt_pending(t.ips));
	CU_ASSERT_FALSE(nfv_ipsec_natt_pending(t.ips));
	CU_ASSERT_EQUAL_FATAL(natt_moved(&t, addr, &port), 1);
	CU_ASSERT_STRING_EQUAL(addr, NAT);
	CU_ASSERT_EQUAL(port, NAT_PORT);

	/* the newest packet decides: the peer went back */
	test_in_accept(&t, test_esp_sealed(&t));
	CU_ASSERT_EQUAL(natt_moved(&t, addr, &port), 1);	/* a packet from PEER is no note */
	test_in_accept(&t, natt_from(test_esp_sealed(&t), NAT, NAT_PORT + 1));
	CU_ASSERT_EQUAL_FATAL(natt_moved(&t, addr, &port), 1);
	CU_ASSERT_EQUAL(port, NAT_PORT + 1);
	test_esp_teardown(&t);
}

static void test_natt_update(void)
{
	struct nfv_ipsec_sa_outer o = { .natt = true, .natt_sport = NAT_PORT, .natt_dport = 4500 };
	char addr[INET_ADDRSTRLEN];
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	struct test_esp t;
	struct rte_mbuf *m;
	uint16_t port;
	uint32_t seq;

	natt_setup(&t);
	test_in_accept(&t, natt_from(test_esp_sealed(&t), NAT, NAT_PORT));
	CU_ASSERT_EQUAL(natt_moved(&t, addr, &port), 1);

	/* charon's update_sa of the inbound SA: the mapping is the SA's now */
	o.src.family = o.dst.family = AF_INET;
	inet_pton(AF_INET, NAT, o.src.bytes);
	inet_pton(AF_INET, US, o.dst.bytes);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_update(t.ips, IN_SA, &o), 0);
	CU_ASSERT_EQUAL(natt_moved(&t, addr, &port), 0);
	test_in_accept(&t, natt_from(test_esp_sealed(&t), NAT, NAT_PORT));
	CU_ASSERT_EQUAL(natt_moved(&t, addr, &port), 0);

	/* ... and of the outbound SA: its packets go to the new mapping, the
	 * sequence numbers go on */
	m = test_esp_sealed(&t);
	seq = rte_be_to_cpu_32(*rte_pktmbuf_mtod_offset(m, uint32_t *, 20 + 8 + 4));
	rte_pktmbuf_free(m);
	memset(&o, 0, sizeof(o));
	o.src.family = o.dst.family = AF_INET;
	inet_pton(AF_INET, US, o.src.bytes);
	inet_pton(AF_INET, NAT, o.dst.bytes);
	o.natt = true;
	o.natt_dport = NAT_PORT;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_update(t.ips, OUT_SA, &o), 0);
	m = test_esp_sealed(&t);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	udp = (struct rte_udp_hdr *)(ip + 1);
	inet_ntop(AF_INET, &ip->dst_addr, addr, sizeof(addr));
	CU_ASSERT_STRING_EQUAL(addr, NAT);
	inet_ntop(AF_INET, &ip->src_addr, addr, sizeof(addr));
	CU_ASSERT_STRING_EQUAL(addr, US);
	CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);		/* the checksum of the new header */
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 4500);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), NAT_PORT);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(*(uint32_t *)((uint8_t *)(udp + 1) + 4)), seq + 1);
	rte_pktmbuf_free(m);

	/* refused: another family (moves of any address: test_esp_mobike.c) */
	o.dst.family = AF_INET6;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_update(t.ips, OUT_SA, &o), -EAFNOSUPPORT);
	o.dst.family = AF_INET;
	o.natt = true;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_update(t.ips, 40, &o), -ENOENT);
	test_esp_teardown(&t);
}

int test_natt_register(void)
{
	NFV_TEST_SUITE("ipsec NAT-T port floating", NULL, NULL,
		{ "the peer learnt from authenticated packets only", test_natt_learn },
		{ "SA update: the outer header moves, the SA stays", test_natt_update });
	return 0;
}
