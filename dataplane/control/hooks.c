/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hook table's control side: built-in entries (count, drop, queue,
 * repeat on a simple match; their packet side is datapath/builtin.c) made
 * from the policy and from requests, and the listing of every entry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "builtin.h"
#include "dp.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_queue.h"

struct nfv_builtins {
	struct nfv_builtin *head;
};

static int builtin_add(struct nfv_dp *dp, const struct nfv_policy_hook *h)
{
	struct nfv_hook_ops ops = nfv_builtin_ops;
	struct nfv_builtin *b;
	int ret;

	if (dp->builtins == NULL) {
		dp->builtins = calloc(1, sizeof(*dp->builtins));
		if (dp->builtins == NULL)
			return -ENOMEM;
	}
	b = rte_zmalloc("nfv_builtin", sizeof(*b), RTE_CACHE_LINE_SIZE);
	if (b == NULL)
		return -ENOMEM;
	b->conf = *h;
	b->match_all = h->proto == 0 && h->dport_max == 0;
	switch (h->action) {
	case NFV_BUILTIN_DROP:
		b->match_verdict = NFV_DROP_REASON(NFV_DR_HOOK);
		break;
	case NFV_BUILTIN_QUEUE:
		b->match_verdict = NFV_QUEUE_NR(h->queue) |
				   (h->queue_bypass ? NFV_VERDICT_FLAG_QUEUE_BYPASS : 0);
		break;
	default:
		b->match_verdict = NFV_ACCEPT;
		break;
	}
	ops.name = h->name;
	ops.hook = h->hook;
	ops.priority = h->priority;
	ops.priv = b;
	ret = nfv_hook_register(dp->hooks, &ops, 1, &b->reg);
	if (ret < 0) {
		rte_free(b);
		return ret;
	}
	b->next = dp->builtins->head;
	dp->builtins->head = b;
	dp->generation++;
	return 0;
}

static int builtin_del(struct nfv_dp *dp, const char *name)
{
	struct nfv_builtin **pb;

	for (pb = dp->builtins ? &dp->builtins->head : NULL; pb && *pb; pb = &(*pb)->next) {
		struct nfv_builtin *b = *pb;

		if (strcmp(b->conf.name, name) != 0)
			continue;
		*pb = b->next;
		/* returns after the grace period: no worker still uses b */
		nfv_hook_unregister(dp->hooks, &b->reg, 1);
		rte_free(b);
		dp->generation++;
		return 0;
	}
	return -ENOENT;
}

/* Every entry in one batch: one grace period, not one per entry. */
static void hooks_fini(struct nfv_dp *dp)
{
	struct nfv_hook_reg **regs;
	struct nfv_builtin *b, *next;
	unsigned int n = 0;

	if (dp->builtins == NULL)
		return;
	for (b = dp->builtins->head; b != NULL; b = b->next)
		n++;
	regs = calloc(n ? n : 1, sizeof(*regs));
	if (regs == NULL) {
		while (dp->builtins->head != NULL)
			builtin_del(dp, dp->builtins->head->conf.name);
	} else {
		n = 0;
		for (b = dp->builtins->head; b != NULL; b = b->next)
			regs[n++] = b->reg;
		nfv_hook_unregister(dp->hooks, regs, n);
		for (b = dp->builtins->head; b != NULL; b = next) {
			next = b->next;
			rte_free(b);
		}
		free(regs);
	}
	free(dp->builtins);
	dp->builtins = NULL;
}

static int list_builtins(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	for (const struct nfv_builtin *e = dp->builtins ? dp->builtins->head : NULL;
	     e != NULL; e = e->next) {
		struct nfv_policy_hook *r = nfv_mgmt_row(rows);

		if (r == NULL)
			return -ENOMEM;
		*r = e->conf;
	}
	return 0;
}

static int hooks_init(struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;

	for (unsigned int i = 0; i < pol->nb_hooks; i++) {
		int ret = builtin_add(dp, &pol->hooks[i]);

		if (ret < 0) {
			NFV_LOG(ERR, "%s:%u:%u: cannot register hook entry %s: %s", pol->path,
				pol->hooks[i].mark.line, pol->hooks[i].mark.column,
				pol->hooks[i].name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int list_hooks(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		const struct nfv_hook_entries *es = dp->hooks->hooks[h];

		for (unsigned int i = 0; es != NULL && i < es->num; i++) {
			struct nfv_msg_hook *r = nfv_mgmt_row(rows);
			struct nfv_hook_stats s;

			if (r == NULL)
				return -ENOMEM;
			nfv_hook_stats_sum(es->regs[i], &s);
			strlcpy(r->name, es->regs[i]->name, sizeof(r->name));
			r->hook = h;
			r->priority = es->e[i].priority;
			r->packets = s.packets;
			r->accepted = s.accepted;
			r->dropped = s.dropped;
			r->stolen = s.stolen;
			r->queued = s.queued;
			r->repeated = s.repeated;
			r->repeat_limit = s.repeat_limit;
			r->cycles = s.cycles;
		}
	}
	return 0;
}

static int handle_add(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_policy_hook ph;
	int ret;

	memcpy(&ph, payload, sizeof(ph));
	ph.name[sizeof(ph.name) - 1] = '\0';
	if (ph.hook < 0 || ph.hook >= NFV_INET_NUMHOOKS)
		return nfv_mgmt_error(c, h->seq, -EINVAL, "hook %d does not exist", ph.hook);
	if (ph.action == NFV_BUILTIN_QUEUE && !nfv_queue_find(dp->hooks->queues, ph.queue))
		return nfv_mgmt_error(c, h->seq, -ENOENT, "queue %u is not configured", ph.queue);
	ret = builtin_add(dp, &ph);
	if (ret == -EEXIST)
		return nfv_mgmt_error(c, h->seq, ret, "an entry named '%s' exists", ph.name);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	return nfv_mgmt_ok(c, h);
}

static int handle_del(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_name n;
	int ret;

	memcpy(&n, payload, sizeof(n));
	n.name[sizeof(n.name) - 1] = '\0';
	ret = builtin_del(dp, n.name);
	if (ret == -ENOENT)
		return nfv_mgmt_error(c, h->seq, ret, "no built-in entry named '%s'", n.name);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	return nfv_mgmt_ok(c, h);
}

static const struct nfv_mgmt_handler hooks_handlers[] = {
	NFV_MGMT_LISTING(NFV_MSG_HOOKS, "hooks", struct nfv_msg_hook, list_hooks),
	NFV_MGMT_LISTING(NFV_MSG_BUILTINS, "built-in entries", struct nfv_policy_hook,
			 list_builtins),
	{ NFV_MSG_HOOK_ADD, sizeof(struct nfv_policy_hook), true, "hook add", handle_add },
	{ NFV_MSG_HOOK_DEL, sizeof(struct nfv_msg_name), true, "hook delete", handle_del },
};
NFV_MGMT_HANDLERS(hooks_handlers);

static struct nfv_ctl_module hooks_module = {
	.name = "hook entries",
	.order = NFV_CTL_ORDER_HOOKS,
	.init = hooks_init,
	.fini = hooks_fini,
};
NFV_CTL_MODULE(hooks_module);
