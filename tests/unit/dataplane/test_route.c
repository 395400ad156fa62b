/* SPDX-License-Identifier: BSD-3-Clause */
/* Routing: longest prefix, default routes, IPv4 and IPv6, replace, delete. */
#include <arpa/inet.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/rtnetlink.h>

#include "nfv_hook_table.h"
#include "nfv_msg.h"
#include "nfv_test.h"
#include "fib.h"
#include "rib.h"

static struct nfv_hook_table *rcu;

static struct nfv_route route(const char *pfx, const char *via, uint16_t port)
{
	struct nfv_route r = { .port = port };

	CU_ASSERT_FATAL(nfv_prefix_parse(pfx, &r.dst) == 0);
	if (via != NULL) {
		CU_ASSERT_FATAL(nfv_addr_parse(via, &r.via) == 0);
		r.has_via = true;
	}
	return r;
}

/* The next hop that dst routes to, as (type, port, gateway text). */
static const struct nfv_nexthop *lookup(const struct nfv_rib *rib, const char *dst)
{
	struct nfv_addr a;
	uint64_t nh = 0;

	CU_ASSERT_FATAL(nfv_addr_parse(dst, &a) == 0);
	if (a.family == AF_INET) {
		uint32_t d;

		memcpy(&d, a.bytes, 4);
		nfv_fib4_lookup((*rib->pub), &d, &nh, 1);
	} else {
		nfv_fib6_lookup((*rib->pub), (const uint8_t (*)[16])a.bytes, &nh, 1);
	}
	CU_ASSERT_FATAL(nh < (*rib->pub)->nb_nh);
	return &(*rib->pub)->nh[nh];
}

/* What the filter's fib expression gets for dst: RTN_* and the port. */
static uint8_t filter_route(const struct nfv_rib *rib, const char *dst, uint16_t *port)
{
	struct nfv_addr a;

	CU_ASSERT_FATAL(nfv_addr_parse(dst, &a) == 0);
	*port = UINT16_MAX;
	return nfv_fib_filter_route(rib->pub, a.family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6,
				    a.bytes, port);
}

static void gw_is(const struct nfv_nexthop *nh, const char *gw)
{
	struct nfv_addr a;

	CU_ASSERT_FATAL(nfv_addr_parse(gw, &a) == 0);
	CU_ASSERT_EQUAL(nh->type, NFV_NH_FORWARD);
	CU_ASSERT(nh->has_gw);
	CU_ASSERT_EQUAL(memcmp(nh->gw, a.bytes, a.family == AF_INET ? 4 : 16), 0);
}

static void test_v4(void)
{
	struct nfv_fib_snap *fib = NULL;
	struct nfv_rib rib;
	struct nfv_route r;
	uint16_t port;

	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	/* nothing routes before any route exists */
	CU_ASSERT_EQUAL(lookup(&rib, "10.1.2.3")->type, NFV_NH_NONE);

	r = route("0.0.0.0/0", "10.0.0.254", 0);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("10.0.0.0/8", "10.0.0.1", 1);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("10.1.0.0/16", "10.0.0.2", 2);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("10.1.2.0/25", "10.0.0.3", 3);	/* past /24: a tbl8 */
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("10.1.2.3/32", NULL, 0);
	r.kind = NFV_ROUTE_LOCAL;
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("10.9.0.0/16", NULL, 0);
	r.kind = NFV_ROUTE_BLACKHOLE;
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);

	gw_is(lookup(&rib, "192.0.2.1"), "10.0.0.254");		/* default */
	gw_is(lookup(&rib, "10.200.0.1"), "10.0.0.1");		/* /8 */
	gw_is(lookup(&rib, "10.1.255.255"), "10.0.0.2");	/* /16 */
	gw_is(lookup(&rib, "10.1.2.127"), "10.0.0.3");		/* /25 */
	gw_is(lookup(&rib, "10.1.2.128"), "10.0.0.2");		/* just past the /25 */
	CU_ASSERT_EQUAL(lookup(&rib, "10.1.2.3")->type, NFV_NH_LOCAL);
	gw_is(lookup(&rib, "10.1.2.4"), "10.0.0.3");
	CU_ASSERT_EQUAL(lookup(&rib, "10.9.1.1")->type, NFV_NH_BLACKHOLE);
	CU_ASSERT_EQUAL(lookup(&rib, "10.1.2.127")->port, 3);
	/* the fib expression's view (nfv_fib_filter_route) */
	CU_ASSERT_EQUAL(filter_route(&rib, "10.1.2.127", &port), RTN_UNICAST);
	CU_ASSERT_EQUAL(port, 3);
	CU_ASSERT_EQUAL(filter_route(&rib, "10.1.2.3", &port), RTN_LOCAL);
	CU_ASSERT_EQUAL(port, 0);
	CU_ASSERT_EQUAL(filter_route(&rib, "10.9.1.1", &port), RTN_BLACKHOLE);

	/* replace the /16, delete the /25 and the default */
	r = route("10.1.0.0/16", "10.0.0.7", 1);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("10.1.2.0/25", NULL, 0);
	CU_ASSERT(nfv_rib_del(&rib, &r.dst) == 0);
	CU_ASSERT(nfv_rib_del(&rib, &r.dst) == -ENOENT);
	r = route("0.0.0.0/0", NULL, 0);
	CU_ASSERT(nfv_rib_del(&rib, &r.dst) == 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	gw_is(lookup(&rib, "10.1.2.127"), "10.0.0.7");
	CU_ASSERT_EQUAL(lookup(&rib, "192.0.2.1")->type, NFV_NH_NONE);
	CU_ASSERT_EQUAL(filter_route(&rib, "192.0.2.1", &port), RTN_UNSPEC);
	/* next hops are shared: one per distinct gateway/port */
	CU_ASSERT_EQUAL((*rib.pub)->nb_nh, 1 + 4);
	nfv_rib_fini(&rib);
}

