/* SPDX-License-Identifier: BSD-3-Clause */
/* Management requests: the show commands and run-time changes. */
#include <errno.h>
#include <string.h>

#include <rte_string_fns.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "builtin.h"
#include "dp.h"
#include "filter_apply.h"
#include "ipsec_apply.h"
#include "mgmt.h"
#include "neigh_ctl.h"
#include "nfv_queue.h"
#include "policy_apply.h"
#include "queue_ctl.h"
#include "stats.h"
#include "txn.h"

static int reply(struct nfv_mgmt_conn *c, const struct nfv_msg_hdr *h, struct nfv_buf *b)
{
	int ret;

	if (b->err) {
		nfv_buf_fini(b);
		return nfv_mgmt_error(c, h->seq, b->err, "out of memory");
	}
	ret = nfv_mgmt_send(c, h->type, h->seq, 0, b->p, b->len);
	nfv_buf_fini(b);
	return ret;
}

static int show_status(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_status *s = nfv_buf_put(b, sizeof(*s));
	struct nfv_worker_stats sum;

	if (s == NULL)
		return -ENOMEM;
	nfv_stats_workers_sum(dp, &sum);
	strlcpy(s->version, NFV_VERSION, sizeof(s->version));
	strlcpy(s->policy, dp->policy_path, sizeof(s->policy));
	s->uptime_s = (rte_rdtsc() - dp->start_tsc) / rte_get_tsc_hz();
	s->generation = dp->generation;
	s->workers = dp->nb_workers;
	s->ports = dp->nb_ports;
	s->rx_packets = sum.rx;
	s->tx_packets = sum.tx;
	s->forwarded = sum.forwarded;
	s->local_in = sum.local_in;
	s->local_out = sum.local_out;
	s->dropped = nfv_stats_drops_total(dp);
	s->mempool_in_use = rte_mempool_in_use_count(dp->pool);
	s->mempool_size = dp->pool->size;
	return 0;
}

static int show_ports(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_port));
	struct nfv_worker_stats sum;

	nfv_stats_workers_sum(dp, &sum);
	for (unsigned int i = 0; l != NULL && i < dp->nb_ports; i++) {
		const struct nfv_dp_port *p = &dp->ports[i];
		struct nfv_msg_port *r = nfv_buf_put(b, sizeof(*r));
		struct rte_eth_stats st = { 0 };
		struct rte_eth_link link = { 0 };

		if (r == NULL)
			return -ENOMEM;
		l = (struct nfv_msg_list *)b->p;
		rte_eth_stats_get(p->port_id, &st);
		rte_eth_link_get_nowait(p->port_id, &link);
		strlcpy(r->name, p->name, sizeof(r->name));
		strlcpy(r->device, p->device, sizeof(r->device));
		strlcpy(r->exception_ifname, p->tun_ifname, sizeof(r->exception_ifname));
		memcpy(r->mac, p->mac.addr_bytes, 6);
		r->port_id = p->port_id;
		r->mtu = p->mtu;
		r->link_up = link.link_status;
		r->speed_mbps = link.link_speed;
		r->rx_packets = st.ipackets;
		r->tx_packets = st.opackets;
		r->rx_bytes = st.ibytes;
		r->tx_bytes = st.obytes;
		r->rx_missed = st.imissed;
		r->rx_errors = st.ierrors;
		r->tx_errors = st.oerrors;
		r->punted = sum.punted[i];
		r->from_kernel = sum.from_kernel[i];
		l->count++;
	}
	return l == NULL ? -ENOMEM : 0;
}

static int show_routes(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_route));

	for (unsigned int i = 0; l != NULL && i < dp->rib.nb_routes; i++) {
		const struct nfv_route *rt = &dp->rib.routes[i];
		struct nfv_msg_route *r = nfv_buf_put(b, sizeof(*r));

		if (r == NULL)
			return -ENOMEM;
		l = (struct nfv_msg_list *)b->p;
		r->dst = rt->dst;
		r->via = rt->via;
		r->has_via = rt->has_via;
		r->type = rt->kind;
		if (rt->kind != NFV_ROUTE_BLACKHOLE)
			strlcpy(r->port, dp->ports[rt->port].name, sizeof(r->port));
		l->count++;
	}
	return l == NULL ? -ENOMEM : 0;
}

static int show_neigh(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_neigh));
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	const void *key;
	void *data;
	uint32_t iter = 0;
	int32_t pos;

	while (l != NULL && (pos = rte_hash_iterate(dp->neigh.hash, &key, &data, &iter)) >= 0) {
		const struct nfv_neigh *n = &dp->neigh.e[pos];
		struct nfv_msg_neigh *r;

		if (!n->used)
			continue;
		r = nfv_buf_put(b, sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		l = (struct nfv_msg_list *)b->p;
		r->addr.family = n->key.family;
		memcpy(r->addr.bytes, n->key.addr, 16);
		memcpy(r->mac, &n->mac_state, 6);
		r->state = nfv_neigh_state(n);
		strlcpy(r->port, dp->ports[n->key.port].name, sizeof(r->port));
		r->age_s = n->confirmed_tsc ? (now - n->confirmed_tsc) / hz : 0;
		r->held = n->nb_held;
		l->count++;
	}
	return l == NULL ? -ENOMEM : 0;
}

