/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "ipsec:" section, SAs: algorithms, key lengths, addresses, NAT-T,
 * lifetimes. Key material is never part of a message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <strings.h>

#include "nfv_policy_ipsec.h"
#include "nfv_policy_ipsec_priv.h"

static const char *const sa_keys[SA_K_MAX] = {
	"name", "spi", "direction", "mode", "src", "dst", "algorithm", "key",
	"salt", "auth", "auth_key", "esn", "replay_window", "natt", "lifetime",
	"reqid",
};

static const struct nfv_yschema sa_schema = {
	sa_keys, SA_K_MAX,
	1u << SA_K_NAME | 1u << SA_K_SPI | 1u << SA_K_DIR | 1u << SA_K_SRC |
	1u << SA_K_DST | 1u << SA_K_ALG,
};

/* Hex with an optional 0x; false when not hex or longer than max bytes. */
static bool parse_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n, i;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n == 0 || n % 2 || n / 2 > max)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return false;
	}
	for (i = 0; i < n / 2; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], '\0' };

		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	*len = n / 2;
	return true;
}

/* A key: hex of exactly want bytes. The value itself is never printed. */
static bool read_key(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
		     size_t want, uint8_t *out)
{
	const char *s = nfv_yget_scalar(ld, it, k, "a hex string");
	uint8_t tmp[NFV_IPSEC_KEY_MAX];
	char path[96];
	size_t len = 0;

	if (s == NULL)
		return false;
	nfv_ypath(it, k, path, sizeof(path));
	/* into tmp: out (a salt after its key) may have room for want bytes only */
	if (!parse_hex(s, tmp, sizeof(tmp), &len)) {
		nfv_yerror(ld, it->m->val[k], "%s: expected hex digits (an even number, at most %u bytes)",
			   path, NFV_IPSEC_KEY_MAX);
		goto err;
	}
	if (len != want) {
		nfv_yerror(ld, it->m->val[k], "%s: %zu bytes, expected %zu for this algorithm",
			   path, len, want);
		goto err;
	}
	memcpy(out, tmp, want);
	explicit_bzero(tmp, sizeof(tmp));
	nfv_yok(it, k);
	return true;
err:
	explicit_bzero(tmp, sizeof(tmp));
	return false;
}

/* SPI: decimal or 0x hex, 256..2^32-1 (0..255 are reserved, RFC 4303 2.1). */
bool nfv_read_spi(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
		  uint32_t *spi)
{
	const char *s = nfv_yget_scalar(ld, it, k, "an SPI");
	unsigned long long v;
	char path[96], *end;

	if (s == NULL)
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s < '0' || *s > '9' || *end != '\0' || errno || v < 256 || v > UINT32_MAX) {
		nfv_yerror(ld, it->m->val[k], "%s: \"%.40s\" is not an SPI; expected 256..4294967295 (decimal or 0x hex)",
			   nfv_ypath(it, k, path, sizeof(path)), s);
		return false;
	}
	*spi = (uint32_t)v;
	nfv_yok(it, k);
	return true;
}

/* One key of the SA's line in the key file; the value is never printed. */
static bool file_key(struct nfv_ploader *ld, struct nfv_yitem *it,
		     const struct nfv_keyfile_entry *e, const char *field,
		     const char *hex, size_t want, uint8_t *out)
{
	size_t len = 0;

	if (hex == NULL) {
		nfv_yerror(ld, it->m->map, "%s: ipsec.key_file line %u: no %s= for SA \"%s\" (%zu bytes)",
			   it->path, e->line, field, e->name, want);
		return false;
	}
	/* at most want bytes: out (a salt after its key) has room for no more */
	if (!parse_hex(hex, out, want, &len) || len != want) {
		nfv_yerror(ld, it->m->map, "%s: ipsec.key_file line %u: %s= of SA \"%s\": expected %zu bytes of hex",
			   it->path, e->line, field, e->name, want);
		return false;
	}
	return true;
}

/* A CBC SA's auth: required, and "none" is for AEADs only. */
static bool read_auth(struct nfv_ploader *ld, struct nfv_yitem *it,
		      struct nfv_policy_sa *sa)
{
	unsigned int v;

