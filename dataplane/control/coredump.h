/* SPDX-License-Identifier: BSD-3-Clause */
/* Keeping keys out of core dumps (coredump.c). */
#ifndef NFV_COREDUMP_H
#define NFV_COREDUMP_H

#include <stdbool.h>

/* Before the policy is read: PR_SET_DUMPABLE 0 unless allow. */
int nfv_coredump_init(bool allow);
/* After the EAL: DPDK memory, now and later, MADV_DONTDUMP. */
int nfv_coredump_exclude_dpdk(void);

#endif
