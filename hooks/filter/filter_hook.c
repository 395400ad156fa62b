/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter's hook entries. One entry per (hook, priority) that some base
 * chain uses; every entry reads the current ruleset through one pointer,
 * so a new ruleset replaces the old one at all hooks with one store (the
 * nf_tables commit's atomicity) and entries only come and go when a
 * ruleset adds or drops a (hook, priority).
 *
 * nat chains have entries of their own, as nf_nat registers its hooks
 * once for all nat chains: while the ruleset has one, "nat-<HOOK>" at
 * dstnat (-100) on PRE_ROUTING and LOCAL_OUT and srcnat (100) on
 * POST_ROUTING and LOCAL_IN run them and rewrite every NATed
 * connection's packets (nat_hook.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_prog.h"
#include "nfv_hook_table.h"

struct fentry {
	struct nfv_filter *f;
	enum nfv_hook hook;
	int prio;
	struct nfv_hook_reg *reg;
	bool nat;	/* a NAT entry (nat_hook.c) */
	bool keep;
};

struct nfv_filter {
	struct nfv_hook_table *t;
	/* written by the control side with a release store, read by workers */
	struct nfv_filter_ruleset *rs;
	struct fentry **e;	/* control side only */
	unsigned int nb_e;
};

static void filter_hook_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
				uint32_t *verdicts, const struct nfv_hook_state *state)
{
	const struct fentry *e = priv;
	const struct nfv_filter_ruleset *rs =
		__atomic_load_n(&e->f->rs, __ATOMIC_ACQUIRE);

	if (unlikely(rs == NULL)) {
		for (uint16_t i = 0; i < n; i++)
			verdicts[i] = NFV_ACCEPT;
		return;
	}
	nfv_filter_ruleset_run(rs, e->prio, pkts, n, verdicts, state);
}

static void nat_hook_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
			     uint32_t *verdicts, const struct nfv_hook_state *state)
{
	const struct fentry *e = priv;

	nfv_nat_run(__atomic_load_n(&e->f->rs, __ATOMIC_ACQUIRE), pkts, n, verdicts, state);
}

/* nf_nat_ipv4_ops[]: where NAT runs, whatever the nat chains' priorities */
static const struct {
	enum nfv_hook hook;
	int prio;
} nat_hooks[] = {
	{ NFV_INET_PRE_ROUTING, NFV_IP_PRI_NAT_DST },
	{ NFV_INET_LOCAL_OUT, NFV_IP_PRI_NAT_DST },
	{ NFV_INET_POST_ROUTING, NFV_IP_PRI_NAT_SRC },
	{ NFV_INET_LOCAL_IN, NFV_IP_PRI_NAT_SRC },
};

struct nfv_filter *nfv_filter_create(struct nfv_hook_table *t)
{
	struct nfv_filter *f = calloc(1, sizeof(*f));

	if (f != NULL)
		f->t = t;
	return f;
}

static struct fentry *entry_find(struct nfv_filter *f, unsigned int nb_e, int hook, int prio,
				 bool nat)
{
	for (unsigned int i = 0; i < nb_e; i++)
		if ((int)f->e[i]->hook == hook && f->e[i]->prio == prio &&
		    f->e[i]->nat == nat)
			return f->e[i];
	return NULL;
}

