/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Appliers of the base sections. Ports, addresses and queues are set when
 * the dataplane starts: a change to them is refused (restart to apply).
 * Neighbours, routes and built-in hook entries change at run time; each
 * operation carries the request that reverses it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nfv_netfilter.h"
#include "nfv_policy_diff.h"
#include "nfv_policy_steer.h"

const char *nfv_route_fmt(const struct nfv_policy_route *r, char *buf, size_t len)
{
	char d[NFV_PREFIX_FMT_MAX], v[NFV_ADDR_FMT_MAX];

	nfv_prefix_fmt(&r->dst, d, sizeof(d));
	if (r->type == NFV_ROUTE_BLACKHOLE)
		snprintf(buf, len, "%s blackhole", d);
	else if (r->has_via)
		snprintf(buf, len, "%s via %s port %s", d, nfv_addr_fmt(&r->via, v, sizeof(v)),
			 r->port);
	else
		snprintf(buf, len, "%s port %s", d, r->port);
	return buf;
}

const char *nfv_hook_fmt(const struct nfv_policy_hook *h, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s %s priority %d %s", h->name,
			 nfv_hook_name(h->hook), h->priority,
			 (unsigned int)h->action < NFV_BUILTIN_MAX ?
			 nfv_builtin_action_names[h->action] : "?");

	if (h->action == NFV_BUILTIN_QUEUE && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " %u%s", h->queue,
			      h->queue_bypass ? " bypass" : "");
	if (h->proto && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " proto %u", h->proto);
	if (h->dport_min && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " dport %u-%u", h->dport_min, h->dport_max);
	return buf;
}

/* Ports, addresses, queues: compared, never changed. */
static int diff_fixed(const struct nfv_policy *old, const struct nfv_policy *new,
		      struct nfv_plan *plan)
{
	char a[NFV_ADDR_FMT_MAX];
	unsigned int i, j;

	for (i = 0; i < new->nb_ports; i++) {
		const struct nfv_policy_port *np = &new->ports[i];
		int k = nfv_policy_port_index(old, np->name);

		if (k < 0)
			nfv_plan_refuse(plan, "port %s: added; ports are set when the dataplane starts",
					np->name);
		else if (strcmp(old->ports[k].device, np->device) != 0 ||
			 old->ports[k].mtu != np->mtu)
			nfv_plan_refuse(plan, "port %s: device or mtu changed; restart the dataplane",
					np->name);
	}
	for (i = 0; i < old->nb_ports; i++)
		if (nfv_policy_port_index(new, old->ports[i].name) < 0)
			nfv_plan_refuse(plan, "port %s: removed; restart the dataplane",
					old->ports[i].name);
	for (i = 0; i < new->nb_addresses; i++) {
		const struct nfv_policy_address *na = &new->addresses[i];

		for (j = 0; j < old->nb_addresses; j++)
			if (nfv_addr_equal(&old->addresses[j].prefix.addr, &na->prefix.addr) &&
			    strcmp(old->addresses[j].port, na->port) == 0)
				break;
		if (j == old->nb_addresses)
			nfv_plan_refuse(plan, "address %s on %s: added; restart the dataplane",
					nfv_addr_fmt(&na->prefix.addr, a, sizeof(a)), na->port);
	}
	for (i = 0; i < old->nb_addresses; i++) {
		const struct nfv_policy_address *oa = &old->addresses[i];

		for (j = 0; j < new->nb_addresses; j++)
			if (nfv_addr_equal(&new->addresses[j].prefix.addr, &oa->prefix.addr))
				break;
		if (j == new->nb_addresses)
			nfv_plan_refuse(plan, "address %s on %s: removed; restart the dataplane",
					nfv_addr_fmt(&oa->prefix.addr, a, sizeof(a)), oa->port);
	}
	for (i = 0; i < new->nb_queues; i++) {
		const struct nfv_policy_queue *nq = &new->queues[i];
		int k = nfv_policy_queue_index(old, nq->num);
		const struct nfv_policy_queue *oq = k < 0 ? NULL : &old->queues[k];

		if (oq == NULL || oq->size != nq->size || oq->timeout_ms != nq->timeout_ms ||
		    oq->default_verdict != nq->default_verdict || oq->bypass != nq->bypass)
			nfv_plan_refuse(plan, "queue %u: %s; queues are set when the dataplane starts",
					nq->num, oq == NULL ? "added" : "changed");
	}
	for (i = 0; i < old->nb_queues; i++)
		if (nfv_policy_queue_index(new, old->queues[i].num) < 0)
			nfv_plan_refuse(plan, "queue %u: removed; restart the dataplane",
					old->queues[i].num);
	return 0;
}

static const struct nfv_policy_neighbour *
find_neigh(const struct nfv_policy *p, const struct nfv_policy_neighbour *k)
{
	for (unsigned int i = 0; i < p->nb_neighbours; i++)
		if (strcmp(p->neighbours[i].port, k->port) == 0 &&
		    nfv_addr_equal(&p->neighbours[i].addr, &k->addr))
			return &p->neighbours[i];
	return NULL;
}

