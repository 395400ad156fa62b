/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * nfvpn_stub generic netlink interface, shared by the kernel module and
 * the userspace client (control/steer).
 *
 * Family NFVPN_GENL_NAME, version NFVPN_GENL_VERSION. All state is per
 * network namespace: the namespace of the sending socket.
 *
 * Selectors form an ordered table; the first selector that matches a
 * packet decides (NFVPN_ACT_STEER hands it to the target, NFVPN_ACT_PASS
 * leaves it to the stack). A packet no selector matches is left alone.
 */
#ifndef _UAPI_NFVPN_H
#define _UAPI_NFVPN_H

#include <linux/types.h>

#define NFVPN_GENL_NAME		"nfvpn"
#define NFVPN_GENL_VERSION	1

/* Upper bound on the size of one selector table. */
#define NFVPN_MAX_SELECTORS	4096

enum nfvpn_cmd {
	NFVPN_CMD_UNSPEC,
	NFVPN_CMD_SET_TARGET,	/* A_TARGET_IFINDEX or A_TARGET_IFNAME, [A_TARGET_LLADDR] */
	NFVPN_CMD_ADD_SEL,	/* A_SEL, [A_POSITION] */
	NFVPN_CMD_DEL_SEL,	/* A_SEL_ID */
	NFVPN_CMD_FLUSH_SEL,	/* - */
	NFVPN_CMD_GET_SEL,	/* dump: one A_SEL per message, with counters */
	NFVPN_CMD_REPLACE,	/* A_SEL repeated, in order: the whole table, swapped at once */
	NFVPN_CMD_GET_STATS,	/* reply: A_TARGET_*, A_GENERATION, A_COUNT, A_STATS */
	__NFVPN_CMD_MAX,
};
#define NFVPN_CMD_MAX (__NFVPN_CMD_MAX - 1)

enum nfvpn_attr {
	NFVPN_A_UNSPEC,
	NFVPN_A_TARGET_IFINDEX,	/* u32; 0 clears the target */
	NFVPN_A_TARGET_IFNAME,	/* string */
	NFVPN_A_TARGET_LLADDR,	/* binary[6]: destination MAC on Ethernet targets */
	NFVPN_A_SEL,		/* nested enum nfvpn_sel_attr */
	NFVPN_A_SEL_ID,		/* u32 */
	NFVPN_A_POSITION,	/* u32: insert before this index (default: append) */
	NFVPN_A_RESERVED,	/* unused */
	NFVPN_A_GENERATION,	/* u32: bumped on every table change */
	NFVPN_A_COUNT,		/* u32: number of selectors */
	NFVPN_A_STATS,		/* nested enum nfvpn_stat_attr */
	NFVPN_A_PAD,
	__NFVPN_A_MAX,
};
#define NFVPN_A_MAX (__NFVPN_A_MAX - 1)

enum nfvpn_action {
	NFVPN_ACT_STEER,	/* hand to the target (default) */
	NFVPN_ACT_PASS,		/* leave to the stack, stop matching */
	__NFVPN_ACT_MAX,
};
#define NFVPN_ACT_MAX (__NFVPN_ACT_MAX - 1)

/* Hooks a selector applies to (bit mask); 0 means both. */
#define NFVPN_HOOK_PRE_ROUTING	(1U << 0)
#define NFVPN_HOOK_LOCAL_OUT	(1U << 1)
#define NFVPN_HOOK_ALL		(NFVPN_HOOK_PRE_ROUTING | NFVPN_HOOK_LOCAL_OUT)

/*
 * Selector attributes. An absent attribute matches anything. An address
 * without a prefix length is a host; host bits under the prefix are
 * cleared. Ports are inclusive ranges in host order (a lone MIN is one
 * port) and need a protocol with ports (TCP, UDP, UDP-Lite, SCTP, DCCP).
 */
enum nfvpn_sel_attr {
	NFVPN_SEL_A_UNSPEC,
	NFVPN_SEL_A_ID,		/* u32, required, unique in the table */
	NFVPN_SEL_A_FAMILY,	/* u8: AF_INET or AF_INET6, required */
	NFVPN_SEL_A_PROTO,	/* u8: IPPROTO_*, 0 = any */
	NFVPN_SEL_A_SRC,	/* binary[4|16], network order */
	NFVPN_SEL_A_SRC_PLEN,	/* u8 */
	NFVPN_SEL_A_DST,	/* binary[4|16], network order */
	NFVPN_SEL_A_DST_PLEN,	/* u8 */
	NFVPN_SEL_A_SPORT_MIN,	/* u16 */
	NFVPN_SEL_A_SPORT_MAX,	/* u16 */
	NFVPN_SEL_A_DPORT_MIN,	/* u16 */
	NFVPN_SEL_A_DPORT_MAX,	/* u16 */
	NFVPN_SEL_A_IIF,	/* u32 ifindex (PRE_ROUTING only) */
	NFVPN_SEL_A_MARK,	/* u32 */
	NFVPN_SEL_A_MARK_MASK,	/* u32, default 0xffffffff when MARK is set */
	NFVPN_SEL_A_HOOKS,	/* u32: NFVPN_HOOK_* mask */
	NFVPN_SEL_A_ACTION,	/* u8: enum nfvpn_action */
	NFVPN_SEL_A_PACKETS,	/* u64, dump only */
	NFVPN_SEL_A_BYTES,	/* u64, dump only */
	NFVPN_SEL_A_PAD,
	__NFVPN_SEL_A_MAX,
};
#define NFVPN_SEL_A_MAX (__NFVPN_SEL_A_MAX - 1)

/* Namespace-wide counters, all u64. */
enum nfvpn_stat_attr {
	NFVPN_STAT_A_UNSPEC,
	NFVPN_STAT_A_STEERED,		/* packets handed to the target */
	NFVPN_STAT_A_STEERED_BYTES,
	NFVPN_STAT_A_NO_TARGET,		/* matched but no target set: dropped */
	NFVPN_STAT_A_TARGET_DOWN,	/* matched but target not running: dropped */
	NFVPN_STAT_A_NO_HEADROOM,	/* could not make room for a link header */
	NFVPN_STAT_A_XMIT_ERR,		/* target refused the packet */
	NFVPN_STAT_A_LOOP,		/* came from the target: never steered back */
	NFVPN_STAT_A_PAD,
	__NFVPN_STAT_A_MAX,
};
#define NFVPN_STAT_A_MAX (__NFVPN_STAT_A_MAX - 1)

#endif /* _UAPI_NFVPN_H */
