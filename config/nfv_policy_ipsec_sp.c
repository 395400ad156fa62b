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
#include <sys/stat.h>

#include "nfv_policy_ipsec_priv.h"

enum { TOP_K_SAS, TOP_K_POLICIES, TOP_K_MAX };
static const char *const top_keys[TOP_K_MAX] = { "sas", "policies" };
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
static const char *const actions[] = { "protect", "bypass", "discard" };
static const struct { const char *name; uint8_t value; } protos[] = {
	{ "any", 0 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 },
	{ "icmpv6", 58 }, { "sctp", 132 },
};

void *nfv_psa_read_seq(struct nfv_ploader *ld, yaml_node_t *n, const char *name,
		       const struct nfv_yschema *schema, size_t sz,
		       unsigned int *nb, nfv_yitem_fn fn)
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
	arr = calloc(count, sz);
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
	if (it->val[SP_K_NAME] != NULL)
		nfv_yget_name(ld, it, SP_K_NAME, NFV_NAME_MAX - 1, sp->name);
	sp->name_mark = it->m->val[SP_K_NAME];
	if (nfv_yget_int(ld, it, SP_K_PRIO, INT32_MIN, INT32_MAX, &i))
		sp->priority = (int32_t)i;
	if (nfv_yget_enum(ld, it, SP_K_DIR, nfv_psa_dirs, 2, &v))
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
	if (!nfv_yget_enum(ld, it, SP_K_ACTION, actions, NFV_DIM(actions), &v))
		return;
	sp->action = (uint8_t)v;
	if (sp->action != NFV_PSP_PROTECT) {
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

/* The SA a reference names: by name, else by SPI of the same direction. */
static void resolve(struct nfv_ploader *ld, struct nfv_policy_sp *sp,
		    unsigned int idx)
{
	const struct nfv_policy_ipsec *ips = ld->p->ipsec;
	unsigned long long spi;
	char *end;
	int sa = nfv_policy_sa_index(ips, sp->sa_ref);

	if (sa < 0 && sp->sa_ref[0] >= '0' && sp->sa_ref[0] <= '9') {
		spi = strtoull(sp->sa_ref, &end, 0);
		for (unsigned int i = 0; *end == '\0' && i < ips->nb_sas; i++)
			if (ips->sas[i].spi == spi && ips->sas[i].dir == sp->dir) {
				sa = (int)i;
				break;
			}
	}
	if (sa < 0) {
		nfv_yerror(ld, sp->sa_mark, "ipsec.policies[%u].sa: no SA \"%.40s\" in ipsec.sas (by name, or SPI of direction %s)",
			   idx, sp->sa_ref, nfv_psa_dirs[sp->dir]);
		return;
	}
	if (ips->sas[sa].dir != sp->dir) {
		nfv_yerror(ld, sp->sa_mark, "ipsec.policies[%u].sa: SA \"%s\" is direction %s, the policy %s",
			   idx, ips->sas[sa].name, nfv_psa_dirs[ips->sas[sa].dir],
			   nfv_psa_dirs[sp->dir]);
		return;
	}
	if (ips->sas[sa].mode == NFV_PSA_TRANSPORT && sp->src.addr.family != 0 &&
	    ips->sas[sa].src.family != 0 && sp->src.addr.family != ips->sas[sa].src.family) {
		nfv_yerror(ld, sp->sa_mark, "ipsec.policies[%u].sa: transport SA \"%s\" and the policy are not the same family",
			   idx, ips->sas[sa].name);
		return;
	}
	sp->sa = sa;
}

/* Duplicate SA names and SPIs (per direction and destination), SP names. */
static void check_dups(struct nfv_ploader *ld)
{
	const struct nfv_policy_ipsec *ips = ld->p->ipsec;
	char addr[NFV_ADDR_FMT_MAX];

	for (unsigned int i = 0; i < ips->nb_sas; i++) {
		const struct nfv_policy_sa *a = &ips->sas[i];

		for (unsigned int j = 0; j < i; j++) {
			const struct nfv_policy_sa *b = &ips->sas[j];

			if (a->name[0] && strcmp(a->name, b->name) == 0) {
				nfv_yerror(ld, a->name_mark, "ipsec.sas[%u].name: duplicate SA name \"%s\"; first at %u:%u",
					   i, a->name, b->name_mark.line, b->name_mark.column);
				break;
			}
			if (a->spi && a->spi == b->spi && a->dir == b->dir &&
			    a->dst.family && nfv_addr_equal(&a->dst, &b->dst)) {
				nfv_yerror(ld, a->spi_mark, "ipsec.sas[%u].spi: duplicate SPI 0x%x for direction %s and dst %s; first at %u:%u",
					   i, a->spi, nfv_psa_dirs[a->dir],
					   nfv_addr_fmt(&a->dst, addr, sizeof(addr)),
					   b->spi_mark.line, b->spi_mark.column);
				break;
			}
		}
	}
	for (unsigned int i = 0; i < ips->nb_sps; i++)
		for (unsigned int j = 0; ips->sps[i].name[0] && j < i; j++)
			if (strcmp(ips->sps[i].name, ips->sps[j].name) == 0) {
				nfv_yerror(ld, ips->sps[i].name_mark, "ipsec.policies[%u].name: duplicate policy name \"%s\"; first at %u:%u",
					   i, ips->sps[i].name, ips->sps[j].name_mark.line,
					   ips->sps[j].name_mark.column);
				break;
			}
}

/* Keys readable by others are keys given away: refuse, as ssh does. */
static void check_mode(struct nfv_ploader *ld, struct nfv_mark mark)
{
	struct stat st;

	if (ld->p->ipsec->nb_sas == 0 || ld->errs->n != 0 ||
	    stat(ld->p->path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if (st.st_mode & 077)
		nfv_yerror(ld, mark, "ipsec: the policy holds keys but the file is accessible to group or others (mode %04o); run chmod 600 on it",
			   (unsigned int)(st.st_mode & 07777));
}

void nfv_read_ipsec(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &top_schema, .m = &m };
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
	nfv_read_ipsec_sas(ld, it.val[TOP_K_SAS], ips);
	ips->sps = nfv_psa_read_seq(ld, it.val[TOP_K_POLICIES], "ipsec.policies",
				    &sp_schema, sizeof(*ips->sps), &ips->nb_sps, read_sp);
	for (unsigned int i = 0; i < ips->nb_sps; i++) {
		if (ips->sps[i].name[0] == '\0')
			snprintf(ips->sps[i].name, sizeof(ips->sps[i].name), "sp%u", i);
		if (ips->sps[i].sa_ref[0] != '\0')
			resolve(ld, &ips->sps[i], i);
	}
	check_dups(ld);
	check_mode(ld, nfv_ymark(n));
}
