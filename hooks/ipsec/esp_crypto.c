/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One crypto batch: the ops of a burst, of any SAs, go through one
 * intel-ipsec-mb manager (one per worker). AES-GCM runs through the direct
 * GCM calls, which measured faster than the job API for small packets on
 * this machine; AES-CCM, ChaCha20-Poly1305 and AES-CBC + HMAC are submitted
 * as jobs and flushed once, so the multi-buffer lanes fill across SAs. Every op
 * leaves with ok set or cleared; nothing is allocated.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "esp.h"

IMB_MGR *esp_crypto_mgr_alloc(void)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (mgr == NULL)
		return NULL;
	init_mb_mgr_auto(mgr, NULL);
	if (imb_get_errno(mgr) != 0) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

void esp_crypto_mgr_free(IMB_MGR *mgr)
{
	if (mgr != NULL)
		free_mb_mgr(mgr);
}

/* RFC 4106 4, RFC 4309 4, RFC 7634 2: salt || the packet's IV. */
void esp_crypto_aead_nonce(struct esp_op *op, const uint8_t *iv8)
{
	const struct esp_sa *sa = op->sa;

	memcpy(op->nonce, sa->salt, sizeof(sa->salt));	/* salt_len of them count */
	memcpy(op->nonce + sa->salt_len, iv8, 8);
}

/* RFC 4106 5 / RFC 4309 5 / RFC 7634 2.1: SPI || [seq high] || seq low. */
void esp_crypto_aad(struct esp_op *op, uint32_t spi_be, uint64_t seq, bool esn)
{
	uint32_t hi = rte_cpu_to_be_32((uint32_t)(seq >> 32));
	uint32_t lo = rte_cpu_to_be_32((uint32_t)seq);

	memcpy(op->aad, &spi_be, 4);
	if (esn) {
		memcpy(op->aad + 4, &hi, 4);
		memcpy(op->aad + 8, &lo, 4);
		op->aad_len = 12;
	} else {
		memcpy(op->aad + 4, &lo, 4);
		op->aad_len = 8;
	}
}

/* Constant time: the ICV check must not tell how many bytes matched. */
static int esp_icv_equal(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	uint64_t d = 0, x, y;
	unsigned int i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d |= x ^ y;
	}
	for (; i < len; i++)	/* an ICV of 12 bytes (RFC 4106, 4309) */
		d |= a[i] ^ b[i];
	return d == 0;
}

static void esp_op_done(struct esp_op *op, bool completed)
{
	struct esp_sa *sa = op->sa;

	op->ok = 0;
	op->failed = !completed;
	if (!completed)
		return;
	if (op->encrypt) {
		memcpy(op->icv, op->tag, sa->icv_len);
		op->ok = 1;
	} else {
		const uint8_t *rx = op->icv_saved ? op->icv_save : op->icv;

		op->ok = esp_icv_equal(rx, op->tag, sa->icv_len);
	}
}

/*
 * Encryption writes the tag straight into the packet: nothing to copy.
 * The key length picks intel-ipsec-mb's call, so every AES-GCM row is only
 * its row.
 */
#define ESP_GCM_CALL(bits, mgr, sa, ctx, op)					\
	((op)->encrypt ?							\
	 IMB_AES##bits##_GCM_ENC(mgr, &(sa)->keys.gcm, ctx, (op)->src, (op)->src,	\
				 (op)->len, (op)->nonce, (op)->aad, (op)->aad_len,	\
				 (op)->icv, (sa)->icv_len) :			\
	 IMB_AES##bits##_GCM_DEC(mgr, &(sa)->keys.gcm, ctx, (op)->src, (op)->src,	\
				 (op)->len, (op)->nonce, (op)->aad, (op)->aad_len,	\
				 (op)->tag, (sa)->icv_len))

static void esp_gcm_one(IMB_MGR *mgr, struct esp_op *op)
{
	const struct esp_sa *sa = op->sa;
	struct gcm_context_data ctx;

	switch (sa->key_len) {
	case IMB_KEY_128_BYTES:
		ESP_GCM_CALL(128, mgr, sa, &ctx, op);
		break;
	case IMB_KEY_192_BYTES:
		ESP_GCM_CALL(192, mgr, sa, &ctx, op);
		break;
	default:	/* IMB_KEY_256_BYTES: esp_sa.c allows no other */
		ESP_GCM_CALL(256, mgr, sa, &ctx, op);
		break;
	}
	if (op->encrypt) {
		op->ok = 1;
		op->failed = 0;
		return;
	}
	esp_op_done(op, true);
}

/*
 * intel-ipsec-mb's ids, from the algorithms' rows (config/vocab/nfv_ipsec_alg.h).
 * Pasted with ##: intel-ipsec-mb.h defines GCM, CBC and others as macros.
 */
