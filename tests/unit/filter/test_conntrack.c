/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection tracking with a fake clock (1000 ticks per second): TCP
 * handshake, data, FIN and RST teardown, out-of-window packets, ICMP
 * errors RELATED, UDP and ICMP echo, timeouts, a full table, and ct state
 * matched by a ruleset.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG
#define HZ 1000

static struct nfv_ct_table *ct_new(uint32_t max)
{
	static int n;
	char name[32];
	struct nfv_ct_config cfg = { .max = max, .hz = HZ, .socket = 0 };
	struct nfv_ct_table *t;

	snprintf(name, sizeof(name), "ct%d", n++);
	t = nfv_ct_table_create(name, &cfg);
	CU_ASSERT_FATAL(t != NULL);
	return t;
}

/* client 10.0.0.1:40000 -> server 10.0.0.2:80 */
static struct tp seg(bool reply, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t len)
{
	struct tp d = { .proto = IPPROTO_TCP, .flags = flags, .seq = seq, .ack = ack,
			.payload = len, .wscale = -1, .win = 8192 };

	d.src = reply ? "10.0.0.2" : "10.0.0.1";
	d.dst = reply ? "10.0.0.1" : "10.0.0.2";
	d.sport = reply ? 80 : 40000;
	d.dport = reply ? 40000 : 80;
	return d;
}

/* Tracks one packet; returns ct_info, or -1 when it has no connection. */
static int track(struct nfv_ct_table *t, struct tp d, uint64_t now, uint8_t *state)
{
	struct rte_mbuf *m = tp_build(&d);
	struct nfv_mbuf_meta *meta;
	int info;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(ft_ct(t, m, now), NFV_ACCEPT);
	meta = nfv_mbuf_meta(m);
	info = meta->ct ? meta->ct_info : -1;
	if (state && meta->ct)
		*state = ((struct nfv_ct *)meta->ct)->tcp_state;
	rte_pktmbuf_free(m);
	return info;
}

static void handshake(struct nfv_ct_table *t, uint64_t now)
{
	uint8_t st;

	CU_ASSERT_EQUAL(track(t, seg(0, SYN, 1000, 0, 0), now, &st), IP_CT_NEW);
	CU_ASSERT_EQUAL(st, NFV_TCP_SYN_SENT);
	CU_ASSERT_EQUAL(track(t, seg(1, SYN | ACK, 5000, 1001, 0), now, &st),
			IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT_EQUAL(st, NFV_TCP_SYN_RECV);
	CU_ASSERT_EQUAL(track(t, seg(0, ACK, 1001, 5001, 0), now, &st), IP_CT_ESTABLISHED);
	CU_ASSERT_EQUAL(st, NFV_TCP_ESTABLISHED);
}

static void test_tcp_fin(void)
{
	struct nfv_ct_table *t = ct_new(64);
	uint8_t st;

	handshake(t, 0);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 1);
	CU_ASSERT_EQUAL(track(t, seg(0, ACK, 1001, 5001, 100), 10, &st), IP_CT_ESTABLISHED);
	CU_ASSERT_EQUAL(track(t, seg(1, ACK, 5001, 1101, 500), 10, &st), IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT_EQUAL(track(t, seg(0, FIN | ACK, 1101, 5501, 0), 20, &st), IP_CT_ESTABLISHED);
	CU_ASSERT_EQUAL(st, NFV_TCP_FIN_WAIT);
	CU_ASSERT_EQUAL(track(t, seg(1, FIN | ACK, 5501, 1102, 0), 20, &st), IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT_EQUAL(st, NFV_TCP_LAST_ACK);
	CU_ASSERT_EQUAL(track(t, seg(0, ACK, 1102, 5502, 0), 20, &st), IP_CT_ESTABLISHED);
	CU_ASSERT_EQUAL(st, NFV_TCP_TIME_WAIT);
	/* TIME_WAIT lasts 120 s */
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 20 + 119 * HZ), 0);
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 20 + 121 * HZ), 1);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 0);
	nfv_ct_table_destroy(t);
}

