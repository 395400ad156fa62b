/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multi-segment mbufs (README: linearized in both directions, the L3 and
 * L4 headers in the first segment on output): chains through esp-output
 * then esp-input give back the original bytes, ESP packets split into
 * chains decrypt, a chain whose first segment has no room is refused, and
 * no mbuf is left behind.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

/* First segments with room for a whole jumbo packet, as a jumbo port has. */
static struct rte_mempool *mseg_big;

static int mseg_init(void)
{
	mseg_big = rte_pktmbuf_pool_create("ipsecut_big", 64, 0, NFV_MBUF_PRIV_SIZE,
					   4096 + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	return mseg_big == NULL;
}

static int mseg_fini(void)
{
	rte_mempool_free(mseg_big);
	return 0;
}

static unsigned int mseg_in_use(void)
{
	return rte_mempool_in_use_count(test_pool) + rte_mempool_in_use_count(mseg_big);
}

/* A chain of n segments of the given sizes; the first from first_pool. */
static struct rte_mbuf *mseg_chain(struct rte_mempool *first_pool, const uint8_t *p,
				   uint8_t family, const uint16_t *seg, unsigned int n)
{
	struct rte_mbuf *m = nfv_test_mbuf(first_pool, p, seg[0]), *s;

	CU_ASSERT_FATAL(m != NULL);
	nfv_mbuf_meta(m)->family = family;
	for (unsigned int i = 1; i < n; i++) {
		p += seg[i - 1];
		s = nfv_test_mbuf(test_pool, p, seg[i]);
		CU_ASSERT_FATAL(s != NULL && rte_pktmbuf_chain(m, s) == 0);
	}
	CU_ASSERT_EQUAL(m->nb_segs, n);
	return m;
}

static void mseg_pair(struct test_esp *t, enum nfv_ipsec_mode mode,
		      enum nfv_ipsec_cipher c, enum nfv_ipsec_auth a)
{
	struct nfv_ipsec_sa_conf sa;

	CU_ASSERT_FATAL(test_esp_setup(t) == 0);
	test_sa_conf(&sa, 1, 0x7300, NFV_IPSEC_DIR_OUT, mode, c, a, "192.0.2.1", "192.0.2.2");
	CU_ASSERT_FATAL(test_pair_add(t, &sa, NULL, AF_INET) == 0);
}

static const struct {
	enum nfv_ipsec_cipher c;
	enum nfv_ipsec_auth a;
} mseg_algs[] = {
	{ NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE },
	{ NFV_IPSEC_AES_CBC_128, NFV_IPSEC_HMAC_SHA256_128 },
	{ NFV_IPSEC_AES_CCM_256, NFV_IPSEC_AUTH_NONE },
};

/* A chained packet out and back in, for both modes and every algorithm. */
static void mseg_roundtrip(struct rte_mempool *first, const uint16_t *seg,
			   unsigned int nseg)
{
	static uint8_t buf[4096];
	unsigned int in_use = mseg_in_use();
	uint16_t len = 0;

	for (unsigned int i = 0; i < nseg; i++)
		len += seg[i];
	for (unsigned int k = 0; k < 2 * RTE_DIM(mseg_algs); k++) {
		enum nfv_ipsec_mode mode = k & 1 ? NFV_IPSEC_MODE_TRANSPORT :
						   NFV_IPSEC_MODE_TUNNEL;
		struct test_esp t;
		struct rte_mbuf *m;

		mseg_pair(&t, mode, mseg_algs[k >> 1].c, mseg_algs[k >> 1].a);
		if (mode == NFV_IPSEC_MODE_TUNNEL)
			test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 7, 9, len - 28);
		else
			test_build_udp(buf, AF_INET, "192.0.2.1", "192.0.2.2", 7, 9, len - 28);
		m = mseg_chain(first, buf, AF_INET, seg, nseg);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->nb_segs, 1);
		CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_PRE_ROUTING);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->pkt_len, len);
		CU_ASSERT(rte_pktmbuf_is_contiguous(m) &&
			  memcmp(rte_pktmbuf_mtod(m, void *), buf, len) == 0);
		rte_pktmbuf_free(m);
		test_esp_teardown(&t);
		CU_ASSERT_EQUAL(mseg_in_use(), in_use);
	}
}

