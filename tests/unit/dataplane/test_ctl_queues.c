/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Numbered queues on the control side (control/queue.c): QUEUES,
 * QUEUE_LISTEN (one listener per queue, one queue per connection), the
 * packets a listener is sent, QUEUE_VERDICT, timeouts, and what a closed
 * connection lets go. Time is the now the test gives the module's poll.
 */
#include <string.h>

#include <rte_cycles.h>

#include "ctl_fake.h"
#include "events.h"
#include "module.h"
#include "nfv_queue.h"

static struct ctl_fake f;
static struct nfv_ctl_module *queues_mod;

static struct nfv_policy_queue queues[] = {
	{ .num = 5, .size = 8, .timeout_ms = 100, .default_verdict = NFV_QUEUE_DEFAULT_DROP },
	{ .num = 7, .size = 16, .timeout_ms = 1000, .default_verdict = NFV_QUEUE_DEFAULT_ACCEPT,
	  .bypass = true },
};

static void setup(void)
{
	ctl_fake_init(&f);
	f.pol.queues = queues;
	f.pol.nb_queues = RTE_DIM(queues);
	CTL_START(&f, "queues", "events");
	queues_mod = nfv_ctl_module_find("queues");
}

static struct nfv_msg_queue queue_of(struct nfv_mgmt_conn *c, uint16_t num)
{
	struct nfv_msg_queue q = { 0 };
	const struct nfv_msg_queue *l;
	struct ctl_resp r;
	uint32_t n;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_QUEUES, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &n);
	CU_ASSERT_EQUAL(n, RTE_DIM(queues));
	for (uint32_t i = 0; l != NULL && i < n; i++)
		if (l[i].num == num)
			q = l[i];
	CU_ASSERT_EQUAL(q.num, num);
	ctl_resp_free(&r);
	return q;
}

static int listen_to(struct nfv_mgmt_conn *c, uint16_t num, uint32_t copy_range)
{
	struct nfv_msg_queue_listen ql = { .num = num, .copy_range = copy_range };

	return ctl_call(&f, c, NFV_MSG_QUEUE_LISTEN, &ql, sizeof(ql), NULL);
}

static struct nfv_msg_queue_verdict verdict(uint16_t num, uint64_t id, uint32_t v)
{
	return (struct nfv_msg_queue_verdict){ .id = id, .num = num, .verdict = v };
}

/* A worker's QUEUE verdict for a 40-byte IPv4 packet at FORWARD. */
static void worker_queues(uint16_t num)
{
	uint8_t ip[40] = { 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17 };
	struct rte_mbuf *m;

	for (unsigned int i = 20; i < sizeof(ip); i++)
		ip[i] = i;
	m = nfv_test_mbuf(f.dp.pool, ip, sizeof(ip));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	nfv_mbuf_meta(m)->family = AF_INET;
	CU_ASSERT_FALSE(nfv_queue_enqueue(f.dp.hooks, 0, m, NFV_QUEUE_NR(num),
					  NFV_INET_FORWARD, 10));
}

/* The QUEUE_PACKET waiting on c; its id. */
static uint64_t packet_sent(struct nfv_mgmt_conn *c, uint16_t num, uint32_t cap)
{
	struct nfv_msg_queue_packet qp;
	struct ctl_resp r;
	uint64_t id = 0;

	CU_ASSERT_FATAL(ctl_read_push(&f, c, &r));
	CU_ASSERT_EQUAL(r.h.type, NFV_MSG_QUEUE_PACKET);
	CU_ASSERT_EQUAL(r.h.seq, 0);
	CU_ASSERT_EQUAL_FATAL(r.h.len, sizeof(qp) + cap);
	memcpy(&qp, r.p, sizeof(qp));
	CU_ASSERT_EQUAL(qp.num, num);
	CU_ASSERT_EQUAL(qp.hook, NFV_INET_FORWARD);
	CU_ASSERT_EQUAL(qp.family, AF_INET);
	CU_ASSERT_EQUAL(qp.len, 40);
	CU_ASSERT_EQUAL(qp.cap_len, cap);
	CU_ASSERT_EQUAL(r.p[sizeof(qp)], 0x45);
	if (cap == 40)
		CU_ASSERT_EQUAL(r.p[sizeof(qp) + 39], 39);
	id = qp.id;
	ctl_resp_free(&r);
	return id;
}

static unsigned int reinjected(void)
{
	struct rte_mbuf *m[4];
	unsigned int n = nfv_queue_reinject_take(f.dp.hooks, 0, m, RTE_DIM(m));

	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_free(m[i]);
	return n;
}

