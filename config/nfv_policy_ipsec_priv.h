/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to config/: shared by the two files of the ipsec section. */
#ifndef NFV_POLICY_IPSEC_PRIV_H
#define NFV_POLICY_IPSEC_PRIV_H

#include "nfv_policy_ipsec.h"
#include "nfv_policy_priv.h"

#define NFV_DIM(a) (sizeof(a) / sizeof((a)[0]))

enum { SA_K_NAME, SA_K_SPI, SA_K_DIR, SA_K_MODE, SA_K_SRC, SA_K_DST, SA_K_ALG,
       SA_K_KEY, SA_K_SALT, SA_K_AUTH, SA_K_AUTH_KEY, SA_K_ESN, SA_K_REPLAY,
       SA_K_NATT, SA_K_LIFETIME, SA_K_REQID, SA_K_MAX };

/* nfv_yread_seq without the loader's per-section marks. */
void *nfv_psa_read_seq(struct nfv_ploader *ld, yaml_node_t *n, const char *name,
		       const struct nfv_yschema *schema, size_t sz,
		       unsigned int *nb, nfv_yitem_fn fn, bool keys);
/* Pages of their own for key material: MADV_DONTDUMP; freed wiped. */
void *nfv_policy_key_alloc(size_t size);
void nfv_policy_key_free(void *p, size_t size);
void nfv_read_ipsec_sas(struct nfv_ploader *ld, yaml_node_t *n,
			struct nfv_policy_ipsec *ips);
/* ipsec.key_file (nfv_policy_ipsec_keys.c); the strings point into buf. */
struct nfv_keyfile_entry {
	const char *name, *key, *salt, *auth_key;
	unsigned int line;
};
struct nfv_keyfile {
	char *buf;
	size_t len;
	struct nfv_keyfile_entry *e;
	unsigned int n, cap;
	bool missing;		/* NFV_POLICY_NO_KEYS and no such file */
};
/* 0, or -errno with the error recorded at mark. */
int nfv_keyfile_read(struct nfv_ploader *ld, struct nfv_mark mark, const char *file,
		     struct nfv_keyfile *kf);
const struct nfv_keyfile_entry *nfv_keyfile_find(const struct nfv_keyfile *kf,
						 const char *name);
/* Wipes the file's bytes and frees. */
void nfv_keyfile_fini(struct nfv_keyfile *kf);
/* An error when name (of key k) has the IKE daemon's prefix. */
void nfv_ipsec_name_check(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
			  const char *name);
bool nfv_read_spi(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
		  uint32_t *spi);

#endif
