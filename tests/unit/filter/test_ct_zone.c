/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conntrack zones (ct zone set, ct zone), as the kernel's
 * nft_ct_set_zone_eval(), resolve_normal_ct() and nf_ct_zone_equal():
 * the zone is part of each direction's key, a template set before
 * conntrack chooses it, the first template wins, a tracked packet is left
 * alone, `ct original zone set` gives the reply direction zone 0, ICMP
 * errors are related in their template's zone, and what the rules read.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>

#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ct_priv.h"
#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define HZ 1000
#define DROP NFV_DROP_REASON(NFV_DR_FILTER_RULE)

static struct nfv_ct_table *ct_new(void)
{
	static int n;
	char name[32];
	struct nfv_ct_config cfg = { .max = 64, .hz = HZ, .socket = 0 };
	struct nfv_ct_table *t;

	snprintf(name, sizeof(name), "ctz%d", n++);
	t = nfv_ct_table_create(name, &cfg);
	CU_ASSERT_FATAL(t != NULL);
	return t;
}

/* 10.0.0.1:5000 -> 10.0.0.2:53, or its reply; mark picks the raw rule */
static struct tp udp(bool reply, uint32_t mark)
{
	struct tp d = { .proto = IPPROTO_UDP, .src = "10.0.0.1", .dst = "10.0.0.2",
			.sport = 5000, .dport = 53, .mark = mark };

	if (reply)
		d = (struct tp){ .proto = IPPROTO_UDP, .src = "10.0.0.2", .dst = "10.0.0.1",
				 .sport = 53, .dport = 5000, .mark = mark };
	return d;
}

/* The raw chain every test runs before conntrack: a zone by meta mark. */
static const char raw_text[] =
	"table inet r { chain c { type filter hook prerouting priority raw; policy accept;\n"
	" meta mark 1 ct zone set 1\n"
	" meta mark 2 ct zone set 2\n"
	" meta mark 3 ct original zone set 5\n"
	" meta mark 4 ct reply zone set 6\n"
	" meta mark 7 ct zone set 1 ct zone set 2\n"
	" meta mark 8 notrack ct zone set 1\n"
	" meta mark 9 ct zone set 1 notrack\n"
	" meta mark 10 ct zone set meta mark map { 10 : 700 }\n }\n}";

struct zone_env {
	struct nfv_ct_table *t;
	struct nfv_filter_ruleset *raw;
};

/* d through the raw chain and conntrack at PRE_ROUTING (then confirmed);
 * its connection, NULL when it has none; *info its ct_info */
static struct nfv_ct *zone_track(struct zone_env *e, struct tp d, uint64_t now, int *info)
{
	struct rte_mbuf *m = tp_build(&d);
	struct nfv_ct *ct;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(ft_run(e->raw, NFV_INET_PRE_ROUTING, -300, m, now), NFV_ACCEPT);
	ft_ct(e->t, m, now);
	ct = nfv_mbuf_meta(m)->ct;
	if (info != NULL)
		*info = nfv_mbuf_meta(m)->ct_info;
	rte_pktmbuf_free(m);
	return ct;
}

static void zone_env_init(struct zone_env *e)
{
	e->t = ct_new();
	e->raw = ft_ruleset(raw_text);
}

static void zone_env_fini(struct zone_env *e)
{
	nfv_filter_ruleset_free(e->raw);
	nfv_ct_table_destroy(e->t);
}

/* The zone is in the key: its hash and compare see it. */
static void test_zone_in_key(void)
{
	struct nfv_ct_tuple a = { .family = AF_INET, .proto = IPPROTO_UDP, .sport = 1,
				  .dport = 2 }, b;

	b = a;
	b.zone = 1;
	CU_ASSERT_NOT_EQUAL(ct_tuple_hash(&a), ct_tuple_hash(&b));
	CU_ASSERT_NOT_EQUAL(ct_tuple_cmp(&a, &b), 0);
	b.zone = 0;
	CU_ASSERT_EQUAL(ct_tuple_hash(&a), ct_tuple_hash(&b));
	CU_ASSERT_EQUAL(ct_tuple_cmp(&a, &b), 0);
	/* nf_ct_zone_id() of a template, by direction */
	CU_ASSERT_EQUAL(nfv_ct_tmpl_zone(NFV_CT_ZONE_TMPL(7, NFV_CT_ZONE_DIRS), 0), 7);
	CU_ASSERT_EQUAL(nfv_ct_tmpl_zone(NFV_CT_ZONE_TMPL(7, NFV_CT_ZONE_DIRS), 1), 7);
	CU_ASSERT_EQUAL(nfv_ct_tmpl_zone(NFV_CT_ZONE_TMPL(7, NFV_CT_ZONE_DIR_ORIG), 1), 0);
	CU_ASSERT_EQUAL(nfv_ct_tmpl_zone(NFV_CT_ZONE_TMPL(7, NFV_CT_ZONE_DIR_REPL), 0), 0);
	CU_ASSERT_EQUAL(nfv_ct_tmpl_zone(0, 0), 0);
}

