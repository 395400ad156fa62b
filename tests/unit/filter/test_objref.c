/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named stateful objects and objref (expr/objref.c), as the kernel's
 * nft_objref: "counter name", "quota name", "limit name" and object maps
 * ("counter name ip saddr map @m"); one object's state for every rule that
 * names it and for every worker; the dump's values are where it starts;
 * what is refused. UDP of 72 bytes (20 + 8 + 44). The clock is
 * ft_clock_now's (1000 ticks a second).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_test.h"

#define HZ 1000

static const char ruleset[] =
	"table ip t {\n"
	"  counter c1 { packets 5 bytes 100 }\n"
	"  counter c2 { }\n"
	"  quota q1 { 200 bytes }\n"
	"  quota q2 { over 200 bytes used 100 bytes }\n"
	"  limit l1 { rate 1/hour burst 2 packets }\n"
	"  map cm { type ipv4_addr : counter; elements = { 10.0.0.1 : \"c1\", * : \"c2\" } }\n"
	"  map qm { type ipv4_addr : quota; elements = { 10.0.0.7 : \"q1\" } }\n"
	"  chain c {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	"    udp dport 1 counter name \"c1\"\n"
	"    udp dport 2 counter name \"c1\" drop\n"
	"    udp dport 3 counter name ip saddr map @cm\n"
	"    udp dport 4 quota name \"q1\" accept\n"
	"    udp dport 4 drop\n"
	"    udp dport 5 quota name \"q1\" accept\n"
	"    udp dport 5 drop\n"
	"    udp dport 6 quota name \"q2\" drop\n"
	"    udp dport 7 limit name \"l1\" accept\n"
	"    udp dport 7 drop\n"
	"    udp dport 8 limit name \"l1\" accept\n"
	"    udp dport 8 drop\n"
	"    udp dport 9 quota name ip saddr map @qm drop\n"
	"  }\n"
	"}\n";

static struct nfv_filter_ruleset *rs;

static uint32_t send_at(const char *src, uint16_t dport, uint64_t t)
{
	struct rte_mbuf *m = tp_build(&(struct tp){ .src = src, .dst = "10.9.9.9",
						   .proto = IPPROTO_UDP, .sport = 9,
						   .dport = dport, .payload = 44 });
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	v = ft_run(rs, NFV_INET_FORWARD, 0, m, t);
	rte_pktmbuf_free(m);
	return NFV_VERDICT(v);
}

static uint32_t pkt(const char *src, uint16_t dport)
{
	return send_at(src, dport, 1);
}

/* The object named, its values as the listing reads them. */
static struct nfv_filter_obj_info obj(const char *name)
{
	struct nfv_filter_obj_info info = { 0 };

	for (unsigned int i = 0; i < nfv_filter_obj_count(rs); i++) {
		CU_ASSERT_FATAL(nfv_filter_obj_get(rs, i, &info) == 0);
		if (strcmp(info.name, name) == 0)
			return info;
	}
	CU_FAIL("no such object");
	memset(&info, 0, sizeof(info));
	return info;
}

static void test_listing(void)
{
	struct nfv_filter_obj_info i;

	CU_ASSERT_EQUAL(nfv_filter_obj_count(rs), 5);
	i = obj("c1");
	CU_ASSERT_STRING_EQUAL(i.table, "t");
	CU_ASSERT_EQUAL(i.family, NFPROTO_IPV4);
	CU_ASSERT_EQUAL(i.type, NFT_OBJECT_COUNTER);
	CU_ASSERT_EQUAL(i.packets, 5);		/* the dump's values */
	CU_ASSERT_EQUAL(i.bytes, 100);
	CU_ASSERT_EQUAL(obj("q2").type, NFT_OBJECT_QUOTA);
	CU_ASSERT_EQUAL(obj("q2").bytes, 100);	/* used */
	CU_ASSERT_EQUAL(obj("l1").type, NFT_OBJECT_LIMIT);
	CU_ASSERT_EQUAL(nfv_filter_obj_get(rs, 5, &i), -ENOENT);
}

/* One counter for the two rules that name it. */
static void test_counter_shared(void)
{
	struct nfv_filter_obj_info before = obj("c1"), after;

	CU_ASSERT_EQUAL(pkt("10.0.0.9", 1), NFV_ACCEPT);
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 2), NFV_DROP);
	after = obj("c1");
	CU_ASSERT_EQUAL(after.packets, before.packets + 2);
	CU_ASSERT_EQUAL(after.bytes, before.bytes + 144);
}

