/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions of changes (config/nfv_msg.h, NFV_MSG_TXN_*): one owner
 * connection at a time, undo groups the client supplies, rollback on abort
 * or when the owner goes away.
 */
#ifndef NFV_TXN_H
#define NFV_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_msg.h"

#define NFV_TXN_IDLE_S_DEFAULT 30	/* --txn-timeout */

struct nfv_dp;
struct nfv_mgmt_conn;

int nfv_txn_begin(struct nfv_dp *dp, struct nfv_mgmt_conn *c, uint64_t expect,
		  struct nfv_msg_txn *out);
/* Arms one more undo step for the next change message on c (-EPERM: u
 * is not a change request). */
int nfv_txn_undo(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		 const struct nfv_msg_txn_undo *u, uint32_t len);
int nfv_txn_commit(struct nfv_dp *dp, struct nfv_mgmt_conn *c, struct nfv_msg_txn *out);
int nfv_txn_abort(struct nfv_dp *dp, struct nfv_mgmt_conn *c, struct nfv_msg_txn *out);
/* mgmt.c: after every request of c was handled (ret: 0 or -errno). */
void nfv_txn_after(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		   const struct nfv_msg_hdr *h, int ret);

/*
 * True when c's transaction timed out and was rolled back, and c has not
 * begun another: its changes are refused (mgmt.c), since a client that
 * pipelines its requests would otherwise apply them outside any
 * transaction.
 */
bool nfv_txn_expired(const struct nfv_dp *dp, const struct nfv_mgmt_conn *c);
/* True when c owns the open transaction. */
bool nfv_txn_owner(struct nfv_dp *dp, const struct nfv_mgmt_conn *c);
/* Transactions rolled back because their owner went silent. */
uint64_t nfv_txn_timeouts(const struct nfv_dp *dp);

#endif
