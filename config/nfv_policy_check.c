/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks across entries: duplicates, names of ports and queues that must
 * exist, and the port of a route inferred from its gateway. Values that
 * already failed (their ok bit is clear) are skipped: one mistake, one
 * error. Duplicates are found through a hash set (nfv_policy_hash.c),
 * each against the first entry with the same key: linear in time and
 * memory, so 100,000 routes check in milliseconds.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

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

static bool port_name_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;

	return strcmp(p->ports[j].name, key) == 0;
}

static bool port_dev_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;
	size_t n = devname_len(key);

	return n == devname_len(p->ports[j].device) &&
	       memcmp(p->ports[j].device, key, n) == 0;
}

static bool port_ifname_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;

	return strcmp(p->ports[j].exception_ifname, key) == 0;
}

static void check_ports(struct nfv_ploader *ld)
{
	struct nfv_dupset names, devs, ifnames;
	const struct nfv_policy_port *a;
	struct nfv_ymarks *ma, *mb;
	bool dup_name;
	char what[96];
	unsigned int i;
	size_t n;
	int j;

	if (nfv_dupset_init(&names, ld->p->nb_ports) < 0 ||
	    nfv_dupset_init(&devs, ld->p->nb_ports) < 0 ||
	    nfv_dupset_init(&ifnames, ld->p->nb_ports) < 0) {
		ld->err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ld->p->nb_ports; i++) {
		a = &ld->p->ports[i];
		ma = MARKS(ld, NFV_SEC_PORTS, i);
		dup_name = false;
		if (NFV_YOK(ma, NFV_PORT_K_NAME)) {
			j = nfv_dupset_add(&names, nfv_hash_str(0, a->name), a->name, i,
					   port_name_eq, ld->p);
			if (j >= 0) {
				mb = MARKS(ld, NFV_SEC_PORTS, (unsigned int)j);
				snprintf(what, sizeof(what), "port name \"%s\"", a->name);
				dup_error(ld, "ports", i, "name", ma->val[NFV_PORT_K_NAME],
					  mb->val[NFV_PORT_K_NAME], what);
				dup_name = true;
			}
		}
		if (NFV_YOK(ma, NFV_PORT_K_DEVICE)) {
			n = devname_len(a->device);
			j = nfv_dupset_add(&devs, nfv_hash(0, a->device, n), a->device, i,
					   port_dev_eq, ld->p);
			if (j >= 0) {
				mb = MARKS(ld, NFV_SEC_PORTS, (unsigned int)j);
				snprintf(what, sizeof(what), "device \"%.*s\"",
					 (int)(n > 40 ? 40 : n), a->device);
				dup_error(ld, "ports", i, "device", ma->val[NFV_PORT_K_DEVICE],
					  mb->val[NFV_PORT_K_DEVICE], what);
			}
		}
		if (!a->exception || a->exception_ifname[0] == '\0')
			continue;
		j = nfv_dupset_add(&ifnames, nfv_hash_str(0, a->exception_ifname),
				   a->exception_ifname, i, port_ifname_eq, ld->p);
		/* A duplicate name has said it all about a default ifname. */
		if (j < 0 || (dup_name && ma->key[NFV_PORT_K_EXC_IFNAME].line == 0))
			continue;
		mb = MARKS(ld, NFV_SEC_PORTS, (unsigned int)j);
		/* A default name points at the port name it came from. */
		snprintf(what, sizeof(what), "exception interface \"%s\"",
			 a->exception_ifname);
		dup_error(ld, "ports", i, "exception_ifname",
			  ma->val[ma->key[NFV_PORT_K_EXC_IFNAME].line ?
				  NFV_PORT_K_EXC_IFNAME : NFV_PORT_K_NAME],
			  mb->val[mb->key[NFV_PORT_K_EXC_IFNAME].line ?
				  NFV_PORT_K_EXC_IFNAME : NFV_PORT_K_NAME],
			  what);
	}
out:
	nfv_dupset_fini(&names);
	nfv_dupset_fini(&devs);
	nfv_dupset_fini(&ifnames);
}

