/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly of datagrams for us (dataplane/datapath/reass.c) on a fake clock:
 * in order, out of order, IPv6, what passes untouched, the timeout, too
 * many fragments and shutdown, floods from many sources and from one
 * (the bounds), each drop under its own reason and no mbuf left behind.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>

#include "dp.h"
#include "nfv_hook_table.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "reass.h"

static struct rte_mempool *pool;
static struct nfv_dp dp;
static struct nfv_worker wk;
static uint8_t payload[3000];

static int setup(void)
{
	for (unsigned int i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	pool = nfv_test_pool("reass_pool", 512);
	dp.hooks = nfv_hook_table_create(1);
	dp.nb_workers = 1;
	wk.dp = &dp;
	wk.lcore = rte_lcore_id();
	return pool == NULL || dp.hooks == NULL || nfv_reass_init(&wk) != 0;
}

static uint64_t drops(unsigned int reason)
{
	return dp.hooks->drops[0].count[reason];
}

/* Fragment [off, off + len) of a UDP-less IPv4 datagram of payload bytes, from src. */
static struct rte_mbuf *frag4s(uint32_t src, uint16_t id, uint16_t off, uint16_t len, bool more)
{
	uint8_t buf[1600];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct rte_mbuf *m;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(20 + len);
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((off / 8) | (more ? RTE_IPV4_HDR_MF_FLAG : 0));
	ip->time_to_live = 64;
	ip->next_proto_id = 253;	/* RFC 3692 experimental */
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(0xc0000201);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(buf + 20, payload + off, len);
	m = nfv_test_mbuf(pool, buf, 20 + len);
	CU_ASSERT_FATAL(m != NULL);
	nfv_mbuf_meta_reset(m, 0);
	nfv_mbuf_meta(m)->family = AF_INET;
	return m;
}

static struct rte_mbuf *frag4(uint16_t id, uint16_t off, uint16_t len, bool more)
{
	return frag4s(0xc0000202, id, off, len, more);
}

/* From 2001:db8::2, or 2001:db8:ff::SRC when src is not 0. */
static struct rte_mbuf *frag6s(uint32_t src, uint32_t id, uint16_t off, uint16_t len, bool more)
{
	uint8_t buf[1600];
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)buf;
	struct rte_ipv6_fragment_ext *fh = (struct rte_ipv6_fragment_ext *)(ip + 1);
	struct rte_mbuf *m;

	memset(buf, 0, 48);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(8 + len);
	ip->proto = IPPROTO_FRAGMENT;
	ip->hop_limits = 64;
	inet_pton(AF_INET6, "2001:db8::2", ip->src_addr);
	inet_pton(AF_INET6, "2001:db8::1", ip->dst_addr);
	if (src != 0) {
		ip->src_addr[5] = 0xff;
		memcpy(ip->src_addr + 12, &src, 4);
	}
	fh->next_header = 253;
	fh->frag_data = rte_cpu_to_be_16(off | (more ? 1 : 0));
	fh->id = rte_cpu_to_be_32(id);
	memcpy(buf + 48, payload + off, len);
	m = nfv_test_mbuf(pool, buf, 48 + len);
	CU_ASSERT_FATAL(m != NULL);
	nfv_mbuf_meta_reset(m, 0);
	nfv_mbuf_meta(m)->family = AF_INET6;
	return m;
}

static struct rte_mbuf *frag6(uint32_t id, uint16_t off, uint16_t len, bool more)
{
	return frag6s(0, id, off, len, more);
}

/* The datagram's payload (after hlen header bytes) is payload[0, len). */
static void check_whole(struct rte_mbuf *m, unsigned int hlen, unsigned int len)
{
	uint8_t out[sizeof(payload)];

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_pkt_len(m), hlen + len);
	CU_ASSERT_FATAL(rte_pktmbuf_read(m, hlen, len, out) != NULL);
	CU_ASSERT(memcmp(rte_pktmbuf_read(m, hlen, len, out), payload, len) == 0);
}

static uint16_t run(struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	wk.st[0].now = now;
	return nfv_reass_local(&wk, pkts, n);
}

static void test_ipv4(void)
{
	unsigned int in_use = rte_mempool_in_use_count(pool);
	uint64_t t0 = rte_get_tsc_cycles();
	struct rte_mbuf *p[4];
	struct rte_ipv4_hdr *ip;

	/* in order, with a packet that is not a fragment in between */
	p[0] = frag4(1, 0, 1480, true);
	p[1] = frag4(9, 0, 100, false);		/* whole: passes as it is */
	p[2] = frag4(1, 1480, 1000, false);
	CU_ASSERT_EQUAL_FATAL(run(p, 3, t0), 2);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(p[0]), 120);
	check_whole(p[1], 20, 2480);
	ip = rte_pktmbuf_mtod(p[1], struct rte_ipv4_hdr *);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 2500);
	CU_ASSERT_EQUAL(ip->fragment_offset, 0);
	CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);	/* the header sums to 0xffff */
	rte_pktmbuf_free(p[0]);
	rte_pktmbuf_free(p[1]);
	/* out of order, one call each */
	p[0] = frag4(2, 1480, 1000, false);
	CU_ASSERT_EQUAL(run(p, 1, t0), 0);
	p[0] = frag4(2, 0, 1480, true);
	CU_ASSERT_EQUAL_FATAL(run(p, 1, t0), 1);
	check_whole(p[0], 20, 2480);
	rte_pktmbuf_free(p[0]);
	CU_ASSERT_EQUAL(wk.stats.reass_fragments, 4);
	CU_ASSERT_EQUAL(wk.stats.reass_datagrams, 2);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
}

