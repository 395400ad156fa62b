/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"

void nfv_test_eal_init(const char *prog)
{
	char prefix[64];
	char *argv[] = {
		(char *)prog, "--no-huge", "--no-pci", "-m", "512",
		"--log-level", "lib.eal:error", "--file-prefix", prefix,
		"-l", "0-1", "--no-telemetry",
	};

	snprintf(prefix, sizeof(prefix), "nfvtest%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed\n", prog);
		exit(1);
	}
}

struct rte_mempool *nfv_test_pool(const char *name, unsigned int n)
{
	return rte_pktmbuf_pool_create(name, n, 0, NFV_MBUF_PRIV_SIZE,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
}

struct rte_mbuf *nfv_test_mbuf(struct rte_mempool *mp, const void *data, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	char *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, data, len);
	nfv_mbuf_meta_reset(m, 0);
	return m;
}

int nfv_test_run(void)
{
	unsigned int failed;

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	/* a suite whose set-up failed ran none of its tests: a failure too */
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
		 CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
