/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path MTU of an SA (esp_mtu.c): the largest inner packet an SA leaves,
 * checked against hand-computed RFC 4303 sizes and against what esp-output
 * really emits; packets that may not be fragmented are refused as
 * esp-too-big after the too_big callback got the inner MTU.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_ip.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"
#include "test_esp_mtu.h"

static void mtu_too_big(void *arg, unsigned int worker, struct rte_mbuf *m,
			uint32_t mtu)
{
	struct mtu_rec *rec = arg;

	rec->calls++;
	rec->worker = worker;
	rec->mtu = mtu;
	rec->len = m->pkt_len;
}

/* test_esp_setup, with a module whose conf has the too_big callback */
void mtu_setup(struct test_esp *t, struct mtu_rec *rec)
{
	struct nfv_ipsec_conf conf = {
		.nb_workers = 1, .max_sa = 64,
		.too_big = mtu_too_big, .too_big_arg = rec,
	};

	memset(rec, 0, sizeof(*rec));
	rec->in_use = rte_mempool_in_use_count(test_pool);
	CU_ASSERT_FATAL(test_esp_setup(t) == 0);
	nfv_ipsec_fini(t->ips);
	conf.qsbr = t->qsbr;
	CU_ASSERT_FATAL(nfv_ipsec_init(&t->ips, &conf) == 0);
}

void mtu_teardown(struct test_esp *t, const struct mtu_rec *rec)
{
	test_esp_teardown(t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), rec->in_use);
}

const char *mtu_addr(uint8_t family, int which)
{
	static const char *v4[] = { "10.0.0.1", "10.0.1.1", "192.0.2.1", "192.0.2.2" };
	static const char *v6[] = { "2001:db8::1", "2001:db8:1::1", "2001:db8:ff::1",
				    "2001:db8:ff::2" };

	return family == AF_INET ? v4[which] : v6[which];
}

/* Outbound SA 1 (with mtu) and inbound SA 2 with the same keys, any policy. */
void mtu_pair(struct test_esp *t, enum nfv_ipsec_mode mode, enum nfv_ipsec_cipher c,
	      enum nfv_ipsec_auth a, uint8_t outer, uint8_t inner, bool natt,
	      uint16_t mtu)
{
	struct nfv_ipsec_sa_conf sa;

	test_sa_conf(&sa, 1, 0x7100, NFV_IPSEC_DIR_OUT, mode, c, a,
		     mtu_addr(outer, 2), mtu_addr(outer, 3));
	sa.natt = natt;
	sa.mtu = mtu;
	CU_ASSERT_FATAL(test_pair_add(t, &sa, NULL, inner) == 0);
}

