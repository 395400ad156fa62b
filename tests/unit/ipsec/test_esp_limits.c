/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hard lifetime limits exact to the packet and the byte, both directions,
 * within one burst and across calls (esp_sa_lifetime/esp_sa_hard_reached:
 * a packet is refused when counted bytes + its bytes > hard.bytes, or when
 * hard.packets were already counted; counted bytes are the ESP payload).
 */
#include <string.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"
#include "test_esp_lim.h"

/* Outbound SA 1 and inbound SA 2, same keys, AES-GCM-128, any IPv4. */
void lim_pair(struct test_esp *t, enum nfv_ipsec_mode mode,
	      const struct nfv_ipsec_lifetime *hard_out,
	      const struct nfv_ipsec_lifetime *hard_in, bool no_replay)
{
	struct nfv_ipsec_sa_conf sa, in;

	CU_ASSERT_FATAL(test_esp_setup(t) == 0);
	test_sa_conf(&sa, 1, 0x7200, NFV_IPSEC_DIR_OUT, mode, NFV_IPSEC_AES_GCM_128,
		     NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	in = sa;
	if (hard_out != NULL)
		sa.hard = *hard_out;
	if (hard_in != NULL)
		in.hard = *hard_in;
	in.no_replay = no_replay;
	CU_ASSERT_FATAL(test_pair_add(t, &sa, &in, AF_INET) == 0);
}

/* An IPv4 UDP packet of len bytes, tunnel or transport addresses. */
struct rte_mbuf *lim_pkt(enum nfv_ipsec_mode mode, uint16_t len)
{
	uint8_t buf[2048];

	if (mode == NFV_IPSEC_MODE_TUNNEL)
		test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 7, 9, len - 28);
	else
		test_build_udp(buf, AF_INET, "192.0.2.1", "192.0.2.2", 7, 9, len - 28);
	return test_pkt(buf, len, AF_INET);
}

/* The ESP packet of a 100-byte tunnel packet with sequence number seq, as bytes. */
uint16_t lim_esp(struct test_esp *t, uint64_t seq, uint8_t *out)
{
	struct rte_mbuf *m;
	uint16_t n;

	esp_sa_get(t->ips, 1)->seq = seq;
	CU_ASSERT_FATAL(test_run_output(t, lim_pkt(NFV_IPSEC_MODE_TUNNEL, 100)) == NFV_STOLEN);
	m = test_take(t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT_FATAL(m != NULL);
	n = m->pkt_len;
	memcpy(out, rte_pktmbuf_mtod(m, void *), n);
	rte_pktmbuf_free(m);
	return n;
}

/*
 * Runs a copy of ESP packet p in: 0 (inner packet checked, freed), the drop
 * verdict, or NFV_STOLEN when it was dropped after the crypto.
 */
uint32_t lim_in(struct test_esp *t, const uint8_t *p, uint16_t n)
{
	struct rte_mbuf *esp = test_pkt(p, n, AF_INET), *m;
	uint32_t v = test_run_input(t, esp);

	m = test_take(t, NFV_INJECT_PRE_ROUTING);
	if (v == NFV_STOLEN) {
		if (m == NULL)
			return v;
		CU_ASSERT_EQUAL(m->pkt_len, 100);
		rte_pktmbuf_free(m);
		return 0;
	}
	CU_ASSERT_PTR_NULL(m);
	rte_pktmbuf_free(esp);	/* a drop verdict: the runner's part */
	return v;
}

/* n packets of len bytes in one esp-output call; returns how many came out. */
unsigned int lim_out_burst(struct test_esp *t, enum nfv_ipsec_mode mode,
			   unsigned int n, uint16_t len, struct rte_mbuf **esp)
{
	struct rte_mbuf *pk[LIM_N];
	uint32_t v[LIM_N];
	unsigned int i, out = 0;

	for (i = 0; i < n; i++)
		pk[i] = lim_pkt(mode, len);
	esp_output_ops.fn(t->ips, pk, n, v, &t->state);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(v[i], NFV_STOLEN);
	while (out < n && (esp[out] = test_take(t, NFV_INJECT_LOCAL_OUT)) != NULL)
		out++;
	return out;
}

static void test_lim_out_packets(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct nfv_ipsec_lifetime hard = { .packets = 5 };
	struct nfv_ipsec_sa_stats st;
	struct rte_mbuf *esp[LIM_N], *m;
	unsigned int ev = 0, i;
	struct test_esp t;

	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, &hard, NULL, false);
	CU_ASSERT_EQUAL(lim_out_burst(&t, NFV_IPSEC_MODE_TUNNEL, 8, 100, esp), 5);
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_SA_EXPIRED), 3);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT(st.packets == 5 && st.expired == 3 && st.bytes == 500);
	/* the five are sequence numbers 1..5, and they decrypt */
	for (i = 0; i < 5; i++) {
		CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(esp[i], uint8_t *, 24),
				 (uint8_t[]){ 0, 0, 0, i + 1 }, 4) == 0);
		CU_ASSERT_EQUAL(test_run_input(&t, esp[i]), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_PRE_ROUTING);
		CU_ASSERT(m != NULL && m->pkt_len == 100);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 2, &st) == 0 && st.packets == 5);
	/* the next call is refused before the crypto */
	m = lim_pkt(NFV_IPSEC_MODE_TUNNEL, 100);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED));
	rte_pktmbuf_free(m);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT(st.packets == 5 && st.expired == 4);
	CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 1, &ev) == 0 && ev == NFV_IPSEC_EV_HARD);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

