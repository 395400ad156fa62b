/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built-in hook entries on the control side (control/hooks.c): the
 * policy's, HOOK_ADD and HOOK_DEL, the HOOKS and BUILTINS listings, and
 * what is refused: a name in use, a hook that does not exist, a queue
 * that is not configured.
 */
#include <string.h>

#include "builtin.h"
#include "ctl_fake.h"

static struct ctl_fake f;
static struct nfv_mgmt_conn *c;

static struct nfv_policy_queue queues[] = {
	{ .num = 5, .size = 4, .timeout_ms = 100 },
};
static struct nfv_policy_hook hooks[] = {
	{ .name = "pol-count", .hook = NFV_INET_FORWARD, .priority = 0,
	  .action = NFV_BUILTIN_COUNT },
};

static void setup(void)
{
	ctl_fake_init(&f);
	f.pol.queues = queues;
	f.pol.nb_queues = RTE_DIM(queues);
	f.pol.hooks = hooks;
	f.pol.nb_hooks = RTE_DIM(hooks);
	CTL_START(&f, "queues", "hook entries");
	c = ctl_conn_open(&f);
}

static struct nfv_policy_hook entry(const char *name, int hook, int prio,
				    enum nfv_builtin_action action)
{
	struct nfv_policy_hook h = { .hook = hook, .priority = prio, .action = action };

	strcpy(h.name, name);
	return h;
}

/* HOOKS as a copy. */
static struct nfv_msg_hook *hooks_list(uint32_t *n)
{
	const struct nfv_msg_hook *l;
	struct nfv_msg_hook *v = NULL;
	struct ctl_resp r;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_HOOKS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), n);
	if (l != NULL) {
		v = malloc(*n * sizeof(*v) + 1);
		memcpy(v, l, *n * sizeof(*v));
	}
	ctl_resp_free(&r);
	return v;
}

/* BUILTINS as a copy. */
static struct nfv_policy_hook *builtins_list(uint32_t *n)
{
	const struct nfv_policy_hook *l;
	struct nfv_policy_hook *v = NULL;
	struct ctl_resp r;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_BUILTINS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), n);
	if (l != NULL) {
		v = malloc(*n * sizeof(*v) + 1);
		memcpy(v, l, *n * sizeof(*v));
	}
	ctl_resp_free(&r);
	return v;
}

static int index_of(const struct nfv_msg_hook *v, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return i;
	return -1;
}

static void test_add_list_del(void)
{
	struct nfv_policy_hook h, *b;
	struct nfv_msg_hook *v;
	struct nfv_msg_name name = { "cnt" };
	uint64_t gen;
	uint32_t n;
	int i, j;

	setup();
	/* the policy's entry */
	v = hooks_list(&n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(n == 1 && strcmp(v[0].name, "pol-count") == 0 &&
		  v[0].hook == NFV_INET_FORWARD && v[0].priority == 0);
	free(v);

	gen = f.dp.generation;
	h = entry("cnt", NFV_INET_LOCAL_IN, -10, NFV_BUILTIN_COUNT);
	h.proto = IPPROTO_UDP;
	h.dport_min = 53;
	h.dport_max = 53;
	CTL_OK(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h));
	h = entry("early", NFV_INET_FORWARD, NFV_IP_PRI_MANGLE, NFV_BUILTIN_DROP);
	CTL_OK(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 2);
	CU_ASSERT_PTR_NOT_NULL(nfv_hook_find(f.dp.hooks, "cnt"));

	v = hooks_list(&n);
	CU_ASSERT_EQUAL(n, 3);
	i = index_of(v, n, "cnt");
	CU_ASSERT(i >= 0 && v[i].hook == NFV_INET_LOCAL_IN && v[i].priority == -10 &&
		  v[i].packets == 0);
	/* in a hook, by priority: -150 runs before 0 */
	i = index_of(v, n, "early");
	j = index_of(v, n, "pol-count");
	CU_ASSERT(i >= 0 && j >= 0 && i < j);
	free(v);

	/* BUILTINS gives back what was added */
	b = builtins_list(&n);
	CU_ASSERT_EQUAL(n, 3);
	for (uint32_t k = 0; k < n; k++) {
		if (strcmp(b[k].name, "cnt") != 0)
			continue;
		CU_ASSERT_EQUAL(b[k].hook, NFV_INET_LOCAL_IN);
		CU_ASSERT_EQUAL(b[k].priority, -10);
		CU_ASSERT_EQUAL(b[k].action, NFV_BUILTIN_COUNT);
		CU_ASSERT_EQUAL(b[k].proto, IPPROTO_UDP);
		CU_ASSERT_EQUAL(b[k].dport_min, 53);
		CU_ASSERT_EQUAL(b[k].dport_max, 53);
	}
	free(b);

	gen = f.dp.generation;
	CTL_OK(&f, c, NFV_MSG_HOOK_DEL, &name, sizeof(name));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 1);
	CU_ASSERT_PTR_NULL(nfv_hook_find(f.dp.hooks, "cnt"));
	CTL_ERR(&f, c, NFV_MSG_HOOK_DEL, &name, sizeof(name), -ENOENT,
		"no built-in entry named 'cnt'");
	v = hooks_list(&n);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(index_of(v, n, "cnt"), -1);
	free(v);
	free(builtins_list(&n));
	CU_ASSERT_EQUAL(n, 2);
	/* the policy's entries are built-in entries too */
	strcpy(name.name, "pol-count");
	CTL_OK(&f, c, NFV_MSG_HOOK_DEL, &name, sizeof(name));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 2);
	ctl_fake_fini(&f);
}