static uint64_t addr_hash(uint64_t h, const struct nfv_addr *a)
{
	h = nfv_hash(h, &a->family, 1);
	return nfv_hash(h, a->bytes, a->family == AF_INET ? 4 : 16);
}

static bool address_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;

	return nfv_addr_equal(key, &p->addresses[j].prefix.addr);
}

static void check_addresses(struct nfv_ploader *ld)
{
	const struct nfv_policy_address *a;
	struct nfv_ymarks *ma, *mb;
	char what[96], buf[NFV_ADDR_FMT_MAX];
	struct nfv_dupset set;
	unsigned int i;
	int j;

	if (nfv_dupset_init(&set, ld->p->nb_addresses) < 0) {
		ld->err = -ENOMEM;
		return;
	}
	for (i = 0; i < ld->p->nb_addresses; i++) {
		a = &ld->p->addresses[i];
		ma = MARKS(ld, NFV_SEC_ADDRESSES, i);
		check_port_ref(ld, "addresses", NFV_SEC_ADDRESSES, i,
			       NFV_ADDR_K_PORT, a->port);
		if (!NFV_YOK(ma, NFV_ADDR_K_ADDRESS))
			continue;
		j = nfv_dupset_add(&set, addr_hash(0, &a->prefix.addr), &a->prefix.addr,
				   i, address_eq, ld->p);
		if (j < 0)
			continue;
		mb = MARKS(ld, NFV_SEC_ADDRESSES, (unsigned int)j);
		snprintf(what, sizeof(what), "address %s",
			 nfv_addr_fmt(&a->prefix.addr, buf, sizeof(buf)));
		dup_error(ld, "addresses", i, "address", ma->val[NFV_ADDR_K_ADDRESS],
			  mb->val[NFV_ADDR_K_ADDRESS], what);
	}
	nfv_dupset_fini(&set);
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

static bool route_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;
	const struct nfv_prefix *d = key;

	return d->len == p->routes[j].dst.len &&
	       nfv_addr_equal(&d->addr, &p->routes[j].dst.addr);
}

static void check_routes(struct nfv_ploader *ld)
{
	struct nfv_policy_route *r;
	struct nfv_ymarks *ma, *mb;
	char what[96], buf[NFV_PREFIX_FMT_MAX];
	struct nfv_dupset set;
	unsigned int i;
	int j;

	if (nfv_dupset_init(&set, ld->p->nb_routes) < 0) {
		ld->err = -ENOMEM;
		return;
	}
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
		j = nfv_dupset_add(&set, addr_hash(nfv_hash(0, &r->dst.len, 1), &r->dst.addr),
				   &r->dst, i, route_eq, ld->p);
		if (j < 0)
			continue;
		mb = MARKS(ld, NFV_SEC_ROUTES, (unsigned int)j);
		snprintf(what, sizeof(what), "route to %s",
			 nfv_prefix_fmt(&r->dst, buf, sizeof(buf)));
		dup_error(ld, "routes", i, "dst", ma->val[NFV_ROUTE_K_DST],
			  mb->val[NFV_ROUTE_K_DST], what);
	}
	nfv_dupset_fini(&set);
}

static bool neigh_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;
	const struct nfv_policy_neighbour *a = key, *b = &p->neighbours[j];

	return strcmp(a->port, b->port) == 0 && nfv_addr_equal(&a->addr, &b->addr);
}

