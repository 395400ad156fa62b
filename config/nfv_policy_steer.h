/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The steer: section: which flows the kernel stub (nfvpn_stub.ko) hands to
 * the dataplane, and through which interface. nfvpnd turns it into the
 * stub's selector table (control/steer); the field meanings are those of
 * kernel/uapi/nfvpn.h, the values are the policy's own.
 */
#ifndef NFV_POLICY_STEER_H
#define NFV_POLICY_STEER_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_policy.h"

#define NFV_STEER_SEL_MAX	4096	/* NFVPN_MAX_SELECTORS */
#define NFV_STEER_IFNAME_MAX	16	/* IFNAMSIZ */

/* Same bits as NFVPN_HOOK_*; 0 means both. */
#define NFV_STEER_HOOK_PRE	(1u << 0)
#define NFV_STEER_HOOK_OUT	(1u << 1)

enum nfv_steer_action {
	NFV_STEER_ACT_STEER = 0,	/* NFVPN_ACT_STEER */
	NFV_STEER_ACT_PASS = 1,		/* NFVPN_ACT_PASS */
};

struct nfv_policy_steer_sel {
	struct nfv_mark mark;
	uint32_t id;			/* 1..2^32-1, unique */
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* 0: any */
	bool has_src, has_dst;
	struct nfv_prefix src, dst;
	uint16_t sport_min, sport_max;	/* 0-65535: any */
	uint16_t dport_min, dport_max;
	char iif[NFV_STEER_IFNAME_MAX];	/* "": any */
	uint32_t fwmark, fwmark_mask;	/* mask 0: any */
	uint32_t hooks;			/* NFV_STEER_HOOK_*, 0: both */
	enum nfv_steer_action action;
};

struct nfv_policy_steer {
	struct nfv_mark mark;
	char target[NFV_STEER_IFNAME_MAX];	/* the interface the dataplane reads */
	bool has_lladdr;
	uint8_t lladdr[6];		/* destination MAC for an Ethernet target */
	struct nfv_policy_steer_sel *sels;
	unsigned int nb_sels;
};

void nfv_policy_steer_free(struct nfv_policy_steer *s);
/* The selector with this id, or NULL. */
const struct nfv_policy_steer_sel *
nfv_policy_steer_find(const struct nfv_policy_steer *s, uint32_t id);
/* Field by field, marks aside. */
bool nfv_policy_steer_sel_equal(const struct nfv_policy_steer_sel *a,
				const struct nfv_policy_steer_sel *b);

#endif
