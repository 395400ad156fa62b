/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Both hook entries end to end: output (SPD, encapsulation, batch, inject
 * at LOCAL_OUT) then input (SAD, replay, decapsulation, policy, inject at
 * PRE_ROUTING), for every algorithm, mode and IP family combination; the
 * SPD actions; lifetimes and sequence number overflow; batches of several
 * SAs; SA deletion.
 */
#include <string.h>
#include <arpa/inet.h>

#include <rte_ip.h>

#include "nfv_ipid.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

static const struct {
	enum nfv_ipsec_cipher c;
	enum nfv_ipsec_auth a;
} algs[] = {
	{ NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE },
	{ NFV_IPSEC_AES_GCM_256, NFV_IPSEC_AUTH_NONE },
	{ NFV_IPSEC_CHACHA20_POLY1305, NFV_IPSEC_AUTH_NONE },
	{ NFV_IPSEC_AES_CBC_128, NFV_IPSEC_HMAC_SHA256_128 },
	{ NFV_IPSEC_AES_CBC_256, NFV_IPSEC_HMAC_SHA256_128 },
	{ NFV_IPSEC_AES_CBC_128, NFV_IPSEC_HMAC_SHA384_192 },
	{ NFV_IPSEC_AES_CBC_256, NFV_IPSEC_HMAC_SHA512_256 },
	{ NFV_IPSEC_AES_CCM_128, NFV_IPSEC_AUTH_NONE },
	{ NFV_IPSEC_AES_CCM_256, NFV_IPSEC_AUTH_NONE },
};

static const char *addr(uint8_t family, int which)
{
	static const char *v4[] = { "10.0.0.1", "10.0.1.1", "192.0.2.1", "192.0.2.2" };
	static const char *v6[] = { "2001:db8::1", "2001:db8:1::1", "2001:db8:ff::1",
				    "2001:db8:ff::2" };

	return family == AF_INET ? v4[which] : v6[which];
}

/* One packet out and back in; returns the number of failed checks. */
static unsigned int roundtrip(unsigned int ai, enum nfv_ipsec_mode mode,
			      uint8_t outer, uint8_t inner, bool esn, bool natt,
			      uint16_t payload)
{
	struct nfv_ipsec_sa_conf c;
	unsigned int bad = 0;
	struct test_esp t;
	uint8_t buf[2048];
	struct rte_mbuf *m;
	uint16_t len;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_sa_conf(&c, 1, 0x3000 + ai, NFV_IPSEC_DIR_OUT, mode, algs[ai].c,
		     algs[ai].a, addr(outer, 2), addr(outer, 3));
	c.esn = esn;
	c.natt = natt;
	bad += test_pair_add(&t, &c, NULL, inner);
	if (esn) {
		/* cross the 2^32 boundary on the way */
		esp_sa_get(t.ips, 1)->seq = UINT32_MAX;
		esp_sa_get(t.ips, 2)->replay.top = UINT32_MAX - 5;
	}
	if (mode == NFV_IPSEC_MODE_TRANSPORT)
		len = test_build_udp(buf, inner, addr(outer, 2), addr(outer, 3),
				     1234, 5678, payload);
	else
		len = test_build_udp(buf, inner, addr(inner, 0), addr(inner, 1),
				     1234, 5678, payload);
	for (int i = 0; i < 2; i++) {
		m = test_pkt(buf, len, inner);
		bad += test_run_output(&t, m) != NFV_STOLEN;
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		if (m == NULL)
			return bad + 100;
		bad += nfv_mbuf_meta(m)->family != outer;
		bad += rte_pktmbuf_mtod(m, uint8_t *)[outer == AF_INET ? 9 : 6] !=
			(natt ? ESP_IPPROTO_UDP : ESP_IPPROTO_ESP);
		bad += test_run_input(&t, m) != NFV_STOLEN;
		m = test_take(&t, NFV_INJECT_PRE_ROUTING);
		if (m == NULL) {
			for (unsigned int r = 0; r < NFV_DR_MAX; r++)
				if (test_drops(&t, r))
					printf(" dropped: %s\n", nfv_drop_reason_name(r));
			return bad + 1000;
		}
		bad += m->pkt_len != len;
		bad += memcmp(rte_pktmbuf_mtod(m, uint8_t *), buf, len) != 0;
		bad += nfv_mbuf_meta(m)->family != inner;
		bad += nfv_mbuf_meta(m)->flags != NFV_MBUF_F_SECPATH;
		rte_pktmbuf_free(m);
	}
	test_esp_teardown(&t);
	return bad;
}

