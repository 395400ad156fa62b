/* SPDX-License-Identifier: BSD-3-Clause */
/* Bad input: each refusal is counted under its own drop reason. */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

#define OUT_SA 1
#define IN_SA 2
#define SPI 0x2000

/* An outbound and an inbound GCM tunnel SA with the same key, and policies. */
static void bad_setup(struct test_esp *t, bool natt)
{
	test_gcm_pair(t, SPI, "192.0.2.1", "192.0.2.2", natt);
}

static void set_ip_len(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	ip->total_length = rte_cpu_to_be_16(m->pkt_len);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static void test_bad_short_auth_spi(void)
{
	struct esp_sa *in;
	struct test_esp t;
	struct rte_mbuf *m;

	bad_setup(&t, false);
	m = test_esp_sealed(&t);
	rte_pktmbuf_trim(m, m->pkt_len - 20 - 6);	/* not even an ESP header */
	set_ip_len(m);
	test_in_refuse(&t, m, NFV_DR_ESP_SHORT);
	m = test_esp_sealed(&t);
	rte_pktmbuf_trim(m, m->pkt_len - 20 - 8 - 8 - 10);	/* no room for the ICV */
	set_ip_len(m);
	test_in_refuse(&t, m, NFV_DR_ESP_SHORT);

	m = test_esp_sealed(&t);
	rte_pktmbuf_mtod(m, uint8_t *)[m->pkt_len - 1] ^= 1;
	test_in_refuse(&t, m, NFV_DR_ESP_AUTH);
	m = test_esp_sealed(&t);
	rte_pktmbuf_mtod(m, uint8_t *)[20 + 16 + 3] ^= 0x80;	/* ciphertext */
	test_in_refuse(&t, m, NFV_DR_ESP_AUTH);

	m = test_esp_sealed(&t);
	rte_pktmbuf_mtod(m, uint8_t *)[20 + 3] ^= 0x55;	/* SPI */
	test_in_refuse(&t, m, NFV_DR_ESP_NO_SA);

	in = esp_sa_get(t.ips, IN_SA);
	CU_ASSERT_EQUAL(in->stats[0].auth, 2);
	CU_ASSERT_EQUAL(in->stats[0].packets, 0);
	test_esp_teardown(&t);
}

static void test_bad_replay(void)
{
	struct rte_mbuf *m, *dup, *old;
	struct test_esp t;

	bad_setup(&t, false);
	old = test_esp_sealed(&t);				/* seq 1 */
	m = test_esp_sealed(&t);				/* seq 2 */
	dup = test_pkt_copy4(m);
	CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
	rte_pktmbuf_free(test_take(&t, NFV_INJECT_PRE_ROUTING));
	test_in_refuse(&t, dup, NFV_DR_ESP_REPLAY);	/* caught before the crypto */
	/* two copies in one burst: the second is caught after the ICV */
	m = test_esp_sealed(&t);
	{
		struct rte_mbuf *pk[2] = { m, test_pkt_copy4(m) };
		uint32_t v[2];
		uint64_t before = test_drops(&t, NFV_DR_ESP_REPLAY);

		esp_input_ops.fn(t.ips, pk, 2, v, &t.state);
		CU_ASSERT(v[0] == NFV_STOLEN && v[1] == NFV_STOLEN);
		CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_REPLAY), before + 1);
		CU_ASSERT_EQUAL(t.table->inject[0][NFV_INJECT_PRE_ROUTING].n, 1);
		rte_pktmbuf_free(test_take(&t, NFV_INJECT_PRE_ROUTING));
	}
	/* seq 1 is late but inside the window: accepted once */
	dup = test_pkt_copy4(old);
	CU_ASSERT_EQUAL(test_run_input(&t, old), NFV_STOLEN);
	rte_pktmbuf_free(test_take(&t, NFV_INJECT_PRE_ROUTING));
	test_in_refuse(&t, dup, NFV_DR_ESP_REPLAY);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, IN_SA)->stats[0].replay, 3);
	test_esp_teardown(&t);
}

/* Tampers with the plaintext between encapsulation and encryption. */
static struct rte_mbuf *bad_forged(struct test_esp *t, int pad_byte, int padlen,
				   int nh)
{
	uint8_t buf[128];
	uint16_t len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 1, 2, 0);
	struct rte_mbuf *m = test_pkt(buf, len, AF_INET);
	struct esp_sa *sa = esp_sa_get(t->ips, OUT_SA);
	struct esp_op op;

	/* 28 bytes of inner packet: 2 bytes of padding to reach 4-byte alignment */
	CU_ASSERT_FATAL(esp_encap_prepare(t->ips, 0, sa, m, sa->seq++, rte_get_tsc_cycles(), NULL, &op) == 0);
	if (pad_byte >= 0)
		op.src[28] = pad_byte;
	if (padlen >= 0)
		op.src[op.len - 2] = padlen;
	if (nh >= 0)
		op.src[op.len - 1] = nh;
	esp_crypto_run(t->ips->mgr[0], &op, 1);
	esp_encap_finish(&op);
	return m;
}

