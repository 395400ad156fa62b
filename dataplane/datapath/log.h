/* SPDX-License-Identifier: BSD-3-Clause */
/* Logging of the control side of the dataplane; never used by workers. */
#ifndef NFV_LOG_H
#define NFV_LOG_H

#include <rte_log.h>

extern int nfv_dp_logtype;

#define NFV_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, nfv_dp_logtype, "nfvpn: " fmt "\n", ##__VA_ARGS__)

#endif
