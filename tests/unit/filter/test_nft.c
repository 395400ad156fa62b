/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Expressions and verdicts: each ruleset is real nft text that nfvpn-nftc
 * loads in a network namespace of its own and dumps back (ft_text.h), then
 * compiled; packets are built here and their verdicts asserted.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/rtnetlink.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "filter_test.h"
#include "nfv_ipid.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define IN NFV_INET_LOCAL_IN
#define DROP_RULE NFV_DROP_REASON(NFV_DR_FILTER_RULE)
#define DROP_POLICY NFV_DROP_REASON(NFV_DR_FILTER_POLICY)

static uint32_t verdict(const struct nfv_filter_ruleset *rs, const struct tp *d)
{
	struct rte_mbuf *m = tp_build(d);
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	v = ft_run(rs, IN, 0, m, 1000);
	rte_pktmbuf_free(m);
	return v;
}

static void test_payload_cmp(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table ip t { chain c { type filter hook input priority 0; policy drop;\n"
		" ip saddr 192.168.0.0/16 tcp dport 22 accept\n"
		" ip daddr 10.9.9.9 udp dport != 53 accept\n"
		" tcp dport 1000-2000 accept\n"
		" icmp type echo-request accept\n"
		" ip ttl < 10 accept\n }\n}");
	struct tp d = { .proto = IPPROTO_TCP, .src = "192.168.3.4", .dport = 22 };

	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.src = "192.169.3.4";
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	d.dport = 1500;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dport = 2001;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	d = (struct tp){ .proto = IPPROTO_UDP, .dst = "10.9.9.9", .dport = 53 };
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	d.dport = 54;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d = (struct tp){ .proto = IPPROTO_ICMP, .type = 8 };
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.type = 0;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	nfv_filter_ruleset_free(rs);
}

/*
 * quota (nft_quota): each packet that reaches the rule adds its IP length;
 * "quota N" matches until the total reaches N, "quota over N" from then
 * on, "used M" starts at M. UDP of 72 bytes (20 + 8 + 44): the quota of
 * 200 is reached by the third packet.
 */
static void test_quota(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table ip t { chain c { type filter hook input priority 0; policy accept;\n"
		" udp dport 53 quota 200 bytes accept\n"
		" udp dport 53 drop\n"
		" udp dport 54 quota over 200 bytes used 100 bytes drop\n }\n}");
	struct tp d = { .proto = IPPROTO_UDP, .dport = 53, .payload = 44 };

	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);	/* 72 */
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);	/* 144 */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);	/* 216: reached */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.dport = 54;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);	/* 100 + 72 */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);	/* 244: over */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	nfv_filter_ruleset_free(rs);
}

/*
 * TCP options (exthdr), read: "exists", "missing" and a value, IPv4 and
 * IPv6 (tp_build's SYN carries NOP, window scale 3 bytes: the option at
 * 21, odd); not TCP or no options: no match.
 */
static void test_tcp_option_read(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0; policy accept;\n"
		" tcp dport 1 tcp option window exists drop\n"
		" tcp dport 2 tcp option window missing drop\n"
		" tcp dport 3 tcp option window count 7 drop\n"
		" tcp dport 4 tcp option maxseg exists drop\n }\n}");
	struct tp d = { .proto = IPPROTO_TCP, .flags = RTE_TCP_SYN_FLAG, .wscale = 7 };

	for (int v6 = 0; v6 < 2; v6++) {
		d.family = v6 ? AF_INET6 : AF_INET;
		d.wscale = 7;
		d.dport = 1;
		CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
		d.dport = 2;
		CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
		d.dport = 3;
		CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
		d.dport = 4;
		CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
		d.wscale = -1;
		d.dport = 1;
		CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
		d.dport = 2;
		CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
		d.dport = 3;
		CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	}
	nfv_filter_ruleset_free(rs);
}

/*
 * A SYN whose options are NOP, MSS mss, NOP, EOL: the MSS value at 23, an
 * odd offset, where an update must swap the bytes of its words. The TCP
 * checksum valid, computed in full.
 */
static struct rte_mbuf *syn_mss(int family, uint16_t mss, uint16_t dport)
{
	static const uint8_t opts[8] = { 1, 2, 4, 0, 0, 1, 0, 0 };
	struct tp d = { .family = family, .proto = IPPROTO_TCP, .flags = RTE_TCP_SYN_FLAG,
			.wscale = 7, .payload = 4, .dport = dport };
	struct rte_mbuf *m = tp_build(&d);
	uint16_t hl = family == AF_INET6 ? 40 : 20, ck = 0;
	uint8_t *th;

	CU_ASSERT_FATAL(m != NULL);
	th = rte_pktmbuf_mtod_offset(m, uint8_t *, hl);
	th[12] = 7 << 4;	/* 28 bytes: the 4 of the payload are options now */
	memcpy(th + 20, opts, sizeof(opts));
	th[23] = mss >> 8;
	th[24] = mss & 0xff;
	memcpy(th + 16, &ck, 2);
	ck = family == AF_INET6 ?
	     rte_ipv6_udptcp_cksum(rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *), th) :
	     rte_ipv4_udptcp_cksum(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *), th);
	memcpy(th + 16, &ck, 2);
	return m;
}

/* The MSS in m, and whether its TCP checksum verifies (computed in full) */
static uint16_t mss_of(struct rte_mbuf *m, int family, bool *ck_ok)
{
	uint16_t hl = family == AF_INET6 ? 40 : 20;
	uint8_t *th = rte_pktmbuf_mtod_offset(m, uint8_t *, hl);

	*ck_ok = family == AF_INET6 ?
		 rte_ipv6_udptcp_cksum_verify(rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *), th) == 0 :
		 rte_ipv4_udptcp_cksum_verify(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *), th) == 0;
	return (uint16_t)(th[23] << 8 | th[24]);
}

