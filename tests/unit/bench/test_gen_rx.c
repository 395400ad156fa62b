/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-gen receive bookkeeping with a fake clock: loss, reordering,
 * duplicates, late packets, 32-bit sequence wrap, latency and percentiles
 * from the log-scale histogram.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_mbuf.h>

#include "nfv_gen.h"
#include "nfv_test.h"

static struct rte_mempool *mp;

struct fake_clock {
	uint64_t now;
};

static uint64_t fake_read(void *arg)
{
	return ((struct fake_clock *)arg)->now;
}

/* A one-flow generator whose packets the test delivers as it likes. */
struct bench {
	struct fake_clock fc;
	struct nfv_gen_clock clk;
	struct nfv_gen_flow_conf conf;
	struct nfv_gen_tmpl t;
	struct nfv_gen_tx tx;
	struct nfv_gen_rx rx;
	struct nfv_gen_result res;
	struct nfv_gen_conf gconf;
};

static void bench_init(struct bench *b, uint32_t nflows)
{
	struct nfv_gen_sizes sizes;

	memset(b, 0, sizeof(*b));
	b->clk.read = fake_read;
	b->clk.arg = &b->fc;
	b->clk.hz = 1000000000;	/* ticks are ns */
	b->conf.family = AF_INET;
	b->conf.nflows = nflows;
	CU_ASSERT(nfv_gen_addr_range_parse("10.0.0.1", AF_INET, &b->conf.src) == 0);
	CU_ASSERT(nfv_gen_addr_range_parse("10.1.0.1", AF_INET, &b->conf.dst) == 0);
	CU_ASSERT(nfv_gen_port_range_parse("1000-1999", &b->conf.sport) == 0);
	CU_ASSERT(nfv_gen_port_range_parse("53", &b->conf.dport) == 0);
	CU_ASSERT_FATAL(nfv_gen_sizes_parse("64", &sizes) == 0);
	CU_ASSERT_FATAL(nfv_gen_tmpl_init(&b->t, &b->conf, &sizes) == 0);
	CU_ASSERT_FATAL(nfv_gen_tx_init(&b->tx, &b->t, mp, 0, UINT64_MAX, b->clk.hz) == 0);
	CU_ASSERT_FATAL(nfv_gen_rx_init(&b->rx, nflows) == 0);
	b->gconf.flow = b->conf;
	b->gconf.size_spec = "64";
	b->res.conf = &b->gconf;
	b->res.tx = &b->tx;
	b->res.rx = &b->rx;
	b->res.hz = b->clk.hz;
}

static void bench_fini(struct bench *b)
{
	nfv_gen_rx_fini(&b->rx);
	nfv_gen_tx_fini(&b->tx);
	nfv_gen_tmpl_fini(&b->t);
}

/* Builds n packets stamped now and counts them as sent. */
static void bench_send(struct bench *b, struct rte_mbuf **pkts, uint16_t n)
{
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(mp, pkts, n) == 0);
	nfv_gen_tx_build(&b->tx, pkts, n, nfv_gen_clock_now(&b->clk));
	b->tx.pkts += n;
}

static void bench_recv(struct bench *b, struct rte_mbuf **pkts, uint16_t n)
{
	nfv_gen_rx_process(&b->rx, pkts, n, nfv_gen_clock_now(&b->clk));
}

static void test_in_order(void)
{
	struct rte_mbuf *p[NFV_GEN_BURST];
	struct bench b;

	bench_init(&b, 3);
	b.fc.now = 1000;
	bench_send(&b, p, NFV_GEN_BURST);
	b.fc.now = 1500;
	bench_recv(&b, p, NFV_GEN_BURST);
	CU_ASSERT_EQUAL(b.rx.st.pkts, NFV_GEN_BURST);
	CU_ASSERT_EQUAL(b.rx.st.bytes, NFV_GEN_BURST * 64);
	CU_ASSERT_EQUAL(b.rx.st.sig, NFV_GEN_BURST);
	CU_ASSERT_EQUAL(b.rx.st.unique, NFV_GEN_BURST);
	CU_ASSERT_EQUAL(b.rx.st.reorder, 0);
	CU_ASSERT_EQUAL(b.rx.st.dup, 0);
	CU_ASSERT_EQUAL(nfv_gen_result_lost(&b.res), 0);
	CU_ASSERT_EQUAL(b.rx.lat.count, NFV_GEN_BURST);
	CU_ASSERT_EQUAL(b.rx.lat.min, 500);
	CU_ASSERT_EQUAL(b.rx.lat.max, 500);
	rte_pktmbuf_free_bulk(p, NFV_GEN_BURST);
	bench_fini(&b);
}

