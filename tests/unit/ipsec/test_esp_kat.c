/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known answers, run through our ESP code: the AES-GCM ESP packets of
 * draft-mcgrew-gcm-test-01 (RFC 4106), the ChaCha20-Poly1305 ESP example
 * of RFC 7634 Appendix A, and AES-CCM (RFC 4309) ESP packets of the same
 * payloads made by OpenSSL (kat_ccm.py), compared byte for byte in both
 * directions.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

struct aead_vec {
	enum nfv_ipsec_cipher cipher;
	const char *key;	/* key || salt */
	uint32_t spi;
	uint64_t seq;
	bool esn;
	const char *iv;
	const char *plain;	/* payload || padding || pad length || next header */
	const char *packet;	/* the ESP packet: SPI .. ICV */
};

/* draft-mcgrew-gcm-test-01, the cases with a non-reserved SPI */
static const struct aead_vec gcm_vecs[] = {
	{ NFV_IPSEC_AES_GCM_128, "4c80cdefbb5d10da906ac73c3613a634 2e443b68",
	  0x4321, UINT64_C(0x8765432100000000), true, "4956ed7e3b244cfe",
	  "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
	  "00000000045f736970045f7564700373697009637962657263697479026"
	  "46b000021000101020201",
	  "00004321000000004956ed7e3b244cfefecf537e729d5b07dc30df528dd22b76"
	  "8d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d"
	  "15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe72"
	  "2fd04796562dfdb4" },
	{ NFV_IPSEC_AES_GCM_128, "feffe9928665731c6d6a8f9467308308 cafebabe",
	  0xa5f8, 0xa, false, "facedbaddecaf888",
	  "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	  "0001000000000000037369700963796265726369747902646b00000100010001",
	  "0000a5f80000000afacedbaddecaf888deb22cd9b07c72c16e3a65beeb8df304"
	  "a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642"
	  "cfbb85a5b47e48a4ec3b9ba95d918bd183b70d3aa8bc6ee4c309e9d85a41ad4a" },
	{ NFV_IPSEC_AES_GCM_256,
	  "abbccddef00112233445566778899aababbccddef00112233445566778899aab 11223344",
	  0x4a2cbfe3, 2, false, "0102030405060708",
	  "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	  "7002400020bf0000020405b40101040201020201",
	  "4a2cbfe3000000020102030405060708ff425c9b724599df7a3bcd510194e00d"
	  "6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99d"
	  "ef842d8eb335f4eecfdbf831824b4c4915956c96" },
	{ NFV_IPSEC_AES_GCM_256,
	  "abbccddef00112233445566778899aababbccddef00112233445566778899aab 73616c74",
	  0x17405e67, UINT64_C(0x156f3126dd0db99b), true, "616e640169766563",
	  "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
	  "50101f646d540001",
	  "17405e67dd0db99b616e640169766563f2d69ecdbd5a0d5b8d5ef38bad4da58d"
	  "1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e451626c2415771e3"
	  "b7eebca614c89b35" },
	{ NFV_IPSEC_AES_GCM_128, "3de09874b388e6491988d0c3607eae1f 57690e43",
	  0x42f67e3f, UINT64_C(0x1010101010101010), true, "4e280000a2fca1a3",
	  "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
	  "42f67e3f101010104e280000a2fca1a3fba2ca845e5df9f0f22c3e6e86dd831e"
	  "1fc65792cd1af9130e1379ed369f071f35e034be95f112e4e7d05d35" },
};

/*
 * RFC 4309 (key || 3-byte salt, ICV 16) over the GCM vectors' payloads,
 * SPIs, sequence numbers and IVs: written by kat_ccm.py with
 * python3-cryptography's AESCCM (OpenSSL); RFC 4309 has no ESP vectors.
 */
