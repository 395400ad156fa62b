/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An inbound SA without anti-replay (no_replay, Linux replay-window 0)
 * accepts duplicates and packets far behind but still checks the ICV; the
 * same SA with the default window refuses them as esp-replay, and a window
 * of a configured size is that size.
 */
#include <string.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"
#include "test_esp_lim.h"

static void test_lim_no_replay(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	static uint8_t e1[256], e2[256], e5000[256];
	struct nfv_ipsec_sa_stats st;
	uint32_t drop = NFV_DROP_REASON(NFV_DR_ESP_REPLAY);
	struct nfv_ipsec_sa_conf c;
	uint16_t n1, n2, n5000;
	struct test_esp t;

	for (int off = 0; off < 2; off++) {
		bool on = off == 0;	/* the window on first, then off */

		lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, NULL, NULL, !on);
		n1 = lim_esp(&t, 1, e1);
		n2 = lim_esp(&t, 2, e2);
		n5000 = lim_esp(&t, 5000, e5000);
		CU_ASSERT_EQUAL(lim_in(&t, e1, n1), 0);
		CU_ASSERT_EQUAL(lim_in(&t, e1, n1), on ? drop : 0);	/* duplicate */
		CU_ASSERT_EQUAL(lim_in(&t, e5000, n5000), 0);
		CU_ASSERT_EQUAL(lim_in(&t, e1, n1), on ? drop : 0);	/* far behind */
		CU_ASSERT_EQUAL(lim_in(&t, e2, n2), on ? drop : 0);	/* 4998 behind */
		CU_ASSERT_EQUAL(lim_in(&t, e5000, n5000), on ? drop : 0);
		CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 2, &st) == 0);
		CU_ASSERT_EQUAL(st.packets, on ? 2 : 6);
		CU_ASSERT_EQUAL(st.replay, on ? 4 : 0);
		test_esp_teardown(&t);
	}
	/* ESN infers the high bits from the window: not without one */
	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_sa_conf(&c, 2, 0x7200, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	c.no_replay = true;
	c.esn = true;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_add(t.ips, &c), -EINVAL);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

/* A duplicate within one burst: the window is updated after the ICV. */
static void test_lim_no_replay_burst(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct rte_mbuf *pk[2];
	struct test_esp t;
	uint8_t e[256];
	uint32_t v[2];
	uint16_t n;

	for (int off = 0; off < 2; off++) {
		lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, NULL, NULL, off);
		n = lim_esp(&t, 7, e);
		pk[0] = test_pkt(e, n, AF_INET);
		pk[1] = test_pkt(e, n, AF_INET);
		esp_input_ops.fn(t.ips, pk, 2, v, &t.state);
		CU_ASSERT(v[0] == NFV_STOLEN && v[1] == NFV_STOLEN);
		CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_REPLAY), off ? 0 : 1);
		CU_ASSERT_EQUAL(esp_sa_get(t.ips, 2)->stats[0].packets, off ? 2 : 1);
		test_esp_teardown(&t);
	}
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

/* Turning the window off must not turn the ICV off. */
static void test_lim_no_replay_auth(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct rte_mbuf *m;
	struct test_esp t;
	uint8_t e[256];
	uint16_t n;

	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, NULL, NULL, true);
	n = lim_esp(&t, 3, e);
	e[n - 20] ^= 0x01;	/* a ciphertext byte (the ICV is the last 16) */
	m = test_pkt(e, n, AF_INET);
	CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
	CU_ASSERT_PTR_NULL(test_take(&t, NFV_INJECT_PRE_ROUTING));
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_AUTH), 1);
	e[n - 20] ^= 0x01;
	CU_ASSERT_EQUAL(lim_in(&t, e, n), 0);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, 2)->stats[0].auth, 1);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

/* A configured window size is the one applied: W - 1 behind passes, W not. */
static void test_lim_window_size(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	uint32_t drop = NFV_DROP_REASON(NFV_DR_ESP_REPLAY);
	static uint8_t e100[256], e37[256], e36[256];
	struct nfv_ipsec_sa_conf c;
	uint16_t n100, n37, n36;
	struct test_esp t;

	lim_pair(&t, NFV_IPSEC_MODE_TUNNEL, NULL, NULL, false);
	CU_ASSERT(nfv_ipsec_sa_del(t.ips, 2) == 0);
	test_sa_conf(&c, 2, 0x7200, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	c.replay_window = NFV_IPSEC_REPLAY_MAX + 1;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_add(t.ips, &c), -ERANGE);
	c.replay_window = 64;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	n100 = lim_esp(&t, 100, e100);
	n37 = lim_esp(&t, 37, e37);
	n36 = lim_esp(&t, 36, e36);
	CU_ASSERT_EQUAL(lim_in(&t, e100, n100), 0);
	CU_ASSERT_EQUAL(lim_in(&t, e36, n36), drop);	/* 64 behind */
	CU_ASSERT_EQUAL(lim_in(&t, e37, n37), 0);	/* 63 behind */
	CU_ASSERT_EQUAL(lim_in(&t, e37, n37), drop);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, 2)->stats[0].replay, 2);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

int test_noreplay_register(void)
{
	NFV_TEST_SUITE("esp_no_replay", NULL, NULL,
		{ "no anti-replay: duplicates and far behind pass", test_lim_no_replay },
		{ "duplicate within one burst", test_lim_no_replay_burst },
		{ "no anti-replay still checks the ICV", test_lim_no_replay_auth },
		{ "replay_window size is applied", test_lim_window_size });
	return 0;
}
