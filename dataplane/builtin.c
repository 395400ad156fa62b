/* SPDX-License-Identifier: BSD-3-Clause */
/* Built-in hook entries: count, drop, queue, repeat on a simple match. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_malloc.h>

#include "builtin.h"
#include "dp.h"
#include "mgmt.h"
#include "nfv_mbuf.h"

struct builtin {
	struct nfv_policy_hook conf;
	struct nfv_hook_reg *reg;
	uint32_t match_verdict;
	bool match_all;		/* no selector: every packet matches */
	struct builtin *next;
};

struct nfv_builtins {
	struct builtin *head;
};

/* Protocol and destination port of a packet starting at its L3 header. */
static bool builtin_match(const struct builtin *b, struct rte_mbuf *m)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	uint32_t l4off;
	uint8_t proto;
	const rte_be16_t *ports;
	uint16_t dport;

	if (meta->family == AF_INET) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

		proto = ip->next_proto_id;
		l4off = rte_ipv4_hdr_len(ip);
		/* later fragments carry no ports */
		if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
			l4off = UINT32_MAX;
	} else {
		const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

		proto = ip->proto;
		l4off = sizeof(*ip);
	}
	if (b->conf.proto != 0 && proto != b->conf.proto)
		return false;
	if (b->conf.dport_max == 0)
		return true;
	if ((proto != IPPROTO_UDP && proto != IPPROTO_TCP) ||
	    l4off == UINT32_MAX || rte_pktmbuf_data_len(m) < l4off + 4)
		return false;
	ports = rte_pktmbuf_mtod_offset(m, const rte_be16_t *, l4off);
	dport = rte_be_to_cpu_16(ports[1]);
	return dport >= b->conf.dport_min && dport <= b->conf.dport_max;
}

static void builtin_fn(void *priv, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t *verdicts, const struct nfv_hook_state *state)
{
	const struct builtin *b = priv;

	if (b->match_all && b->conf.action != NFV_BUILTIN_REPEAT) {
		for (uint16_t i = 0; i < n; i++)
			verdicts[i] = b->match_verdict;
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct nfv_mbuf_meta *meta;

		verdicts[i] = NFV_ACCEPT;
		if (!builtin_match(b, pkts[i]))
			continue;
		if (b->conf.action != NFV_BUILTIN_REPEAT) {
			verdicts[i] = b->match_verdict;
			continue;
		}
		/* once per packet: the second call accepts */
		meta = nfv_mbuf_meta(pkts[i]);
		if (!meta->entry_scratch) {
			meta->entry_scratch = 1;
			verdicts[i] = NFV_REPEAT;
		}
	}
}

int nfv_builtin_add(struct nfv_dp *dp, const struct nfv_policy_hook *h)
{
	struct nfv_hook_ops ops = {
		.name = h->name, .hook = h->hook, .priority = h->priority,
		.fn = builtin_fn,
	};
	struct builtin *b;
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

int nfv_builtin_del(struct nfv_dp *dp, const char *name)
{
	struct builtin **pb;

	for (pb = dp->builtins ? &dp->builtins->head : NULL; pb && *pb; pb = &(*pb)->next) {
		struct builtin *b = *pb;

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

void nfv_builtin_fini(struct nfv_dp *dp)
{
	if (dp->builtins == NULL)
		return;
	while (dp->builtins->head != NULL)
		nfv_builtin_del(dp, dp->builtins->head->conf.name);
	free(dp->builtins);
	dp->builtins = NULL;
}

int nfv_builtin_list(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_policy_hook));

	for (const struct builtin *e = dp->builtins ? dp->builtins->head : NULL;
	     l != NULL && e != NULL; e = e->next) {
		struct nfv_policy_hook *r = nfv_buf_put(b, sizeof(*r));

		if (r == NULL)
			return -ENOMEM;
		l = (struct nfv_msg_list *)b->p;
		*r = e->conf;
		l->count++;
	}
	return l == NULL ? -ENOMEM : 0;
}
