/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The listing of the running ruleset (nfvpnctl ruleset): its tables,
 * chains, rules and sets, each rule tied to its counters by handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <rte_cycles.h>
#include <rte_string_fns.h>

#include "dp.h"
#include "filter.h"
#include "mgmt.h"
#include "nfv_ct.h"
#include "nfv_filter.h"

/* A rule of the compiled ruleset, to find its counters by handle. */
struct rule_key {
	uint64_t handle;
	uint32_t family;
	uint32_t idx;
	const char *table;
	const char *chain;
};

static int key_cmp(const void *a, const void *b)
{
	const struct rule_key *x = a, *y = b;
	int c;

	if (x->handle != y->handle)
		return x->handle < y->handle ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = strcmp(x->table, y->table);
	return c ? c : strcmp(x->chain, y->chain);
}

static bool same_table(const char *t1, uint32_t f1, const char *t2, uint32_t f2)
{
	return f1 == f2 && strcmp(t1, t2) == 0;
}

/* "[ payload load 2b @ transport header + 2 => reg 1 ] [ cmp eq ... ]" */
static void rule_text(struct nftnl_rule *r, char *buf, size_t size)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	size_t off = 0;
	char body[256];

	buf[0] = '\0';
	while (it != NULL && (e = nftnl_expr_iter_next(it)) != NULL && off < size) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

		if (strcmp(name, "counter") == 0)
			body[0] = '\0';	/* shown live beside the rule */
		else if (nftnl_expr_snprintf(body, sizeof(body), e, NFTNL_OUTPUT_DEFAULT, 0) < 0)
			body[0] = '\0';
		off += snprintf(buf + off, size - off, "%s[ %s %s]", off ? " " : "", name, body);
	}
	if (it != NULL)
		nftnl_expr_iter_destroy(it);
}

static int count_elem(struct nftnl_set_elem *e, void *arg)
{
	RTE_SET_USED(e);
	(*(uint32_t *)arg)++;
	return 0;
}

struct listing {
	struct nfv_msg_filter_obj *v;
	uint32_t n, cap;
};

static struct nfv_msg_filter_obj *listing_add(struct listing *l, uint8_t kind, uint32_t family,
					      const char *table, const char *name)
{
	struct nfv_msg_filter_obj *o;

	if (l->n == l->cap) {
		uint32_t cap = l->cap ? 2 * l->cap : 64;
		void *nv = realloc(l->v, cap * sizeof(*l->v));

		if (nv == NULL)
			return NULL;
		l->v = nv;
		l->cap = cap;
	}
	o = &l->v[l->n++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->family = family;
	rte_strlcpy(o->table, table, sizeof(o->table));
	if (name != NULL)
		rte_strlcpy(o->name, name, sizeof(o->name));
	return o;
}

static int list_chain(struct listing *l, struct nftnl_chain *c, const struct nfv_nft_objs *objs,
		      const struct rule_key *keys, uint32_t nkeys)
{
	const char *table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	const char *name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	uint32_t family = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	struct nfv_msg_filter_obj *o = listing_add(l, NFV_FILTER_OBJ_CHAIN, family, table, name);
	struct nftnl_rule_list_iter *it;
	struct nftnl_rule *r;

	if (o == NULL)
		return -ENOMEM;
	o->handle = nftnl_chain_get_u64(c, NFTNL_CHAIN_HANDLE);
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		o->base = 1;
		o->hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		o->priority = (int32_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_PRIO);
		o->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
			    nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : NFV_ACCEPT;
	}
	it = nftnl_rule_list_iter_create(objs->rules);
	if (it == NULL)
		return -ENOMEM;
	while ((r = nftnl_rule_list_iter_next(it)) != NULL) {
		struct rule_key k = {
			.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE),
			.family = nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
			.table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE),
			.chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN),
		};
		const struct rule_key *found;

		if (k.family != family || strcmp(k.table, table) || strcmp(k.chain, name))
			continue;
		o = listing_add(l, NFV_FILTER_OBJ_RULE, family, table, name);
		if (o == NULL)
			break;
		o->handle = k.handle;
		found = bsearch(&k, keys, nkeys, sizeof(*keys), key_cmp);
		o->packets = found ? found->idx + 1 : 0;
		rule_text(r, o->text, sizeof(o->text));
	}
	nftnl_rule_list_iter_destroy(it);
	return o == NULL ? -ENOMEM : 0;
}

/*
 * The named objects of a table; each tied to its values by its place in
 * the ruleset's objects (the compiler indexes them all, in this order).
 */