/* The map's object by key; the catch-all for the others. */
static void test_counter_map(void)
{
	struct nfv_filter_obj_info c1 = obj("c1"), c2 = obj("c2");

	CU_ASSERT_EQUAL(pkt("10.0.0.1", 3), NFV_ACCEPT);
	CU_ASSERT_EQUAL(obj("c1").packets, c1.packets + 1);
	CU_ASSERT_EQUAL(obj("c2").packets, c2.packets);
	CU_ASSERT_EQUAL(pkt("10.0.0.2", 3), NFV_ACCEPT);
	CU_ASSERT_EQUAL(pkt("10.0.0.3", 3), NFV_ACCEPT);
	CU_ASSERT_EQUAL(obj("c1").packets, c1.packets + 1);
	CU_ASSERT_EQUAL(obj("c2").packets, c2.packets + 2);
	CU_ASSERT_EQUAL(obj("c2").bytes, c2.bytes + 144);
}

/* q1 (200 bytes) is consumed by both rules: the third packet reaches it. */
static void test_quota_shared(void)
{
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 4), NFV_ACCEPT);	/* 72 */
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 5), NFV_ACCEPT);	/* 144 */
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 4), NFV_DROP);		/* 216 */
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 5), NFV_DROP);
	CU_ASSERT_EQUAL(obj("q1").bytes, 200);	/* 288, shown as the kernel dumps it */
	/* over 200, 100 used: 172 under, 244 over */
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 6), NFV_ACCEPT);
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 6), NFV_DROP);
	/* a quota map: only 10.0.0.7 has one (q1, spent), others skip the rule */
	CU_ASSERT_EQUAL(pkt("10.0.0.8", 9), NFV_ACCEPT);
	CU_ASSERT_EQUAL(pkt("10.0.0.7", 9), NFV_ACCEPT);	/* q1 over: not "quota" */
}

/* nft reset: the values before, then 0; a spent quota passes again;
 * a limit has no reset. Runs after the quota test (q1 spent). */
static void test_reset(void)
{
	struct nfv_filter_obj_info before = obj("c1"), r;
	unsigned int i;

	CU_ASSERT(before.packets > 0);
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 4), NFV_DROP);		/* q1 spent */
	for (i = 0; i < nfv_filter_obj_count(rs); i++) {
		struct nfv_filter_obj_info g;

		CU_ASSERT_FATAL(nfv_filter_obj_get(rs, i, &g) == 0);
		if (g.type == NFT_OBJECT_LIMIT) {
			CU_ASSERT_EQUAL(nfv_filter_obj_reset(rs, i, &r), -EOPNOTSUPP);
			continue;
		}
		CU_ASSERT_FATAL(nfv_filter_obj_reset(rs, i, &r) == 0);
		CU_ASSERT_STRING_EQUAL(r.name, g.name);
		CU_ASSERT_EQUAL(r.packets, g.packets);	/* what it printed: before */
		CU_ASSERT_EQUAL(r.bytes, g.bytes);
	}
	CU_ASSERT_EQUAL(obj("c1").packets, 0);
	CU_ASSERT_EQUAL(obj("c1").bytes, 0);
	CU_ASSERT_EQUAL(obj("q1").bytes, 0);
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 4), NFV_ACCEPT);	/* q1 again: 72 of 200 */
	CU_ASSERT_EQUAL(obj("q1").bytes, 72);
	CU_ASSERT_EQUAL(pkt("10.0.0.9", 1), NFV_ACCEPT);
	CU_ASSERT_EQUAL(obj("c1").packets, 1);
	CU_ASSERT_EQUAL(nfv_filter_obj_reset(rs, nfv_filter_obj_count(rs), &r), -ENOENT);
}

/* burst 2 for the two rules together, then 1 an hour */
static void test_limit_shared(void)
{
	uint64_t t = 100 * HZ;

	CU_ASSERT_EQUAL(send_at("10.0.0.9", 7, t), NFV_ACCEPT);
	CU_ASSERT_EQUAL(send_at("10.0.0.9", 8, t + 1), NFV_ACCEPT);
	CU_ASSERT_EQUAL(send_at("10.0.0.9", 7, t + 2), NFV_DROP);
	CU_ASSERT_EQUAL(send_at("10.0.0.9", 8, t + 3), NFV_DROP);
	CU_ASSERT_EQUAL(send_at("10.0.0.9", 8, t + 3600 * HZ), NFV_ACCEPT);
}

