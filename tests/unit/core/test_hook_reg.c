/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfv_hook_register() and nfv_hook_unregister() on batches: order by
 * priority, registration order within a priority, all-or-nothing.
 */
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "nfv_hook_table.h"
#include "nfv_test.h"
#include "test_hooks.h"

static char order[64];

/* priv is the entry's tag: the run appends it to order[] */
static void tag_fn(void *priv, struct rte_mbuf **pkts, uint16_t n,
		   uint32_t *verdicts, const struct nfv_hook_state *state)
{
	strcat(order, priv);
	for (uint16_t i = 0; i < n; i++)
		verdicts[i] = NFV_ACCEPT;
}

#define OPS(tag, hook, prio) { tag, hook, prio, tag_fn, tag }

/* The tags of hook's entries, in the order a burst meets them. */
static const char *run(struct nfv_hook_table *t, enum nfv_hook hook)
{
	static const uint8_t data[64] = { 0x45 };
	struct nfv_hook_state st = { .hook = hook, .table = t };
	struct rte_mbuf *m = nfv_test_mbuf(test_pool, data, sizeof(data));

	CU_ASSERT_FATAL(m != NULL);
	order[0] = '\0';
	CU_ASSERT_EQUAL(nfv_hook_run(t, &m, 1, &st, NFV_HOOK_FROM_START), 1);
	rte_pktmbuf_free(m);
	return order;
}

static void test_batch_priority(void)
{
	struct nfv_hook_table *t = nfv_hook_table_create(1);
	const struct nfv_hook_ops ops[] = {
		OPS("a", NFV_INET_FORWARD, NFV_IP_PRI_FILTER),
		OPS("b", NFV_INET_FORWARD, NFV_IP_PRI_RAW),
		OPS("c", NFV_INET_FORWARD, NFV_IP_PRI_CONNTRACK_CONFIRM),
		OPS("x", NFV_INET_LOCAL_IN, NFV_IP_PRI_FILTER),
		OPS("d", NFV_INET_FORWARD, NFV_IP_PRI_FIRST),
	};
	struct nfv_hook_reg *regs[RTE_DIM(ops)] = { NULL };

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(nfv_hook_register(t, ops, 0, regs), 0);
	CU_ASSERT_PTR_NULL(t->hooks[NFV_INET_FORWARD]);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, ops, RTE_DIM(ops), regs), 0);
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_FORWARD), "dbac");
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_LOCAL_IN), "x");
	/* regs[i] is the registration of ops[i], whatever its place */
	for (unsigned int i = 0; i < RTE_DIM(ops); i++) {
		CU_ASSERT_PTR_EQUAL(nfv_hook_find(t, ops[i].name), regs[i]);
		CU_ASSERT_EQUAL(regs[i]->ops.priority, ops[i].priority);
	}
	nfv_hook_table_destroy(t);
}

static void test_same_priority(void)
{
	struct nfv_hook_table *t = nfv_hook_table_create(1);
	const struct nfv_hook_ops first = OPS("a", NFV_INET_POST_ROUTING, NFV_IP_PRI_LAST);
	const struct nfv_hook_ops batch[] = {
		OPS("b", NFV_INET_POST_ROUTING, NFV_IP_PRI_LAST),
		OPS("c", NFV_INET_POST_ROUTING, NFV_IP_PRI_FILTER),
		OPS("d", NFV_INET_POST_ROUTING, NFV_IP_PRI_LAST),
	};
	const struct nfv_hook_ops later = OPS("e", NFV_INET_POST_ROUTING, NFV_IP_PRI_LAST);

	/*
	 * Equal priorities run in registration order, within a batch and
	 * across batches: conntrack confirm, registered first, must run
	 * before esp-output, both at INT_MAX (docs/filter.md).
	 */
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, &first, 1, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, batch, RTE_DIM(batch), NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, &later, 1, NULL), 0);
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_POST_ROUTING), "cabde");
	nfv_hook_table_destroy(t);
}

static void test_unregister_batch(void)
{
	struct nfv_hook_table *t = nfv_hook_table_create(1);
	const struct nfv_hook_ops keep = OPS("k", NFV_INET_FORWARD, NFV_IP_PRI_FILTER);
	const struct nfv_hook_ops ops[] = {
		OPS("a", NFV_INET_FORWARD, NFV_IP_PRI_RAW),
		OPS("b", NFV_INET_LOCAL_IN, NFV_IP_PRI_FILTER),
		OPS("c", NFV_INET_FORWARD, NFV_IP_PRI_LAST),
		OPS("d", NFV_INET_LOCAL_IN, NFV_IP_PRI_LAST),
	};
	struct nfv_hook_reg *regs[RTE_DIM(ops) + 1] = { NULL };
	struct nfv_hook_reg *kreg = NULL;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, &keep, 1, &kreg), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, ops, RTE_DIM(ops), regs), 0);
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_FORWARD), "akc");
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_LOCAL_IN), "bd");

	/* part of a batch, across two hooks */
	nfv_hook_unregister(t, &regs[2], 2);
	CU_ASSERT_PTR_NULL(regs[2]);
	CU_ASSERT_PTR_NULL(regs[3]);
	CU_ASSERT_PTR_NULL(nfv_hook_find(t, "c"));
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_FORWARD), "ak");
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_LOCAL_IN), "b");

	/* the rest, NULL slots skipped: a hook left empty costs one load */
	nfv_hook_unregister(t, regs, RTE_DIM(regs));
	for (unsigned int i = 0; i < RTE_DIM(regs); i++)
		CU_ASSERT_PTR_NULL(regs[i]);
	CU_ASSERT_PTR_NULL(t->hooks[NFV_INET_LOCAL_IN]);
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_FORWARD), "k");
	CU_ASSERT_PTR_EQUAL(nfv_hook_find(t, "k"), kreg);

	/* nothing to do: no grace period, no change */
	nfv_hook_unregister(t, regs, RTE_DIM(regs));
	nfv_hook_unregister(t, &kreg, 1);
	CU_ASSERT_PTR_NULL(t->hooks[NFV_INET_FORWARD]);
	nfv_hook_table_destroy(t);
}

