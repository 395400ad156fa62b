/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Payload writes (hooks/filter/expr/payload.c): each field written where
 * nft says, and every checksum still right, checked by recomputing it in
 * full (rte_ipv4_cksum, rte_ipv4/6_udptcp_cksum, rte_raw_cksum): the IPv4
 * header's after dscp/ttl/address writes, TCP/UDP after a port write, the
 * transport checksum after an address write (pseudo-header), ICMPv6 after
 * an IPv6 address write; a UDP datagram without a checksum keeps none; a
 * write into a packet whose headers span two segments; what is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

static const char ruleset[] =
	"table inet t {\n"
	"  chain c {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	"    udp dport 53 ip dscp set af41\n"
	"    udp dport 53 ip6 dscp set cs1\n"
	"    udp dport 5001 udp dport set 5002\n"
	"    tcp dport 80 tcp dport set 8080\n"
	"    tcp dport 22 ip saddr set 10.0.0.99\n"
	"    tcp dport 22 ip6 saddr set 2001:db8::99\n"
	"    udp dport 9 ip daddr set 192.0.2.9\n"
	"    ip protocol icmp ip ttl set 33\n"
	"    icmpv6 type echo-request ip6 daddr set 2001:db8::77\n"
	"  }\n"
	"}\n";

static struct nfv_filter_ruleset *rs;

/* Every checksum of the packet, recomputed in full, is right. */
static void assert_checksums(struct rte_mbuf *m)
{
	uint8_t buf[256];
	const uint8_t *p = rte_pktmbuf_read(m, 0, rte_pktmbuf_pkt_len(m), buf);
	bool v6 = (p[0] >> 4) == 6;
	uint8_t proto = v6 ? p[6] : p[9];
	const uint8_t *l4 = p + (v6 ? 40 : 20);
	uint16_t l4len = rte_pktmbuf_pkt_len(m) - (v6 ? 40 : 20);

	CU_ASSERT_FATAL(p != NULL && rte_pktmbuf_pkt_len(m) <= sizeof(buf));
	if (!v6)
		CU_ASSERT_EQUAL(rte_ipv4_cksum((const struct rte_ipv4_hdr *)p) == 0 ? 0 : 1, 0);
	if (proto == IPPROTO_UDP && l4[6] == 0 && l4[7] == 0 && !v6)
		return;	/* none: nothing to check */
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_ICMPV6) {
		/* a valid checksum sums to all ones: verify returns 0 */
		int bad = v6 ? rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)p, l4) :
			  rte_ipv4_udptcp_cksum_verify((const struct rte_ipv4_hdr *)p, l4);

		CU_ASSERT_EQUAL(bad, 0);
	} else if (proto == IPPROTO_ICMP) {
		CU_ASSERT_EQUAL((uint16_t)~rte_raw_cksum(l4, l4len), 0);
	}
}

static struct rte_mbuf *run(const struct tp *d)
{
	struct rte_mbuf *m = tp_build(d);

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(NFV_VERDICT(ft_run(rs, NFV_INET_FORWARD, 0, m, 0)), NFV_ACCEPT);
	assert_checksums(m);
	return m;
}

static const uint8_t *l3(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, const uint8_t *);
}

static void test_ipv4_fields(void)
{
	struct rte_mbuf *m;
	uint8_t a[4];

	/* dscp af41 (34): the TOS byte 0x88, ECN bits kept */
	m = run(&(struct tp){ .proto = IPPROTO_UDP, .sport = 1, .dport = 53, .payload = 3 });
	CU_ASSERT_EQUAL(l3(m)[1], 34 << 2);
	rte_pktmbuf_free(m);
	/* ttl 33 */
	m = run(&(struct tp){ .proto = IPPROTO_ICMP, .type = 8, .dport = 7 });
	CU_ASSERT_EQUAL(l3(m)[8], 33);
	rte_pktmbuf_free(m);
	/* an address: the header checksum and the TCP checksum (pseudo-header) */
	m = run(&(struct tp){ .proto = IPPROTO_TCP, .sport = 1000, .dport = 22, .flags = 2,
			      .wscale = -1, .payload = 5 });
	inet_pton(AF_INET, "10.0.0.99", a);
	CU_ASSERT_EQUAL(memcmp(l3(m) + 12, a, 4), 0);
	rte_pktmbuf_free(m);
}

static void test_ports(void)
{
	struct rte_mbuf *m;

	m = run(&(struct tp){ .proto = IPPROTO_UDP, .sport = 1, .dport = 5001, .payload = 7 });
	CU_ASSERT_EQUAL(l3(m)[20 + 2] << 8 | l3(m)[20 + 3], 5002);
	rte_pktmbuf_free(m);
	m = run(&(struct tp){ .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = 2,
			      .wscale = 7 });
	CU_ASSERT_EQUAL(l3(m)[20 + 2] << 8 | l3(m)[20 + 3], 8080);
	rte_pktmbuf_free(m);
	m = run(&(struct tp){ .family = AF_INET6, .proto = IPPROTO_TCP, .sport = 1, .dport = 80,
			      .flags = 2, .wscale = -1, .payload = 1 });
	CU_ASSERT_EQUAL(l3(m)[40 + 2] << 8 | l3(m)[40 + 3], 8080);
	rte_pktmbuf_free(m);
}