static void test_path_matrix(void)
{
	static const uint8_t fam[] = { AF_INET, AF_INET6 };
	static const uint16_t sizes[] = { 0, 1, 13, 100, 1400 };

	for (unsigned int ai = 0; ai < RTE_DIM(algs); ai++)
		for (unsigned int o = 0; o < 2; o++)
			for (unsigned int in = 0; in < 2; in++)
				for (unsigned int k = 0; k < 4; k++) {
					unsigned int b = roundtrip(ai, NFV_IPSEC_MODE_TUNNEL,
						fam[o], fam[in], k & 1, k & 2,
						sizes[(ai + k) % RTE_DIM(sizes)]);

					if (b)
						printf("\n tunnel alg %u %u-in-%u esn %u natt %u: %u\n",
						       ai, fam[in], fam[o], k & 1, k & 2, b);
					CU_ASSERT_EQUAL(b, 0);
					if (o != in)
						continue;
					b = roundtrip(ai, NFV_IPSEC_MODE_TRANSPORT, fam[o],
						      fam[o], k & 1, k & 2,
						      sizes[(ai + k + 1) % RTE_DIM(sizes)]);
					if (b)
						printf("\n transport alg %u fam %u esn %u natt %u: %u\n",
						       ai, fam[o], k & 1, k & 2, b);
					CU_ASSERT_EQUAL(b, 0);
				}
}

static void test_path_spd(void)
{
	struct nfv_ipsec_sp_conf sp;
	struct test_esp t;
	uint8_t buf[256];
	struct rte_mbuf *m;
	uint16_t len;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	memset(&sp, 0, sizeof(sp));
	sp.dir = NFV_IPSEC_DIR_OUT;
	sp.family = AF_INET;
	sp.proto = ESP_IPPROTO_UDP;
	sp.dport_min = 53;
	sp.dport_max = 53;
	sp.action = NFV_IPSEC_DISCARD;
	sp.id = 1;
	sp.priority = 10;
	CU_ASSERT(nfv_ipsec_sp_add(t.ips, &sp) == 0);
	CU_ASSERT(nfv_ipsec_sp_add(t.ips, &sp) == -EEXIST);
	/* a higher priority bypass for one /32 */
	sp.id = 2;
	sp.priority = 5;
	sp.action = NFV_IPSEC_BYPASS;
	sp.dst.addr.family = AF_INET;
	sp.dst.len = 32;
	sp.dst.addr.bytes[0] = 10, sp.dst.addr.bytes[2] = 9, sp.dst.addr.bytes[3] = 9;
	CU_ASSERT(nfv_ipsec_sp_add(t.ips, &sp) == 0);

	len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 999, 53, 4);
	m = test_pkt(buf, len, AF_INET);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_SPD_DISCARD));
	rte_pktmbuf_free(m);
	len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.9.9", 999, 53, 4);
	m = test_pkt(buf, len, AF_INET);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_ACCEPT);	/* the /32 bypass */
	rte_pktmbuf_free(m);
	len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 999, 54, 4);
	m = test_pkt(buf, len, AF_INET);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_ACCEPT);	/* no policy */
	nfv_mbuf_meta(m)->flags |= NFV_MBUF_F_IPSEC_DONE;
	rte_pktmbuf_free(m);
	/* a PROTECT policy whose SA does not exist */
	CU_ASSERT(test_sp_any(&t, 3, NFV_IPSEC_DIR_OUT, AF_INET6, NFV_IPSEC_PROTECT, 7) == 0);
	len = test_build_udp(buf, AF_INET6, "2001:db8::1", "2001:db8::2", 1, 2, 4);
	m = test_pkt(buf, len, AF_INET6);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_NO_SA));
	/* already ESP: skipped */
	nfv_mbuf_meta(m)->flags |= NFV_MBUF_F_IPSEC_DONE;
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_ACCEPT);
	rte_pktmbuf_free(m);
	CU_ASSERT(nfv_ipsec_sp_del(t.ips, NFV_IPSEC_DIR_OUT, 1) == 0);
	CU_ASSERT(nfv_ipsec_sp_del(t.ips, NFV_IPSEC_DIR_OUT, 1) == -ENOENT);
	len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 999, 53, 4);
	m = test_pkt(buf, len, AF_INET);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_ACCEPT);
	rte_pktmbuf_free(m);
	test_esp_teardown(&t);
}

