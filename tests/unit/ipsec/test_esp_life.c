/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA life: lifetimes (soft event, hard stop), sequence number overflow
 * (RFC 4303 3.3.3), deletion under RCU, bursts of several SAs larger than
 * one crypto batch, multi-segment packets.
 */
#include <string.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

static void life_pair(struct test_esp *t, uint32_t out, enum nfv_ipsec_cipher c,
		      enum nfv_ipsec_auth a, uint16_t dport, bool esn)
{
	struct nfv_ipsec_sp_conf sp;
	struct nfv_ipsec_sa_conf sa;

	test_sa_conf(&sa, out, 0x5000 + out, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     c, a, "192.0.2.1", "192.0.2.2");
	sa.esn = esn;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &sa) == 0);
	sa.id = sa.reqid = out + 1;
	sa.dir = NFV_IPSEC_DIR_IN;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &sa) == 0);
	memset(&sp, 0, sizeof(sp));
	sp.family = AF_INET;
	sp.proto = ESP_IPPROTO_UDP;
	sp.dport_min = sp.dport_max = dport;
	sp.action = NFV_IPSEC_PROTECT;
	sp.id = out;
	sp.dir = NFV_IPSEC_DIR_OUT;
	sp.sa_id = out;
	CU_ASSERT_FATAL(nfv_ipsec_sp_add(t->ips, &sp) == 0);
	sp.dir = NFV_IPSEC_DIR_IN;
	sp.reqid = out + 1;
	CU_ASSERT_FATAL(nfv_ipsec_sp_add(t->ips, &sp) == 0);
}

static struct rte_mbuf *life_pkt(uint16_t dport, uint16_t len, uint8_t *buf)
{
	uint16_t n = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 7, dport, len);

	return test_pkt(buf, n, AF_INET);
}

static void test_life_limits(void)
{
	struct nfv_ipsec_sa_conf c;
	unsigned int ev = 0;
	struct test_esp t;
	uint8_t buf[256];
	struct rte_mbuf *m;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_sa_conf(&c, 1, 0x6000, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	c.soft.packets = 2;
	c.hard.packets = 3;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT, 1) == 0);
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 1, &ev) == 0 && ev == 0);
	for (int i = 0; i < 3; i++) {
		m = life_pkt(9, 10, buf);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
		rte_pktmbuf_free(test_take(&t, NFV_INJECT_LOCAL_OUT));
	}
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 1, &ev) == 0);
	CU_ASSERT_EQUAL(ev, NFV_IPSEC_EV_SOFT | NFV_IPSEC_EV_HARD);
	m = life_pkt(9, 10, buf);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED));
	rte_pktmbuf_free(m);

	/* a time limit: the deadline is already behind us */
	c.id = 2;
	c.spi = 0x6001;
	c.soft.packets = c.hard.packets = 0;
	c.hard.seconds = 3600;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 2, &ev) == 0 && ev == 0);
	esp_sa_get(t.ips, 2)->hard_tsc = 1;
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 2, &ev) == 0 && ev == NFV_IPSEC_EV_HARD);
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 9, &ev) == -ENOENT);

	/*
	 * a byte limit that no sum of packets meets exactly: 2 x 38 bytes
	 * counted, the third refused; the count stays below the limit, and the
	 * refusal is the hard event (charon's life_bytes, docs/ike.md)
	 */
	c.id = 3;
	c.spi = 0x6002;
	c.hard.seconds = 0;
	c.hard.bytes = 100;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT_FATAL(nfv_ipsec_sp_del(t.ips, NFV_IPSEC_DIR_OUT, 1) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 3, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT, 3) == 0);
	for (int i = 0; i < 2; i++) {
		m = life_pkt(9, 10, buf);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
		rte_pktmbuf_free(test_take(&t, NFV_INJECT_LOCAL_OUT));
	}
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 3, &ev) == 0 && ev == 0);
	m = life_pkt(9, 10, buf);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED));
	rte_pktmbuf_free(m);
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 3, &ev) == 0 && ev == NFV_IPSEC_EV_HARD);
	test_esp_teardown(&t);
}

static void test_life_seq_overflow(void)
{
	static const struct { bool esn; uint64_t last; } cases[] = {
		{ false, UINT32_MAX }, { true, UINT64_MAX },
	};

	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		struct test_esp t;
		uint8_t buf[256];
		struct rte_mbuf *m;

		CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
		life_pair(&t, 1, NFV_IPSEC_AES_GCM_256, NFV_IPSEC_AUTH_NONE, 9, cases[i].esn);
		esp_sa_get(t.ips, 1)->seq = cases[i].last;
		m = life_pkt(9, 10, buf);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);	/* the last one */
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 24),
				 "\xff\xff\xff\xff", 4) == 0);
		rte_pktmbuf_free(m);
		m = life_pkt(9, 10, buf);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_SEQ_OVERFLOW));
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED));
		rte_pktmbuf_free(m);
		CU_ASSERT_EQUAL(esp_sa_get(t.ips, 1)->stats[0].seq_overflow, 1);
		test_esp_teardown(&t);
	}
}

