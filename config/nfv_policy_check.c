/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks across entries: duplicates, names of ports and queues that must
 * exist, and the port of a route inferred from its gateway. Values that
 * already failed (their ok bit is clear) are skipped: one mistake, one
 * error. Quadratic, which is fine at policy sizes.
 */
#include <string.h>

#include "nfv_policy_priv.h"

#define MARKS(ld, sec, i)	(&(ld)->marks[sec][i])

static void dup_error(struct nfv_ploader *ld, const char *sec, unsigned int i,
		      const char *key, struct nfv_mark at, struct nfv_mark first,
		      const char *what)
{
	nfv_yerror(ld, at, "%s[%u].%s: duplicate %s; first at %u:%u",
		   sec, i, key, what, first.line, first.column);
}

/* A port name given at key k of entry i of section sec must exist. */
static void check_port_ref(struct nfv_ploader *ld, const char *sec,
			   enum nfv_section s, unsigned int i, unsigned int k,
			   const char *name)
{
	struct nfv_ymarks *m = MARKS(ld, s, i);

	if (!NFV_YOK(m, k) || nfv_policy_port_index(ld->p, name) >= 0)
		return;
	nfv_yerror(ld, m->val[k], "%s[%u].port: port \"%s\" is not defined in ports",
		   sec, i, name);
}

/* The part of devargs that names the device: "net_tap0" of "net_tap0,iface=x". */
static size_t devname_len(const char *dev)
{
	return strcspn(dev, ",");
}

static void check_ports(struct nfv_ploader *ld)
{
	const struct nfv_policy_port *a, *b;
	struct nfv_ymarks *ma, *mb;
	bool dup_name;
	char what[96];
	unsigned int i, j;
	size_t n;

	for (i = 0; i < ld->p->nb_ports; i++) {
		a = &ld->p->ports[i];
		ma = MARKS(ld, NFV_SEC_PORTS, i);
		dup_name = false;
		for (j = 0; j < i; j++) {
			b = &ld->p->ports[j];
			mb = MARKS(ld, NFV_SEC_PORTS, j);
			if (NFV_YOK(ma, NFV_PORT_K_NAME) && NFV_YOK(mb, NFV_PORT_K_NAME) &&
			    strcmp(a->name, b->name) == 0) {
				snprintf(what, sizeof(what), "port name \"%s\"", a->name);
				dup_error(ld, "ports", i, "name", ma->val[NFV_PORT_K_NAME],
					  mb->val[NFV_PORT_K_NAME], what);
				dup_name = true;
				break;
			}
		}
		for (j = 0; j < i; j++) {
			b = &ld->p->ports[j];
			mb = MARKS(ld, NFV_SEC_PORTS, j);
			n = devname_len(a->device);
			if (NFV_YOK(ma, NFV_PORT_K_DEVICE) && NFV_YOK(mb, NFV_PORT_K_DEVICE) &&
			    n == devname_len(b->device) && memcmp(a->device, b->device, n) == 0) {
				snprintf(what, sizeof(what), "device \"%.*s\"",
					 (int)(n > 40 ? 40 : n), a->device);
				dup_error(ld, "ports", i, "device", ma->val[NFV_PORT_K_DEVICE],
					  mb->val[NFV_PORT_K_DEVICE], what);
				break;
			}
		}
		/* A duplicate name has said it all about a default ifname. */
		if (!a->exception || a->exception_ifname[0] == '\0' ||
		    (dup_name && ma->key[NFV_PORT_K_EXC_IFNAME].line == 0))
			continue;
		for (j = 0; j < i; j++) {
			b = &ld->p->ports[j];
			mb = MARKS(ld, NFV_SEC_PORTS, j);
			if (!b->exception || strcmp(a->exception_ifname, b->exception_ifname))
				continue;
			/* A default name points at the port name it came from. */
			snprintf(what, sizeof(what), "exception interface \"%s\"",
				 a->exception_ifname);
			dup_error(ld, "ports", i, "exception_ifname",
				  ma->val[ma->key[NFV_PORT_K_EXC_IFNAME].line ?
					  NFV_PORT_K_EXC_IFNAME : NFV_PORT_K_NAME],
				  mb->val[mb->key[NFV_PORT_K_EXC_IFNAME].line ?
					  NFV_PORT_K_EXC_IFNAME : NFV_PORT_K_NAME],
				  what);
			break;
		}
	}
}

