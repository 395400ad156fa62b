/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP algorithms, one row each: what the policy loader, nfvpnctl,
 * nfvpn-gen and hooks/ipsec know of an algorithm is its row. Adding one
 * of a mode that hooks/ipsec runs is a row here; a new mode is also its
 * key set-up and crypto in hooks/ipsec (config/vocab/README.md).
 * The index of a row is its value in the policy structs and the wire
 * messages: append only.
 */
#ifndef NFV_IPSEC_ALG_H
#define NFV_IPSEC_ALG_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Encryption. name: as the policy, nfvpnctl and nfvpn-gen write it.
 * mode, hash: intel-ipsec-mb's IMB_CIPHER_<mode> and, for an AEAD, its
 * IMB_AUTH_<hash> (NULL: the auth row's); only hooks/ipsec pastes them.
 * key: cipher key bytes, the salt excluded. salt: KEYMAT bytes after the
 * key (RFC 4106 8.1, RFC 4309 7.1, RFC 7634 2). iv: bytes in each packet. icv: the
 * AEAD's tag bytes (0: the auth row's). align: the padding boundary of
 * the payload (RFC 4303 2.4). aead: integrity included, no auth row.
 */
#define NFV_IPSEC_CIPHERS(X)								\
	/* id, name, mode, hash, key, salt, iv, icv, align, aead */			\
	X(AES_GCM_128, "aes-gcm-128", GCM, AES_GMAC, 16, 4, 8, 16, 4, true)		\
	X(AES_GCM_256, "aes-gcm-256", GCM, AES_GMAC, 32, 4, 8, 16, 4, true)		\
	X(CHACHA20_POLY1305, "chacha20-poly1305", CHACHA20_POLY1305, CHACHA20_POLY1305,	\
	  32, 4, 8, 16, 4, true)							\
	X(AES_CBC_128, "aes-cbc-128", CBC, NULL, 16, 0, 16, 0, 16, false)		\
	X(AES_CBC_256, "aes-cbc-256", CBC, NULL, 32, 0, 16, 0, 16, false)		\
	/* RFC 4309, the 16-byte ICV of its three (8, 12, 16) */			\
	X(AES_CCM_128, "aes-ccm-128", CCM, AES_CCM, 16, 3, 8, 16, 4, true)		\
	X(AES_CCM_256, "aes-ccm-256", CCM, AES_CCM, 32, 3, 8, 16, 4, true)

/*
 * Integrity, for the ciphers that are not AEADs (RFC 4868). hash:
 * intel-ipsec-mb's IMB_AUTH_<hash>. key: bytes, the hash length. icv: the
 * hash truncated to half. block: the hash's block bytes, the HMAC pads
 * (RFC 2104). AUTH_NONE: with an AEAD only.
 */
#define NFV_IPSEC_AUTHS(X)								\
	/* id, name, hash, key, icv, block */						\
	X(AUTH_NONE, "none", NULL, 0, 0, 0)						\
	X(HMAC_SHA256_128, "hmac-sha256-128", HMAC_SHA_256, 32, 16, 64)			\
	X(HMAC_SHA384_192, "hmac-sha384-192", HMAC_SHA_384, 48, 24, 128)		\
	X(HMAC_SHA512_256, "hmac-sha512-256", HMAC_SHA_512, 64, 32, 128)

enum nfv_ipsec_cipher {
#define NFV_CIPHER_ENUM(id, name, mode, hash, key, salt, iv, icv, align, aead) NFV_IPSEC_##id,
	NFV_IPSEC_CIPHERS(NFV_CIPHER_ENUM)
#undef NFV_CIPHER_ENUM
	NFV_IPSEC_CIPHER_MAX
};

enum nfv_ipsec_auth {
#define NFV_AUTH_ENUM(id, name, hash, key, icv, block) NFV_IPSEC_##id,
	NFV_IPSEC_AUTHS(NFV_AUTH_ENUM)
#undef NFV_AUTH_ENUM
	NFV_IPSEC_AUTH_MAX
};

/* The longest key of any row, salt included. */
#define NFV_IPSEC_KEY_MAX 64

struct nfv_ipsec_cipher_alg {
	const char *name;
	uint8_t key_len;	/* salt excluded */
	uint8_t salt_len;
	uint8_t iv_len;
	uint8_t icv_len;	/* 0: the auth algorithm's */
	uint8_t align;
	bool aead;
};

struct nfv_ipsec_auth_alg {
	const char *name;
	uint8_t key_len;
	uint8_t icv_len;
	uint8_t block;
};

/* Indexed by enum nfv_ipsec_cipher and enum nfv_ipsec_auth. */
extern const struct nfv_ipsec_cipher_alg nfv_ipsec_ciphers[NFV_IPSEC_CIPHER_MAX];
extern const struct nfv_ipsec_auth_alg nfv_ipsec_auths[NFV_IPSEC_AUTH_MAX];
/* The same names, as a list for the policy loader's enum reader. */
extern const char *const nfv_ipsec_cipher_names[NFV_IPSEC_CIPHER_MAX];
extern const char *const nfv_ipsec_auth_names[NFV_IPSEC_AUTH_MAX];

/* "aes-gcm-128"; "?" when unknown. */
static inline const char *nfv_ipsec_cipher_name(unsigned int c)
{
	return c < NFV_IPSEC_CIPHER_MAX ? nfv_ipsec_cipher_names[c] : "?";
}

static inline const char *nfv_ipsec_auth_name(unsigned int a)
{
	return a < NFV_IPSEC_AUTH_MAX ? nfv_ipsec_auth_names[a] : "?";
}

/* Any case; -1 when unknown. */
int nfv_ipsec_cipher_from_name(const char *name);
int nfv_ipsec_auth_from_name(const char *name);

#endif
