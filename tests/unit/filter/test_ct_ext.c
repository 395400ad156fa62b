/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct label (and ct label set), ct packets, bytes and avgpkt, as the
 * kernel's nf_conn_labels and nf_conn_acct: the bits a rule set on the
 * connection, ORed in; packets and IP bytes per direction, counted by
 * conntrack at PRE_ROUTING from the connection's first packet on. Only a
 * connection made while a ruleset needs them has them (the kernel adds the
 * extensions at init_conntrack()): one made before reads 0 and keeps no
 * label. They live beside the connection, not in it (the struct does not
 * grow).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define HZ 1000

/* UDP from 10.0.0.1:9 with 8 bytes of data: 36 bytes of IPv4 */
#define LEN4 36

static const char ruleset[] =
	"table inet t {\n"
	"  chain f {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	/* labels: read before the set, so the first packet sees none */
	"    udp dport 4 ct label 5 ct label 127 meta mark set 5 accept\n"
	"    udp dport 4 ct label 5 meta mark set 4 accept\n"
	"    udp dport 4 ct label set 5\n"
	"    udp dport 4 ct label set 127\n"
	"    udp dport 4 meta mark set 1 accept\n"
	/* counters of the original direction, of both, their average */
	"    udp dport 5 ct reply packets 0 ct packets 1 ct bytes 36 ct avgpkt 36 meta mark set 1 accept\n"
	"    udp dport 5 ct original packets 2 ct original bytes 72 meta mark set 2 accept\n"
	"    udp dport 5 ct packets 3 ct reply bytes 0 meta mark set 3 accept\n"
	"    udp sport 5 ct reply packets 1 ct packets 4 ct reply avgpkt 36 meta mark set 4 accept\n"
	"    udp dport 5 ct bytes > 1000 meta mark set 9 accept\n"
	"    meta mark set 100 accept\n"
	"  }\n"
	"}\n";

static struct nfv_ct_table *ct;

static struct rte_mbuf *udp(uint16_t sport, uint16_t dport, bool reply)
{
	struct rte_mbuf *m = tp_build(&(struct tp){ .proto = IPPROTO_UDP,
		.src = reply ? "10.1.0.1" : "10.0.0.1", .dst = reply ? "10.0.0.1" : "10.1.0.1",
		.sport = sport, .dport = dport, .payload = 8 });

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), LEN4);
	return m;
}

/* One packet through conntrack, the forward chain of rs and confirm: its mark. */
static uint32_t tracked(const struct nfv_filter_ruleset *rs, struct rte_mbuf *m, uint64_t now)
{
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = now,
				     .table = ft_table };
	uint32_t v, c, mark = 0;

	nfv_conntrack_in_process(ct, &m, 1, &v, &st);
	CU_ASSERT_FATAL(NFV_VERDICT(v) == NFV_ACCEPT);
	if (rs != NULL) {
		CU_ASSERT_EQUAL(NFV_VERDICT(ft_run(rs, NFV_INET_FORWARD, 0, m, now)), NFV_ACCEPT);
		mark = nfv_mbuf_meta(m)->mark;
	}
	st.hook = NFV_INET_POST_ROUTING;
	nfv_conntrack_confirm_process(ct, &m, 1, &c, &st);
	rte_pktmbuf_free(m);
	return mark;
}

static struct nfv_filter_ruleset *build(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	char err[512];

	cfg.ct = ct;
	if (ft_ruleset_from_text(ruleset, &cfg, &rs, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "ruleset: %s\n", err);
		CU_FAIL_FATAL("ruleset");
	}
	return rs;
}

/* The connection of the last packet from 10.0.0.1:sport to dport 4 or 5. */
static struct nfv_ct *conn_of(uint16_t sport, uint16_t dport, uint64_t now)
{
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = now,
				     .table = ft_table };
	struct rte_mbuf *m = udp(sport, dport, false);
	struct nfv_ct *c;
	uint32_t v;

	nfv_conntrack_in_process(ct, &m, 1, &v, &st);
	c = nfv_mbuf_meta(m)->ct;
	rte_pktmbuf_free(m);
	return c;
}

static void test_layout(void)
{
	/* the extensions' flag sits in a hole of the second line: the
	 * connection keeps its three lines */
	CU_ASSERT(offsetof(struct nfv_ct, ext) < 2 * 64);
	CU_ASSERT_EQUAL(sizeof(struct nfv_ct), 3 * 64);
}