static int show_hooks(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_hook));

	for (unsigned int h = 0; l != NULL && h < NFV_INET_NUMHOOKS; h++) {
		const struct nfv_hook_entries *es = dp->hooks->hooks[h];

		for (unsigned int i = 0; es != NULL && i < es->num; i++) {
			struct nfv_msg_hook *r = nfv_buf_put(b, sizeof(*r));
			struct nfv_hook_stats s;

			if (r == NULL)
				return -ENOMEM;
			l = (struct nfv_msg_list *)b->p;
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
			l->count++;
		}
	}
	return l == NULL ? -ENOMEM : 0;
}

static int show_queues(struct nfv_dp *dp, struct nfv_buf *b)
{
	const struct nfv_queue_set *qs = dp->hooks->queues;
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_queue));

	for (unsigned int i = 0; l != NULL && qs != NULL && i < qs->nb; i++) {
		const struct nfv_queue *q = qs->list[i];
		struct nfv_msg_queue *r = nfv_buf_put(b, sizeof(*r));

		if (r == NULL)
			return -ENOMEM;
		l = (struct nfv_msg_list *)b->p;
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
		r->pending = nfv_queue_ctl_pending(dp, q->conf.num);
		l->count++;
	}
	return l == NULL ? -ENOMEM : 0;
}

static bool payload_ok(const struct nfv_msg_hdr *h, size_t want)
{
	return h->len >= want;
}

/* Run-time changes; each bumps the generation when it took effect. */
static int change(struct nfv_dp *dp, const struct nfv_msg_hdr *h, const void *payload,
		  char *why, size_t whylen)
{
	int ret = -EINVAL;

	switch (h->type) {
	case NFV_MSG_HOOK_ADD: {
		struct nfv_policy_hook ph;

		if (!payload_ok(h, sizeof(ph)))
			break;
		memcpy(&ph, payload, sizeof(ph));
		ph.name[sizeof(ph.name) - 1] = '\0';
		if (ph.hook < 0 || ph.hook >= NFV_INET_NUMHOOKS) {
			snprintf(why, whylen, "hook %d does not exist", ph.hook);
			return -EINVAL;
		}
		if (ph.action == NFV_BUILTIN_QUEUE && !nfv_queue_find(dp->hooks->queues, ph.queue)) {
			snprintf(why, whylen, "queue %u is not configured", ph.queue);
			return -ENOENT;
		}
		ret = nfv_builtin_add(dp, &ph);
		if (ret == -EEXIST)
			snprintf(why, whylen, "an entry named '%s' exists", ph.name);
		return ret;
	}
	case NFV_MSG_HOOK_DEL: {
		struct nfv_msg_name n;

		if (!payload_ok(h, sizeof(n)))
			break;
		memcpy(&n, payload, sizeof(n));
		n.name[sizeof(n.name) - 1] = '\0';
		ret = nfv_builtin_del(dp, n.name);
		if (ret == -ENOENT)
			snprintf(why, whylen, "no built-in entry named '%s'", n.name);
		return ret;
	}
	case NFV_MSG_ROUTE_ADD: {
		struct nfv_policy_route pr;
		struct nfv_route r;

		if (!payload_ok(h, sizeof(pr)))
			break;
		memcpy(&pr, payload, sizeof(pr));
		pr.port[sizeof(pr.port) - 1] = '\0';
		ret = nfv_route_from_policy(dp, &pr, &r);
		if (ret < 0) {
			snprintf(why, whylen, "no port '%s' and no address on-link for the gateway",
				 pr.port);
			return ret;
		}
		ret = nfv_rib_add(&dp->rib, &r);
		if (ret == 0)
			ret = nfv_rib_commit(&dp->rib);
		if (ret == 0)
			dp->generation++;
		return ret;
	}
	case NFV_MSG_ROUTE_DEL: {
		struct nfv_prefix p;

		if (!payload_ok(h, sizeof(p)))
			break;
		memcpy(&p, payload, sizeof(p));
		ret = nfv_rib_del(&dp->rib, &p);
		if (ret == -ENOENT) {
			snprintf(why, whylen, "no such route");
			return ret;
		}
		ret = nfv_rib_commit(&dp->rib);
		if (ret == 0)
			dp->generation++;
		return ret;
	}
	case NFV_MSG_NEIGH_ADD: {
		struct nfv_policy_neighbour pn;
		int port;

		if (!payload_ok(h, sizeof(pn)))
			break;
		memcpy(&pn, payload, sizeof(pn));
		pn.port[sizeof(pn.port) - 1] = '\0';
		port = nfv_port_by_name(dp, pn.port);
		if (port < 0) {
			snprintf(why, whylen, "no port '%s'", pn.port);
			return port;
		}
		ret = nfv_neigh_ctl_add_static(dp, port, &pn.addr, pn.mac);
		if (ret == 0)
			dp->generation++;
		return ret;
	}
	case NFV_MSG_NEIGH_DEL: {
		struct nfv_msg_neigh_key k;
		int port;

		if (!payload_ok(h, sizeof(k)))
			break;
		memcpy(&k, payload, sizeof(k));
		k.port[sizeof(k.port) - 1] = '\0';
		port = nfv_port_by_name(dp, k.port);
		if (port < 0) {
			snprintf(why, whylen, "no port '%s'", k.port);
			return port;
		}
		ret = nfv_neigh_ctl_del(dp, port, &k.addr);
		if (ret == -ENOENT)
			snprintf(why, whylen, "no such neighbour");
		if (ret == 0)
			dp->generation++;
		return ret;
	}
	}
	snprintf(why, whylen, "payload of %u bytes is too short", h->len);
	return ret;
}

