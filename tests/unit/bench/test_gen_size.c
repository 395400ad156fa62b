/* SPDX-License-Identifier: BSD-3-Clause */
/* nfvpn-gen frame sizes: parsing, the IMIX schedule and its mix over a run. */
#include <string.h>
#include <sys/socket.h>

#include <rte_mbuf.h>

#include "nfv_gen.h"
#include "nfv_test.h"

static struct rte_mempool *mp;

static void test_parse_fixed_and_list(void)
{
	struct nfv_gen_sizes s;

	CU_ASSERT_EQUAL_FATAL(nfv_gen_sizes_parse("64", &s), 0);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_EQUAL(s.len[0], 64);
	CU_ASSERT_EQUAL(s.nsched, 1);

	CU_ASSERT_EQUAL_FATAL(nfv_gen_sizes_parse("64,512,1400", &s), 0);
	CU_ASSERT_EQUAL(s.n, 3);
	CU_ASSERT_EQUAL(s.len[1], 512);
	CU_ASSERT_EQUAL(s.len[2], 1400);
	/* a list is a plain round robin */
	CU_ASSERT_EQUAL_FATAL(s.nsched, 3);
	CU_ASSERT_EQUAL(s.sched[0], 0);
	CU_ASSERT_EQUAL(s.sched[1], 1);
	CU_ASSERT_EQUAL(s.sched[2], 2);
}

static void test_parse_imix(void)
{
	struct nfv_gen_sizes s;
	unsigned int count[3] = { 0 }, run = 0, maxrun = 0, i;

	CU_ASSERT_EQUAL_FATAL(nfv_gen_sizes_parse("imix", &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 3);
	CU_ASSERT_EQUAL(s.len[0], 64);
	CU_ASSERT_EQUAL(s.len[1], 570);
	CU_ASSERT_EQUAL(s.len[2], 1518);
	CU_ASSERT_EQUAL_FATAL(s.nsched, 12);
	for (i = 0; i < s.nsched; i++) {
		CU_ASSERT_FATAL(s.sched[i] < 3);
		count[s.sched[i]]++;
		run = (i > 0 && s.sched[i] == s.sched[i - 1]) ? run + 1 : 1;
		if (run > maxrun)
			maxrun = run;
	}
	CU_ASSERT_EQUAL(count[0], 7);
	CU_ASSERT_EQUAL(count[1], 4);
	CU_ASSERT_EQUAL(count[2], 1);
	/* interleaved, not 7 small frames in a row */
	CU_ASSERT(maxrun <= 2);
}

static void test_parse_errors(void)
{
	static const char *const bad[] = {
		"", "63", "1519", "64,", ",64", "64:0", "abc", "64;128", "64:", "-64",
		"64:200,128:57",	/* weights above NFV_GEN_MAX_SCHED */
		"64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80",	/* 17 sizes */
	};
	struct nfv_gen_sizes s;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++)
		CU_ASSERT(nfv_gen_sizes_parse(bad[i], &s) < 0);
	CU_ASSERT(nfv_gen_sizes_parse(NULL, &s) < 0);
	CU_ASSERT_EQUAL(nfv_gen_sizes_parse("64:200,128:56", &s), 0);
}

static void test_min_frame(void)
{
	/* 14 + 20 + 8 + 18 + 4 and 14 + 40 + 8 + 18 + 4 */
	CU_ASSERT_EQUAL(nfv_gen_min_frame(AF_INET), 64);
	CU_ASSERT_EQUAL(nfv_gen_min_frame(AF_INET6), 84);
}

static void build_conf(struct nfv_gen_flow_conf *fc, uint32_t nflows)
{
	memset(fc, 0, sizeof(*fc));
	fc->family = AF_INET;
	fc->nflows = nflows;
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("10.0.0.0/24", AF_INET, &fc->src), 0);
	CU_ASSERT_EQUAL(nfv_gen_addr_range_parse("10.1.0.1", AF_INET, &fc->dst), 0);
	CU_ASSERT_EQUAL(nfv_gen_port_range_parse("1024-2047", &fc->sport), 0);
	CU_ASSERT_EQUAL(nfv_gen_port_range_parse("5000", &fc->dport), 0);
}

/* Counts the frame sizes of n packets built by the transmit path. */
static void run_sizes(const char *spec, uint32_t nflows, unsigned int n,
		      unsigned int *count, struct nfv_gen_sizes *s)
{
	struct nfv_gen_flow_conf fc;
	struct nfv_gen_tmpl t;
	struct nfv_gen_tx tx;
	struct rte_mbuf *pkts[NFV_GEN_BURST];
	unsigned int done, i, k;

	build_conf(&fc, nflows);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_sizes_parse(spec, s), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_tmpl_init(&t, &fc, s), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_gen_tx_init(&tx, &t, mp, 0, UINT64_MAX, 1000000), 0);
	for (done = 0; done < n; done += k) {
		k = RTE_MIN(n - done, (unsigned int)NFV_GEN_BURST);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_alloc_bulk(mp, pkts, k), 0);
		nfv_gen_tx_build(&tx, pkts, k, done);
		for (i = 0; i < k; i++) {
			unsigned int j, size = pkts[i]->data_len + NFV_GEN_FCS_LEN;

			for (j = 0; j < s->n && s->len[j] != size; j++)
				;
			CU_ASSERT_FATAL(j < s->n);
			count[j]++;
		}
		rte_pktmbuf_free_bulk(pkts, k);
	}
	CU_ASSERT_EQUAL(tx.built, n);
	nfv_gen_tx_fini(&tx);
	nfv_gen_tmpl_fini(&t);
}

static void test_imix_over_run(void)
{
	struct nfv_gen_sizes s;
	unsigned int count[3] = { 0 }, odd[3] = { 0 }, i;
	static const unsigned int w[3] = { 7, 4, 1 };

	/* a whole number of rounds gives the exact mix, whatever the flows */
	run_sizes("imix", 5, 12000, count, &s);
	CU_ASSERT_EQUAL(count[0], 7000);
	CU_ASSERT_EQUAL(count[1], 4000);
	CU_ASSERT_EQUAL(count[2], 1000);

	/* a cut in the middle of a round stays within a frame of the mix */
	run_sizes("imix", 3, 10007, odd, &s);
	for (i = 0; i < 3; i++) {
		double want = 10007.0 * w[i] / 12;

		CU_ASSERT(odd[i] >= want - 1 && odd[i] <= want + 1);
	}
}

static void test_list_over_run(void)
{
	struct nfv_gen_sizes s;
	unsigned int count[3] = { 0 };

	run_sizes("64,512,1400", 2, 3001, count, &s);
	CU_ASSERT_EQUAL(count[0], 1001);
	CU_ASSERT_EQUAL(count[1], 1000);
	CU_ASSERT_EQUAL(count[2], 1000);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("gen_size", 1023);
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("gen_size", NULL, NULL,
		{ "parse fixed and list", test_parse_fixed_and_list },
		{ "parse imix", test_parse_imix },
		{ "parse errors", test_parse_errors },
		{ "minimum frame", test_min_frame },
		{ "imix proportions over a run", test_imix_over_run },
		{ "list round robin over a run", test_list_over_run });
	return nfv_test_run();
}