/*
 * TCP option writes (the MSS clamp): lowered in place with the checksum
 * updated, never raised, IPv4 and IPv6, at an odd offset.
 */
static void test_tcp_option_write(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0; policy accept;\n"
		" tcp flags syn tcp option maxseg size set 1360\n }\n}");
	static const uint16_t before[] = { 1460, 1361, 1360, 536, 0xffff };

	for (int v6 = 0; v6 < 2; v6++) {
		int fam = v6 ? AF_INET6 : AF_INET;

		for (unsigned int k = 0; k < RTE_DIM(before); k++) {
			struct rte_mbuf *m = syn_mss(fam, before[k], 80);
			bool ok;

			CU_ASSERT_EQUAL(ft_run(rs, IN, 0, m, 1000), NFV_ACCEPT);
			CU_ASSERT_EQUAL(mss_of(m, fam, &ok), RTE_MIN(before[k], 1360));
			CU_ASSERT(ok);
			rte_pktmbuf_free(m);
		}
	}
	nfv_filter_ruleset_free(rs);
}

/* m cut in two at byte k: the bytes from k on in a second segment */
static struct rte_mbuf *split_at(struct rte_mbuf *m, uint32_t k)
{
	uint32_t rest = rte_pktmbuf_pkt_len(m) - k;
	struct rte_mbuf *m2 = rte_pktmbuf_alloc(ft_pool);
	char *to;

	CU_ASSERT_FATAL(m2 != NULL);
	to = rte_pktmbuf_append(m2, (uint16_t)rest);
	CU_ASSERT_FATAL(to != NULL);
	memcpy(to, rte_pktmbuf_mtod_offset(m, char *, k), rest);
	CU_ASSERT_FATAL(rte_pktmbuf_trim(m, (uint16_t)rest) == 0);
	CU_ASSERT_FATAL(rte_pktmbuf_chain(m, m2) == 0);
	return m;
}

/*
 * The clamp of a SYN whose TCP header is cut across two segments, at every
 * byte from the IP header's end to the options' (the MSS value and the
 * checksum split included): lowered and the checksum right, as in one
 * segment. Was: no clamp at all where the header left the first segment.
 */
static void test_tcp_option_write_segments(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0; policy accept;\n"
		" tcp flags syn tcp option maxseg size set 1360\n }\n}");

	for (int v6 = 0; v6 < 2; v6++) {
		int fam = v6 ? AF_INET6 : AF_INET;
		uint32_t hl = v6 ? 40 : 20;

		for (uint32_t k = hl + 1; k < hl + 28; k++) {
			struct rte_mbuf *m = split_at(syn_mss(fam, 1460, 80), k);
			bool ok;

			CU_ASSERT_EQUAL(m->nb_segs, 2);
			CU_ASSERT_EQUAL(ft_run(rs, IN, 0, m, 1000), NFV_ACCEPT);
			CU_ASSERT_FATAL(rte_pktmbuf_linearize(m) == 0);
			CU_ASSERT_EQUAL(mss_of(m, fam, &ok), 1360);
			if (!ok)
				fprintf(stderr, "  %s, cut at %u: bad TCP checksum\n",
					v6 ? "IPv6" : "IPv4", k);
			CU_ASSERT(ok);
			rte_pktmbuf_free(m);
		}
	}
	nfv_filter_ruleset_free(rs);
}

static void test_ipv6_inet(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0; policy drop;\n"
		" ip6 saddr 2001:db8:1::/48 tcp dport 443 accept\n"
		" icmpv6 type echo-request accept\n"
		" meta nfproto ipv4 udp dport 7 accept\n }\n}");
	struct tp d = { .family = AF_INET6, .proto = IPPROTO_TCP,
			.src = "2001:db8:1:5::1", .dport = 443 };

	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.src = "2001:db8:2::1";
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	d = (struct tp){ .family = AF_INET6, .proto = IPPROTO_ICMPV6, .type = 128 };
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d = (struct tp){ .proto = IPPROTO_UDP, .dport = 7 };
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.family = AF_INET6;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	nfv_filter_ruleset_free(rs);
}

static void test_meta(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table ip t { chain c { type filter hook input priority 0; policy accept;\n"
		" iifname \"wan*\" meta mark 0x30 drop\n"
		" iif 10 meta l4proto udp meta length > 100 drop\n"
		" meta ipsec exists meta mark set 0x77 accept\n"
		" meta mark 10-20 drop\n }\n}");
	struct tp d = { .proto = IPPROTO_TCP, .iport = 1, .mark = 0x30 };
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.iport = 0;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);	/* eth0, mark 48 not in 10-20 */
	d.mark = 15;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d = (struct tp){ .proto = IPPROTO_UDP, .payload = 100 };
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.payload = 10;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.iport = UINT16_MAX;	/* local: no iif, no match */
	d.payload = 100;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d = (struct tp){ .proto = IPPROTO_TCP, .mark = 15, .meta_flags = NFV_MBUF_F_SECPATH };
	m = tp_build(&d);
	CU_ASSERT_EQUAL(ft_run(rs, IN, 0, m, 1), NFV_ACCEPT);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->mark, 0x77);
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(rs);
}