/* Ethernet padding after a short IP packet is not TCP data. */
static void test_tcp_padding(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp d = seg(0, ACK, 1001, 5001, 0);
	struct rte_mbuf *m;
	struct nfv_ct *ct;

	handshake(t, 0);
	m = tp_build(&d);
	CU_ASSERT_FATAL(rte_pktmbuf_append(m, 6) != NULL);
	memset(rte_pktmbuf_mtod_offset(m, void *, 40), 0, 6);
	CU_ASSERT_EQUAL(ft_ct(t, m, 1), NFV_ACCEPT);
	ct = nfv_mbuf_meta(m)->ct;
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(ct->tcp[0].td_end, 1001);
	rte_pktmbuf_free(m);
	nfv_ct_table_destroy(t);
}

/*
 * Behind a 14-byte Ethernet header the TCP header sits 2 bytes off a 4-byte
 * boundary: the sequence numbers are read bytewise (UBSan in the ASan build
 * checks).
 */
static void test_tcp_unaligned(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp d = seg(0, SYN, 1000, 0, 0);
	struct rte_mbuf *m = tp_build(&d);
	uint16_t len = rte_pktmbuf_data_len(m);
	uint8_t *from = rte_pktmbuf_mtod(m, uint8_t *), *to;
	struct nfv_ct *ct;

	CU_ASSERT_FATAL(m != NULL);
	to = (uint8_t *)rte_pktmbuf_prepend(m, 2);
	CU_ASSERT_FATAL(to != NULL);
	memmove(to, from, len);
	CU_ASSERT_FATAL(rte_pktmbuf_trim(m, 2) == 0);
	/* the sequence number now sits 2 bytes off a 4-byte boundary */
	CU_ASSERT_EQUAL((uintptr_t)rte_pktmbuf_mtod_offset(m, uint8_t *, 24) % 4, 2);
	CU_ASSERT_EQUAL(ft_ct(t, m, 1), NFV_ACCEPT);
	ct = nfv_mbuf_meta(m)->ct;
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(ct->tcp[0].td_end, 1001);
	rte_pktmbuf_free(m);
	nfv_ct_table_destroy(t);
}

static void test_tcp_rst_window(void)
{
	struct nfv_ct_table *t = ct_new(64);
	uint8_t st;

	handshake(t, 0);
	/* far outside the window: invalid, state unchanged */
	CU_ASSERT_EQUAL(track(t, seg(0, ACK, 1001 + 10000000, 5001, 10), 1, NULL), -1);
	/* acking data the server never sent: invalid */
	CU_ASSERT_EQUAL(track(t, seg(0, ACK, 1001, 5001 + 200000, 0), 1, NULL), -1);
	/* a SYN+FIN is never valid */
	CU_ASSERT_EQUAL(track(t, seg(0, SYN | FIN, 1001, 0, 0), 1, NULL), -1);
	CU_ASSERT_EQUAL(track(t, seg(0, ACK, 1001, 5001, 10), 1, &st), IP_CT_ESTABLISHED);
	CU_ASSERT_EQUAL(track(t, seg(1, RST | ACK, 5001, 1011, 0), 2, &st), IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT_EQUAL(st, NFV_TCP_CLOSE);
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 2 + 11 * HZ), 1);	/* CLOSE: 10 s */
	/* a lone SYN/ACK or plain FIN creates nothing */
	CU_ASSERT_EQUAL(track(t, seg(1, SYN | ACK, 1, 1, 0), 20 * HZ, NULL), -1);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 0);
	nfv_ct_table_destroy(t);
}