	if (it->val[SA_K_AUTH] == NULL) {
		nfv_yerror(ld, it->m->map, "%s: missing required key \"auth\" for %s",
			   it->path, nfv_ipsec_ciphers[sa->cipher].name);
		return false;
	}
	if (!nfv_yget_enum(ld, it, SA_K_AUTH, nfv_ipsec_auth_names + 1,
			   NFV_IPSEC_AUTH_MAX - 1, &v))
		return false;
	sa->auth = (uint8_t)(v + 1);
	return true;
}

/* The SA's keys from ipsec.key_file: key=, salt= (AEADs), auth_key= (CBC). */
static void read_file_keys(struct nfv_ploader *ld, struct nfv_yitem *it,
			   struct nfv_policy_sa *sa)
{
	const struct nfv_ipsec_cipher_alg *c = &nfv_ipsec_ciphers[sa->cipher];
	const struct nfv_keyfile_entry *e;
	char path[96];

	if (ld->keys == NULL) {
		nfv_yerror(ld, it->m->map, "%s: missing required key \"key\" (or an ipsec.key_file that holds it)",
			   it->path);
		return;
	}
	for (unsigned int k = SA_K_SALT; k <= SA_K_AUTH_KEY; k += 2)
		if (it->val[k] != NULL)
			nfv_yerror(ld, it->m->key[k], "%s: the SA's key is in ipsec.key_file: put this there too",
				   nfv_ypath(it, k, path, sizeof(path)));
	if (!c->aead) {
		if (!read_auth(ld, it, sa))
			return;
	} else if (it->val[SA_K_AUTH] != NULL) {
		nfv_yerror(ld, it->m->key[SA_K_AUTH], "%s: not used with %s, an AEAD",
			   nfv_ypath(it, SA_K_AUTH, path, sizeof(path)), c->name);
	}
	if (ld->keys->missing || sa->name[0] == '\0')
		return;
	e = nfv_keyfile_find(ld->keys, sa->name);
	if (e == NULL) {
		nfv_yerror(ld, it->m->map, "%s: no line for SA \"%s\" in ipsec.key_file",
			   it->path, sa->name);
		return;
	}
	if (!file_key(ld, it, e, "key", e->key, c->key_len, sa->key))
		return;
	if (c->aead) {
		if (e->auth_key != NULL)
			nfv_yerror(ld, it->m->map, "%s: ipsec.key_file line %u: auth_key= is not used with %s, an AEAD",
				   it->path, e->line, c->name);
		else if (file_key(ld, it, e, "salt", e->salt, c->salt_len, sa->key + c->key_len))
			sa->key_len = (uint8_t)(c->key_len + c->salt_len);
		return;
	}
	if (e->salt != NULL)
		nfv_yerror(ld, it->m->map, "%s: ipsec.key_file line %u: only AEADs take a salt",
			   it->path, e->line);
	else if (file_key(ld, it, e, "auth_key", e->auth_key,
			  nfv_ipsec_auths[sa->auth].key_len, sa->auth_key)) {
		sa->key_len = c->key_len;
		sa->auth_key_len = nfv_ipsec_auths[sa->auth].key_len;
	}
}

/* Key lengths, salt and auth as the algorithm's row (config/vocab/nfv_ipsec_alg.h) asks. */
static void read_keys(struct nfv_ploader *ld, struct nfv_yitem *it,
		      struct nfv_policy_sa *sa)
{
	const struct nfv_ipsec_cipher_alg *c = &nfv_ipsec_ciphers[sa->cipher];
	const struct nfv_ipsec_auth_alg *a;
	char path[96];

	if (it->val[SA_K_KEY] == NULL) {
		read_file_keys(ld, it, sa);
		return;
	}
	ld->p->ipsec->inline_keys++;

