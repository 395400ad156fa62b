/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The addresses, routes and neighbours sections, each entry on its own;
 * what needs several entries (ports, duplicates) is nfv_policy_check.c.
 */
#include <strings.h>
#include <string.h>

#include "nfv_policy_priv.h"

static const char *const addr_keys[NFV_ADDR_K_MAX] = {
	"port", "address", "vlan",
};

static const struct nfv_yschema addr_schema = {
	addr_keys, NFV_ADDR_K_MAX,
	1u << NFV_ADDR_K_PORT | 1u << NFV_ADDR_K_ADDRESS,
};

static const char *const route_keys[NFV_ROUTE_K_MAX] = {
	"dst", "via", "port", "type",
};

static const struct nfv_yschema route_schema = {
	route_keys, NFV_ROUTE_K_MAX, 1u << NFV_ROUTE_K_DST,
};

static const char *const route_types[] = { "unicast", "blackhole" };

static const char *const neigh_keys[NFV_NEIGH_K_MAX] = {
	"port", "address", "mac",
};

static const struct nfv_yschema neigh_schema = {
	neigh_keys, NFV_NEIGH_K_MAX,
	1u << NFV_NEIGH_K_PORT | 1u << NFV_NEIGH_K_ADDRESS | 1u << NFV_NEIGH_K_MAC,
};