static void test_udp_icmp(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp u = { .proto = IPPROTO_UDP, .sport = 5353, .dport = 53 };
	struct tp r = { .proto = IPPROTO_UDP, .src = "10.0.0.2", .dst = "10.0.0.1",
			.sport = 53, .dport = 5353 };
	struct tp e = { .proto = IPPROTO_ICMP, .type = 8, .dport = 77 };
	struct tp er = { .proto = IPPROTO_ICMP, .type = 0, .dport = 77,
			 .src = "10.0.0.2", .dst = "10.0.0.1" };

	CU_ASSERT_EQUAL(track(t, u, 0, NULL), IP_CT_NEW);
	CU_ASSERT_EQUAL(track(t, u, 1, NULL), IP_CT_NEW);
	CU_ASSERT_EQUAL(track(t, r, 2, NULL), IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT_EQUAL(track(t, u, 3, NULL), IP_CT_ESTABLISHED);
	/* replied UDP lives 120 s; a packet after that starts over */
	CU_ASSERT_EQUAL(track(t, u, 3 + 119 * HZ, NULL), IP_CT_ESTABLISHED);
	CU_ASSERT_EQUAL(track(t, u, 3 + 119 * HZ + 121 * HZ, NULL), IP_CT_NEW);
	/* echo reply without request: invalid; with: established */
	CU_ASSERT_EQUAL(track(t, er, 500 * HZ, NULL), -1);
	CU_ASSERT_EQUAL(track(t, e, 500 * HZ, NULL), IP_CT_NEW);
	CU_ASSERT_EQUAL(track(t, er, 500 * HZ, NULL), IP_CT_ESTABLISHED_REPLY);
	/* ICMP times out after 30 s: the reply finds nothing */
	CU_ASSERT_EQUAL(track(t, er, 531 * HZ, NULL), -1);
	nfv_ct_table_destroy(t);
}

static void test_icmp_related(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp d = seg(0, SYN, 1000, 0, 0);
	struct rte_mbuf *orig = tp_build(&d);
	struct tp err = { .proto = IPPROTO_ICMP, .type = 3, .code = 3,
			  .src = "192.0.2.1", .dst = "10.0.0.1", .quote = orig };
	struct tp stray = seg(0, SYN, 1, 0, 0);

	CU_ASSERT_EQUAL(track(t, d, 0, NULL), IP_CT_NEW);
	CU_ASSERT_EQUAL(track(t, err, 1, NULL), IP_CT_RELATED + IP_CT_IS_REPLY);
	rte_pktmbuf_free(orig);
	stray.dport = 81;	/* quoting a connection we do not know */
	orig = tp_build(&stray);
	err.quote = orig;
	CU_ASSERT_EQUAL(track(t, err, 1, NULL), -1);
	rte_pktmbuf_free(orig);
	nfv_ct_table_destroy(t);
}

/* ND and MLD are untracked (no connection, ct_info untracked), as the
 * kernel's nf_conntrack_icmpv6_error() leaves them; a redirect is invalid */
static void test_icmp6_untracked(void)
{
	static const uint8_t types[] = { 130, 131, 132, 133, 134, 135, 136, 143 };
	struct nfv_ct_table *t = ct_new(64);
	struct tp d = { .family = AF_INET6, .proto = IPPROTO_ICMPV6 };
	struct nfv_ct_stats st;
	struct rte_mbuf *m;

	for (unsigned int i = 0; i < RTE_DIM(types) + 1; i++) {
		d.type = i < RTE_DIM(types) ? types[i] : 137;
		m = tp_build(&d);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(ft_ct(t, m, 0), NFV_ACCEPT);
		CU_ASSERT_PTR_NULL(nfv_mbuf_meta(m)->ct);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->ct_info,
				i < RTE_DIM(types) ? NFV_CT_UNTRACKED : 0);
		rte_pktmbuf_free(m);
	}
	nfv_ct_stats_sum(t, &st);
	CU_ASSERT_EQUAL(st.untracked, RTE_DIM(types));
	CU_ASSERT_EQUAL(st.invalid, 1);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 0);
	nfv_ct_table_destroy(t);
}

static void test_full_and_unconfirmed(void)
{
	struct nfv_ct_table *t = ct_new(2);
	struct tp u = { .proto = IPPROTO_UDP, .sport = 1, .dport = 53 };
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = 0, .table = ft_table };
	struct nfv_ct_stats s;
	struct rte_mbuf *m;
	uint32_t v;

	CU_ASSERT_EQUAL(track(t, u, 0, NULL), IP_CT_NEW);
	u.sport = 2;
	CU_ASSERT_EQUAL(track(t, u, 0, NULL), IP_CT_NEW);
	u.sport = 3;
	m = tp_build(&u);
	CU_ASSERT_EQUAL(ft_ct(t, m, 0), NFV_DROP_REASON(NFV_DR_CT_TABLE_FULL));
	rte_pktmbuf_free(m);
	nfv_ct_stats_sum(t, &s);
	CU_ASSERT_EQUAL(s.table_full, 1);
	CU_ASSERT_EQUAL(s.new_conns, 2);
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 31 * HZ), 2);
	/* a NEW packet that never reaches confirm (dropped later) */
	m = tp_build(&u);
	nfv_conntrack_in_process(t, &m, 1, &v, &st);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 1);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 4 * HZ), 0);
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 6 * HZ), 1);
	nfv_ct_table_destroy(t);
}

