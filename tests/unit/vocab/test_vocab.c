/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vocabulary's tables agree with themselves and with the outside:
 * every row has a name that looks up back to it, no two rows share a
 * name (drop reasons included), and the algorithms' sizes are those of the kernel's XFRM
 * (net/xfrm/xfrm_algo.c) and of intel-ipsec-mb. The values that must be
 * the kernel's are _Static_asserts in vocab/ itself.
 */
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <intel-ipsec-mb.h>

#include "nfv_drop.h"
#include "nfv_event.h"
#include "nfv_ipsec_alg.h"
#include "nfv_ipsec_sa.h"
#include "nfv_netfilter.h"
#include "nfv_test.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* No name twice, none empty, in names[0..n-1] (NULL entries skipped). */
static void check_names(const char *const *names, unsigned int n, bool nocase)
{
	for (unsigned int i = 0; i < n; i++) {
		if (names[i] == NULL)
			continue;
		CU_ASSERT(names[i][0] != '\0');
		for (unsigned int j = i + 1; j < n; j++)
			if (names[j] != NULL)
				CU_ASSERT(nocase ? strcasecmp(names[i], names[j]) != 0 :
					  strcmp(names[i], names[j]) != 0);
	}
}

static void test_hooks(void)
{
	char lower[32];

	check_names(nfv_hook_names, NFV_INET_NUMHOOKS, true);
	check_names(nfv_hook_nft_names, NFV_INET_NUMHOOKS, true);
	for (int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		const char *n = nfv_hook_name(h);

		CU_ASSERT_PTR_NOT_NULL_FATAL(nfv_hook_nft_names[h]);
		CU_ASSERT_EQUAL(nfv_hook_from_name(n), h);
		for (size_t i = 0; i <= strlen(n); i++)
			lower[i] = (char)(n[i] | (n[i] >= 'A' && n[i] <= 'Z' ? 0x20 : 0));
		CU_ASSERT_EQUAL(nfv_hook_from_name(lower), h);
		/* nft's names are nfvpnctl's to accept, not the policy's */
		CU_ASSERT_EQUAL(nfv_hook_from_name(nfv_hook_nft_names[h]),
				strcasecmp(n, nfv_hook_nft_names[h]) == 0 ? h : -1);
	}
	CU_ASSERT_STRING_EQUAL(nfv_hook_name(NFV_INET_PRE_ROUTING), "PRE_ROUTING");
	CU_ASSERT_STRING_EQUAL(nfv_hook_nft_names[NFV_INET_LOCAL_OUT], "output");
	CU_ASSERT_STRING_EQUAL(nfv_hook_name(NFV_INET_NUMHOOKS), "?");
	CU_ASSERT_EQUAL(nfv_hook_from_name("INGRESS"), -1);
}

static void test_verdicts(void)
{
	static const struct { int v; const char *name; } rows[] = {
#define ROW(id, value) { value, #id },
		NFV_VERDICTS(ROW)
#undef ROW
	};

	for (unsigned int i = 0; i < DIM(rows); i++) {
		CU_ASSERT_EQUAL(rows[i].v, (int)i);	/* dense, as verdict_names[] */
		CU_ASSERT_STRING_EQUAL(nfv_verdict_name(rows[i].v), rows[i].name);
	}
	CU_ASSERT_STRING_EQUAL(nfv_verdict_name(DIM(rows)), "?");
	CU_ASSERT_EQUAL(NFV_VERDICT(NFV_DROP_REASON(7)), NFV_DROP);
	CU_ASSERT_EQUAL(NFV_VERDICT_ARG(NFV_QUEUE_NR(65535)), 65535);
}

