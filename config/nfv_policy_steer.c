/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The steer: section. Checked here as the stub's netlink policy would
 * check it, so that a policy nfvpnd accepts is one the kernel accepts:
 * the stub would refuse the whole table at apply time, too late for a
 * file:line:column message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nfv_policy_priv.h"
#include "nfv_policy_steer.h"

enum { STEER_K_TARGET, STEER_K_LLADDR, STEER_K_SELECTORS, STEER_K_MAX };

static const char *const steer_keys[STEER_K_MAX] = {
	"target", "lladdr", "selectors",
};

static const struct nfv_yschema steer_schema = {
	steer_keys, STEER_K_MAX, 1u << STEER_K_TARGET,
};

enum { SEL_K_ID, SEL_K_FAMILY, SEL_K_PROTO, SEL_K_SRC, SEL_K_DST,
       SEL_K_SPORT, SEL_K_DPORT, SEL_K_IIF, SEL_K_FWMARK, SEL_K_HOOK,
       SEL_K_ACTION, SEL_K_MAX };

static const char *const sel_keys[SEL_K_MAX] = {
	"id", "family", "proto", "src", "dst", "sport", "dport", "iif",
	"fwmark", "hook", "action",
};

static const struct nfv_yschema sel_schema = {
	sel_keys, SEL_K_MAX, 1u << SEL_K_ID,
};

static const char *const families[] = { "inet", "inet6" };
/* Indexes map to NFV_STEER_HOOK_* by hook_bits[]. */
static const char *const hook_names[] = { "pre", "out", "all" };
static const uint32_t hook_bits[] = {
	NFV_STEER_HOOK_PRE, NFV_STEER_HOOK_OUT, 0,
};
/* Indexes are enum nfv_steer_action values. */
static const char *const actions[] = { "steer", "pass" };

static const struct { const char *name; uint8_t value; } protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "esp", 50 },
	{ "icmpv6", 58 }, { "sctp", 132 }, { "udplite", 136 },
};

/* Protocols whose header starts with 16-bit ports, as the stub reads them. */
static bool proto_has_ports(uint8_t p)
{
	return p == 6 || p == 17 || p == 132 || p == 136;
}

static void read_proto(struct nfv_ploader *ld, struct nfv_yitem *it,
		       uint8_t *out)
{
	const char *s = nfv_yget_scalar(ld, it, SEL_K_PROTO, "a protocol");
	char path[96];
	unsigned int i;
	int64_t v;

	if (s == NULL)
		return;
	if (nfv_yis_int(it->val[SEL_K_PROTO])) {
		if (nfv_yget_int(ld, it, SEL_K_PROTO, 0, 255, &v))
			*out = (uint8_t)v;
		return;
	}
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcasecmp(s, protos[i].name) == 0) {
			*out = protos[i].value;
			nfv_yok(it, SEL_K_PROTO);
			return;
		}
	}
	nfv_yerror(ld, it->m->val[SEL_K_PROTO],
		   "%s: \"%.40s\" is not a protocol; expected tcp, udp, sctp, udplite, icmp, icmpv6, esp or a number 0..255",
		   nfv_ypath(it, SEL_K_PROTO, path, sizeof(path)), s);
}

/* "N" or "N-M", 0 <= N <= M <= 65535 (an integer scalar is "N"). */
static void read_range(struct nfv_ploader *ld, struct nfv_yitem *it,
		       unsigned int k, uint16_t *min, uint16_t *max)
{
	const char *s = nfv_yget_scalar(ld, it, k, "a port or port range");
	unsigned long a, b;
	char path[96];
	const char *p;
	char *end;

	if (s == NULL)
		return;
	p = s;
	if (*p < '0' || *p > '9')
		goto bad;
	a = b = strtoul(p, &end, 10);
	if (*end == '-') {
		p = end + 1;
		if (*p < '0' || *p > '9')
			goto bad;
		b = strtoul(p, &end, 10);
	}
	if (*end != '\0' || a > b || b > UINT16_MAX)
		goto bad;
	*min = (uint16_t)a;
	*max = (uint16_t)b;
	nfv_yok(it, k);
	return;
bad:
	nfv_yerror(ld, it->m->val[k],
		   "%s: \"%.40s\" is not a port or port range; expected N or N-M with 0 <= N <= M <= 65535",
		   nfv_ypath(it, k, path, sizeof(path)), s);
}

/* "M" or "M/MASK", decimal or 0x hex, 32 bits each. */
static void read_fwmark(struct nfv_ploader *ld, struct nfv_yitem *it,
			struct nfv_policy_steer_sel *sel)
{
	const char *s = nfv_yget_scalar(ld, it, SEL_K_FWMARK, "a mark");
	unsigned long long m, mask = UINT32_MAX;
	char path[96];
	char *end;

