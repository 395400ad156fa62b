/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "ipsec:" section: its two lists, the security policies, the checks
 * across them (duplicates, references) and the file mode: a policy that
 * holds keys must not be readable by group or others.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfv_policy_ipsec_priv.h"

enum { TOP_K_SAS, TOP_K_POLICIES, TOP_K_KEY_FILE, TOP_K_MAX };
static const char *const top_keys[TOP_K_MAX] = { "sas", "policies", "key_file" };
static const struct nfv_yschema top_schema = { top_keys, TOP_K_MAX, 0 };

enum { SP_K_NAME, SP_K_PRIO, SP_K_DIR, SP_K_SRC, SP_K_DST, SP_K_PROTO,
       SP_K_SPORT, SP_K_DPORT, SP_K_ACTION, SP_K_SA, SP_K_MAX };
static const char *const sp_keys[SP_K_MAX] = {
	"name", "priority", "direction", "src", "dst", "proto", "sport",
	"dport", "action", "sa",
};
static const struct nfv_yschema sp_schema = {
	sp_keys, SP_K_MAX,
	1u << SP_K_DIR | 1u << SP_K_SRC | 1u << SP_K_DST | 1u << SP_K_ACTION,
};
static const struct { const char *name; uint8_t value; } protos[] = {
	{ "any", 0 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 },
	{ "icmpv6", 58 }, { "sctp", 132 },
};

void *nfv_psa_read_seq(struct nfv_ploader *ld, yaml_node_t *n, const char *name,
		       const struct nfv_yschema *schema, size_t sz,
		       unsigned int *nb, nfv_yitem_fn fn, bool keys)
{
	struct nfv_yitem it = { .schema = schema };
	struct nfv_ymarks m;
	yaml_node_item_t *item;
	unsigned int i, count;
	void *arr;

	*nb = 0;
	if (n == NULL || nfv_yis_null(n))
		return NULL;
	if (n->type != YAML_SEQUENCE_NODE) {
		nfv_yerror(ld, nfv_ymark(n), "%s: expected a sequence", name);
		return NULL;
	}
	item = n->data.sequence.items.start;
	count = (unsigned int)(n->data.sequence.items.top - item);
	if (count == 0)
		return NULL;
	arr = keys ? nfv_policy_key_alloc((size_t)count * sz) : calloc(count, sz);
	if (arr == NULL) {
		ld->err = -ENOMEM;
		return NULL;
	}
	*nb = count;
	for (i = 0; i < count; i++) {
		it.m = &m;
		snprintf(it.path, sizeof(it.path), "%s[%u]", name, i);
		if (nfv_ymap_read(ld, yaml_document_get_node(ld->doc, item[i]), &it))
			fn(ld, &it, (char *)arr + i * sz);
	}
	return arr;
}

static bool parse_ports(const char *s, uint16_t *min, uint16_t *max)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	a = b = strtoul(s, &end, 10);
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return false;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || a > b || b > UINT16_MAX)
		return false;
	*min = (uint16_t)a;
	*max = (uint16_t)b;
	return true;
}

static void read_sp_ports(struct nfv_ploader *ld, struct nfv_yitem *it,
			  unsigned int k, uint16_t *min, uint16_t *max)
{
	const char *s = nfv_yget_scalar(ld, it, k, "a port or port range");
	char path[96];

	if (s == NULL)
		return;
	if (!parse_ports(s, min, max))
		nfv_yerror(ld, it->m->val[k], "%s: \"%.40s\" is not a port or port range; expected N or N-M, N <= M <= 65535",
			   nfv_ypath(it, k, path, sizeof(path)), s);
}

static void read_sp_proto(struct nfv_ploader *ld, struct nfv_yitem *it,
			  struct nfv_policy_sp *sp)
{
	const char *s = nfv_yget_scalar(ld, it, SP_K_PROTO, "a protocol");
	char path[96];
	int64_t v;

	if (s == NULL)
		return;
	if (nfv_yis_int(it->val[SP_K_PROTO])) {
		if (nfv_yget_int(ld, it, SP_K_PROTO, 0, 255, &v))
			sp->proto = (uint8_t)v;
		return;
	}
	for (unsigned int i = 0; i < NFV_DIM(protos); i++) {
		if (strcasecmp(s, protos[i].name) == 0) {
			sp->proto = protos[i].value;
			nfv_yok(it, SP_K_PROTO);
			return;
		}
	}
	nfv_yerror(ld, it->m->val[SP_K_PROTO], "%s: \"%.40s\" is not a protocol; expected any, tcp, udp, sctp, icmp, icmpv6 or 0..255",
		   nfv_ypath(it, SP_K_PROTO, path, sizeof(path)), s);
}