static void test_listing_and_listen(void)
{
	struct nfv_mgmt_conn *a, *b;
	struct nfv_msg_queue q;

	setup();
	a = ctl_conn_open(&f);
	b = ctl_conn_open(&f);
	q = queue_of(a, 7);
	CU_ASSERT_EQUAL(q.size, 16);
	CU_ASSERT_EQUAL(q.timeout_ms, 1000);
	CU_ASSERT_EQUAL(q.default_verdict, NFV_ACCEPT);
	CU_ASSERT_EQUAL(q.bypass, 1);
	CU_ASSERT_EQUAL(q.listeners, 0);
	q = queue_of(a, 5);
	CU_ASSERT_EQUAL(q.default_verdict, NFV_DROP);
	CU_ASSERT_EQUAL(q.bypass, 0);

	CTL_ERR(&f, a, NFV_MSG_QUEUE_LISTEN, &(struct nfv_msg_queue_listen){ .num = 9 },
		sizeof(struct nfv_msg_queue_listen), -ENOENT, "queue 9 is not configured");
	CU_ASSERT_EQUAL(listen_to(a, 5, 0), 0);
	CU_ASSERT_EQUAL(queue_of(b, 5).listeners, 1);
	CTL_ERR(&f, b, NFV_MSG_QUEUE_LISTEN, &(struct nfv_msg_queue_listen){ .num = 5 },
		sizeof(struct nfv_msg_queue_listen), -EBUSY, "queue 5 has a listener already");
	CTL_ERR(&f, a, NFV_MSG_QUEUE_LISTEN, &(struct nfv_msg_queue_listen){ .num = 5 },
		sizeof(struct nfv_msg_queue_listen), -EBUSY, "queue 5 has a listener already");
	/* a connection listens to one queue: a second would be left listened forever */
	CTL_ERR(&f, a, NFV_MSG_QUEUE_LISTEN, &(struct nfv_msg_queue_listen){ .num = 7 },
		sizeof(struct nfv_msg_queue_listen), -EBUSY, "listens to queue 5");
	CU_ASSERT_EQUAL(queue_of(b, 7).listeners, 0);
	CU_ASSERT_EQUAL(listen_to(b, 7, 0), 0);

	/* the listener goes away: queue 5 is free for another */
	ctl_conn_close(&f, a);
	b = &f.mgmt.conns[0];	/* moved into a's slot */
	CU_ASSERT_EQUAL(queue_of(b, 5).listeners, 0);
	CU_ASSERT_EQUAL(queue_of(b, 7).listeners, 1);
	a = ctl_conn_open(&f);
	CU_ASSERT_EQUAL(listen_to(a, 5, 0), 0);
	ctl_fake_fini(&f);
}

static void test_packets_and_verdicts(void)
{
	struct nfv_msg_queue_verdict v;
	struct nfv_mgmt_conn *l, *other;
	struct nfv_msg_queue q;
	uint64_t id1, id2;

	setup();
	l = ctl_conn_open(&f);
	other = ctl_conn_open(&f);
	CU_ASSERT_EQUAL(listen_to(l, 5, 0), 0);
	worker_queues(5);
	worker_queues(5);
	queues_mod->poll(&f.dp, 1000);
	id1 = packet_sent(l, 5, 40);
	id2 = packet_sent(l, 5, 40);
	CU_ASSERT_NOT_EQUAL(id1, id2);
	CU_ASSERT(ctl_all_idle(&f));
	q = queue_of(other, 5);
	CU_ASSERT_EQUAL(q.enqueued, 2);
	CU_ASSERT_EQUAL(q.pending, 2);

	/* any connection may answer (nfvpnctl queue verdict) */
	v = verdict(5, id1, NFV_ACCEPT);
	CTL_OK(&f, other, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v));
	CU_ASSERT_EQUAL(reinjected(), 1);
	CTL_ERR(&f, other, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v), -ESRCH, "not pending");
	v = verdict(5, 999, NFV_ACCEPT);
	CTL_ERR(&f, l, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v), -ESRCH, "packet 999: not pending");
	v = verdict(9, id2, NFV_ACCEPT);
	CTL_ERR(&f, l, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v), -ENOENT, "no such queue");
	v = verdict(5, id2, NFV_STOLEN);
	CTL_ERR(&f, l, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v), -EINVAL, "accept or drop");
	v = verdict(5, id2, NFV_DROP);
	CTL_OK(&f, l, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v));
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.dp.hooks, NFV_DR_QUEUE_VERDICT_DROP), 1);
	CU_ASSERT_EQUAL(reinjected(), 0);
	q = queue_of(other, 5);
	CU_ASSERT_EQUAL(q.verdict_accept, 1);
	CU_ASSERT_EQUAL(q.verdict_drop, 1);
	CU_ASSERT_EQUAL(q.pending, 0);

	/* copy_range: the first bytes only */
	ctl_conn_close(&f, other);
	CU_ASSERT_EQUAL(listen_to(l, 7, 8), -EBUSY);
	other = ctl_conn_open(&f);
	CU_ASSERT_EQUAL(listen_to(other, 7, 8), 0);
	worker_queues(7);
	queues_mod->poll(&f.dp, 2000);
	v = verdict(7, packet_sent(other, 7, 8), NFV_ACCEPT);
	CTL_OK(&f, l, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v));
	CU_ASSERT_EQUAL(reinjected(), 1);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(f.dp.pool), 0);
	ctl_fake_fini(&f);
}

