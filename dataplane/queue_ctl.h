/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side of the numbered queues: hands queued packets to the
 * listening client, takes its verdicts, applies the default verdict to
 * what is not answered in time.
 */
#ifndef NFV_QUEUE_CTL_H
#define NFV_QUEUE_CTL_H

#include <stdint.h>

struct nfv_dp;
struct nfv_mgmt_conn;
struct nfv_policy;

int nfv_queue_ctl_init(struct nfv_dp *dp, const struct nfv_policy *pol);
void nfv_queue_ctl_fini(struct nfv_dp *dp);
/* Delivers, times out; called on every control tick. */
void nfv_queue_ctl_run(struct nfv_dp *dp, uint64_t now);
int nfv_queue_ctl_listen(struct nfv_dp *dp, struct nfv_mgmt_conn *c, uint16_t num,
			 uint32_t copy_range);
void nfv_queue_ctl_unlisten(struct nfv_dp *dp, struct nfv_mgmt_conn *c);
int nfv_queue_ctl_verdict(struct nfv_dp *dp, uint16_t num, uint64_t id, uint32_t verdict);
/* Packets delivered to the listener and not answered yet. */
unsigned int nfv_queue_ctl_pending(const struct nfv_dp *dp, uint16_t num);

#endif
