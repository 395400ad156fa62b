/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routing: longest prefix, default routes, IPv4 and IPv6, replace, delete;
 * the RIB's batches, its two FIB copies, next-hop table and prefix index.
 */
#include <arpa/inet.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <rte_fib.h>

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
	CU_ASSERT_EQUAL(nfv_rib_nh_count(&rib), 4);
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
	CU_ASSERT_EQUAL(nfv_rib_nh_count(&rib), 1);
	nfv_rib_fini(&rib);
}

/* The next-hop index of dst in one FIB copy. */
static uint64_t lookup_in(const struct nfv_fib_snap *s, uint32_t a4_host)
{
	uint32_t be = htonl(a4_host);
	uint64_t nh = UINT64_MAX;

	nfv_fib4_lookup(s, &be, &nh, 1);
	return nh;
}

/* Both copies route every probe the same way, to the same next hop. */
static bool copies_agree(const struct nfv_rib *rib, uint32_t first, unsigned int n,
			 uint32_t step)
{
	for (unsigned int i = 0; i < n; i++) {
		uint32_t a = first + i * step;
		uint64_t x = lookup_in(rib->copy[0], a), y = lookup_in(rib->copy[1], a);

		if (x != y || memcmp(&rib->copy[0]->nh[x], &rib->copy[1]->nh[y],
				     sizeof(rib->copy[0]->nh[0])) != 0)
			return false;
	}
	return true;
}

static struct nfv_prefix pfx24(uint32_t i)
{
	struct nfv_prefix p = { .len = 24 };
	uint32_t a = htonl(0x0B000000u + (i << 8));

	p.addr.family = AF_INET;
	memcpy(p.addr.bytes, &a, 4);
	return p;
}

static int del24(struct nfv_rib *rib, uint32_t i)
{
	struct nfv_prefix p = pfx24(i);

	return nfv_rib_del(rib, &p);
}

static struct nfv_route route24(uint32_t i, uint32_t gw_host, uint16_t port)
{
	struct nfv_route r = { .port = port, .has_via = true };
	uint32_t a = htonl(0x0B000000u + (i << 8)), g = htonl(gw_host);

	r.dst.addr.family = AF_INET;
	r.dst.len = 24;
	memcpy(r.dst.addr.bytes, &a, 4);
	r.via.family = AF_INET;
	memcpy(r.via.bytes, &g, 4);
	return r;
}

/*
 * Changes reach the copy workers do not read; the commit publishes them at
 * once and replays them, so both copies agree after it.
 */
