/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VPN stage in the dataplane: SAs and policies of the YAML policy and
 * of the management socket, by name, on top of hooks/ipsec (which knows
 * slots and ids). Control side only: every function here runs on the
 * main lcore, so nothing needs a lock; workers go through the module.
 */
#ifndef NFV_IPSEC_APPLY_H
#define NFV_IPSEC_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "nfv_msg.h"
#include "nfv_policy_ipsec.h"

struct nfv_dp;
struct nfv_buf;

/* Start-up: every SA then every policy of dp->policy->ipsec. */
int nfv_ipsec_apply(struct nfv_dp *dp);
/* Teardown, workers stopped: unregisters, wipes and frees everything. */
void nfv_ipsec_dp_fini(struct nfv_dp *dp);
/* The control loop, every turn: polls SA lifetimes once a second. */
void nfv_ipsec_dp_timer(struct nfv_dp *dp, uint64_t now);

/* why gets a message for the client on failure. */
int nfv_ipsec_dp_sa_add(struct nfv_dp *dp, const struct nfv_policy_sa *sa,
			char *why, size_t len);
int nfv_ipsec_dp_sa_del(struct nfv_dp *dp, const char *name, char *why, size_t len);
int nfv_ipsec_dp_sp_add(struct nfv_dp *dp, const struct nfv_policy_sp *sp,
			const char *sa_name, char *why, size_t len);
int nfv_ipsec_dp_sp_del(struct nfv_dp *dp, const char *name, char *why, size_t len);
int nfv_ipsec_dp_sa_list(struct nfv_dp *dp, struct nfv_buf *b);
int nfv_ipsec_dp_sp_list(struct nfv_dp *dp, struct nfv_buf *b);

/* mgmt_ipsec.c: NFV_MSG_IPSEC_*; sends the response itself. */
struct nfv_mgmt_conn;
struct nfv_msg_hdr;
int nfv_mgmt_ipsec(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		   const struct nfv_msg_hdr *h, const void *payload);

#endif
