/* SPDX-License-Identifier: BSD-3-Clause */
/* QUEUE: no listener, bypass, full queue, verdicts and reinjection. */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "nfv_mbuf.h"
#include "nfv_queue.h"
#include "nfv_test.h"
#include "test_hooks.h"

struct qentry {
	uint32_t verdict;
	unsigned int seen;
};

static void qentry_fn(void *priv, struct rte_mbuf **pkts, uint16_t n,
		      uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct qentry *q = priv;

	for (uint16_t i = 0; i < n; i++)
		verdicts[i] = q->verdict;
	q->seen += n;
}

struct qfix {
	struct nfv_hook_table *t;
	struct qentry queuer, after;
	unsigned int in_use;
};

static void qfix_init(struct qfix *f, uint32_t verdict, bool bypass_conf)
{
	struct nfv_queue_conf conf = {
		.num = 3, .size = 4, .timeout_ms = 100,
		.default_verdict = NFV_DROP, .bypass = bypass_conf,
	};
	struct nfv_hook_ops q = { .name = "queuer", .hook = NFV_INET_FORWARD,
				  .priority = 0, .fn = qentry_fn, .priv = &f->queuer };
	struct nfv_hook_ops a = { .name = "after", .hook = NFV_INET_FORWARD,
				  .priority = 5, .fn = qentry_fn, .priv = &f->after };
	struct nfv_queue_set *qs;

	memset(f, 0, sizeof(*f));
	f->in_use = rte_mempool_in_use_count(test_pool);
	f->t = nfv_hook_table_create(1);
	CU_ASSERT_FATAL(f->t != NULL);
	f->queuer.verdict = verdict;
	f->after.verdict = NFV_ACCEPT;
	CU_ASSERT(nfv_hook_register(f->t, &q, 1, NULL) == 0);
	CU_ASSERT(nfv_hook_register(f->t, &a, 1, NULL) == 0);
	qs = nfv_queue_set_create(&conf, 1);
	CU_ASSERT_FATAL(qs != NULL);
	CU_ASSERT_PTR_NULL(nfv_queue_set_swap(f->t, qs));
}

static void qfix_fini(struct qfix *f)
{
	nfv_hook_table_destroy(f->t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), f->in_use);
}

static uint16_t qrun(struct qfix *f, struct rte_mbuf **pkts, uint16_t n)
{
	static const uint8_t data[60] = { 0x45 };
	struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .table = f->t };

	for (uint16_t i = 0; i < n; i++)
		pkts[i] = nfv_test_mbuf(test_pool, data, sizeof(data));
	return nfv_hook_run(f->t, pkts, n, &st, NFV_HOOK_FROM_START);
}

static void test_no_listener(void)
{
	struct rte_mbuf *pkts[4];
	struct qfix f;

	qfix_init(&f, NFV_QUEUE_NR(3), false);
	CU_ASSERT_EQUAL(qrun(&f, pkts, 2), 0);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.t, NFV_DR_QUEUE_NO_LISTENER), 2);
	/* an unknown queue number drops the same way */
	f.queuer.verdict = NFV_QUEUE_NR(9);
	CU_ASSERT_EQUAL(qrun(&f, pkts, 1), 0);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.t, NFV_DR_QUEUE_NO_LISTENER), 3);
	/* the verdict's bypass flag accepts instead */
	f.queuer.verdict = NFV_QUEUE_NR(3) | NFV_VERDICT_FLAG_QUEUE_BYPASS;
	CU_ASSERT_EQUAL(qrun(&f, pkts, 2), 2);
	CU_ASSERT_EQUAL(f.after.seen, 2);
	CU_ASSERT_EQUAL(nfv_queue_find(f.t->queues, 3)->w[0].bypassed, 2);
	rte_pktmbuf_free_bulk(pkts, 2);
	qfix_fini(&f);
}

static void test_full_and_verdicts(void)
{
	struct rte_mbuf *pkts[8], *taken[8];
	struct nfv_queue *q;
	struct nfv_hook_state st = { .hook = NFV_INET_FORWARD };
	unsigned int n;
	struct qfix f;

	qfix_init(&f, NFV_QUEUE_NR(3), false);
	st.table = f.t;
	q = nfv_queue_find(f.t->queues, 3);
	q->listeners = 1;

	/* size 4: the fifth and sixth packets find the queue full */
	CU_ASSERT_EQUAL(qrun(&f, pkts, 6), 0);
	CU_ASSERT_EQUAL(q->w[0].enqueued, 4);
	CU_ASSERT_EQUAL(q->w[0].full, 2);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.t, NFV_DR_QUEUE_FULL), 2);
	CU_ASSERT_EQUAL(f.after.seen, 0);

	/* the listener accepts the even ones and drops the odd ones */
	n = rte_ring_sc_dequeue_burst(q->ring, (void **)taken, 8, NULL);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	for (unsigned int i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(nfv_mbuf_meta(taken[i])->queue_num, 3);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(taken[i])->queue_hook, NFV_INET_FORWARD);
		nfv_queue_verdict(f.t, taken[i], i % 2 ? NFV_DROP : NFV_ACCEPT,
				  NFV_DR_QUEUE_VERDICT_DROP);
	}
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.t, NFV_DR_QUEUE_VERDICT_DROP), 2);

	/* the worker resumes the accepted ones after the queueing entry */
	n = nfv_queue_reinject_take(f.t, 0, pkts, 8);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_PTR_EQUAL(pkts[0], taken[0]);
	CU_ASSERT_PTR_EQUAL(pkts[1], taken[2]);
	st.hook = nfv_mbuf_meta(pkts[0])->queue_hook;
	CU_ASSERT_EQUAL(nfv_hook_run(f.t, pkts, n, &st,
				     nfv_mbuf_meta(pkts[0])->queue_prio), 2);
	CU_ASSERT_EQUAL(f.queuer.seen, 6);
	CU_ASSERT_EQUAL(f.after.seen, 2);
	rte_pktmbuf_free_bulk(pkts, 2);
	qfix_fini(&f);
}

static void test_swap_settles_pending(void)
{
	struct rte_mbuf *pkts[4];
	struct qfix f;

	qfix_init(&f, NFV_QUEUE_NR(3), false);
	nfv_queue_find(f.t->queues, 3)->listeners = 1;
	CU_ASSERT_EQUAL(qrun(&f, pkts, 3), 0);
	/* replacing the set gives queued packets their default verdict */
	nfv_queue_set_destroy(nfv_queue_set_swap(f.t, NULL));
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.t, NFV_DR_QUEUE_TIMEOUT), 3);
	qfix_fini(&f);
}

static void test_bad_conf(void)
{
	struct nfv_queue_conf conf = { .num = 1, .size = 3 };

	CU_ASSERT_PTR_NULL(nfv_queue_set_create(&conf, 1));
}

int test_queue_register(void)
{
	NFV_TEST_SUITE("queue", NULL, NULL,
		{ "no listener and bypass", test_no_listener },
		{ "full queue, accept and drop verdicts, reinject", test_full_and_verdicts },
		{ "swap settles pending packets", test_swap_settles_pending },
		{ "bad configuration", test_bad_conf });
	return 0;
}
