/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <sys/socket.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nfv_icmp.h"
#include "nfv_ip4.h"
#include "nfv_ip6.h"
#include "nfv_mbuf.h"
#include "proto_test.h"

static struct rte_mempool *mp;
static struct nfv_icmp_sender sender;
static const struct nfv_siphash_key test_key = { 0x0706050403020100, 0x0f0e0d0c0b0a0908 };
static uint16_t err4_id;	/* the ID of err4()'s error, before it wrote the vectors' */

#define OUR_IP RTE_BE32(PROTO_IP4(192, 0, 2, 1))
#define ROUTER_IP RTE_BE32(PROTO_IP4(203, 0, 113, 1))
static const uint8_t router6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xfe };
static const uint8_t ll6[16] = { 0xfe, 0x80, [15] = 0x01 };

static void setup_sender(struct rte_mempool *pool, uint32_t burst)
{
	sender.mp = pool;
	nfv_ratelimit_init(&sender.rl, 1000, burst, 1000000, 0);
	nfv_ipid_init(&sender.ids, &test_key, NFV_IPID_ICMP, 0, 0);
}

/* In-place reply: checks the input, runs fn, compares with exp. */
#define ECHO4(in, out, src) do {					\
	struct rte_mbuf *m_ = PROTO_MBUF(mp, in);			\
	CU_ASSERT_EQUAL(nfv_ip4_check(m_), 0);				\
	CU_ASSERT_EQUAL(nfv_icmp4_echo_reply(m_, (src)), 0);		\
	PROTO_ASSERT_PKT(m_, out);					\
	CU_ASSERT_EQUAL(nfv_ip4_check(m_), 0);				\
	rte_pktmbuf_free(m_);						\
} while (0)

static void test_echo4(void)
{
	ECHO4(icmp4_echo_req, icmp4_echo_rep, 0);
	ECHO4(icmp4_echo_req_opts, icmp4_echo_rep_opts, 0);
	ECHO4(icmp4_echo_req_bcast, icmp4_echo_rep_bcast, OUR_IP);
}

static void test_echo4_bad(void)
{
	uint8_t buf[sizeof(icmp4_echo_req)];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct rte_mbuf *m;

	/* ICMP checksum */
	memcpy(buf, icmp4_echo_req, sizeof(buf));
	buf[sizeof(buf) - 1] ^= 1;
	m = proto_mbuf(mp, buf, sizeof(buf));
	CU_ASSERT_EQUAL(nfv_icmp4_echo_reply(m, 0), NFV_DR_ICMP_BAD);
	CU_ASSERT(proto_pkt_equal(m, buf, sizeof(buf)));
	rte_pktmbuf_free(m);
	/* not a request: a reply */
	m = PROTO_MBUF(mp, icmp4_echo_rep);
	CU_ASSERT_EQUAL(nfv_icmp4_echo_reply(m, 0), NFV_DR_ICMP_BAD);
	rte_pktmbuf_free(m);
	/* not ICMP */
	m = PROTO_MBUF(mp, ip4_udp);
	CU_ASSERT_EQUAL(nfv_icmp4_echo_reply(m, 0), NFV_DR_ICMP_BAD);
	rte_pktmbuf_free(m);
	/* shorter than an ICMP header */
	memcpy(buf, icmp4_echo_req, sizeof(buf));
	ip->total_length = RTE_BE16(24);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = proto_mbuf(mp, buf, 24);
	CU_ASSERT_EQUAL(nfv_ip4_check(m), 0);
	CU_ASSERT_EQUAL(nfv_icmp4_echo_reply(m, 0), NFV_DR_ICMP_BAD);
	rte_pktmbuf_free(m);
	/* a fragment: no reassembly */
	memcpy(buf, icmp4_echo_req, sizeof(buf));
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = proto_mbuf(mp, buf, sizeof(buf));
	CU_ASSERT_EQUAL(nfv_icmp4_echo_reply(m, 0), NFV_DR_IP4_FRAG);
	rte_pktmbuf_free(m);
}