/* Unanswered: the default verdict after the timeout, or when the listener goes. */
static void test_timeout_and_close(void)
{
	uint64_t t0 = 1000000, timeout = 100 * rte_get_tsc_hz() / 1000;
	struct nfv_msg_queue_verdict v;
	struct nfv_mgmt_conn *l, *other;
	struct nfv_msg_queue q;
	uint64_t id;

	setup();
	other = ctl_conn_open(&f);
	l = ctl_conn_open(&f);
	CU_ASSERT_EQUAL(listen_to(l, 5, 0), 0);
	worker_queues(5);
	queues_mod->poll(&f.dp, t0);
	id = packet_sent(l, 5, 40);
	queues_mod->poll(&f.dp, t0 + timeout - 1);
	CU_ASSERT_EQUAL(queue_of(other, 5).pending, 1);
	queues_mod->poll(&f.dp, t0 + timeout);
	q = queue_of(other, 5);
	CU_ASSERT_EQUAL(q.pending, 0);
	CU_ASSERT_EQUAL(q.timeouts, 1);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.dp.hooks, NFV_DR_QUEUE_TIMEOUT), 1);
	v = verdict(5, id, NFV_ACCEPT);
	CTL_ERR(&f, l, NFV_MSG_QUEUE_VERDICT, &v, sizeof(v), -ESRCH, "timed out");

	/* pending when the listener closes: the default verdict at once */
	worker_queues(5);
	queues_mod->poll(&f.dp, t0);
	packet_sent(l, 5, 40);
	ctl_conn_close(&f, l);
	q = queue_of(other, 5);
	CU_ASSERT_EQUAL(q.listeners, 0);
	CU_ASSERT_EQUAL(q.pending, 0);
	CU_ASSERT_EQUAL(q.timeouts, 2);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.dp.hooks, NFV_DR_QUEUE_TIMEOUT), 2);
	/* no listener: a worker does not queue (no bypass on 5: dropped) */
	worker_queues(5);
	CU_ASSERT_EQUAL(queue_of(other, 5).no_listener, 1);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(f.dp.pool), 0);
	ctl_fake_fini(&f);
}

/* A full queue counted by a worker becomes one overflow event with the increase. */
static void test_overflow_event(void)
{
	struct nfv_ctl_module *ev = nfv_ctl_module_find("events");
	struct nfv_queue *q;
	struct nfv_mgmt_conn *sub;
	struct nfv_msg_event e;
	struct ctl_resp r;

	setup();
	sub = ctl_conn_open(&f);
	CTL_OK(&f, sub, NFV_MSG_EVENTS, NULL, 0);
	q = nfv_queue_find(f.dp.hooks->queues, 7);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	queues_mod->timer(&f.dp, 0);
	q->w[0].full = 3;
	queues_mod->timer(&f.dp, 0);
	queues_mod->timer(&f.dp, 0);	/* no new loss: no event */
	ev->timer(&f.dp, 0);
	CU_ASSERT_FATAL(ctl_read_push(&f, sub, &r));
	CU_ASSERT_EQUAL_FATAL(r.h.len, sizeof(e));
	memcpy(&e, r.p, sizeof(e));
	CU_ASSERT_EQUAL(e.type, NFV_EVENT_QUEUE_OVERFLOW);
	CU_ASSERT_EQUAL(e.value, 3);
	CU_ASSERT_STRING_EQUAL(e.object, "queue 7");
	ctl_resp_free(&r);
	CU_ASSERT(ctl_all_idle(&f));
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_queues", NULL, NULL,
		{ "QUEUES; QUEUE_LISTEN: unknown, twice (EBUSY), released on close",
		  test_listing_and_listen },
		{ "QUEUE_PACKET to the listener, QUEUE_VERDICT, copy_range",
		  test_packets_and_verdicts },
		{ "the default verdict on timeout and when the listener closes",
		  test_timeout_and_close },
		{ "a full queue becomes an overflow event", test_overflow_event });
	return nfv_test_run();
}