static void test_loss_reorder_dup(void)
{
	struct rte_mbuf *p[10], *order[10];
	struct bench b;

	/* one flow: packet k has sequence k */
	bench_init(&b, 1);
	bench_send(&b, p, 10);
	/* 0 1 3 2 (reordered) 2 (duplicate) 5 6 9 8 ... 4 and 7 lost */
	order[0] = p[0]; order[1] = p[1]; order[2] = p[3]; order[3] = p[2];
	order[4] = p[2]; order[5] = p[5]; order[6] = p[6]; order[7] = p[9];
	order[8] = p[8];
	bench_recv(&b, order, 9);
	CU_ASSERT_EQUAL(b.rx.st.sig, 9);
	CU_ASSERT_EQUAL(b.rx.st.unique, 8);
	CU_ASSERT_EQUAL(b.rx.st.dup, 1);
	CU_ASSERT_EQUAL(b.rx.st.reorder, 2);	/* 2 after 3, 8 after 9 */
	CU_ASSERT_EQUAL(b.rx.st.late, 0);
	CU_ASSERT_EQUAL(nfv_gen_result_lost(&b.res), 2);
	CU_ASSERT_EQUAL(b.rx.lat.count, 8);	/* first copies only */
	rte_pktmbuf_free_bulk(p, 10);
	bench_fini(&b);
}

static void test_streams_apart(void)
{
	struct bench b;

	/* order is kept per flow: interleaving flows is not reordering */
	bench_init(&b, 2);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 1, 0), NFV_GEN_SEQ_NEXT);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 1, 1), NFV_GEN_SEQ_NEXT);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 0), NFV_GEN_SEQ_NEXT);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 1), NFV_GEN_SEQ_NEXT);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 1), NFV_GEN_SEQ_DUP);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 1, 0), NFV_GEN_SEQ_DUP);
	bench_fini(&b);
}

static void test_window(void)
{
	struct bench b;
	uint32_t s;

	bench_init(&b, 1);
	for (s = 0; s < 1000; s++)
		CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, s), NFV_GEN_SEQ_NEXT);
	/* within the window: a duplicate is told from a late first copy */
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 1000 - NFV_GEN_WIN_BITS), NFV_GEN_SEQ_DUP);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 999), NFV_GEN_SEQ_DUP);
	/* beyond it: late */
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 999 - NFV_GEN_WIN_BITS), NFV_GEN_SEQ_LATE);
	/* a jump clears the bits it slides over */
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 1100), NFV_GEN_SEQ_NEXT);
	for (s = 1000; s < 1100; s++)
		CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, s), NFV_GEN_SEQ_REORDER);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 1050), NFV_GEN_SEQ_DUP);
	/* a jump longer than the window clears it all */
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 1100 + 3 * NFV_GEN_WIN_BITS), NFV_GEN_SEQ_NEXT);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 1101 + 2 * NFV_GEN_WIN_BITS),
			NFV_GEN_SEQ_REORDER);
	/* before the first packet received of a stream: late, not a wrap */
	bench_fini(&b);
	bench_init(&b, 1);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 5), NFV_GEN_SEQ_NEXT);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, 3), NFV_GEN_SEQ_REORDER);
	CU_ASSERT_EQUAL(nfv_gen_rx_seq(&b.rx, 0, UINT32_MAX), NFV_GEN_SEQ_LATE);
	bench_fini(&b);
}

static void test_seq_wrap(void)
{
	struct rte_mbuf *p[8];
	struct bench b;

	bench_init(&b, 1);
	b.tx.seq[0] = UINT32_MAX - 3;
	bench_send(&b, p, 8);	/* ..., 2^32 - 1, 0, 1, 2, 3 */
	bench_recv(&b, p, 8);
	CU_ASSERT_EQUAL(b.rx.st.unique, 8);
	CU_ASSERT_EQUAL(b.rx.st.reorder, 0);
	CU_ASSERT_EQUAL(b.rx.st.dup, 0);
	CU_ASSERT_EQUAL(b.rx.streams[0].top, (UINT64_C(1) << 32) + 4);
	bench_recv(&b, p + 2, 1);	/* the last before the wrap, again */
	CU_ASSERT_EQUAL(b.rx.st.dup, 1);
	rte_pktmbuf_free_bulk(p, 8);
	bench_fini(&b);
}

static void test_foreign_stream(void)
{
	struct rte_mbuf *p[3];
	struct bench b;

	bench_init(&b, 3);
	bench_send(&b, p, 3);
	/* a receiver that knows one stream: streams 1 and 2 are foreign */
	b.rx.nstreams = 1;
	bench_recv(&b, p, 3);
	CU_ASSERT_EQUAL(b.rx.st.sig, 1);
	CU_ASSERT_EQUAL(b.rx.st.other, 2);
	rte_pktmbuf_free_bulk(p, 3);
	bench_fini(&b);
}