static void test_ipv6(void)
{
	unsigned int in_use = rte_mempool_in_use_count(pool);
	struct rte_mbuf *p[2];
	struct rte_ipv6_hdr *ip;

	p[0] = frag6(7, 0, 1232, true);
	p[1] = frag6(7, 1232, 768, false);
	CU_ASSERT_EQUAL_FATAL(run(p, 2, rte_get_tsc_cycles()), 1);
	check_whole(p[0], 40, 2000);
	ip = rte_pktmbuf_mtod(p[0], struct rte_ipv6_hdr *);
	/* the fragment header is gone; its next header took its place */
	CU_ASSERT_EQUAL(ip->proto, 253);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), 2000);
	rte_pktmbuf_free(p[0]);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
}

/* An incomplete datagram goes after NFV_REASS_TIMEOUT_S, not before. */
static void test_timeout(void)
{
	unsigned int in_use = rte_mempool_in_use_count(pool);
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_get_tsc_cycles();
	uint64_t before = drops(NFV_DR_IP_REASS_TIMEOUT);
	struct rte_mbuf *p[1];

	p[0] = frag4(3, 0, 1480, true);
	CU_ASSERT_EQUAL(run(p, 1, t0), 0);
	nfv_reass_expire(&wk, t0 + (NFV_REASS_TIMEOUT_S - 1) * hz);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_TIMEOUT), before);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use + 1);
	nfv_reass_expire(&wk, t0 + (NFV_REASS_TIMEOUT_S + 1) * hz);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_TIMEOUT), before + 1);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
}

/*
 * A datagram has 8 fragment slots (first, last and 6 others): the 8th
 * fragment in order drops all 8; the rest start a new, incomplete one.
 */
static void test_too_many(void)
{
	unsigned int in_use = rte_mempool_in_use_count(pool);
	uint64_t before = drops(NFV_DR_IP_REASS_FAILED);
	/* later than test_timeout's clock, which set the next scan */
	uint64_t t0 = rte_get_tsc_cycles() + 100 * rte_get_tsc_hz();
	struct rte_mbuf *p[10];

	for (unsigned int i = 0; i < 10; i++)
		p[i] = frag4(4, i * 200, 200, i < 9);
	CU_ASSERT_EQUAL(run(p, 10, t0), 0);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_FAILED), before + 8);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use + 2);
	/* the last two go when their time is up */
	nfv_reass_expire(&wk, t0 + (NFV_REASS_TIMEOUT_S + 1) * rte_get_tsc_hz());
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
}

/* What is held at shutdown is dropped and counted as such. */
static void test_shutdown(void)
{
	unsigned int in_use = rte_mempool_in_use_count(pool);
	uint64_t before = drops(NFV_DR_SHUTDOWN);
	struct rte_mbuf *p[2];

	p[0] = frag4(5, 0, 1480, true);
	p[1] = frag6(5, 0, 1232, true);
	CU_ASSERT_EQUAL(run(p, 2, rte_get_tsc_cycles() + 200 * rte_get_tsc_hz()), 0);
	nfv_reass_fini(&wk);
	CU_ASSERT_EQUAL(drops(NFV_DR_SHUTDOWN), before + 2);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
	CU_ASSERT(wk.reass == NULL);
	CU_ASSERT_FATAL(nfv_reass_init(&wk) == 0);
}

/* Drops everything held, counted as shutdown, and starts a fresh table. */
static void reass_reset(void)
{
	nfv_reass_fini(&wk);
	CU_ASSERT_FATAL(nfv_reass_init(&wk) == 0);
}

/*
 * 600 incomplete first fragments, each from another (spoofed) source, a
 * few per time step: the oldest are evicted down to NFV_REASS_LOW each
 * time NFV_REASS_ENTRIES are held, and a real datagram that comes right
 * after is still reassembled (the table alone refused it for 30 s).
 */
