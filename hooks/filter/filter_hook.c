/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter's hook entries. One entry per (hook, priority) that some base
 * chain uses; every entry reads the current ruleset through one pointer,
 * so a new ruleset replaces the old one at all hooks with one store (the
 * nf_tables commit's atomicity) and entries only come and go when a
 * ruleset adds or drops a (hook, priority).
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

struct nfv_filter *nfv_filter_create(struct nfv_hook_table *t)
{
	struct nfv_filter *f = calloc(1, sizeof(*f));

	if (f != NULL)
		f->t = t;
	return f;
}

static struct fentry *entry_find(struct nfv_filter *f, int hook, int prio)
{
	for (unsigned int i = 0; i < f->nb_e; i++)
		if ((int)f->e[i]->hook == hook && f->e[i]->prio == prio)
			return f->e[i];
	return NULL;
}

static int entry_add(struct nfv_filter *f, int hook, int prio)
{
	struct nfv_hook_ops ops = { 0 };
	struct fentry *e, **ne;
	char name[48];
	int ret;

	ne = realloc(f->e, (f->nb_e + 1) * sizeof(*ne));
	if (ne == NULL)
		return -ENOMEM;
	f->e = ne;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->f = f;
	e->hook = hook;
	e->prio = prio;
	e->keep = true;
	snprintf(name, sizeof(name), "nft-%s-%d", nfv_hook_name(hook), prio);
	ops.name = name;
	ops.hook = hook;
	ops.priority = prio;
	ops.fn = filter_hook_process;
	ops.priv = e;
	ret = nfv_hook_register(f->t, &ops, 1, &e->reg);
	if (ret) {
		free(e);
		return ret;
	}
	f->e[f->nb_e++] = e;
	return 0;
}

/* Entries no longer used go after the new ruleset is visible. */
static void entries_prune(struct nfv_filter *f)
{
	unsigned int i, k = 0, gone = 0;
	struct fentry *dead[f->nb_e + 1];

	for (i = 0; i < f->nb_e; i++) {
		if (f->e[i]->keep) {
			f->e[k++] = f->e[i];
			continue;
		}
		nfv_hook_unregister(f->t, &f->e[i]->reg, 1);
		dead[gone++] = f->e[i];
	}
	f->nb_e = k;
	if (gone == 0)
		return;
	nfv_hook_synchronize(f->t);
	for (i = 0; i < gone; i++)
		free(dead[i]);
}

int nfv_filter_apply(struct nfv_filter *f, struct nfv_filter_ruleset *rs)
{
	struct nfv_filter_ruleset *old = f->rs;
	const struct fchain *ch;
	struct fentry *e;
	int ret;

	for (unsigned int i = 0; i < f->nb_e; i++)
		f->e[i]->keep = false;
	for (unsigned int h = 0; rs && h < NFV_INET_NUMHOOKS; h++) {
		for (unsigned int k = 0; k < rs->nb_base[h]; k++) {
			ch = &rs->chains[rs->base[h][k]];
			e = entry_find(f, h, ch->prio);
			if (e != NULL) {
				e->keep = true;
				continue;
			}
			/* a new entry sees the old ruleset first: no chain, accept */
			ret = entry_add(f, h, ch->prio);
			if (ret) {
				for (unsigned int i = 0; i < f->nb_e; i++)
					f->e[i]->keep = true;
				return ret;
			}
		}
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
