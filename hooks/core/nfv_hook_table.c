/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hook registration (control side) and the burst runner (workers).
 *
 * Registration is copy-on-write as in net/netfilter/core.c: the control
 * side builds a new entries array, publishes it with one release store,
 * waits for a QSBR grace period and frees the old array. Workers never see
 * a half-built array and never wait.
 */
#include <errno.h>
#include <stdio.h>
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

static void entries_set(struct nfv_hook_entries *es, unsigned int i,
			struct nfv_hook_reg *reg)
{
	es->regs[i] = reg;
	es->e[i].fn = reg->ops.fn;
	es->e[i].priv = reg->ops.priv;
	es->e[i].stats = reg->stats;
	es->e[i].priority = reg->ops.priority;
}

/* Publishes es for hook, then frees the old array after a grace period. */
static void entries_publish(struct nfv_hook_table *t, enum nfv_hook hook,
			    struct nfv_hook_entries *es)
{
	struct nfv_hook_entries *old = t->hooks[hook];

	__atomic_store_n(&t->hooks[hook], es, __ATOMIC_RELEASE);
	nfv_hook_synchronize(t);
	rte_free(old);
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

int nfv_hook_register(struct nfv_hook_table *t, const struct nfv_hook_ops *ops,
		      struct nfv_hook_reg **regp)
{
	struct nfv_hook_entries *old, *es;
	struct nfv_hook_reg *reg;
	unsigned int num, i, j;

	if ((unsigned int)ops->hook >= NFV_INET_NUMHOOKS || ops->fn == NULL ||
	    ops->name == NULL || strlen(ops->name) >= sizeof(reg->name))
		return -EINVAL;
	if (nfv_hook_find(t, ops->name) != NULL)
		return -EEXIST;
	old = t->hooks[ops->hook];
	num = old ? old->num : 0;
	if (num == UINT16_MAX)
		return -ENOSPC;

	reg = rte_zmalloc("nfv_hook_reg", sizeof(*reg), RTE_CACHE_LINE_SIZE);
	if (reg == NULL)
		return -ENOMEM;
	es = entries_alloc(num + 1);
	if (es == NULL) {
		rte_free(reg);
		return -ENOMEM;
	}
	reg->ops = *ops;
	snprintf(reg->name, sizeof(reg->name), "%s", ops->name);
	reg->ops.name = reg->name;

	/* After every entry of the same priority, as nf_hook_entries_grow. */
	for (i = 0, j = 0; i < num; i++) {
		if (j == i && old->regs[i]->ops.priority > ops->priority)
			entries_set(es, j++, reg);
		entries_set(es, j++, old->regs[i]);
	}
	if (j == num)
		entries_set(es, j, reg);

	entries_publish(t, ops->hook, es);
	if (regp != NULL)
		*regp = reg;
	return 0;
}

static void accept_all(void *priv, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t *verdicts, const struct nfv_hook_state *state)
{
	for (uint16_t i = 0; i < n; i++)
		verdicts[i] = NFV_ACCEPT;
}

void nfv_hook_unregister(struct nfv_hook_table *t, struct nfv_hook_reg *reg)
{
	enum nfv_hook hook = reg->ops.hook;
	struct nfv_hook_entries *old = t->hooks[hook], *es = NULL;
	unsigned int i, j;

	RTE_VERIFY(old != NULL);
	if (old->num > 1) {
		es = entries_alloc(old->num - 1);
		if (es == NULL) {
			/*
			 * Unregistering cannot fail: as nf_remove_net_hook,
			 * turn the entry into accept-all in place and keep
			 * the slot. A worker may see the old or the new
			 * fields in any mix; all are valid until the grace
			 * period ends.
			 */
			for (i = 0; i < old->num; i++) {
				if (old->regs[i] != reg)
					continue;
				__atomic_store_n(&old->e[i].fn, accept_all, __ATOMIC_RELEASE);
				__atomic_store_n(&old->e[i].stats, t->orphan.stats,
						 __ATOMIC_RELEASE);
				old->regs[i] = &t->orphan;
			}
			nfv_hook_synchronize(t);
			rte_free(reg);
			return;
		}
		for (i = 0, j = 0; i < old->num; i++)
			if (old->regs[i] != reg)
				entries_set(es, j++, old->regs[i]);
		RTE_VERIFY(j + 1 == old->num);
	}
	entries_publish(t, hook, es);
	/* The grace period is over: no worker can still see reg. */
	rte_free(reg);
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