/* A UDP packet of exactly len bytes; df sets IPv4 DF. */
struct rte_mbuf *mtu_pkt(uint8_t *buf, enum nfv_ipsec_mode mode, uint8_t outer,
			 uint8_t inner, uint16_t len, bool df)
{
	int s = mode == NFV_IPSEC_MODE_TUNNEL ? 0 : 2;
	uint16_t l3 = inner == AF_INET ? 20 : 40;

	test_build_udp(buf, inner, mtu_addr(mode == NFV_IPSEC_MODE_TUNNEL ? inner : outer, s),
		       mtu_addr(mode == NFV_IPSEC_MODE_TUNNEL ? inner : outer, s + 1),
		       1234, 5678, len - l3 - 8);
	if (inner == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

		ip->packet_id = htons(0x1234);
		ip->fragment_offset = df ? htons(RTE_IPV4_HDR_DF_FLAG) : 0;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return test_pkt(buf, len, inner);
}

/*
 * RFC 4303: ESP = header 8 + IV + payload, padded with its 2 trailer bytes
 * (pad length, next header) to the alignment (4 for AEADs, 16 for CBC),
 * + ICV; tunnel adds the outer header (20 or 40), NAT-T UDP 8. So
 * inner_max = floor(mtu - fixed, align) - 2, fixed = everything but payload.
 */
static const struct {
	const char *what;
	enum nfv_ipsec_mode mode;
	enum nfv_ipsec_cipher c;
	enum nfv_ipsec_auth a;
	uint8_t outer;
	bool natt;
	uint16_t mtu, align;
	uint16_t fixed, keep;	/* all but the payload; transport: kept L3 */
	uint32_t inner_max;	/* by hand */
	uint32_t esp_len;	/* ESP packet of an inner_max packet, by hand */
} mtu_cases[] = {
	/* 8 + 8 + 16 + 20 = 52; 1500 - 52 = 1448, aligned 1448, - 2 = 1446;
	 * ESP: 20 + 8 + 8 + (1446 + 2) + 16 = 1500 */
	{ "gcm tunnel v4", NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128,
	  NFV_IPSEC_AUTH_NONE, AF_INET, false, 1500, 4, 52, 0, 1446, 1500 },
	/* 8 + 8 + 16 + 40 = 72; 1499 - 72 = 1427, aligned 1424, - 2 = 1422;
	 * ESP: 40 + 8 + 8 + 1424 + 16 = 1496 */
	{ "gcm tunnel v6", NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128,
	  NFV_IPSEC_AUTH_NONE, AF_INET6, false, 1499, 4, 72, 0, 1422, 1496 },
	/* 8 + 8 + 16 + 20 + UDP 8 = 60; 1500 - 60 = 1440, - 2 = 1438;
	 * ESP: 20 + 8 + 8 + 8 + 1440 + 16 = 1500 */
	{ "gcm nat-t tunnel v4", NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128,
	  NFV_IPSEC_AUTH_NONE, AF_INET, true, 1500, 4, 60, 0, 1438, 1500 },
	/* AES-CCM: IV 8, ICV 16, 4-byte alignment, as AES-GCM */
	{ "ccm tunnel v4", NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_CCM_128,
	  NFV_IPSEC_AUTH_NONE, AF_INET, false, 1500, 4, 52, 0, 1446, 1500 },
	/* 8 + IV 16 + ICV 16 + 20 = 60; 1400 - 60 = 1340, aligned to 16:
	 * 1328, - 2 = 1326; ESP: 20 + 8 + 16 + 1328 + 16 = 1388 */
	{ "cbc+sha256 tunnel v4", NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_CBC_128,
	  NFV_IPSEC_HMAC_SHA256_128, AF_INET, false, 1400, 16, 60, 0, 1326, 1388 },
	/* 8 + 8 + 16 = 32 and the kept 20-byte header: 1000 - 52 = 948,
	 * aligned 948, - 2 = 946, + 20 = 966; ESP: 20 + 8 + 8 + 948 + 16 = 1000 */
	{ "gcm transport v4", NFV_IPSEC_MODE_TRANSPORT, NFV_IPSEC_AES_GCM_128,
	  NFV_IPSEC_AUTH_NONE, AF_INET, false, 1000, 4, 52, 20, 966, 1000 },
};

static void test_mtu_inner_max(void)
{
	for (unsigned int i = 0; i < RTE_DIM(mtu_cases); i++) {
		typeof(mtu_cases[0]) *k = &mtu_cases[i];
		uint32_t max = k->inner_max;
		struct test_esp t;
		struct mtu_rec rec;
		uint8_t buf[2048];
		struct rte_mbuf *m;
		struct esp_sa *sa;

		mtu_setup(&t, &rec);
		mtu_pair(&t, k->mode, k->c, k->a, k->outer, AF_INET, k->natt, k->mtu);
		sa = esp_sa_get(t.ips, 1);
		CU_ASSERT_EQUAL(esp_mtu_inner_max(sa, 20), max);
		/* exactly inner_max: encrypted, fills at most the path */
		m = mtu_pkt(buf, k->mode, k->outer, AF_INET, max, true);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->pkt_len, k->esp_len);
		CU_ASSERT(m->pkt_len <= k->mtu);
		CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_PRE_ROUTING);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT(m->pkt_len == max && memcmp(rte_pktmbuf_mtod(m, void *), buf, max) == 0);
		rte_pktmbuf_free(m);
		/* one byte more with DF: refused, the callback gets inner_max */
		m = mtu_pkt(buf, k->mode, k->outer, AF_INET, max + 1, true);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_TOO_BIG));
		CU_ASSERT(rec.calls == 1 && rec.mtu == max && rec.len == max + 1);
		rte_pktmbuf_free(m);
		/* one alignment step more, with the check off: one step past the path */
		sa->mtu = 0;
		m = mtu_pkt(buf, k->mode, k->outer, AF_INET, max + k->align, true);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->pkt_len, k->esp_len + k->align);
		CU_ASSERT(m->pkt_len > k->mtu);
		rte_pktmbuf_free(m);
		/* less than one alignment step of room, then exactly two */
		sa->mtu = k->fixed + k->align - 1;
		CU_ASSERT_EQUAL(esp_mtu_inner_max(sa, 20), 0);
		sa->mtu = k->fixed + 2 * k->align;
		CU_ASSERT_EQUAL(esp_mtu_inner_max(sa, 20), k->keep + 2u * k->align - 2);
		mtu_teardown(&t, &rec);
	}
}