static const struct aead_vec ccm_vecs[] = {
	{ NFV_IPSEC_AES_CCM_128, "feffe9928665731c6d6a8f9467308308 cafeba",
	  0xa5f8, UINT64_C(0xa), false, "facedbaddecaf888",
	  "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	  "0001000000000000037369700963796265726369747902646b00000100010001",
	  "0000a5f80000000afacedbaddecaf8884bc2706064d2f3c8e5268adeb87e7d16"
	  "56c7d288ba8d58aff571b63784a7b199515c0da027dee72def25881f1d7711ff"
	  "dbedee5616c55c9b00621f684e7ca09710727e53133b68e43099917909eaff6a" },
	{ NFV_IPSEC_AES_CCM_128, "4c80cdefbb5d10da906ac73c3613a634 2e443b",
	  0x4321, UINT64_C(0x8765432100000000), true, "4956ed7e3b244cfe",
	  "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
	  "00000000045f736970045f756470037369700963796265726369747902646b00"
	  "0021000101020201",
	  "00004321000000004956ed7e3b244cfe89ba3eefe6d6cfdb8360f5ba3a5679e6"
	  "7e0c53cf9e87e04e1a260124c72e3dbf292c91c1b8a8cfe039f8536d31222bbf"
	  "9881fc34ee8536cd26db6c7a0c778a35188554b2bcdd3f4361068adf863fb4ac"
	  "97dcbdfd9210c5ff" },
	{ NFV_IPSEC_AES_CCM_256, "abbccddef00112233445566778899aababbccddef00112233445566778899aab 112233",
	  0x4a2cbfe3, UINT64_C(0x2), false, "0102030405060708",
	  "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	  "7002400020bf0000020405b40101040201020201",
	  "4a2cbfe3000000020102030405060708d6310d2b3d6fbd2f58417eff9a9e09b4"
	  "1af7f64231cdbfad270e2cf2db10df558f0dd7ac23bd4210d0b2afd837ac6b0b"
	  "11d40b12ecb4b19223a610b026d6d9265a486a3e" },
	{ NFV_IPSEC_AES_CCM_256, "abbccddef00112233445566778899aababbccddef00112233445566778899aab 73616c",
	  0x17405e67, UINT64_C(0x156f3126dd0db99b), true, "616e640169766563",
	  "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
	  "50101f646d540001",
	  "17405e67dd0db99b616e640169766563cc74b7d3b03850422c6487461e341005"
	  "296bbb36e969ad9282a1106aeb0fdc7d08baf391caaa61da62f414615c9db5a7"
	  "eed7b97e87999b7d" },
};

static uint8_t buf_a[2048], buf_b[2048], buf_c[2048];


/* An IPv4 header for 192.0.2.1 -> 192.0.2.2 in front of len payload bytes. */
static uint16_t kat_ip4(uint8_t *p, uint8_t proto, const uint8_t *payload,
			uint16_t len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

	memset(ip, 0, 20);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(20 + len);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = RTE_BE32(0xc0000201);
	ip->dst_addr = RTE_BE32(0xc0000202);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(p + 20, payload, len);
	return 20 + len;
}

static void kat_sa(struct test_esp *t, uint32_t id, enum nfv_ipsec_dir dir,
		   enum nfv_ipsec_mode mode, enum nfv_ipsec_cipher c,
		   const char *key, uint32_t spi, bool esn)
{
	struct nfv_ipsec_sa_conf conf;

	test_sa_conf(&conf, id, spi, dir, mode, c, NFV_IPSEC_AUTH_NONE,
		     "192.0.2.1", "192.0.2.2");
	conf.key_len = test_hex(key, conf.key, sizeof(conf.key));
	conf.esn = esn;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &conf) == 0);
}

static void kat_aead(const struct aead_vec *vecs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct aead_vec *v = &vecs[i];
		size_t plen = test_hex(v->plain, buf_a, sizeof(buf_a));
		size_t elen = test_hex(v->packet, buf_b, sizeof(buf_b));
		uint8_t iv[8], nh = buf_a[plen - 1];
		size_t inner = plen - 2 - buf_a[plen - 2];
		struct test_esp t;
		struct esp_op op;
		struct rte_mbuf *m;
		uint16_t len;

		CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
		test_hex(v->iv, iv, 8);
		/* out: transport mode, the vector's payload and next header */
		kat_sa(&t, 1, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TRANSPORT,
		       v->cipher, v->key, v->spi, v->esn);
		len = kat_ip4(buf_c, nh, buf_a, inner);
		m = test_pkt(buf_c, len, AF_INET);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_FATAL(esp_encap_prepare(t.ips, 0, esp_sa_get(t.ips, 1), m,
						  v->seq, rte_get_tsc_cycles(), iv, &op) == 0);
		esp_crypto_run(t.ips->mgr[0], &op, 1);
		CU_ASSERT(op.ok);
		esp_encap_finish(&op);
		CU_ASSERT_EQUAL(m->pkt_len, 20 + elen);
		CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 20), buf_b, elen) == 0);
		CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, uint8_t *)[9], ESP_IPPROTO_ESP);
		CU_ASSERT_EQUAL(rte_ipv4_cksum(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)), 0);
		rte_pktmbuf_free(m);

		/* in: the vector's ESP packet gives the payload back */
		kat_sa(&t, 2, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TRANSPORT,
		       v->cipher, v->key, v->spi, v->esn);
		esp_sa_get(t.ips, 2)->replay.top = v->seq - 1;
		len = kat_ip4(buf_c, ESP_IPPROTO_ESP, buf_b, elen);
		m = test_pkt(buf_c, len, AF_INET);
		CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
		m = test_take(&t, NFV_INJECT_PRE_ROUTING);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->pkt_len, 20 + inner);
		CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, uint8_t *)[9], nh);
		CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 20), buf_a, inner) == 0);
		CU_ASSERT(nfv_mbuf_meta(m)->flags & NFV_MBUF_F_SECPATH);
		rte_pktmbuf_free(m);
		test_esp_teardown(&t);
	}
}