static void test_sets(void)
{
	char *text = malloc(400000), *p;
	struct nfv_filter_ruleset *rs;
	struct tp d = { .proto = IPPROTO_TCP, .dport = 80 };

	CU_ASSERT_FATAL(text != NULL);
	p = text + sprintf(text,
		"table inet t {\n set blk { type ipv4_addr; flags interval; elements = { ");
	/* 20,000 disjoint /30 intervals: 10.x.y.(4k)/30 */
	for (int i = 0; i < 20000; i++)
		p += sprintf(p, "%s10.%d.%d.%d/30", i ? "," : "", (i >> 12) & 0xff,
			     (i >> 4) & 0xff, (i & 0xf) * 8);
	sprintf(p, " }; }\n"
		" set svc { type ipv4_addr . inet_service; flags interval;"
		"   elements = { 172.16.0.0/12 . 8000-8080, 1.2.3.4 . 22 }; }\n"
		" chain c { type filter hook input priority 0; policy accept;\n"
		"  ip saddr @blk drop\n"
		"  ip saddr . tcp dport @svc accept\n"
		"  tcp dport { 22, 80, 443 } drop\n"
		"  tcp dport vmap { 5000 : accept, 5001 : drop }\n"
		"  ip daddr != { 10.0.0.2, 10.0.0.3 } drop\n }\n}");
	rs = ft_ruleset(text);
	free(text);
	d.src = "10.0.1.8";	/* i=16: 10.0.1.0/30, i=17 10.0.1.8/30 */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.src = "10.0.1.12";	/* gap between /30s */
	d.dport = 9;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.src = "10.4.225.3";	/* i=20000-? last block: 10.4.225.0/30 (i=19984+...) */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.src = "10.5.0.0";
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.src = "172.20.1.1";
	d.dport = 8080;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dport = 80;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.src = "1.2.3.4";
	d.dport = 22;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.src = "1.2.3.5";
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.dport = 5000;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dport = 5001;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.dport = 5002;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dst = "10.0.0.4";
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	nfv_filter_ruleset_free(rs);
}

/*
 * Catch-all elements ("*"): found when no element holds the key, in a
 * verdict map (with a jump), an exact set, a concatenation and a data
 * map; a timed-out catch-all is absent like any element.
 */
static void test_catchall(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table inet t {\n"
		" map ports { type inet_service : verdict;\n"
		"   elements = { 22 : accept, 443 : jump web, * : drop } }\n"
		" set svc { type ipv4_addr . inet_service; flags interval;\n"
		"   elements = { 10.0.0.0/8 . 1000-2000, * } }\n"
		" map marks { type ipv4_addr : mark; elements = { 10.0.0.7 : 7, * : 3 } }\n"
		" chain web {\n  ip saddr 10.0.9.9 drop\n }\n"
		" chain c { type filter hook input priority 0; policy accept;\n"
		"  udp dport 9 meta mark set ip saddr map @marks\n"
		"  udp dport 9 meta mark 3 drop\n"
		"  udp dport 8 ip saddr . udp dport != @svc drop\n"
		"  meta l4proto tcp tcp dport vmap @ports\n }\n}\n");
	struct tp d = { .proto = IPPROTO_TCP, .src = "10.0.0.1", .dport = 22 };

	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dport = 23;	/* no element: the catch-all's drop */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.dport = 443;	/* jump web: not dropped there, the policy accepts */
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.src = "10.0.9.9";
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d = (struct tp){ .proto = IPPROTO_UDP, .src = "10.0.0.7", .dport = 9 };
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);	/* mark 7 */
	d.src = "10.0.0.8";
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);	/* mark 3 from "*" */
	d = (struct tp){ .proto = IPPROTO_UDP, .src = "192.0.2.1", .dport = 8 };
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);	/* in @svc by "*" */
	nfv_filter_ruleset_free(rs);
}

/* at now (ms): the verdict of d at LOCAL_IN */
static uint32_t verdict_at(const struct nfv_filter_ruleset *rs, const struct tp *d,
			   uint64_t now)
{
	struct rte_mbuf *m = tp_build(d);
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	v = ft_run(rs, IN, 0, m, now);
	rte_pktmbuf_free(m);
	return v;
}

/*
 * Element timeouts (issue 16, difference 5): an element's own, the set's
 * default, in exact, interval and concatenated sets and in a vmap; an
 * expired element is absent, as the kernel's nft_set_elem_expired().
 * Built at 5,000 ms (hz 1000): expiries count from the build.
 */
static void test_set_timeouts(void)
{
	struct nfv_filter_ruleset *rs;
	struct tp d = { .proto = IPPROTO_TCP, .dport = 80 };

	ft_clock_now = 5000;
	rs = ft_ruleset("table ip t {\n"
		" set own { type ipv4_addr; flags timeout;\n"
		"   elements = { 10.0.0.1 timeout 1s, 10.0.0.2 timeout 3s, 10.0.0.3 } }\n"
		" set dflt { type ipv4_addr; timeout 2s;\n"
		"   elements = { 10.0.1.1, 10.0.1.2 timeout 1h } }\n"
		" set iv { type ipv4_addr; flags interval, timeout;\n"
		"   elements = { 10.0.2.0/24 timeout 1s, 10.0.3.0/24 } }\n"
		" set cc { type ipv4_addr . inet_service; flags interval, timeout;\n"
		"   elements = { 10.0.4.0/24 . 80 timeout 1s, 10.0.5.0/24 . 80 } }\n"
		" map vm { type inet_service : verdict; flags timeout;\n"
		"   elements = { 8000 timeout 1s : drop } }\n"
		" chain c { type filter hook input priority 0; policy accept;\n"
		"  ip saddr @own drop\n"
		"  ip saddr @dflt drop\n"
		"  ip saddr @iv drop\n"
		"  ip saddr . tcp dport @cc drop\n"
		"  tcp dport vmap @vm\n }\n}");
	ft_clock_now = 0;
	static const struct {
		const char *src;
		uint64_t until;	/* matches before this time (ms), not from it; 0: always */
	} cases[] = {
		{ "10.0.0.1", 6000 }, { "10.0.0.2", 8000 }, { "10.0.0.3", 0 },
		{ "10.0.1.1", 7000 }, { "10.0.1.2", 0 },
		{ "10.0.2.7", 6000 }, { "10.0.3.7", 0 },
		{ "10.0.4.9", 6000 }, { "10.0.5.9", 0 },
	};
	for (unsigned int k = 0; k < RTE_DIM(cases); k++) {
		d.src = cases[k].src;
		CU_ASSERT_EQUAL(verdict_at(rs, &d, 5000), DROP_RULE);
		if (cases[k].until == 0) {
			CU_ASSERT_EQUAL(verdict_at(rs, &d, 5000 + 3000 * 1000), DROP_RULE);
			continue;
		}
		/* the dump gives the time left after the compiler loaded it: a few ms less */
		CU_ASSERT_EQUAL(verdict_at(rs, &d, cases[k].until - 100), DROP_RULE);
		CU_ASSERT_EQUAL(verdict_at(rs, &d, cases[k].until + 1), NFV_ACCEPT);
	}
	d.src = "192.0.2.1";
	d.dport = 8000;
	CU_ASSERT_EQUAL(verdict_at(rs, &d, 5500), DROP_RULE);
	CU_ASSERT_EQUAL(verdict_at(rs, &d, 6001), NFV_ACCEPT);
	nfv_filter_ruleset_free(rs);
}