static void test_echo6(void)
{
	struct rte_mbuf *m;

	m = PROTO_MBUF(mp, icmp6_echo_req);
	CU_ASSERT_EQUAL(nfv_ip6_check(m), 0);
	CU_ASSERT_EQUAL(nfv_icmp6_echo_reply(m, NULL), 0);
	PROTO_ASSERT_PKT(m, icmp6_echo_rep);
	rte_pktmbuf_free(m);

	m = PROTO_MBUF(mp, icmp6_echo_req_mc);
	CU_ASSERT_EQUAL(nfv_icmp6_echo_reply(m, ll6), 0);
	PROTO_ASSERT_PKT(m, icmp6_echo_rep_mc);
	rte_pktmbuf_free(m);
}

static void test_echo6_bad(void)
{
	uint8_t buf[sizeof(icmp6_echo_req)];
	struct rte_mbuf *m;

	/* the checksum covers the pseudo-header: change the source */
	memcpy(buf, icmp6_echo_req, sizeof(buf));
	buf[23] ^= 1;
	m = proto_mbuf(mp, buf, sizeof(buf));
	CU_ASSERT_EQUAL(nfv_icmp6_echo_reply(m, NULL), NFV_DR_ICMP_BAD);
	CU_ASSERT(proto_pkt_equal(m, buf, sizeof(buf)));
	rte_pktmbuf_free(m);
	m = PROTO_MBUF(mp, icmp6_echo_rep);
	CU_ASSERT_EQUAL(nfv_icmp6_echo_reply(m, NULL), NFV_DR_ICMP_BAD);
	rte_pktmbuf_free(m);
	m = PROTO_MBUF(mp, ip6_udp);
	CU_ASSERT_EQUAL(nfv_icmp6_echo_reply(m, NULL), NFV_DR_LOCAL_UNHANDLED);
	rte_pktmbuf_free(m);
}

static struct rte_mbuf *err4(const uint8_t *orig, size_t len, uint8_t type, uint8_t code,
			     uint32_t info, int rc_exp)
{
	struct rte_mbuf *o = proto_mbuf(mp, orig, len), *m = NULL;
	struct rte_ipv4_hdr *ip;
	int rc;

	CU_ASSERT_EQUAL(nfv_ip4_check(o), 0);
	rc = nfv_icmp4_error(&sender, 1, o, type, code, info, ROUTER_IP, &m);
	CU_ASSERT_EQUAL(rc, rc_exp);
	/* the original is left for the caller to drop */
	CU_ASSERT(proto_pkt_equal(o, orig, len));
	rte_pktmbuf_free(o);
	if (rc == 0) {
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->family, AF_INET);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->flags, NFV_MBUF_F_LOCAL_OUT);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->iport, UINT16_MAX);
		CU_ASSERT_EQUAL(nfv_ip4_check(m), 0);
		/* the ID is test_ipid.c's; the vectors have scapy's */
		ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		err4_id = rte_be_to_cpu_16(ip->packet_id);
		ip->packet_id = RTE_BE16(0x4e00);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return m;
}

#define ERR4_OK(orig, exp, type, code, info) do {				\
	struct rte_mbuf *m_ = err4(orig, sizeof(orig), type, code, info, 0);	\
	if (m_ != NULL) {							\
		PROTO_ASSERT_PKT(m_, exp);					\
		rte_pktmbuf_free(m_);						\
	}									\
} while (0)

#define ERR4_NO(orig) \
	CU_ASSERT_PTR_NULL(err4(orig, sizeof(orig), NFV_ICMP4_TIME_EXCEEDED, 0, 0, -EPERM))

