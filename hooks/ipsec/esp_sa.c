/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA creation: checks the configuration, expands the keys once (AES round
 * keys, the GCM hash key tables, the HMAC inner and outer states), and
 * frees with the keys wiped.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "esp.h"

/*
 * Every algorithm's row (config/vocab/nfv_ipsec_alg.h) fits struct esp_sa
 * and what its mode's key set-up and crypto take: AES keys of 128, 192 or
 * 256 bits (CCM: 128 or 256, intel-ipsec-mb has no AES-192 CCM job and
 * fails it at run time), a 256-bit ChaCha20 key; an AEAD's IV is the
 * 64-bit sequence number (esp_encap.c) and its nonce salt || IV.
 */
#define ESP_CIPHER_FITS(id, name, mode, hash, key, slen, iv, icv, align, aead)	\
	_Static_assert((slen) <= sizeof(((struct esp_sa *)0)->salt), #id ": salt");	\
	_Static_assert((iv) <= ESP_IV_MAX && (icv) <= ESP_ICV_MAX, #id ": IV or ICV");	\
	_Static_assert(!(aead) || ((iv) == 8 &&						\
		       (slen) + (iv) <= sizeof(((struct esp_op *)0)->nonce)),		\
		       #id ": AEAD IV or nonce");					\
	_Static_assert(ESP_MODE_##mode == ESP_MODE_CHACHA20_POLY1305 ? (key) == 32 :	\
		       ESP_MODE_##mode == ESP_MODE_CCM ? (key) == 16 || (key) == 32 :	\
		       (key) == 16 || (key) == 24 || (key) == 32, #id ": key length");
NFV_IPSEC_CIPHERS(ESP_CIPHER_FITS)
#undef ESP_CIPHER_FITS

#define ESP_HMAC_BLOCK_MAX 128	/* SHA-384, SHA-512 */
/* and the HMAC key fits the block: esp_hmac_precompute does not hash it */
#define ESP_AUTH_FITS(id, name, hash, key, icv, block)			\
	_Static_assert((icv) <= ESP_ICV_MAX && (key) <= (block) &&		\
		       (block) <= ESP_HMAC_BLOCK_MAX, #id ": ICV, key or block");
NFV_IPSEC_AUTHS(ESP_AUTH_FITS)
#undef ESP_AUTH_FITS

static int esp_hmac_precompute(IMB_MGR *mgr, struct esp_sa *sa,
			       const uint8_t *key, uint8_t len)
{
	uint8_t block[ESP_HMAC_BLOCK_MAX];
	uint8_t bs = nfv_ipsec_auths[sa->auth].block;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		uint8_t *out = i == 0 ? sa->keys.ipad : sa->keys.opad;

		memset(block, i == 0 ? 0x36 : 0x5c, bs);
		for (unsigned int j = 0; j < len; j++)
			block[j] ^= key[j];
		switch (sa->auth) {
		case NFV_IPSEC_HMAC_SHA256_128:
			IMB_SHA256_ONE_BLOCK(mgr, block, out);
			break;
		case NFV_IPSEC_HMAC_SHA384_192:
			IMB_SHA384_ONE_BLOCK(mgr, block, out);
			break;
		default:
			IMB_SHA512_ONE_BLOCK(mgr, block, out);
			break;
		}
	}
	explicit_bzero(block, sizeof(block));
	return 0;
}

/*
 * The key schedule of the SA's mode; the key length (the row's, checked
 * above) picks the AES variant.
 */
static void esp_sa_keys(IMB_MGR *mgr, struct esp_sa *sa, const uint8_t *key)
{
	struct esp_keys *k = &sa->keys;

	switch ((enum esp_mode)sa->mode) {
	case ESP_MODE_GCM:
		if (sa->key_len == IMB_KEY_128_BYTES)
			IMB_AES128_GCM_PRE(mgr, key, &k->gcm);
		else if (sa->key_len == IMB_KEY_192_BYTES)
			IMB_AES192_GCM_PRE(mgr, key, &k->gcm);
		else
			IMB_AES256_GCM_PRE(mgr, key, &k->gcm);
		break;
	case ESP_MODE_CCM:	/* CTR and CBC-MAC: the encryption schedule */
	case ESP_MODE_CBC:
		if (sa->key_len == IMB_KEY_128_BYTES)
			IMB_AES_KEYEXP_128(mgr, key, k->aes_enc, k->aes_dec);
		else if (sa->key_len == IMB_KEY_192_BYTES)
			IMB_AES_KEYEXP_192(mgr, key, k->aes_enc, k->aes_dec);
		else
			IMB_AES_KEYEXP_256(mgr, key, k->aes_enc, k->aes_dec);
		break;
	case ESP_MODE_CHACHA20_POLY1305:
		memcpy(k->chacha, key, 32);
		break;
	}
}

static int esp_sa_check(const struct nfv_ipsec *ips,
			const struct nfv_ipsec_sa_conf *c)
{
	const struct nfv_ipsec_cipher_alg *a;

	if (c->id >= ips->max_sa || c->cipher >= NFV_IPSEC_CIPHER_MAX ||
	    c->auth >= NFV_IPSEC_AUTH_MAX || c->dir >= NFV_IPSEC_DIR_MAX ||
	    c->mode >= NFV_IPSEC_MODE_MAX)
		return -EINVAL;
	if (c->dst.family != AF_INET && c->dst.family != AF_INET6)
		return -EAFNOSUPPORT;
	if (c->mode == NFV_IPSEC_MODE_TUNNEL && c->src.family != c->dst.family)
		return -EINVAL;
	a = &nfv_ipsec_ciphers[c->cipher];
	if (c->key_len != a->key_len + a->salt_len)
		return -EINVAL;
	if (a->aead != (c->auth == NFV_IPSEC_AUTH_NONE))
		return -EINVAL;
	if (!a->aead && c->auth_key_len != nfv_ipsec_auths[c->auth].key_len)
		return -EINVAL;
	if (c->replay_window > NFV_IPSEC_REPLAY_MAX)
		return -ERANGE;
	if (c->no_replay && c->esn)	/* ESN infers the high bits from the window */
		return -EINVAL;
	if (c->spi < 256)	/* RFC 4303 2.1: 1-255 are reserved */
		return -EINVAL;
	return 0;
}

static uint64_t esp_deadline(uint64_t now, uint64_t seconds)
{
	if (seconds == 0)
		return UINT64_MAX;
	return now + seconds * rte_get_tsc_hz();
}

int esp_sa_create(struct nfv_ipsec *ips, const struct nfv_ipsec_sa_conf *c,
		  struct esp_sa **out)
{
	const struct nfv_ipsec_cipher_alg *a;
	uint32_t window;
	struct esp_sa *sa;
	uint64_t now;
	int rc;

	rc = esp_sa_check(ips, c);
	if (rc < 0)
		return rc;
	a = &nfv_ipsec_ciphers[c->cipher];
	window = c->replay_window ? c->replay_window : NFV_IPSEC_REPLAY_DEFAULT;
	sa = rte_zmalloc("esp_sa", sizeof(*sa) - sizeof(sa->replay) +
			 esp_replay_bytes(window), RTE_CACHE_LINE_SIZE);
	if (sa == NULL)
		return -ENOMEM;

	sa->id = c->id;
	sa->spi = c->spi;
	sa->reqid = c->reqid;
	sa->family = c->dst.family;
	sa->cipher = c->cipher;
	sa->mode = esp_cipher_mode[c->cipher];
	sa->auth = c->auth;
	sa->iv_len = a->iv_len;
	sa->align = a->align;
	sa->key_len = a->key_len;
	sa->icv_len = a->aead ? a->icv_len : nfv_ipsec_auths[c->auth].icv_len;
	sa->flags = (c->esn ? ESP_SA_ESN : 0) |
		(c->mode == NFV_IPSEC_MODE_TUNNEL ? ESP_SA_TUNNEL : 0) |
		(a->aead ? ESP_SA_AEAD : 0) |
		(c->dir == NFV_IPSEC_DIR_OUT ? ESP_SA_OUT : 0) |
		(c->no_replay ? ESP_SA_NO_REPLAY : 0);
	sa->mtu = c->dir == NFV_IPSEC_DIR_OUT ? c->mtu : 0;
	esp_sa_outer_set(ips, &sa->outer_slot[0], &c->src, &c->dst, c->natt, c->natt_sport,
			 c->natt_dport);
	sa->outer = &sa->outer_slot[0];
	sa->soft = c->soft;
	sa->hard = c->hard;
	now = rte_get_tsc_cycles();
	sa->soft_tsc = esp_deadline(now, c->soft.seconds);
	sa->hard_tsc = esp_deadline(now, c->hard.seconds);
	sa->first_tsc = RTE_MIN(sa->soft_tsc, sa->hard_tsc);
	if (c->soft.packets | c->soft.bytes | c->hard.packets | c->hard.bytes)
		sa->flags |= ESP_SA_COUNT_LIMITS;
	sa->seq = 1;
	esp_replay_init(&sa->replay, window);
	if (getrandom(&sa->iv_nonce, sizeof(sa->iv_nonce), 0) != sizeof(sa->iv_nonce)) {
		rc = -EIO;
		goto err_free;
	}

	esp_sa_keys(ips->ctl_mgr, sa, c->key);
	sa->salt_len = a->salt_len;
	if (a->salt_len)
		memcpy(sa->salt, c->key + a->key_len, a->salt_len);
	if (!a->aead)
		esp_hmac_precompute(ips->ctl_mgr, sa, c->auth_key, c->auth_key_len);
	*out = sa;
	return 0;

err_free:
	rte_free(sa);
	return rc;
}

void esp_sa_outer_set(const struct nfv_ipsec *ips, struct esp_sa_outer *o,
		      const struct nfv_addr *src, const struct nfv_addr *dst, bool natt,
		      uint16_t sport, uint16_t dport)
{
	rte_be32_t s4, d4;

	o->natt = natt;
	memcpy(o->src, src->bytes, sizeof(o->src));
	memcpy(o->dst, dst->bytes, sizeof(o->dst));
	o->natt_sport = rte_cpu_to_be_16(sport ? sport : ESP_NATT_PORT);
	o->natt_dport = rte_cpu_to_be_16(dport ? dport : ESP_NATT_PORT);
	/* an IPv4 outer header's flow is fixed: its counter is looked up once */
	memcpy(&s4, o->src, sizeof(s4));
	memcpy(&d4, o->dst, sizeof(d4));
	o->ipid_bucket = src->family != AF_INET ? 0 :
		nfv_ipid_bucket(&ips->id_key, s4, d4, natt ? ESP_IPPROTO_UDP : ESP_IPPROTO_ESP);
}

/* Only after a grace period: no worker can still hold sa. */
void esp_sa_free(struct esp_sa *sa)
{
	if (sa == NULL)
		return;
	explicit_bzero(&sa->keys, sizeof(sa->keys));
	explicit_bzero(sa->salt, sizeof(sa->salt));
	explicit_bzero(&sa->iv_nonce, sizeof(sa->iv_nonce));
	rte_free(sa);
}