static void read_sp(struct nfv_ploader *ld, struct nfv_yitem *it, void *obj)
{
	struct nfv_policy_sp *sp = obj;
	char path[96];
	unsigned int v;
	int64_t i;

	sp->mark = it->m->map;
	sp->sa = -1;
	if (it->val[SP_K_NAME] != NULL) {
		nfv_yget_name(ld, it, SP_K_NAME, NFV_NAME_MAX - 1, sp->name);
		nfv_ipsec_name_check(ld, it, SP_K_NAME, sp->name);
	}
	sp->name_mark = it->m->val[SP_K_NAME];
	if (nfv_yget_int(ld, it, SP_K_PRIO, INT32_MIN, INT32_MAX, &i))
		sp->priority = (int32_t)i;
	if (nfv_yget_enum(ld, it, SP_K_DIR, nfv_ipsec_dir_names, NFV_IPSEC_DIR_MAX, &v))
		sp->dir = (uint8_t)v;
	nfv_yget_prefix(ld, it, SP_K_SRC, &sp->src);
	nfv_yget_prefix(ld, it, SP_K_DST, &sp->dst);
	if (NFV_YOK(it->m, SP_K_SRC) && NFV_YOK(it->m, SP_K_DST) &&
	    sp->src.addr.family != sp->dst.addr.family)
		nfv_yerror(ld, it->m->val[SP_K_DST], "%s: not the same family as src",
			   nfv_ypath(it, SP_K_DST, path, sizeof(path)));
	read_sp_proto(ld, it, sp);
	read_sp_ports(ld, it, SP_K_SPORT, &sp->sport_min, &sp->sport_max);
	read_sp_ports(ld, it, SP_K_DPORT, &sp->dport_min, &sp->dport_max);
	if ((it->val[SP_K_SPORT] || it->val[SP_K_DPORT]) && NFV_YOK(it->m, SP_K_PROTO) &&
	    sp->proto != 6 && sp->proto != 17 && sp->proto != 132)
		nfv_yerror(ld, it->m->map, "%s: a port match needs proto tcp, udp or sctp",
			   it->path);
	if (!nfv_yget_enum(ld, it, SP_K_ACTION, nfv_ipsec_action_names,
			   NFV_IPSEC_ACTION_MAX, &v))
		return;
	sp->action = (uint8_t)v;
	if (sp->action != NFV_IPSEC_PROTECT) {
		if (it->val[SP_K_SA] != NULL)
			nfv_yerror(ld, it->m->key[SP_K_SA], "%s: only valid with action protect",
				   nfv_ypath(it, SP_K_SA, path, sizeof(path)));
		return;
	}
	if (it->val[SP_K_SA] == NULL) {
		nfv_yerror(ld, it->m->map, "%s: missing required key \"sa\" for action protect",
			   it->path);
		return;
	}
	if (nfv_yget_str(ld, it, SP_K_SA, sp->sa_ref, sizeof(sp->sa_ref)))
		sp->sa_mark = it->m->val[SP_K_SA];
}

static bool sa_name_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy_ipsec *ips = ctx;

	return strcmp(ips->sas[j].name, key) == 0;
}

/* SPI, direction and destination: the key of an inbound SA. */
static bool sa_spi_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy_ipsec *ips = ctx;
	const struct nfv_policy_sa *a = key, *b = &ips->sas[j];

	return a->spi == b->spi && a->dir == b->dir && nfv_addr_equal(&a->dst, &b->dst);
}

static uint64_t sa_spi_hash(const struct nfv_policy_sa *sa)
{
	uint64_t h = nfv_hash(0, &sa->spi, sizeof(sa->spi));

	h = nfv_hash(h, &sa->dir, 1);
	h = nfv_hash(h, &sa->dst.family, 1);
	return nfv_hash(h, sa->dst.bytes, sa->dst.family == AF_INET ? 4 : 16);
}

/* SPI and direction only: a policy's "sa: 0x1001". */
static bool sa_spidir_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy_ipsec *ips = ctx;
	const struct nfv_policy_sa *a = key;

	return a->spi == ips->sas[j].spi && a->dir == ips->sas[j].dir;
}

