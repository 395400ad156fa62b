/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes on the control side (control/route.c): the policy's addresses and
 * routes at start-up, ROUTES, ROUTE_ADD and ROUTE_DEL, and what the
 * published FIB snapshot (dp->fib) answers after each.
 */
#include <string.h>

#include "ctl_fake.h"

static struct ctl_fake f;
static struct nfv_mgmt_conn *c;

static struct nfv_policy_address addresses[] = {
	{ .port = "p0" },
	{ .port = "p0" },
	{ .port = "p1" },
	{ .port = "p1", .vlan = 100 },
};
static struct nfv_policy_route routes[1];

/* p0: 10.0.0.1/24 and 2001:db8::1/64; p1: 192.168.1.1/24, VLAN 100 192.168.100.1/24;
 * default via 10.0.0.254. */
static void setup(void)
{
	ctl_fake_init(&f);
	addresses[0].prefix = ctl_prefix("10.0.0.1/24");
	addresses[1].prefix = ctl_prefix("2001:db8::1/64");
	addresses[2].prefix = ctl_prefix("192.168.1.1/24");
	addresses[3].prefix = ctl_prefix("192.168.100.1/24");
	f.pol.addresses = addresses;
	f.pol.nb_addresses = RTE_DIM(addresses);
	routes[0] = (struct nfv_policy_route){ .has_via = true };
	routes[0].dst = ctl_prefix("0.0.0.0/0");
	routes[0].via = ctl_addr("10.0.0.254");
	f.pol.routes = routes;
	f.pol.nb_routes = RTE_DIM(routes);
	CTL_START(&f, "routes");
	c = ctl_conn_open(&f);
}

static struct nfv_policy_route route(const char *dst, const char *via, const char *port)
{
	struct nfv_policy_route r = { 0 };

	r.dst = ctl_prefix(dst);
	if (via != NULL) {
		r.via = ctl_addr(via);
		r.has_via = true;
	}
	if (port != NULL)
		strcpy(r.port, port);
	return r;
}

/* ROUTES as a copy: count records in *n. */
static struct nfv_msg_route *list(uint32_t *n)
{
	struct nfv_msg_route *v = NULL;
	const struct nfv_msg_route *l;
	struct ctl_resp r;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_ROUTES, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), n);
	if (l != NULL) {
		v = malloc(*n * sizeof(*v) + 1);
		memcpy(v, l, *n * sizeof(*v));
	}
	ctl_resp_free(&r);
	return v;
}

static const struct nfv_msg_route *find(const struct nfv_msg_route *v, uint32_t n,
					const char *dst)
{
	struct nfv_prefix p = ctl_prefix(dst);

	for (uint32_t i = 0; i < n; i++)
		if (v[i].dst.len == p.len && v[i].dst.addr.family == p.addr.family &&
		    memcmp(v[i].dst.addr.bytes, p.addr.bytes, 16) == 0)
			return &v[i];
	return NULL;
}

static void gw_is(const struct nfv_nexthop *nh, uint16_t port, const char *gw)
{
	struct nfv_addr a = ctl_addr(gw);

	CU_ASSERT_EQUAL(nh->type, NFV_NH_FORWARD);
	CU_ASSERT_EQUAL(nh->port, port);
	CU_ASSERT(nh->has_gw);
	CU_ASSERT_EQUAL(memcmp(nh->gw, a.bytes, a.family == AF_INET ? 4 : 16), 0);
}

static void test_init(void)
{
	const struct nfv_msg_route *r;
	struct nfv_msg_route *v;
	uint32_t n;

	setup();
	/* per address a local route and a connected one, and the default */
	v = list(&n);
	CU_ASSERT_EQUAL(n, 2 * RTE_DIM(addresses) + 1);
	r = find(v, n, "10.0.0.1/32");
	CU_ASSERT(r != NULL && r->type == NFV_ROUTE_LOCAL && strcmp(r->port, "p0") == 0);
	r = find(v, n, "2001:db8::/64");
	CU_ASSERT(r != NULL && r->type == NFV_ROUTE_CONNECTED && strcmp(r->port, "p0") == 0);
	r = find(v, n, "192.168.100.0/24");
	CU_ASSERT(r != NULL && r->type == NFV_ROUTE_CONNECTED && strcmp(r->port, "p1") == 0);
	r = find(v, n, "0.0.0.0/0");
	CU_ASSERT(r != NULL && r->type == NFV_ROUTE_UNICAST && r->has_via &&
		  strcmp(r->port, "p0") == 0);
	free(v);

	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "10.0.0.1")->type, NFV_NH_LOCAL);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "2001:db8::1")->type, NFV_NH_LOCAL);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "10.0.0.9")->type, NFV_NH_FORWARD);
	CU_ASSERT_FALSE(ctl_fib_lookup(&f, "10.0.0.9")->has_gw);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "192.168.100.9")->vlan, 100);
	gw_is(ctl_fib_lookup(&f, "198.51.100.1"), 0, "10.0.0.254");
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "2001:db8:1::1")->type, NFV_NH_NONE);
	/* the ports learned their addresses for ICMP errors and VLANs */
	CU_ASSERT(f.dp.ports[0].has_ip4 && f.dp.ports[0].has_ip6);
	CU_ASSERT((f.dp.ports[1].vlans[100 / 64] & (1ull << (100 % 64))) != 0);
	ctl_fake_fini(&f);
}