static void test_mseg_jumbo(void)
{
	static const uint16_t seg[] = { 1000, 1000, 500 };

	mseg_roundtrip(mseg_big, seg, RTE_DIM(seg));
}

static void test_mseg_small(void)
{
	/* boundaries inside the payload, odd sizes, one segment of 1 byte */
	static const uint16_t seg[] = { 600, 1, 499, 301 };

	mseg_roundtrip(test_pool, seg, RTE_DIM(seg));
}

/* 2500 bytes do not fit a 2048-byte first segment: refused, nothing leaks. */
static void test_mseg_no_room(void)
{
	static const uint16_t seg[] = { 1000, 1000, 500 };
	static uint8_t buf[4096];
	unsigned int in_use = mseg_in_use();
	struct nfv_ipsec_sa_stats st;
	struct test_esp t;
	struct rte_mbuf *m;

	mseg_pair(&t, NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE);
	test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 7, 9, 2500 - 28);
	m = mseg_chain(test_pool, buf, AF_INET, seg, RTE_DIM(seg));
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_LINEARIZE));
	rte_pktmbuf_free(m);
	CU_ASSERT_PTR_NULL(test_take(&t, NFV_INJECT_LOCAL_OUT));
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0 && st.packets == 0);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(mseg_in_use(), in_use);
}

/* An ESP packet made whole, split into a chain before esp-input. */
static void test_mseg_esp_split(void)
{
	static const uint16_t cuts[][3] = {
		{ 60, 700 },	/* in the ciphertext */
		{ 10, 30 },	/* in the outer IP header and the ESP header */
		{ 1, 1 },
	};
	static uint8_t buf[2048], esp[2048];
	unsigned int in_use = mseg_in_use();

	for (unsigned int k = 0; k < RTE_DIM(mseg_algs) * RTE_DIM(cuts); k++) {
		unsigned int a = k % RTE_DIM(mseg_algs), c = k / RTE_DIM(mseg_algs);
		uint16_t len, n, seg[3];
		struct test_esp t;
		struct rte_mbuf *m;

		mseg_pair(&t, NFV_IPSEC_MODE_TUNNEL, mseg_algs[a].c, mseg_algs[a].a);
		len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 7, 9, 1372);
		CU_ASSERT_EQUAL(test_run_output(&t, test_pkt(buf, len, AF_INET)), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL && m->nb_segs == 1);
		n = m->pkt_len;
		memcpy(esp, rte_pktmbuf_mtod(m, void *), n);
		rte_pktmbuf_free(m);
		seg[0] = cuts[c][0];
		seg[1] = cuts[c][1];
		seg[2] = n - seg[0] - seg[1];
		m = mseg_chain(test_pool, esp, AF_INET, seg, 3);
		CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_PRE_ROUTING);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT(m->pkt_len == len && rte_pktmbuf_is_contiguous(m) &&
			  memcmp(rte_pktmbuf_mtod(m, void *), buf, len) == 0);
		rte_pktmbuf_free(m);
		test_esp_teardown(&t);
		CU_ASSERT_EQUAL(mseg_in_use(), in_use);
	}
}

int test_mseg_register(void)
{
	NFV_TEST_SUITE("esp_multiseg", mseg_init, mseg_fini,
		{ "1000+1000+500 chain, jumbo first segment", test_mseg_jumbo },
		{ "600+1+499+301 chain", test_mseg_small },
		{ "no room to linearize: refused, no leak", test_mseg_no_room },
		{ "ESP packet split into a chain before esp-input", test_mseg_esp_split });
	return 0;
}