	if (read_key(ld, it, SA_K_KEY, c->key_len, sa->key))
		sa->key_len = c->key_len;
	if (c->aead) {
		if (it->val[SA_K_SALT] == NULL)
			nfv_yerror(ld, it->m->map,
				   "%s: missing required key \"salt\" (%u bytes) for %s",
				   it->path, c->salt_len, c->name);
		else if (read_key(ld, it, SA_K_SALT, c->salt_len, sa->key + c->key_len))
			sa->key_len = (uint8_t)(c->key_len + c->salt_len);
		for (unsigned int k = SA_K_AUTH; k <= SA_K_AUTH_KEY; k++)
			if (it->val[k] != NULL)
				nfv_yerror(ld, it->m->key[k], "%s: not used with %s, an AEAD",
					   nfv_ypath(it, k, path, sizeof(path)), c->name);
		return;
	}
	if (it->val[SA_K_SALT] != NULL)
		nfv_yerror(ld, it->m->key[SA_K_SALT], "%s: only AEADs take a salt",
			   nfv_ypath(it, SA_K_SALT, path, sizeof(path)));
	if (!read_auth(ld, it, sa))
		return;
	a = &nfv_ipsec_auths[sa->auth];
	if (it->val[SA_K_AUTH_KEY] == NULL)
		nfv_yerror(ld, it->m->map, "%s: missing required key \"auth_key\" for %s",
			   it->path, a->name);
	else if (read_key(ld, it, SA_K_AUTH_KEY, a->key_len, sa->auth_key))
		sa->auth_key_len = a->key_len;
}

static void read_natt(struct nfv_ploader *ld, struct nfv_yitem *sit,
		      struct nfv_policy_sa *sa)
{
	static const char *const keys[] = { "sport", "dport" };
	static const struct nfv_yschema schema = { keys, 2, 0 };
	yaml_node_t *n = sit->val[SA_K_NATT];
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &schema, .m = &m };
	int64_t v;

	sa->natt_sport = sa->natt_dport = 4500;
	if (n->type == YAML_SCALAR_NODE) {
		nfv_yget_bool(ld, sit, SA_K_NATT, &sa->natt);
		return;
	}
	sa->natt = true;
	nfv_ypath(sit, SA_K_NATT, it.path, sizeof(it.path));
	if (!nfv_ymap_read(ld, n, &it))
		return;
	if (nfv_yget_int(ld, &it, 0, 1, UINT16_MAX, &v))
		sa->natt_sport = (uint16_t)v;
	if (nfv_yget_int(ld, &it, 1, 1, UINT16_MAX, &v))
		sa->natt_dport = (uint16_t)v;
}

static void read_limits(struct nfv_ploader *ld, struct nfv_yitem *pit,
			unsigned int k, struct nfv_ipsec_lifetime *lt)
{
	static const char *const keys[] = { "bytes", "packets", "seconds" };
	static const struct nfv_yschema schema = { keys, 3, 0 };
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &schema, .m = &m };
	int64_t v;

	if (pit->val[k] == NULL)
		return;
	nfv_ypath(pit, k, it.path, sizeof(it.path));
	if (!nfv_ymap_read(ld, pit->val[k], &it))
		return;
	if (nfv_yget_int(ld, &it, 0, 0, INT64_MAX, &v))
		lt->bytes = (uint64_t)v;
	if (nfv_yget_int(ld, &it, 1, 0, INT64_MAX, &v))
		lt->packets = (uint64_t)v;
	if (nfv_yget_int(ld, &it, 2, 0, INT64_MAX, &v))
		lt->seconds = (uint64_t)v;
}

/* lifetime: { soft: {bytes, packets, seconds}, hard: {...} }; soft <= hard. */
static void read_lifetime(struct nfv_ploader *ld, struct nfv_yitem *sit,
			  struct nfv_policy_sa *sa)
{
	static const char *const keys[] = { "soft", "hard" };
	static const struct nfv_yschema schema = { keys, 2, 0 };
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &schema, .m = &m };

	nfv_ypath(sit, SA_K_LIFETIME, it.path, sizeof(it.path));
	if (!nfv_ymap_read(ld, sit->val[SA_K_LIFETIME], &it))
		return;
	read_limits(ld, &it, 0, &sa->soft);
	read_limits(ld, &it, 1, &sa->hard);
	if ((sa->hard.bytes && sa->soft.bytes > sa->hard.bytes) ||
	    (sa->hard.packets && sa->soft.packets > sa->hard.packets) ||
	    (sa->hard.seconds && sa->soft.seconds > sa->hard.seconds))
		nfv_yerror(ld, m.map, "%s: a soft limit is above its hard limit", it.path);
}

void nfv_ipsec_name_check(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
			  const char *name)
{
	char path[96];

	if (nfv_ipsec_name_is_ike(name))
		nfv_yerror(ld, it->m->val[k], "%s: \"%s\": names beginning with \""
			   NFV_IPSEC_IKE_PREFIX "\" are the IKE daemon's (docs/ike.md)",
			   nfv_ypath(it, k, path, sizeof(path)), name);
}