/*
 * The routing table of test_fib: IPv4 10.0.0.0/16 on eth0 (port 0),
 * 10.9.0.0/16 blackhole, local 192.168.0.1 (eth0) and 192.168.1.1
 * (wan1), 192.168.0.255 the broadcast address of eth0's prefix, default
 * via wan1; IPv6 2001:db8:0:1::/64 on eth0, local
 * fd00::1 (eth0), 2001:db8:dead::/48 blackhole, default via wan1.
 */
static uint8_t fake_route(const void *ctx, uint8_t nfproto, const uint8_t *a,
			  uint16_t *port)
{
	static const uint8_t fd1[16] = { 0xfd, [15] = 1 };
	static const uint8_t db8[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	static const uint8_t dead[6] = { 0x20, 0x01, 0x0d, 0xb8, 0xde, 0xad };

	(void)ctx;
	if (nfproto == NFPROTO_IPV4) {
		if (a[0] == 10 && a[1] == 0)
			return *port = 0, RTN_UNICAST;
		if (a[0] == 10 && a[1] == 9)
			return RTN_BLACKHOLE;
		if (a[0] == 192 && a[1] == 168 && a[2] <= 1 && a[3] == 1)
			return *port = a[2], RTN_LOCAL;
		if (a[0] == 192 && a[1] == 168 && a[2] == 0 && a[3] == 255)
			return *port = 0, RTN_BROADCAST;
		return *port = 1, RTN_UNICAST;
	}
	if (memcmp(a, fd1, 16) == 0)
		return *port = 0, RTN_LOCAL;
	if (memcmp(a, db8, 8) == 0)
		return *port = 0, RTN_UNICAST;
	if (memcmp(a, dead, 6) == 0)
		return RTN_BLACKHOLE;
	return *port = 1, RTN_UNICAST;
}

static void test_fib(void)
{
	static const struct nfv_filter_fib fib = { .route = fake_route };
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	const char *text =
		"table inet t { chain c { type filter hook input priority 0; policy accept;\n"
		" meta mark 1 fib saddr . iif oif missing drop\n"
		" meta mark 2 fib daddr type local drop\n"
		" meta mark 3 fib daddr . iif type local drop\n"
		" meta mark 4 fib daddr type { broadcast, multicast } drop\n"
		" meta mark 5 fib saddr oifname \"wan1\" drop\n"
		" meta mark 6 fib daddr type unicast drop\n"
		" meta mark 7 fib daddr type blackhole drop\n"
		" meta mark 8 fib saddr oif 11 drop\n"
		" meta mark 9 fib daddr . iif type broadcast drop\n }\n}";
	static const struct {
		uint32_t mark;
		int family;
		const char *src, *dst;
		uint16_t iport;
		uint32_t v;
	} cases[] = {
		/* reverse path: the route back goes out of the input port */
		{ 1, AF_INET, "10.0.5.5", NULL, 0, NFV_ACCEPT },
		{ 1, AF_INET, "10.0.5.5", NULL, 1, DROP_RULE },
		{ 1, AF_INET, "8.8.8.8", NULL, 1, NFV_ACCEPT },
		{ 1, AF_INET, "8.8.8.8", NULL, 0, DROP_RULE },
		{ 1, AF_INET, "10.9.1.1", NULL, 1, DROP_RULE },		/* blackhole */
		{ 1, AF_INET, "192.168.0.1", NULL, 0, DROP_RULE },	/* ours */
		{ 1, AF_INET, "0.0.0.0", "255.255.255.255", 1, NFV_ACCEPT },
		{ 1, AF_INET6, "2001:db8:0:1::5", "fd00::1", 0, NFV_ACCEPT },
		{ 1, AF_INET6, "2001:db8:0:1::5", "fd00::1", 1, DROP_RULE },
		{ 1, AF_INET6, "2001:db8:dead::1", "fd00::1", 1, DROP_RULE },
		/* address types */
		{ 2, AF_INET, NULL, "192.168.1.1", 0, DROP_RULE },
		{ 2, AF_INET, NULL, "10.0.0.2", 0, NFV_ACCEPT },
		{ 2, AF_INET6, "2001:db8::1", "fd00::1", 1, DROP_RULE },
		{ 3, AF_INET, NULL, "192.168.1.1", 1, DROP_RULE },
		{ 3, AF_INET, NULL, "192.168.1.1", 0, NFV_ACCEPT },	/* held by wan1 */
		{ 3, AF_INET6, "2001:db8::1", "fd00::1", 0, DROP_RULE },
		{ 3, AF_INET6, "2001:db8::1", "fd00::1", 1, NFV_ACCEPT },
		{ 4, AF_INET, NULL, "255.255.255.255", 0, DROP_RULE },
		{ 4, AF_INET, NULL, "224.0.0.5", 0, DROP_RULE },
		{ 4, AF_INET, NULL, "10.0.0.2", 0, NFV_ACCEPT },
		{ 4, AF_INET6, "2001:db8::1", "ff02::1", 0, DROP_RULE },
		{ 5, AF_INET, "8.8.8.8", NULL, 0, DROP_RULE },
		{ 5, AF_INET, "10.0.5.5", NULL, 0, NFV_ACCEPT },
		{ 6, AF_INET, NULL, "10.0.0.2", 0, DROP_RULE },
		{ 6, AF_INET, NULL, "192.168.1.1", 0, NFV_ACCEPT },
		{ 6, AF_INET6, "2001:db8::1", "2001:db8:5::1", 0, DROP_RULE },
		{ 7, AF_INET6, "2001:db8::1", "2001:db8:dead::1", 0, DROP_RULE },
		{ 7, AF_INET, NULL, "10.9.1.1", 0, NFV_ACCEPT },	/* IPv4: local table only */
		{ 8, AF_INET, "8.8.8.8", NULL, 0, DROP_RULE },		/* wan1's ifindex */
		{ 8, AF_INET, "10.0.1.1", NULL, 0, NFV_ACCEPT },
		{ 4, AF_INET, NULL, "192.168.0.255", 1, DROP_RULE },
		{ 9, AF_INET, NULL, "192.168.0.255", 0, DROP_RULE },
		{ 9, AF_INET, NULL, "192.168.0.255", 1, NFV_ACCEPT },	/* eth0's */
		{ 1, AF_INET, "192.168.0.255", NULL, 0, NFV_ACCEPT },	/* out of eth0 */
		{ 1, AF_INET, "192.168.0.255", NULL, 1, DROP_RULE },
	};
	char err[512];

	/* no routing table: refused, naming the expression */
	CU_ASSERT_EQUAL(ft_ruleset_from_text(text, &cfg, &rs, err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'fib'"));
	cfg.fib = &fib;
	CU_ASSERT_FATAL(ft_ruleset_from_text(text, &cfg, &rs, err, sizeof(err)) == 0);
	for (unsigned int k = 0; k < RTE_DIM(cases); k++) {
		struct tp d = { .family = cases[k].family, .proto = IPPROTO_UDP,
				.src = cases[k].src, .dst = cases[k].dst,
				.iport = cases[k].iport, .mark = cases[k].mark };

		if (verdict(rs, &d) != cases[k].v)
			fprintf(stderr, "fib case %u: mark %u %s -> %s\n", k, cases[k].mark,
				cases[k].src, cases[k].dst);
		CU_ASSERT_EQUAL(verdict(rs, &d), cases[k].v);
	}
	nfv_filter_ruleset_free(rs);
}

static void test_chains(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table ip t {\n"
		" chain sub2 { tcp dport { 3, 7 } accept; }\n"
		" chain sub { tcp dport 1 return; tcp dport 2 drop; tcp dport 3 goto sub2; }\n"
		" chain c { type filter hook input priority 0; policy drop;\n"
		"  jump sub\n"
		"  tcp dport 1 accept\n"
		"  tcp dport vmap { 7 : jump sub2, 8 : goto sub2, 9 : drop }\n"
		"  tcp dport 8 accept\n"
		"  tcp dport 4 counter continue\n"
		"  tcp dport 4 accept\n"
		"  tcp dport 5 drop\n }\n}");
	struct tp d = { .proto = IPPROTO_TCP, .dport = 1 };
	struct nfv_filter_rule_info info;
	bool found = false;

	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);	/* return, then accept */
	d.dport = 2;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.dport = 3;	/* goto sub2 accepts */
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dport = 4;
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dport = 7;	/* jump from a verdict map */
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_ACCEPT);
	d.dport = 8;	/* goto: the end of sub2 is the base chain's policy */
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	d.dport = 9;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.dport = 5;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_RULE);
	d.dport = 6;
	CU_ASSERT_EQUAL(verdict(rs, &d), DROP_POLICY);
	for (unsigned int i = 0; i < nfv_filter_rule_count(rs); i++) {
		CU_ASSERT_EQUAL(nfv_filter_rule_get(rs, i, &info), 0);
		if (!strcmp(info.chain, "c") && info.packets) {
			CU_ASSERT_EQUAL(info.packets, 2);
			CU_ASSERT_EQUAL(info.bytes, 2 * 40);
			CU_ASSERT(info.handle > 0);
			found = true;
		}
	}
	CU_ASSERT(found);
	nfv_filter_ruleset_free(rs);
}

