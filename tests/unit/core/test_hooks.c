/* SPDX-License-Identifier: BSD-3-Clause */
/* The hook table and burst runner: order, verdicts, runtime updates. */
#include <pthread.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "nfv_hook_table.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_hooks.h"

static char call_log[256];

struct tentry {
	const char *tag;
	uint32_t verdict;	/* what it answers for every packet */
	unsigned int repeats;	/* answer REPEAT this many times per call site */
	unsigned int seen;
	uint32_t magic;
};

#define TENTRY_MAGIC 0x6e667670u

static void tentry_fn(void *priv, struct rte_mbuf **pkts, uint16_t n,
		      uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct tentry *te = priv;

	if (te->magic != TENTRY_MAGIC)
		abort();	/* called after its unregistration returned */
	if (te->tag != NULL)
		strcat(call_log, te->tag);
	for (uint16_t i = 0; i < n; i++) {
		te->seen++;
		if (te->repeats > 0) {
			te->repeats--;
			verdicts[i] = NFV_REPEAT;
		} else {
			verdicts[i] = te->verdict;
		}
	}
}

static struct nfv_hook_table *new_table(void)
{
	struct nfv_hook_table *t = nfv_hook_table_create(1);

	CU_ASSERT_FATAL(t != NULL);
	return t;
}

static struct nfv_hook_reg *add(struct nfv_hook_table *t, const char *name,
				enum nfv_hook hook, int prio, struct tentry *te)
{
	struct nfv_hook_ops ops = {
		.name = name, .hook = hook, .priority = prio,
		.fn = tentry_fn, .priv = te,
	};
	struct nfv_hook_reg *reg = NULL;

	te->magic = TENTRY_MAGIC;
	CU_ASSERT_EQUAL(nfv_hook_register(t, &ops, 1, &reg), 0);
	return reg;
}

static uint16_t burst(struct rte_mbuf **pkts, uint16_t n)
{
	static const uint8_t data[64] = { 0x45 };

	for (uint16_t i = 0; i < n; i++) {
		pkts[i] = nfv_test_mbuf(test_pool, data, sizeof(data));
		CU_ASSERT_FATAL(pkts[i] != NULL);
	}
	return n;
}

static uint16_t run(struct nfv_hook_table *t, enum nfv_hook hook,
		    struct rte_mbuf **pkts, uint16_t n)
{
	struct nfv_hook_state st = { .hook = hook, .worker = 0, .table = t };

	return nfv_hook_run(t, pkts, n, &st, NFV_HOOK_FROM_START);
}

static void test_priority_order(void)
{
	struct nfv_hook_table *t = new_table();
	struct tentry a = { "a", NFV_ACCEPT }, b = { "b", NFV_ACCEPT },
		      c = { "c", NFV_ACCEPT }, d = { "d", NFV_ACCEPT },
		      e = { "e", NFV_ACCEPT }, x = { "x", NFV_ACCEPT };
	struct rte_mbuf *pkts[4];
	unsigned int in_use = rte_mempool_in_use_count(test_pool);

	add(t, "a", NFV_INET_FORWARD, NFV_IP_PRI_FILTER, &a);
	add(t, "b", NFV_INET_FORWARD, NFV_IP_PRI_RAW, &b);
	add(t, "c", NFV_INET_FORWARD, NFV_IP_PRI_CONNTRACK_CONFIRM, &c);
	add(t, "d", NFV_INET_FORWARD, NFV_IP_PRI_FILTER, &d); /* after a */
	add(t, "e", NFV_INET_FORWARD, NFV_IP_PRI_FIRST, &e);
	add(t, "x", NFV_INET_LOCAL_IN, NFV_IP_PRI_FILTER, &x); /* other hook */

	call_log[0] = '\0';
	CU_ASSERT_EQUAL(run(t, NFV_INET_FORWARD, pkts, burst(pkts, 4)), 4);
	CU_ASSERT_STRING_EQUAL(call_log, "ebadc");
	CU_ASSERT_EQUAL(x.seen, 0);
	rte_pktmbuf_free_bulk(pkts, 4);

	/* resuming after a priority skips what ran before */
	call_log[0] = '\0';
	{
		struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .table = t };

		burst(pkts, 1);
		CU_ASSERT_EQUAL(nfv_hook_run(t, pkts, 1, &st, NFV_IP_PRI_FILTER), 1);
		CU_ASSERT_STRING_EQUAL(call_log, "c");
		rte_pktmbuf_free(pkts[0]);
	}
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
	nfv_hook_table_destroy(t);
}

