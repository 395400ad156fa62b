/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACQUIRE (esp_acquire.c): a packet of an outbound PROTECT policy whose
 * SA slot is empty is dropped as esp-no-sa and its slot reported once per
 * call of nfv_ipsec_acquires; once the SA is there, packets pass and
 * nothing is reported.
 */
#include "nfv_test.h"
#include "test_esp.h"

#define TRAP_SLOT 5
#define OTHER_SLOT 40

static struct rte_mbuf *acq_pkt(void)
{
	uint8_t buf[128];
	uint16_t len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 1000, 2000, 0);
	struct rte_mbuf *m = test_pkt(buf, len, AF_INET);

	CU_ASSERT_FATAL(m != NULL);
	return m;
}

static void acq_drop(struct test_esp *t)
{
	struct rte_mbuf *m = acq_pkt();

	CU_ASSERT_EQUAL(test_run_output(t, m), NFV_DROP_REASON(NFV_DR_ESP_NO_SA));
	rte_pktmbuf_free(m);
}

static void test_acquire(void)
{
	struct nfv_ipsec_sa_conf c;
	struct test_esp t;
	struct rte_mbuf *m;
	uint32_t ids[4];

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	/* a trap: PROTECT naming a slot without an SA */
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT,
				    TRAP_SLOT) == 0);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	acq_drop(&t);
	acq_drop(&t);
	acq_drop(&t);
	/* three packets, one report */
	CU_ASSERT_EQUAL_FATAL(nfv_ipsec_acquires(t.ips, ids, 4), 1);
	CU_ASSERT_EQUAL(ids[0], TRAP_SLOT);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	/* no room: reported by a later call, after the next packet */
	acq_drop(&t);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 0), 0);
	acq_drop(&t);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 1);

	/* the negotiated SA arrives in the slot: packets pass, no acquire */
	test_sa_conf(&c, TRAP_SLOT, 0x4000, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	m = acq_pkt();
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
	m = test_take(&t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT(m != NULL);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	test_esp_teardown(&t);

	/* an inbound SA in the slot is no SA for output, and no acquire either */
	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_sa_conf(&c, OTHER_SLOT, 0x4001, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.2", "192.0.2.1");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT,
				    OTHER_SLOT) == 0);
	acq_drop(&t);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	test_esp_teardown(&t);
}

int test_acquire_register(void)
{
	NFV_TEST_SUITE("ipsec acquire", NULL, NULL,
		{ "a policy without an SA: dropped, reported once", test_acquire });
	return 0;
}