static void test_kat_gcm(void)
{
	kat_aead(gcm_vecs, RTE_DIM(gcm_vecs));
}

static void test_kat_ccm(void)
{
	kat_aead(ccm_vecs, RTE_DIM(ccm_vecs));
}

/* RFC 7634 Appendix A: tunnel mode, IPv4 inner, seq 5 */
static const char chacha_key[] =
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f a0a1a2a3";
static const char chacha_inner[] =
	"45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
	"00073627 08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
	"2425262728292a2b2c2d2e2f3031323334353637";
static const char chacha_esp[] =
	"01020304 00000005 1011121314151617"
	"24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
	"14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3"
	"cbec163fac469b502773f6fb94e664da9165b82829f641e0"
	"76aaa8266b7fb0f7b11b369907e1ad43";

static void test_kat_chacha(void)
{
	size_t ilen = test_hex(chacha_inner, buf_a, sizeof(buf_a));
	size_t elen = test_hex(chacha_esp, buf_b, sizeof(buf_b));
	uint8_t iv[8];
	struct test_esp t;
	struct esp_op op;
	struct rte_mbuf *m;
	uint16_t len;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_hex("1011121314151617", iv, 8);
	kat_sa(&t, 1, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
	       NFV_IPSEC_CHACHA20_POLY1305, chacha_key, 0x01020304, false);
	m = test_pkt(buf_a, ilen, AF_INET);
	CU_ASSERT_FATAL(esp_encap_prepare(t.ips, 0, esp_sa_get(t.ips, 1), m, 5,
					  rte_get_tsc_cycles(), iv, &op) == 0);
	esp_crypto_run(t.ips->mgr[0], &op, 1);
	CU_ASSERT(op.ok);
	esp_encap_finish(&op);
	CU_ASSERT_EQUAL(m->pkt_len, 20 + elen);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 20), buf_b, elen) == 0);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->flags,
			NFV_MBUF_F_LOCAL_OUT | NFV_MBUF_F_IPSEC_DONE);
	rte_pktmbuf_free(m);

	kat_sa(&t, 2, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
	       NFV_IPSEC_CHACHA20_POLY1305, chacha_key, 0x01020304, false);
	CU_ASSERT(test_sp_any(&t, 1, NFV_IPSEC_DIR_IN, AF_INET, NFV_IPSEC_PROTECT, 2) == 0);
	len = kat_ip4(buf_c, ESP_IPPROTO_ESP, buf_b, elen);
	m = test_pkt(buf_c, len, AF_INET);
	CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
	m = test_take(&t, NFV_INJECT_PRE_ROUTING);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(m->pkt_len, ilen);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, uint8_t *), buf_a, ilen) == 0);
	rte_pktmbuf_free(m);
	test_esp_teardown(&t);
}

int test_kat_register(void)
{
	NFV_TEST_SUITE("esp_kat", NULL, NULL,
		{ "AES-GCM ESP packets (draft-mcgrew-gcm-test)", test_kat_gcm },
		{ "AES-CCM ESP packets (RFC 4309, OpenSSL)", test_kat_ccm },
		{ "ChaCha20-Poly1305 ESP (RFC 7634 A)", test_kat_chacha });
	return 0;
}
