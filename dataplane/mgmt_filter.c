/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management requests of the filter module: the ruleset listing with
 * counters, filter info, chunked ruleset loads (the mirror's kernel
 * table, nfvpnd's compiled nft text) and the conntrack table (list, flush).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <rte_cycles.h>
#include <rte_string_fns.h>

#include "dp.h"
#include "filter_apply.h"
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

static int show_ruleset(struct nfv_filter_ctl *fc, struct nfv_buf *b)
{
	const struct nfv_filter_ruleset *rs = nfv_filter_current(fc->filter);
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_filter_obj));

	for (uint32_t i = 0; l != NULL && i < fc->nb_listing; i++) {
		struct nfv_msg_filter_obj *o = nfv_buf_put(b, sizeof(*o));
		struct nfv_filter_rule_info ri;

		if (o == NULL)
			return -ENOMEM;
		*o = fc->listing[i];
		if (o->kind == NFV_FILTER_OBJ_RULE) {
			uint64_t idx = o->packets;

			o->packets = 0;
			if (idx != 0 && rs != NULL && nfv_filter_rule_get(rs, idx - 1, &ri) == 0) {
				o->packets = ri.packets;
				o->bytes = ri.bytes;
			}
		}
		l = (struct nfv_msg_list *)b->p;
		l->count++;
	}
	return l == NULL ? -ENOMEM : 0;
}

static int show_info(struct nfv_filter_ctl *fc, struct nfv_buf *b)
{
	struct nfv_msg_filter_info *r = nfv_buf_put(b, sizeof(*r));
	const struct nfv_filter_ruleset *rs = nfv_filter_current(fc->filter);
	struct nfv_ct_stats st;

	if (r == NULL)
		return -ENOMEM;
	r->source = fc->source;
	r->conntrack = fc->ct != NULL;
	r->rules = rs != NULL ? nfv_filter_rule_count(rs) : 0;
	r->loads = fc->loads;
	r->load_errors = fc->load_errors;
	r->generation = fc->generation;
	rte_strlcpy(r->origin, fc->origin, sizeof(r->origin));
	rte_strlcpy(r->last_error, fc->last_error, sizeof(r->last_error));
	r->log_records = fc->log_records;
	if (fc->ct != NULL) {
		nfv_ct_stats_sum(fc->ct, &st);
		r->ct_count = nfv_ct_count(fc->ct);
		r->ct_max = fc->ct_max;
		r->ct_new = st.new_conns;
		r->ct_invalid = st.invalid;
		r->ct_related = st.related;
		r->ct_table_full = st.table_full;
	}
	return 0;
}

struct ct_dump {
	struct nfv_buf *b;
	uint64_t now, hz;
	int err;
};

static void ct_addr(struct nfv_msg_ct_addr *a, const struct nfv_ct_tuple *t)
{
	memcpy(a->src, t->src, 16);
	memcpy(a->dst, t->dst, 16);
	a->sport = t->sport;
	a->dport = t->dport;
}

static void ct_one(const struct nfv_ct *ct, void *arg)
{
	struct ct_dump *d = arg;
	struct nfv_msg_ct *r = nfv_buf_put(d->b, sizeof(*r));
	uint64_t exp = __atomic_load_n(&ct->expires, __ATOMIC_RELAXED);

	if (r == NULL) {
		d->err = -ENOMEM;
		return;
	}
	r->family = ct->tuple[0].family;
	r->proto = ct->tuple[0].proto;
	r->tcp_state = ct->tcp_state;
	r->status = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
	r->mark = __atomic_load_n(&ct->mark, __ATOMIC_RELAXED);
	r->expires_s = exp > d->now ? (exp - d->now) / d->hz : 0;
	ct_addr(&r->orig, &ct->tuple[0]);
	ct_addr(&r->reply, &ct->tuple[1]);
	((struct nfv_msg_list *)d->b->p)->count++;
}

static int show_ct(struct nfv_filter_ctl *fc, struct nfv_buf *b)
{
	struct ct_dump d = { .b = b, .now = rte_rdtsc(), .hz = rte_get_tsc_hz() };

	if (nfv_buf_list(b, sizeof(struct nfv_msg_ct)) == NULL)
		return -ENOMEM;
	if (fc->ct != NULL)
		nfv_ct_foreach(fc->ct, ct_one, &d);
	return d.err;
}