static const char *family_name(uint8_t family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* Our own addresses, gateways and neighbours are single hosts. */
static void check_unicast(struct nfv_ploader *ld, struct nfv_yitem *it,
			  unsigned int k, const struct nfv_addr *a)
{
	char path[96], buf[NFV_ADDR_FMT_MAX];

	if (!NFV_YOK(it->m, k) || nfv_addr_is_unicast(a))
		return;
	nfv_ynok(it, k);
	nfv_yerror(ld, it->m->val[k], "%s: %s is not a unicast address",
		   nfv_ypath(it, k, path, sizeof(path)),
		   nfv_addr_fmt(a, buf, sizeof(buf)));
}

static void read_address(struct nfv_ploader *ld, struct nfv_yitem *it,
			 void *obj)
{
	struct nfv_policy_address *a = obj;
	int64_t v;

	a->mark = it->m->map;
	nfv_yget_name(ld, it, NFV_ADDR_K_PORT, NFV_POLICY_PORT_NAME_MAX, a->port);
	nfv_yget_prefix(ld, it, NFV_ADDR_K_ADDRESS, &a->prefix);
	check_unicast(ld, it, NFV_ADDR_K_ADDRESS, &a->prefix.addr);
	if (nfv_yget_int(ld, it, NFV_ADDR_K_VLAN, 0, 4094, &v))
		a->vlan = (uint16_t)v;
}

void nfv_read_addresses(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_policy *p = ld->p;

	p->addresses = nfv_yread_seq(ld, n, "addresses", NFV_SEC_ADDRESSES,
				     &addr_schema, sizeof(*p->addresses),
				     &p->nb_addresses, read_address);
}

/* "default" follows the family of via; host bits are refused as ip(8) does. */
static void read_dst(struct nfv_ploader *ld, struct nfv_yitem *it,
		     struct nfv_policy_route *r)
{
	const char *s = nfv_yget_scalar(ld, it, NFV_ROUTE_K_DST,
					"an IP prefix or default");
	char path[96], buf[NFV_PREFIX_FMT_MAX];
	struct nfv_prefix net;

	if (s == NULL)
		return;
	if (strcasecmp(s, "default") == 0 || strcasecmp(s, "default6") == 0) {
		memset(&r->dst, 0, sizeof(r->dst));
		r->dst.addr.family = strcasecmp(s, "default6") == 0 ? AF_INET6 :
			r->has_via ? r->via.family : AF_INET;
		nfv_yok(it, NFV_ROUTE_K_DST);
		return;
	}
	nfv_ypath(it, NFV_ROUTE_K_DST, path, sizeof(path));
	if (nfv_prefix_parse(s, &r->dst) < 0) {
		nfv_yerror(ld, it->m->val[NFV_ROUTE_K_DST],
			   "%s: \"%.40s\" is not a destination; expected ADDRESS/LENGTH, default or default6",
			   path, s);
		return;
	}
	net = r->dst;
	if (nfv_prefix_clear_host(&net)) {
		nfv_yerror(ld, it->m->val[NFV_ROUTE_K_DST],
			   "%s: %s has host bits set; expected %s", path, s,
			   nfv_prefix_fmt(&net, buf, sizeof(buf)));
		return;
	}
	nfv_yok(it, NFV_ROUTE_K_DST);
}

static void read_route(struct nfv_ploader *ld, struct nfv_yitem *it, void *obj)
{
	struct nfv_policy_route *r = obj;
	char path[96], buf[NFV_PREFIX_FMT_MAX];
	unsigned int type;
	unsigned int k;

	r->mark = it->m->map;
	if (nfv_yget_enum(ld, it, NFV_ROUTE_K_TYPE, route_types, 2, &type))
		r->type = (enum nfv_route_type)type;
	r->has_via = nfv_yget_addr(ld, it, NFV_ROUTE_K_VIA, &r->via);
	check_unicast(ld, it, NFV_ROUTE_K_VIA, &r->via);
	read_dst(ld, it, r);
	nfv_yget_name(ld, it, NFV_ROUTE_K_PORT, NFV_POLICY_PORT_NAME_MAX, r->port);

	if (r->type == NFV_ROUTE_BLACKHOLE) {
		r->has_via = false;
		for (k = NFV_ROUTE_K_VIA; k <= NFV_ROUTE_K_PORT; k++) {
			if (it->val[k] == NULL)
				continue;
			nfv_ynok(it, k);
			nfv_yerror(ld, it->m->key[k],
				   "%s: a blackhole route takes no %s",
				   nfv_ypath(it, k, path, sizeof(path)),
				   route_keys[k]);
		}
		return;
	}
	/* With a bad type, nothing is known about what the route needs. */
	if (it->val[NFV_ROUTE_K_TYPE] != NULL && !NFV_YOK(it->m, NFV_ROUTE_K_TYPE))
		return;
	if (it->val[NFV_ROUTE_K_VIA] == NULL && it->val[NFV_ROUTE_K_PORT] == NULL)
		nfv_yerror(ld, it->m->map,
			   "%s: missing required key \"via\" or \"port\"",
			   it->path);
	if (NFV_YOK(it->m, NFV_ROUTE_K_VIA) && NFV_YOK(it->m, NFV_ROUTE_K_DST) &&
	    r->via.family != r->dst.addr.family) {
		nfv_ynok(it, NFV_ROUTE_K_VIA);
		nfv_yerror(ld, it->m->val[NFV_ROUTE_K_VIA],
			   "%s: %s gateway for %s destination %s",
			   nfv_ypath(it, NFV_ROUTE_K_VIA, path, sizeof(path)),
			   family_name(r->via.family),
			   family_name(r->dst.addr.family),
			   nfv_prefix_fmt(&r->dst, buf, sizeof(buf)));
	}
}

void nfv_read_routes(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_policy *p = ld->p;

	p->routes = nfv_yread_seq(ld, n, "routes", NFV_SEC_ROUTES, &route_schema,
				  sizeof(*p->routes), &p->nb_routes, read_route);
}

static void read_neighbour(struct nfv_ploader *ld, struct nfv_yitem *it,
			   void *obj)
{
	struct nfv_policy_neighbour *nb = obj;

	nb->mark = it->m->map;
	nfv_yget_name(ld, it, NFV_NEIGH_K_PORT, NFV_POLICY_PORT_NAME_MAX, nb->port);
	nfv_yget_addr(ld, it, NFV_NEIGH_K_ADDRESS, &nb->addr);
	check_unicast(ld, it, NFV_NEIGH_K_ADDRESS, &nb->addr);
	nfv_yget_mac(ld, it, NFV_NEIGH_K_MAC, nb->mac);
}

void nfv_read_neighbours(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_policy *p = ld->p;

	p->neighbours = nfv_yread_seq(ld, n, "neighbours", NFV_SEC_NEIGHBOURS,
				      &neigh_schema, sizeof(*p->neighbours),
				      &p->nb_neighbours, read_neighbour);
}