static void test_bad_trailer(void)
{
	struct test_esp t;
	struct rte_mbuf *m;

	bad_setup(&t, false);
	m = bad_forged(&t, -1, -1, -1);		/* the control: accepted */
	CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
	m = test_take(&t, NFV_INJECT_PRE_ROUTING);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(m->pkt_len, 28);
	rte_pktmbuf_free(m);
	test_in_refuse(&t, bad_forged(&t, 7, -1, -1), NFV_DR_ESP_PAD);
	test_in_refuse(&t, bad_forged(&t, -1, 200, -1), NFV_DR_ESP_PAD);
	test_in_refuse(&t, bad_forged(&t, -1, -1, ESP_IPPROTO_UDP), NFV_DR_ESP_NEXT_HDR);
	test_in_refuse(&t, bad_forged(&t, -1, -1, ESP_IPPROTO_NONE), NFV_DR_ESP_NEXT_HDR);
	test_in_refuse(&t, bad_forged(&t, -1, -1, ESP_IPPROTO_IPV6), NFV_DR_ESP_NEXT_HDR);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, IN_SA)->stats[0].pad, 2);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, IN_SA)->stats[0].next_hdr, 3);
	test_esp_teardown(&t);
}

/* Wraps an ESP packet (after the IPv4 header) in UDP to port 4500. */
static struct rte_mbuf *bad_in_udp(struct rte_mbuf *m, const uint8_t *payload,
				   uint16_t plen)
{
	uint8_t buf[256];
	uint16_t len = test_build_udp(buf, AF_INET, "192.0.2.1", "192.0.2.2",
				      4500, 4500, plen);

	if (m != NULL) {
		plen = m->pkt_len - 20;
		len = test_build_udp(buf, AF_INET, "192.0.2.1", "192.0.2.2",
				     4500, 4500, plen);
		memcpy(buf + 28, rte_pktmbuf_mtod_offset(m, uint8_t *, 20), plen);
		rte_pktmbuf_free(m);
	} else {
		memcpy(buf + 28, payload, plen);
	}
	return test_pkt(buf, len, AF_INET);
}

static void test_bad_natt(void)
{
	static const uint8_t keepalive = 0xff, ike[8] = { 0 };
	struct test_esp t;
	struct rte_mbuf *m;

	bad_setup(&t, false);
	test_in_refuse(&t, bad_in_udp(test_esp_sealed(&t), NULL, 0), NFV_DR_ESP_NATT);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, IN_SA)->stats[0].natt, 1);
	test_in_refuse(&t, bad_in_udp(NULL, &keepalive, 1), NFV_DR_ESP_KEEPALIVE);
	m = bad_in_udp(NULL, ike, sizeof(ike));	/* IKE: not for us */
	CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_ACCEPT);
	rte_pktmbuf_free(m);
	test_esp_teardown(&t);

	/* the other way: plain ESP for a NAT-T SA */
	bad_setup(&t, true);
	m = test_esp_sealed(&t);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, uint8_t *)[9], ESP_IPPROTO_UDP);
	{
		uint8_t buf[256];
		uint16_t len = m->pkt_len - 8;

		memcpy(buf, rte_pktmbuf_mtod(m, uint8_t *), 20);
		memcpy(buf + 20, rte_pktmbuf_mtod_offset(m, uint8_t *, 28), len - 20);
		buf[9] = ESP_IPPROTO_ESP;
		rte_pktmbuf_free(m);
		m = test_pkt(buf, len, AF_INET);
		set_ip_len(m);
	}
	test_in_refuse(&t, m, NFV_DR_ESP_NATT);
	test_esp_teardown(&t);
}

static void test_bad_policy(void)
{
	struct test_esp t;

	bad_setup(&t, false);
	CU_ASSERT(nfv_ipsec_sp_del(t.ips, NFV_IPSEC_DIR_IN, 2) == 0);
	CU_ASSERT(test_sp_any(&t, 3, NFV_IPSEC_DIR_IN, AF_INET, NFV_IPSEC_PROTECT, 99) == 0);
	test_in_refuse(&t, test_esp_sealed(&t), NFV_DR_ESP_POLICY);	/* wrong reqid */
	CU_ASSERT(nfv_ipsec_sp_del(t.ips, NFV_IPSEC_DIR_IN, 3) == 0);
	test_in_refuse(&t, test_esp_sealed(&t), NFV_DR_ESP_POLICY);	/* tunnel, no policy */
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, IN_SA)->stats[0].policy, 2);
	test_esp_teardown(&t);
}

int test_bad_register(void)
{
	NFV_TEST_SUITE("esp_bad_input", NULL, NULL,
		{ "truncated, wrong ICV, unknown SPI", test_bad_short_auth_spi },
		{ "replayed sequence numbers", test_bad_replay },
		{ "padding and next header", test_bad_trailer },
		{ "NAT-T mismatches and keepalives", test_bad_natt },
		{ "inbound policy mismatch", test_bad_policy });
	return 0;
}