static void test_priorities(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table ip a { chain c { type filter hook forward priority -10; tcp dport 1 drop; }\n}\n"
		"table ip b { chain c { type filter hook forward priority 0; policy drop; tcp dport 2 accept; }\n}");
	struct tp d = { .proto = IPPROTO_TCP, .dport = 1 };
	struct rte_mbuf *m = tp_build(&d);

	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_FORWARD, -10, m, 1), DROP_RULE);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_FORWARD, 0, m, 1), DROP_POLICY);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_LOCAL_IN, 0, m, 1), NFV_ACCEPT);
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(rs);
}

static void test_limit_log(void)
{
	struct rte_ring *r = rte_ring_create_elem("ft_log", sizeof(struct nfv_filter_log_rec),
						  64, 0, 0);
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct nfv_filter_log_rec rec;
	struct tp d = { .proto = IPPROTO_UDP, .dport = 9 };
	struct rte_mbuf *m = tp_build(&d);
	char err[256];
	unsigned int pass = 0;

	cfg.log_ring = r;
	cfg.log_rate = 100;
	CU_ASSERT_FATAL(ft_ruleset_from_text(
		"table ip t { chain c { type filter hook input priority 0; policy drop;\n"
		" limit rate 2/second burst 3 packets log prefix \"hello \" accept\n }\n}",
		&cfg, &rs, err, sizeof(err)) == 0);
	for (int i = 0; i < 10; i++)
		pass += ft_run(rs, IN, 0, m, 5000) == NFV_ACCEPT;
	CU_ASSERT_EQUAL(pass, 3);	/* the burst */
	CU_ASSERT_EQUAL(ft_run(rs, IN, 0, m, 5500), NFV_ACCEPT);	/* 1 token in 0.5 s */
	CU_ASSERT_EQUAL(ft_run(rs, IN, 0, m, 5500), DROP_POLICY);
	CU_ASSERT_EQUAL(rte_ring_count(r), 4);
	CU_ASSERT_EQUAL(rte_ring_dequeue_elem(r, &rec, sizeof(rec)), 0);
	CU_ASSERT_STRING_EQUAL(rec.prefix, "hello ");
	CU_ASSERT_EQUAL(rec.len, 28);
	CU_ASSERT_EQUAL(rec.data[9], IPPROTO_UDP);
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(rs);
	rte_ring_free(r);
}

