/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The difference between two policies as an ordered plan of management
 * requests (config/nfv_msg.h), each with the requests that undo it. nfvpnd
 * sends a plan inside one transaction (NFV_MSG_TXN_*); nfvpnctl diff prints
 * it. No socket and no DPDK here: a plan is data, tested on its own.
 *
 * Each section of the policy has an applier: a diff function that appends
 * its operations at the stages below. Stages make changes make-before-
 * break: what others will use is added first, what nothing uses any more
 * is removed last. A new section (ipsec:, filter:) adds one applier to
 * nfv_appliers[] in nfv_policy_diff.c.
 */
#ifndef NFV_POLICY_DIFF_H
#define NFV_POLICY_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_msg.h"
#include "nfv_policy.h"

enum nfv_plan_stage {
	NFV_STAGE_NEIGH_ADD = 10,
	NFV_STAGE_SA_IN_ADD = 20,	/* ipsec: new inbound SAs first */
	NFV_STAGE_ROUTE_ADD = 30,
	NFV_STAGE_SA_OUT_SWITCH = 40,	/* ipsec: outbound policies to the new SAs */
	NFV_STAGE_FILTER = 45,
	NFV_STAGE_HOOK_CHANGE = 50,
	NFV_STAGE_HOOK_DEL = 60,
	NFV_STAGE_ROUTE_DEL = 70,
	NFV_STAGE_NEIGH_DEL = 80,
	NFV_STAGE_SA_OLD_DEL = 90,	/* ipsec: old inbound SAs, after the grace period */
};

/*
 * One management request. A ruleset is larger than a request: a message
 * of type NFV_MSG_FILTER_LOAD_COMMIT holds the whole ruleset (its netlink
 * messages), and the sender makes it LOAD_BEGIN, LOAD_DATA..., LOAD_COMMIT
 * (nfv_client_filter_load() in control/).
 */
struct nfv_plan_msg {
	uint16_t type;
	uint32_t len;
	void *payload;
};

/* An old inbound SA that a rekey replaces: nfvpnd deletes it after a grace period. */
#define NFV_PLAN_F_GRACE 0x1

struct nfv_plan_op {
	int stage;
	unsigned int flags;		/* NFV_PLAN_F_* */
	struct nfv_plan_msg req;
	unsigned int nb_undo;
	struct nfv_plan_msg *undo;	/* in the order they are to run */
	char what[200];			/* "route add 10.0.0.0/8 via 10.1.0.2" */
};

struct nfv_plan {
	struct nfv_plan_op *ops;
	unsigned int n, cap;
	/* Changes that cannot be applied to a running dataplane, one a line. */
	char refused[1024];
	unsigned int nb_refused;
	/* The steer: section changed: nfvpnd reprograms the kernel stub. */
	bool steer_changed;
	int err;		/* sticky -ENOMEM */
};

/* Which policy an applier diffs against: the dataplane's or nfvpnd's. */
enum nfv_applier_base {
	NFV_BASE_RUNNING,	/* read back from the dataplane (nfvpnd_running.c) */
	NFV_BASE_APPLIED,	/* the last policy nfvpnd applied */
};

struct nfv_applier {
	const char *name;
	enum nfv_applier_base base;
	int (*diff)(const struct nfv_policy *old, const struct nfv_policy *new,
		    struct nfv_plan *plan);
};

extern const struct nfv_applier *const nfv_appliers[];

/*
 * The plan from old to new: every applier, then sorted by stage (stable).
 * running is what the dataplane reported; applied what nfvpnd last applied
 * (NULL: use running). Returns 0 or -ENOMEM.
 */
int nfv_policy_diff(const struct nfv_policy *running, const struct nfv_policy *applied,
		    const struct nfv_policy *new, struct nfv_plan *plan);
void nfv_plan_fini(struct nfv_plan *plan);

/* For appliers: a new operation; returns it or NULL (plan->err set). */
struct nfv_plan_op *nfv_plan_add(struct nfv_plan *plan, int stage, uint16_t type,
				 const void *payload, uint32_t len, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Appends an undo request to op; 0 or -ENOMEM. */
int nfv_plan_undo(struct nfv_plan *plan, struct nfv_plan_op *op, uint16_t type,
		  const void *payload, uint32_t len);
void nfv_plan_refuse(struct nfv_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The appliers of the base sections, one file each would be overkill. */
extern const struct nfv_applier nfv_applier_fixed;	/* ports, addresses, queues */
extern const struct nfv_applier nfv_applier_neighbours;
extern const struct nfv_applier nfv_applier_routes;
extern const struct nfv_applier nfv_applier_hooks;
extern const struct nfv_applier nfv_applier_steer;
extern const struct nfv_applier nfv_applier_ipsec;	/* nfv_policy_diff_ipsec.c */
extern const struct nfv_applier nfv_applier_filter;	/* nfv_policy_diff_filter.c */

/* Drops ops[i] (nfvpnd defers it); keeps the order of the rest. */
void nfv_plan_drop(struct nfv_plan *plan, unsigned int i);
/* True for the requests that remove something (a "-" line of a plan). */
bool nfv_plan_is_del(uint16_t type);

struct nfv_policy_sp;
/* The SA a PROTECT policy names ("" otherwise), loaded or read back. */
const char *nfv_policy_sp_sa_name(const struct nfv_policy *p, const struct nfv_policy_sp *sp);

/* Text forms used in plan lines and by nfvpnctl. */
const char *nfv_route_fmt(const struct nfv_policy_route *r, char *buf, size_t len);
const char *nfv_hook_fmt(const struct nfv_policy_hook *h, char *buf, size_t len);

#endif
