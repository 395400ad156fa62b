/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Netfilter's vocabulary: hook points, verdicts and hook priorities, with
 * the kernel's values and the names that the policy, nfvpnctl and nft use.
 * One table per fact; nfv_netfilter.c checks the values against
 * <linux/netfilter.h> and <linux/netfilter_ipv4.h> at build time.
 * No DPDK: config/ and control/ include it as hooks/ and dataplane/ do.
 */
#ifndef NFV_NETFILTER_H
#define NFV_NETFILTER_H

#include <limits.h>
#include <stdint.h>

/* enum nf_inet_hooks, in its order: the kernel's name is #id; nft's follows. */
#define NFV_INET_HOOKS(X)			\
	X(PRE_ROUTING,	"prerouting")		\
	X(LOCAL_IN,	"input")		\
	X(FORWARD,	"forward")		\
	X(LOCAL_OUT,	"output")		\
	X(POST_ROUTING,	"postrouting")

enum nfv_hook {
#define NFV_HOOK_ENUM(id, nft) NFV_INET_##id,
	NFV_INET_HOOKS(NFV_HOOK_ENUM)
#undef NFV_HOOK_ENUM
	NFV_INET_NUMHOOKS
};

/* NF_DROP .. NF_REPEAT; the name is #id. */
#define NFV_VERDICTS(X)		\
	X(DROP,		0)	\
	X(ACCEPT,	1)	\
	X(STOLEN,	2)	\
	X(QUEUE,	3)	\
	X(REPEAT,	4)

enum nfv_verdict {
#define NFV_VERDICT_ENUM(id, value) NFV_##id = value,
	NFV_VERDICTS(NFV_VERDICT_ENUM)
#undef NFV_VERDICT_ENUM
};

/*
 * As in the kernel, the low byte is the verdict and the upper 16 bits carry
 * an argument: the drop reason for DROP (NF_DROP_ERR), the queue number for
 * QUEUE (NF_QUEUE_NR). Bit 15 asks QUEUE to accept when nobody listens or
 * the queue is full (NF_VERDICT_FLAG_QUEUE_BYPASS).
 */
#define NFV_VERDICT_MASK	0x000000ffu
#define NFV_VERDICT_QBITS	16
#define NFV_VERDICT_FLAG_QUEUE_BYPASS	0x00008000u
#define NFV_DROP_REASON(reason)	(NFV_DROP | ((uint32_t)(reason) << NFV_VERDICT_QBITS))
#define NFV_QUEUE_NR(num)	(NFV_QUEUE | ((uint32_t)(num) << NFV_VERDICT_QBITS))
#define NFV_VERDICT(v)		((v) & NFV_VERDICT_MASK)
#define NFV_VERDICT_ARG(v)	((v) >> NFV_VERDICT_QBITS)

/*
 * enum nf_ip_hook_priorities, in its order, and the names that nft and the
 * policy accept for some of them (NULL: by number only). Two rows share
 * INT_MAX; "last" is the name shown for it.
 */
#define NFV_IP_PRIORITIES(X)					\
	X(FIRST,		INT_MIN,	"first")		\
	X(RAW_BEFORE_DEFRAG,	-450,		NULL)			\
	X(CONNTRACK_DEFRAG,	-400,		NULL)			\
	X(RAW,			-300,		"raw")			\
	X(SELINUX_FIRST,	-225,		NULL)			\
	X(CONNTRACK,		-200,		"conntrack")		\
	X(MANGLE,		-150,		"mangle")		\
	X(NAT_DST,		-100,		"dnat")			\
	X(FILTER,		0,		"filter")		\
	X(SECURITY,		50,		"security")		\
	X(NAT_SRC,		100,		"snat")			\
	X(SELINUX_LAST,		225,		NULL)			\
	X(CONNTRACK_HELPER,	300,		NULL)			\
	X(CONNTRACK_CONFIRM,	INT_MAX,	NULL)			\
	X(LAST,			INT_MAX,	"last")

enum nfv_hook_priority {
#define NFV_PRI_ENUM(id, value, name) NFV_IP_PRI_##id = value,
	NFV_IP_PRIORITIES(NFV_PRI_ENUM)
#undef NFV_PRI_ENUM
};

/*
 * The named priorities as error messages list them; the unit test checks
 * it against the table.
 */
#define NFV_IP_PRI_NAMES_TEXT \
	"raw, conntrack, mangle, dnat, filter, security, snat, first, last"

struct nfv_ip_priority {
	const char *name;	/* NULL: not accepted by name */
	int value;
};

/* Indexed by enum nfv_hook. */
extern const char *const nfv_hook_names[NFV_INET_NUMHOOKS];
extern const char *const nfv_hook_nft_names[NFV_INET_NUMHOOKS];
/* The rows of NFV_IP_PRIORITIES, in order. */
extern const struct nfv_ip_priority nfv_ip_priorities[];
extern const unsigned int nfv_ip_priorities_num;

/* "PRE_ROUTING"; "?" when unknown. */
const char *nfv_hook_name(enum nfv_hook hook);
/* "PRE_ROUTING" (any case) -> NFV_INET_PRE_ROUTING; -1 when unknown. */
int nfv_hook_from_name(const char *name);
/* "DROP"; "?" when unknown. */
const char *nfv_verdict_name(enum nfv_verdict v);
/* The name of a priority, "last" for INT_MAX; NULL when it has none. */
const char *nfv_priority_name(int prio);
/* "dnat" (any case) -> -100: 0, or -1 when no priority has that name. */
int nfv_priority_from_name(const char *name, int *prio);
/* nft's name of a table family (NFPROTO_INET: "inet"); "unknown" when none. */
const char *nfv_nft_family_name(unsigned int nfproto);
/* "ip6" -> NFPROTO_IPV6; -1 when nft has no such family. */
int nfv_nft_family_from_name(const char *name);

#endif
