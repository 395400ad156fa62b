/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-gen packets: every frame built from the templates is a valid
 * Ethernet/IP/UDP frame of the flow and size it claims, with IP and UDP
 * checksums that a plain RFC 1071 sum over the bytes accepts, and carries
 * the signature it was stamped with. Also the transmit pacing arithmetic.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "nfv_gen.h"
#include "nfv_test.h"

static struct rte_mempool *mp;

/* RFC 1071, byte by byte, independent of the code under test. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Checks one frame; returns 0 when valid, the failed check's line if not. */
static int frame_check(const uint8_t *d, uint16_t len, int family,
		       const struct nfv_gen_tuple *t)
{
	unsigned int l3 = RTE_ETHER_HDR_LEN, l4, alen = family == AF_INET ? 4 : 16;
	uint8_t pseudo[40];
	uint32_t sum;

	if (family == AF_INET) {
		if (get16(d + 12) != RTE_ETHER_TYPE_IPV4 || d[l3] != 0x45 || d[l3 + 9] != 17)
			return __LINE__;
		if (get16(d + l3 + 2) != len - l3)
			return __LINE__;
		if (fold(sum16(d + l3, 20, 0)) != 0xffff)	/* header sum */
			return __LINE__;
		if (memcmp(d + l3 + 12, t->src, 4) || memcmp(d + l3 + 16, t->dst, 4))
			return __LINE__;
		l4 = l3 + 20;
	} else {
		if (get16(d + 12) != RTE_ETHER_TYPE_IPV6 || d[l3] >> 4 != 6 || d[l3 + 6] != 17)
			return __LINE__;
		if (get16(d + l3 + 4) != len - l3 - 40)
			return __LINE__;
		if (memcmp(d + l3 + 8, t->src, 16) || memcmp(d + l3 + 24, t->dst, 16))
			return __LINE__;
		l4 = l3 + 40;
	}
	if (get16(d + l4) != t->sport || get16(d + l4 + 2) != t->dport)
		return __LINE__;
	if (get16(d + l4 + 4) != len - l4)
		return __LINE__;
	if (get16(d + l4 + 6) == 0)
		return __LINE__;	/* we always fill it, IPv6 requires it */
	memset(pseudo, 0, sizeof(pseudo));
	memcpy(pseudo, t->src, alen);
	memcpy(pseudo + alen, t->dst, alen);
	sum = sum16(pseudo, 2 * alen, 0) + 17 + (len - l4);
	if (fold(sum16(d + l4, len - l4, sum)) != 0xffff)
		return __LINE__;
	return 0;
}

static void conf_init(struct nfv_gen_flow_conf *fc, int family, uint32_t nflows)
{
	int v6 = family == AF_INET6;

	memset(fc, 0, sizeof(*fc));
	fc->family = family;
	fc->nflows = nflows;
	CU_ASSERT(nfv_gen_addr_range_parse(v6 ? "fd00::ff00/120" : "10.0.0.0/24", family,
					   &fc->src) == 0);
	CU_ASSERT(nfv_gen_addr_range_parse(v6 ? "2001:db8::fffe-2001:db8::1:3" :
					   "10.1.255.254-10.2.0.3", family, &fc->dst) == 0);
	CU_ASSERT(nfv_gen_port_range_parse("65530-65535", &fc->sport) == 0);
	CU_ASSERT(nfv_gen_port_range_parse("0-9", &fc->dport) == 0);
	rte_ether_unformat_addr("02:00:00:00:00:02", &fc->dmac);
	rte_ether_unformat_addr("02:00:00:00:00:01", &fc->smac);
}

static void check_family(int family, const char *size_spec)
{
	struct nfv_gen_flow_conf fc;
	struct nfv_gen_sizes sizes;
	struct nfv_gen_tmpl t;
	struct nfv_gen_tx tx;
	struct rte_mbuf *pkts[NFV_GEN_BURST];
	const uint32_t nflows = 7;
	uint32_t nextseq[7] = { 0 };
	unsigned int b, i, sched = 0;

	conf_init(&fc, family, nflows);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_sizes_parse(size_spec, &sizes), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_tmpl_init(&t, &fc, &sizes), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_tx_init(&tx, &t, mp, 0, UINT64_MAX, 1000), 0);
	/* the timestamp goes around 2^48 in the middle of the run */
	for (b = 0; b < 20; b++) {
		uint64_t now = NFV_GEN_TS_MASK - 5 + b;

		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_alloc_bulk(mp, pkts, NFV_GEN_BURST), 0);
		nfv_gen_tx_build(&tx, pkts, NFV_GEN_BURST, now);
		for (i = 0; i < NFV_GEN_BURST; i++) {
			uint32_t flow = (b * NFV_GEN_BURST + i) % nflows;
			uint16_t size = sizes.len[sizes.sched[sched]];
			const uint8_t *d = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
			struct nfv_gen_tuple tuple;
			struct nfv_gen_sig sig;
			int bad;

			sched = (sched + 1) % sizes.nsched;
			nfv_gen_flow_tuple(&fc, flow, &tuple);
			CU_ASSERT_EQUAL(pkts[i]->pkt_len, size - NFV_GEN_FCS_LEN);
			CU_ASSERT_EQUAL(pkts[i]->data_len, pkts[i]->pkt_len);
			CU_ASSERT(memcmp(d, &fc.dmac, 6) == 0 && memcmp(d + 6, &fc.smac, 6) == 0);
			bad = frame_check(d, pkts[i]->data_len, family, &tuple);
			if (bad)
				fprintf(stderr, "frame %u/%u fails the check at line %d\n", b, i, bad);
			CU_ASSERT_EQUAL(bad, 0);
			/* and DPDK's own verification agrees */
			if (family == AF_INET) {
				CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(
					(const void *)(d + 14), d + 34), 0);
			} else {
				CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(
					(const void *)(d + 14), d + 54), 0);
			}
			CU_ASSERT_EQUAL_FATAL(nfv_gen_sig_read(pkts[i], &sig), 0);
			CU_ASSERT_EQUAL(sig.stream, flow);
			CU_ASSERT_EQUAL(sig.seq, nextseq[flow]);
			nextseq[flow]++;
			CU_ASSERT_EQUAL(sig.ts, now & NFV_GEN_TS_MASK);
		}
		/* a flipped payload bit must be caught by the same check */
		if (b == 0) {
			uint8_t *d = rte_pktmbuf_mtod(pkts[0], uint8_t *);
			struct nfv_gen_tuple tuple;

			nfv_gen_flow_tuple(&fc, 0, &tuple);
			d[pkts[0]->data_len - 1] ^= 0x10;
			CU_ASSERT_NOT_EQUAL(frame_check(d, pkts[0]->data_len, family, &tuple), 0);
		}
		rte_pktmbuf_free_bulk(pkts, NFV_GEN_BURST);
	}
	nfv_gen_tx_fini(&tx);
	nfv_gen_tmpl_fini(&t);
}

