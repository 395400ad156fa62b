/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an SA and a security policy are made of, as the policy, the wire
 * messages, nfvpnctl and hooks/ipsec name them: direction, mode, policy
 * action, the SA's state, lifetime limits and counters. The values are
 * ours, not XFRM's (there, transport is 0): they travel in the wire
 * messages, append only.
 */
#ifndef NFV_IPSEC_SA_H
#define NFV_IPSEC_SA_H

#include <stdint.h>

#define NFV_IPSEC_DIRS(X)	X(DIR_IN, "in") X(DIR_OUT, "out")
#define NFV_IPSEC_MODES(X)	X(MODE_TUNNEL, "tunnel") X(MODE_TRANSPORT, "transport")
#define NFV_IPSEC_ACTIONS(X)	X(PROTECT, "protect") X(BYPASS, "bypass") X(DISCARD, "discard")
/*
 * What the dataplane reports of an SA. SOFT: the soft lifetime is reached,
 * rekey. EXPIRED: a hard lifetime or sequence overflow stopped it.
 */
#define NFV_IPSEC_SA_STATES(X)	\
	X(SA_ACTIVE, "active") X(SA_SOFT, "soft-expired") X(SA_EXPIRED, "expired")

#define NFV_IPSEC_ENUM(id, name) NFV_IPSEC_##id,
enum nfv_ipsec_dir { NFV_IPSEC_DIRS(NFV_IPSEC_ENUM) NFV_IPSEC_DIR_MAX };
enum nfv_ipsec_mode { NFV_IPSEC_MODES(NFV_IPSEC_ENUM) NFV_IPSEC_MODE_MAX };
enum nfv_ipsec_action { NFV_IPSEC_ACTIONS(NFV_IPSEC_ENUM) NFV_IPSEC_ACTION_MAX };
enum nfv_ipsec_sa_state { NFV_IPSEC_SA_STATES(NFV_IPSEC_ENUM) NFV_IPSEC_SA_STATE_MAX };
#undef NFV_IPSEC_ENUM

/* Indexed by the enums above. */
extern const char *const nfv_ipsec_dir_names[NFV_IPSEC_DIR_MAX];
extern const char *const nfv_ipsec_mode_names[NFV_IPSEC_MODE_MAX];
extern const char *const nfv_ipsec_action_names[NFV_IPSEC_ACTION_MAX];
extern const char *const nfv_ipsec_sa_state_names[NFV_IPSEC_SA_STATE_MAX];

/* The names; "?" when v is none of the rows. */
static inline const char *nfv_ipsec_dir_name(unsigned int v)
{
	return v < NFV_IPSEC_DIR_MAX ? nfv_ipsec_dir_names[v] : "?";
}

static inline const char *nfv_ipsec_mode_name(unsigned int v)
{
	return v < NFV_IPSEC_MODE_MAX ? nfv_ipsec_mode_names[v] : "?";
}

static inline const char *nfv_ipsec_action_name(unsigned int v)
{
	return v < NFV_IPSEC_ACTION_MAX ? nfv_ipsec_action_names[v] : "?";
}

static inline const char *nfv_ipsec_sa_state_name(unsigned int v)
{
	return v < NFV_IPSEC_SA_STATE_MAX ? nfv_ipsec_sa_state_names[v] : "?";
}

/* The anti-replay window of an inbound SA, in packets: when absent, and at most. */
#define NFV_IPSEC_REPLAY_DEFAULT 1024
#define NFV_IPSEC_REPLAY_MAX 4096

/* An SA's soft or hard lifetime limits; 0 means none. */
struct nfv_ipsec_lifetime {
	uint64_t bytes;
	uint64_t packets;
	uint64_t seconds;
};

/*
 * The counters of an SA, one row each: the field, and the key nfvpnctl
 * --json prints it under. All but packets and bytes count packets that
 * the SA refused or failed.
 */
#define NFV_IPSEC_SA_STATS(X)						\
	X(packets,	"packets")					\
	X(bytes,	"bytes")	/* ESP payload bytes (inner packet) */ \
	X(replay,	"replay")					\
	X(auth,		"auth_failed")					\
	X(pad,		"bad_padding")					\
	X(next_hdr,	"bad_next_header")				\
	X(policy,	"policy_mismatch")				\
	X(natt,		"natt_mismatch")				\
	X(expired,	"expired")					\
	X(seq_overflow,	"seq_overflow")					\
	X(crypto,	"crypto_error")					\
	X(no_room,	"no_headroom")

/* Per SA, summed over workers; also the counters of struct nfv_msg_ipsec_sa. */
struct nfv_ipsec_sa_stats {
#define NFV_IPSEC_SA_STAT_FIELD(field, key) uint64_t field;
	NFV_IPSEC_SA_STATS(NFV_IPSEC_SA_STAT_FIELD)
#undef NFV_IPSEC_SA_STAT_FIELD
};

#endif