/* LOAD_DATA: appends to the staging buffer of the open transaction. */
static int load_data(struct nfv_filter_ctl *fc, const struct nfv_msg_hdr *h,
		     const void *payload, char *why, size_t whylen)
{
	const struct nfv_msg_filter_data *d = payload;

	if (h->len < sizeof(*d) || h->len - sizeof(*d) < d->len ||
	    d->len > NFV_MSG_FILTER_CHUNK_MAX) {
		snprintf(why, whylen, "malformed ruleset chunk");
		return -EINVAL;
	}
	if (fc->txn == 0 || (d->txn != NFV_MSG_FILTER_TXN_OPEN && d->txn != fc->txn)) {
		snprintf(why, whylen, "no open load transaction %u", d->txn);
		return -ESRCH;
	}
	if (fc->stage_len + d->len > fc->stage_cap) {
		size_t cap = fc->stage_cap ? fc->stage_cap : 1u << 16;
		uint8_t *ns;

		while (cap < fc->stage_len + d->len)
			cap *= 2;
		if (cap > NFV_MSG_PAYLOAD_MAX * 4u || (ns = realloc(fc->stage, cap)) == NULL) {
			snprintf(why, whylen, "ruleset too large");
			return -ENOMEM;
		}
		fc->stage = ns;
		fc->stage_cap = cap;
	}
	memcpy(fc->stage + fc->stage_len, d->data, d->len);
	fc->stage_len += d->len;
	return 0;
}

/* LOAD_COMMIT: parses the staged netlink messages, compiles, swaps. */
static int load_commit(struct nfv_dp *dp, struct nfv_filter_ctl *fc, const struct nfv_msg_hdr *h,
		       const void *payload, char *why, size_t whylen)
{
	struct nfv_msg_filter_commit cm;
	struct nfv_nft_objs objs;
	int ret;

	if (h->len < sizeof(cm)) {
		snprintf(why, whylen, "malformed commit");
		return -EINVAL;
	}
	memcpy(&cm, payload, sizeof(cm));
	cm.origin[sizeof(cm.origin) - 1] = '\0';
	if (fc->txn == 0 || (cm.txn != NFV_MSG_FILTER_TXN_OPEN && cm.txn != fc->txn)) {
		snprintf(why, whylen, "no open load transaction %u", cm.txn);
		return -ESRCH;
	}
	if (cm.source != NFV_FILTER_SOURCE_POLICY && cm.source != NFV_FILTER_SOURCE_MIRROR) {
		snprintf(why, whylen, "unknown ruleset source %u", cm.source);
		return -EINVAL;
	}
	fc->txn = 0;
	ret = nfv_nft_objs_init(&objs);
	if (ret < 0)
		return ret;
	ret = nfv_nft_objs_add_stream(&objs, fc->stage, fc->stage_len, why, whylen);
	if (ret == 0)
		ret = nfv_filter_ctl_load(dp, &objs, cm.source, cm.origin, why, whylen);
	else
		fc->load_errors++;
	nfv_nft_objs_fini(&objs);
	fc->stage_len = 0;
	return ret;
}

static int handle(struct nfv_dp *dp, struct nfv_filter_ctl *fc, const struct nfv_msg_hdr *h,
		  const void *payload, struct nfv_buf *b, char *why, size_t whylen)
{
	struct nfv_msg_filter_txn *t;

	switch (h->type) {
	case NFV_MSG_FILTER_RULESET:
		return show_ruleset(fc, b);
	case NFV_MSG_FILTER_INFO:
		return show_info(fc, b);
	case NFV_MSG_CT_LIST:
		return show_ct(fc, b);
	case NFV_MSG_CT_FLUSH:
		/* every connection is past "now" at the end of time */
		if (fc->ct != NULL)
			nfv_ct_gc(fc->ct, UINT64_MAX);
		return 0;
	case NFV_MSG_FILTER_LOAD_BEGIN:
		/* a new transaction drops an unfinished one (a mirror restarted) */
		t = nfv_buf_put(b, sizeof(*t));
		if (t == NULL)
			return -ENOMEM;
		fc->txn = fc->txn_next++;
		if (fc->txn_next == 0)
			fc->txn_next = 1;
		fc->stage_len = 0;
		t->txn = fc->txn;
		return 0;
	case NFV_MSG_FILTER_LOAD_DATA:
		return load_data(fc, h, payload, why, whylen);
	case NFV_MSG_FILTER_LOAD_COMMIT:
		return load_commit(dp, fc, h, payload, why, whylen);
	}
	snprintf(why, whylen, "unknown filter request %u", h->type);
	return -EOPNOTSUPP;
}

int nfv_mgmt_filter(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		    const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);
	struct nfv_buf b = { 0 };
	char why[512] = "";
	int ret;

	if (fc == NULL)
		return nfv_mgmt_error(c, h->seq, -ENOTSUP,
				      "the policy has no filter section");
	ret = handle(dp, fc, h, payload, &b, why, sizeof(why));
	if (ret == 0 && b.err)
		ret = b.err;
	if (ret < 0) {
		nfv_buf_fini(&b);
		return nfv_mgmt_error(c, h->seq, ret, "%s", why[0] ? why : strerror(-ret));
	}
	ret = nfv_mgmt_send(c, h->type, h->seq, 0, b.p, b.len);
	nfv_buf_fini(&b);
	return ret;
}