static uint16_t outer_id(struct rte_mbuf *m, uint16_t *frag)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t id = ntohs(ip->packet_id);

	*frag = ntohs(ip->fragment_offset);
	CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);	/* the checksum holds */
	rte_pktmbuf_free(m);
	return id;
}

/*
 * The outer IPv4 ID, as Linux's xfrm4_tunnel_encap_add(): without DF the
 * next of the outer flow's counter (nfv_ipid.h, with the conf's key, zero
 * here, and no jumps), with DF 0.
 */
static void test_path_outer_id(void)
{
	static const struct nfv_siphash_key conf_key;	/* test_esp_setup()'s */
	struct nfv_ipid twin;
	struct test_esp t;
	struct rte_mbuf *m;
	uint16_t a, b, frag, n;
	struct rte_ipv4_hdr *ip;
	rte_be32_t src, dst;
	uint8_t buf[128];

	test_gcm_pair(&t, 0x4242, "192.0.2.1", "192.0.2.2", false);
	a = outer_id(test_esp_sealed(&t), &frag);
	CU_ASSERT_EQUAL(frag, 0);
	b = outer_id(test_esp_sealed(&t), &frag);
	CU_ASSERT_EQUAL(b, (uint16_t)(a + 1));
	inet_pton(AF_INET, "192.0.2.1", &src);
	inet_pton(AF_INET, "192.0.2.2", &dst);
	nfv_ipid_init(&twin, &conf_key, NFV_IPID_ESP, 0, 0);
	CU_ASSERT_EQUAL(a, nfv_ipid_next(&twin, src, dst, IPPROTO_ESP, 0));
	/* an inner packet with DF: an atomic datagram, ID 0 */
	n = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 1000, 2000, 0);
	ip = (struct rte_ipv4_hdr *)buf;
	ip->fragment_offset = htons(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = test_pkt(buf, n, AF_INET);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_FATAL(test_run_output(&t, m) == NFV_STOLEN);
	CU_ASSERT_EQUAL(outer_id(test_take(&t, NFV_INJECT_LOCAL_OUT), &frag), 0);
	CU_ASSERT_EQUAL(frag, RTE_IPV4_HDR_DF_FLAG);
	/* and the counter did not move for it */
	CU_ASSERT_EQUAL(outer_id(test_esp_sealed(&t), &frag), (uint16_t)(b + 1));
	test_esp_teardown(&t);
}

int test_path_register(void)
{
	NFV_TEST_SUITE("esp_path", NULL, NULL,
		{ "round trip: algorithms x modes x families x ESN x NAT-T", test_path_matrix },
		{ "SPD actions and priorities", test_path_spd },
		{ "outer IPv4 ID: the SA's counter, 0 with DF", test_path_outer_id });
	return 0;
}