static void test_ipv4_frames(void)
{
	check_family(AF_INET, "64,65,128,570,1517,1518");
	check_family(AF_INET, "imix");
}

static void test_ipv6_frames(void)
{
	check_family(AF_INET6, "84,85,86,570:3,1518");
}

static void test_too_small(void)
{
	struct nfv_gen_flow_conf fc;
	struct nfv_gen_sizes sizes;
	struct nfv_gen_tmpl t;

	conf_init(&fc, AF_INET6, 1);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_sizes_parse("83", &sizes), 0);
	CU_ASSERT_EQUAL(nfv_gen_tmpl_init(&t, &fc, &sizes), -ERANGE);
	fc.nflows = 0;
	CU_ASSERT_EQUAL(nfv_gen_tmpl_init(&t, &fc, &sizes), -EINVAL);
}

static void test_sig_foreign(void)
{
	static const uint8_t arp[60] = { [12] = 0x08, [13] = 0x06 };
	struct rte_mbuf *m = nfv_test_mbuf(mp, arp, sizeof(arp));
	struct nfv_gen_sig sig;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(nfv_gen_sig_read(m, &sig), -ENOENT);
	rte_pktmbuf_free(m);
}

static void test_pacing(void)
{
	struct nfv_gen_tmpl t = { .nflows = 1 };
	struct nfv_gen_tx tx;

	/* 1000 pps on a 1 MHz clock: one packet every 1000 ticks */
	CU_ASSERT_EQUAL_FATAL(nfv_gen_tx_init(&tx, &t, mp, 1000, 100, 1000000), 0);
	tx.start = 5000;
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 5000), 1);	/* the first at once */
	tx.built = 1;
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 5999), 0);
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 6000), 1);
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 15000), 10);
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 1005000), NFV_GEN_BURST);	/* one burst at most */
	tx.built = 90;
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 1005000), 10);	/* the count ends it */
	tx.built = 100;
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 1005000), 0);
	CU_ASSERT(nfv_gen_tx_done(&tx));
	/* as fast as possible: always a full burst */
	tx.rate = 0;
	tx.limit = UINT64_MAX;
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 0), NFV_GEN_BURST);
	nfv_gen_tx_fini(&tx);
}

/* --trials: a reset starts sequences and counters again, pending frames
 * go back to the pool, the rate changes */
static void test_tx_reset(void)
{
	struct nfv_gen_tmpl t = { .nflows = 4 };
	struct rte_mbuf *m;
	struct nfv_gen_tx tx;
	unsigned int in_use;

	CU_ASSERT_EQUAL_FATAL(nfv_gen_tx_init(&tx, &t, mp, 1000, UINT64_MAX, 1000000), 0);
	in_use = rte_mempool_in_use_count(mp);
	tx.seq[0] = 17;
	tx.seq[3] = 5;
	tx.flow_next = 2;
	tx.sched_next = 1;
	tx.built = tx.pkts = 22;
	tx.bytes = 1408;
	tx.start = 99;
	tx.started = true;
	tx.alloc_fail = tx.encap_drop = 1;
	m = rte_pktmbuf_alloc(mp);
	CU_ASSERT_FATAL(m != NULL);
	tx.pend[0] = m;
	tx.npend = 1;
	nfv_gen_tx_reset(&tx, 5000);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(mp), in_use);
	CU_ASSERT_EQUAL(tx.npend, 0);
	CU_ASSERT(tx.seq[0] == 0 && tx.seq[3] == 0);
	CU_ASSERT(tx.flow_next == 0 && tx.sched_next == 0);
	CU_ASSERT(tx.built == 0 && tx.pkts == 0 && tx.bytes == 0);
	CU_ASSERT(!tx.started && tx.start == 0);
	CU_ASSERT(tx.alloc_fail == 0 && tx.encap_drop == 0);
	CU_ASSERT_EQUAL(tx.rate, 5000);
	CU_ASSERT_EQUAL(tx.limit, UINT64_MAX);
	CU_ASSERT_EQUAL(nfv_gen_tx_due(&tx, 0), 1);	/* the first at once, again */
	nfv_gen_tx_fini(&tx);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("gen_pkt", 1023);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("gen_pkt", NULL, NULL,
		{ "IPv4 frames are valid", test_ipv4_frames },
		{ "IPv6 frames are valid", test_ipv6_frames },
		{ "sizes below the signature are refused", test_too_small },
		{ "foreign frames have no signature", test_sig_foreign },
		{ "pacing", test_pacing },
		{ "reset between trials", test_tx_reset });
	return nfv_test_run();
}
