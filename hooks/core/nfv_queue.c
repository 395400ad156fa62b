/* SPDX-License-Identifier: BSD-3-Clause */
/* Numbered queues: the worker side and the control-side primitives. */
#include <errno.h>
#include <stdio.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "nfv_mbuf.h"
#include "nfv_queue.h"

struct nfv_queue_set *nfv_queue_set_create(const struct nfv_queue_conf *conf,
					   unsigned int nb)
{
	struct nfv_queue_set *qs;
	char name[RTE_RING_NAMESIZE];

	qs = rte_zmalloc("nfv_queue_set", sizeof(*qs) + nb * sizeof(qs->list[0]), 0);
	if (qs == NULL)
		goto err_nomem;
	for (unsigned int i = 0; i < nb; i++) {
		struct nfv_queue *q;

		if (!rte_is_power_of_2(conf[i].size) || conf[i].size < 2) {
			nfv_queue_set_destroy(qs);
			errno = EINVAL;
			return NULL;
		}
		q = rte_zmalloc("nfv_queue", sizeof(*q), RTE_CACHE_LINE_SIZE);
		if (q == NULL)
			goto err_set;
		qs->list[qs->nb++] = q;
		q->conf = conf[i];
		snprintf(name, sizeof(name), "nfvq_%p_%u", (void *)q, conf[i].num);
		/* EXACT_SZ: the ring holds exactly the configured size */
		q->ring = rte_ring_create(name, conf[i].size, SOCKET_ID_ANY,
					  RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (q->ring == NULL)
			goto err_set;
	}
	return qs;

err_set:
	nfv_queue_set_destroy(qs);
err_nomem:
	errno = ENOMEM;
	return NULL;
}

void nfv_queue_set_destroy(struct nfv_queue_set *qs)
{
	struct rte_mbuf *m;

	if (qs == NULL)
		return;
	for (unsigned int i = 0; i < qs->nb; i++) {
		struct nfv_queue *q = qs->list[i];

		if (q->ring != NULL) {
			while (rte_ring_dequeue(q->ring, (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(q->ring);
		}
		rte_free(q);
	}
	rte_free(qs);
}

struct nfv_queue *nfv_queue_find(const struct nfv_queue_set *qs, uint16_t num)
{
	for (unsigned int i = 0; qs != NULL && i < qs->nb; i++)
		if (qs->list[i]->conf.num == num)
			return qs->list[i];
	return NULL;
}

struct nfv_queue_set *nfv_queue_set_swap(struct nfv_hook_table *t,
					 struct nfv_queue_set *qs)
{
	struct nfv_queue_set *old = t->queues;
	struct rte_mbuf *m;

	__atomic_store_n(&t->queues, qs, __ATOMIC_RELEASE);
	nfv_hook_synchronize(t);
	/* No worker enqueues to the old set any more: settle what is left. */
	for (unsigned int i = 0; old != NULL && i < old->nb; i++) {
		struct nfv_queue *q = old->list[i];

		while (rte_ring_sc_dequeue(q->ring, (void **)&m) == 0)
			nfv_queue_verdict(t, m, q->conf.default_verdict,
					  NFV_DR_QUEUE_TIMEOUT);
	}
	return old;
}

void nfv_queue_verdict(struct nfv_hook_table *t, struct rte_mbuf *m,
		       uint32_t verdict, unsigned int reason)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	unsigned int w = meta->queue_worker;

	if (NFV_VERDICT(verdict) != NFV_ACCEPT) {
		nfv_drop(t, NFV_CONTROL_WORKER, m, reason);
		return;
	}
	if (w >= t->nb_workers || rte_ring_sp_enqueue(t->reinject[w], m) != 0)
		nfv_drop(t, NFV_CONTROL_WORKER, m, NFV_DR_QUEUE_FULL);
}

bool nfv_queue_enqueue(struct nfv_hook_table *t, unsigned int worker,
		       struct rte_mbuf *m, uint32_t verdict,
		       enum nfv_hook hook, int prio)
{
	const struct nfv_queue_set *qs = __atomic_load_n(&t->queues, __ATOMIC_ACQUIRE);
	struct nfv_queue *q = nfv_queue_find(qs, NFV_VERDICT_ARG(verdict));
	bool bypass = verdict & NFV_VERDICT_FLAG_QUEUE_BYPASS;
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	unsigned int reason;

	if (q == NULL) {
		reason = NFV_DR_QUEUE_NO_LISTENER;
		goto refuse;
	}
	bypass |= q->conf.bypass;
	if (q->listeners == 0) {
		q->w[worker].no_listener++;
		reason = NFV_DR_QUEUE_NO_LISTENER;
		goto refuse;
	}
	meta->queue_hook = hook;
	meta->queue_prio = prio;
	meta->queue_num = q->conf.num;
	meta->queue_worker = worker;
	if (unlikely(rte_ring_mp_enqueue(q->ring, m) != 0)) {
		q->w[worker].full++;
		reason = NFV_DR_QUEUE_FULL;
		goto refuse;
	}
	q->w[worker].enqueued++;
	return false;

refuse:
	if (bypass) {
		if (q != NULL)
			q->w[worker].bypassed++;
		return true;
	}
	nfv_drop(t, worker, m, reason);
	return false;
}

unsigned int nfv_queue_reinject_take(struct nfv_hook_table *t, unsigned int worker,
				     struct rte_mbuf **pkts, unsigned int n)
{
	return rte_ring_sc_dequeue_burst(t->reinject[worker], (void **)pkts, n, NULL);
}
