/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnctl trace on the control side: starts and stops the trace of
 * hooks/core (nfv_trace.h) and turns its records into NFV_EVENT_TRACE
 * events for the subscribers. Main lcore only.
 */
#ifndef NFV_TRACE_CTL_H
#define NFV_TRACE_CTL_H

#include "nfv_msg.h"

struct nfv_dp;

/* NFV_MSG_TRACE; why gets a message for the client on failure. */
int nfv_trace_ctl_start(struct nfv_dp *dp, const struct nfv_msg_trace *req,
			char *why, size_t len);
/* From the events timer: drains the records, ends a spent or old trace. */
void nfv_trace_ctl_run(struct nfv_dp *dp);
/* Teardown. */
void nfv_trace_ctl_fini(struct nfv_dp *dp);

#endif