static void test_ct_state_rules(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0; policy drop;\n"
		" ct state established,related accept\n"
		" ct state invalid counter drop\n"
		" ct state new tcp dport 80 ct mark set 5 accept\n }\n}");
	struct tp d = seg(0, SYN, 1000, 0, 0);
	struct rte_mbuf *m;

	m = tp_build(&d);
	ft_ct(t, m, 0);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_LOCAL_IN, 0, m, 0), NFV_ACCEPT);
	CU_ASSERT_FATAL(nfv_mbuf_meta(m)->ct != NULL);
	CU_ASSERT_EQUAL(((struct nfv_ct *)nfv_mbuf_meta(m)->ct)->mark, 5);
	rte_pktmbuf_free(m);
	d = seg(1, SYN | ACK, 5000, 1001, 0);
	m = tp_build(&d);
	ft_ct(t, m, 1);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_LOCAL_IN, 0, m, 1), NFV_ACCEPT);
	rte_pktmbuf_free(m);
	/* data far out of the window (no data would only have its ack checked) */
	d = seg(0, ACK, 1001 + 10000000, 5001, 10);
	m = tp_build(&d);
	ft_ct(t, m, 2);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_LOCAL_IN, 0, m, 2),
			NFV_DROP_REASON(NFV_DR_FILTER_RULE));
	rte_pktmbuf_free(m);
	d = seg(0, SYN, 1, 0, 0);
	d.dport = 81;
	m = tp_build(&d);
	ft_ct(t, m, 3);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_LOCAL_IN, 0, m, 3),
			NFV_DROP_REASON(NFV_DR_FILTER_POLICY));
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(rs);
	nfv_ct_table_destroy(t);
}

/*
 * notrack (nft_notrack_eval()): at PRE_ROUTING before conntrack the packet
 * stays untracked - conntrack passes it by and makes no connection, 'ct
 * state untracked' matches it, 'ct state new' does not - and a packet
 * conntrack tracked already is left alone.
 */
static void test_notrack(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_filter_ruleset *raw = ft_ruleset(
		"table inet r { chain c { type filter hook prerouting priority raw; policy accept;\n"
		" tcp dport 80 notrack\n }\n}");
	struct nfv_filter_ruleset *in = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0; policy accept;\n"
		" ct state new drop\n"
		" ct state untracked tcp dport 80 notrack counter drop\n }\n}");
	struct tp d = seg(0, SYN, 1000, 0, 0);
	struct rte_mbuf *m;

	d.dport = 80;
	m = tp_build(&d);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(ft_run(raw, NFV_INET_PRE_ROUTING, -300, m, 0), NFV_ACCEPT);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->ct_info, NFV_CT_UNTRACKED);
	CU_ASSERT_EQUAL(ft_ct(t, m, 0), NFV_ACCEPT);
	CU_ASSERT_PTR_NULL(nfv_mbuf_meta(m)->ct);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 0);
	CU_ASSERT_EQUAL(ft_run(in, NFV_INET_LOCAL_IN, 0, m, 0),
			NFV_DROP_REASON(NFV_DR_FILTER_RULE));
	rte_pktmbuf_free(m);
	/* tracked first: notrack leaves the connection, ct state new drops */
	m = tp_build(&d);
	CU_ASSERT_FATAL(m != NULL);
	ft_ct(t, m, 1);
	CU_ASSERT_FATAL(nfv_mbuf_meta(m)->ct != NULL);
	CU_ASSERT_EQUAL(ft_run(raw, NFV_INET_PRE_ROUTING, -300, m, 1), NFV_ACCEPT);
	CU_ASSERT_PTR_NOT_NULL(nfv_mbuf_meta(m)->ct);
	CU_ASSERT_NOT_EQUAL(nfv_mbuf_meta(m)->ct_info, NFV_CT_UNTRACKED);
	CU_ASSERT_EQUAL(ft_run(in, NFV_INET_LOCAL_IN, 0, m, 1),
			NFV_DROP_REASON(NFV_DR_FILTER_RULE));
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(raw);
	nfv_filter_ruleset_free(in);
	nfv_ct_table_destroy(t);
}