static void test_err4(void)
{
	struct rte_mbuf *m;
	rte_be32_t orig_src;

	setup_sender(mp, 100);
	ERR4_OK(err4_orig, err4_time, NFV_ICMP4_TIME_EXCEEDED, NFV_ICMP4_EXC_TTL, 0);
	ERR4_OK(err4_orig, err4_port, NFV_ICMP4_DEST_UNREACH, NFV_ICMP4_PORT_UNREACH, 0);
	ERR4_OK(err4_big, err4_fragneeded, NFV_ICMP4_DEST_UNREACH, NFV_ICMP4_FRAG_NEEDED, 1400);
	/* no DF, so the ID counts per destination, as Linux's
	 * ip_select_ident() does (no jumps here: a fixed key) */
	m = err4(err4_orig, sizeof(err4_orig), NFV_ICMP4_TIME_EXCEEDED, 0, 0, 0);
	memcpy(&orig_src, err4_orig + 12, 4);
	CU_ASSERT_EQUAL(err4_id, (uint16_t)(nfv_ipid_next(&sender.ids, ROUTER_IP, orig_src,
							  IPPROTO_ICMP, 1) - 1));
	if (m != NULL) {
		struct rte_mbuf *n = NULL;

		CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 1, m, NFV_ICMP4_TIME_EXCEEDED, 0, 0,
						ROUTER_IP, &n), -EPERM);	/* an error */
		rte_pktmbuf_free(m);
		m = PROTO_MBUF(mp, err4_orig);
		CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 1, m, NFV_ICMP4_TIME_EXCEEDED, 0, 0,
						ROUTER_IP, &n), 0);
		rte_pktmbuf_free(m);
		if (n != NULL) {
			CU_ASSERT_EQUAL(rte_pktmbuf_mtod(n, struct rte_ipv4_hdr *)->packet_id,
					rte_cpu_to_be_16((uint16_t)(err4_id + 2)));
			CU_ASSERT_EQUAL(rte_pktmbuf_mtod(n, struct rte_ipv4_hdr *)->fragment_offset, 0);
			rte_pktmbuf_free(n);
		}
	}
	/* echo requests are queries: they get errors */
	m = err4(err4_icmp_echo, sizeof(err4_icmp_echo), NFV_ICMP4_TIME_EXCEEDED, 0, 0, 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 28 + sizeof(err4_icmp_echo));
	rte_pktmbuf_free(m);
}

/* The IDs of n errors about err4_orig from a sender with key. */
static void err4_ids(const struct nfv_siphash_key *key, uint16_t *ids, unsigned int n)
{
	struct rte_mbuf *o = PROTO_MBUF(mp, err4_orig), *m;

	nfv_ipid_init(&sender.ids, key, NFV_IPID_ICMP, 0, 0);
	for (unsigned int i = 0; i < n; i++) {
		ids[i] = 0;
		CU_ASSERT_EQUAL_FATAL(nfv_icmp4_error(&sender, 1, o, NFV_ICMP4_TIME_EXCEEDED, 0, 0,
						      ROUTER_IP, &m), 0);
		ids[i] = rte_be_to_cpu_16(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->packet_id);
		CU_ASSERT_EQUAL(nfv_ip4_check(m), 0);
		rte_pktmbuf_free(m);
	}
	rte_pktmbuf_free(o);
}

/* IDs nobody can predict without the secret, the same under one secret. */
static void test_err4_ids(void)
{
	static const struct nfv_siphash_key other = { 1, 2 };
	uint16_t a[4], b[4], c[4];

	setup_sender(mp, 100);
	err4_ids(&test_key, a, 4);
	err4_ids(&test_key, b, 4);
	err4_ids(&other, c, 4);
	CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
	CU_ASSERT(memcmp(a, c, sizeof(a)) != 0);
	CU_ASSERT_NOT_EQUAL(a[0], c[0]);
	for (unsigned int i = 1; i < 4; i++) {
		CU_ASSERT_NOT_EQUAL(a[i], a[i - 1]);
		CU_ASSERT_NOT_EQUAL(c[i], c[i - 1]);
	}
}