static void test_add_del(void)
{
	struct nfv_policy_route r;
	struct nfv_prefix p;
	struct nfv_msg_route *v;
	const struct nfv_msg_route *e;
	uint64_t gen;
	uint32_t n0, n, snap_gen;

	setup();
	free(list(&n0));
	gen = f.dp.generation;
	snap_gen = f.dp.fib->gen;

	/* the port from the gateway's address */
	r = route("172.16.0.0/12", "192.168.1.254", NULL);
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 1);
	/* a new snapshot generation: offloaded flows are learned again */
	CU_ASSERT_NOT_EQUAL(f.dp.fib->gen, snap_gen);
	snap_gen = f.dp.fib->gen;
	gw_is(ctl_fib_lookup(&f, "172.20.1.1"), 1, "192.168.1.254");
	/* a gateway on the VLAN: the next hop is tagged */
	r = route("172.15.0.0/16", "192.168.100.254", NULL);
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "172.15.0.1")->vlan, 100);
	/* on-link through a named port */
	r = route("10.5.0.0/16", NULL, "p1");
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "10.5.3.3")->type, NFV_NH_FORWARD);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "10.5.3.3")->port, 1);
	CU_ASSERT_FALSE(ctl_fib_lookup(&f, "10.5.3.3")->has_gw);
	/* a blackhole needs no port */
	r = route("203.0.113.0/24", NULL, NULL);
	r.type = NFV_ROUTE_BLACKHOLE;
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "203.0.113.5")->type, NFV_NH_BLACKHOLE);
	/* IPv6 */
	r = route("2001:db8:99::/48", "2001:db8::fe", NULL);
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	gw_is(ctl_fib_lookup(&f, "2001:db8:99::5"), 0, "2001:db8::fe");
	CU_ASSERT_EQUAL(f.dp.generation, gen + 5);
	CU_ASSERT_NOT_EQUAL(f.dp.fib->gen, snap_gen);

	v = list(&n);
	CU_ASSERT_EQUAL(n, n0 + 5);
	e = find(v, n, "172.16.0.0/12");
	CU_ASSERT(e != NULL && e->has_via && e->type == NFV_ROUTE_UNICAST &&
		  strcmp(e->port, "p1") == 0);
	e = find(v, n, "203.0.113.0/24");
	CU_ASSERT(e != NULL && e->type == NFV_ROUTE_BLACKHOLE && e->port[0] == '\0');
	free(v);

	/* the same destination: add refuses, replace replaces */
	r = route("172.16.0.0/12", "10.0.0.253", NULL);
	CTL_ERR(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r), -EEXIST,
		"a route to 172.16.0.0/12 exists; route replace changes it");
	gw_is(ctl_fib_lookup(&f, "172.20.1.1"), 1, "192.168.1.254");
	CTL_OK(&f, c, NFV_MSG_ROUTE_REPLACE, &r, sizeof(r));
	gw_is(ctl_fib_lookup(&f, "172.20.1.1"), 0, "10.0.0.253");
	free(list(&n));
	CU_ASSERT_EQUAL(n, n0 + 5);

	/* delete: the default route takes over */
	p = ctl_prefix("172.16.0.0/12");
	gen = f.dp.generation;
	CTL_OK(&f, c, NFV_MSG_ROUTE_DEL, &p, sizeof(p));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 1);
	gw_is(ctl_fib_lookup(&f, "172.20.1.1"), 0, "10.0.0.254");
	CTL_ERR(&f, c, NFV_MSG_ROUTE_DEL, &p, sizeof(p), -ENOENT, "no such route");
	p = ctl_prefix("2001:db8:99::/48");
	CTL_OK(&f, c, NFV_MSG_ROUTE_DEL, &p, sizeof(p));
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "2001:db8:99::5")->type, NFV_NH_NONE);
	/* a route of an address can go too, as in Linux */
	p = ctl_prefix("10.0.0.1/32");
	CTL_OK(&f, c, NFV_MSG_ROUTE_DEL, &p, sizeof(p));
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "10.0.0.1")->type, NFV_NH_FORWARD);
	CU_ASSERT_EQUAL(f.dp.generation, gen + 3);
	free(list(&n));
	CU_ASSERT_EQUAL(n, n0 + 5 - 3);
	ctl_fake_fini(&f);
}

