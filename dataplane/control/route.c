/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes: the addresses of our ports (with the kernel's local and
 * connected routes), the policy's routes and the route requests, kept in
 * the RIB (rib.c) and published to the workers once per batch of requests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp.h"
#include "filter.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "rib.h"

static bool prefix_holds(const struct nfv_prefix *p, const struct nfv_addr *a)
{
	if (p->addr.family != a->family)
		return false;
	for (unsigned int b = 0; b < p->len; b++)
		if ((p->addr.bytes[b / 8] ^ a->bytes[b / 8]) & (0x80 >> (b % 8)))
			return false;
	return true;
}

/* The address of ours whose prefix holds a: it gives the port and VLAN. */
static const struct nfv_policy_address *onlink(const struct nfv_dp *dp,
					       const struct nfv_addr *a)
{
	const struct nfv_policy *pol = dp->policy;

	for (unsigned int i = 0; i < pol->nb_addresses; i++)
		if (prefix_holds(&pol->addresses[i].prefix, a))
			return &pol->addresses[i];
	return NULL;
}

static int route_from_policy(const struct nfv_dp *dp, const struct nfv_policy_route *pr,
			     struct nfv_route *r)
{
	const struct nfv_policy_address *pa = NULL;
	int port = -1;

	memset(r, 0, sizeof(*r));
	r->dst = pr->dst;
	r->kind = pr->type;
	r->has_via = pr->has_via;
	r->via = pr->via;
	if (pr->type == NFV_ROUTE_BLACKHOLE)
		return 0;
	if (pr->has_via)
		pa = onlink(dp, &pr->via);
	if (pr->port[0] != '\0')
		port = nfv_port_by_name(dp, pr->port);
	else if (pa != NULL)
		port = nfv_port_by_name(dp, pa->port);
	if (port < 0)
		return -ENOENT;
	r->port = port;
	r->vlan = pa != NULL && strcmp(pa->port, dp->ports[port].name) == 0 ? pa->vlan : 0;
	return 0;
}

static int apply_addresses(struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;
	int ret;

	for (unsigned int i = 0; i < pol->nb_addresses; i++) {
		const struct nfv_policy_address *a = &pol->addresses[i];
		struct nfv_dp_port *p;
		struct nfv_route local = { 0 }, conn = { 0 };
		int port = nfv_port_by_name(dp, a->port);

		if (port < 0)
			return port;
		p = &dp->ports[port];
		if (a->vlan != 0)
			p->vlans[a->vlan / 64] |= 1ull << (a->vlan % 64);
		if (a->prefix.addr.family == AF_INET && a->prefix.len <= 30 &&
		    p->nb_bcast4 < RTE_DIM(p->bcast4)) {
			uint32_t a4;

			memcpy(&a4, a->prefix.addr.bytes, 4);
			p->bcast4[p->nb_bcast4++] = a4 | rte_cpu_to_be_32(UINT32_MAX >> a->prefix.len);
		}
		if (a->prefix.addr.family == AF_INET && !p->has_ip4) {
			p->has_ip4 = true;
			memcpy(&p->ip4, a->prefix.addr.bytes, 4);
		} else if (a->prefix.addr.family == AF_INET6) {
			if (!p->has_ip6)
				memcpy(p->ip6, a->prefix.addr.bytes, 16);
			p->has_ip6 = true;
			if (p->nb_ip6 < RTE_DIM(p->ip6_all))
				memcpy(p->ip6_all[p->nb_ip6++], a->prefix.addr.bytes, 16);
		}
		/* as the kernel's local and connected routes */
		local.dst.addr = a->prefix.addr;
		local.dst.len = a->prefix.addr.family == AF_INET ? 32 : 128;
		local.kind = NFV_ROUTE_LOCAL;
		local.port = port;
		conn.dst = a->prefix;
		for (unsigned int b = conn.dst.len; b < 128; b++)
			conn.dst.addr.bytes[b / 8] &= ~(0x80 >> (b % 8));
		conn.kind = NFV_ROUTE_CONNECTED;
		conn.port = port;
		conn.vlan = a->vlan;
		if (conn.dst.len < local.dst.len) {
			ret = nfv_rib_add(dp->rib, &conn);
			if (ret < 0)
				return ret;
		}
		ret = nfv_rib_add(dp->rib, &local);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int routes_init(struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;
	int ret;

	dp->rib = calloc(1, sizeof(*dp->rib));
	if (dp->rib == NULL)
		return -ENOMEM;
	ret = nfv_rib_init(dp->rib, dp->hooks, &dp->fib);
	if (ret < 0)
		return ret;
	ret = apply_addresses(dp);
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < pol->nb_routes; i++) {
		struct nfv_route r;

		ret = route_from_policy(dp, &pol->routes[i], &r);
		if (ret == 0)
			ret = nfv_rib_add(dp->rib, &r);
		if (ret < 0) {
			NFV_LOG(ERR, "%s:%u:%u: cannot add route: %s", pol->path,
				pol->routes[i].mark.line, pol->routes[i].mark.column,
				strerror(-ret));
			return ret;
		}
	}
	ret = nfv_rib_commit(dp->rib);
	if (ret < 0)
		NFV_LOG(ERR, "cannot build the FIB: %s", strerror(-ret));
	return ret;
}

static void routes_fini(struct nfv_dp *dp)
{
	if (dp->rib == NULL)
		return;
	nfv_rib_fini(dp->rib);
	free(dp->rib);
	dp->rib = NULL;
}

static int list_routes(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	for (unsigned int i = 0; i < dp->rib->nb_routes; i++) {
		const struct nfv_route *rt = &dp->rib->routes[i];
		struct nfv_msg_route *r = nfv_mgmt_row(rows);

		if (r == NULL)
			return -ENOMEM;
		r->dst = rt->dst;
		r->via = rt->via;
		r->has_via = rt->has_via;
		r->type = rt->kind;
		if (rt->kind != NFV_ROUTE_BLACKHOLE)
			strlcpy(r->port, dp->ports[rt->port].name, sizeof(r->port));
	}
	return 0;
}

/*
 * A destination as the policy and nfvpnctl write one: IPv4 or IPv6, a
 * length within the family, no host bits. The RIB keeps what it is given
 * and the FIB refuses the rest.
 */
static bool prefix_valid(const struct nfv_prefix *p)
{
	struct nfv_prefix net = *p;

	if (p->addr.family != AF_INET && p->addr.family != AF_INET6)
		return false;
	if (p->len > (p->addr.family == AF_INET ? 32 : 128))
		return false;
	return !nfv_prefix_clear_host(&net);
}

/*
 * ROUTE_ADD refuses a prefix that has a route, as ip-route(8)'s add does;
 * ROUTE_REPLACE adds or replaces in one step (the prefix is never without
 * a route), as nfvpnd's reloads and `nfvpnctl route replace` want.
 */
static int route_set(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		     const struct nfv_msg_hdr *h, const void *payload, bool replace)
{
	char buf[NFV_PREFIX_FMT_MAX];
	struct nfv_policy_route pr;
	struct nfv_route r;
	int ret;

	memcpy(&pr, payload, sizeof(pr));
	pr.port[sizeof(pr.port) - 1] = '\0';
	if (!prefix_valid(&pr.dst))
		return nfv_mgmt_error(c, h->seq, -EINVAL, "not a prefix (family %u, length %u)",
				      pr.dst.addr.family, pr.dst.len);
	ret = route_from_policy(dp, &pr, &r);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret,
				      "no port '%s' and no address on-link for the gateway",
				      pr.port);
	if (!replace && nfv_rib_find(dp->rib, &pr.dst) != NULL)
		return nfv_mgmt_error(c, h->seq, -EEXIST,
				      "a route to %s exists; route replace changes it",
				      nfv_prefix_fmt(&pr.dst, buf, sizeof(buf)));
	ret = nfv_rib_add(dp->rib, &r);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", ret == -ENOSPC ?
				      "the FIB is full (next hops or tbl8 groups)" : strerror(-ret));
	dp->generation++;
	return nfv_mgmt_ok(c, h);
}

