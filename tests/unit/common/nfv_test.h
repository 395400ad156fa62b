/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the CUnit suites: EAL for tests and the CUnit main loop. */
#ifndef NFV_TEST_H
#define NFV_TEST_H

#include <CUnit/Basic.h>
#include <stdint.h>

struct rte_mempool;
struct rte_mbuf;

/* Starts the EAL without hugepages, PCI or devices; aborts on failure. */
void nfv_test_eal_init(const char *prog);
/* A mempool with the dataplane's private area size. */
struct rte_mempool *nfv_test_pool(const char *name, unsigned int n);
/* An mbuf holding a copy of len bytes of data. */
struct rte_mbuf *nfv_test_mbuf(struct rte_mempool *mp, const void *data, uint16_t len);

/* Runs the registered suites; returns the process exit status. */
int nfv_test_run(void);

#define NFV_TEST_SUITE(name, init, fini, ...)				\
	do {								\
		CU_TestInfo tests__[] = { __VA_ARGS__, CU_TEST_INFO_NULL }; \
		CU_SuiteInfo suites__[] = {				\
			{ name, init, fini, NULL, NULL, tests__ },	\
			CU_SUITE_INFO_NULL };				\
		if (CU_register_suites(suites__) != CUE_SUCCESS)	\
			return 1;					\
	} while (0)

#endif
