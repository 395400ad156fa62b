/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfv_ipsec_out_sa() (esp_out_sa.c), nft's "ipsec out": the SA that
 * esp-output would seal a packet with, asked before it runs: the same one
 * esp-output then uses; none without a PROTECT policy, for a policy whose
 * SA is not there yet (and no acquire for asking), for an ESP packet
 * esp-output made, for a local IKE packet, for the other family.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

#define SLOT 5
#define SPI 0x4000

static struct rte_mbuf *out_pkt(uint8_t family, uint16_t sport)
{
	uint8_t buf[128];
	uint16_t len = family == AF_INET ?
		test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", sport, 2000, 8) :
		test_build_udp(buf, AF_INET6, "2001:db8::1", "2001:db8:1::1", sport, 2000, 8);
	struct rte_mbuf *m = test_pkt(buf, len, family);

	CU_ASSERT_FATAL(m != NULL);
	return m;
}

/* the id nfv_ipsec_out_sa() gives, -1 for none */
static int64_t out_sa(struct test_esp *t, uint8_t family, uint16_t sport, uint16_t flags)
{
	struct rte_mbuf *m = out_pkt(family, sport);
	uint32_t id = UINT32_MAX;
	int64_t r;

	nfv_mbuf_meta(m)->flags |= flags;
	r = nfv_ipsec_out_sa(t->ips, m, &id) == 0 ? (int64_t)id : -1;
	rte_pktmbuf_free(m);
	return r;
}

static void test_out_sa(void)
{
	struct nfv_ipsec_sa_conf c;
	struct test_esp t;
	struct rte_mbuf *m;
	struct nfv_ipsec_acquire acq[4];
	uint32_t spi;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 1000, 0), -1);	/* no policy */
	/* a trap: PROTECT naming a slot without an SA; asking reports nothing */
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT,
				    SLOT) == 0);
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 1000, 0), -1);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, acq, 4), 0);
	/* the SA arrives */
	test_sa_conf(&c, SLOT, SPI, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 1000, 0), SLOT);
	/* esp-output then seals the packet with that SA */
	m = out_pkt(AF_INET, 1000);
	CU_ASSERT_EQUAL_FATAL(test_run_output(&t, m), NFV_STOLEN);
	m = test_take(&t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT_FATAL(m != NULL);
	memcpy(&spi, rte_pktmbuf_mtod_offset(m, uint8_t *, 20), 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(spi), SPI);
	/* the ESP packet it made (its second pass) is not sealed again */
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 1000, NFV_MBUF_F_IPSEC_DONE), -1);
	rte_pktmbuf_free(m);
	/* the IKE daemon's own packets are never taken; forwarded ones are */
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 500, NFV_MBUF_F_LOCAL_OUT), -1);
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 4500, NFV_MBUF_F_LOCAL_OUT), -1);
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 500, 0), SLOT);
	/* an IPv4 policy does not cover IPv6 */
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET6, 1000, 0), -1);
	test_esp_teardown(&t);

	/* bypass and discard policies seal nothing */
	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_BYPASS, 0) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 2, NFV_IPSEC_DIR_OUT, AF_INET6, NFV_IPSEC_DISCARD, 0) == 0);
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET, 1000, 0), -1);
	CU_ASSERT_EQUAL(out_sa(&t, AF_INET6, 1000, 0), -1);
	test_esp_teardown(&t);
}

int test_out_sa_register(void)
{
	NFV_TEST_SUITE("ipsec out sa", NULL, NULL,
		{ "the SA esp-output would pick, asked before", test_out_sa });
	return 0;
}