static int list_objects(struct listing *l, const char *table, uint32_t family,
			const struct nfv_nft_objs *objs)
{
	struct nftnl_obj_list_iter *it;
	struct nfv_msg_filter_obj *o;
	struct nftnl_obj *ob;
	uint32_t idx = 0;
	int ret = 0;

	if (objs->objs == NULL)
		return 0;
	it = nftnl_obj_list_iter_create(objs->objs);
	if (it == NULL)
		return -ENOMEM;
	for (; (ob = nftnl_obj_list_iter_next(it)) != NULL; idx++) {
		if (!same_table(nftnl_obj_get_str(ob, NFTNL_OBJ_TABLE),
				nftnl_obj_get_u32(ob, NFTNL_OBJ_FAMILY), table, family))
			continue;
		o = listing_add(l, NFV_FILTER_OBJ_OBJECT, family, table,
				nftnl_obj_get_str(ob, NFTNL_OBJ_NAME));
		if (o == NULL) {
			ret = -ENOMEM;
			break;
		}
		o->handle = nftnl_obj_get_u64(ob, NFTNL_OBJ_HANDLE);
		o->policy = nftnl_obj_get_u32(ob, NFTNL_OBJ_TYPE);
		o->packets = idx + 1;	/* list_ruleset() puts the values there */
	}
	nftnl_obj_list_iter_destroy(it);
	return ret;
}

static int list_table(struct listing *l, struct nftnl_table *t, const struct nfv_nft_objs *objs,
		      const struct rule_key *keys, uint32_t nkeys)
{
	const char *name = nftnl_table_get_str(t, NFTNL_TABLE_NAME);
	uint32_t family = nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
	struct nfv_msg_filter_obj *o = listing_add(l, NFV_FILTER_OBJ_TABLE, family, name, NULL);
	struct nftnl_chain_list_iter *ci;
	struct nftnl_set_list_iter *si;
	struct nftnl_chain *c;
	struct nftnl_set *s;
	int ret = 0;

	if (o == NULL)
		return -ENOMEM;
	o->handle = nftnl_table_get_u64(t, NFTNL_TABLE_HANDLE);
	ret = list_objects(l, name, family, objs);
	if (ret)
		return ret;
	si = nftnl_set_list_iter_create(objs->sets);
	while (si != NULL && (s = nftnl_set_list_iter_next(si)) != NULL) {
		if (!same_table(nftnl_set_get_str(s, NFTNL_SET_TABLE),
				nftnl_set_get_u32(s, NFTNL_SET_FAMILY), name, family))
			continue;
		o = listing_add(l, NFV_FILTER_OBJ_SET, family, name,
				nftnl_set_get_str(s, NFTNL_SET_NAME));
		if (o == NULL) {
			ret = -ENOMEM;
			break;
		}
		o->handle = nftnl_set_get_u64(s, NFTNL_SET_HANDLE);
		nftnl_set_elem_foreach(s, count_elem, &o->nelems);
	}
	if (si != NULL)
		nftnl_set_list_iter_destroy(si);
	ci = nftnl_chain_list_iter_create(objs->chains);
	while (ret == 0 && ci != NULL && (c = nftnl_chain_list_iter_next(ci)) != NULL)
		if (same_table(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
			       nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY), name, family))
			ret = list_chain(l, c, objs, keys, nkeys);
	if (ci != NULL)
		nftnl_chain_list_iter_destroy(ci);
	return si == NULL || ci == NULL ? -ENOMEM : ret;
}

int nfv_filter_listing_build(const struct nfv_nft_objs *objs,
			     const struct nfv_filter_ruleset *rs,
			     struct nfv_msg_filter_obj **out, uint32_t *nb)
{
	uint32_t nkeys = nfv_filter_rule_count(rs);
	struct rule_key *keys = calloc(nkeys ? nkeys : 1, sizeof(*keys));
	struct listing l = { 0 };
	struct nftnl_table_list_iter *ti;
	struct nftnl_table *t;
	int ret = 0;

	if (keys == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < nkeys; i++) {
		struct nfv_filter_rule_info ri;

		nfv_filter_rule_get(rs, i, &ri);
		keys[i] = (struct rule_key){ ri.handle, ri.family, i, ri.table, ri.chain };
	}
	qsort(keys, nkeys, sizeof(*keys), key_cmp);
	ti = nftnl_table_list_iter_create(objs->tables);
	if (ti == NULL)
		ret = -ENOMEM;
	while (ret == 0 && (t = nftnl_table_list_iter_next(ti)) != NULL)
		ret = list_table(&l, t, objs, keys, nkeys);
	if (ti != NULL)
		nftnl_table_list_iter_destroy(ti);
	free(keys);
	if (ret < 0) {
		free(l.v);
		return ret;
	}
	*out = l.v;
	*nb = l.n;
	return 0;
}