	if (s == NULL)
		return;
	if (*s < '0' || *s > '9')
		goto bad;
	m = strtoull(s, &end, 0);
	if (*end == '/') {
		if (end[1] < '0' || end[1] > '9')
			goto bad;
		mask = strtoull(end + 1, &end, 0);
	}
	if (*end != '\0' || m > UINT32_MAX || mask > UINT32_MAX || mask == 0)
		goto bad;
	if (m & ~mask) {
		nfv_yerror(ld, it->m->val[SEL_K_FWMARK],
			   "%s: mark 0x%llx has bits outside mask 0x%llx",
			   nfv_ypath(it, SEL_K_FWMARK, path, sizeof(path)), m, mask);
		return;
	}
	sel->fwmark = (uint32_t)m;
	sel->fwmark_mask = (uint32_t)mask;
	nfv_yok(it, SEL_K_FWMARK);
	return;
bad:
	nfv_yerror(ld, it->m->val[SEL_K_FWMARK],
		   "%s: \"%.40s\" is not a mark; expected M or M/MASK (32-bit, decimal or 0x hex, MASK not 0)",
		   nfv_ypath(it, SEL_K_FWMARK, path, sizeof(path)), s);
}

static void read_prefix(struct nfv_ploader *ld, struct nfv_yitem *it,
			unsigned int k, struct nfv_prefix *p, bool *has)
{
	char path[96], buf[NFV_PREFIX_FMT_MAX];

	if (!nfv_yget_prefix(ld, it, k, p))
		return;
	if (nfv_prefix_clear_host(p)) {
		nfv_ynok(it, k);
		nfv_yerror(ld, it->m->val[k],
			   "%s: host bits are set; expected %s",
			   nfv_ypath(it, k, path, sizeof(path)),
			   nfv_prefix_fmt(p, buf, sizeof(buf)));
		return;
	}
	*has = true;
}

/* What a selector says about its family must agree; it must say it once. */
static void check_family(struct nfv_ploader *ld, struct nfv_yitem *it,
			 struct nfv_policy_steer_sel *sel, bool fam_given)
{
	static const unsigned int k_addr[] = { SEL_K_SRC, SEL_K_DST };
	char path[96];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const struct nfv_prefix *p = k_addr[i] == SEL_K_SRC ? &sel->src : &sel->dst;
		bool has = k_addr[i] == SEL_K_SRC ? sel->has_src : sel->has_dst;

		if (!has)
			continue;
		if (sel->family == 0) {
			sel->family = p->addr.family;
		} else if (sel->family != p->addr.family) {
			nfv_yerror(ld, it->m->val[k_addr[i]],
				   "%s: an %s prefix in a selector of family %s",
				   nfv_ypath(it, k_addr[i], path, sizeof(path)),
				   p->addr.family == AF_INET ? "IPv4" : "IPv6",
				   sel->family == AF_INET ? "inet" : "inet6");
			return;
		}
	}
	if (sel->family == 0 && !fam_given && it->val[SEL_K_SRC] == NULL &&
	    it->val[SEL_K_DST] == NULL)
		nfv_yerror(ld, it->m->map,
			   "%s: missing key \"family\"; a selector needs a family or an address",
			   it->path);
}

static void read_sel(struct nfv_ploader *ld, struct nfv_yitem *it, void *obj)
{
	struct nfv_policy_steer_sel *sel = obj;
	char path[96];
	unsigned int v;
	int64_t id;
	bool fam = false;

	sel->mark = it->m->map;
	sel->sport_max = sel->dport_max = UINT16_MAX;
	if (nfv_yget_int(ld, it, SEL_K_ID, 1, UINT32_MAX, &id))
		sel->id = (uint32_t)id;
	if (nfv_yget_enum(ld, it, SEL_K_FAMILY, families, 2, &v)) {
		sel->family = v == 0 ? AF_INET : AF_INET6;
		fam = true;
	}
	read_proto(ld, it, &sel->proto);
	read_prefix(ld, it, SEL_K_SRC, &sel->src, &sel->has_src);
	read_prefix(ld, it, SEL_K_DST, &sel->dst, &sel->has_dst);
	check_family(ld, it, sel, fam || it->val[SEL_K_FAMILY] != NULL);
	read_range(ld, it, SEL_K_SPORT, &sel->sport_min, &sel->sport_max);
	read_range(ld, it, SEL_K_DPORT, &sel->dport_min, &sel->dport_max);
	nfv_yget_name(ld, it, SEL_K_IIF, NFV_STEER_IFNAME_MAX - 1, sel->iif);
	read_fwmark(ld, it, sel);
	if (nfv_yget_enum(ld, it, SEL_K_HOOK, hook_names, 3, &v))
		sel->hooks = hook_bits[v];
	if (nfv_yget_enum(ld, it, SEL_K_ACTION, actions, 2, &v))
		sel->action = (enum nfv_steer_action)v;

	/* The stub's own refusals, before the kernel sees them. */
	for (unsigned int k = SEL_K_SPORT; k <= SEL_K_DPORT; k++) {
		if (!NFV_YOK(it->m, k))
			continue;
		if (it->val[SEL_K_PROTO] == NULL ||
		    (NFV_YOK(it->m, SEL_K_PROTO) && !proto_has_ports(sel->proto)))
			nfv_yerror(ld, it->m->val[k],
				   "%s: a port range needs proto tcp, udp, sctp or udplite",
				   nfv_ypath(it, k, path, sizeof(path)));
	}
	if (NFV_YOK(it->m, SEL_K_IIF) && NFV_YOK(it->m, SEL_K_HOOK) &&
	    sel->hooks == NFV_STEER_HOOK_OUT)
		nfv_yerror(ld, it->m->val[SEL_K_IIF],
			   "%s: an input interface never matches on hook out (LOCAL_OUT)",
			   nfv_ypath(it, SEL_K_IIF, path, sizeof(path)));
}

