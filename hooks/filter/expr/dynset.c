/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dynset: a packet's key added to, updated in or deleted from a dynamic
 * set (set_dynamic.c), as nft_dynset_eval(): add, update (which also
 * renews the timeout of an element that has one) and delete; the
 * element's own expressions, a limit and a counter, run for every packet
 * that finds or makes it (meters: "add @m { ip saddr limit rate over
 * 10/second } drop"); a limit over its rate ends the rule, and so does a
 * full set (inverted: the other way round).
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

struct dynset_priv {
	uint64_t timeout;		/* now units; 0: the set's */
	bool has_limit;
	bool has_counter;
	bool counter_last;		/* the counter after the limit: in order */
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

	if (strcmp(name, "limit") == 0 && !x->d->has_limit) {
		x->ret = limit_parse(x->c, e, &x->d->limit);
		x->d->has_limit = x->ret == 0;
	} else if (strcmp(name, "counter") == 0) {
		x->d->has_counter = true;
		x->d->counter_last = x->d->has_limit;
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
	const struct fset *s;
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
	/* nft_set_elem_update_expr(): in order, up to a limit that says stop */
	if (d->has_counter && !d->counter_last)
		dynset_count(e, p->len);
	if (d->has_limit && !limit_pass(&d->limit, &e->tat, now, p->len))
		return NFT_BREAK;
	if (d->has_counter && d->counter_last)
		dynset_count(e, p->len);
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