/* The same for the flow labels of ICMPv6 errors. */
static void test_err6_labels(void)
{
	static const struct nfv_siphash_key other = { 1, 2 };
	const uint8_t *dst = err6_orig + 8;	/* the error goes to orig's source */

	CU_ASSERT_EQUAL(nfv_icmp6_flowlabel(&test_key, router6, dst, NFV_ICMP6_TIME_EXCEEDED),
			nfv_icmp6_flowlabel(&test_key, router6, dst, NFV_ICMP6_TIME_EXCEEDED));
	CU_ASSERT_NOT_EQUAL(nfv_icmp6_flowlabel(&test_key, router6, dst, NFV_ICMP6_TIME_EXCEEDED),
			    nfv_icmp6_flowlabel(&other, router6, dst, NFV_ICMP6_TIME_EXCEEDED));
	CU_ASSERT_NOT_EQUAL(nfv_icmp6_flowlabel(&test_key, router6, dst, NFV_ICMP6_TIME_EXCEEDED),
			    nfv_icmp6_flowlabel(&test_key, router6, ll6, NFV_ICMP6_TIME_EXCEEDED));
}

static void test_err4_never(void)
{
	uint8_t buf[sizeof(err4_orig)];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

	setup_sender(mp, 100);
	ERR4_NO(err4_icmp_err);
	ERR4_NO(err4_frag2);
	ERR4_NO(err4_mcast);
	ERR4_NO(err4_bcast);
	/* from 0.0.0.0: nobody to tell */
	memcpy(buf, err4_orig, sizeof(buf));
	ip->src_addr = 0;
	ip->dst_addr = RTE_BE32(0xffffffff);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ERR4_NO(buf);
}

static struct rte_mbuf *err6(const uint8_t *orig, size_t len, uint8_t type, uint8_t code,
			     uint32_t info, int rc_exp)
{
	struct rte_mbuf *o = proto_mbuf(mp, orig, len), *m = NULL;
	int rc;

	CU_ASSERT_EQUAL(nfv_ip6_check(o), 0);
	rc = nfv_icmp6_error(&sender, 1, o, type, code, info, router6, &m);
	CU_ASSERT_EQUAL(rc, rc_exp);
	CU_ASSERT(proto_pkt_equal(o, orig, len));
	rte_pktmbuf_free(o);
	if (rc == 0) {
		struct rte_ipv6_hdr *ip6;
		uint32_t label;

		CU_ASSERT_FATAL(m != NULL);
		/* a flow label of the error's flow; the vectors have none */
		ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
		label = rte_be_to_cpu_32(ip6->vtc_flow) & 0xfffff;
		CU_ASSERT_EQUAL(label, nfv_icmp6_flowlabel(&test_key, router6, ip6->dst_addr, type));
		CU_ASSERT_NOT_EQUAL(label, 0);
		CU_ASSERT_NOT_EQUAL(label, nfv_icmp6_flowlabel(&test_key, router6, ip6->dst_addr,
							       type ^ 1));
		ip6->vtc_flow = RTE_BE32(6u << 28);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->family, AF_INET6);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->flags, NFV_MBUF_F_LOCAL_OUT);
		CU_ASSERT_EQUAL(nfv_ip6_check(m), 0);
	}
	return m;
}

#define ERR6_OK(orig, exp, type, code, info) do {				\
	struct rte_mbuf *m_ = err6(orig, sizeof(orig), type, code, info, 0);	\
	if (m_ != NULL) {							\
		PROTO_ASSERT_PKT(m_, exp);					\
		rte_pktmbuf_free(m_);						\
	}									\
} while (0)

#define ERR6_NO(orig, type) \
	CU_ASSERT_PTR_NULL(err6(orig, sizeof(orig), type, 0, 0, -EPERM))

static void test_err6(void)
{
	setup_sender(mp, 100);
	ERR6_OK(err6_orig, err6_time, NFV_ICMP6_TIME_EXCEEDED, NFV_ICMP6_EXC_HOPLIMIT, 0);
	ERR6_OK(err6_orig, err6_addr, NFV_ICMP6_DEST_UNREACH, NFV_ICMP6_ADDR_UNREACH, 0);
	ERR6_OK(err6_big, err6_ptb, NFV_ICMP6_PKT_TOO_BIG, 0, 1280);
	/* packet too big is the one error allowed about multicast */
	ERR6_OK(err6_mcast, err6_ptb_mcast, NFV_ICMP6_PKT_TOO_BIG, 0, 1280);
}

