/* SPDX-License-Identifier: BSD-3-Clause */
#include "nfv_test.h"
#include "test_esp.h"

struct rte_mempool *test_pool;

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	test_pool = nfv_test_pool("test_ipsec", 4096);
	if (test_pool == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (test_replay_register() || test_kat_register() ||
	    test_kat_alg_register() ||
	    test_bad_register() || test_path_register() ||
	    test_life_register() || test_hook_register() ||
	    test_mtu_register() || test_frag_register() ||
	    test_noreplay_register() || test_limits_register() ||
	    test_mseg_register() || test_regress_register() ||
	    test_policy_in_register() || test_spd_acl_register() ||
	    test_bulk_register() || test_natt_register() ||
	    test_mobike_register() ||
	    test_acquire_register() || test_use_register() || test_ike_register() ||
	    test_flow_register() || test_out_sa_register())
		return 1;
	return nfv_test_run();
}