static void check_addresses(struct nfv_ploader *ld)
{
	const struct nfv_policy_address *a;
	struct nfv_ymarks *ma, *mb;
	char what[96], buf[NFV_ADDR_FMT_MAX];
	unsigned int i, j;

	for (i = 0; i < ld->p->nb_addresses; i++) {
		a = &ld->p->addresses[i];
		ma = MARKS(ld, NFV_SEC_ADDRESSES, i);
		check_port_ref(ld, "addresses", NFV_SEC_ADDRESSES, i,
			       NFV_ADDR_K_PORT, a->port);
		if (!NFV_YOK(ma, NFV_ADDR_K_ADDRESS))
			continue;
		for (j = 0; j < i; j++) {
			mb = MARKS(ld, NFV_SEC_ADDRESSES, j);
			if (!NFV_YOK(mb, NFV_ADDR_K_ADDRESS) ||
			    !nfv_addr_equal(&a->prefix.addr, &ld->p->addresses[j].prefix.addr))
				continue;
			snprintf(what, sizeof(what), "address %s",
				 nfv_addr_fmt(&a->prefix.addr, buf, sizeof(buf)));
			dup_error(ld, "addresses", i, "address", ma->val[NFV_ADDR_K_ADDRESS],
				  mb->val[NFV_ADDR_K_ADDRESS], what);
			break;
		}
	}
}

/* The port of the address whose prefix holds via, the longest one. */
static void infer_route_port(struct nfv_ploader *ld, unsigned int i)
{
	struct nfv_policy_route *r = &ld->p->routes[i];
	struct nfv_ymarks *m = MARKS(ld, NFV_SEC_ROUTES, i);
	const struct nfv_policy_address *a, *best = NULL;
	char buf[NFV_ADDR_FMT_MAX];
	unsigned int j;

	for (j = 0; j < ld->p->nb_addresses; j++) {
		a = &ld->p->addresses[j];
		if (!NFV_YOK(MARKS(ld, NFV_SEC_ADDRESSES, j), NFV_ADDR_K_ADDRESS) ||
		    !NFV_YOK(MARKS(ld, NFV_SEC_ADDRESSES, j), NFV_ADDR_K_PORT) ||
		    !nfv_prefix_contains(&a->prefix, &r->via))
			continue;
		if (best == NULL || a->prefix.len > best->prefix.len)
			best = a;
	}
	if (best != NULL) {
		memcpy(r->port, best->port, sizeof(r->port));
		return;
	}
	nfv_yerror(ld, m->val[NFV_ROUTE_K_VIA],
		   "routes[%u].via: %s is on no address's prefix; set port or add an address on its subnet",
		   i, nfv_addr_fmt(&r->via, buf, sizeof(buf)));
}

static void check_routes(struct nfv_ploader *ld)
{
	struct nfv_policy_route *r;
	struct nfv_ymarks *ma, *mb;
	char what[96], buf[NFV_PREFIX_FMT_MAX];
	unsigned int i, j;

	for (i = 0; i < ld->p->nb_routes; i++) {
		r = &ld->p->routes[i];
		ma = MARKS(ld, NFV_SEC_ROUTES, i);
		check_port_ref(ld, "routes", NFV_SEC_ROUTES, i, NFV_ROUTE_K_PORT, r->port);
		if (r->type == NFV_ROUTE_UNICAST && NFV_YOK(ma, NFV_ROUTE_K_VIA) &&
		    ma->key[NFV_ROUTE_K_PORT].line == 0 &&
		    (ma->key[NFV_ROUTE_K_TYPE].line == 0 || NFV_YOK(ma, NFV_ROUTE_K_TYPE)))
			infer_route_port(ld, i);
		if (!NFV_YOK(ma, NFV_ROUTE_K_DST))
			continue;
		for (j = 0; j < i; j++) {
			mb = MARKS(ld, NFV_SEC_ROUTES, j);
			if (!NFV_YOK(mb, NFV_ROUTE_K_DST) ||
			    r->dst.len != ld->p->routes[j].dst.len ||
			    !nfv_addr_equal(&r->dst.addr, &ld->p->routes[j].dst.addr))
				continue;
			snprintf(what, sizeof(what), "route to %s",
				 nfv_prefix_fmt(&r->dst, buf, sizeof(buf)));
			dup_error(ld, "routes", i, "dst", ma->val[NFV_ROUTE_K_DST],
				  mb->val[NFV_ROUTE_K_DST], what);
			break;
		}
	}
}