static void test_err6_never(void)
{
	uint8_t buf[sizeof(err6_orig)];

	setup_sender(mp, 100);
	ERR6_NO(err6_icmp_err, NFV_ICMP6_TIME_EXCEEDED);
	ERR6_NO(err6_frag2, NFV_ICMP6_TIME_EXCEEDED);
	ERR6_NO(err6_mcast, NFV_ICMP6_TIME_EXCEEDED);
	ERR6_NO(err6_mcast, NFV_ICMP6_DEST_UNREACH);
	memcpy(buf, err6_orig, sizeof(buf));
	memset(buf + 8, 0, 16);	/* from :: */
	ERR6_NO(buf, NFV_ICMP6_DEST_UNREACH);
}

static void test_err_limits(void)
{
	struct rte_mempool *tiny = nfv_test_pool("proto_icmp_tiny", 2);
	struct rte_mbuf *o4, *o6, *m, *held[2];
	unsigned int i;

	CU_ASSERT_FATAL(tiny != NULL);
	o4 = PROTO_MBUF(mp, err4_orig);
	o6 = PROTO_MBUF(mp, err6_orig);

	/* a burst of 3, no time passing: the 4th is refused */
	setup_sender(mp, 3);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 5, o4, 11, 0, 0, ROUTER_IP, &m), 0);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 5, o4, 11, 0, 0, ROUTER_IP, &m), -EAGAIN);
	CU_ASSERT_EQUAL(nfv_icmp6_error(&sender, 5, o6, 3, 0, 0, router6, &m), -EAGAIN);
	/* 1 ms later at 1000/s: one more */
	CU_ASSERT_EQUAL(nfv_icmp6_error(&sender, 1005, o6, 3, 0, 0, router6, &m), 0);
	rte_pktmbuf_free(m);
	/* RFC-forbidden errors do not spend tokens */
	setup_sender(mp, 1);
	m = PROTO_MBUF(mp, err4_mcast);
	CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 0, m, 11, 0, 0, ROUTER_IP, &held[0]), -EPERM);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 0, o4, 11, 0, 0, ROUTER_IP, &m), 0);
	rte_pktmbuf_free(m);

	/* an empty pool */
	setup_sender(tiny, 100);
	for (i = 0; i < 2; i++)
		held[i] = rte_pktmbuf_alloc(tiny);
	CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 0, o4, 11, 0, 0, ROUTER_IP, &m), -ENOBUFS);
	CU_ASSERT_EQUAL(nfv_icmp6_error(&sender, 0, o6, 3, 0, 0, router6, &m), -ENOBUFS);
	for (i = 0; i < 2; i++)
		rte_pktmbuf_free(held[i]);
	CU_ASSERT_EQUAL(nfv_icmp4_error(&sender, 0, o4, 11, 0, 0, ROUTER_IP, &m), 0);
	rte_pktmbuf_free(m);

	rte_pktmbuf_free(o4);
	rte_pktmbuf_free(o6);
	rte_mempool_free(tiny);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("proto_icmp", 512);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_icmp", NULL, NULL,
		{ "ICMP echo reply", test_echo4 },
		{ "ICMP echo: bad requests", test_echo4_bad },
		{ "ICMPv6 echo reply", test_echo6 },
		{ "ICMPv6 echo: bad requests", test_echo6_bad },
		{ "ICMP errors", test_err4 },
		{ "ICMP errors' IDs: secret, repeatable, counting", test_err4_ids },
		{ "ICMPv6 errors' flow labels: secret, repeatable", test_err6_labels },
		{ "no ICMP error about ...", test_err4_never },
		{ "ICMPv6 errors", test_err6 },
		{ "no ICMPv6 error about ...", test_err6_never },
		{ "rate limit and empty pool", test_err_limits });
	return nfv_test_run();
}