static void count_one(const struct nfv_ct *ct, void *arg)
{
	(*(unsigned int *)arg)++;
}

/* The dump lists confirmed connections only, as conntrack -L; the count
 * holds the unconfirmed too, as nf_conntrack_count */
static void test_dump_confirmed(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = 1, .table = ft_table };
	struct tp d = seg(0, SYN, 1000, 0, 0);
	struct rte_mbuf *m = tp_build(&d);
	unsigned int listed = 0;
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	nfv_conntrack_in_process(t, &m, 1, &v, &st);	/* dropped before the confirm */
	CU_ASSERT_EQUAL(nfv_ct_count(t), 1);
	nfv_ct_foreach(t, count_one, &listed);
	CU_ASSERT_EQUAL(listed, 0);
	st.hook = NFV_INET_LOCAL_IN;
	nfv_conntrack_confirm_process(t, &m, 1, &v, &st);
	nfv_ct_foreach(t, count_one, &listed);
	CU_ASSERT_EQUAL(listed, 1);
	rte_pktmbuf_free(m);
	nfv_ct_table_destroy(t);
}

/* The verdict of d at LOCAL_IN after conntrack, at time now. */
static uint32_t ct_verdict(struct nfv_ct_table *t, const struct nfv_filter_ruleset *rs,
			   struct tp d, uint64_t now)
{
	struct rte_mbuf *m = tp_build(&d);
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	ft_ct(t, m, now);
	v = ft_run(rs, NFV_INET_LOCAL_IN, 0, m, now);
	rte_pktmbuf_free(m);
	return v;
}

/*
 * Keys of a direction's tuple (issue 16): ct original/reply saddr, daddr,
 * ip saddr, proto-src, proto-dst, and l3proto, protocol, direction; for
 * TCP both ways and an ICMP echo (the kernel's tuple: id as proto-src,
 * type and code as proto-dst, the reply's type inverted). Each rule drops
 * what it matches, so a packet is dropped exactly by the rules it should.
 */