int nfv_mgmt_handle(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		    const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_buf b = { 0 };
	char why[160] = "";
	int ret;

	switch (h->type) {
	case NFV_MSG_STATUS:
		ret = show_status(dp, &b);
		break;
	case NFV_MSG_PORTS:
		ret = show_ports(dp, &b);
		break;
	case NFV_MSG_ROUTES:
		ret = show_routes(dp, &b);
		break;
	case NFV_MSG_NEIGH:
		ret = show_neigh(dp, &b);
		break;
	case NFV_MSG_HOOKS:
		ret = show_hooks(dp, &b);
		break;
	case NFV_MSG_STATS:
		ret = nfv_stats_counters(dp, &b);
		break;
	case NFV_MSG_QUEUES:
		ret = show_queues(dp, &b);
		break;
	case NFV_MSG_QUEUE_LISTEN: {
		struct nfv_msg_queue_listen ql;

		if (!payload_ok(h, sizeof(ql)))
			return nfv_mgmt_error(c, h->seq, -EINVAL, "short queue listen request");
		memcpy(&ql, payload, sizeof(ql));
		ret = nfv_queue_ctl_listen(dp, c, ql.num, ql.copy_range);
		if (ret == -ENOENT)
			return nfv_mgmt_error(c, h->seq, ret, "queue %u is not configured", ql.num);
		if (ret == -EBUSY)
			return nfv_mgmt_error(c, h->seq, ret, "queue %u has a listener already",
					      ql.num);
		break;
	}
	case NFV_MSG_QUEUE_VERDICT: {
		struct nfv_msg_queue_verdict qv;

		if (!payload_ok(h, sizeof(qv)))
			return nfv_mgmt_error(c, h->seq, -EINVAL, "short verdict");
		memcpy(&qv, payload, sizeof(qv));
		ret = nfv_queue_ctl_verdict(dp, qv.num, qv.id, qv.verdict);
		if (ret < 0)
			return nfv_mgmt_error(c, h->seq, ret, "queue %u packet %lu: %s", qv.num,
					      (unsigned long)qv.id,
					      ret == -ESRCH ? "not pending (answered or timed out)" :
					      ret == -EINVAL ? "verdict must be accept or drop" :
					      "no such queue");
		break;
	}
	case NFV_MSG_HOOK_ADD:
	case NFV_MSG_HOOK_DEL:
	case NFV_MSG_ROUTE_ADD:
	case NFV_MSG_ROUTE_DEL:
	case NFV_MSG_NEIGH_ADD:
	case NFV_MSG_NEIGH_DEL:
		ret = change(dp, h, payload, why, sizeof(why));
		if (ret < 0)
			return nfv_mgmt_error(c, h->seq, ret, "%s", why[0] ? why : strerror(-ret));
		break;
	case NFV_MSG_IPSEC_SAS ... NFV_MSG_IPSEC_SP_DEL:
		return nfv_mgmt_ipsec(dp, c, h, payload);
	case NFV_MSG_FILTER_RULESET ... NFV_MSG_CT_FLUSH:
		return nfv_mgmt_filter(dp, c, h, payload);
	case NFV_MSG_TXN_BEGIN ... NFV_MSG_TRACE:
		return nfv_mgmt_nfvpnd(dp, c, h, payload);
	default:
		return nfv_mgmt_error(c, h->seq, -EOPNOTSUPP, "unknown request type %u", h->type);
	}
	if (ret < 0) {
		nfv_buf_fini(&b);
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	}
	return reply(c, h, &b);
}
