/* SPDX-License-Identifier: BSD-3-Clause */
/* Counters of the dataplane, summed for the socket, telemetry and exit. */
#ifndef NFV_STATS_H
#define NFV_STATS_H

#include <stdint.h>
#include <stdio.h>

struct nfv_dp;
struct nfv_buf;
struct nfv_worker_stats;

void nfv_stats_workers_sum(const struct nfv_dp *dp, struct nfv_worker_stats *sum);
uint64_t nfv_stats_drops_total(const struct nfv_dp *dp);
/* The summary printed at exit. */
void nfv_stats_print(struct nfv_dp *dp, FILE *f);

#endif
