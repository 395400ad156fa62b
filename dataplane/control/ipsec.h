/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's IPsec on the control side: SAs and policies by name
 * (ipsec.c) and their management messages (ipsec_msg.c). Private to
 * these two files.
 */
#ifndef NFV_CTL_IPSEC_H
#define NFV_CTL_IPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmt.h"
#include "name_index.h"
#include "nfv_msg.h"
#include "nfv_policy_ipsec.h"
#include "slot_alloc.h"

struct nfv_dp;
struct nfv_ipsec;

/*
 * 16,384 SAs (the module's max_sa: 8,192 peers with an SA each way) and
 * 32,768 policies (two networks each way per peer). What is not used
 * costs little: the slot arrays are calloc'ed (untouched pages are never
 * backed), the module keeps a pointer per SA slot and a SAD hash of
 * twice max_sa entries. The full lists fit one response.
 */
#define IPSEC_MAX_SA 16384
#define IPSEC_MAX_SP 32768

_Static_assert(IPSEC_MAX_SP * sizeof(struct nfv_msg_ipsec_sp) + 64 < NFV_MGMT_OUT_MAX &&
	       IPSEC_MAX_SA * sizeof(struct nfv_msg_ipsec_sa) + 64 < NFV_MGMT_OUT_MAX,
	       "a full SA or policy list must fit one management response");

struct dp_sa {
	bool used;
	bool soft_seen;			/* the soft event was reported */
	bool hard_seen;
	bool moved_told;		/* NAT-T: the mapping event for moved_* was sent */
	uint16_t moved_port;
	struct nfv_addr moved_addr;
	struct nfv_policy_sa conf;	/* keys wiped once handed to the module */
};

struct dp_sp {
	bool used;
	bool trap;			/* PROTECT without an SA: sa_slot stays empty */
	uint32_t id;
	uint32_t reqid;			/* PROTECT: its SA's, or the trap's */
	uint64_t acquire_tsc;		/* the last acquire event; 0: none */
	int32_t sa_slot;		/* PROTECT: the slot of its SA, else -1 */
	struct nfv_policy_sp conf;
	char sa[NFV_NAME_MAX];
};

struct nfv_ipsec_dp {
	struct nfv_ipsec *ips;
	bool registered;
	uint64_t next_poll;		/* TSC deadline of the lifetime poll */
	uint64_t next_natt_scan;	/* TSC: the earliest look at new NAT-T mappings */
	uint32_t next_sp_id;
	struct dp_sa *sas;		/* [IPSEC_MAX_SA] */
	uint32_t *sa_refs;		/* [IPSEC_MAX_SA]: policies that name each slot */
	struct dp_sp *sps;		/* [IPSEC_MAX_SP] */
	struct nfv_name_index sa_names;	/* name -> index of sas[] */
	struct nfv_name_index sp_names;
	/* slots neither used nor named by a policy; .hi bounds the loops */
	struct nfv_slot_alloc sa_free;
	struct nfv_slot_alloc sp_free;
};

/*
 * By name, as the management messages give them; 0 or -errno with why
 * filled. An SA's keys are wiped from p by the caller.
 */
int nfv_ipsec_ctl_sa_add(struct nfv_dp *dp, const struct nfv_policy_sa *p,
			 char *why, size_t len);
int nfv_ipsec_ctl_sa_del(struct nfv_dp *dp, const char *name, char *why, size_t len);
/* The SA's new outer addresses and NAT-T ports (NFV_MSG_IPSEC_SA_UPDATE). */
int nfv_ipsec_ctl_sa_update(struct nfv_dp *dp, const struct nfv_msg_ipsec_sa_update *u,
			    char *why, size_t len);
int nfv_ipsec_ctl_sp_add(struct nfv_dp *dp, const struct nfv_policy_sp *p,
			 const char *sa_name, char *why, size_t len);
/* A trap policy: PROTECT without an SA, for reqid (NFV_MSG_IPSEC_SP_ADD's trap). */
int nfv_ipsec_ctl_sp_add_trap(struct nfv_dp *dp, const struct nfv_policy_sp *p,
			      uint32_t reqid, char *why, size_t len);
int nfv_ipsec_ctl_sp_del(struct nfv_dp *dp, const char *name, char *why, size_t len);

#endif
