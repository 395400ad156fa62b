/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hook table: registration (control side) and the workers' QSBR calls.
 *
 * Registration is copy-on-write as in net/netfilter/core.c: the control
 * side builds a new entries array per hook a batch touches, publishes each
 * with one release store, waits for one QSBR grace period and frees the old
 * arrays. Workers never see a half-built array and never wait.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "nfv_hook_table.h"
#include "nfv_queue.h"

struct nfv_hook_table *nfv_hook_table_create(unsigned int nb_workers)
{
	struct nfv_hook_table *t;
	size_t qsz;
	char name[RTE_RING_NAMESIZE];

	if (nb_workers == 0 || nb_workers > NFV_MAX_WORKERS) {
		errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc("nfv_hook_table", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		goto err_nomem;
	t->nb_workers = nb_workers;
	snprintf(t->orphan.name, sizeof(t->orphan.name), "(unregistered)");

	qsz = rte_rcu_qsbr_get_memsize(nb_workers);
	t->qsbr = rte_zmalloc("nfv_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (t->qsbr == NULL)
		goto err_table;
	if (rte_rcu_qsbr_init(t->qsbr, nb_workers) != 0)
		goto err_qsbr;

	for (unsigned int w = 0; w < nb_workers; w++) {
		snprintf(name, sizeof(name), "nfv_reinj_%p_%u", (void *)t, w);
		t->reinject[w] = rte_ring_create(name, 1024, SOCKET_ID_ANY,
						 RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (t->reinject[w] == NULL)
			goto err_rings;
	}
	return t;

err_rings:
	for (unsigned int w = 0; w < nb_workers; w++)
		rte_ring_free(t->reinject[w]);
err_qsbr:
	rte_free(t->qsbr);
err_table:
	rte_free(t);
err_nomem:
	errno = ENOMEM;
	return NULL;
}

void nfv_hook_table_destroy(struct nfv_hook_table *t)
{
	struct nfv_queue_set *qs;
	struct rte_mbuf *m;

	if (t == NULL)
		return;
	/* Workers are stopped: no grace period is needed any more. */
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		struct nfv_hook_entries *es = t->hooks[h];

		if (es == NULL)
			continue;
		for (unsigned int i = 0; i < es->num; i++)
			if (es->regs[i] != &t->orphan)
				rte_free(es->regs[i]);
		rte_free(es);
	}
	qs = nfv_queue_set_swap(t, NULL);
	nfv_queue_set_destroy(qs);
	for (unsigned int w = 0; w < t->nb_workers; w++) {
		while (rte_ring_dequeue(t->reinject[w], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(t->reinject[w]);
	}
	rte_free(t->qsbr);
	rte_free(t);
}

void nfv_hook_synchronize(struct nfv_hook_table *t)
{
	rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
}

/* A new array of num entries; regs sits after the hot entries. */
static struct nfv_hook_entries *entries_alloc(unsigned int num)
{
	struct nfv_hook_entries *es;
	size_t sz = sizeof(*es) + num * sizeof(es->e[0]) + num * sizeof(es->regs[0]);

	es = rte_zmalloc("nfv_hook_entries", sz, RTE_CACHE_LINE_SIZE);
	if (es == NULL)
		return NULL;
	es->num = num;
	es->regs = (struct nfv_hook_reg **)&es->e[num];
	return es;
}

static bool reg_in(const struct nfv_hook_reg *reg, struct nfv_hook_reg *const *set,
		   unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i] == reg)
			return true;
	return false;
}

/*
 * The array that replaces hook's: the current one without the orphaned
 * slots and the registrations in del[], with those of add[] that belong to
 * hook inserted after every entry of lower or equal priority, in the order
 * of add[]: the order that registering them one by one would give. *out is
 * NULL for an empty hook.
 */
static int entries_rebuild(const struct nfv_hook_table *t, enum nfv_hook hook,
			   struct nfv_hook_reg *const *add, unsigned int nadd,
			   struct nfv_hook_reg *const *del, unsigned int ndel,
			   struct nfv_hook_entries **out)
{
	const struct nfv_hook_entries *old = t->hooks[hook];
	unsigned int num = 0, gone = 0, i, j;
	struct nfv_hook_entries *es;

	for (i = 0; old != NULL && i < old->num; i++) {
		if (reg_in(old->regs[i], del, ndel))
			gone++;
		else if (old->regs[i] != &t->orphan)
			num++;
	}
	for (i = 0; i < ndel; i++)
		if (del[i] != NULL && del[i]->ops.hook == hook)
			gone--;
	/* unregistering what this hook does not hold is a caller's bug */
	RTE_VERIFY(gone == 0);
	for (i = 0; i < nadd; i++)
		num += add[i]->ops.hook == hook;
	if (num > UINT16_MAX)
		return -ENOSPC;
	*out = NULL;
	if (num == 0)
		return 0;
	es = entries_alloc(num);
	if (es == NULL)
		return -ENOMEM;

	num = 0;
	for (i = 0; old != NULL && i < old->num; i++)
		if (old->regs[i] != &t->orphan && !reg_in(old->regs[i], del, ndel))
			es->regs[num++] = old->regs[i];
	for (i = 0; i < nadd; i++) {
		if (add[i]->ops.hook != hook)
			continue;
		for (j = num; j > 0 && es->regs[j - 1]->ops.priority > add[i]->ops.priority; j--)
			es->regs[j] = es->regs[j - 1];
		es->regs[j] = add[i];
		num++;
	}
	for (i = 0; i < num; i++) {
		es->e[i].fn = es->regs[i]->ops.fn;
		es->e[i].priv = es->regs[i]->ops.priv;
		es->e[i].stats = es->regs[i]->stats;
		es->e[i].priority = es->regs[i]->ops.priority;
	}
	*out = es;
	return 0;
}

struct nfv_hook_reg *nfv_hook_find(struct nfv_hook_table *t, const char *name)
{
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		struct nfv_hook_entries *es = t->hooks[h];

		for (unsigned int i = 0; es != NULL && i < es->num; i++)
			if (strcmp(es->regs[i]->name, name) == 0)
				return es->regs[i];
	}
	return NULL;
}

static int ops_check(struct nfv_hook_table *t, const struct nfv_hook_ops *ops,
		     unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct nfv_hook_ops *o = &ops[i];

		if ((unsigned int)o->hook >= NFV_INET_NUMHOOKS || o->fn == NULL ||
		    o->name == NULL || strnlen(o->name, NFV_HOOK_NAMESIZ) == NFV_HOOK_NAMESIZ)
			return -EINVAL;
		if (nfv_hook_find(t, o->name) != NULL)
			return -EEXIST;
		for (unsigned int j = 0; j < i; j++)
			if (strcmp(ops[j].name, o->name) == 0)
				return -EEXIST;
	}
	return 0;
}

int nfv_hook_register(struct nfv_hook_table *t, const struct nfv_hook_ops *ops,
		      unsigned int n, struct nfv_hook_reg **regs)
{
	struct nfv_hook_entries *old[NFV_INET_NUMHOOKS] = { NULL };
	struct nfv_hook_entries *es[NFV_INET_NUMHOOKS] = { NULL };
	struct nfv_hook_reg **batch;
	unsigned int hooks = 0, h, i;
	int ret;

	if (n == 0)
		return 0;
	ret = ops_check(t, ops, n);
	if (ret < 0)
		return ret;
	/* the caller's regs[] stays as it was until nothing can fail */
	batch = calloc(n, sizeof(*batch));
	if (batch == NULL)
		return -ENOMEM;
	ret = -ENOMEM;
	for (i = 0; i < n; i++) {
		batch[i] = rte_zmalloc("nfv_hook_reg", sizeof(*batch[i]), RTE_CACHE_LINE_SIZE);
		if (batch[i] == NULL)
			goto err_regs;
		batch[i]->ops = ops[i];
		snprintf(batch[i]->name, sizeof(batch[i]->name), "%s", ops[i].name);
		batch[i]->ops.name = batch[i]->name;
		hooks |= 1u << ops[i].hook;
	}
	for (h = 0; h < NFV_INET_NUMHOOKS; h++) {
		if (!(hooks & 1u << h))
			continue;
		ret = entries_rebuild(t, h, batch, n, NULL, 0, &es[h]);
		if (ret < 0)
			goto err_entries;
	}

	/*
	 * Nothing can fail any more. Each hook's array is published with its
	 * own store; one grace period covers them all.
	 */
	for (h = 0; h < NFV_INET_NUMHOOKS; h++) {
		if (!(hooks & 1u << h))
			continue;
		old[h] = t->hooks[h];
		__atomic_store_n(&t->hooks[h], es[h], __ATOMIC_RELEASE);
	}
	nfv_hook_synchronize(t);
	for (h = 0; h < NFV_INET_NUMHOOKS; h++)
		rte_free(old[h]);
	if (regs != NULL)
		memcpy(regs, batch, n * sizeof(*regs));
	free(batch);
	return 0;

err_entries:
	for (h = 0; h < NFV_INET_NUMHOOKS; h++)
		rte_free(es[h]);
err_regs:
	for (i = 0; i < n; i++)
		rte_free(batch[i]);
	free(batch);
	return ret;
}

static void accept_all(void *priv, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t *verdicts, const struct nfv_hook_state *state)
{
	for (uint16_t i = 0; i < n; i++)
		verdicts[i] = NFV_ACCEPT;
}

/*
 * Unregistering cannot fail: when no smaller array can be had, turn the
 * entries into accept-all in place and keep their slots, as
 * nf_remove_net_hook() does; the next change of the hook drops them. A
 * worker may see the old or the new fields in any mix; all are valid until
 * the grace period ends.
 */
static void entries_orphan(struct nfv_hook_table *t, struct nfv_hook_entries *es,
			   struct nfv_hook_reg *const *del, unsigned int ndel)
{
	for (unsigned int i = 0; i < es->num; i++) {
		if (!reg_in(es->regs[i], del, ndel))
			continue;
		__atomic_store_n(&es->e[i].fn, accept_all, __ATOMIC_RELEASE);
		__atomic_store_n(&es->e[i].stats, t->orphan.stats, __ATOMIC_RELEASE);
		es->regs[i] = &t->orphan;
	}
}

void nfv_hook_unregister(struct nfv_hook_table *t, struct nfv_hook_reg **regs,
			 unsigned int n)
{
	struct nfv_hook_entries *old[NFV_INET_NUMHOOKS] = { NULL }, *es;
	unsigned int hooks = 0, h, i;

	for (i = 0; i < n; i++)
		if (regs[i] != NULL)
			hooks |= 1u << regs[i]->ops.hook;
	if (hooks == 0)
		return;
	for (h = 0; h < NFV_INET_NUMHOOKS; h++) {
		if (!(hooks & 1u << h))
			continue;
		if (entries_rebuild(t, h, NULL, 0, regs, n, &es) < 0) {
			entries_orphan(t, t->hooks[h], regs, n);
			continue;
		}
		old[h] = t->hooks[h];
		__atomic_store_n(&t->hooks[h], es, __ATOMIC_RELEASE);
	}
	nfv_hook_synchronize(t);
	/* The grace period is over: no worker can still see any of regs. */
	for (h = 0; h < NFV_INET_NUMHOOKS; h++)
		rte_free(old[h]);
	for (i = 0; i < n; i++) {
		rte_free(regs[i]);
		regs[i] = NULL;
	}
}

void nfv_hook_stats_sum(const struct nfv_hook_reg *reg, struct nfv_hook_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int w = 0; w < NFV_MAX_WORKERS; w++) {
		const struct nfv_hook_stats *s = &reg->stats[w];

		sum->packets += s->packets;
		sum->accepted += s->accepted;
		sum->dropped += s->dropped;
		sum->stolen += s->stolen;
		sum->queued += s->queued;
		sum->repeated += s->repeated;
		sum->repeat_limit += s->repeat_limit;
		sum->cycles += s->cycles;
	}
}

uint64_t nfv_drop_stats_sum(const struct nfv_hook_table *t, unsigned int reason)
{
	uint64_t sum = 0;

	for (unsigned int w = 0; w <= NFV_MAX_WORKERS; w++)
		sum += t->drops[w].count[reason];
	return sum;
}

void nfv_hook_worker_online(struct nfv_hook_table *t, unsigned int worker)
{
	rte_rcu_qsbr_thread_register(t->qsbr, worker);
	rte_rcu_qsbr_thread_online(t->qsbr, worker);
}

void nfv_hook_worker_offline(struct nfv_hook_table *t, unsigned int worker)
{
	rte_rcu_qsbr_thread_offline(t->qsbr, worker);
	rte_rcu_qsbr_thread_unregister(t->qsbr, worker);
}

void nfv_hook_worker_quiescent(struct nfv_hook_table *t, unsigned int worker)
{
	rte_rcu_qsbr_quiescent(t->qsbr, worker);
}