static void test_duplicate_and_unregister(void)
{
	struct nfv_hook_table *t = new_table();
	struct tentry a = { "a", NFV_ACCEPT }, b = { "b", NFV_ACCEPT };
	struct nfv_hook_ops ops = { .name = "a", .hook = NFV_INET_FORWARD,
				    .fn = tentry_fn, .priv = &b };
	struct nfv_hook_reg *ra, *rb;
	struct rte_mbuf *pkts[2];

	ra = add(t, "a", NFV_INET_FORWARD, 0, &a);
	CU_ASSERT_EQUAL(nfv_hook_register(t, &ops, 1, NULL), -EEXIST);
	ops.hook = NFV_INET_NUMHOOKS;
	ops.name = "z";
	CU_ASSERT_EQUAL(nfv_hook_register(t, &ops, 1, NULL), -EINVAL);
	rb = add(t, "b", NFV_INET_FORWARD, 10, &b);
	CU_ASSERT_PTR_EQUAL(nfv_hook_find(t, "b"), rb);

	nfv_hook_unregister(t, &ra, 1);
	CU_ASSERT_PTR_NULL(nfv_hook_find(t, "a"));
	call_log[0] = '\0';
	CU_ASSERT_EQUAL(run(t, NFV_INET_FORWARD, pkts, burst(pkts, 2)), 2);
	CU_ASSERT_STRING_EQUAL(call_log, "b");
	nfv_hook_unregister(t, &rb, 1);
	CU_ASSERT_PTR_NULL(t->hooks[NFV_INET_FORWARD]);
	CU_ASSERT_EQUAL(run(t, NFV_INET_FORWARD, pkts, 2), 2);
	rte_pktmbuf_free_bulk(pkts, 2);
	nfv_hook_table_destroy(t);
}

static void test_verdicts(void)
{
	struct nfv_hook_table *t = new_table();
	unsigned int in_use = rte_mempool_in_use_count(test_pool);
	struct tentry drop = { NULL, NFV_DROP_REASON(NFV_DR_NO_ROUTE) };
	struct tentry plain_drop = { NULL, NFV_DROP };
	struct tentry steal = { NULL, NFV_STOLEN };
	struct tentry rep = { NULL, NFV_ACCEPT, 3 };
	struct tentry forever = { NULL, NFV_REPEAT };
	struct tentry after = { NULL, NFV_ACCEPT };
	struct rte_mbuf *pkts[8], *stolen[8];
	struct nfv_hook_reg *r, *ra;
	struct nfv_hook_stats sum;

	/* DROP with a reason: freed and counted under it */
	r = add(t, "drop", NFV_INET_PRE_ROUTING, 0, &drop);
	ra = add(t, "after", NFV_INET_PRE_ROUTING, 10, &after);
	CU_ASSERT_EQUAL(run(t, NFV_INET_PRE_ROUTING, pkts, burst(pkts, 5)), 0);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(t, NFV_DR_NO_ROUTE), 5);
	CU_ASSERT_EQUAL(after.seen, 0);
	nfv_hook_stats_sum(r, &sum);
	CU_ASSERT_EQUAL(sum.packets, 5);
	CU_ASSERT_EQUAL(sum.dropped, 5);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
	nfv_hook_unregister(t, &r, 1);

	/* plain DROP is counted as hook-drop */
	r = add(t, "pdrop", NFV_INET_PRE_ROUTING, 0, &plain_drop);
	CU_ASSERT_EQUAL(run(t, NFV_INET_PRE_ROUTING, pkts, burst(pkts, 2)), 0);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(t, NFV_DR_HOOK), 2);
	nfv_hook_unregister(t, &r, 1);

	/* STOLEN: the entry owns them, later entries never see them */
	r = add(t, "steal", NFV_INET_PRE_ROUTING, 0, &steal);
	burst(pkts, 3);
	memcpy(stolen, pkts, sizeof(pkts[0]) * 3);
	CU_ASSERT_EQUAL(run(t, NFV_INET_PRE_ROUTING, pkts, 3), 0);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use + 3);
	nfv_hook_stats_sum(r, &sum);
	CU_ASSERT_EQUAL(sum.stolen, 3);
	rte_pktmbuf_free_bulk(stolen, 3);
	nfv_hook_unregister(t, &r, 1);

	/* REPEAT: the same entry again, then on to the next */
	after.seen = 0;
	r = add(t, "rep", NFV_INET_PRE_ROUTING, 0, &rep);
	CU_ASSERT_EQUAL(run(t, NFV_INET_PRE_ROUTING, pkts, burst(pkts, 2)), 2);
	CU_ASSERT_EQUAL(rep.seen, 2 + 3);
	CU_ASSERT_EQUAL(after.seen, 2);
	nfv_hook_stats_sum(r, &sum);
	CU_ASSERT_EQUAL(sum.repeated, 3);
	CU_ASSERT_EQUAL(sum.accepted, 2);
	rte_pktmbuf_free_bulk(pkts, 2);
	nfv_hook_unregister(t, &r, 1);

	/* REPEAT without end: bounded, dropped and counted */
	r = add(t, "forever", NFV_INET_PRE_ROUTING, 0, &forever);
	CU_ASSERT_EQUAL(run(t, NFV_INET_PRE_ROUTING, pkts, burst(pkts, 4)), 0);
	CU_ASSERT_EQUAL(forever.seen, 4 * (1 + NFV_REPEAT_LIMIT));
	nfv_hook_stats_sum(r, &sum);
	CU_ASSERT_EQUAL(sum.repeat_limit, 4);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(t, NFV_DR_REPEAT_LIMIT), 4);
	nfv_hook_unregister(t, &r, 1);
	nfv_hook_unregister(t, &ra, 1);

	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
	nfv_hook_table_destroy(t);
}