static void test_batch(void)
{
	struct nfv_fib_snap *fib = NULL, *before;
	struct nfv_rib rib;
	struct nfv_route r;

	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	for (uint32_t i = 0; i < 3000; i++) {
		r = route24(i, 0x0A000002 + i % 3, 0);
		CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	}
	before = fib;
	CU_ASSERT(nfv_rib_pending(&rib));
	/* not published yet: the workers' copy routes nothing */
	CU_ASSERT_EQUAL(lookup_in(fib, 0x0B000001), 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT_FALSE(nfv_rib_pending(&rib));
	CU_ASSERT(fib != before);
	CU_ASSERT_EQUAL(rib.commits, 1);
	CU_ASSERT(copies_agree(&rib, 0x0B000001, 3000, 256));
	CU_ASSERT_EQUAL(nfv_rib_nh_count(&rib), 3);
	gw_is(lookup(&rib, "11.0.5.1"), "10.0.0.4");

	/* a batch of replaces and deletes; a deleted prefix added back */
	for (uint32_t i = 0; i < 3000; i += 2) {
		r = route24(i, 0x0A000009, 1);
		CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	}
	for (uint32_t i = 1; i < 3000; i += 4)
		CU_ASSERT_FATAL(del24(&rib, i) == 0);
	r = route24(1, 0x0A000007, 2);
	CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	/* the workers still see the first batch whole */
	gw_is(lookup(&rib, "11.0.0.1"), "10.0.0.2");
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT(copies_agree(&rib, 0x0B000001, 3000, 256));
	gw_is(lookup(&rib, "11.0.0.1"), "10.0.0.9");
	gw_is(lookup(&rib, "11.0.1.1"), "10.0.0.7");
	CU_ASSERT_EQUAL(lookup(&rib, "11.0.5.1")->type, NFV_NH_NONE);
	gw_is(lookup(&rib, "11.0.3.1"), "10.0.0.2");
	CU_ASSERT_EQUAL(rib.nb_routes, 3000 - 750 + 1);
	/* 10.0.0.2-4 (odd prefixes left), 10.0.0.9, 10.0.0.7 */
	CU_ASSERT_EQUAL(nfv_rib_nh_count(&rib), 5);
	/* nothing changed, nothing published */
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT_EQUAL(rib.commits, 2);
	CU_ASSERT_EQUAL(rib.rebuilds, 0);
	nfv_rib_fini(&rib);
}

/*
 * Next hops: shared and counted; released indexes come back; the table
 * holds what a 2-byte DIR24_8 next hop can name, and a route past that is
 * refused with the RIB and the FIB left as they were.
 */
static void test_nexthops(void)
{
	struct nfv_fib_snap *fib = NULL;
	struct nfv_rib rib;
	struct nfv_route r;
	uint32_t i, high;

	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	for (i = 0; i < NFV_RIB_NH_MAX; i++) {
		r = route24(i, 0x0A000000 + i, 0);	/* a gateway each */
		CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	}
	CU_ASSERT_EQUAL(nfv_rib_nh_count(&rib), NFV_RIB_NH_MAX);
	r = route24(i, 0x0A000000 + i, 0);
	CU_ASSERT_EQUAL(nfv_rib_add(&rib, &r), -ENOSPC);
	CU_ASSERT_PTR_NULL(nfv_rib_find(&rib, &r.dst));
	CU_ASSERT_EQUAL(rib.nb_routes, NFV_RIB_NH_MAX);
	/* one that shares a next hop still goes in */
	r = route24(i, 0x0A000005, 0);
	CU_ASSERT_EQUAL(nfv_rib_add(&rib, &r), 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT(fib->nb_nh <= NFV_RIB_NH_MAX + 1);
	CU_ASSERT(copies_agree(&rib, 0x0B000001, NFV_RIB_NH_MAX + 2, 256));
	gw_is(lookup(&rib, "11.0.5.1"), "10.0.0.5");
	CU_ASSERT(lookup_in(fib, 0x0B000501) == lookup_in(fib, 0x0B000000 + (i << 8) + 1));

	/* a replace releases its next hop in the same batch: it is reused */
	high = fib->nb_nh;
	r = route24(7, 0x0C000001, 0);
	CU_ASSERT_EQUAL(nfv_rib_add(&rib, &r), -ENOSPC);	/* full: 10.0.0.7 still held */
	CU_ASSERT_FATAL(del24(&rib, 7) == 0);
	CU_ASSERT_EQUAL(nfv_rib_add(&rib, &r), 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT_EQUAL(fib->nb_nh, high);
	gw_is(lookup(&rib, "11.0.7.1"), "12.0.0.1");
	CU_ASSERT(copies_agree(&rib, 0x0B000001, NFV_RIB_NH_MAX + 2, 256));

	/* all routes gone: no next hop left */
	for (i = 0; i <= NFV_RIB_NH_MAX; i++)
		CU_ASSERT_FATAL(del24(&rib, i) == 0);
	CU_ASSERT_EQUAL(nfv_rib_nh_count(&rib), 0);
	CU_ASSERT_EQUAL(rib.nb_routes, 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT_EQUAL(lookup(&rib, "11.0.7.1")->type, NFV_NH_NONE);
	nfv_rib_fini(&rib);
}

/*
 * The prefix index: find after many adds and deletes (its table grows and
 * drops deleted slots), the listing keeps its order rule (a delete moves
 * the last route into the hole), a FIB that runs out of tbl8 groups
 * refuses the route and changes nothing.
 */
static void test_index(void)
{
	struct nfv_fib_snap *fib = NULL;
	struct nfv_rib rib;
	struct nfv_route r;
	int ret = 0;
	uint32_t i;

	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	for (i = 0; i < 60000; i++) {
		r = route24(i, 0x0A000002, 0);
		CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	}
	for (unsigned int round = 0; round < 3; round++) {
		for (i = round; i < 60000; i += 3)
			CU_ASSERT_FATAL(del24(&rib, i) == 0);
		for (i = round; i < 60000; i += 3) {
			r = route24(i, 0x0A000003, 0);
			CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
		}
	}
	CU_ASSERT_EQUAL(rib.nb_routes, 60000);
	for (i = 0; i < 60000; i++) {
		struct nfv_prefix p = pfx24(i);
		const struct nfv_route *f = nfv_rib_find(&rib, &p);

		if (f == NULL || f->via.bytes[3] != 3) {
			CU_FAIL("a route is missing or old");
			break;
		}
	}
	/* the listing's order: the last route takes a deleted one's place */
	r = rib.routes[rib.nb_routes - 1];
	CU_ASSERT_FATAL(nfv_rib_del(&rib, &rib.routes[0].dst) == 0);
	CU_ASSERT_EQUAL(memcmp(&rib.routes[0], &r, sizeof(r)), 0);
	CU_ASSERT_PTR_EQUAL(nfv_rib_find(&rib, &r.dst), &rib.routes[0]);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT(copies_agree(&rib, 0x0B000001, 60000, 256));
	nfv_rib_fini(&rib);

	/* /25s need a tbl8 group each: 4096 of them */
	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	for (i = 0; i < 5000 && ret == 0; i++) {
		r = route24(i, 0x0A000002, 0);
		r.dst.len = 25;
		ret = nfv_rib_add(&rib, &r);
	}
	CU_ASSERT_EQUAL(ret, -ENOSPC);
	CU_ASSERT_EQUAL(rib.nb_routes, i - 1);
	CU_ASSERT_PTR_NULL(nfv_rib_find(&rib, &r.dst));
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT(copies_agree(&rib, 0x0B000001, 5000, 256));
	CU_ASSERT_EQUAL(lookup_in(fib, 0x0B000000 + ((i - 1) << 8) + 1), 0);
	CU_ASSERT_EQUAL(rib.rebuilds, 0);
	nfv_rib_fini(&rib);
}

/*
 * A replay that fails (here: the workers' copy lost a route and got a
 * stray one behind the RIB's back) fills that copy again from the RIB.
 */
static void test_replay_fails(void)
{
	struct nfv_fib_snap *fib = NULL, *other;
	struct nfv_rib rib;
	struct nfv_route r;

	CU_ASSERT_FATAL(nfv_rib_init(&rib, rcu, &fib) == 0);
	r = route("0.0.0.0/0", "10.0.0.254", 0);
	CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	r = route("2001:db8::/32", "2001:db8::fffe", 0);
	CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	r = route("::/0", "2001:db8::fffd", 0);
	CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	r = route24(1, 0x0A000002, 0);
	CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	other = rib.copy[rib.shadow ^ 1];
	CU_ASSERT_FATAL(other == fib);
	CU_ASSERT_FATAL(rte_fib_delete(other->v4, 0x0B000100, 24) == 0);
	CU_ASSERT_FATAL(rte_fib_add(other->v4, 0x0C000000, 24, 1) == 0);

	/* the replay's delete of 11.0.1.0/24 fails on the published copy */
	CU_ASSERT_FATAL(del24(&rib, 1) == 0);
	r = route("192.0.2.0/24", "10.0.0.9", 0);
	CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT_EQUAL(rib.rebuilds, 1);
	CU_ASSERT_FALSE(rib.stale);
	CU_ASSERT(copies_agree(&rib, 0x0B000001, 4, 256));
	CU_ASSERT(copies_agree(&rib, 0x0C000001, 4, 256));
	CU_ASSERT(copies_agree(&rib, 0xC0000201, 4, 64));
	/* the next commit publishes the filled copy: the RIB's routes */
	r = route("198.51.100.0/24", "10.0.0.8", 0);
	CU_ASSERT_FATAL(nfv_rib_add(&rib, &r) == 0);
	CU_ASSERT_FATAL(nfv_rib_commit(&rib) == 0);
	CU_ASSERT_PTR_EQUAL(fib, other);
	gw_is(lookup(&rib, "12.0.0.1"), "10.0.0.254");
	gw_is(lookup(&rib, "11.0.1.1"), "10.0.0.254");
	gw_is(lookup(&rib, "192.0.2.1"), "10.0.0.9");
	gw_is(lookup(&rib, "198.51.100.1"), "10.0.0.8");
	gw_is(lookup(&rib, "2001:db8:5::1"), "2001:db8::fffe");
	gw_is(lookup(&rib, "2001:db9::1"), "2001:db8::fffd");
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
		{ "10,000 routes", test_many },
		{ "changes are published by the commit; both copies agree", test_batch },
		{ "next hops: shared, counted, reused, limited to the 2-byte index", test_nexthops },
		{ "prefix index, listing order, tbl8 groups run out", test_index },
		{ "a failed replay builds the copy again", test_replay_fails });
	return nfv_test_run();
}
