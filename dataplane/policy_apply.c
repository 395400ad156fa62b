/* SPDX-License-Identifier: BSD-3-Clause */
/* Start-up: addresses, routes, neighbours, queues and hook entries. */
#include <errno.h>
#include <string.h>

#include "builtin.h"
#include "dp.h"
#include "ipsec_apply.h"
#include "filter_apply.h"
#include "log.h"
#include "neigh_ctl.h"
#include "policy_apply.h"
#include "queue_ctl.h"

int nfv_port_by_name(const struct nfv_dp *dp, const char *name)
{
	for (unsigned int i = 0; i < dp->nb_ports; i++)
		if (strcmp(dp->ports[i].name, name) == 0)
			return i;
	return -ENOENT;
}

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

int nfv_route_from_policy(const struct nfv_dp *dp, const struct nfv_policy_route *pr,
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
			ret = nfv_rib_add(&dp->rib, &conn);
			if (ret < 0)
				return ret;
		}
		ret = nfv_rib_add(&dp->rib, &local);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int nfv_policy_apply(struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;
	int ret;

	ret = nfv_filter_ctl_init(dp);	/* first: conntrack confirm before ESP output */
	if (ret < 0)
		return ret;
	ret = apply_addresses(dp);
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < pol->nb_routes; i++) {
		struct nfv_route r;

		ret = nfv_route_from_policy(dp, &pol->routes[i], &r);
		if (ret == 0)
			ret = nfv_rib_add(&dp->rib, &r);
		if (ret < 0) {
			NFV_LOG(ERR, "%s:%u:%u: cannot add route: %s", pol->path,
				pol->routes[i].mark.line, pol->routes[i].mark.column,
				strerror(-ret));
			return ret;
		}
	}
	ret = nfv_rib_commit(&dp->rib);
	if (ret < 0) {
		NFV_LOG(ERR, "cannot build the FIB: %s", strerror(-ret));
		return ret;
	}
	for (unsigned int i = 0; i < pol->nb_neighbours; i++) {
		const struct nfv_policy_neighbour *n = &pol->neighbours[i];

		ret = nfv_neigh_ctl_add_static(dp, nfv_port_by_name(dp, n->port), &n->addr,
					       n->mac);
		if (ret < 0)
			return ret;
	}
	ret = nfv_queue_ctl_init(dp, pol);
	if (ret < 0) {
		NFV_LOG(ERR, "cannot create the queues: %s", strerror(-ret));
		return ret;
	}
	for (unsigned int i = 0; i < pol->nb_hooks; i++) {
		ret = nfv_builtin_add(dp, &pol->hooks[i]);
		if (ret < 0) {
			NFV_LOG(ERR, "%s:%u:%u: cannot register hook entry %s: %s", pol->path,
				pol->hooks[i].mark.line, pol->hooks[i].mark.column,
				pol->hooks[i].name, strerror(-ret));
			return ret;
		}
	}
	return nfv_ipsec_apply(dp);
}

bool nfv_dp_is_local6_mcast(const struct nfv_dp *dp, const uint8_t dst[16])
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t snm[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	if (memcmp(dst, all_nodes, 16) == 0)
		return true;
	if (memcmp(dst, snm, 13) != 0)
		return false;
	for (unsigned int p = 0; p < dp->nb_ports; p++)
		for (unsigned int i = 0; i < dp->ports[p].nb_ip6; i++)
			if (memcmp(dp->ports[p].ip6_all[i] + 13, dst + 13, 3) == 0)
				return true;
	return false;
}