static uint64_t sa_spidir_hash(const struct nfv_policy_sa *sa)
{
	return nfv_hash(nfv_hash(0, &sa->spi, sizeof(sa->spi)), &sa->dir, 1);
}

static bool sp_name_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy_ipsec *ips = ctx;

	return strcmp(ips->sps[j].name, key) == 0;
}

/* The lookups of one load: SA names and (SPI, direction) to the first SA. */
struct sa_index {
	struct nfv_dupset names;
	struct nfv_dupset spidir;
};

/* The SA a reference names: by name, else by SPI of the same direction. */
static void resolve(struct nfv_ploader *ld, const struct sa_index *ix,
		    struct nfv_policy_sp *sp, unsigned int idx)
{
	const struct nfv_policy_ipsec *ips = ld->p->ipsec;
	struct nfv_policy_sa key;
	unsigned long long spi;
	char *end;
	int sa = nfv_dupset_find(&ix->names, nfv_hash_str(0, sp->sa_ref), sp->sa_ref,
				 sa_name_eq, ips);

	if (sa < 0 && sp->sa_ref[0] >= '0' && sp->sa_ref[0] <= '9') {
		spi = strtoull(sp->sa_ref, &end, 0);
		if (*end == '\0' && spi <= UINT32_MAX) {
			key.spi = (uint32_t)spi;
			key.dir = sp->dir;
			sa = nfv_dupset_find(&ix->spidir, sa_spidir_hash(&key), &key,
					     sa_spidir_eq, ips);
		}
	}
	if (sa < 0) {
		nfv_yerror(ld, sp->sa_mark, "ipsec.policies[%u].sa: no SA \"%.40s\" in ipsec.sas (by name, or SPI of direction %s)",
			   idx, sp->sa_ref, nfv_ipsec_dir_names[sp->dir]);
		return;
	}
	if (ips->sas[sa].dir != sp->dir) {
		nfv_yerror(ld, sp->sa_mark, "ipsec.policies[%u].sa: SA \"%s\" is direction %s, the policy %s",
			   idx, ips->sas[sa].name, nfv_ipsec_dir_names[ips->sas[sa].dir],
			   nfv_ipsec_dir_names[sp->dir]);
		return;
	}
	if (ips->sas[sa].mode == NFV_IPSEC_MODE_TRANSPORT && sp->src.addr.family != 0 &&
	    ips->sas[sa].src.family != 0 && sp->src.addr.family != ips->sas[sa].src.family) {
		nfv_yerror(ld, sp->sa_mark, "ipsec.policies[%u].sa: transport SA \"%s\" and the policy are not the same family",
			   idx, ips->sas[sa].name);
		return;
	}
	sp->sa = sa;
}

/*
 * Duplicate SA names and SPIs (per direction and destination), SP names,
 * each against the first entry with that key; fills ix on the way.
 */
static void check_dups(struct nfv_ploader *ld, struct sa_index *ix)
{
	const struct nfv_policy_ipsec *ips = ld->p->ipsec;
	char addr[NFV_ADDR_FMT_MAX];
	struct nfv_dupset spis, sps;
	int jn, js;

	if (nfv_dupset_init(&spis, ips->nb_sas) < 0 ||
	    nfv_dupset_init(&sps, ips->nb_sps) < 0) {
		ld->err = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < ips->nb_sas; i++) {
		const struct nfv_policy_sa *a = &ips->sas[i];

		nfv_dupset_add(&ix->spidir, sa_spidir_hash(a), a, i, sa_spidir_eq, ips);
		jn = a->name[0] ? nfv_dupset_add(&ix->names, nfv_hash_str(0, a->name),
						 a->name, i, sa_name_eq, ips) : -1;
		js = a->spi && a->dst.family ?
		     nfv_dupset_add(&spis, sa_spi_hash(a), a, i, sa_spi_eq, ips) : -1;
		/* One error per SA, against the earlier of the two, as a walk would. */
		if (jn >= 0 && (js < 0 || jn <= js))
			nfv_yerror(ld, a->name_mark, "ipsec.sas[%u].name: duplicate SA name \"%s\"; first at %u:%u",
				   i, a->name, ips->sas[jn].name_mark.line,
				   ips->sas[jn].name_mark.column);
		else if (js >= 0)
			nfv_yerror(ld, a->spi_mark, "ipsec.sas[%u].spi: duplicate SPI 0x%x for direction %s and dst %s; first at %u:%u",
				   i, a->spi, nfv_ipsec_dir_names[a->dir],
				   nfv_addr_fmt(&a->dst, addr, sizeof(addr)),
				   ips->sas[js].spi_mark.line, ips->sas[js].spi_mark.column);
	}
	for (unsigned int i = 0; i < ips->nb_sps; i++) {
		if (ips->sps[i].name[0] == '\0')
			continue;
		jn = nfv_dupset_add(&sps, nfv_hash_str(0, ips->sps[i].name), ips->sps[i].name,
				    i, sp_name_eq, ips);
		if (jn >= 0)
			nfv_yerror(ld, ips->sps[i].name_mark, "ipsec.policies[%u].name: duplicate policy name \"%s\"; first at %u:%u",
				   i, ips->sps[i].name, ips->sps[jn].name_mark.line,
				   ips->sps[jn].name_mark.column);
	}
out:
	nfv_dupset_fini(&spis);
	nfv_dupset_fini(&sps);
}

