/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ceiling of the crypto: intel-ipsec-mb's fastest AES-128-GCM path on
 * one core, as the ESP stage would use it. One-shot IMB_AES128_GCM_ENC /
 * _DEC in place on bursts of 32 buffers, 12-byte IV, 8-byte AAD, 16-byte
 * tag; each buffer is what ESP encrypts for an inner packet of the size
 * (the packet, padding to 4 bytes, pad length and next header). Before
 * timing, every size is checked against the job API (a different code
 * path of the library) and decrypted back.
 *
 *   esp_raw SECONDS SIZE [enc|dec]   SIZE: bytes, or "imix" (7x64, 4x576, 1x1500)
 * prints "raw enc|dec SIZE MPPS" lines (both directions without enc|dec).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>

#define BURST 32

static const uint32_t imix[12] = { 64, 576, 64, 64, 1500, 64, 576, 64, 64, 576, 64, 576 };

static uint32_t esp_len(uint32_t inner)
{
	return (inner + 2 + 3) & ~3u;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One buffer through the job API: the reference for the one-shot call. */
static void job_enc(IMB_MGR *mgr, const struct gcm_key_data *k, const uint8_t *in,
		    uint8_t *out, uint32_t len, const uint8_t *iv, const uint8_t *aad,
		    uint8_t *tag)
{
	IMB_JOB *job = IMB_GET_NEXT_JOB(mgr);

	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->cipher_mode = IMB_CIPHER_GCM;
	job->hash_alg = IMB_AUTH_AES_GMAC;
	job->enc_keys = k;
	job->dec_keys = k;
	job->key_len_in_bytes = IMB_KEY_128_BYTES;
	job->src = in;
	job->dst = out;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = len;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = len;
	job->iv = iv;
	job->iv_len_in_bytes = 12;
	job->u.GCM.aad = aad;
	job->u.GCM.aad_len_in_bytes = 8;
	job->auth_tag_output = tag;
	job->auth_tag_output_len_in_bytes = 16;
	job = IMB_SUBMIT_JOB(mgr);
	while (job == NULL)
		job = IMB_FLUSH_JOB(mgr);
	if (job->status != IMB_STATUS_COMPLETED) {
		fprintf(stderr, "esp_raw: job failed\n");
		exit(1);
	}
}

static int check(IMB_MGR *mgr, const struct gcm_key_data *k, uint32_t len)
{
	uint8_t *pt = malloc(len), *a = malloc(len), *b = malloc(len);
	uint8_t iv[12] = { 0xca, 0xfe, 0xba, 0xbe, 1 }, aad[8] = { 0, 0, 0x10, 1, 0, 0, 0, 7 };
	uint8_t t1[16], t2[16];
	struct gcm_context_data ctx;
	int ok;

	for (uint32_t i = 0; i < len; i++)
		pt[i] = (uint8_t)(i * 7 + 1);
	memcpy(a, pt, len);
	IMB_AES128_GCM_ENC(mgr, k, &ctx, a, a, len, iv, aad, 8, t1, 16);
	job_enc(mgr, k, pt, b, len, iv, aad, t2);
	ok = memcmp(a, b, len) == 0 && memcmp(t1, t2, 16) == 0;
	IMB_AES128_GCM_DEC(mgr, k, &ctx, a, a, len, iv, aad, 8, t2, 16);
	ok = ok && memcmp(a, pt, len) == 0 && memcmp(t1, t2, 16) == 0;
	free(pt);
	free(a);
	free(b);
	return ok ? 0 : -1;
}

static double run(IMB_MGR *mgr, const struct gcm_key_data *k, const uint32_t *lens,
		  uint8_t **buf, int enc, double secs)
{
	uint8_t iv[BURST][12], aad[8] = { 0 }, tag[BURST][16];
	struct gcm_context_data ctx;
	uint64_t pkts = 0;
	double t0 = now(), t;

	memset(iv, 0x11, sizeof(iv));
	memset(tag, 0, sizeof(tag));
	do {
		for (int r = 0; r < 256; r++) {
			for (int i = 0; i < BURST; i++) {
				if (enc)
					IMB_AES128_GCM_ENC(mgr, k, &ctx, buf[i], buf[i], lens[i],
							   iv[i], aad, 8, tag[i], 16);
				else
					IMB_AES128_GCM_DEC(mgr, k, &ctx, buf[i], buf[i], lens[i],
							   iv[i], aad, 8, tag[i], 16);
			}
			pkts += BURST;
		}
		t = now();
	} while (t - t0 < secs);
	return pkts / (t - t0) / 1e6;
}

int main(int argc, char **argv)
{
	static const uint8_t key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct gcm_key_data k;
	uint32_t lens[BURST];
	uint8_t *buf[BURST];
	IMB_MGR *mgr;
	double secs;

	const char *dir = argc > 3 ? argv[3] : "both";

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: esp_raw SECONDS SIZE [enc|dec]\n");
		return 2;
	}
	secs = atof(argv[1]);
	mgr = alloc_mb_mgr(0);
	if (mgr == NULL)
		return 1;
	init_mb_mgr_auto(mgr, NULL);
	IMB_AES128_GCM_PRE(mgr, key, &k);
	for (int i = 0; i < BURST; i++)
		buf[i] = aligned_alloc(64, 2048);
	for (int a = 2; a < 3; a++) {
		int is_imix = strcmp(argv[a], "imix") == 0;

		for (int i = 0; i < BURST; i++) {
			lens[i] = esp_len(is_imix ? imix[i % 12] : (uint32_t)atoi(argv[a]));
			if (check(mgr, &k, lens[i]) < 0) {
				fprintf(stderr, "esp_raw: size %u: one-shot and job API differ\n", lens[i]);
				return 1;
			}
			memset(buf[i], 0x5a, 2048);
		}
		if (strcmp(dir, "dec") != 0)
			printf("raw enc %s %.3f\n", argv[a], run(mgr, &k, lens, buf, 1, secs));
		if (strcmp(dir, "enc") != 0)
			printf("raw dec %s %.3f\n", argv[a], run(mgr, &k, lens, buf, 0, secs));
		fflush(stdout);
	}
	free_mb_mgr(mgr);
	return 0;
}
