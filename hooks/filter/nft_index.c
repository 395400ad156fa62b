/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiler's outer loop: sets, then chains by name (so rules can resolve
 * jumps and lookups), then every chain's rules, then base chains per hook
 * in priority order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/set.h>

#include <rte_cycles.h>

#include "filter_prog.h"

static int index_chain(struct fcompiler *c, struct nftnl_chain *ch)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct fchain *fc = &rs->chains[rs->nb_chains];
	const char *type;

	c->family = nftnl_chain_get_u32(ch, NFTNL_CHAIN_FAMILY);
	c->table = nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE);
	c->chain = nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME);
	if (c->family != NFPROTO_IPV4 && c->family != NFPROTO_IPV6 &&
	    c->family != NFPROTO_INET)
		return fc_error(c, -EOPNOTSUPP, "family not supported");
	snprintf(fc->name, sizeof(fc->name), "%s", c->chain);
	snprintf(fc->table, sizeof(fc->table), "%s", c->table);
	fc->family = c->family;
	if (nftnl_chain_is_set(ch, NFTNL_CHAIN_HOOKNUM)) {
		type = nftnl_chain_is_set(ch, NFTNL_CHAIN_TYPE) ?
		       nftnl_chain_get_str(ch, NFTNL_CHAIN_TYPE) : "filter";
		fc->base = true;
		fc->hook = nftnl_chain_get_u32(ch, NFTNL_CHAIN_HOOKNUM);
		fc->prio = (int32_t)nftnl_chain_get_u32(ch, NFTNL_CHAIN_PRIO);
		if (fc->hook < 0 || fc->hook >= NFV_INET_NUMHOOKS)
			return fc_error(c, -EOPNOTSUPP, "hook %d not supported",
					fc->hook);
		if (!strcmp(type, "nat")) {
			if (fc->hook == NFV_INET_FORWARD)
				return fc_error(c, -EOPNOTSUPP,
						"a nat chain at hook forward");
			fc->nat = true;
		} else if (strcmp(type, "filter")) {
			return fc_error(c, -EOPNOTSUPP,
					"chain type '%s' not supported", type);
		}
	}
	rs->nb_chains++;
	c->chain = NULL;
	return 0;
}

/*
 * A flowtable: hook ingress (the only one nf_tables has for them), its
 * devices the dataplane's ports, by name as meta iifname sees them.
 */
static int index_flowtable(struct fcompiler *c, struct nftnl_flowtable *nf)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct fflowtable *f = &rs->flowtables[rs->nb_flowtables];
	const struct nfv_filter_ifaces *ifs = rs->cfg.ifaces;
	const char *const *devs;
	const char *name;

	c->family = nftnl_flowtable_get_u32(nf, NFTNL_FLOWTABLE_FAMILY);
	c->table = nftnl_flowtable_get_str(nf, NFTNL_FLOWTABLE_TABLE);
	name = nftnl_flowtable_get_str(nf, NFTNL_FLOWTABLE_NAME);
	if (c->family != NFPROTO_IPV4 && c->family != NFPROTO_IPV6 &&
	    c->family != NFPROTO_INET)
		return fc_error(c, -EOPNOTSUPP, "flowtable %s: family not supported", name);
	if (nftnl_flowtable_is_set(nf, NFTNL_FLOWTABLE_HOOKNUM) &&
	    nftnl_flowtable_get_u32(nf, NFTNL_FLOWTABLE_HOOKNUM) != NF_NETDEV_INGRESS)
		return fc_error(c, -EOPNOTSUPP, "flowtable %s: hook %u not supported", name,
				nftnl_flowtable_get_u32(nf, NFTNL_FLOWTABLE_HOOKNUM));
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->table, sizeof(f->table), "%s", c->table);
	f->family = c->family;
	devs = nftnl_flowtable_is_set(nf, NFTNL_FLOWTABLE_DEVICES) ?
	       nftnl_flowtable_get_array(nf, NFTNL_FLOWTABLE_DEVICES) : NULL;
	for (unsigned int d = 0; devs != NULL && devs[d] != NULL; d++) {
		unsigned int p;

		for (p = 0; ifs != NULL && p < ifs->nb_ports && p < 64; p++)
			if (strncmp(ifs->port[p].name, devs[d], NFV_IFNAMSIZ) == 0)
				break;
		if (ifs == NULL || p == ifs->nb_ports || p == 64)
			return fc_error(c, -ENODEV, "flowtable %s: device '%s' is no port here",
					name, devs[d]);
		f->ports |= 1ull << p;
	}
	rs->nb_flowtables++;
	return 0;
}