static void test_ct_tuple_keys(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table ip t { chain c { type filter hook input priority 0; policy accept;\n"
		" meta mark 1 ct original saddr 10.0.0.1 ct reply saddr 10.0.0.2 drop\n"
		" meta mark 2 ct original daddr 10.0.0.2 ct reply daddr 10.0.0.1"
		"   ct direction reply drop\n"
		" meta mark 3 ct protocol tcp ct original proto-src 40000 ct original proto-dst 80"
		"   ct reply proto-src 80 ct reply proto-dst 40000 drop\n"
		" meta mark 4 ct original ip saddr 10.0.0.1 ct l3proto ipv4 ct protocol tcp drop\n"
		" meta mark 5 ct original saddr 10.0.0.2 drop\n"
		" meta mark 6 ct protocol icmp ct original proto-src 77"
		"   ct original proto-dst 2048 ct reply proto-dst 0 drop\n }\n}");
	struct tp d;
	uint32_t drop = NFV_DROP_REASON(NFV_DR_FILTER_RULE);

	d = seg(0, SYN, 1000, 0, 0);
	d.mark = 1;
	CU_ASSERT_EQUAL(ct_verdict(t, rs, d, 0), drop);
	d = seg(1, SYN | ACK, 5000, 1001, 0);
	for (d.mark = 1; d.mark <= 5; d.mark++)	/* the reply's packet: the same tuples */
		CU_ASSERT_EQUAL(ct_verdict(t, rs, d, 1), d.mark == 5 ? NFV_ACCEPT : drop);
	d = seg(0, ACK, 1001, 5001, 0);
	d.mark = 2;	/* original direction */
	CU_ASSERT_EQUAL(ct_verdict(t, rs, d, 2), NFV_ACCEPT);
	/* ICMP echo id 77: type 8 code 0 (2048), the reply's type 0 */
	d = (struct tp){ .proto = IPPROTO_ICMP, .type = 8, .dport = 77, .src = "10.0.0.1",
			 .dst = "10.0.0.2", .mark = 6 };
	CU_ASSERT_EQUAL(ct_verdict(t, rs, d, 3), drop);
	nfv_filter_ruleset_free(rs);
	nfv_ct_table_destroy(t);
}

/*
 * ct event set: no ctnetlink here, so the mask changes nothing; the rule
 * goes on to its verdict, as in a kernel with no event listener.
 */
static void test_ct_event_set(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table ip t { chain c { type filter hook input priority 0; policy accept;\n"
		" ct event set new,destroy meta mark 1 drop\n"
		" ct event set 0 meta mark 2 counter\n"
		"}\n}");
	struct tp d = seg(0, SYN, 1000, 0, 0);

	CU_ASSERT_FATAL(rs != NULL);
	d.mark = 1;
	CU_ASSERT_EQUAL(ct_verdict(t, rs, d, 1), NFV_DROP_REASON(NFV_DR_FILTER_RULE));
	d = seg(1, SYN | ACK, 5000, 1001, 0);
	d.mark = 2;
	CU_ASSERT_EQUAL(ct_verdict(t, rs, d, 2), NFV_ACCEPT);
	nfv_filter_ruleset_free(rs);
	nfv_ct_table_destroy(t);
}

/* What still does not run is refused by the key's nft name. */
static void test_ct_meta_refused(void)
{
	static const struct {
		const char *rule, *msg;
	} cases[] = {
		{ "ct helper \"ftp\" drop", "ct key helper is not supported" },
		{ "ct id 1 drop", "ct key id is not supported" },
		{ "meta skuid 0 drop", "meta key skuid is not supported" },
		{ "meta rtclassid 1 drop", "meta key rtclassid is not supported" },
		{ "meta cgroup 1 drop", "meta key cgroup is not supported" },
		{ "meta nftrace set 1", "meta key nftrace is not supported" },
	};
	struct nfv_filter_config cfg = ft_config();

	for (unsigned int k = 0; k < RTE_DIM(cases); k++) {
		struct nfv_filter_ruleset *rs = NULL;
		char text[256], err[512] = "";
		int ret;

		snprintf(text, sizeof(text), "table ip t { chain c { type filter hook input"
			 " priority 0; policy accept;\n %s\n }\n}", cases[k].rule);
		ret = ft_ruleset_from_text(text, &cfg, &rs, err, sizeof(err));
		if (ret != -EOPNOTSUPP || strstr(err, cases[k].msg) == NULL)
			fprintf(stderr, "%s: %d %s\n", cases[k].rule, ret, err);
		CU_ASSERT_EQUAL(ret, -EOPNOTSUPP);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[k].msg));
	}
}

/*
 * Two workers on one table at once: both see the same 64 UDP flows, one the
 * originals, the other the replies, plus 200 flows of their own each.
 * Every flow must exist exactly once and every reply be ESTABLISHED_REPLY.
 */
struct worker_arg {
	struct nfv_ct_table *t;
	unsigned int id;
	unsigned int bad;
	struct rte_mbuf *pkts[264];
};

static void *worker(void *p)
{
	struct worker_arg *a = p;
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .worker = a->id,
				     .now = 1, .table = ft_table };
	uint32_t v[264];

	/* rte_hash's per-lcore free-slot caches need an lcore id */
	if (rte_thread_register() != 0) {
		a->bad = 1000;
		return NULL;
	}
	for (int rep = 0; rep < 2; rep++) {
		for (unsigned int i = 0; i < 264; i++)
			nfv_mbuf_meta(a->pkts[i])->ct = NULL;
		nfv_conntrack_in_process(a->t, a->pkts, 264, v, &st);
		for (unsigned int i = 0; i < 264; i++)
			if (v[i] != NFV_ACCEPT || nfv_mbuf_meta(a->pkts[i])->ct == NULL)
				a->bad++;
		st.hook = NFV_INET_LOCAL_IN;
		nfv_conntrack_confirm_process(a->t, a->pkts, 264, v, &st);
		st.hook = NFV_INET_PRE_ROUTING;
	}
	rte_thread_unregister();
	return NULL;
}