/*
 * One tuple, three zones: three connections, each packet finds its own,
 * replies in the same zone are ESTABLISHED_REPLY of it, a reply in
 * another zone finds nothing of the others.
 */
static void test_zones_apart(void)
{
	struct zone_env e;
	struct nfv_ct *c0, *c1, *c2;
	int info;

	zone_env_init(&e);
	c0 = zone_track(&e, udp(0, 0), 0, &info);
	CU_ASSERT_EQUAL(info, IP_CT_NEW);
	c1 = zone_track(&e, udp(0, 1), 1, &info);
	CU_ASSERT_EQUAL(info, IP_CT_NEW);
	c2 = zone_track(&e, udp(0, 2), 2, &info);
	CU_ASSERT_EQUAL(info, IP_CT_NEW);
	CU_ASSERT_FATAL(c0 != NULL && c1 != NULL && c2 != NULL);
	CU_ASSERT(c0 != c1 && c1 != c2 && c0 != c2);
	CU_ASSERT_EQUAL(nfv_ct_count(e.t), 3);
	CU_ASSERT_EQUAL(nfv_ct_zone(c0), 0);
	CU_ASSERT_EQUAL(nfv_ct_zone(c1), 1);
	CU_ASSERT_EQUAL(c1->tuple[0].zone, 1);
	CU_ASSERT_EQUAL(c1->tuple[1].zone, 1);
	CU_ASSERT_EQUAL(nfv_ct_zone(c2), 2);
	/* again: the same connections, found (through the worker's cache too) */
	CU_ASSERT_PTR_EQUAL(zone_track(&e, udp(0, 1), 3, NULL), c1);
	CU_ASSERT_PTR_EQUAL(zone_track(&e, udp(0, 1), 4, NULL), c1);
	CU_ASSERT_PTR_EQUAL(zone_track(&e, udp(0, 0), 5, NULL), c0);
	/* the reply in zone 2 is zone 2's */
	CU_ASSERT_PTR_EQUAL(zone_track(&e, udp(1, 2), 6, &info), c2);
	CU_ASSERT_EQUAL(info, IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT(c2->status & IPS_SEEN_REPLY);
	CU_ASSERT(!(c1->status & IPS_SEEN_REPLY) && !(c0->status & IPS_SEEN_REPLY));
	/* a zone no connection has: a new one */
	CU_ASSERT_PTR_NOT_NULL(zone_track(&e, udp(0, 10), 7, &info));
	CU_ASSERT_EQUAL(info, IP_CT_NEW);
	CU_ASSERT_EQUAL(nfv_ct_count(e.t), 4);
	zone_env_fini(&e);
}

/*
 * The first template wins (nf_ct_get() returns it: the second ct zone set
 * is ignored); notrack after it is ignored, and a template after notrack
 * tracks the packet.
 */
static void test_template_rules(void)
{
	struct zone_env e;
	struct nfv_ct *ct;
	int info;

	zone_env_init(&e);
	ct = zone_track(&e, udp(0, 7), 0, &info);
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(nfv_ct_zone(ct), 1);
	ct = zone_track(&e, udp(0, 8), 1, &info);
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(nfv_ct_zone(ct), 1);
	ct = zone_track(&e, udp(0, 9), 2, &info);
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(nfv_ct_zone(ct), 1);
	/* the zone from a register (a map) */
	ct = zone_track(&e, udp(0, 10), 3, &info);
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(nfv_ct_zone(ct), 700);
	zone_env_fini(&e);
}

/*
 * ct original zone set 5: the original tuple in zone 5, the reply in 0;
 * a reply packet with the same template finds it by the second lookup
 * (the reply zone), and so does one with none (zone 0 both ways), as the
 * kernel's resolve_normal_ct(); ct reply zone set 6 the other way round.
 */
static void test_zone_directions(void)
{
	struct zone_env e;
	struct nfv_ct *ct, *r;
	struct tp d;
	int info;

	zone_env_init(&e);
	ct = zone_track(&e, udp(0, 3), 0, &info);
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(ct->tuple[0].zone, 5);
	CU_ASSERT_EQUAL(ct->tuple[1].zone, 0);
	CU_ASSERT_EQUAL(nfv_ct_zone(ct), 5);
	CU_ASSERT_PTR_EQUAL(zone_track(&e, udp(0, 3), 1, &info), ct);
	CU_ASSERT_EQUAL(info, IP_CT_NEW);
	CU_ASSERT_PTR_EQUAL(zone_track(&e, udp(1, 3), 2, &info), ct);
	CU_ASSERT_EQUAL(info, IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT_PTR_EQUAL(zone_track(&e, udp(1, 0), 3, &info), ct);
	CU_ASSERT_EQUAL(info, IP_CT_ESTABLISHED_REPLY);
	/* the original without the template: zone 0, whose reply key is the
	 * zone-5 connection's reply key: a clash, dropped as at confirm */
	CU_ASSERT_PTR_NULL(zone_track(&e, udp(0, 0), 4, NULL));
	CU_ASSERT_EQUAL(nfv_ct_count(e.t), 1);
	/* ct reply zone set 6 on the reply's tuple: its key in zone 0 is the
	 * zone-5 connection's reply key, refused as a clash (the kernel,
	 * whose keys compare the zone of their direction, would keep both:
	 * docs/filter.md) */
	CU_ASSERT_PTR_NULL(zone_track(&e, udp(1, 4), 5, NULL));
	/* on another tuple: a new connection, the reply in zone 6 */
	d = udp(1, 4);
	d.sport = 54;
	r = zone_track(&e, d, 5, &info);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(info, IP_CT_NEW);
	CU_ASSERT_EQUAL(r->tuple[0].zone, 0);
	CU_ASSERT_EQUAL(r->tuple[1].zone, 6);
	CU_ASSERT_EQUAL(nfv_ct_zone(r), 6);
	CU_ASSERT_PTR_EQUAL(zone_track(&e, d, 6, &info), r);
	CU_ASSERT_EQUAL(info, IP_CT_NEW);
	/* its reply, with the template or without: zone 6 is the reply's
	 * only with it */
	d = (struct tp){ .proto = IPPROTO_UDP, .src = "10.0.0.1", .dst = "10.0.0.2",
			 .sport = 5000, .dport = 54, .mark = 4 };
	CU_ASSERT_PTR_EQUAL(zone_track(&e, d, 7, &info), r);
	CU_ASSERT_EQUAL(info, IP_CT_ESTABLISHED_REPLY);
	d.mark = 0;
	CU_ASSERT_PTR_NOT_EQUAL(zone_track(&e, d, 8, &info), r);
	zone_env_fini(&e);
}

/* An ICMP error is related in its template's zone only. */
static void test_zone_related(void)
{
	struct zone_env e;
	struct tp d = udp(0, 1);
	struct rte_mbuf *orig = tp_build(&d);
	struct tp err = { .proto = IPPROTO_ICMP, .type = 3, .code = 3,
			  .src = "10.0.0.2", .dst = "10.0.0.1", .quote = orig };
	struct nfv_ct *ct;
	int info;

	zone_env_init(&e);
	CU_ASSERT_FATAL(orig != NULL);
	ct = zone_track(&e, d, 0, NULL);
	CU_ASSERT_FATAL(ct != NULL);
	err.mark = 1;
	CU_ASSERT_PTR_EQUAL(zone_track(&e, err, 1, &info), ct);
	CU_ASSERT_EQUAL(info, IP_CT_RELATED + IP_CT_IS_REPLY);
	err.mark = 0;
	CU_ASSERT_PTR_NULL(zone_track(&e, err, 2, NULL));
	err.mark = 2;
	CU_ASSERT_PTR_NULL(zone_track(&e, err, 3, NULL));
	rte_pktmbuf_free(orig);
	zone_env_fini(&e);
}

/*
 * What the rules read: ct zone (the connection's, zone->id), ct original
 * / reply zone (nf_ct_zone_id() of the direction); before conntrack a
 * template reads as ct state new and no other key (the kernel bails out
 * on a template), and at a hook after conntrack ct zone set marks an
 * untracked packet only, its next hop left as it was.
 */
static void test_zone_keys(void)
{
	struct zone_env e;
	struct nfv_filter_ruleset *in = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0; policy accept;\n"
		" meta mark 1 ct zone 1 ct original zone 1 ct reply zone 1 drop\n"
		" meta mark 3 ct zone 5 ct original zone 5 ct reply zone 0 drop\n"
		" meta mark 4 ct zone 6 ct original zone 0 ct reply zone 6 drop\n"
		" meta mark 0 ct zone 0 drop\n }\n}");
	struct nfv_filter_ruleset *raw2 = ft_ruleset(
		"table inet r2 { chain c { type filter hook prerouting priority -250; policy accept;\n"
		" ct state new meta mark set 21\n"
		" ct zone 1 meta mark set 22\n"
		" ct zone 0 meta mark set 23\n }\n}");
	struct nfv_filter_ruleset *fwd = ft_ruleset(
		"table inet f { chain c { type filter hook forward priority 0; policy accept;\n"
		" ct state invalid ct zone set 9\n"
		" ct state new meta mark set 31\n }\n}");
	static const uint32_t marks[] = { 1, 3, 4, 0 };
	struct rte_mbuf *m;
	struct tp d;

	zone_env_init(&e);
	CU_ASSERT_FATAL(in != NULL && raw2 != NULL && fwd != NULL);
	for (unsigned int k = 0; k < RTE_DIM(marks); k++) {
		d = udp(k == 2, marks[k]);	/* ct reply zone set 6: the reply's tuple */
		d.sport += k;
		m = tp_build(&d);
		CU_ASSERT_FATAL(m != NULL);
		ft_run(e.raw, NFV_INET_PRE_ROUTING, -300, m, k);
		ft_ct(e.t, m, k);
		CU_ASSERT_PTR_NOT_NULL(nfv_mbuf_meta(m)->ct);
		CU_ASSERT_EQUAL(ft_run(in, NFV_INET_LOCAL_IN, 0, m, k), DROP);
		rte_pktmbuf_free(m);
	}
	/* before conntrack: ct state new, and ct zone matches nothing */
	d = udp(0, 1);
	m = tp_build(&d);
	CU_ASSERT_FATAL(m != NULL);
	ft_run(e.raw, NFV_INET_PRE_ROUTING, -300, m, 10);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->ct_info, NFV_CT_TEMPLATE);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->nexthop, NFV_CT_ZONE_TMPL(1, NFV_CT_ZONE_DIRS));
	ft_run(raw2, NFV_INET_PRE_ROUTING, -250, m, 10);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->mark, 21);
	ft_ct(e.t, m, 10);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->ct_info, IP_CT_NEW);
	rte_pktmbuf_free(m);
	/* after conntrack, an invalid packet (an ICMP echo reply that no
	 * request made): marked as the template makes it, ct state new; its
	 * route (next hop) kept */
	d = (struct tp){ .proto = IPPROTO_ICMP, .type = 0, .dport = 9, .src = "10.0.0.7",
			 .dst = "10.0.0.1" };
	m = tp_build(&d);
	CU_ASSERT_FATAL(m != NULL);
	ft_ct(e.t, m, 11);
	CU_ASSERT_PTR_NULL(nfv_mbuf_meta(m)->ct);
	nfv_mbuf_meta(m)->nexthop = 1234;
	CU_ASSERT_EQUAL(ft_run(fwd, NFV_INET_FORWARD, 0, m, 11), NFV_ACCEPT);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->ct_info, NFV_CT_TEMPLATE);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->nexthop, 1234);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->mark, 31);
	rte_pktmbuf_free(m);
	/* a tracked packet is left alone */
	d = udp(0, 0);
	m = tp_build(&d);
	CU_ASSERT_FATAL(m != NULL);
	ft_ct(e.t, m, 12);
	CU_ASSERT_PTR_NOT_NULL(nfv_mbuf_meta(m)->ct);
	ft_run(e.raw, NFV_INET_PRE_ROUTING, -300, m, 12);
	CU_ASSERT_NOT_EQUAL(nfv_mbuf_meta(m)->ct_info, NFV_CT_TEMPLATE);
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(in);
	nfv_filter_ruleset_free(raw2);
	nfv_filter_ruleset_free(fwd);
	zone_env_fini(&e);
}

/* What the kernel refuses, refused here too: a direction on ct mark set. */
static void test_zone_compile(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	char err[512] = "";

	/* any hook and priority: the kernel takes ct zone set anywhere */
	rs = ft_ruleset("table ip t { chain c { type filter hook postrouting priority 100;\n"
			" ct zone set 3 ct original zone set 4 ct reply zone set 5\n }\n}");
	CU_ASSERT_PTR_NOT_NULL(rs);
	nfv_filter_ruleset_free(rs);
	rs = NULL;
	CU_ASSERT_NOT_EQUAL(ft_ruleset_from_text("table ip t { chain c { type filter hook input"
						 " priority 0;\n ct original mark set 1\n }\n}",
						 &cfg, &rs, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_ct_zone", NULL, NULL,
		{ "the zone is part of the key", test_zone_in_key },
		{ "one tuple in three zones: three connections", test_zones_apart },
		{ "the first template wins, notrack and templates", test_template_rules },
		{ "ct original/reply zone set: a zone per direction", test_zone_directions },
		{ "icmp errors related in their zone", test_zone_related },
		{ "ct zone keys, templates before and after conntrack", test_zone_keys },
		{ "ct zone set compiles at any hook", test_zone_compile });
	return nfv_test_run();
}
