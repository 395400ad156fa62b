/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A token bucket driven by the TSC value the caller passes in: no syscalls,
 * no atomics. One per worker (ICMP errors, RFC 1812 4.3.2.8 / RFC 4443 2.4).
 * Credit is kept in TSC cycles so that refilling is one addition.
 */
#ifndef NFV_RATELIMIT_H
#define NFV_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

struct nfv_ratelimit {
	uint64_t cost;		/* cycles per token; 0: nothing passes */
	uint64_t max;		/* burst * cost */
	uint64_t credit;	/* cycles of credit, <= max */
	uint64_t last;		/* TSC of the last refill */
};

/*
 * rate tokens per second, up to burst at once (at least 1); hz is the TSC
 * frequency (rte_get_tsc_hz()). A rate of 0 lets nothing through. The
 * bucket starts full.
 */
static inline void nfv_ratelimit_init(struct nfv_ratelimit *rl, uint32_t rate,
				      uint32_t burst, uint64_t hz, uint64_t now)
{
	rl->cost = rate == 0 ? 0 : RTE_MAX(hz / rate, (uint64_t)1);
	rl->max = rl->cost * RTE_MAX(burst, 1u);
	rl->credit = rl->max;
	rl->last = now;
}

/* Takes one token if there is one. A clock going backwards adds nothing. */
static inline bool nfv_ratelimit_allow(struct nfv_ratelimit *rl, uint64_t now)
{
	uint64_t delta;

	if (now > rl->last) {
		delta = now - rl->last;
		/* no overflow however long the worker was idle */
		rl->credit = delta >= rl->max - rl->credit ? rl->max : rl->credit + delta;
		rl->last = now;
	}
	if (unlikely(rl->cost == 0 || rl->credit < rl->cost))
		return false;
	rl->credit -= rl->cost;
	return true;
}

#endif
