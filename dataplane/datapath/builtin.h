/* SPDX-License-Identifier: BSD-3-Clause */
/* A built-in hook entry as workers see it (its priv). */
#ifndef NFV_BUILTIN_H
#define NFV_BUILTIN_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_hook.h"
#include "nfv_policy.h"

struct nfv_builtin {
	struct nfv_policy_hook conf;
	struct nfv_hook_reg *reg;
	uint32_t match_verdict;
	bool match_all;		/* no selector: every packet matches */
	struct nfv_builtin *next;	/* control side's list */
};

/* The entry's descriptor: the control side sets name, hook, priority, priv. */
extern const struct nfv_hook_ops nfv_builtin_ops;

#endif
