/* SPDX-License-Identifier: BSD-3-Clause */
/* Numbered queues, control side: listener, pending packets, timeouts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"
#include "events.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_mbuf.h"
#include "nfv_queue.h"

#define EVENTS_QUEUES 64	/* queues whose overflow counters are sampled */

struct pending {
	struct rte_mbuf *m;
	uint64_t id;
	uint64_t deadline;	/* TSC */
};

struct queue_ctl {
	struct nfv_queue *q;
	struct nfv_mgmt_conn *listener;	/* re-found after every poll */
	uint32_t copy_range;
	uint64_t next_id;
	unsigned int nb_pending;
	struct pending *pending;	/* q->conf.size of them */
};

struct nfv_queue_ctls {
	struct { uint16_t num; uint64_t full; } qseen[EVENTS_QUEUES];
	unsigned int nb_qseen;
	unsigned int nb;
	struct queue_ctl qc[];
};

static struct nfv_queue_ctls *ctls_of(const struct nfv_dp *dp)
{
	return dp->queue_ctls;
}

static struct queue_ctl *qc_find(const struct nfv_dp *dp, uint16_t num)
{
	struct nfv_queue_ctls *qs = ctls_of(dp);

	for (unsigned int i = 0; qs != NULL && i < qs->nb; i++)
		if (qs->qc[i].q->conf.num == num)
			return &qs->qc[i];
	return NULL;
}

static int queue_init(struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;
	struct nfv_queue_conf conf[pol->nb_queues + 1];
	struct nfv_queue_set *set;
	struct nfv_queue_ctls *qs;

	for (unsigned int i = 0; i < pol->nb_queues; i++) {
		const struct nfv_policy_queue *pq = &pol->queues[i];

		conf[i] = (struct nfv_queue_conf){
			.num = pq->num, .size = pq->size, .timeout_ms = pq->timeout_ms,
			.default_verdict = pq->default_verdict == NFV_QUEUE_DEFAULT_ACCEPT ?
					   NFV_ACCEPT : NFV_DROP,
			.bypass = pq->bypass,
		};
	}
	set = nfv_queue_set_create(conf, pol->nb_queues);
	if (set == NULL)
		return -errno;
	qs = calloc(1, sizeof(*qs) + pol->nb_queues * sizeof(qs->qc[0]));
	if (qs == NULL) {
		nfv_queue_set_destroy(set);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < set->nb; i++) {
		qs->qc[i].q = set->list[i];
		qs->qc[i].next_id = 1;
		qs->qc[i].pending = calloc(set->list[i]->conf.size, sizeof(struct pending));
		qs->nb++;
		if (qs->qc[i].pending == NULL) {
			/* queue_stop() frees qs: no queue holds a packet yet */
			dp->queue_ctls = qs;
			nfv_queue_set_destroy(set);
			return -ENOMEM;
		}
	}
	dp->queue_ctls = qs;
	nfv_queue_set_destroy(nfv_queue_set_swap(dp->hooks, set));
	return 0;
}

static void settle(struct nfv_dp *dp, struct queue_ctl *qc, unsigned int i,
		   uint32_t verdict, unsigned int reason)
{
	struct pending *p = &qc->pending[i];

	if (NFV_VERDICT(verdict) == NFV_ACCEPT)
		qc->q->verdict_accept++;
	else
		qc->q->verdict_drop++;
	nfv_queue_verdict(dp->hooks, p->m, verdict, reason);
	qc->pending[i] = qc->pending[--qc->nb_pending];
}

static void queue_stop(struct nfv_dp *dp)
{
	struct nfv_queue_ctls *qs = ctls_of(dp);

	if (qs == NULL)
		return;
	for (unsigned int i = 0; i < qs->nb; i++) {
		struct queue_ctl *qc = &qs->qc[i];

		while (qc->nb_pending > 0)
			settle(dp, qc, 0, qc->q->conf.default_verdict, NFV_DR_QUEUE_TIMEOUT);
		free(qc->pending);
	}
	free(qs);
	dp->queue_ctls = NULL;
}

static int queue_listen(struct nfv_dp *dp, struct nfv_mgmt_conn *c, uint16_t num,
			uint32_t copy_range)
{
	struct queue_ctl *qc = qc_find(dp, num);

	if (qc == NULL)
		return -ENOENT;
	if (qc->q->listeners > 0)
		return -EBUSY;
	c->listen_queue = num;
	qc->copy_range = copy_range;
	__atomic_store_n(&qc->q->listeners, 1, __ATOMIC_RELEASE);
	return 0;
}