static void test_labels(void)
{
	struct nfv_filter_ruleset *rs = build();
	uint64_t t = 10 * HZ;
	const uint32_t *l;

	CU_ASSERT_EQUAL(tracked(rs, udp(9, 4, false), t), 1);	/* none yet, then set */
	CU_ASSERT_EQUAL(tracked(rs, udp(9, 4, false), t + 1), 5);	/* 5 and 127 */
	CU_ASSERT_EQUAL(tracked(rs, udp(4, 9, true), t + 2), 100);	/* the reply: dport 9 */
	l = nfv_ct_labels(ct, conn_of(9, 4, t + 3));
	CU_ASSERT_FATAL(l != NULL);
	/* bit n in word n / 32, as the kernel's bitmap on a little-endian host */
	CU_ASSERT_EQUAL(l[0], 1u << 5);
	CU_ASSERT_EQUAL(l[1], 0);
	CU_ASSERT_EQUAL(l[2], 0);
	CU_ASSERT_EQUAL(l[3], 1u << 31);
	nfv_filter_ruleset_free(rs);
}

static void test_acct(void)
{
	struct nfv_filter_ruleset *rs = build();
	uint64_t t = 20 * HZ;
	const struct nfv_ct_acct *a;

	CU_ASSERT_EQUAL(tracked(rs, udp(11, 5, false), t), 1);
	CU_ASSERT_EQUAL(tracked(rs, udp(11, 5, false), t + 1), 2);
	CU_ASSERT_EQUAL(tracked(rs, udp(11, 5, false), t + 2), 3);
	CU_ASSERT_EQUAL(tracked(rs, udp(5, 11, true), t + 3), 4);
	a = nfv_ct_acct(ct, conn_of(11, 5, t + 4));
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(a->packets[0], 4);	/* conn_of() counted one more */
	CU_ASSERT_EQUAL(a->bytes[0], 4 * LEN4);
	CU_ASSERT_EQUAL(a->packets[1], 1);
	CU_ASSERT_EQUAL(a->bytes[1], LEN4);
	nfv_filter_ruleset_free(rs);
}

/* A connection made while no ruleset needed them has neither; one made
 * after the last such ruleset went neither; one made under a ruleset keeps
 * counting after it went, as the kernel's extension lives with the entry. */
static void test_lifetime(void)
{
	struct nfv_filter_ruleset *rs;
	uint64_t t = 30 * HZ;
	struct nfv_ct *before, *under, *after;

	CU_ASSERT_EQUAL(tracked(NULL, udp(21, 4, false), t), 0);
	before = conn_of(21, 4, t);
	CU_ASSERT_PTR_NULL(nfv_ct_labels(ct, before));
	CU_ASSERT_PTR_NULL(nfv_ct_acct(ct, before));
	rs = build();
	/* no label can be set on it: read 0 at every packet */
	CU_ASSERT_EQUAL(tracked(rs, udp(21, 4, false), t + 1), 1);
	CU_ASSERT_EQUAL(tracked(rs, udp(21, 4, false), t + 2), 1);
	/* nor counted: ct packets 0, so no rule of dport 5 matches */
	CU_ASSERT_EQUAL(tracked(NULL, udp(22, 5, false), t), 0);	/* made under rs */
	CU_ASSERT_EQUAL(tracked(rs, udp(22, 5, false), t + 3), 2);
	under = conn_of(22, 5, t + 4);
	nfv_filter_ruleset_free(rs);
	CU_ASSERT_EQUAL(tracked(NULL, udp(22, 5, false), t + 5), 0);
	CU_ASSERT_FATAL(nfv_ct_acct(ct, under) != NULL);
	CU_ASSERT_EQUAL(nfv_ct_acct(ct, under)->packets[0], 4);
	CU_ASSERT_EQUAL(tracked(NULL, udp(23, 5, false), t + 6), 0);
	after = conn_of(23, 5, t + 7);
	CU_ASSERT_PTR_NULL(nfv_ct_acct(ct, after));
	CU_ASSERT_PTR_NULL(nfv_ct_labels(ct, after));
}

static int setup(void)
{
	struct nfv_ct_config cc = { .max = 64, .hz = HZ, .socket = 0 };

	ct = nfv_ct_table_create("ct_ext", &cc);
	return ct == NULL;
}

static int teardown(void)
{
	nfv_ct_table_destroy(ct);
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_ct_ext", setup, teardown,
		{ "the connection keeps its size", test_layout },
		{ "ct label, ct label set: ORed bits of the connection", test_labels },
		{ "ct packets, bytes, avgpkt of a direction and of both", test_acct },
		{ "only connections made while a ruleset needs them", test_lifetime });
	return nfv_test_run();
}
