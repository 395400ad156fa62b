/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SAs' last use (nfv_ipsec_sa_use): the burst time of the last packet
 * sealed, or opened and accepted by the inbound policy; what charon's
 * query_policy asks for (XFRM's policy curlft.use_time). A packet that
 * fails (a replay) does not count.
 */
#include "nfv_test.h"
#include "test_esp.h"

#define OUT_SA 1
#define IN_SA 2

static void test_use(void)
{
	struct rte_mbuf *m, *replayed;
	struct test_esp t;
	uint64_t sealed;

	test_gcm_pair(&t, 0x5000, "192.0.2.1", "192.0.2.2", false);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_use(t.ips, OUT_SA), 0);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_use(t.ips, IN_SA), 0);
	m = test_esp_sealed(&t);
	sealed = t.state.now;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_use(t.ips, OUT_SA), sealed);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_use(t.ips, IN_SA), 0);
	replayed = test_pkt_copy4(m);
	CU_ASSERT_FATAL(replayed != NULL);
	test_in_accept(&t, m);
	CU_ASSERT(nfv_ipsec_sa_use(t.ips, IN_SA) > sealed);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_use(t.ips, IN_SA), t.state.now);
	sealed = t.state.now;
	/* refused: the last use stays the accepted packet's */
	test_in_refuse(&t, replayed, NFV_DR_ESP_REPLAY);
	CU_ASSERT(t.state.now > sealed);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_use(t.ips, IN_SA), sealed);
	/* no SA in the slot */
	CU_ASSERT_EQUAL(nfv_ipsec_sa_use(t.ips, 7), 0);
	test_esp_teardown(&t);
}

int test_use_register(void)
{
	NFV_TEST_SUITE("ipsec last use", NULL, NULL,
		{ "sealed and accepted packets set the SA's last use", test_use });
	return 0;
}