/*
 * Keys readable by others are keys given away, and keys in a file that
 * another user owns are that user's to change: refuse both, as ssh does.
 * Judged on the fstat of the fd the policy was read from (nothing to judge
 * for a policy given as a buffer).
 */
static void check_mode(struct nfv_ploader *ld, struct nfv_mark mark)
{
	const struct stat *st = ld->st;

	if (ld->p->ipsec->inline_keys == 0 || ld->errs->n != 0 || st == NULL)
		return;
	if (st->st_mode & 077)
		nfv_yerror(ld, mark, "ipsec: the policy holds keys but the file is accessible to group or others (mode %04o); run chmod 600 on it",
			   (unsigned int)(st->st_mode & 07777));
	if (st->st_uid != 0 && st->st_uid != geteuid())
		nfv_yerror(ld, mark, "ipsec: the policy holds keys but the file is owned by uid %u, neither root nor the user we run as (uid %u); run chown root on it",
			   (unsigned int)st->st_uid, (unsigned int)geteuid());
}

void nfv_read_ipsec(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &top_schema, .m = &m };
	struct sa_index ix = { 0 };
	struct nfv_keyfile kf = { 0 };
	struct nfv_policy_ipsec *ips;

	if (n == NULL || nfv_yis_null(n))
		return;
	snprintf(it.path, sizeof(it.path), "ipsec");
	if (!nfv_ymap_read(ld, n, &it))
		return;
	ips = calloc(1, sizeof(*ips));
	if (ips == NULL) {
		ld->err = -ENOMEM;
		return;
	}
	ld->p->ipsec = ips;
	if (it.val[TOP_K_KEY_FILE] != NULL &&
	    nfv_yget_str(ld, &it, TOP_K_KEY_FILE, ips->key_file, sizeof(ips->key_file))) {
		/* unreadable: its error is recorded, the SAs go on as if it were missing */
		if (nfv_keyfile_read(ld, nfv_ymark(it.val[TOP_K_KEY_FILE]), ips->key_file, &kf) < 0)
			kf.missing = true;
		ld->keys = &kf;
		ips->key_file_missing = kf.missing;
	}
	nfv_read_ipsec_sas(ld, it.val[TOP_K_SAS], ips);
	ld->keys = NULL;
	nfv_keyfile_fini(&kf);
	ips->sps = nfv_psa_read_seq(ld, it.val[TOP_K_POLICIES], "ipsec.policies",
				    &sp_schema, sizeof(*ips->sps), &ips->nb_sps, read_sp,
				    false);
	for (unsigned int i = 0; i < ips->nb_sps; i++)
		if (ips->sps[i].name[0] == '\0')
			snprintf(ips->sps[i].name, sizeof(ips->sps[i].name), "sp%u", i);
	if (nfv_dupset_init(&ix.names, ips->nb_sas) < 0 ||
	    nfv_dupset_init(&ix.spidir, ips->nb_sas) < 0) {
		ld->err = -ENOMEM;
		goto out;
	}
	check_dups(ld, &ix);
	for (unsigned int i = 0; i < ips->nb_sps; i++)
		if (ips->sps[i].sa_ref[0] != '\0')
			resolve(ld, &ix, &ips->sps[i], i);
	check_mode(ld, nfv_ymark(n));
out:
	nfv_dupset_fini(&ix.names);
	nfv_dupset_fini(&ix.spidir);
}