static void read_sa(struct nfv_ploader *ld, struct nfv_yitem *it, void *obj)
{
	struct nfv_policy_sa *sa = obj;
	char path[96];
	unsigned int v;
	int64_t i;

	sa->mark = it->m->map;
	nfv_yget_name(ld, it, SA_K_NAME, NFV_NAME_MAX - 1, sa->name);
	nfv_ipsec_name_check(ld, it, SA_K_NAME, sa->name);
	nfv_read_spi(ld, it, SA_K_SPI, &sa->spi);
	if (nfv_yget_enum(ld, it, SA_K_DIR, nfv_ipsec_dir_names, NFV_IPSEC_DIR_MAX, &v))
		sa->dir = (uint8_t)v;
	if (nfv_yget_enum(ld, it, SA_K_MODE, nfv_ipsec_mode_names, NFV_IPSEC_MODE_MAX, &v))
		sa->mode = (uint8_t)v;
	nfv_yget_addr(ld, it, SA_K_SRC, &sa->src);
	nfv_yget_addr(ld, it, SA_K_DST, &sa->dst);
	if (NFV_YOK(it->m, SA_K_SRC) && NFV_YOK(it->m, SA_K_DST) &&
	    sa->src.family != sa->dst.family)
		nfv_yerror(ld, it->m->val[SA_K_DST], "%s: not the same family as src",
			   nfv_ypath(it, SA_K_DST, path, sizeof(path)));
	if (nfv_yget_enum(ld, it, SA_K_ALG, nfv_ipsec_cipher_names, NFV_IPSEC_CIPHER_MAX, &v)) {
		sa->cipher = (uint8_t)v;
		read_keys(ld, it, sa);
	}
	nfv_yget_bool(ld, it, SA_K_ESN, &sa->esn);
	if (nfv_yget_int(ld, it, SA_K_REPLAY, 0, NFV_IPSEC_REPLAY_MAX, &i)) {
		sa->replay_window = (uint32_t)i;
		sa->replay_off = i == 0;
		if (sa->replay_off && sa->esn)
			nfv_yerror(ld, it->m->val[SA_K_REPLAY], "%s: ESN needs an anti-replay window",
				   nfv_ypath(it, SA_K_REPLAY, path, sizeof(path)));
	}
	if (it->val[SA_K_NATT] != NULL)
		read_natt(ld, it, sa);
	if (it->val[SA_K_LIFETIME] != NULL)
		read_lifetime(ld, it, sa);
	if (nfv_yget_int(ld, it, SA_K_REQID, 1, UINT32_MAX, &i))
		sa->reqid = (uint32_t)i;
	sa->spi_mark = it->m->val[SA_K_SPI];
	sa->name_mark = it->m->val[SA_K_NAME];
}

void nfv_read_ipsec_sas(struct nfv_ploader *ld, yaml_node_t *n,
			struct nfv_policy_ipsec *ips)
{
	ips->sas = nfv_psa_read_seq(ld, n, "ipsec.sas", &sa_schema, sizeof(*ips->sas),
				    &ips->nb_sas, read_sa, true);
	ips->sas_mapped = ips->sas != NULL;
	for (unsigned int i = 0; i < ips->nb_sas; i++)
		if (ips->sas[i].reqid == 0)
			ips->sas[i].reqid = i + 1;
}

int nfv_policy_sa_index(const struct nfv_policy_ipsec *ips, const char *name)
{
	for (unsigned int i = 0; ips != NULL && i < ips->nb_sas; i++)
		if (strcmp(ips->sas[i].name, name) == 0)
			return (int)i;
	return -1;
}

void *nfv_policy_key_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Not fatal: a kernel without it still gets wiped keys. */
	(void)madvise(p, size, MADV_DONTDUMP);
	return p;
}

void nfv_policy_key_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	explicit_bzero(p, size);
	munmap(p, size);
}

void nfv_policy_ipsec_free(struct nfv_policy_ipsec *ips)
{
	if (ips == NULL)
		return;
	if (ips->sas_mapped) {
		nfv_policy_key_free(ips->sas, ips->nb_sas * sizeof(*ips->sas));
	} else {
		if (ips->sas != NULL)
			explicit_bzero(ips->sas, ips->nb_sas * sizeof(*ips->sas));
		free(ips->sas);
	}
	free(ips->sps);
	free(ips);
}