static void queue_unlisten(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	struct queue_ctl *qc;

	if (c->listen_queue < 0)
		return;
	qc = qc_find(dp, c->listen_queue);
	c->listen_queue = -1;
	if (qc == NULL)
		return;
	__atomic_store_n(&qc->q->listeners, 0, __ATOMIC_RELEASE);
	/* nobody will answer what is pending: the default verdict */
	while (qc->nb_pending > 0) {
		qc->q->timeouts++;
		settle(dp, qc, 0, qc->q->conf.default_verdict, NFV_DR_QUEUE_TIMEOUT);
	}
}

static int queue_verdict(struct nfv_dp *dp, uint16_t num, uint64_t id, uint32_t verdict)
{
	struct queue_ctl *qc = qc_find(dp, num);

	if (qc == NULL)
		return -ENOENT;
	if (NFV_VERDICT(verdict) != NFV_ACCEPT && NFV_VERDICT(verdict) != NFV_DROP)
		return -EINVAL;
	for (unsigned int i = 0; i < qc->nb_pending; i++) {
		if (qc->pending[i].id == id) {
			settle(dp, qc, i, verdict, NFV_DR_QUEUE_VERDICT_DROP);
			return 0;
		}
	}
	return -ESRCH;	/* answered already, or timed out */
}

static unsigned int queue_pending(const struct nfv_dp *dp, uint16_t num)
{
	const struct queue_ctl *qc = qc_find(dp, num);

	return qc ? qc->nb_pending : 0;
}

static struct nfv_mgmt_conn *listener_of(struct nfv_dp *dp, uint16_t num)
{
	struct nfv_mgmt *mg = dp->mgmt;

	for (unsigned int i = 0; i < mg->nb_conns; i++)
		if (mg->conns[i].listen_queue == num)
			return &mg->conns[i];
	return NULL;
}

static int deliver(struct queue_ctl *qc, struct nfv_mgmt_conn *c, struct rte_mbuf *m,
		   uint64_t id)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint32_t cap = qc->copy_range && qc->copy_range < len ? qc->copy_range : len;
	uint8_t buf[sizeof(struct nfv_msg_queue_packet) + 9216];
	struct nfv_msg_queue_packet *qp = (void *)buf;
	const void *data;

	cap = RTE_MIN(cap, 9216u);
	memset(qp, 0, sizeof(*qp));
	qp->id = id;
	qp->num = qc->q->conf.num;
	qp->hook = meta->queue_hook;
	qp->family = meta->family;
	qp->iport = meta->iport;
	qp->len = len;
	qp->cap_len = cap;
	data = rte_pktmbuf_read(m, 0, cap, qp->data);
	if (data != qp->data)
		memcpy(qp->data, data, cap);
	return nfv_mgmt_send(c, NFV_MSG_QUEUE_PACKET, 0, 0, qp, sizeof(*qp) + cap);
}

static void queue_run(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_queue_ctls *qs = ctls_of(dp);

	for (unsigned int i = 0; qs != NULL && i < qs->nb; i++) {
		struct queue_ctl *qc = &qs->qc[i];
		struct nfv_queue *q = qc->q;
		struct nfv_mgmt_conn *c = listener_of(dp, q->conf.num);
		uint64_t timeout = q->conf.timeout_ms * rte_get_tsc_hz() / 1000;
		struct rte_mbuf *m;

		for (unsigned int j = qc->nb_pending; j-- > 0;) {
			if (qc->pending[j].deadline <= now) {
				q->timeouts++;
				settle(dp, qc, j, q->conf.default_verdict, NFV_DR_QUEUE_TIMEOUT);
			}
		}
		while (qc->nb_pending < q->conf.size &&
		       rte_ring_sc_dequeue(q->ring, (void **)&m) == 0) {
			struct pending *p = &qc->pending[qc->nb_pending++];

			p->m = m;
			p->id = qc->next_id++;
			p->deadline = now + timeout;
			if (c == NULL || deliver(qc, c, m, p->id) < 0) {
				/* the listener went away: its packets get the default */
				q->timeouts++;
				settle(dp, qc, qc->nb_pending - 1, q->conf.default_verdict,
				       NFV_DR_QUEUE_TIMEOUT);
			}
		}
	}
}