static void check_neighbours(struct nfv_ploader *ld)
{
	const struct nfv_policy_neighbour *a, *b;
	struct nfv_ymarks *ma, *mb;
	char what[96], buf[NFV_ADDR_FMT_MAX];
	unsigned int i, j;

	for (i = 0; i < ld->p->nb_neighbours; i++) {
		a = &ld->p->neighbours[i];
		ma = MARKS(ld, NFV_SEC_NEIGHBOURS, i);
		check_port_ref(ld, "neighbours", NFV_SEC_NEIGHBOURS, i,
			       NFV_NEIGH_K_PORT, a->port);
		if (!NFV_YOK(ma, NFV_NEIGH_K_ADDRESS) || !NFV_YOK(ma, NFV_NEIGH_K_PORT))
			continue;
		for (j = 0; j < i; j++) {
			b = &ld->p->neighbours[j];
			mb = MARKS(ld, NFV_SEC_NEIGHBOURS, j);
			if (!NFV_YOK(mb, NFV_NEIGH_K_ADDRESS) || !NFV_YOK(mb, NFV_NEIGH_K_PORT) ||
			    strcmp(a->port, b->port) || !nfv_addr_equal(&a->addr, &b->addr))
				continue;
			snprintf(what, sizeof(what), "neighbour %s on port %s",
				 nfv_addr_fmt(&a->addr, buf, sizeof(buf)), a->port);
			dup_error(ld, "neighbours", i, "address", ma->val[NFV_NEIGH_K_ADDRESS],
				  mb->val[NFV_NEIGH_K_ADDRESS], what);
			break;
		}
	}
}

static int valid_queue_index(struct nfv_ploader *ld, unsigned int n, uint16_t num)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		if (NFV_YOK(MARKS(ld, NFV_SEC_QUEUES, j), NFV_QUEUE_K_NUM) &&
		    ld->p->queues[j].num == num)
			return (int)j;
	return -1;
}

static void check_queues_hooks(struct nfv_ploader *ld)
{
	const struct nfv_policy_hook *h;
	struct nfv_ymarks *ma, *mb;
	char what[96];
	unsigned int i, j;
	int first;

	for (i = 0; i < ld->p->nb_queues; i++) {
		ma = MARKS(ld, NFV_SEC_QUEUES, i);
		if (!NFV_YOK(ma, NFV_QUEUE_K_NUM))
			continue;
		first = valid_queue_index(ld, i, ld->p->queues[i].num);
		if (first < 0)
			continue;
		mb = MARKS(ld, NFV_SEC_QUEUES, (unsigned int)first);
		snprintf(what, sizeof(what), "queue %u", ld->p->queues[i].num);
		dup_error(ld, "queues", i, "num", ma->val[NFV_QUEUE_K_NUM],
			  mb->val[NFV_QUEUE_K_NUM], what);
	}
	for (i = 0; i < ld->p->nb_hooks; i++) {
		h = &ld->p->hooks[i];
		ma = MARKS(ld, NFV_SEC_HOOKS, i);
		for (j = 0; j < i && NFV_YOK(ma, NFV_HOOK_K_NAME); j++) {
			mb = MARKS(ld, NFV_SEC_HOOKS, j);
			if (!NFV_YOK(mb, NFV_HOOK_K_NAME) || strcmp(h->name, ld->p->hooks[j].name))
				continue;
			snprintf(what, sizeof(what), "hook name \"%s\"", h->name);
			dup_error(ld, "hooks", i, "name", ma->val[NFV_HOOK_K_NAME],
				  mb->val[NFV_HOOK_K_NAME], what);
			break;
		}
		if (NFV_YOK(ma, NFV_HOOK_K_ACTION) && h->action == NFV_BUILTIN_QUEUE &&
		    NFV_YOK(ma, NFV_HOOK_K_QUEUE) &&
		    valid_queue_index(ld, ld->p->nb_queues, h->queue) < 0)
			nfv_yerror(ld, ma->val[NFV_HOOK_K_QUEUE],
				   "hooks[%u].queue: queue %u is not defined in queues",
				   i, h->queue);
	}
}

void nfv_policy_check(struct nfv_ploader *ld)
{
	check_ports(ld);
	check_addresses(ld);
	check_routes(ld);
	check_neighbours(ld);
	check_queues_hooks(ld);
}
