/* SPDX-License-Identifier: BSD-3-Clause */
/* Turns the validated policy into routes, neighbours, queues and entries. */
#ifndef NFV_POLICY_APPLY_H
#define NFV_POLICY_APPLY_H

#include "nfv_policy.h"

struct nfv_dp;
struct nfv_route;

/* Everything of the policy but the ports, which nfv_ports_init starts. */
int nfv_policy_apply(struct nfv_dp *dp);
/* A policy route as the RIB keeps it: port name and VLAN resolved. */
int nfv_route_from_policy(const struct nfv_dp *dp, const struct nfv_policy_route *pr,
			  struct nfv_route *r);
int nfv_port_by_name(const struct nfv_dp *dp, const char *name);

#endif
