/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named stateful objects and objref, as the kernel's nft_objref with
 * nft_counter_obj, nft_quota_obj and nft_limit_obj: "counter name c1",
 * "quota name q1", "limit name l1", and a map from a key to an object
 * ("counter name ip saddr map { 10.0.0.1 : c1, * : c2 }").
 *
 * Each object is one state for all workers and for every rule that names
 * it, as the kernel's object is one for all CPUs and rules: a counter's
 * packets and bytes are atomic adds on a shared line (the kernel's are
 * per CPU and summed when read: the same figures), a quota's bytes
 * consumed as expr/quota.c, a limit's bucket as expr/limit.c. A dump's
 * values (nfvpn-nftc's, the mirror's) are where they start; a new ruleset
 * starts from what it says, as "nft -f" with "flush ruleset" does.
 * Objects of other types (ct helper, ct timeout, ct expectation,
 * synproxy, secmark, tunnel) may exist; a rule that names one is refused.
 *
 *   OBJREF      arg: index in rs->objs
 *   OBJREF_MAP  arg: set index (an object map), sreg, len: its key
 */
FEXPR(objref, FOP(OBJREF, objref_eval) FOP(OBJREF_MAP, objref_map_eval))
#ifdef FEXPR_CODE
#include <errno.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>

#include "filter_prog.h"

struct fobj_counter {
	uint64_t packets;	/* written by every worker */
	uint64_t bytes;
};

/* nft's names of the object types, for what is refused */
static const char *fobj_type_name(uint32_t type)
{
	static const char *const names[] = {
		[NFT_OBJECT_COUNTER] = "counter", [NFT_OBJECT_QUOTA] = "quota",
		[NFT_OBJECT_CT_HELPER] = "ct helper", [NFT_OBJECT_LIMIT] = "limit",
		[NFT_OBJECT_CONNLIMIT] = "connlimit", [NFT_OBJECT_TUNNEL] = "tunnel",
		[NFT_OBJECT_CT_TIMEOUT] = "ct timeout", [NFT_OBJECT_SECMARK] = "secmark",
		[NFT_OBJECT_CT_EXPECT] = "ct expectation", [NFT_OBJECT_SYNPROXY] = "synproxy",
	};

	return type < RTE_DIM(names) && names[type] != NULL ? names[type] : "unknown";
}

/* The state of one object, as its type's init does; priv UINT32_MAX: none here. */
static int fobj_state_init(struct fcompiler *c, struct nftnl_obj *o, struct fobj *f)
{
	struct fobj_counter ctr;
	struct quota_priv q = { 0 };
	struct limit_priv l = { 0 };
	uint32_t flags;
	int ret;

	switch (f->type) {
	case NFT_OBJECT_COUNTER:
		ctr.packets = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
		ctr.bytes = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_BYTES);
		return fc_priv_add(c, &ctr, sizeof(ctr), &f->priv);
	case NFT_OBJECT_QUOTA:
		q.quota = nftnl_obj_get_u64(o, NFTNL_OBJ_QUOTA_BYTES);
		q.consumed = nftnl_obj_get_u64(o, NFTNL_OBJ_QUOTA_CONSUMED);
		flags = nftnl_obj_get_u32(o, NFTNL_OBJ_QUOTA_FLAGS);
		if (flags & ~(uint32_t)(NFT_QUOTA_F_INV | NFT_QUOTA_F_DEPLETED))
			return fc_error(c, -EINVAL, "quota %s: flags 0x%x not supported",
					f->name, flags);
		if (q.quota > INT64_MAX || q.consumed > q.quota)
			return fc_error(c, -EOVERFLOW, "quota %s: %" PRIu64 " bytes, %"
					PRIu64 " used", f->name, q.quota, q.consumed);
		q.inv = !!(flags & NFT_QUOTA_F_INV);
		return fc_priv_add(c, &q, sizeof(q), &f->priv);
	case NFT_OBJECT_LIMIT:
		ret = limit_params_init(c, &l.l, nftnl_obj_get_u64(o, NFTNL_OBJ_LIMIT_RATE),
					nftnl_obj_get_u64(o, NFTNL_OBJ_LIMIT_UNIT),
					nftnl_obj_get_u32(o, NFTNL_OBJ_LIMIT_BURST),
					nftnl_obj_get_u32(o, NFTNL_OBJ_LIMIT_TYPE),
					nftnl_obj_get_u32(o, NFTNL_OBJ_LIMIT_FLAGS));
		return ret ? ret : fc_priv_add(c, &l, sizeof(l), &f->priv);
	}
	f->priv = UINT32_MAX;
	return 0;
}