/* A worker thread runs bursts while the control side changes the hook. */
struct race {
	struct nfv_hook_table *t;
	volatile bool stop;
	uint64_t bursts;
	uint64_t in, out;
};

static void *race_worker(void *arg)
{
	struct race *r = arg;
	struct rte_mbuf *pkts[NFV_BURST];
	struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .worker = 0, .table = r->t };

	nfv_hook_worker_online(r->t, 0);
	/* no CUnit assertion here: CUnit is not thread-safe */
	while (!r->stop) {
		uint16_t n = NFV_BURST;

		if (rte_pktmbuf_alloc_bulk(test_pool, pkts, n) != 0)
			abort();

		r->in += n;
		n = nfv_hook_run(r->t, pkts, n, &st, NFV_HOOK_FROM_START);
		r->out += n;
		rte_pktmbuf_free_bulk(pkts, n);
		r->bursts++;
		nfv_hook_worker_quiescent(r->t, 0);
	}
	nfv_hook_worker_offline(r->t, 0);
	return NULL;
}

static void test_update_under_traffic(void)
{
	struct race r = { .t = new_table() };
	struct tentry keep = { NULL, NFV_ACCEPT };
	struct tentry te[4];
	pthread_t th;
	unsigned int in_use = rte_mempool_in_use_count(test_pool);

	add(r.t, "keep", NFV_INET_FORWARD, 0, &keep);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, race_worker, &r) == 0);
	while (__atomic_load_n(&r.bursts, __ATOMIC_RELAXED) == 0)
		;
	for (unsigned int i = 0; i < 300; i++) {
		struct tentry *e = &te[i % 4];
		struct nfv_hook_reg *reg;
		char name[16];

		memset(e, 0, sizeof(*e));
		e->verdict = NFV_ACCEPT;
		snprintf(name, sizeof(name), "t%u", i);
		reg = add(r.t, name, NFV_INET_FORWARD, (int)(i % 7) - 3, e);
		nfv_hook_unregister(r.t, &reg, 1);
		/* the grace period is over: a call now would abort */
		e->magic = 0;
	}
	r.stop = true;
	pthread_join(th, NULL);
	/* updates and bursts really overlapped */
	CU_ASSERT(r.bursts > 300);
	CU_ASSERT_EQUAL(r.in, r.out);
	CU_ASSERT_EQUAL(keep.seen, r.in);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(test_pool), in_use);
	nfv_hook_table_destroy(r.t);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(nfv_hook_name(NFV_INET_POST_ROUTING), "POST_ROUTING");
	CU_ASSERT_EQUAL(nfv_hook_from_name("local_in"), NFV_INET_LOCAL_IN);
	CU_ASSERT_EQUAL(nfv_hook_from_name("INPUT"), -1);
	CU_ASSERT_STRING_EQUAL(nfv_verdict_name(NFV_STOLEN), "STOLEN");
	CU_ASSERT_STRING_EQUAL(nfv_drop_reason_name(NFV_DR_IP4_CSUM), "ip4-bad-checksum");
	CU_ASSERT_EQUAL(NFV_DROP, 0);
	CU_ASSERT_EQUAL(NFV_REPEAT, 4);
	CU_ASSERT_EQUAL(NFV_IP_PRI_CONNTRACK, -200);
}

int test_hooks_register(void)
{
	NFV_TEST_SUITE("hooks", NULL, NULL,
		{ "priority order", test_priority_order },
		{ "duplicates and unregister", test_duplicate_and_unregister },
		{ "every verdict", test_verdicts },
		{ "register/unregister under traffic", test_update_under_traffic },
		{ "names and values", test_names });
	return 0;
}