static void flood(bool v6)
{
	unsigned int in_use = rte_mempool_in_use_count(pool);
	uint64_t evicted = drops(NFV_DR_IP_REASS_EVICTED);
	uint64_t failed = drops(NFV_DR_IP_REASS_FAILED);
	uint64_t t0 = rte_get_tsc_cycles() + 1000 * rte_get_tsc_hz();
	struct rte_mbuf *p[2];
	unsigned int held;

	reass_reset();
	for (uint32_t i = 0; i < 600; i++) {
		p[0] = v6 ? frag6s(i + 1, i, 0, 64, true) : frag4s(0x0a090000 + i, i, 0, 64, true);
		CU_ASSERT_EQUAL(run(p, 1, t0 + i / 4), 0);
	}
	held = rte_mempool_in_use_count(pool) - in_use;
	CU_ASSERT(held <= NFV_REASS_ENTRIES);
	CU_ASSERT(held >= NFV_REASS_LOW);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_EVICTED) - evicted, 600 - held);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_FAILED), failed);
	/* real datagrams, one after the other, each with its own id */
	for (uint16_t id = 1000; id < 1016; id++) {
		p[0] = v6 ? frag6(id, 0, 1232, true) : frag4(id, 0, 1480, true);
		p[1] = v6 ? frag6(id, 1232, 768, false) : frag4(id, 1480, 1000, false);
		CU_ASSERT_EQUAL_FATAL(run(p, 2, t0 + 600), 1);
		check_whole(p[0], v6 ? 40 : 20, v6 ? 2000 : 2480);
		rte_pktmbuf_free(p[0]);
	}
	/* at most one more group went for the real one */
	CU_ASSERT(rte_mempool_in_use_count(pool) - in_use <= held);
	reass_reset();
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
}

static void test_flood4(void)
{
	flood(false);
}

static void test_flood6(void)
{
	flood(true);
}

/*
 * One source holds NFV_REASS_PER_SRC datagrams; its next new ones are
 * refused (ip-reass-source-limit), the ones it has go on, and other
 * sources are not touched.
 */
static void test_per_source(void)
{
	unsigned int in_use = rte_mempool_in_use_count(pool);
	uint64_t limit = drops(NFV_DR_IP_REASS_SOURCE_LIMIT);
	uint64_t evicted = drops(NFV_DR_IP_REASS_EVICTED);
	uint64_t t0 = rte_get_tsc_cycles() + 2000 * rte_get_tsc_hz();
	struct rte_mbuf *p[2];

	reass_reset();
	for (uint16_t i = 0; i < NFV_REASS_PER_SRC + 8; i++) {
		p[0] = frag4s(0x0a000007, 100 + i, 0, 1480, true);
		CU_ASSERT_EQUAL(run(p, 1, t0), 0);
	}
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_SOURCE_LIMIT) - limit, 8);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use + NFV_REASS_PER_SRC);
	/* another source */
	p[0] = frag4(78, 0, 1480, true);
	p[1] = frag4(78, 1480, 1000, false);
	CU_ASSERT_EQUAL_FATAL(run(p, 2, t0), 1);
	check_whole(p[0], 20, 2480);
	rte_pktmbuf_free(p[0]);
	/* a datagram the full source has already: completed, and a slot freed */
	p[0] = frag4s(0x0a000007, 100, 1480, 1000, false);
	CU_ASSERT_EQUAL_FATAL(run(p, 1, t0), 1);
	check_whole(p[0], 20, 2480);
	rte_pktmbuf_free(p[0]);
	p[0] = frag4s(0x0a000007, 200, 0, 1480, true);
	CU_ASSERT_EQUAL(run(p, 1, t0), 0);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_SOURCE_LIMIT) - limit, 8);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_EVICTED), evicted);
	/* the timeout frees the source's slots too */
	nfv_reass_expire(&wk, t0 + (NFV_REASS_TIMEOUT_S + 1) * rte_get_tsc_hz());
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
	p[0] = frag4s(0x0a000007, 300, 0, 1480, true);
	CU_ASSERT_EQUAL(run(p, 1, t0 + (NFV_REASS_TIMEOUT_S + 2) * rte_get_tsc_hz()), 0);
	CU_ASSERT_EQUAL(drops(NFV_DR_IP_REASS_SOURCE_LIMIT) - limit, 8);
	reass_reset();
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), in_use);
}

int main(int argc, char **argv)
{
	(void)argc;
	nfv_test_eal_init(argv[0]);
	if (setup() != 0 || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("reass", NULL, NULL,
		{ "IPv4: in order, out of order, a whole packet between", test_ipv4 },
		{ "IPv6: fragment header removed", test_ipv6 },
		{ "timeout: held until 30 s, then ip-reass-timeout", test_timeout },
		{ "more than 8 fragments: ip-reass-failed", test_too_many },
		{ "shutdown: held fragments counted", test_shutdown },
		{ "IPv4 flood from 600 sources: oldest evicted, a real one passes", test_flood4 },
		{ "IPv6 flood from 600 sources: oldest evicted, a real one passes", test_flood6 },
		{ "one source: NFV_REASS_PER_SRC datagrams, then refused", test_per_source });
	return nfv_test_run();
}