static void test_two_workers(void)
{
	struct nfv_ct_table *t = ct_new(1024);
	struct worker_arg a[2] = { { .t = t, .id = 0 }, { .t = t, .id = 1 } };
	pthread_t th[2];
	struct nfv_ct_stats s;

	for (unsigned int w = 0; w < 2; w++) {
		for (unsigned int i = 0; i < 264; i++) {
			struct tp d = { .proto = IPPROTO_UDP };

			if (i < 64) {	/* shared flows: w0 originals, w1 replies */
				d.src = w ? "10.0.0.2" : "10.0.0.1";
				d.dst = w ? "10.0.0.1" : "10.0.0.2";
				d.sport = w ? 53 : 1000 + i;
				d.dport = w ? 1000 + i : 53;
			} else {
				d.sport = 20000 + w * 1000 + i;
				d.dport = 99;
			}
			a[w].pkts[i] = tp_build(&d);
			CU_ASSERT_FATAL(a[w].pkts[i] != NULL);
		}
	}
	for (unsigned int w = 0; w < 2; w++)
		CU_ASSERT_FATAL(pthread_create(&th[w], NULL, worker, &a[w]) == 0);
	for (unsigned int w = 0; w < 2; w++)
		pthread_join(th[w], NULL);
	CU_ASSERT_EQUAL(a[0].bad + a[1].bad, 0);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 64 + 400);
	nfv_ct_stats_sum(t, &s);
	CU_ASSERT_EQUAL(s.new_conns, 64 + 400);
	/* both sides of a shared flow point at the same connection, one as
	 * its reply: which one depends on which worker saw the flow first
	 * (a timing race the test used to assume w0 won) */
	for (unsigned int i = 0; i < 64; i++) {
		uint8_t i0 = nfv_mbuf_meta(a[0].pkts[i])->ct_info;
		uint8_t i1 = nfv_mbuf_meta(a[1].pkts[i])->ct_info;

		CU_ASSERT_EQUAL(nfv_mbuf_meta(a[0].pkts[i])->ct, nfv_mbuf_meta(a[1].pkts[i])->ct);
		/* the original side saw the reply or not yet: ESTABLISHED or NEW */
		CU_ASSERT((i0 == IP_CT_ESTABLISHED_REPLY && i1 != IP_CT_ESTABLISHED_REPLY) ||
			  (i1 == IP_CT_ESTABLISHED_REPLY && i0 != IP_CT_ESTABLISHED_REPLY));
		CU_ASSERT(i0 == IP_CT_ESTABLISHED_REPLY || i0 == IP_CT_ESTABLISHED || i0 == IP_CT_NEW);
		CU_ASSERT(i1 == IP_CT_ESTABLISHED_REPLY || i1 == IP_CT_ESTABLISHED || i1 == IP_CT_NEW);
	}
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int i = 0; i < 264; i++)
			rte_pktmbuf_free(a[w].pkts[i]);
	nfv_ct_table_destroy(t);
}

/*
 * Layer 4 checksums at PRE_ROUTING (nf_conntrack_checksum): right, the
 * packet is tracked; one bit off in the payload, it is INVALID; IPv4 and
 * IPv6 (whose pseudo header differs), UDP and TCP.
 */
static void test_l4_checksum(void)
{
	static const char *const addr[2][2] = {
		{ "10.0.0.1", "10.0.0.2" }, { "2001:db8::1", "2001:db8:1::2" },
	};
	static const uint8_t proto[2] = { IPPROTO_UDP, IPPROTO_TCP };

	for (int f = 0; f < 2; f++) {
		for (int p = 0; p < 2; p++) {
			struct nfv_ct_table *t = ct_new(8);
			struct tp d = { .family = f ? AF_INET6 : AF_INET, .proto = proto[p],
					.src = addr[f][0], .dst = addr[f][1], .sport = 1000,
					.dport = 80, .flags = SYN, .seq = 1, .wscale = -1,
					.win = 8192, .payload = 33 };
			struct rte_mbuf *m = tp_build(&d);

			CU_ASSERT_FATAL(m != NULL);
			rte_pktmbuf_mtod(m, uint8_t *)[rte_pktmbuf_data_len(m) - 1] ^= 0x10;
			CU_ASSERT_EQUAL(ft_ct(t, m, 0), NFV_ACCEPT);
			CU_ASSERT_PTR_NULL(nfv_mbuf_meta(m)->ct);
			rte_pktmbuf_free(m);
			CU_ASSERT_EQUAL(track(t, d, 0, NULL), IP_CT_NEW);
			nfv_ct_table_destroy(t);
		}
	}
}