static struct nfv_msg_neigh_key neigh_key(const struct nfv_policy_neighbour *n)
{
	struct nfv_msg_neigh_key k = { .addr = n->addr };

	snprintf(k.port, sizeof(k.port), "%s", n->port);
	return k;
}

static int diff_neighbours(const struct nfv_policy *old, const struct nfv_policy *new,
			   struct nfv_plan *plan)
{
	char a[NFV_ADDR_FMT_MAX], m[NFV_MAC_FMT_MAX];
	struct nfv_plan_op *op;

	for (unsigned int i = 0; i < new->nb_neighbours; i++) {
		const struct nfv_policy_neighbour *n = &new->neighbours[i];
		const struct nfv_policy_neighbour *o = find_neigh(old, n);
		struct nfv_msg_neigh_key k = neigh_key(n);

		if (o != NULL && memcmp(o->mac, n->mac, 6) == 0)
			continue;
		op = nfv_plan_add(plan, NFV_STAGE_NEIGH_ADD, NFV_MSG_NEIGH_ADD, n, sizeof(*n),
				  "neighbour %s %s %s lladdr %s", o ? "replace" : "add", n->port,
				  nfv_addr_fmt(&n->addr, a, sizeof(a)), nfv_mac_fmt(n->mac, m, sizeof(m)));
		if (o != NULL)
			nfv_plan_undo(plan, op, NFV_MSG_NEIGH_ADD, o, sizeof(*o));
		else
			nfv_plan_undo(plan, op, NFV_MSG_NEIGH_DEL, &k, sizeof(k));
	}
	for (unsigned int i = 0; i < old->nb_neighbours; i++) {
		const struct nfv_policy_neighbour *o = &old->neighbours[i];
		struct nfv_msg_neigh_key k = neigh_key(o);

		if (find_neigh(new, o) != NULL)
			continue;
		op = nfv_plan_add(plan, NFV_STAGE_NEIGH_DEL, NFV_MSG_NEIGH_DEL, &k, sizeof(k),
				  "neighbour del %s %s", o->port, nfv_addr_fmt(&o->addr, a, sizeof(a)));
		nfv_plan_undo(plan, op, NFV_MSG_NEIGH_ADD, o, sizeof(*o));
	}
	return plan->err;
}

/* Routes by destination, sorted: a policy may hold tens of thousands. */
static int prefix_cmp(const struct nfv_prefix *a, const struct nfv_prefix *b)
{
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->addr.bytes, b->addr.bytes, a->addr.family == AF_INET ? 4 : 16);
}

static int route_ptr_cmp(const void *a, const void *b)
{
	return prefix_cmp(&(*(const struct nfv_policy_route *const *)a)->dst,
			  &(*(const struct nfv_policy_route *const *)b)->dst);
}

static const struct nfv_policy_route **route_index(const struct nfv_policy *p)
{
	const struct nfv_policy_route **x = malloc((p->nb_routes + 1) * sizeof(*x));

	if (x == NULL)
		return NULL;
	for (unsigned int i = 0; i < p->nb_routes; i++)
		x[i] = &p->routes[i];
	qsort(x, p->nb_routes, sizeof(*x), route_ptr_cmp);
	return x;
}

static const struct nfv_policy_route *find_route(const struct nfv_policy_route **x,
						 unsigned int n, const struct nfv_prefix *dst)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		int c = prefix_cmp(&x[mid]->dst, dst);

		if (c == 0)
			return x[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool route_equal(const struct nfv_policy_route *a, const struct nfv_policy_route *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == NFV_ROUTE_BLACKHOLE)
		return true;
	return a->has_via == b->has_via && (!a->has_via || nfv_addr_equal(&a->via, &b->via)) &&
	       strcmp(a->port, b->port) == 0;
}

static int diff_routes(const struct nfv_policy *old, const struct nfv_policy *new,
		       struct nfv_plan *plan)
{
	const struct nfv_policy_route **xo = route_index(old), **xn = route_index(new);
	char r[160];
	struct nfv_plan_op *op;

	if (xo == NULL || xn == NULL) {
		free(xo);
		free(xn);
		return -ENOMEM;
	}

	for (unsigned int i = 0; i < new->nb_routes; i++) {
		const struct nfv_policy_route *n = &new->routes[i];
		const struct nfv_policy_route *o = find_route(xo, old->nb_routes, &n->dst);

		if (o != NULL && route_equal(o, n))
			continue;
		/* a replace is one request: the prefix is never without a route */
		op = nfv_plan_add(plan, NFV_STAGE_ROUTE_ADD,
				  o ? NFV_MSG_ROUTE_REPLACE : NFV_MSG_ROUTE_ADD, n, sizeof(*n),
				  "route %s %s", o ? "replace" : "add", nfv_route_fmt(n, r, sizeof(r)));
		if (o != NULL)
			nfv_plan_undo(plan, op, NFV_MSG_ROUTE_REPLACE, o, sizeof(*o));
		else
			nfv_plan_undo(plan, op, NFV_MSG_ROUTE_DEL, &n->dst, sizeof(n->dst));
	}
	for (unsigned int i = 0; i < old->nb_routes; i++) {
		const struct nfv_policy_route *o = &old->routes[i];

		if (find_route(xn, new->nb_routes, &o->dst) != NULL)
			continue;
		op = nfv_plan_add(plan, NFV_STAGE_ROUTE_DEL, NFV_MSG_ROUTE_DEL, &o->dst,
				  sizeof(o->dst), "route del %s", nfv_route_fmt(o, r, sizeof(r)));
		nfv_plan_undo(plan, op, NFV_MSG_ROUTE_ADD, o, sizeof(*o));
	}
	free(xo);
	free(xn);
	return plan->err;
}