static void test_priorities(void)
{
	char text[] = NFV_IP_PRI_NAMES_TEXT, *tok, *save = NULL;
	unsigned int named = 0, listed = 0;
	int prev = INT_MIN, v;

	for (unsigned int i = 0; i < nfv_ip_priorities_num; i++) {
		const struct nfv_ip_priority *p = &nfv_ip_priorities[i];

		CU_ASSERT(p->value >= prev);	/* the kernel's order */
		prev = p->value;
		if (p->name == NULL)
			continue;
		named++;
		CU_ASSERT_EQUAL(nfv_priority_from_name(p->name, &v), 0);
		CU_ASSERT_EQUAL(v, p->value);
		CU_ASSERT_STRING_EQUAL(nfv_priority_name(p->value), p->name);
	}
	/* the text of the error messages names each named row once */
	for (tok = strtok_r(text, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
		CU_ASSERT_EQUAL(nfv_priority_from_name(tok, &v), 0);
		listed++;
	}
	CU_ASSERT_EQUAL(listed, named);
	CU_ASSERT_STRING_EQUAL(nfv_priority_name(NFV_IP_PRI_CONNTRACK_CONFIRM), "last");
	CU_ASSERT_STRING_EQUAL(nfv_priority_name(NFV_IP_PRI_NAT_DST), "dnat");
	CU_ASSERT_PTR_NULL(nfv_priority_name(NFV_IP_PRI_CONNTRACK_HELPER));
	CU_ASSERT_PTR_NULL(nfv_priority_name(1));
	CU_ASSERT_EQUAL(nfv_priority_from_name("nat", &v), -1);
}

static void test_events(void)
{
	static const struct { unsigned int type; const char *name, *text; } rows[] = {
#define ROW(id, value, name, severity, text) { NFV_EVENT_##id, name, text },
		NFV_EVENTS(ROW)
#undef ROW
	};
	const char *names[DIM(rows)];

	for (unsigned int i = 0; i < DIM(rows); i++) {
		names[i] = rows[i].name;
		CU_ASSERT_STRING_EQUAL(nfv_event_name(rows[i].type), rows[i].name);
		CU_ASSERT_STRING_EQUAL(nfv_event_text(rows[i].type), rows[i].text);
		CU_ASSERT(nfv_event_severity(rows[i].type) >= LOG_EMERG &&
			  nfv_event_severity(rows[i].type) <= LOG_DEBUG);
		for (unsigned int j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(rows[i].type, rows[j].type);
	}
	check_names(names, DIM(rows), false);
	CU_ASSERT_STRING_EQUAL(nfv_event_name(NFV_EVENT_TRACE), "trace");
	CU_ASSERT_EQUAL(nfv_event_severity(NFV_EVENT_SA_HARD), LOG_WARNING);
	CU_ASSERT_STRING_EQUAL(nfv_event_name(0), "unknown");
	CU_ASSERT_STRING_EQUAL(nfv_event_name(1000), "unknown");
	CU_ASSERT_STRING_EQUAL(nfv_event_text(1000), "event");
}

/* The kernel's XFRM algorithms of the same rows (net/xfrm/xfrm_algo.c), in bits. */
static const struct {
	unsigned int id;
	const char *xfrm;
	unsigned int key_bits, salt_bits, iv_bits, icv_bits, align;
} kernel_ciphers[] = {
	/* rfc4106: key || 32-bit salt (RFC 4106 8.1), ivbits 64, ICV 128 */
	{ NFV_IPSEC_AES_GCM_128, "rfc4106(gcm(aes))", 128, 32, 64, 128, 4 },
	{ NFV_IPSEC_AES_GCM_256, "rfc4106(gcm(aes))", 256, 32, 64, 128, 4 },
	{ NFV_IPSEC_CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", 256, 32, 64, 128, 4 },
	/* cbc(aes): blockbits 128, the IV a block; the ICV is the auth's */
	{ NFV_IPSEC_AES_CBC_128, "cbc(aes)", 128, 0, 128, 0, 16 },
	{ NFV_IPSEC_AES_CBC_256, "cbc(aes)", 256, 0, 128, 0, 16 },
	/*
	 * rfc4309: key || 24-bit salt (RFC 4309 7.1, crypto_rfc4309_setkey),
	 * ivbits 64, blocksize 1; of its ICVs (64, 96, 128: SADB_X_EALG_AES_CCM_ICV8/12/16)
	 * the rows take 128, as the GCM rows
	 */
	{ NFV_IPSEC_AES_CCM_128, "rfc4309(ccm(aes))", 128, 24, 64, 128, 4 },
	{ NFV_IPSEC_AES_CCM_256, "rfc4309(ccm(aes))", 256, 24, 64, 128, 4 },
};

static const struct {
	unsigned int id;
	const char *xfrm;
	unsigned int key_bits, icv_bits, block;
} kernel_auths[] = {
	{ NFV_IPSEC_HMAC_SHA256_128, "hmac(sha256)", 256, 128, IMB_SHA_256_BLOCK_SIZE },
	{ NFV_IPSEC_HMAC_SHA384_192, "hmac(sha384)", 384, 192, IMB_SHA_384_BLOCK_SIZE },
	{ NFV_IPSEC_HMAC_SHA512_256, "hmac(sha512)", 512, 256, IMB_SHA_512_BLOCK_SIZE },
};

static void test_ciphers(void)
{
	CU_ASSERT_EQUAL(DIM(kernel_ciphers), NFV_IPSEC_CIPHER_MAX);
	check_names(nfv_ipsec_cipher_names, NFV_IPSEC_CIPHER_MAX, true);
	for (unsigned int i = 0; i < DIM(kernel_ciphers); i++) {
		unsigned int c = kernel_ciphers[i].id;
		const struct nfv_ipsec_cipher_alg *a = &nfv_ipsec_ciphers[c];

		CU_ASSERT_PTR_EQUAL(a->name, nfv_ipsec_cipher_name(c));
		CU_ASSERT_EQUAL(nfv_ipsec_cipher_from_name(a->name), (int)c);
		CU_ASSERT_EQUAL(a->key_len * 8, kernel_ciphers[i].key_bits);
		CU_ASSERT_EQUAL(a->salt_len * 8, kernel_ciphers[i].salt_bits);
		CU_ASSERT_EQUAL(a->iv_len * 8, kernel_ciphers[i].iv_bits);
		CU_ASSERT_EQUAL(a->icv_len * 8, kernel_ciphers[i].icv_bits);
		CU_ASSERT_EQUAL(a->align, kernel_ciphers[i].align);
		CU_ASSERT_EQUAL(a->aead, a->icv_len != 0);
		CU_ASSERT(a->key_len + a->salt_len <= NFV_IPSEC_KEY_MAX);
		/* AES keys as intel-ipsec-mb takes them */
		if (strncmp(a->name, "aes-", 4) == 0)
			CU_ASSERT(a->key_len == IMB_KEY_128_BYTES ||
				  a->key_len == IMB_KEY_256_BYTES);
	}
	CU_ASSERT_EQUAL(nfv_ipsec_ciphers[NFV_IPSEC_AES_CBC_128].iv_len, IMB_AES_BLOCK_SIZE);
	CU_ASSERT_EQUAL(nfv_ipsec_cipher_from_name("AES-GCM-128"), NFV_IPSEC_AES_GCM_128);
	CU_ASSERT_EQUAL(nfv_ipsec_cipher_from_name("AES-CCM-256"), NFV_IPSEC_AES_CCM_256);
	CU_ASSERT_EQUAL(nfv_ipsec_cipher_from_name("aes-ctr-128"), -1);
	CU_ASSERT_STRING_EQUAL(nfv_ipsec_cipher_name(NFV_IPSEC_CIPHER_MAX), "?");
}

static void test_auths(void)
{
	CU_ASSERT_EQUAL(DIM(kernel_auths), NFV_IPSEC_AUTH_MAX - 1);
	check_names(nfv_ipsec_auth_names, NFV_IPSEC_AUTH_MAX, true);
	CU_ASSERT_EQUAL(nfv_ipsec_auths[NFV_IPSEC_AUTH_NONE].key_len, 0);
	CU_ASSERT_EQUAL(nfv_ipsec_auths[NFV_IPSEC_AUTH_NONE].icv_len, 0);
	for (unsigned int i = 0; i < DIM(kernel_auths); i++) {
		unsigned int id = kernel_auths[i].id;
		const struct nfv_ipsec_auth_alg *a = &nfv_ipsec_auths[id];

		CU_ASSERT_EQUAL(nfv_ipsec_auth_from_name(a->name), (int)id);
		CU_ASSERT_EQUAL(a->key_len * 8, kernel_auths[i].key_bits);
		CU_ASSERT_EQUAL(a->icv_len * 8, kernel_auths[i].icv_bits);
		CU_ASSERT_EQUAL(a->block, kernel_auths[i].block);
		CU_ASSERT(a->key_len <= a->block);
	}
	CU_ASSERT_EQUAL(nfv_ipsec_auths[NFV_IPSEC_HMAC_SHA384_192].key_len,
			IMB_SHA384_DIGEST_SIZE_IN_BYTES);
	CU_ASSERT_EQUAL(nfv_ipsec_auth_from_name("hmac-sha256"), -1);
}

static void test_sa_words(void)
{
	static const char *const keys[] = {
#define KEY(field, key) key,
		NFV_IPSEC_SA_STATS(KEY)
#undef KEY
	};

	check_names(nfv_ipsec_dir_names, NFV_IPSEC_DIR_MAX, true);
	check_names(nfv_ipsec_mode_names, NFV_IPSEC_MODE_MAX, true);
	check_names(nfv_ipsec_action_names, NFV_IPSEC_ACTION_MAX, true);
	check_names(nfv_ipsec_sa_state_names, NFV_IPSEC_SA_STATE_MAX, true);
	check_names(keys, DIM(keys), false);
	/* one uint64_t per row, no padding: it travels in nfv_msg_ipsec_sa */
	CU_ASSERT_EQUAL(sizeof(struct nfv_ipsec_sa_stats), DIM(keys) * sizeof(uint64_t));
	CU_ASSERT_STRING_EQUAL(nfv_ipsec_dir_name(NFV_IPSEC_DIR_OUT), "out");
	CU_ASSERT_STRING_EQUAL(nfv_ipsec_sa_state_name(NFV_IPSEC_SA_SOFT), "soft-expired");
	CU_ASSERT_STRING_EQUAL(nfv_ipsec_action_name(NFV_IPSEC_ACTION_MAX), "?");
	CU_ASSERT(NFV_IPSEC_REPLAY_DEFAULT <= NFV_IPSEC_REPLAY_MAX);
}

/*
 * Drop reasons: a name each, looked up back to its row; the names are the
 * counters' ("drop.<name>"), metric labels and telemetry keys, so lower
 * case, digits and '-' only.
 */
static void test_drops(void)
{
	const char *names[NFV_DR_MAX];

	for (unsigned int r = 0; r < NFV_DR_MAX; r++) {
		names[r] = nfv_drop_reason_name(r);
		CU_ASSERT_EQUAL(nfv_drop_reason_by_name(names[r]), (int)r);
		CU_ASSERT_EQUAL(strspn(names[r], "abcdefghijklmnopqrstuvwxyz0123456789-"),
				strlen(names[r]));
	}
	check_names(names, NFV_DR_MAX, false);
	CU_ASSERT_STRING_EQUAL(nfv_drop_reason_name(NFV_DR_NO_ROUTE), "no-route");
	CU_ASSERT_STRING_EQUAL(nfv_drop_reason_name(NFV_DR_MAX), "?");
	CU_ASSERT_EQUAL(nfv_drop_reason_by_name("?"), -1);
	CU_ASSERT_EQUAL(NFV_VERDICT_ARG(NFV_DROP_REASON(NFV_DR_ESP_REPLAY)), NFV_DR_ESP_REPLAY);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("vocab", NULL, NULL,
		{ "hooks", test_hooks },
		{ "verdicts", test_verdicts },
		{ "priorities", test_priorities },
		{ "events", test_events },
		{ "ciphers", test_ciphers },
		{ "auths", test_auths },
		{ "sa_words", test_sa_words },
		{ "drops", test_drops });
	return nfv_test_run();
}