/* The original source port of the connection a packet is tracked on; 0:
 * none. */
static uint16_t track_sport(struct nfv_ct_table *t, struct tp d, uint64_t now)
{
	struct rte_mbuf *m = tp_build(&d);
	const struct nfv_ct *ct;
	uint16_t sport = 0;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(ft_ct(t, m, now), NFV_ACCEPT);
	ct = nfv_mbuf_meta(m)->ct;
	if (ct != NULL)
		sport = rte_be_to_cpu_16(ct->tuple[0].sport);
	rte_pktmbuf_free(m);
	return sport;
}

/*
 * The worker's cache (ct_cache.h) names a connection index, which outlives
 * its connection: a connection that died and whose index serves another
 * one is not the cached key's; the key's next packet makes a new one.
 */
static void test_cache_index_reuse(void)
{
	struct nfv_ct_table *t = ct_new(8);
	struct tp a = { .proto = IPPROTO_UDP, .src = "10.0.0.1", .dst = "10.0.0.2",
			.sport = 1000, .dport = 53, .payload = 8 };
	struct tp b = a;

	CU_ASSERT_EQUAL(track_sport(t, a, 0), 1000);
	CU_ASSERT_EQUAL(track_sport(t, a, 1), 1000);	/* confirmed: cached */
	CU_ASSERT_EQUAL(track_sport(t, a, 2), 1000);	/* from the cache */
	/* it expires (30 s unreplied); its index is freed; the ring gives
	 * the other seven first, b gets a's */
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 31 * HZ), 1);
	for (uint16_t i = 0; i < 7; i++) {
		struct tp f = a;

		f.sport = 2000 + i;
		CU_ASSERT_EQUAL(track_sport(t, f, 31 * HZ), 2000 + i);
	}
	b.sport = 3000;
	CU_ASSERT_EQUAL(track_sport(t, b, 31 * HZ), 3000);
	CU_ASSERT_EQUAL(track_sport(t, b, 60 * HZ), 3000);
	CU_ASSERT_EQUAL(nfv_ct_gc(t, 62 * HZ), 7);	/* all but b */
	CU_ASSERT_EQUAL(nfv_ct_count(t), 1);
	/* a's entry names b's connection now */
	CU_ASSERT_EQUAL(track_sport(t, a, 62 * HZ), 1000);
	CU_ASSERT_EQUAL(nfv_ct_count(t), 2);
	CU_ASSERT_EQUAL(track_sport(t, a, 62 * HZ), 1000);
	CU_ASSERT_EQUAL(track_sport(t, b, 62 * HZ), 3000);
	nfv_ct_table_destroy(t);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_conntrack", NULL, NULL,
		{ "tcp handshake, data, fin, time_wait", test_tcp_fin },
		{ "tcp rst and window checks", test_tcp_rst_window },
		{ "tcp ignores frame padding", test_tcp_padding },
		{ "tcp header at an odd alignment", test_tcp_unaligned },
		{ "udp and icmp echo with timeouts", test_udp_icmp },
		{ "icmp error related", test_icmp_related },
		{ "icmpv6 nd and mld untracked", test_icmp6_untracked },
		{ "notrack leaves a packet untracked", test_notrack },
		{ "the dump lists confirmed connections", test_dump_confirmed },
		{ "table full, unconfirmed expiry", test_full_and_unconfirmed },
		{ "ct state/mark in rules", test_ct_state_rules },
		{ "ct keys of a direction's tuple", test_ct_tuple_keys },
		{ "ct event set: compiled, changes nothing", test_ct_event_set },
		{ "ct and meta keys refused by name", test_ct_meta_refused },
		{ "two workers on one table", test_two_workers },
		{ "layer 4 checksums at pre_routing, ipv4 and ipv6", test_l4_checksum },
		{ "the worker's cache: a reused index is not the cached key's",
		  test_cache_index_reuse });
	return nfv_test_run();
}