/* Packets that may not be fragmented: DF, IPv6, transport mode. */
static void test_mtu_too_big(void)
{
	static const struct {
		enum nfv_ipsec_mode mode;
		enum nfv_ipsec_cipher c;
		enum nfv_ipsec_auth a;
		uint8_t outer, inner;
		uint16_t mtu, len;
		uint32_t inner_mtu;	/* by hand, as above */
		uint32_t esp_len;	/* the ESP packet of an inner_mtu packet */
	} cases[] = {
		/* 1000 - (8 + 8 + 16 + 20) = 948, aligned 948, - 2 */
		{ NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		  AF_INET, AF_INET, 1000, 1200, 946, 1000 },
		/* 6-in-6: 1400 - (8 + 8 + 16 + 40) = 1328, - 2 */
		{ NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		  AF_INET6, AF_INET6, 1400, 1500, 1326, 1400 },
		/* 6-in-4: 1400 - 52 = 1348, - 2 */
		{ NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		  AF_INET, AF_INET6, 1400, 1500, 1346, 1400 },
		/* 6-in-6 CBC: 1400 - (8 + 16 + 16 + 40) = 1320, aligned 16: 1312, - 2;
		 * ESP 40 + 8 + 16 + 1312 + 16 = 1392 */
		{ NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_CBC_256, NFV_IPSEC_HMAC_SHA256_128,
		  AF_INET6, AF_INET6, 1400, 1500, 1310, 1392 },
		/* transport v4 + DF: 1000 - 32 - 20 = 948, - 2, + 20 */
		{ NFV_IPSEC_MODE_TRANSPORT, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		  AF_INET, AF_INET, 1000, 1200, 966, 1000 },
		/* transport v6: 1400 - 32 - 40 = 1328, - 2, + 40 */
		{ NFV_IPSEC_MODE_TRANSPORT, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		  AF_INET6, AF_INET6, 1400, 1500, 1366, 1400 },
	};

	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		typeof(cases[0]) *k = &cases[i];
		struct test_esp t;
		struct mtu_rec rec;
		uint8_t buf[2048];
		struct rte_mbuf *m;

		mtu_setup(&t, &rec);
		mtu_pair(&t, k->mode, k->c, k->a, k->outer, k->inner, false, k->mtu);
		m = mtu_pkt(buf, k->mode, k->outer, k->inner, k->len, true);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_TOO_BIG));
		rte_pktmbuf_free(m);	/* the runner's part */
		CU_ASSERT_EQUAL(rec.calls, 1);
		CU_ASSERT_EQUAL(rec.worker, 0);
		CU_ASSERT_EQUAL(rec.mtu, k->inner_mtu);
		CU_ASSERT_EQUAL(rec.len, k->len);
		CU_ASSERT_PTR_NULL(test_take(&t, NFV_INJECT_LOCAL_OUT));
		CU_ASSERT_EQUAL(esp_sa_get(t.ips, 1)->stats[0].packets, 0);
		/* the MTU it announced does fit */
		m = mtu_pkt(buf, k->mode, k->outer, k->inner, k->inner_mtu, true);
		CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->pkt_len, k->esp_len);
		rte_pktmbuf_free(m);
		CU_ASSERT_EQUAL(rec.calls, 1);
		mtu_teardown(&t, &rec);
	}
}

/* Without a callback the packet is dropped all the same. */
static void test_mtu_no_callback(void)
{
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct test_esp t;
	uint8_t buf[2048];
	struct rte_mbuf *m;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	mtu_pair(&t, NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		 AF_INET, AF_INET6, false, 1400);
	m = mtu_pkt(buf, NFV_IPSEC_MODE_TUNNEL, AF_INET, AF_INET6, 1347, false);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_TOO_BIG));
	rte_pktmbuf_free(m);
	test_esp_teardown(&t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
}

int test_mtu_register(void)
{
	NFV_TEST_SUITE("esp_mtu", NULL, NULL,
		{ "inner MTU by hand, and what esp-output emits", test_mtu_inner_max },
		{ "DF, IPv6, transport: too big, callback", test_mtu_too_big },
		{ "too big without a callback", test_mtu_no_callback });
	return 0;
}