int fobj_index_all(struct fcompiler *c, const struct nfv_nft_objs *objs)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct nftnl_obj_list_iter *it;
	struct nftnl_obj *o;
	unsigned int n = 0;
	int ret = 0;

	if (objs->objs == NULL)
		return 0;
	it = nftnl_obj_list_iter_create(objs->objs);
	if (it == NULL)
		return -ENOMEM;
	while (nftnl_obj_list_iter_next(it) != NULL)
		n++;
	nftnl_obj_list_iter_destroy(it);
	rs->objs = calloc(n + 1, sizeof(*rs->objs));
	it = nftnl_obj_list_iter_create(objs->objs);
	if (rs->objs == NULL || it == NULL) {
		if (it != NULL)
			nftnl_obj_list_iter_destroy(it);
		return -ENOMEM;
	}
	while (ret == 0 && (o = nftnl_obj_list_iter_next(it)) != NULL) {
		struct fobj *f = &rs->objs[rs->nb_objs];

		c->family = nftnl_obj_get_u32(o, NFTNL_OBJ_FAMILY);
		c->table = nftnl_obj_get_str(o, NFTNL_OBJ_TABLE);
		snprintf(f->name, sizeof(f->name), "%s", nftnl_obj_get_str(o, NFTNL_OBJ_NAME));
		snprintf(f->table, sizeof(f->table), "%s", c->table);
		f->family = c->family;
		f->type = nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE);
		if (c->family != NFPROTO_IPV4 && c->family != NFPROTO_IPV6 &&
		    c->family != NFPROTO_INET)
			ret = fc_error(c, -EOPNOTSUPP, "%s %s: family not supported",
				       fobj_type_name(f->type), f->name);
		else
			ret = fobj_state_init(c, o, f);
		if (ret == 0)
			rs->nb_objs++;
	}
	nftnl_obj_list_iter_destroy(it);
	return ret;
}

static int fobj_usable(struct fcompiler *c, uint32_t type)
{
	switch (type) {
	case NFT_OBJECT_COUNTER:
	case NFT_OBJECT_QUOTA:
	case NFT_OBJECT_LIMIT:
		return 0;
	}
	return fc_error(c, -EOPNOTSUPP, "expression 'objref': a named %s object is "
			"not supported", fobj_type_name(type));
}

static int objref_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	const char *name;
	struct finsn *i;
	uint32_t type;
	int idx, ret;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_SET_NAME)) {
		const struct fset *s;

		name = nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_SET_NAME);
		idx = fc_set_find(c, name);
		if (idx < 0)
			return fc_error(c, -ENOENT, "expression 'objref': no map '%s'", name);
		s = &c->rs->sets[idx];
		if (!s->objmap)
			return fc_error(c, -EINVAL, "expression 'objref': set '%s' is not "
					"an object map", name);
		ret = fobj_usable(c, s->obj_type);
		if (ret)
			return ret;
		i = fc_emit(c, FOP_OBJREF_MAP);
		if (i == NULL)
			return -ENOMEM;
		i->arg = idx;
		i->len = s->key_len;
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_SET_SREG),
				    s->key_len, &i->sreg);
	}
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_NAME) ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_TYPE))
		return fc_error(c, -EINVAL, "expression 'objref' malformed");
	name = nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_IMM_NAME);
	type = nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE);
	ret = fobj_usable(c, type);
	if (ret)
		return ret;
	idx = fc_obj_find(c, name, type);
	if (idx < 0)
		return fc_error(c, -ENOENT, "expression 'objref': no %s '%s'",
				fobj_type_name(type), name);
	i = fc_emit(c, FOP_OBJREF);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	return 0;
}