static void check_neighbours(struct nfv_ploader *ld)
{
	const struct nfv_policy_neighbour *a;
	struct nfv_ymarks *ma, *mb;
	char what[96], buf[NFV_ADDR_FMT_MAX];
	struct nfv_dupset set;
	unsigned int i;
	int j;

	if (nfv_dupset_init(&set, ld->p->nb_neighbours) < 0) {
		ld->err = -ENOMEM;
		return;
	}
	for (i = 0; i < ld->p->nb_neighbours; i++) {
		a = &ld->p->neighbours[i];
		ma = MARKS(ld, NFV_SEC_NEIGHBOURS, i);
		check_port_ref(ld, "neighbours", NFV_SEC_NEIGHBOURS, i,
			       NFV_NEIGH_K_PORT, a->port);
		if (!NFV_YOK(ma, NFV_NEIGH_K_ADDRESS) || !NFV_YOK(ma, NFV_NEIGH_K_PORT))
			continue;
		j = nfv_dupset_add(&set, addr_hash(nfv_hash_str(0, a->port), &a->addr),
				   a, i, neigh_eq, ld->p);
		if (j < 0)
			continue;
		mb = MARKS(ld, NFV_SEC_NEIGHBOURS, (unsigned int)j);
		snprintf(what, sizeof(what), "neighbour %s on port %s",
			 nfv_addr_fmt(&a->addr, buf, sizeof(buf)), a->port);
		dup_error(ld, "neighbours", i, "address", ma->val[NFV_NEIGH_K_ADDRESS],
			  mb->val[NFV_NEIGH_K_ADDRESS], what);
	}
	nfv_dupset_fini(&set);
}

static bool queue_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;

	return p->queues[j].num == *(const uint16_t *)key;
}

static bool hook_name_eq(const void *ctx, const void *key, uint32_t j)
{
	const struct nfv_policy *p = ctx;

	return strcmp(p->hooks[j].name, key) == 0;
}

static void check_queues_hooks(struct nfv_ploader *ld)
{
	const struct nfv_policy_hook *h;
	struct nfv_dupset queues, hooks;
	struct nfv_ymarks *ma, *mb;
	char what[96];
	unsigned int i;
	int first;

	if (nfv_dupset_init(&queues, ld->p->nb_queues) < 0 ||
	    nfv_dupset_init(&hooks, ld->p->nb_hooks) < 0) {
		ld->err = -ENOMEM;
		goto out;
	}
	/* Valid queue numbers, each to its first entry. */
	for (i = 0; i < ld->p->nb_queues; i++) {
		ma = MARKS(ld, NFV_SEC_QUEUES, i);
		if (!NFV_YOK(ma, NFV_QUEUE_K_NUM))
			continue;
		first = nfv_dupset_add(&queues, nfv_hash(0, &ld->p->queues[i].num, 2),
				       &ld->p->queues[i].num, i, queue_eq, ld->p);
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
		if (NFV_YOK(ma, NFV_HOOK_K_NAME)) {
			first = nfv_dupset_add(&hooks, nfv_hash_str(0, h->name), h->name, i,
					       hook_name_eq, ld->p);
			if (first >= 0) {
				mb = MARKS(ld, NFV_SEC_HOOKS, (unsigned int)first);
				snprintf(what, sizeof(what), "hook name \"%s\"", h->name);
				dup_error(ld, "hooks", i, "name", ma->val[NFV_HOOK_K_NAME],
					  mb->val[NFV_HOOK_K_NAME], what);
			}
		}
		if (NFV_YOK(ma, NFV_HOOK_K_ACTION) && h->action == NFV_BUILTIN_QUEUE &&
		    NFV_YOK(ma, NFV_HOOK_K_QUEUE) &&
		    nfv_dupset_find(&queues, nfv_hash(0, &h->queue, 2), &h->queue,
				    queue_eq, ld->p) < 0)
			nfv_yerror(ld, ma->val[NFV_HOOK_K_QUEUE],
				   "hooks[%u].queue: queue %u is not defined in queues",
				   i, h->queue);
	}
out:
	nfv_dupset_fini(&queues);
	nfv_dupset_fini(&hooks);
}

void nfv_policy_check(struct nfv_ploader *ld)
{
	check_ports(ld);
	check_addresses(ld);
	check_routes(ld);
	check_neighbours(ld);
	check_queues_hooks(ld);
}