/* One packet through esp-output: 1 when it came out encrypted. */
int lim_out_one(struct test_esp *t, enum nfv_ipsec_mode mode, uint16_t len)
{
	struct rte_mbuf *m = lim_pkt(mode, len);
	uint32_t v = test_run_output(t, m);

	if (v != NFV_STOLEN) {
		CU_ASSERT_EQUAL(v, NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED));
		rte_pktmbuf_free(m);
		return 0;
	}
	m = test_take(t, NFV_INJECT_LOCAL_OUT);
	rte_pktmbuf_free(m);
	return m != NULL;
}

/* hard.bytes counts the ESP payload: the whole inner packet in tunnel mode. */
static void test_lim_out_bytes(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct nfv_ipsec_lifetime hard = { .bytes = 300 };
	struct nfv_ipsec_sa_stats st;
	struct rte_mbuf *esp[LIM_N];
	struct test_esp t;

	/* one burst of 4 x 100: the third reaches 300 exactly, the fourth crosses */
	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, &hard, NULL, false);
	CU_ASSERT_EQUAL(lim_out_burst(&t, NFV_IPSEC_MODE_TUNNEL, 4, 100, esp), 3);
	for (int i = 0; i < 3; i++)
		rte_pktmbuf_free(esp[i]);
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_SA_EXPIRED), 1);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT(st.packets == 3 && st.bytes == 300 && st.expired == 1);
	test_esp_teardown(&t);

	/* one call each: 100 + 100, then 101 would cross, 100 reaches, 28 crosses */
	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, &hard, NULL, false);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TUNNEL, 100), 1);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TUNNEL, 100), 1);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TUNNEL, 101), 0);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TUNNEL, 100), 1);
	CU_ASSERT_EQUAL(lim_out_one(&t, NFV_IPSEC_MODE_TUNNEL, 28), 0);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT(st.packets == 3 && st.bytes == 300 && st.expired == 2);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

/* n ESP packets (seq 1..n) of 100-byte inner packets in one esp-input call. */
static unsigned int lim_in_burst(struct test_esp *t, unsigned int n)
{
	struct rte_mbuf *pk[LIM_N], *m;
	uint32_t v[LIM_N];
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		CU_ASSERT_FATAL(test_run_output(t, lim_pkt(NFV_IPSEC_MODE_TUNNEL, 100)) ==
				NFV_STOLEN);
		pk[i] = test_take(t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(pk[i] != NULL);
	}
	esp_input_ops.fn(t->ips, pk, n, v, &t->state);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(v[i], NFV_STOLEN);
	while ((m = test_take(t, NFV_INJECT_PRE_ROUTING)) != NULL) {
		CU_ASSERT_EQUAL(m->pkt_len, 100);
		rte_pktmbuf_free(m);
		out++;
	}
	return out;
}

static void test_lim_in_packets(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct nfv_ipsec_lifetime hard = { .packets = 5 };
	struct nfv_ipsec_sa_stats st;
	struct test_esp t;
	uint8_t e[256];
	uint16_t n;

	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, NULL, &hard, false);
	CU_ASSERT_EQUAL(lim_in_burst(&t, 8), 5);
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_SA_EXPIRED), 3);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 2, &st) == 0);
	CU_ASSERT(st.packets == 5 && st.bytes == 500 && st.expired == 3 && st.replay == 0);
	/* the next call is refused before the crypto */
	n = lim_esp(&t, 9, e);
	CU_ASSERT_EQUAL(lim_in(&t, e, n), NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED));
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 2, &st) == 0);
	CU_ASSERT(st.packets == 5 && st.expired == 4);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

int test_limits_register(void)
{
	NFV_TEST_SUITE("esp_limits", NULL, NULL,
		{ "outbound hard.packets exact in one burst", test_lim_out_packets },
		{ "outbound hard.bytes exact (tunnel)", test_lim_out_bytes },
		{ "inbound hard.packets exact in one burst", test_lim_in_packets });
	return 0;
}
