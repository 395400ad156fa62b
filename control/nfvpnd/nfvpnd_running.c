/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the dataplane runs, read back over the socket into a policy, so
 * that nfvpnd diffs against the truth and not against its memory: after
 * a restart of either process, or a change made by hand with nfvpnctl,
 * the next apply still touches exactly what differs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfvpnd.h"

static int read_ports(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_port *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_PORTS, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->ports = calloc(n ? n : 1, sizeof(*p->ports));
	if (p->ports == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		memcpy(p->ports[i].name, r[i].name, sizeof(p->ports[i].name) - 1);
		memcpy(p->ports[i].device, r[i].device, sizeof(r[i].device) - 1);
		p->ports[i].mtu = r[i].mtu;
	}
	p->nb_ports = n;
	free(r);
	return 0;
}

/* Policy routes, and the addresses from the local routes. */
static int read_routes(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_route *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_ROUTES, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->routes = calloc(n ? n : 1, sizeof(*p->routes));
	p->addresses = calloc(n ? n : 1, sizeof(*p->addresses));
	if (p->routes == NULL || p->addresses == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (r[i].type == NFV_ROUTE_LOCAL) {
			struct nfv_policy_address *a = &p->addresses[p->nb_addresses++];

			memcpy(a->port, r[i].port, sizeof(a->port) - 1);
			a->prefix = r[i].dst;
		} else if (r[i].type != NFV_ROUTE_CONNECTED) {
			struct nfv_policy_route *o = &p->routes[p->nb_routes++];

			o->dst = r[i].dst;
			o->type = r[i].type;
			o->has_via = r[i].has_via;
			o->via = r[i].via;
			memcpy(o->port, r[i].port, sizeof(o->port) - 1);
		}
	}
	free(r);
	return 0;
}

static int read_neigh(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_neigh *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_NEIGH, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->neighbours = calloc(n ? n : 1, sizeof(*p->neighbours));
	if (p->neighbours == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct nfv_policy_neighbour *o;

		if (r[i].state != NFV_NEIGH_PERMANENT)	/* learnt, not configured */
			continue;
		o = &p->neighbours[p->nb_neighbours++];
		memcpy(o->port, r[i].port, sizeof(o->port) - 1);
		o->addr = r[i].addr;
		memcpy(o->mac, r[i].mac, 6);
	}
	free(r);
	return 0;
}

static int read_queues(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_queue *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_QUEUES, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->queues = calloc(n ? n : 1, sizeof(*p->queues));
	if (p->queues == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		p->queues[i].num = r[i].num;
		p->queues[i].size = r[i].size;
		p->queues[i].timeout_ms = r[i].timeout_ms;
		p->queues[i].default_verdict = r[i].default_verdict;
		p->queues[i].bypass = r[i].bypass;
	}
	p->nb_queues = n;
	free(r);
	return 0;
}

int nfvpnd_running_read(struct nfv_client *c, struct nfv_policy **out, uint64_t *generation)
{
	struct nfv_policy *p = calloc(1, sizeof(*p));
	struct nfv_msg_status *st = NULL;
	uint32_t len = 0, n;
	int ret;

	if (p == NULL)
		return -ENOMEM;
	ret = nfv_client_request(c, NFV_MSG_STATUS, NULL, 0, (void **)&st, &len);
	if (ret < 0)
		goto err;
	if (len < sizeof(*st)) {
		ret = -EPROTO;
		goto err;
	}
	*generation = st->generation;
	snprintf(p->path, sizeof(p->path), "running:%.200s", st->policy);
	ret = read_ports(c, p);
	if (ret == 0)
		ret = read_routes(c, p);
	if (ret == 0)
		ret = read_neigh(c, p);
	if (ret == 0)
		ret = read_queues(c, p);
	if (ret == 0) {
		ret = nfv_client_list(c, NFV_MSG_BUILTINS, sizeof(*p->hooks),
				      (void **)&p->hooks, &n);
		p->nb_hooks = ret == 0 ? n : 0;
	}
	if (ret < 0)
		goto err;
	free(st);
	*out = p;
	return 0;
err:
	free(st);
	nfv_policy_free(p);
	return ret;
}
