/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TEST_HOOKS_H
#define TEST_HOOKS_H

struct rte_mempool;
extern struct rte_mempool *test_pool;

int test_hooks_register(void);
int test_hook_reg_register(void);
int test_queue_register(void);

#endif
