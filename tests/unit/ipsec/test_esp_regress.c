/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Regressions of three module bugs these tests found:
 * - hard.bytes limits the counted bytes (the ESP payload), but outbound
 *   transport mode checked the whole packet (IP header included) and
 *   inbound checked the ciphertext (padding and trailer included), so a
 *   packet whose payload reached the limit exactly was refused;
 * - an IPv6 packet bigger than what the SA leaves was refused even below
 *   1280 bytes, with a "packet too big" under 1280 that senders ignore
 *   (RFC 8201 4). As RFC 2473 7.1 and Linux XFRM: up to 1280 bytes it is
 *   encapsulated and the ESP packet fragmented; above, the error says 1280.
 */
#include <string.h>

#include <rte_ip.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"
#include "test_esp_lim.h"
#include "test_esp_mtu.h"

/* Transport: 100-byte packets carry 80 payload bytes; 3 x 80 = 240. */
static void test_bug_out_transport_hard_bytes(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct nfv_ipsec_lifetime hard = { .bytes = 240 };
	struct nfv_ipsec_sa_stats st;
	struct rte_mbuf *esp[LIM_N];
	struct test_esp t;

	/* in one burst the exact check after the crypto decides: 3 go */
	lim_pair(&t, NFV_IPSEC_MODE_TRANSPORT, &hard, NULL, false);
	CU_ASSERT_EQUAL(lim_out_burst(&t, NFV_IPSEC_MODE_TRANSPORT, 4, 100, esp), 3);
	for (int i = 0; i < 3; i++)
		rte_pktmbuf_free(esp[i]);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT(st.packets == 3 && st.bytes == 240);
	test_esp_teardown(&t);

	/* one per call must give the same; the third is refused (160 + 100 > 240) */
	lim_pair(&t, NFV_IPSEC_MODE_TRANSPORT, &hard, NULL, false);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TRANSPORT, 100), 1);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TRANSPORT, 100), 1);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TRANSPORT, 100), 1);	
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TRANSPORT, 100), 0);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT_EQUAL(st.bytes, 240);	/* was 160 */
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

/*
 * Inbound, tunnel, AES-GCM: a 100-byte inner packet is 104 bytes of
 * ciphertext (100 + 2, padded to 4). The outbound SA with the same limit
 * sends three of them; the inbound one takes two.
 */
static void test_bug_in_hard_bytes(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct nfv_ipsec_lifetime hard = { .bytes = 300 };
	struct nfv_ipsec_sa_stats st;
	struct test_esp t;
	uint8_t e[256];
	uint16_t n;
	uint32_t v;

	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, NULL, &hard, false);
	for (uint64_t seq = 1; seq <= 3; seq++) {
		n = lim_esp(&t, seq, e);
		CU_ASSERT_EQUAL(lim_in(&t, e, n), 0);	/* the third was refused */
	}
	/* the fourth crosses: refused before the crypto or after it */
	n = lim_esp(&t, 4, e);
	v = lim_in(&t, e, n);
	CU_ASSERT(v == NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED) ||
		  (v == NFV_STOLEN && test_drops(&t, NFV_DR_ESP_SA_EXPIRED) == 1));
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 2, &st) == 0);
	CU_ASSERT(st.packets == 3 && st.bytes == 300);	/* was 2, 200 */
	/* one 100-byte packet under a 100-byte limit is refused too */
	test_esp_teardown(&t);
	hard.bytes = 100;
	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, NULL, &hard, false);
	n = lim_esp(&t, 1, e);
	CU_ASSERT_EQUAL(lim_in(&t, e, n), 0);	/* was esp-sa-expired */
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

/* 6-in-6 AES-GCM over a 1280 path: 1280 - (40 + 8 + 8 + 16) = 1208, - 2 = 1206 */
static void test_bug_v6_min_mtu(void)
{
	struct test_esp t;
	struct mtu_rec rec;
	uint8_t buf[2048];
	struct rte_mbuf *m;
	unsigned int n;
	uint32_t v;

	mtu_setup(&t, &rec);
	mtu_pair(&t, NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		 AF_INET6, AF_INET6, false, 1280);
	CU_ASSERT_EQUAL(esp_mtu_inner_max(esp_sa_get(t.ips, 1), 40), 1206);
	m = mtu_pkt(buf, NFV_IPSEC_MODE_TUNNEL, AF_INET6, AF_INET6, 1300, false);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_TOO_BIG));
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(rec.calls, 1);
	CU_ASSERT_EQUAL(rec.mtu, 1280);			/* was 1206 */
	m = mtu_pkt(buf, NFV_IPSEC_MODE_TUNNEL, AF_INET6, AF_INET6, 1280, false);
	v = test_run_output(&t, m);
	CU_ASSERT_EQUAL(v, NFV_STOLEN);			/* was esp-too-big */
	if (v != NFV_STOLEN)
		rte_pktmbuf_free(m);
	/* 1280 + 72 bytes of ESP: two IPv6 fragments of the ESP packet */
	n = 0;
	while ((m = test_take(&t, NFV_INJECT_LOCAL_OUT)) != NULL) {
		CU_ASSERT(m->pkt_len <= 1280);
		CU_ASSERT(rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->proto == IPPROTO_FRAGMENT);
		rte_pktmbuf_free(m);
		n++;
	}
	CU_ASSERT_EQUAL(n, 2);
	mtu_teardown(&t, &rec);
}

int test_regress_register(void)
{
	NFV_TEST_SUITE("esp_regress (byte lifetimes, IPv6 1280)", NULL, NULL,
		{ "outbound transport hard.bytes counts the IP header",
		  test_bug_out_transport_hard_bytes },
		{ "inbound hard.bytes checks ciphertext, counts payload",
		  test_bug_in_hard_bytes },
		{ "IPv6 inner MTU below 1280 (RFC 2473 7.1)", test_bug_v6_min_mtu });
	return 0;
}