static void test_v6(void)
{
	struct nfv_fib_snap *fib = NULL;
	struct nfv_rib rib;
	struct nfv_route r;
	uint16_t port;

	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	r = route("::/0", "2001:db8::fffe", 0);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("2001:db8:100::/48", "2001:db8::2", 1);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("2001:db8:100:5::/64", "2001:db8::3", 1);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	r = route("2001:db8:100:5::77/128", NULL, 1);
	r.kind = NFV_ROUTE_LOCAL;
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	/* an IPv4 route must not leak into IPv6 lookups */
	r = route("0.0.0.0/0", "10.0.0.1", 2);
	CU_ASSERT(nfv_rib_add(&rib, &r) == 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);

	gw_is(lookup(&rib, "2001:db9::1"), "2001:db8::fffe");
	gw_is(lookup(&rib, "2001:db8:100:1::1"), "2001:db8::2");
	gw_is(lookup(&rib, "2001:db8:100:5::1"), "2001:db8::3");
	CU_ASSERT_EQUAL(lookup(&rib, "2001:db8:100:5::77")->type, NFV_NH_LOCAL);
	gw_is(lookup(&rib, "2001:db8:100:5::78"), "2001:db8::3");
	gw_is(lookup(&rib, "192.0.2.9"), "10.0.0.1");
	CU_ASSERT_EQUAL(filter_route(&rib, "2001:db8:100:5::77", &port), RTN_LOCAL);
	CU_ASSERT_EQUAL(port, 1);
	CU_ASSERT_EQUAL(filter_route(&rib, "2001:db8:100:5::78", &port), RTN_UNICAST);
	CU_ASSERT_EQUAL(port, 1);
	CU_ASSERT_EQUAL(filter_route(&rib, "2001:db9::1", &port), RTN_UNICAST);
	CU_ASSERT_EQUAL(port, 0);
	nfv_rib_fini(&rib);
}

static void test_many(void)
{
	struct nfv_fib_snap *fib = NULL;
	struct nfv_rib rib;

	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	/* 10,000 /24s and /28s through one gateway: still one next hop */
	for (unsigned int i = 0; i < 10000; i++) {
		char pfx[32];
		struct nfv_route r;

		snprintf(pfx, sizeof(pfx), "172.%u.%u.%u/%u", 16 + i / 4096, (i / 16) % 256,
			 (i % 16) * 16, i % 2 ? 28 : 24);
		if (i % 2 == 0)
			snprintf(pfx, sizeof(pfx), "100.%u.%u.0/24", i / 256, i % 256);
		r = route(pfx, "10.0.0.1", 0);
		CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	}
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	gw_is(lookup(&rib, "100.19.134.4"), "10.0.0.1");
	CU_ASSERT_EQUAL(lookup(&rib, "100.200.0.1")->type, NFV_NH_NONE);
	CU_ASSERT_EQUAL((*rib.pub)->nb_nh, 2);
	nfv_rib_fini(&rib);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	rcu = nfv_hook_table_create(1);
	if (rcu == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("route", NULL, NULL,
		{ "IPv4: longest prefix, default, local, blackhole, replace, delete", test_v4 },
		{ "IPv6: longest prefix, default, local; families apart", test_v6 },
		{ "10,000 routes", test_many });
	return nfv_test_run();
}
