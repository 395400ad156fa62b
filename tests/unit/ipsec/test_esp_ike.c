/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE exemption of esp-output: UDP from ports 500 and 4500 that this host
 * sends (the IKE daemon behind the exception path, NFV_MBUF_F_LOCAL_OUT)
 * passes a policy that covers it, PROTECT or DISCARD; the same ports
 * forwarded, and other ports sent here, are taken by the policy.
 */
#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

#define OUT_SA 1

static uint32_t ike_out(struct test_esp *t, uint16_t sport, uint16_t dport, bool local)
{
	uint8_t buf[128];
	uint16_t len = test_build_udp(buf, AF_INET, "192.0.2.1", "192.0.2.2", sport, dport, 8);
	struct rte_mbuf *m = test_pkt(buf, len, AF_INET), *out;
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	if (local)
		nfv_mbuf_meta(m)->flags |= NFV_MBUF_F_LOCAL_OUT;
	v = test_run_output(t, m);
	if (v == NFV_STOLEN) {
		out = test_take(t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT(out != NULL);
		rte_pktmbuf_free(out);
	} else {
		rte_pktmbuf_free(m);
	}
	return v;
}

static void test_ike_bypass(void)
{
	struct nfv_ipsec_sa_conf c;
	struct test_esp t;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_sa_conf(&c, OUT_SA, 0x5000, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	/* a policy that covers the gateways' own packets: any to any */
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT,
				    OUT_SA) == 0);
	CU_ASSERT_EQUAL(ike_out(&t, 500, 500, true), NFV_ACCEPT);
	CU_ASSERT_EQUAL(ike_out(&t, 4500, 4500, true), NFV_ACCEPT);
	CU_ASSERT_EQUAL(ike_out(&t, 4500, 31000, true), NFV_ACCEPT);	/* to a NAT'd peer */
	/* not the IKE daemon's */
	CU_ASSERT_EQUAL(ike_out(&t, 500, 500, false), NFV_STOLEN);	/* forwarded */
	CU_ASSERT_EQUAL(ike_out(&t, 4500, 4500, false), NFV_STOLEN);
	CU_ASSERT_EQUAL(ike_out(&t, 1234, 500, true), NFV_STOLEN);	/* to 500, from elsewhere */
	CU_ASSERT_EQUAL(ike_out(&t, 53, 53, true), NFV_STOLEN);
	test_esp_teardown(&t);

	/* DISCARD covering everything: IKE still leaves */
	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_DISCARD, 0) == 0);
	CU_ASSERT_EQUAL(ike_out(&t, 500, 500, true), NFV_ACCEPT);
	CU_ASSERT_EQUAL(ike_out(&t, 500, 500, false), NFV_DROP_REASON(NFV_DR_SPD_DISCARD));
	test_esp_teardown(&t);
}

int test_ike_register(void)
{
	NFV_TEST_SUITE("ipsec IKE bypass", NULL, NULL,
		{ "IKE sent here passes a covering policy", test_ike_bypass });
	return 0;
}