static const struct {
	IMB_CIPHER_MODE mode;
	IMB_HASH_ALG hash;	/* an AEAD's; IMB_AUTH_NULL: the auth row's */
} esp_imb_cipher[] = {
#define ESP_IMB_CIPHER(id, name, mode, hash, ...)			\
	[NFV_IPSEC_##id] = { IMB_CIPHER_##mode, IMB_AUTH_##hash },
	NFV_IPSEC_CIPHERS(ESP_IMB_CIPHER)
#undef ESP_IMB_CIPHER
};

/* A row whose mode this module does not run has no ESP_MODE_<mode>: an error here. */
const uint8_t esp_cipher_mode[NFV_IPSEC_CIPHER_MAX] = {
#define ESP_CIPHER_MODE(id, name, mode, ...) [NFV_IPSEC_##id] = ESP_MODE_##mode,
	NFV_IPSEC_CIPHERS(ESP_CIPHER_MODE)
#undef ESP_CIPHER_MODE
};

static const IMB_HASH_ALG esp_imb_auth[] = {
#define ESP_IMB_AUTH(id, name, hash, ...) [NFV_IPSEC_##id] = IMB_AUTH_##hash,
	NFV_IPSEC_AUTHS(ESP_IMB_AUTH)
#undef ESP_IMB_AUTH
};

static void esp_job_fill(IMB_JOB *job, struct esp_op *op)
{
	const struct esp_sa *sa = op->sa;

	job->src = op->src;
	job->dst = op->src;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = op->len;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = op->len;
	job->cipher_direction = op->encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = op->encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->auth_tag_output = op->tag;
	job->auth_tag_output_len_in_bytes = sa->icv_len;
	job->user_data = op;
	job->cipher_mode = esp_imb_cipher[sa->cipher].mode;
	job->hash_alg = sa->flags & ESP_SA_AEAD ? esp_imb_cipher[sa->cipher].hash :
		esp_imb_auth[sa->auth];
	job->key_len_in_bytes = sa->key_len;
	/* AEADs: nonce = salt || IV */
	job->iv = op->nonce;
	job->iv_len_in_bytes = sa->salt_len + sa->iv_len;
	switch ((enum esp_mode)sa->mode) {
	case ESP_MODE_CHACHA20_POLY1305:
		job->enc_keys = sa->keys.chacha;
		job->dec_keys = sa->keys.chacha;
		job->u.CHACHA20_POLY1305.aad = op->aad;
		job->u.CHACHA20_POLY1305.aad_len_in_bytes = op->aad_len;
		break;
	case ESP_MODE_CCM:
		/* the CBC-MAC is over the plaintext: first out, last in */
		job->chain_order = op->encrypt ? IMB_ORDER_HASH_CIPHER :
			IMB_ORDER_CIPHER_HASH;
		job->enc_keys = sa->keys.aes_enc;
		job->dec_keys = sa->keys.aes_enc;
		job->u.CCM.aad = op->aad;
		job->u.CCM.aad_len_in_bytes = op->aad_len;
		break;
	case ESP_MODE_CBC:
		job->enc_keys = sa->keys.aes_enc;
		job->dec_keys = sa->keys.aes_dec;
		job->iv = op->iv;
		job->iv_len_in_bytes = 16;
		/* the hash may start before the cipher: offsets are from src */
		job->src = op->hash;
		job->cipher_start_src_offset_in_bytes = op->src - op->hash;
		job->msg_len_to_hash_in_bytes = op->hash_len;
		job->u.HMAC._hashed_auth_key_xor_ipad = sa->keys.ipad;
		job->u.HMAC._hashed_auth_key_xor_opad = sa->keys.opad;
		break;
	case ESP_MODE_GCM:	/* direct calls, never a job */
		break;
	}
}

static void esp_job_reap(IMB_JOB *job)
{
	esp_op_done(job->user_data, job->status == IMB_STATUS_COMPLETED);
}

void esp_crypto_run(IMB_MGR *mgr, struct esp_op *ops, unsigned int n)
{
	unsigned int i, jobs = 0;
	IMB_JOB *job;

	for (i = 0; i < n; i++) {
		struct esp_op *op = &ops[i];

		if (op->sa->mode == ESP_MODE_GCM) {
			esp_gcm_one(mgr, op);
			continue;
		}
		job = IMB_GET_NEXT_JOB(mgr);
		esp_job_fill(job, op);
		jobs++;
		job = IMB_SUBMIT_JOB(mgr);
		while (job != NULL) {
			esp_job_reap(job);
			jobs--;
			job = IMB_GET_COMPLETED_JOB(mgr);
		}
	}
	while (jobs > 0 && (job = IMB_FLUSH_JOB(mgr)) != NULL) {
		do {
			esp_job_reap(job);
			jobs--;
			job = IMB_GET_COMPLETED_JOB(mgr);
		} while (job != NULL);
	}
}
