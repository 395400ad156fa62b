/* SPDX-License-Identifier: BSD-3-Clause */
#include "nfv_test.h"
#include "test_hooks.h"

struct rte_mempool *test_pool;

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	test_pool = nfv_test_pool("test_hooks", 4096);
	if (test_pool == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (test_hooks_register() || test_hook_reg_register() || test_queue_register())
		return 1;
	return nfv_test_run();
}
