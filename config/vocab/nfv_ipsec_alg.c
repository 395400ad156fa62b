/* SPDX-License-Identifier: BSD-3-Clause */
/* The rows of nfv_ipsec_alg.h as arrays, and lookups by name. */
#include <strings.h>

#include "nfv_ipsec_alg.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

#define CIPHER_FITS(id, name, mode, hash, key, salt, iv, icv, align, aead)	\
	_Static_assert((key) + (salt) <= NFV_IPSEC_KEY_MAX,			\
		       #id ": key longer than NFV_IPSEC_KEY_MAX");		\
	_Static_assert((aead) == ((icv) != 0),					\
		       #id ": an AEAD, and only an AEAD, has its own ICV");
NFV_IPSEC_CIPHERS(CIPHER_FITS)
#undef CIPHER_FITS

#define AUTH_FITS(id, name, hash, key, icv, block)				\
	_Static_assert((key) <= NFV_IPSEC_KEY_MAX,				\
		       #id ": key longer than NFV_IPSEC_KEY_MAX");
NFV_IPSEC_AUTHS(AUTH_FITS)
#undef AUTH_FITS

const struct nfv_ipsec_cipher_alg nfv_ipsec_ciphers[NFV_IPSEC_CIPHER_MAX] = {
#define CIPHER_ROW(id, name, mode, hash, key, salt, iv, icv, align, aead)	\
	[NFV_IPSEC_##id] = { name, key, salt, iv, icv, align, aead },
	NFV_IPSEC_CIPHERS(CIPHER_ROW)
#undef CIPHER_ROW
};

const struct nfv_ipsec_auth_alg nfv_ipsec_auths[NFV_IPSEC_AUTH_MAX] = {
#define AUTH_ROW(id, name, hash, key, icv, block)				\
	[NFV_IPSEC_##id] = { name, key, icv, block },
	NFV_IPSEC_AUTHS(AUTH_ROW)
#undef AUTH_ROW
};

const char *const nfv_ipsec_cipher_names[NFV_IPSEC_CIPHER_MAX] = {
#define CIPHER_NAME(id, name, ...) [NFV_IPSEC_##id] = name,
	NFV_IPSEC_CIPHERS(CIPHER_NAME)
#undef CIPHER_NAME
};

const char *const nfv_ipsec_auth_names[NFV_IPSEC_AUTH_MAX] = {
#define AUTH_NAME(id, name, ...) [NFV_IPSEC_##id] = name,
	NFV_IPSEC_AUTHS(AUTH_NAME)
#undef AUTH_NAME
};

static int from_name(const char *const *names, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (strcasecmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

int nfv_ipsec_cipher_from_name(const char *name)
{
	return from_name(nfv_ipsec_cipher_names, DIM(nfv_ipsec_cipher_names), name);
}

int nfv_ipsec_auth_from_name(const char *name)
{
	return from_name(nfv_ipsec_auth_names, DIM(nfv_ipsec_auth_names), name);
}