static const struct nfv_policy_hook *find_hook(const struct nfv_policy *p, const char *name)
{
	for (unsigned int i = 0; i < p->nb_hooks; i++)
		if (strcmp(p->hooks[i].name, name) == 0)
			return &p->hooks[i];
	return NULL;
}

static bool hook_equal(const struct nfv_policy_hook *a, const struct nfv_policy_hook *b)
{
	return a->hook == b->hook && a->priority == b->priority && a->action == b->action &&
	       (a->action != NFV_BUILTIN_QUEUE ||
		(a->queue == b->queue && a->queue_bypass == b->queue_bypass)) &&
	       a->proto == b->proto && a->dport_min == b->dport_min &&
	       a->dport_max == b->dport_max;
}

static struct nfv_msg_name hook_name(const struct nfv_policy_hook *h)
{
	struct nfv_msg_name n = { 0 };

	snprintf(n.name, sizeof(n.name), "%s", h->name);
	return n;
}

/* Entries keep their counters unless they change; a change replaces one. */
static int diff_hooks(const struct nfv_policy *old, const struct nfv_policy *new,
		      struct nfv_plan *plan)
{
	char h[200];
	struct nfv_plan_op *op;

	for (unsigned int i = 0; i < new->nb_hooks; i++) {
		const struct nfv_policy_hook *n = &new->hooks[i];
		const struct nfv_policy_hook *o = find_hook(old, n->name);
		struct nfv_msg_name nm = hook_name(n);

		if (o != NULL && hook_equal(o, n))
			continue;
		if (o != NULL) {
			op = nfv_plan_add(plan, NFV_STAGE_HOOK_CHANGE, NFV_MSG_HOOK_DEL, &nm,
					  sizeof(nm), "hook del %s (changed)",
					  nfv_hook_fmt(o, h, sizeof(h)));
			nfv_plan_undo(plan, op, NFV_MSG_HOOK_ADD, o, sizeof(*o));
		}
		op = nfv_plan_add(plan, NFV_STAGE_HOOK_CHANGE, NFV_MSG_HOOK_ADD, n, sizeof(*n),
				  "hook add %s", nfv_hook_fmt(n, h, sizeof(h)));
		nfv_plan_undo(plan, op, NFV_MSG_HOOK_DEL, &nm, sizeof(nm));
	}
	for (unsigned int i = 0; i < old->nb_hooks; i++) {
		const struct nfv_policy_hook *o = &old->hooks[i];
		struct nfv_msg_name nm = hook_name(o);

		if (find_hook(new, o->name) != NULL)
			continue;
		op = nfv_plan_add(plan, NFV_STAGE_HOOK_DEL, NFV_MSG_HOOK_DEL, &nm, sizeof(nm),
				  "hook del %s", nfv_hook_fmt(o, h, sizeof(h)));
		nfv_plan_undo(plan, op, NFV_MSG_HOOK_ADD, o, sizeof(*o));
	}
	return plan->err;
}

/* The stub is programmed by nfvpnd itself, not over the socket. */
static int diff_steer(const struct nfv_policy *old, const struct nfv_policy *new,
		      struct nfv_plan *plan)
{
	const struct nfv_policy_steer *o = old->steer, *n = new->steer;
	unsigned int no = o ? o->nb_sels : 0, nn = n ? n->nb_sels : 0;

	if ((o == NULL) != (n == NULL) || no != nn ||
	    (o != NULL && (strcmp(o->target, n->target) != 0 ||
			   o->has_lladdr != n->has_lladdr ||
			   memcmp(o->lladdr, n->lladdr, 6) != 0))) {
		plan->steer_changed = true;
		return 0;
	}
	for (unsigned int i = 0; i < nn; i++)
		if (!nfv_policy_steer_sel_equal(&o->sels[i], &n->sels[i]))
			plan->steer_changed = true;
	return 0;
}

const struct nfv_applier nfv_applier_fixed = { "fixed", NFV_BASE_RUNNING, diff_fixed };
const struct nfv_applier nfv_applier_neighbours = {
	"neighbours", NFV_BASE_RUNNING, diff_neighbours,
};
const struct nfv_applier nfv_applier_routes = { "routes", NFV_BASE_RUNNING, diff_routes };
const struct nfv_applier nfv_applier_hooks = { "hooks", NFV_BASE_RUNNING, diff_hooks };
const struct nfv_applier nfv_applier_steer = { "steer", NFV_BASE_APPLIED, diff_steer };