/* What is refused changes nothing: no route, no generation, same FIB. */
static void test_refused(void)
{
	struct nfv_policy_route r;
	struct nfv_prefix p;
	uint64_t gen;
	uint32_t n0, n;

	setup();
	free(list(&n0));
	gen = f.dp.generation;
	r = route("172.16.0.0/12", "192.168.1.254", "p9");
	CTL_ERR(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r), -ENOENT, "no port 'p9'");
	/* no port, and the gateway is on no link of ours */
	r = route("172.16.0.0/12", "198.51.100.1", NULL);
	CTL_ERR(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r), -ENOENT, "no address on-link");
	r = route("172.16.0.0/12", NULL, NULL);
	CTL_ERR(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r), -ENOENT, "no port ''");
	p = ctl_prefix("172.16.0.0/12");
	CTL_ERR(&f, c, NFV_MSG_ROUTE_DEL, &p, sizeof(p), -ENOENT, "no such route");
	CU_ASSERT_EQUAL(f.dp.generation, gen);
	free(list(&n));
	CU_ASSERT_EQUAL(n, n0);
	gw_is(ctl_fib_lookup(&f, "172.20.1.1"), 0, "10.0.0.254");
	ctl_fake_fini(&f);
}

/*
 * A destination that is no prefix (a length past the family's, no family,
 * host bits as nfvpnctl and the policy refuse them) is refused, and the
 * RIB stays as it was: later changes still go through.
 */
static void test_bad_prefix(void)
{
	static const struct { uint8_t family; uint8_t len; const char *addr; } bad[] = {
		{ AF_INET, 33, "10.9.0.0" },
		{ AF_INET6, 129, "2001:db8:9::" },
		{ 0, 8, "10.0.0.0" },
		{ AF_INET, 8, "10.1.2.3" },
		{ AF_INET6, 32, "2001:db8::1" },
	};
	struct nfv_policy_route r;
	struct nfv_prefix p;
	uint64_t gen;
	uint32_t n0, n;

	setup();
	free(list(&n0));
	gen = f.dp.generation;
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		r = route("0.0.0.0/0", NULL, "p0");
		r.dst.addr = ctl_addr(bad[i].addr);
		r.dst.addr.family = bad[i].family;
		r.dst.len = bad[i].len;
		CTL_ERR(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r), -EINVAL, "prefix");
	}
	CU_ASSERT_EQUAL(f.dp.generation, gen);
	free(list(&n));
	CU_ASSERT_EQUAL(n, n0);
	/* the next change is applied */
	r = route("172.16.0.0/12", "192.168.1.254", NULL);
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	gw_is(ctl_fib_lookup(&f, "172.20.1.1"), 1, "192.168.1.254");
	p = ctl_prefix("172.16.0.0/12");
	CTL_OK(&f, c, NFV_MSG_ROUTE_DEL, &p, sizeof(p));
	/* a delete of such a prefix is refused as well */
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		p.addr = ctl_addr(bad[i].addr);
		p.addr.family = bad[i].family;
		p.len = bad[i].len;
		CTL_ERR(&f, c, NFV_MSG_ROUTE_DEL, &p, sizeof(p), -EINVAL, "prefix");
	}
	CU_ASSERT_EQUAL(f.dp.generation, gen + 2);
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_routes", NULL, NULL,
		{ "start-up: addresses' local and connected routes, policy routes", test_init },
		{ "ROUTE_ADD, replace, ROUTE_DEL: listing, generation, FIB", test_add_del },
		{ "bad port, no on-link gateway, no such route: nothing changes", test_refused },
		{ "a bad prefix is refused and leaves the RIB usable", test_bad_prefix });
	return nfv_test_run();
}
