/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known answers for the algorithms that RFCs give no ESP packet for: the
 * AES-CBC vectors of RFC 3602 / SP 800-38A and the truncated HMAC-SHA-2
 * vectors of RFC 4868, through our SA key set-up (AES key expansion, HMAC
 * inner/outer digests) and our crypto batch. The full ESP packets of these
 * algorithms are checked against scapy (tests/interop/esp).
 */
#include <string.h>

#include "nfv_test.h"
#include "test_esp.h"

static uint8_t buf_a[2048], buf_b[2048];

/* One op of our crypto batch on a flat buffer, with the SA's keys. */
static int kat_op(struct test_esp *t, uint32_t id, bool enc, uint8_t *buf,
		  uint32_t hash_len, uint8_t *src, uint32_t len, const uint8_t *iv,
		  uint8_t *icv)
{
	struct esp_op op;

	memset(&op, 0, sizeof(op));
	op.sa = esp_sa_get(t->ips, id);
	op.encrypt = enc;
	op.hash = buf;
	op.hash_len = hash_len;
	op.src = src;
	op.len = len;
	op.iv = iv;
	op.icv = icv;
	esp_crypto_run(t->ips->mgr[0], &op, 1);
	return op.ok;
}

static void kat_cbc_sa(struct test_esp *t, uint32_t id, enum nfv_ipsec_cipher c,
		       const char *key, enum nfv_ipsec_auth a, const char *akey)
{
	struct nfv_ipsec_sa_conf conf;

	test_sa_conf(&conf, id, 0x1000 + id, NFV_IPSEC_DIR_OUT,
		     NFV_IPSEC_MODE_TUNNEL, c, a, "192.0.2.1", "192.0.2.2");
	conf.key_len = test_hex(key, conf.key, sizeof(conf.key));
	if (akey != NULL)
		conf.auth_key_len = test_hex(akey, conf.auth_key, sizeof(conf.auth_key));
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &conf) == 0);
}

static const struct {
	enum nfv_ipsec_cipher cipher;
	const char *key, *iv, *plain, *cipher_text;
} cbc_vecs[] = {
	/* RFC 3602 case 2 and case 4 */
	{ NFV_IPSEC_AES_CBC_128, "c286696d887c9aa0611bbb3e2025a45a",
	  "562e17996d093d28ddb3ba695a2e6f58",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	{ NFV_IPSEC_AES_CBC_128, "56e47a38c5598974bc46903dba290349",
	  "8ce82eefbea0da3c44699ed7db51b7d9",
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
	  "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
	  "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55" },
	/* SP 800-38A F.2.5, CBC-AES256 */
	{ NFV_IPSEC_AES_CBC_256,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b" },
};

static void test_kat_cbc(void)
{
	for (unsigned int i = 0; i < RTE_DIM(cbc_vecs); i++) {
		uint8_t iv[16], ct[64], icv[ESP_ICV_MAX];
		struct test_esp t;
		size_t len;

		CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
		kat_cbc_sa(&t, 1, cbc_vecs[i].cipher, cbc_vecs[i].key,
			   NFV_IPSEC_HMAC_SHA256_128, NULL);
		test_hex(cbc_vecs[i].iv, iv, 16);
		len = test_hex(cbc_vecs[i].plain, buf_a, sizeof(buf_a));
		test_hex(cbc_vecs[i].cipher_text, ct, sizeof(ct));
		/* the HMAC half covers the same bytes: not checked here */
		CU_ASSERT(kat_op(&t, 1, true, buf_a, len, buf_a, len, iv, icv));
		CU_ASSERT(memcmp(buf_a, ct, len) == 0);
		kat_op(&t, 1, false, buf_a, len, buf_a, len, iv, icv);
		test_hex(cbc_vecs[i].plain, buf_b, sizeof(buf_b));
		CU_ASSERT(memcmp(buf_a, buf_b, len) == 0);
		test_esp_teardown(&t);
	}
}

/* RFC 4868 2.7.2: AUTH256/384/512 test cases 1-3, truncated ICVs. */
static const struct {
	enum nfv_ipsec_auth auth;
	const char *key, *data, *icv;
} hmac_vecs[] = {
	{ NFV_IPSEC_HMAC_SHA256_128,
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265", "198a607eb44bfbc69903a0f1cf2bbdc5" },
	{ NFV_IPSEC_HMAC_SHA256_128,
	  "4a6566654a6566654a6566654a6566654a6566654a6566654a6566654a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "167f928588c5cc2eef8e3093caa0e87c" },
	{ NFV_IPSEC_HMAC_SHA384_192,
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265", "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973" },
	{ NFV_IPSEC_HMAC_SHA384_192,
	  "4a6566654a6566654a6566654a6566654a6566654a6566654a6566654a656665"
	  "4a6566654a6566654a6566654a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "2c7353974f1842fd66d53c452ca42122b28c0b594cfb184d" },
	{ NFV_IPSEC_HMAC_SHA512_256,
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8" },
	{ NFV_IPSEC_HMAC_SHA512_256,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "2ee7acd783624ca9398710f3ee05ae41b9f9b0510c87e49e586cc9bf961733d8" },
};

static void test_kat_hmac(void)
{
	static const uint8_t zero_iv[16];

	for (unsigned int i = 0; i < RTE_DIM(hmac_vecs); i++) {
		uint8_t icv[ESP_ICV_MAX], want[ESP_ICV_MAX];
		struct test_esp t;
		size_t len, ilen;

		CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
		kat_cbc_sa(&t, 1, NFV_IPSEC_AES_CBC_128,
			   "000102030405060708090a0b0c0d0e0f", hmac_vecs[i].auth,
			   hmac_vecs[i].key);
		/* the data, then one block for the cipher half of the job */
		len = test_hex(hmac_vecs[i].data, buf_a, sizeof(buf_a));
		memset(buf_a + len, 0, 16);
		ilen = test_hex(hmac_vecs[i].icv, want, sizeof(want));
		CU_ASSERT_EQUAL(ilen, esp_sa_get(t.ips, 1)->icv_len);
		CU_ASSERT(kat_op(&t, 1, true, buf_a, len, buf_a + len, 16, zero_iv, icv));
		CU_ASSERT(memcmp(icv, want, ilen) == 0);
		test_esp_teardown(&t);
	}
}

int test_kat_alg_register(void)
{
	NFV_TEST_SUITE("esp_kat_alg", NULL, NULL,
		{ "AES-CBC (RFC 3602, SP 800-38A)", test_kat_cbc },
		{ "HMAC-SHA-2 truncated (RFC 4868)", test_kat_hmac });
	return 0;
}