/* An entry for (hook, prio) unless f has one: in names/ops[*n], f->e[nb_e + *n]. */
static int entry_add(struct nfv_filter *f, int hook, int prio, bool nat,
		     char (*names)[NFV_HOOK_NAMESIZ], struct nfv_hook_ops *ops, unsigned int *n)
{
	struct fentry *e = entry_find(f, f->nb_e + *n, hook, prio, nat);

	if (e != NULL) {
		e->keep = true;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->f = f;
	e->hook = hook;
	e->prio = prio;
	e->nat = nat;
	e->keep = true;
	if (nat)
		snprintf(names[*n], sizeof(names[*n]), "nat-%s", nfv_hook_name(hook));
	else
		snprintf(names[*n], sizeof(names[*n]), "nft-%s-%d", nfv_hook_name(hook), prio);
	ops[*n] = (struct nfv_hook_ops){
		.name = names[*n], .hook = hook, .priority = prio,
		.fn = nat ? nat_hook_process : filter_hook_process, .priv = e,
	};
	f->e[f->nb_e + (*n)++] = e;
	return 0;
}

/*
 * Registers an entry for each (hook, priority) of rs that has none, in one
 * batch: all of them, or none and f as it was. The new entries wait at
 * f->e[f->nb_e..] until the registration succeeds.
 */
static int entries_add(struct nfv_filter *f, const struct nfv_filter_ruleset *rs)
{
	char (*names)[NFV_HOOK_NAMESIZ] = NULL;
	struct nfv_hook_ops *ops = NULL;
	struct nfv_hook_reg **regs = NULL;
	unsigned int max = 0, n = 0, h, k, i;
	struct fentry **ne;
	int ret = -ENOMEM;

	for (h = 0; h < NFV_INET_NUMHOOKS; h++)
		max += rs->nb_base[h];
	if (rs->nb_nat > 0)
		max += RTE_DIM(nat_hooks);
	if (max == 0)
		return 0;
	ne = realloc(f->e, (f->nb_e + max) * sizeof(*ne));
	if (ne == NULL)
		return -ENOMEM;
	f->e = ne;
	names = calloc(max, sizeof(*names));
	ops = calloc(max, sizeof(*ops));
	regs = calloc(max, sizeof(*regs));
	if (names == NULL || ops == NULL || regs == NULL)
		goto out;

	for (h = 0; h < NFV_INET_NUMHOOKS; h++)
		for (k = 0; k < rs->nb_base[h]; k++)
			if (entry_add(f, h, rs->chains[rs->base[h][k]].prio, false,
				      names, ops, &n))
				goto out;
	for (k = 0; rs->nb_nat > 0 && k < RTE_DIM(nat_hooks); k++)
		if (entry_add(f, nat_hooks[k].hook, nat_hooks[k].prio, true, names, ops, &n))
			goto out;
	ret = nfv_hook_register(f->t, ops, n, regs);
	if (ret == 0) {
		for (i = 0; i < n; i++)
			f->e[f->nb_e + i]->reg = regs[i];
		f->nb_e += n;
		n = 0;
	}
out:
	for (i = 0; i < n; i++)
		free(f->e[f->nb_e + i]);
	free(regs);
	free(ops);
	free(names);
	return ret;
}

/*
 * Entries no longer used go after the new ruleset is visible, in one grace
 * period; then no worker runs them and their fentry can be freed.
 */
static void entries_prune(struct nfv_filter *f)
{
	unsigned int i, k = 0, gone = 0;
	struct nfv_hook_reg *regs[f->nb_e + 1];
	struct fentry *dead[f->nb_e + 1];

	for (i = 0; i < f->nb_e; i++) {
		if (f->e[i]->keep) {
			f->e[k++] = f->e[i];
			continue;
		}
		regs[gone] = f->e[i]->reg;
		dead[gone++] = f->e[i];
	}
	f->nb_e = k;
	nfv_hook_unregister(f->t, regs, gone);
	for (i = 0; i < gone; i++)
		free(dead[i]);
}

int nfv_filter_apply(struct nfv_filter *f, struct nfv_filter_ruleset *rs)
{
	struct nfv_filter_ruleset *old = f->rs;
	int ret;

	for (unsigned int i = 0; i < f->nb_e; i++)
		f->e[i]->keep = false;
	/* a new entry sees the old ruleset first: no chain, accept */
	if (rs != NULL) {
		ret = entries_add(f, rs);
		if (ret)
			return ret;
	}
	__atomic_store_n(&f->rs, rs, __ATOMIC_RELEASE);
	nfv_hook_synchronize(f->t);
	nfv_filter_ruleset_free(old);
	entries_prune(f);
	return 0;
}

const struct nfv_filter_ruleset *nfv_filter_current(const struct nfv_filter *f)
{
	return __atomic_load_n(&f->rs, __ATOMIC_ACQUIRE);
}

void nfv_filter_destroy(struct nfv_filter *f)
{
	if (f == NULL)
		return;
	nfv_filter_apply(f, NULL);
	free(f->e);
	free(f);
}