static void test_reject(void)
{
	struct nfv_filter_ruleset *rs = ft_ruleset(
		"table inet t { chain c { type filter hook input priority 0;\n"
		" tcp dport 23 reject with tcp reset\n"
		" udp dport 9 reject\n }\n}");
	struct nfv_inject_queue *q = &ft_table->inject[0][NFV_INJECT_LOCAL_OUT];
	struct tp d = { .proto = IPPROTO_TCP, .dport = 23, .sport = 1234,
			.flags = RTE_TCP_SYN_FLAG, .seq = 100, .wscale = -1 };
	const uint8_t *r;

	ft_inject_flush();
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_DROP_REASON(NFV_DR_FILTER_REJECT));
	CU_ASSERT_FATAL(q->n == 1);
	r = rte_pktmbuf_mtod(q->pkts[0], const uint8_t *);
	CU_ASSERT_EQUAL(r[9], IPPROTO_TCP);
	CU_ASSERT_EQUAL(r[20 + 13], RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL((r[20 + 8] << 24 | r[20 + 9] << 16 | r[20 + 10] << 8 | r[20 + 11]), 101);
	CU_ASSERT_EQUAL((r[20] << 8 | r[21]), 23);
	CU_ASSERT(nfv_mbuf_meta(q->pkts[0])->flags & NFV_MBUF_F_LOCAL_OUT);
	ft_inject_flush();
	d = (struct tp){ .family = AF_INET6, .proto = IPPROTO_UDP, .dport = 9 };
	CU_ASSERT_EQUAL(verdict(rs, &d), NFV_DROP_REASON(NFV_DR_FILTER_REJECT));
	CU_ASSERT_FATAL(q->n == 1);
	r = rte_pktmbuf_mtod(q->pkts[0], const uint8_t *);
	CU_ASSERT_EQUAL(r[6], IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(r[40], 1);	/* destination unreachable */
	CU_ASSERT_EQUAL(r[41], 4);	/* port unreachable */
	CU_ASSERT_EQUAL(nfv_mbuf_meta(q->pkts[0])->family, AF_INET6);
	ft_inject_flush();
	nfv_filter_ruleset_free(rs);
}

/*
 * The headers of what reject sends, as the kernel's (checked against it by
 * tests/interop/nft/dp/32-reject.nft): a reset with DF, ID 0, TOS 0, TTL
 * 64 from the rejected packet's destination; an ICMP error without DF,
 * TOS 0xc0 | the quoted TOS bits, TTL / hop limit 64, from the address of
 * the port back to the source, or from the destination when it is ours.
 */
static const uint8_t *reject_sent(const struct nfv_filter_ruleset *rs, struct tp *d,
				  enum nfv_hook hook, uint8_t tos)
{
	struct nfv_inject_queue *q = &ft_table->inject[0][NFV_INJECT_LOCAL_OUT];
	struct rte_mbuf *m = tp_build(d);

	CU_ASSERT_FATAL(m != NULL);
	if (d->family != AF_INET6)
		rte_pktmbuf_mtod(m, uint8_t *)[1] = tos;
	ft_inject_flush();
	CU_ASSERT_EQUAL(ft_run(rs, hook, 0, m, 1000), NFV_DROP_REASON(NFV_DR_FILTER_REJECT));
	rte_pktmbuf_free(m);
	CU_ASSERT_FATAL(q->n == 1);
	return rte_pktmbuf_mtod(q->pkts[0], const uint8_t *);
}

/* reject's ID generator, and a twin that tells which IDs it draws */
static struct nfv_ipid reject_ids[2];

static void test_reject_headers(void)
{
	static const struct nfv_siphash_key key = { .k0 = 42 };
	struct nfv_ipid *const ipids[1] = { &reject_ids[0] };
	uint16_t id;
	static const struct nfv_filter_fib fib = { .route = fake_route };
	static const uint8_t fd1[16] = { 0xfd, [15] = 1 };
	struct nfv_filter_ifaces ifs = ft_ifaces;
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct tp d = { .proto = IPPROTO_TCP, .src = "10.0.0.5", .dst = "10.7.0.2",
			.dport = 23, .sport = 1234, .flags = RTE_TCP_SYN_FLAG, .wscale = -1 };
	char err[256];
	uint8_t a[16];
	const uint8_t *r;

	inet_pton(AF_INET, "192.168.0.1", &ifs.port[0].ip4);
	ifs.port[0].nb_ip6 = 1;
	memcpy(ifs.port[0].ip6[0].addr, fd1, 16);
	ifs.port[0].ip6[0].plen = 64;
	cfg.ifaces = &ifs;
	cfg.fib = &fib;
	nfv_ipid_init(&reject_ids[0], &key, NFV_IPID_ICMP, 0, 0);
	nfv_ipid_init(&reject_ids[1], &key, NFV_IPID_ICMP, 0, 0);
	cfg.ipids = ipids;
	CU_ASSERT_FATAL(ft_ruleset_from_text(
		"table inet t {\n"
		" chain f { type filter hook forward priority 0;\n"
		"  tcp dport 23 reject with tcp reset\n  udp dport 9 reject\n }\n"
		" chain i { type filter hook input priority 0; udp dport 9 reject; }\n}",
		&cfg, &rs, err, sizeof(err)) == 0);

	r = reject_sent(rs, &d, NFV_INET_FORWARD, 0xb9);
	CU_ASSERT_EQUAL(r[1], 0);			/* TOS */
	CU_ASSERT_EQUAL(r[4] << 8 | r[5], 0);		/* ID */
	CU_ASSERT_EQUAL(r[6] << 8 | r[7], 0x4000);	/* DF */
	CU_ASSERT_EQUAL(r[8], 64);
	inet_pton(AF_INET, "10.7.0.2", a);
	CU_ASSERT(memcmp(r + 12, a, 4) == 0);
	CU_ASSERT_EQUAL(rte_raw_cksum(r, 20), 0xffff);

	d.proto = IPPROTO_UDP;
	d.dport = 9;
	r = reject_sent(rs, &d, NFV_INET_FORWARD, 0xb9);
	CU_ASSERT_EQUAL(r[1], 0xd8);			/* 0xc0 | (0xb9 & 0x1e) */
	CU_ASSERT_EQUAL(r[6] << 8 | r[7], 0);		/* no DF */
	CU_ASSERT_EQUAL(r[8], 64);
	CU_ASSERT_EQUAL(r[9], IPPROTO_ICMP);
	inet_pton(AF_INET, "192.168.0.1", a);	/* eth0's: the route to 10.0/16 */
	CU_ASSERT(memcmp(r + 12, a, 4) == 0);
	CU_ASSERT_EQUAL(rte_raw_cksum(r, 20), 0xffff);
	id = nfv_ipid_next(&reject_ids[1], *(const rte_be32_t *)(r + 12),
			   *(const rte_be32_t *)(r + 16), IPPROTO_ICMP, 1000);
	CU_ASSERT_EQUAL(r[4] << 8 | r[5], id);		/* the keyed counter's */
	r = reject_sent(rs, &d, NFV_INET_FORWARD, 0xb9);
	CU_ASSERT_EQUAL(r[4] << 8 | r[5], (uint16_t)(id + 1));	/* and its next */
	CU_ASSERT_EQUAL(rte_raw_cksum(r, 20), 0xffff);

	d.dst = "192.168.1.1";			/* ours: the error comes from it */
	r = reject_sent(rs, &d, NFV_INET_LOCAL_IN, 0);
	CU_ASSERT_EQUAL(r[1], 0xc0);
	inet_pton(AF_INET, "192.168.1.1", a);
	CU_ASSERT(memcmp(r + 12, a, 4) == 0);

	d = (struct tp){ .family = AF_INET6, .proto = IPPROTO_UDP, .dport = 9,
			 .src = "2001:db8:0:1::5", .dst = "2001:db8:7::2" };
	r = reject_sent(rs, &d, NFV_INET_FORWARD, 0);
	CU_ASSERT_EQUAL(r[6], IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(r[7], 64);			/* hop limit */
	CU_ASSERT(memcmp(r + 8, fd1, 16) == 0);

	d.proto = IPPROTO_TCP;
	d.dport = 23;
	d.flags = RTE_TCP_SYN_FLAG;
	d.wscale = -1;
	r = reject_sent(rs, &d, NFV_INET_FORWARD, 0);
	CU_ASSERT_EQUAL(r[6], IPPROTO_TCP);
	CU_ASSERT_EQUAL(r[7], 64);
	inet_pton(AF_INET6, "2001:db8:7::2", a);
	CU_ASSERT(memcmp(r + 8, a, 16) == 0);
	CU_ASSERT_EQUAL(r[0] << 24 | r[1] << 16 | r[2] << 8 | r[3], 6u << 28);
	ft_inject_flush();
	nfv_filter_ruleset_free(rs);
}

static void test_text_error(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	char err[512];

	CU_ASSERT(ft_ruleset_from_text("table ip t { chain c { bogus }\n}",
				       &cfg, &rs, err, sizeof(err)) != 0);
	CU_ASSERT(rs == NULL);
	CU_ASSERT(strstr(err, "syntax error") != NULL);
	CU_ASSERT(strncmp(err, "nft:1:30-30: Error: syntax error", 32) == 0);
	/* fib is valid nft, not supported by us: named precisely */
	CU_ASSERT(ft_ruleset_from_text(
		"table ip t { chain c { type filter hook prerouting priority 0;"
		" fib daddr type local accept; }\n}", &cfg, &rs, err, sizeof(err)) == -EOPNOTSUPP);
	CU_ASSERT(rs == NULL);
	CU_ASSERT(strstr(err, "table ip t chain c handle ") != NULL);
	CU_ASSERT(strstr(err, "'fib'") != NULL);
}

/* Through the real hook table: apply, run the pipeline, swap, counters. */
static void test_apply_swap(void)
{
	struct nfv_hook_table *ht = nfv_hook_table_create(1);
	struct nfv_filter *f;
	struct nfv_hook_state st = { .hook = IN, .worker = 0, .now = 1 };
	struct tp d = { .proto = IPPROTO_TCP, .dport = 22 };
	struct rte_mbuf *pkts[2];
	uint16_t n;

	CU_ASSERT_FATAL(ht != NULL);
	st.table = ht;
	f = nfv_filter_create(ht);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(nfv_filter_apply(f, ft_ruleset(
		"table ip t { chain c { type filter hook input priority 0;"
		" tcp dport 22 drop; }\n}")), 0);
	CU_ASSERT(nfv_hook_find(ht, "nft-LOCAL_IN-0") != NULL);
	pkts[0] = tp_build(&d);
	d.dport = 80;
	pkts[1] = tp_build(&d);
	n = nfv_hook_run(ht, pkts, 2, &st, NFV_HOOK_FROM_START);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(ht, NFV_DR_FILTER_RULE), 1);
	/* the new ruleset moves to priority 10 and drops port 80 */
	CU_ASSERT_EQUAL(nfv_filter_apply(f, ft_ruleset(
		"table ip t { chain c { type filter hook input priority 10;"
		" tcp dport 80 counter drop; }\n}")), 0);
	CU_ASSERT(nfv_hook_find(ht, "nft-LOCAL_IN-0") == NULL);
	CU_ASSERT(nfv_hook_find(ht, "nft-LOCAL_IN-10") != NULL);
	n = nfv_hook_run(ht, pkts, 1, &st, NFV_HOOK_FROM_START);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(ht, NFV_DR_FILTER_RULE), 2);
	nfv_filter_destroy(f);
	CU_ASSERT(nfv_hook_find(ht, "nft-LOCAL_IN-10") == NULL);
	nfv_hook_table_destroy(ht);
}