static void test_latency(void)
{
	struct rte_mbuf *p[NFV_GEN_BURST];
	struct bench b;
	unsigned int i;

	/* 1000 packets, latencies 1..1000 ns; the stamp wraps 2^48 midway */
	bench_init(&b, 1);
	for (i = 1; i <= 1000; i++) {
		b.fc.now = NFV_GEN_TS_MASK - 500 + 10 * i;
		bench_send(&b, p, 1);
		b.fc.now += i;
		bench_recv(&b, p, 1);
		rte_pktmbuf_free(p[0]);
	}
	CU_ASSERT_EQUAL(b.rx.lat.count, 1000);
	CU_ASSERT_EQUAL(b.rx.lat.min, 1);
	CU_ASSERT_EQUAL(b.rx.lat.max, 1000);
	CU_ASSERT_EQUAL(b.rx.lat.sum, 500500);
	/* the true p50 is 500, p99 990, p99.9 999: known within 1/32, above */
	CU_ASSERT(nfv_gen_hist_quantile(&b.rx.lat, 0.5) >= 500);
	CU_ASSERT(nfv_gen_hist_quantile(&b.rx.lat, 0.5) <= 500 + 500 / 32);
	CU_ASSERT(nfv_gen_hist_quantile(&b.rx.lat, 0.99) >= 990);
	CU_ASSERT(nfv_gen_hist_quantile(&b.rx.lat, 0.99) <= 990 + 990 / 32);
	CU_ASSERT(nfv_gen_hist_quantile(&b.rx.lat, 0.999) >= 999);
	CU_ASSERT(nfv_gen_hist_quantile(&b.rx.lat, 0.999) <= 1000);
	CU_ASSERT_EQUAL(nfv_gen_hist_quantile(&b.rx.lat, 1.0), 1000);
	bench_fini(&b);
}

static void test_hist_tail(void)
{
	struct nfv_gen_hist h;
	unsigned int i;

	/* 990 at 100 ns and 10 at 5 us: p99 is the body, p99.9 the tail */
	nfv_gen_hist_reset(&h);
	for (i = 0; i < 990; i++)
		nfv_gen_hist_add(&h, 100);
	for (i = 0; i < 10; i++)
		nfv_gen_hist_add(&h, 5000);
	CU_ASSERT(nfv_gen_hist_quantile(&h, 0.5) >= 100 && nfv_gen_hist_quantile(&h, 0.5) <= 103);
	CU_ASSERT(nfv_gen_hist_quantile(&h, 0.99) <= 103);
	CU_ASSERT_EQUAL(nfv_gen_hist_quantile(&h, 0.999), 5000);
	CU_ASSERT_EQUAL(h.min, 100);
	nfv_gen_hist_reset(&h);
	CU_ASSERT_EQUAL(nfv_gen_hist_quantile(&h, 0.5), 0);
}

static void test_hist_buckets(void)
{
	uint64_t v, prev = 0;
	unsigned int i, idx, last = 0;

	/* every bucket holds what it claims, within 1/32 of its values */
	for (i = 0; i < NFV_GEN_HIST_BUCKETS; i++) {
		uint64_t lo = nfv_gen_hist_lower(i), hi = nfv_gen_hist_upper(i);

		CU_ASSERT_FATAL(lo <= hi);
		CU_ASSERT(i == 0 || lo == prev + 1);	/* no holes, no overlap */
		CU_ASSERT_EQUAL(nfv_gen_hist_index(lo), i);
		CU_ASSERT_EQUAL(nfv_gen_hist_index(hi), i);
		CU_ASSERT(hi - lo <= lo / NFV_GEN_HIST_SUB);
		prev = hi;
	}
	CU_ASSERT_EQUAL(prev, UINT64_MAX);
	for (v = 1; v < (UINT64_C(1) << 62); v = v * 3 + 1) {
		idx = nfv_gen_hist_index(v);
		CU_ASSERT(idx >= last);
		CU_ASSERT(nfv_gen_hist_lower(idx) <= v && v <= nfv_gen_hist_upper(idx));
		last = idx;
	}
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("gen_rx", 1023);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("gen_rx", NULL, NULL,
		{ "in order", test_in_order },
		{ "loss, reorder, duplicate", test_loss_reorder_dup },
		{ "streams are apart", test_streams_apart },
		{ "duplicate window", test_window },
		{ "32-bit sequence wrap", test_seq_wrap },
		{ "foreign stream", test_foreign_stream },
		{ "latency with a fake clock", test_latency },
		{ "histogram tail", test_hist_tail },
		{ "histogram buckets", test_hist_buckets });
	return nfv_test_run();
}