static void test_life_delete(void)
{
	struct nfv_ipsec_sa_conf c;
	struct rte_mbuf *m, *esp;
	struct test_esp t;
	uint8_t buf[256];

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	life_pair(&t, 1, NFV_IPSEC_CHACHA20_POLY1305, NFV_IPSEC_AUTH_NONE, 9, false);
	m = life_pkt(9, 10, buf);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
	esp = test_take(&t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT(nfv_ipsec_sa_del(t.ips, 2) == 0);
	CU_ASSERT(nfv_ipsec_sa_del(t.ips, 2) == -ENOENT);
	CU_ASSERT_EQUAL(test_run_input(&t, esp), NFV_DROP_REASON(NFV_DR_ESP_NO_SA));
	rte_pktmbuf_free(esp);
	CU_ASSERT(nfv_ipsec_sa_del(t.ips, 1) == 0);
	CU_ASSERT_EQUAL(test_run_output(&t, m = life_pkt(9, 10, buf)),
			NFV_DROP_REASON(NFV_DR_ESP_NO_SA));
	rte_pktmbuf_free(m);
	/* the slot and the SPI can be used again */
	test_sa_conf(&c, 2, 0x5001, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	CU_ASSERT(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT(nfv_ipsec_sa_add(t.ips, &c) == -EEXIST);
	c.id = 3;
	CU_ASSERT(nfv_ipsec_sa_add(t.ips, &c) == -EEXIST);	/* same SPI and dst */
	c.key_len = 7;
	c.id = 4;
	CU_ASSERT(nfv_ipsec_sa_add(t.ips, &c) == -EINVAL);
	test_esp_teardown(&t);
}

/* 100 packets of three SAs in one call: more than one crypto batch. */
static void test_life_burst(void)
{
	static uint8_t bufs[100][256];
	struct rte_mbuf *pk[100];
	uint16_t lens[100];
	uint32_t v[100];
	struct test_esp t;
	unsigned int i, bad = 0;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	life_pair(&t, 1, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, 1, false);
	life_pair(&t, 3, NFV_IPSEC_CHACHA20_POLY1305, NFV_IPSEC_AUTH_NONE, 2, true);
	life_pair(&t, 5, NFV_IPSEC_AES_CBC_256, NFV_IPSEC_HMAC_SHA512_256, 3, true);
	for (i = 0; i < 100; i++) {
		pk[i] = life_pkt(1 + i % 3, i * 13 % 200, bufs[i]);
		lens[i] = pk[i]->pkt_len;
	}
	esp_output_ops.fn(t.ips, pk, 100, v, &t.state);
	for (i = 0; i < 100; i++) {
		bad += v[i] != NFV_STOLEN;
		pk[i] = test_take(&t, NFV_INJECT_LOCAL_OUT);
		bad += pk[i] == NULL;
	}
	CU_ASSERT_FATAL(bad == 0);
	esp_input_ops.fn(t.ips, pk, 100, v, &t.state);
	for (i = 0; i < 100; i++) {
		struct rte_mbuf *m = test_take(&t, NFV_INJECT_PRE_ROUTING);

		bad += v[i] != NFV_STOLEN;
		if (m == NULL) {
			bad++;
			continue;
		}
		bad += m->pkt_len != lens[i] ||
			memcmp(rte_pktmbuf_mtod(m, uint8_t *), bufs[i], lens[i]) != 0;
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, 4)->stats[0].packets, 33);
	test_esp_teardown(&t);
}

static void test_life_multiseg(void)
{
	struct rte_mbuf *m, *tail;
	struct test_esp t;
	uint8_t buf[512];
	uint16_t len;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	life_pair(&t, 1, NFV_IPSEC_AES_CBC_128, NFV_IPSEC_HMAC_SHA256_128, 9, false);
	len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 7, 9, 300);
	m = test_pkt(buf, 100, AF_INET);
	tail = test_pkt(buf + 100, len - 100, AF_INET);
	CU_ASSERT_FATAL(rte_pktmbuf_chain(m, tail) == 0);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
	m = test_take(&t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(m->nb_segs, 1);
	CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
	m = test_take(&t, NFV_INJECT_PRE_ROUTING);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT(m->pkt_len == len && memcmp(rte_pktmbuf_mtod(m, uint8_t *), buf, len) == 0);
	rte_pktmbuf_free(m);
	test_esp_teardown(&t);
}

int test_life_register(void)
{
	NFV_TEST_SUITE("esp_sa_life", NULL, NULL,
		{ "lifetimes: soft event, hard stop", test_life_limits },
		{ "sequence number overflow", test_life_seq_overflow },
		{ "SA delete and re-add", test_life_delete },
		{ "one burst, three SAs, two batches", test_life_burst },
		{ "multi-segment packet is linearized", test_life_multiseg });
	return 0;
}