static void test_refused(void)
{
	struct nfv_policy_hook h;
	uint64_t gen;
	uint32_t n;

	setup();
	gen = f.dp.generation;
	h = entry("pol-count", NFV_INET_LOCAL_OUT, 0, NFV_BUILTIN_COUNT);
	CTL_ERR(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h), -EEXIST,
		"an entry named 'pol-count' exists");
	h = entry("nohook", NFV_INET_NUMHOOKS, 0, NFV_BUILTIN_COUNT);
	CTL_ERR(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h), -EINVAL, "hook 5 does not exist");
	h = entry("nohook", -1, 0, NFV_BUILTIN_COUNT);
	CTL_ERR(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h), -EINVAL, "hook -1 does not exist");
	h = entry("q9", NFV_INET_FORWARD, 0, NFV_BUILTIN_QUEUE);
	h.queue = 9;
	CTL_ERR(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h), -ENOENT, "queue 9 is not configured");
	CU_ASSERT_EQUAL(f.dp.generation, gen);
	free(hooks_list(&n));
	CU_ASSERT_EQUAL(n, 1);
	ctl_fake_fini(&f);
}

/* A QUEUE entry answers its queue's number, with the bypass flag if asked. */
static void test_queue_action(void)
{
	const struct nfv_builtin *b;
	struct nfv_hook_reg *reg;
	struct nfv_policy_hook h;

	setup();
	h = entry("q5", NFV_INET_FORWARD, 10, NFV_BUILTIN_QUEUE);
	h.queue = 5;
	h.queue_bypass = true;
	CTL_OK(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h));
	reg = nfv_hook_find(f.dp.hooks, "q5");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	b = reg->ops.priv;
	CU_ASSERT_EQUAL(NFV_VERDICT(b->match_verdict), NFV_QUEUE);
	CU_ASSERT_EQUAL(NFV_VERDICT_ARG(b->match_verdict) & 0x7fff, 5);
	CU_ASSERT(b->match_verdict & NFV_VERDICT_FLAG_QUEUE_BYPASS);
	CU_ASSERT(b->match_all);
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_hooks", NULL, NULL,
		{ "HOOK_ADD, HOOKS, BUILTINS, HOOK_DEL; the policy's entries", test_add_list_del },
		{ "name in use, no such hook, queue not configured", test_refused },
		{ "a QUEUE entry's verdict names its queue", test_queue_action });
	return nfv_test_run();
}