static void accept_fn(void *priv, struct rte_mbuf **pkts, uint16_t n,
		      uint32_t *verdicts, const struct nfv_hook_state *state)
{
	for (uint16_t i = 0; i < n; i++)
		verdicts[i] = NFV_ACCEPT;
}

/* A ruleset's entries come in one batch, and a refused batch changes nothing. */
static void test_apply_batch(void)
{
	struct nfv_hook_table *ht = nfv_hook_table_create(1);
	const struct nfv_hook_ops squat = { "nft-POST_ROUTING-5", NFV_INET_POST_ROUTING, 5,
					    accept_fn, NULL };
	struct nfv_hook_entries *before[NFV_INET_NUMHOOKS];
	const struct nfv_filter_ruleset *cur;
	struct nfv_filter_ruleset *rs;
	struct nfv_hook_reg *sq = NULL;
	struct nfv_filter *f;

	CU_ASSERT_FATAL(ht != NULL);
	f = nfv_filter_create(ht);
	CU_ASSERT_FATAL(f != NULL);
	/* two base chains at (input, 0) share one entry */
	CU_ASSERT_EQUAL(nfv_filter_apply(f, ft_ruleset(
		"table inet t {\n"
		" chain a { type filter hook input priority 0; }\n"
		" chain b { type filter hook input priority 0; }\n"
		" chain c { type filter hook output priority -5; }\n}")), 0);
	CU_ASSERT_FATAL(ht->hooks[IN] != NULL);
	CU_ASSERT_EQUAL(ht->hooks[IN]->num, 1);
	CU_ASSERT(nfv_hook_find(ht, "nft-LOCAL_OUT--5") != NULL);

	/* another module holds a name the next ruleset needs */
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(ht, &squat, 1, &sq), 0);
	memcpy(before, ht->hooks, sizeof(before));
	cur = nfv_filter_current(f);
	rs = ft_ruleset("table inet t {\n"
			" chain a { type filter hook input priority 0; }\n"
			" chain d { type filter hook forward priority 7; }\n"
			" chain e { type filter hook postrouting priority 5; }\n}");
	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(nfv_filter_apply(f, rs), -EEXIST);
	CU_ASSERT(memcmp(before, ht->hooks, sizeof(before)) == 0);
	/* scanned before POST_ROUTING: one at a time would have left it */
	CU_ASSERT(nfv_hook_find(ht, "nft-FORWARD-7") == NULL);
	CU_ASSERT_PTR_EQUAL(nfv_filter_current(f), cur);
	nfv_filter_ruleset_free(rs);

	nfv_hook_unregister(ht, &sq, 1);
	nfv_filter_destroy(f);
	CU_ASSERT_PTR_NULL(ht->hooks[IN]);
	CU_ASSERT_PTR_NULL(ht->hooks[NFV_INET_LOCAL_OUT]);
	nfv_hook_table_destroy(ht);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_nft", NULL, NULL,
		{ "payload and cmp", test_payload_cmp },
		{ "ipv6 in inet", test_ipv6_inet },
		{ "meta", test_meta },
		{ "sets, intervals, concatenations, maps", test_sets },
		{ "set element timeouts", test_set_timeouts },
		{ "catch-all elements", test_catchall },
		{ "fib", test_fib },
		{ "chains, jump, goto, return, continue, counters", test_chains },
		{ "base chain priorities", test_priorities },
		{ "limit and log", test_limit_log },
		{ "quota", test_quota },
		{ "tcp options read", test_tcp_option_read },
		{ "tcp option write: the mss clamp", test_tcp_option_write },
		{ "tcp option write: a header cut across segments", test_tcp_option_write_segments },
		{ "reject", test_reject },
		{ "reject_headers", test_reject_headers },
		{ "nft text errors", test_text_error },
		{ "apply and swap through the hook table", test_apply_swap },
		{ "a ruleset's entries are one batch", test_apply_batch });
	return nfv_test_run();
}
