/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built-in hook entries named in the policy's hooks: section or added at
 * run time: count, drop, queue or repeat the packets that match a simple
 * selector (protocol, destination port range). They let a demo, a test or
 * a benchmark put an entry on any hook at any priority.
 */
#ifndef NFV_BUILTIN_H
#define NFV_BUILTIN_H

#include "nfv_policy.h"

struct nfv_dp;

int nfv_builtin_add(struct nfv_dp *dp, const struct nfv_policy_hook *h);
int nfv_builtin_del(struct nfv_dp *dp, const char *name);
void nfv_builtin_fini(struct nfv_dp *dp);
/* NFV_MSG_BUILTINS: the configuration of every built-in entry. */
struct nfv_buf;
int nfv_builtin_list(struct nfv_dp *dp, struct nfv_buf *b);

#endif
