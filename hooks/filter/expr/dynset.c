/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dynset: a packet's key added to, updated in or deleted from a dynamic
 * set (set_dynamic.c), as nft_dynset_eval(): add, update (which also
 * renews the timeout of an element that has one) and delete; the
 * element's own expressions, a limit, a counter and a ct count, run in
 * their order for every packet that finds or makes it (meters: "add @m {
 * ip saddr limit rate over 10/second } drop", "add @m { ip saddr ct count
 * over 2 }"); a limit over its rate or a ct count that does not hold ends
 * the rule, and so does a full set (inverted: the other way round). A ct
 * count's connections are the element's own list (ct_count.c), DYN_CONN_CAP
 * long; an element whose list empties is forgotten by the GC, as the
 * kernel's nft_connlimit_gc() has it.
 *
 *   DYNSET  a: op, b: inverted, sreg, len: key length, arg: set index,
 *           arg2: its struct dynset_priv (fpriv)
 */
FEXPR(dynset, FOP(DYNSET, dynset_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

/* Connections each element's ct count keeps; N must stay below */
#define DYN_CONN_CAP 16

enum dynset_op { DYN_COUNTER, DYN_LIMIT, DYN_CONNLIMIT };

struct dynset_priv {
	uint64_t timeout;		/* now units; 0: the set's */
	uint8_t ops[3];			/* enum dynset_op, in the rule's order */
	uint8_t nb_ops;
	bool conn_inv;			/* ct count over */
	uint32_t conn_count;		/* its N */
	struct limit_params limit;	/* each element's, from the expression */
};

struct dynset_expr_ctx {
	struct fcompiler *c;
	struct dynset_priv *d;
	int ret;
};

/* The expressions each element carries: a limit, a counter. */
static int dynset_expr_one(struct nftnl_expr *e, void *arg)
{
	struct dynset_expr_ctx *x = arg;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	struct dynset_priv *d = x->d;
	uint32_t flags;

	/* the kernel takes at most one of each (NFT_SET_EXPR_MAX is 2) */
	for (uint8_t k = 0; k < d->nb_ops; k++)
		if (strcmp(name, d->ops[k] == DYN_COUNTER ? "counter" : d->ops[k] == DYN_LIMIT ?
			   "limit" : "connlimit") == 0)
			return x->ret = fc_error(x->c, -EOPNOTSUPP, "expression 'dynset': "
						 "element expression '%s' twice", name);
	if (strcmp(name, "limit") == 0) {
		x->ret = limit_parse(x->c, e, &d->limit);
		d->ops[d->nb_ops++] = DYN_LIMIT;
	} else if (strcmp(name, "counter") == 0) {
		d->ops[d->nb_ops++] = DYN_COUNTER;
	} else if (strcmp(name, "connlimit") == 0) {
		d->conn_count = nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_COUNT);
		flags = nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_FLAGS);
		d->conn_inv = !!(flags & NFT_CONNLIMIT_F_INV);
		if (d->conn_count >= DYN_CONN_CAP)
			return x->ret = fc_error(x->c, -EOPNOTSUPP, "expression 'dynset': ct "
						 "count %u in an element: at most %u here",
						 d->conn_count, DYN_CONN_CAP - 1);
		d->ops[d->nb_ops++] = DYN_CONNLIMIT;
	} else {
		x->ret = fc_error(x->c, -EOPNOTSUPP, "expression 'dynset': element expression "
				  "'%s' not supported", name);
	}
	return x->ret;
}