/* The object's eval: nft_counter_obj_eval(), nft_quota_obj_eval(), nft_limit_obj_pkts_eval() */
static __rte_noinline int32_t fobj_eval(const struct nfv_filter_ruleset *rs,
					const struct fobj *o, const struct fpkt *p,
					const struct nfv_hook_state *st)
{
	struct fobj_counter *ctr;
	struct limit_priv *l;
	struct quota_priv *q;

	switch (o->type) {
	case NFT_OBJECT_COUNTER:
		ctr = fpriv(rs, o->priv);
		__atomic_add_fetch(&ctr->packets, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&ctr->bytes, p->len, __ATOMIC_RELAXED);
		return NFT_CONTINUE;
	case NFT_OBJECT_QUOTA:
		q = fpriv(rs, o->priv);
		return (__atomic_add_fetch(&q->consumed, p->len, __ATOMIC_RELAXED) >= q->quota) ^
		       q->inv ? NFT_BREAK : NFT_CONTINUE;
	case NFT_OBJECT_LIMIT:
		l = fpriv(rs, o->priv);
		return limit_pass(&l->l, &l->tat, st->now, p->len) ? NFT_CONTINUE : NFT_BREAK;
	}
	return NFT_BREAK;	/* not compiled: fobj_usable() */
}

static inline int32_t objref_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	return fobj_eval(rs, &rs->objs[i->arg], p, st);
}

/* nft_objref_map_eval(): no element, no object: the rule ends */
static inline int32_t objref_map_eval(const struct nfv_filter_ruleset *rs,
				      const struct finsn *i, uint32_t *regs,
				      const struct fpkt *p,
				      const struct nfv_hook_state *st)
{
	const uint32_t *d = fset_lookup(&rs->sets[i->arg], &regs[i->sreg], st->now);

	if (d == NULL)
		return NFT_BREAK;
	return fobj_eval(rs, &rs->objs[d[0]], p, st);
}

unsigned int nfv_filter_obj_count(const struct nfv_filter_ruleset *rs)
{
	return rs->nb_objs;
}

int nfv_filter_obj_get(const struct nfv_filter_ruleset *rs, unsigned int i,
		       struct nfv_filter_obj_info *info)
{
	const struct fobj *o;
	const struct fobj_counter *ctr;
	const struct quota_priv *q;

	if (i >= rs->nb_objs)
		return -ENOENT;
	o = &rs->objs[i];
	memset(info, 0, sizeof(*info));
	info->table = o->table;
	info->name = o->name;
	info->family = o->family;
	info->type = o->type;
	if (o->type == NFT_OBJECT_COUNTER) {
		ctr = fpriv(rs, o->priv);
		info->packets = __atomic_load_n(&ctr->packets, __ATOMIC_RELAXED);
		info->bytes = __atomic_load_n(&ctr->bytes, __ATOMIC_RELAXED);
	} else if (o->type == NFT_OBJECT_QUOTA) {
		/* as nft_quota_do_dump(): a spent quota shows what it allowed
		 * (and nf_tables takes no more back) */
		q = fpriv(rs, o->priv);
		info->bytes = RTE_MIN(__atomic_load_n(&q->consumed, __ATOMIC_RELAXED), q->quota);
	}
	return 0;
}

/*
 * "nft reset counters", "nft reset quotas": what nfv_filter_obj_get()
 * reads, then taken off, as nft_counter_reset() and nft_quota_do_dump()
 * with reset subtract what they dumped (what workers add meanwhile stays).
 * Limits have nothing to reset: -EOPNOTSUPP.
 */
int nfv_filter_obj_reset(const struct nfv_filter_ruleset *rs, unsigned int i,
			 struct nfv_filter_obj_info *info)
{
	struct fobj_counter *ctr;
	struct quota_priv *q;
	uint64_t consumed;
	int ret = nfv_filter_obj_get(rs, i, info);

	if (ret < 0)
		return ret;
	switch (info->type) {
	case NFT_OBJECT_COUNTER:
		ctr = fpriv(rs, rs->objs[i].priv);
		__atomic_fetch_sub(&ctr->packets, info->packets, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&ctr->bytes, info->bytes, __ATOMIC_RELAXED);
		return 0;
	case NFT_OBJECT_QUOTA:
		/* the whole consumption, over the quota too, as the kernel */
		q = fpriv(rs, rs->objs[i].priv);
		consumed = __atomic_load_n(&q->consumed, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&q->consumed, consumed, __ATOMIC_RELAXED);
		return 0;
	}
	return -EOPNOTSUPP;
}
#endif