/* A full queue is counted per worker; an event carries the increase. */
static void queue_timer(struct nfv_dp *dp, uint64_t now)
{
	const struct nfv_queue_set *qs = dp->hooks->queues;
	struct nfv_queue_ctls *ev = dp->queue_ctls;

	for (unsigned int i = 0; ev != NULL && qs != NULL && i < qs->nb; i++) {
		const struct nfv_queue *q = qs->list[i];
		uint64_t full = 0;
		unsigned int j;
		char obj[24];

		for (unsigned int w = 0; w < NFV_MAX_WORKERS; w++)
			full += q->w[w].full;
		for (j = 0; j < ev->nb_qseen; j++)
			if (ev->qseen[j].num == q->conf.num)
				break;
		if (j == ev->nb_qseen) {
			if (j == EVENTS_QUEUES)
				continue;
			ev->qseen[ev->nb_qseen++].num = q->conf.num;
			ev->qseen[j].full = 0;
		}
		if (full > ev->qseen[j].full) {
			snprintf(obj, sizeof(obj), "queue %u", q->conf.num);
			nfv_event_push(dp, NFV_EVENT_QUEUE_OVERFLOW, UINT16_MAX,
				       full - ev->qseen[j].full, obj);
		}
		ev->qseen[j].full = full;
	}
}

static int list_queues(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	const struct nfv_queue_set *qs = dp->hooks->queues;

	for (unsigned int i = 0; qs != NULL && i < qs->nb; i++) {
		const struct nfv_queue *q = qs->list[i];
		struct nfv_msg_queue *r = nfv_mgmt_row(rows);

		if (r == NULL)
			return -ENOMEM;
		r->num = q->conf.num;
		r->default_verdict = q->conf.default_verdict;
		r->bypass = q->conf.bypass;
		r->size = q->conf.size;
		r->timeout_ms = q->conf.timeout_ms;
		r->listeners = q->listeners;
		for (unsigned int w = 0; w < NFV_MAX_WORKERS; w++) {
			r->enqueued += q->w[w].enqueued;
			r->full += q->w[w].full;
			r->no_listener += q->w[w].no_listener;
			r->bypassed += q->w[w].bypassed;
		}
		r->verdict_accept = q->verdict_accept;
		r->verdict_drop = q->verdict_drop;
		r->timeouts = q->timeouts;
		r->pending = queue_pending(dp, q->conf.num);
	}
	return 0;
}

static int handle_listen(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			 const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_queue_listen ql;
	int ret;

	memcpy(&ql, payload, sizeof(ql));
	/* c->listen_queue is the one queue released when c closes */
	if (c->listen_queue >= 0 && c->listen_queue != ql.num)
		return nfv_mgmt_error(c, h->seq, -EBUSY,
				      "this connection listens to queue %d (one queue per connection)",
				      c->listen_queue);
	ret = queue_listen(dp, c, ql.num, ql.copy_range);
	if (ret == -ENOENT)
		return nfv_mgmt_error(c, h->seq, ret, "queue %u is not configured", ql.num);
	if (ret == -EBUSY)
		return nfv_mgmt_error(c, h->seq, ret, "queue %u has a listener already", ql.num);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	return nfv_mgmt_ok(c, h);
}

static int handle_verdict(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			  const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_queue_verdict qv;
	int ret;

	memcpy(&qv, payload, sizeof(qv));
	ret = queue_verdict(dp, qv.num, qv.id, qv.verdict);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "queue %u packet %lu: %s", qv.num,
				      (unsigned long)qv.id,
				      ret == -ESRCH ? "not pending (answered or timed out)" :
				      ret == -EINVAL ? "verdict must be accept or drop" :
				      "no such queue");
	return nfv_mgmt_ok(c, h);
}

static const struct nfv_mgmt_handler queue_handlers[] = {
	NFV_MGMT_LISTING(NFV_MSG_QUEUES, "queues", struct nfv_msg_queue, list_queues),
	{ NFV_MSG_QUEUE_LISTEN, sizeof(struct nfv_msg_queue_listen), false, "queue listen",
	  handle_listen },
	{ NFV_MSG_QUEUE_VERDICT, sizeof(struct nfv_msg_queue_verdict), false, "queue verdict",
	  handle_verdict },
};
NFV_MGMT_HANDLERS(queue_handlers);

static struct nfv_ctl_module queue_module = {
	.name = "queues",
	.order = NFV_CTL_ORDER_QUEUES,
	.init = queue_init,
	.poll = queue_run,
	.timer = queue_timer,
	.conn_closed = queue_unlisten,
	.stop = queue_stop,
};
NFV_CTL_MODULE(queue_module);