/* A quota map's object under "quota name": q1 spent means no match. */
static void test_quota_map_under(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *r = NULL;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(ft_ruleset_from_text(
		"table ip t {\n quota q { 100 bytes }\n"
		" map m { type ipv4_addr : quota; elements = { 10.0.0.7 : \"q\" } }\n"
		" chain c {\n  type filter hook forward priority 0;\n"
		"  quota name ip saddr map @m accept\n  drop\n }\n}\n", &cfg, &r, err,
		sizeof(err)), 0);
	rs = r;
	CU_ASSERT_EQUAL(pkt("10.0.0.7", 1), NFV_ACCEPT);	/* 72 */
	CU_ASSERT_EQUAL(pkt("10.0.0.7", 1), NFV_DROP);		/* 144: spent */
	CU_ASSERT_EQUAL(pkt("10.0.0.6", 1), NFV_DROP);		/* no element */
	nfv_filter_ruleset_free(r);
	rs = NULL;
}

/* Two workers at once on one counter and one quota: no update lost. */
struct worker_arg {
	struct nfv_filter_ruleset *rs;
	unsigned int worker;
	unsigned int accepted;
};

static void *worker(void *p)
{
	struct worker_arg *a = p;
	struct rte_mbuf *m = tp_build(&(struct tp){ .src = "10.0.0.1", .dst = "10.9.9.9",
						   .proto = IPPROTO_UDP, .sport = 9,
						   .dport = 1, .payload = 44 });
	struct nfv_hook_state st = { .now = 1, .worker = a->worker, .hook = NFV_INET_FORWARD,
				     .table = ft_table };

	for (int k = 0; m != NULL && k < 20000; k++) {
		uint32_t v;

		nfv_filter_ruleset_run(a->rs, 0, &m, 1, &v, &st);
		a->accepted += NFV_VERDICT(v) == NFV_ACCEPT;
	}
	rte_pktmbuf_free(m);
	return NULL;
}

static void test_two_workers(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *r = NULL;
	struct worker_arg a[2];
	pthread_t th[2];
	char err[512];

	cfg.nb_workers = 2;
	CU_ASSERT_EQUAL_FATAL(ft_ruleset_from_text(
		"table ip t {\n counter c { }\n quota q { 720000 bytes }\n"
		" chain c {\n  type filter hook forward priority 0;\n"
		"  counter name \"c\" quota name \"q\" accept\n  drop\n }\n}\n", &cfg, &r, err,
		sizeof(err)), 0);
	for (unsigned int w = 0; w < 2; w++) {
		a[w] = (struct worker_arg){ .rs = r, .worker = w };
		CU_ASSERT_FATAL(pthread_create(&th[w], NULL, worker, &a[w]) == 0);
	}
	for (unsigned int w = 0; w < 2; w++)
		pthread_join(th[w], NULL);
	rs = r;
	CU_ASSERT_EQUAL(obj("c").packets, 40000);
	CU_ASSERT_EQUAL(obj("c").bytes, 40000 * 72);
	/* 720000 bytes: 9,999 packets under it, the 10,000th reaches it */
	CU_ASSERT_EQUAL(a[0].accepted + a[1].accepted, 9999);
	nfv_filter_ruleset_free(r);
	rs = NULL;
}

static void test_refused(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *bad = NULL;
	char err[512];

	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip t {\n ct helper h { type \"ftp\" protocol tcp; }\n"
		" chain c {\n  type filter hook forward priority 0;\n"
		"  tcp dport 21 ct helper set \"h\"\n }\n}\n", &cfg, &bad, err, sizeof(err)),
		-EOPNOTSUPP);
	CU_ASSERT(strstr(err, "a named ct helper object is not supported") != NULL);
	/* an object of another type that no rule names is no harm */
	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip t {\n synproxy sp { mss 1460; wscale 7; }\n"
		" chain c {\n  type filter hook forward priority 0;\n  accept\n }\n}\n",
		&cfg, &bad, err, sizeof(err)), 0);
	nfv_filter_ruleset_free(bad);
}

static int setup(void)
{
	return ft_suite_ruleset(ruleset, NULL, &rs);
}

static int teardown(void)
{
	return ft_suite_free(&rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_objref", setup, teardown,
		{ "objects listed with the dump's values", test_listing },
		{ "a named counter shared by two rules", test_counter_shared },
		{ "a counter map, its catch-all", test_counter_map },
		{ "a named quota shared, over, a quota map", test_quota_shared },
		{ "a named limit shared by two rules", test_limit_shared },
		{ "nft reset: values before, then 0", test_reset },
		{ "ct helper objects refused by name", test_refused });
	NFV_TEST_SUITE("filter_objref_own", NULL, NULL,
		{ "a quota map: absent key, spent quota", test_quota_map_under },
		{ "two workers on one counter and quota", test_two_workers });
	return nfv_test_run();
}