static void check_ids(struct nfv_ploader *ld, struct nfv_policy_steer *st)
{
	struct nfv_ymarks *m = ld->marks[NFV_SEC_STEER];

	for (unsigned int i = 0; m != NULL && i < st->nb_sels; i++) {
		if (!NFV_YOK(&m[i], SEL_K_ID))
			continue;
		for (unsigned int j = 0; j < i; j++) {
			if (!NFV_YOK(&m[j], SEL_K_ID) || st->sels[j].id != st->sels[i].id)
				continue;
			nfv_yerror(ld, m[i].val[SEL_K_ID],
				   "steer.selectors[%u].id: duplicate id %u; first at %u:%u",
				   i, st->sels[i].id, m[j].val[SEL_K_ID].line,
				   m[j].val[SEL_K_ID].column);
			break;
		}
	}
}

void nfv_read_steer(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &steer_schema, .m = &m, .path = "steer" };
	struct nfv_policy_steer *st;
	yaml_node_t *seq;

	if (n == NULL || nfv_yis_null(n) || !nfv_ymap_read(ld, n, &it))
		return;
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		ld->err = -ENOMEM;
		return;
	}
	ld->p->steer = st;
	st->mark = m.map;
	nfv_yget_name(ld, &it, STEER_K_TARGET, NFV_STEER_IFNAME_MAX - 1, st->target);
	st->has_lladdr = nfv_yget_mac(ld, &it, STEER_K_LLADDR, st->lladdr);
	seq = it.val[STEER_K_SELECTORS];
	st->sels = nfv_yread_seq(ld, seq, "steer.selectors", NFV_SEC_STEER, &sel_schema,
				 sizeof(*st->sels), &st->nb_sels, read_sel);
	if (st->nb_sels > NFV_STEER_SEL_MAX)
		nfv_yerror(ld, m.val[STEER_K_SELECTORS],
			   "steer.selectors: %u selectors; the kernel stub takes at most %u",
			   st->nb_sels, NFV_STEER_SEL_MAX);
	check_ids(ld, st);
}

void nfv_policy_steer_free(struct nfv_policy_steer *s)
{
	if (s == NULL)
		return;
	free(s->sels);
	free(s);
}

const struct nfv_policy_steer_sel *
nfv_policy_steer_find(const struct nfv_policy_steer *s, uint32_t id)
{
	for (unsigned int i = 0; s != NULL && i < s->nb_sels; i++)
		if (s->sels[i].id == id)
			return &s->sels[i];
	return NULL;
}

bool nfv_policy_steer_sel_equal(const struct nfv_policy_steer_sel *a,
				const struct nfv_policy_steer_sel *b)
{
	return a->id == b->id && a->family == b->family && a->proto == b->proto &&
	       a->has_src == b->has_src && a->has_dst == b->has_dst &&
	       (!a->has_src || (a->src.len == b->src.len &&
				nfv_addr_equal(&a->src.addr, &b->src.addr))) &&
	       (!a->has_dst || (a->dst.len == b->dst.len &&
				nfv_addr_equal(&a->dst.addr, &b->dst.addr))) &&
	       a->sport_min == b->sport_min && a->sport_max == b->sport_max &&
	       a->dport_min == b->dport_min && a->dport_max == b->dport_max &&
	       strcmp(a->iif, b->iif) == 0 && a->fwmark == b->fwmark &&
	       a->fwmark_mask == b->fwmark_mask && a->hooks == b->hooks &&
	       a->action == b->action;
}