static int handle_add(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload)
{
	return route_set(dp, c, h, payload, false);
}

static int handle_replace(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			  const struct nfv_msg_hdr *h, const void *payload)
{
	return route_set(dp, c, h, payload, true);
}

static int handle_del(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_prefix p;
	int ret;

	memcpy(&p, payload, sizeof(p));
	if (!prefix_valid(&p))
		return nfv_mgmt_error(c, h->seq, -EINVAL, "not a prefix (family %u, length %u)",
				      p.addr.family, p.len);
	ret = nfv_rib_del(dp->rib, &p);
	if (ret == -ENOENT)
		return nfv_mgmt_error(c, h->seq, -ENOENT, "no such route");
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	dp->generation++;
	return nfv_mgmt_ok(c, h);
}

/*
 * Route requests change the FIB copy the workers do not read; the batch
 * they came in (or the rollback that replayed them) publishes them once.
 */
static void routes_batch_end(struct nfv_dp *dp)
{
	int ret;

	if (dp->rib == NULL || !nfv_rib_pending(dp->rib))
		return;
	ret = nfv_rib_commit(dp->rib);
	if (ret < 0)
		NFV_LOG(ERR, "cannot publish the FIB: %s", strerror(-ret));
	else
		nfv_filter_ctl_routes_changed(dp);
}

static const struct nfv_mgmt_handler route_handlers[] = {
	NFV_MGMT_LISTING(NFV_MSG_ROUTES, "routes", struct nfv_msg_route, list_routes),
	{ NFV_MSG_ROUTE_ADD, sizeof(struct nfv_policy_route), true, "route add", handle_add },
	{ NFV_MSG_ROUTE_REPLACE, sizeof(struct nfv_policy_route), true, "route replace",
	  handle_replace },
	{ NFV_MSG_ROUTE_DEL, sizeof(struct nfv_prefix), true, "route delete", handle_del },
};
NFV_MGMT_HANDLERS(route_handlers);

static struct nfv_ctl_module routes_module = {
	.name = "routes",
	.order = NFV_CTL_ORDER_ROUTES,
	.init = routes_init,
	.fini = routes_fini,
	.batch_end = routes_batch_end,
};
NFV_CTL_MODULE(routes_module);