/* UDP without a checksum: an address or port written leaves it 0. */
static void test_udp_no_checksum(void)
{
	struct rte_mbuf *m = tp_build(&(struct tp){ .proto = IPPROTO_UDP, .sport = 1,
						   .dport = 9, .payload = 4 });
	uint8_t *u = rte_pktmbuf_mtod_offset(m, uint8_t *, 20);
	uint8_t a[4];

	u[6] = u[7] = 0;
	CU_ASSERT_EQUAL(NFV_VERDICT(ft_run(rs, NFV_INET_FORWARD, 0, m, 0)), NFV_ACCEPT);
	inet_pton(AF_INET, "192.0.2.9", a);
	CU_ASSERT_EQUAL(memcmp(l3(m) + 16, a, 4), 0);
	CU_ASSERT(u[6] == 0 && u[7] == 0);
	CU_ASSERT_EQUAL(rte_ipv4_cksum((const struct rte_ipv4_hdr *)l3(m)), 0);
	rte_pktmbuf_free(m);
	/* with one: updated for the pseudo-header */
	m = run(&(struct tp){ .proto = IPPROTO_UDP, .sport = 1, .dport = 9, .payload = 4 });
	CU_ASSERT_EQUAL(memcmp(l3(m) + 16, a, 4), 0);
	rte_pktmbuf_free(m);
}

static void test_ipv6(void)
{
	struct rte_mbuf *m;
	uint8_t a[16];

	m = run(&(struct tp){ .family = AF_INET6, .src = "2001:db8::1", .dst = "2001:db8::2",
			      .proto = IPPROTO_UDP, .sport = 1, .dport = 53, .payload = 2 });
	/* dscp cs1 (8): traffic class bits 4..9 of the first word */
	CU_ASSERT_EQUAL(((l3(m)[0] & 0xf) << 4 | l3(m)[1] >> 4) >> 2, 8);
	rte_pktmbuf_free(m);
	m = run(&(struct tp){ .family = AF_INET6, .src = "2001:db8::1", .dst = "2001:db8::2",
			      .proto = IPPROTO_TCP, .sport = 1, .dport = 22, .flags = 2,
			      .wscale = -1 });
	inet_pton(AF_INET6, "2001:db8::99", a);
	CU_ASSERT_EQUAL(memcmp(l3(m) + 8, a, 16), 0);
	rte_pktmbuf_free(m);
	m = run(&(struct tp){ .family = AF_INET6, .src = "2001:db8::1", .dst = "2001:db8::2",
			      .proto = IPPROTO_ICMPV6, .type = 128, .dport = 5, .payload = 4 });
	inet_pton(AF_INET6, "2001:db8::77", a);
	CU_ASSERT_EQUAL(memcmp(l3(m) + 24, a, 16), 0);
	rte_pktmbuf_free(m);
}

/* The TCP header in a second segment: written there, checksums right. */
static void test_segments(void)
{
	struct rte_mbuf *m = tp_build(&(struct tp){ .proto = IPPROTO_TCP, .sport = 1,
						   .dport = 80, .flags = 2, .wscale = -1,
						   .payload = 10 });
	struct rte_mbuf *tail = rte_pktmbuf_alloc(ft_pool);
	uint16_t cut = 22;	/* in the middle of the destination port */
	uint16_t rest;

	CU_ASSERT_FATAL(m != NULL && tail != NULL);
	rest = rte_pktmbuf_data_len(m) - cut;
	memcpy(rte_pktmbuf_append(tail, rest), rte_pktmbuf_mtod_offset(m, void *, cut), rest);
	rte_pktmbuf_trim(m, rest);
	CU_ASSERT_FATAL(rte_pktmbuf_chain(m, tail) == 0);
	CU_ASSERT_EQUAL(NFV_VERDICT(ft_run(rs, NFV_INET_FORWARD, 0, m, 0)), NFV_ACCEPT);
	assert_checksums(m);
	{
		uint8_t b[4];
		const uint8_t *p = rte_pktmbuf_read(m, 20, 4, b);

		CU_ASSERT_EQUAL(p[2] << 8 | p[3], 8080);
	}
	rte_pktmbuf_free(m);
}

static void test_refused(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *bad = NULL;
	char err[512];

	CU_ASSERT_EQUAL(ft_ruleset_from_text("table inet t { chain c { type filter hook "
					     "forward priority 0;\n ether saddr set "
					     "00:11:22:33:44:55\n }\n}\n", &cfg, &bad, err,
					     sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "no link-layer header") != NULL);
	CU_ASSERT_EQUAL(ft_ruleset_from_text("table inet t { chain c { type filter hook "
					     "forward priority 0;\n sctp dport set 99\n }\n}\n",
					     &cfg, &bad, err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "sctp checksum") != NULL);
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
	NFV_TEST_SUITE("filter_payload_set", setup, teardown,
		{ "IPv4 dscp, ttl, address: header and TCP checksums", test_ipv4_fields },
		{ "ports: the TCP/UDP checksum, IPv4 and IPv6", test_ports },
		{ "UDP without a checksum keeps none", test_udp_no_checksum },
		{ "IPv6 dscp, addresses: TCP and ICMPv6 checksums", test_ipv6 },
		{ "a header across two segments", test_segments },
		{ "link layer and the SCTP checksum refused", test_refused });
	return nfv_test_run();
}