static int dynset_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_DYNSET_SET_NAME);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_OP);
	int set = name ? fc_set_find(c, name) : -ENOENT;
	struct dynset_priv d = { 0 };
	struct dynset_expr_ctx x = { .c = c, .d = &d };
	struct fset *s;
	struct finsn *i;
	uint32_t idx;
	uint64_t ms;

	if (set < 0)
		return fc_error(c, -ENOENT, "expression 'dynset': no set '%s'", name ? name : "?");
	s = &c->rs->sets[set];
	if (!s->dynamic)
		return fc_error(c, -EOPNOTSUPP, "expression 'dynset': set '%s' is not dynamic",
				name);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_DYNSET_SREG_DATA))
		return fc_error(c, -EOPNOTSUPP, "expression 'dynset': elements with data "
				"(a dynamic map) not supported");
	if (op != NFT_DYNSET_OP_ADD && op != NFT_DYNSET_OP_UPDATE && op != NFT_DYNSET_OP_DELETE)
		return fc_error(c, -EOPNOTSUPP, "expression 'dynset': operation %u", op);
	if (nftnl_expr_expr_foreach(e, dynset_expr_one, &x) < 0 || x.ret < 0)
		return x.ret < 0 ? x.ret : -ENOMEM;
	for (uint8_t k = 0; k < d.nb_ops; k++)
		if (d.ops[k] == DYN_CONNLIMIT)
			s->dyn_conn_cap = DYN_CONN_CAP;	/* the set's elements get lists */
	if (nftnl_expr_is_set(e, NFTNL_EXPR_DYNSET_TIMEOUT)) {
		ms = nftnl_expr_get_u64(e, NFTNL_EXPR_DYNSET_TIMEOUT);
		d.timeout = ms / 1000 * c->rs->cfg.hz + ms % 1000 * c->rs->cfg.hz / 1000;
	}
	if (fc_priv_add(c, &d, sizeof(d), &idx))
		return -ENOMEM;
	i = fc_emit(c, FOP_DYNSET);
	if (i == NULL)
		return -ENOMEM;
	i->a = op;
	i->b = nftnl_expr_is_set(e, NFTNL_EXPR_DYNSET_FLAGS) &&
	       (nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_FLAGS) & NFT_DYNSET_F_INV);
	i->len = s->key_len;
	i->arg = set;
	i->arg2 = idx;
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY), s->key_len,
			    &i->sreg);
}

static inline void dynset_count(struct fdyn_elem *e, uint32_t len)
{
	__atomic_add_fetch(&e->packets, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&e->bytes, len, __ATOMIC_RELAXED);
}

static __rte_noinline int32_t dynset_run(const struct nfv_filter_ruleset *rs,
					 const struct finsn *i, const void *key,
					 const struct fpkt *p, uint64_t now)
{
	struct fdyn *dyn = rs->sets[i->arg].dyn;
	const struct dynset_priv *d = fpriv(rs, i->arg2);
	struct fdyn_elem *e;
	bool created;

	if (i->a == NFT_DYNSET_OP_DELETE) {
		fdyn_delete(dyn, key);
		return NFT_CONTINUE;
	}
	e = fdyn_get(dyn, key, now, d->timeout, &created);
	if (e == NULL)	/* full */
		return i->b ? NFT_CONTINUE : NFT_BREAK;
	if (!created && i->a == NFT_DYNSET_OP_UPDATE && e->timeout != 0)
		__atomic_store_n(&e->expires, now + (d->timeout ? d->timeout : e->timeout),
				 __ATOMIC_RELAXED);
	/* nft_set_elem_update_expr(): in order, up to one that says stop */
	for (uint8_t k = 0; k < d->nb_ops; k++) {
		switch (d->ops[k]) {
		case DYN_COUNTER:
			dynset_count(e, p->len);
			break;
		case DYN_LIMIT:
			if (!limit_pass(&d->limit, &e->tat, now, p->len))
				return NFT_BREAK;
			break;
		case DYN_CONNLIMIT:
			/* nft_connlimit_do_eval() on the element's list */
			if ((nfv_ct_count_add(fdyn_conns(dyn, e), nfv_mbuf_meta(p->m)->ct, now,
					      rs->cfg.hz) > d->conn_count) ^ d->conn_inv)
				return NFT_BREAK;
			break;
		}
	}
	return i->b ? NFT_BREAK : NFT_CONTINUE;
}

static inline int32_t dynset_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	return dynset_run(rs, i, &regs[i->sreg], p, st->now);
}
#endif