/* Registers bad, which must fail with err and change nothing. */
static void refused(struct nfv_hook_table *t, const struct nfv_hook_ops *bad,
		    unsigned int n, int err)
{
	struct nfv_hook_entries *before[NFV_INET_NUMHOOKS];
	struct nfv_hook_reg *sentinel = (struct nfv_hook_reg *)&before;
	struct nfv_hook_reg *regs[8];

	CU_ASSERT_FATAL(n <= RTE_DIM(regs));
	memcpy(before, t->hooks, sizeof(before));
	for (unsigned int i = 0; i < n; i++)
		regs[i] = sentinel;
	CU_ASSERT_EQUAL(nfv_hook_register(t, bad, n, regs), err);
	CU_ASSERT(memcmp(before, t->hooks, sizeof(before)) == 0);
	for (unsigned int i = 0; i < n; i++) {
		CU_ASSERT_PTR_EQUAL(regs[i], sentinel);
		if (bad[i].name != NULL && strcmp(bad[i].name, "a") != 0)
			CU_ASSERT_PTR_NULL(nfv_hook_find(t, bad[i].name));
	}
}

static void test_failure_midway(void)
{
	struct nfv_hook_table *t = nfv_hook_table_create(1);
	const struct nfv_hook_ops a = OPS("a", NFV_INET_FORWARD, NFV_IP_PRI_FILTER);
	const struct nfv_hook_ops dup_table[] = {
		OPS("x", NFV_INET_FORWARD, NFV_IP_PRI_RAW),
		OPS("y", NFV_INET_PRE_ROUTING, NFV_IP_PRI_RAW),
		OPS("a", NFV_INET_LOCAL_IN, NFV_IP_PRI_RAW),
	};
	const struct nfv_hook_ops dup_batch[] = {
		OPS("x", NFV_INET_FORWARD, NFV_IP_PRI_RAW),
		OPS("y", NFV_INET_PRE_ROUTING, NFV_IP_PRI_RAW),
		OPS("x", NFV_INET_LOCAL_IN, NFV_IP_PRI_RAW),
	};
	struct nfv_hook_ops bad_hook[] = {
		OPS("x", NFV_INET_FORWARD, NFV_IP_PRI_RAW),
		OPS("y", NFV_INET_NUMHOOKS, NFV_IP_PRI_RAW),
	};
	struct nfv_hook_ops no_fn[] = {
		OPS("x", NFV_INET_FORWARD, NFV_IP_PRI_RAW),
		{ "y", NFV_INET_FORWARD, NFV_IP_PRI_RAW, NULL, NULL },
	};
	char long_name[NFV_HOOK_NAMESIZ + 1];
	struct nfv_hook_ops too_long[] = {
		OPS("x", NFV_INET_FORWARD, NFV_IP_PRI_RAW),
		{ long_name, NFV_INET_FORWARD, NFV_IP_PRI_RAW, tag_fn, "y" },
	};

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, &a, 1, NULL), 0);
	refused(t, dup_table, RTE_DIM(dup_table), -EEXIST);
	refused(t, dup_batch, RTE_DIM(dup_batch), -EEXIST);
	refused(t, bad_hook, RTE_DIM(bad_hook), -EINVAL);
	refused(t, no_fn, RTE_DIM(no_fn), -EINVAL);
	memset(long_name, 'n', NFV_HOOK_NAMESIZ);
	long_name[NFV_HOOK_NAMESIZ] = '\0';
	refused(t, too_long, RTE_DIM(too_long), -EINVAL);
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_FORWARD), "a");
	CU_ASSERT_PTR_NULL(t->hooks[NFV_INET_PRE_ROUTING]);

	/* one byte shorter fits */
	long_name[NFV_HOOK_NAMESIZ - 1] = '\0';
	CU_ASSERT_EQUAL(nfv_hook_register(t, too_long, RTE_DIM(too_long), NULL), 0);
	CU_ASSERT_STRING_EQUAL(run(t, NFV_INET_FORWARD), "xya");
	nfv_hook_table_destroy(t);
}

int test_hook_reg_register(void)
{
	NFV_TEST_SUITE("hook registration", NULL, NULL,
		{ "a batch runs in priority order", test_batch_priority },
		{ "equal priorities keep registration order", test_same_priority },
		{ "unregistering a batch", test_unregister_batch },
		{ "a refused batch changes nothing", test_failure_midway });
	return 0;
}