static int count_flowtable(struct nftnl_flowtable *nf, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static int index_flowtable_cb(struct nftnl_flowtable *nf, void *arg)
{
	return index_flowtable(arg, nf);
}

static int index_flowtables(struct fcompiler *c, const struct nfv_nft_objs *o)
{
	unsigned int n = 0;

	if (o->flowtables == NULL)
		return 0;
	nftnl_flowtable_list_foreach(o->flowtables, count_flowtable, &n);
	c->rs->flowtables = calloc(n + 1, sizeof(*c->rs->flowtables));
	if (c->rs->flowtables == NULL)
		return -ENOMEM;
	return nftnl_flowtable_list_foreach(o->flowtables, index_flowtable_cb, c);
}

/*
 * Verdict maps name their jump/goto chains, object maps their objects;
 * now they have indexes.
 */
static int resolve_vmaps(struct fcompiler *c)
{
	struct nfv_filter_ruleset *rs = c->rs;
	int idx;

	for (uint32_t k = 0; k < rs->nb_sets; k++) {
		struct fset *s = &rs->sets[k];

		for (uint32_t i = 0; s->chains != NULL && i < fset_nb_data(s); i++) {
			if (s->chains[i] == NULL)
				continue;
			c->family = s->family;
			c->table = s->table;
			if (s->objmap) {
				idx = fc_obj_find(c, s->chains[i], s->obj_type);
				if (idx < 0)
					return fc_error(c, -ENOENT, "map %s: no object '%s' "
							"of type %u", s->name, s->chains[i],
							s->obj_type);
				s->data[i * 2] = idx;
				continue;
			}
			idx = fc_chain_find(c, s->chains[i]);
			if (idx < 0)
				return fc_error(c, -ENOENT, "map %s: no chain '%s'",
						s->name, s->chains[i]);
			s->data[i * 2 + 1] = idx;
		}
		fset_chains_free(s);
	}
	return 0;
}

static int cmp_base(const void *a, const void *b, void *arg)
{
	const struct fchain *chains = arg;
	const struct fchain *x = &chains[*(const uint16_t *)a];
	const struct fchain *y = &chains[*(const uint16_t *)b];

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return *(const uint16_t *)a - *(const uint16_t *)b;
}

static int index_base_chains(struct nfv_filter_ruleset *rs)
{
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		rs->base[h] = calloc(rs->nb_chains + 1, sizeof(uint16_t));
		rs->nat_base[h] = calloc(rs->nb_chains + 1, sizeof(uint16_t));
		if (rs->base[h] == NULL || rs->nat_base[h] == NULL)
			return -ENOMEM;
		for (unsigned int i = 0; i < rs->nb_chains; i++) {
			if (!rs->chains[i].base || rs->chains[i].hook != (int)h)
				continue;
			if (rs->chains[i].nat)
				rs->nat_base[h][rs->nb_nat_base[h]++] = i;
			else
				rs->base[h][rs->nb_base[h]++] = i;
		}
		rs->nb_nat += rs->nb_nat_base[h];
		qsort_r(rs->base[h], rs->nb_base[h], sizeof(uint16_t), cmp_base,
			rs->chains);
		qsort_r(rs->nat_base[h], rs->nb_nat_base[h], sizeof(uint16_t), cmp_base,
			rs->chains);
	}
	return 0;
}

static int count_objs(const struct nfv_nft_objs *o, unsigned int *nc, unsigned int *ns)
{
	struct nftnl_chain_list_iter *ci = nftnl_chain_list_iter_create(o->chains);
	struct nftnl_set_list_iter *si = nftnl_set_list_iter_create(o->sets);

	*nc = *ns = 0;
	if (ci == NULL || si == NULL) {
		if (ci)
			nftnl_chain_list_iter_destroy(ci);
		if (si)
			nftnl_set_list_iter_destroy(si);
		return -ENOMEM;
	}
	while (nftnl_chain_list_iter_next(ci))
		(*nc)++;
	while (nftnl_set_list_iter_next(si))
		(*ns)++;
	nftnl_chain_list_iter_destroy(ci);
	nftnl_set_list_iter_destroy(si);
	return *nc > UINT16_MAX ? -E2BIG : 0;
}

int fcompile_all(struct fcompiler *c, const struct nfv_nft_objs *o)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct nftnl_chain_list_iter *ci;
	struct nftnl_set_list_iter *si;
	struct nftnl_chain *ch;
	struct nftnl_set *s;
	unsigned int nc, ns, i;
	uint64_t now;
	int ret;

	ret = count_objs(o, &nc, &ns);
	if (ret)
		return ret;
	rs->chains = calloc(nc + 1, sizeof(*rs->chains));
	rs->sets = calloc(ns + 1, sizeof(*rs->sets));
	if (rs->chains == NULL || rs->sets == NULL)
		return -ENOMEM;

	/* named objects first: object maps and objref rules name them */
	ret = fobj_index_all(c, o);
	if (ret)
		return ret;
	/* element timeouts count from here: the ruleset's load */
	now = rs->cfg.clock != NULL ? rs->cfg.clock() : rte_get_tsc_cycles();
	si = nftnl_set_list_iter_create(o->sets);
	if (si == NULL)
		return -ENOMEM;
	while (ret == 0 && (s = nftnl_set_list_iter_next(si)) != NULL) {
		c->family = nftnl_set_get_u32(s, NFTNL_SET_FAMILY);
		c->table = nftnl_set_get_str(s, NFTNL_SET_TABLE);
		ret = fset_build(&rs->sets[rs->nb_sets], s, now, rs->cfg.hz,
				 c->err, c->errlen);
		if (ret == 0)
			rs->nb_sets++;
	}
	nftnl_set_list_iter_destroy(si);
	if (ret)
		return ret;

	ci = nftnl_chain_list_iter_create(o->chains);
	if (ci == NULL)
		return -ENOMEM;
	while (ret == 0 && (ch = nftnl_chain_list_iter_next(ci)) != NULL)
		ret = index_chain(c, ch);
	nftnl_chain_list_iter_destroy(ci);
	if (ret)
		return ret;

	ret = resolve_vmaps(c);
	if (ret == 0)
		ret = index_flowtables(c, o);
	if (ret)
		return ret;
	ci = nftnl_chain_list_iter_create(o->chains);
	if (ci == NULL)
		return -ENOMEM;
	for (i = 0; ret == 0 && (ch = nftnl_chain_list_iter_next(ci)) != NULL; i++)
		ret = fc_compile_chain(c, o, ch, i);
	nftnl_chain_list_iter_destroy(ci);
	if (ret)
		return ret;
	return index_base_chains(rs);
}
