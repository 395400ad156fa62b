/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter section: nft text, an nft file (read now, relative to the
 * policy's folder) or a kernel table to mirror; conntrack size, log rate.
 * nft syntax is checked by the compiler (nfv_policy_filter_compile()), not
 * by the load: the loader needs no privileges, the compiler a namespace.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy_filter.h"
#include "nfv_policy_priv.h"

/* NFPROTO_* of linux/netfilter.h, which clashes with netinet/in.h */
enum { FAM_IPV4 = 2, FAM_INET = 1, FAM_IPV6 = 10 };

enum { FILTER_K_NFT, FILTER_K_FILE, FILTER_K_MIRROR, FILTER_K_CONNTRACK,
       FILTER_K_CT_MAX, FILTER_K_LOG_RATE, FILTER_K_MAX };

static const char *const filter_keys[FILTER_K_MAX] = {
	"nft", "file", "mirror", "conntrack", "conntrack_max", "log_rate",
};

static const struct nfv_yschema filter_schema = { filter_keys, FILTER_K_MAX, 0 };

static const struct { const char *name; uint8_t family; } families[] = {
	{ "ip", FAM_IPV4 }, { "ip6", FAM_IPV6 }, { "inet", FAM_INET },
};

const char *nfv_policy_filter_family_name(uint8_t family)
{
	for (unsigned int i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].family == family)
			return families[i].name;
	return "?";
}

int nfv_policy_filter_table_parse(const char *s, uint8_t *family, char *name, size_t size)
{
	const char *sp = strchr(s, ' ');
	size_t flen, nlen;

	if (sp == NULL)
		return -EINVAL;
	flen = sp - s;
	while (*sp == ' ')
		sp++;
	nlen = strlen(sp);
	if (nlen == 0 || nlen >= size || strchr(sp, ' ') != NULL)
		return -EINVAL;
	for (unsigned int i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (strlen(families[i].name) == flen && !strncmp(s, families[i].name, flen)) {
			*family = families[i].family;
			memcpy(name, sp, nlen + 1);
			return 0;
		}
	}
	return -EINVAL;
}

void nfv_policy_filter_free(struct nfv_policy_filter *f)
{
	if (f == NULL)
		return;
	free(f->nft);
	nfv_nftc_out_fini(&f->nlmsgs);
	free(f);
}

int nfv_policy_filter_compile(struct nfv_policy *p, nfv_nftc_fn *compile,
			      char *err, size_t errlen)
{
	struct nfv_policy_filter *f = p->filter;
	char why[1024];
	int ret;

	if (f == NULL || f->source != NFV_FILTER_SRC_NFT || f->nft == NULL)
		return 0;
	ret = compile(f->nft, f->file[0] ? f->file : "filter.nft", &f->nlmsgs, why, sizeof(why));
	if (ret < 0) {
		snprintf(err, errlen, "%s:%u:%u: filter: %s", p->path, f->src_mark.line,
			 f->src_mark.column, why[0] ? why : strerror(-ret));
		return ret;
	}
	f->compiled = true;
	return 0;
}

/*
 * The whole file, relative paths from the policy's folder, held to the
 * policy's rules and more (nfv_policy_read_file): no symbolic link, owned
 * by root or the user we run as, since its rules decide what passes.
 */
static char *read_nft_file(const char *policy, const char *file, char *why, size_t whylen)
{
	char path[4096 + 256], dir[4096], err[160];
	char *buf = NULL;
	struct stat st;
	size_t len;

	snprintf(dir, sizeof(dir), "%s", policy);
	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", dirname(dir), file);
	if (nfv_policy_read_file(path, NFV_RF_NOFOLLOW | NFV_RF_OWNER,
				 NFV_POLICY_FILTER_NFT_MAX - 1, &buf, &len, &st,
				 err, sizeof(err)) < 0) {
		if (strcmp(err, strerror(ENOENT)) == 0 || strcmp(err, strerror(EACCES)) == 0)
			snprintf(why, whylen, "cannot open %.140s: %.60s", file, err);
		else
			snprintf(why, whylen, "%.60s is %.150s", file, err);
		return NULL;
	}
	return buf;
}

static void read_source(struct nfv_ploader *ld, struct nfv_yitem *it,
			struct nfv_policy_filter *f)
{
	unsigned int given = 0, k = 0;
	char path[96], why[256];
	const char *s;

	for (unsigned int i = FILTER_K_NFT; i <= FILTER_K_MIRROR; i++)
		if (it->val[i] != NULL) {
			given++;
			k = i;
		}
	if (given != 1) {
		nfv_yerror(ld, f->mark, "filter: give exactly one of nft, file and mirror");
		return;
	}
	f->src_mark = nfv_ymark(it->val[k]);
	nfv_ypath(it, k, path, sizeof(path));
	switch (k) {
	case FILTER_K_NFT:
		s = nfv_yget_scalar(ld, it, k, "nft rules as text");
		if (s == NULL)
			return;
		f->nft = strdup(s);
		if (f->nft == NULL)
			ld->err = -ENOMEM;
		f->source = NFV_FILTER_SRC_NFT;
		return;
	case FILTER_K_FILE:
		if (!nfv_yget_str(ld, it, k, f->file, sizeof(f->file)))
			return;
		f->nft = read_nft_file(ld->p->path, f->file, why, sizeof(why));
		if (f->nft == NULL)
			nfv_yerror(ld, f->src_mark, "%s: %s", path, why);
		f->source = NFV_FILTER_SRC_NFT;
		return;
	default:
		s = nfv_yget_scalar(ld, it, k, "a table as \"FAMILY NAME\"");
		if (s == NULL)
			return;
		if (nfv_policy_filter_table_parse(s, &f->mirror_family, f->mirror_table,
						  sizeof(f->mirror_table)) < 0) {
			nfv_yerror(ld, f->src_mark,
				   "%s: expected \"ip|ip6|inet NAME\" (a name of at most %u characters), got \"%.60s\"",
				   path, NFV_POLICY_FILTER_TABLE_MAX - 1, s);
			return;
		}
		f->source = NFV_FILTER_SRC_MIRROR;
	}
}

void nfv_read_filter(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &filter_schema, .m = &m, .path = "filter" };
	struct nfv_policy_filter *f;
	int64_t v;

	if (n == NULL || nfv_yis_null(n) || !nfv_ymap_read(ld, n, &it))
		return;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		ld->err = -ENOMEM;
		return;
	}
	ld->p->filter = f;
	f->mark = m.map;
	f->conntrack = true;
	f->ct_max = NFV_POLICY_DEFAULT_CT_MAX;
	f->log_rate = NFV_POLICY_DEFAULT_LOG_RATE;
	read_source(ld, &it, f);
	nfv_yget_bool(ld, &it, FILTER_K_CONNTRACK, &f->conntrack);
	if (nfv_yget_int(ld, &it, FILTER_K_CT_MAX, 64, 1 << 24, &v))
		f->ct_max = (uint32_t)v;
	if (nfv_yget_int(ld, &it, FILTER_K_LOG_RATE, 0, 100000, &v))
		f->log_rate = (uint32_t)v;
}
