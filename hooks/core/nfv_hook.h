/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet-hook module: netfilter's hook points, verdicts and priorities,
 * with one difference from the kernel: a hook function takes a burst and
 * writes one verdict per packet.
 */
#ifndef NFV_HOOK_H
#define NFV_HOOK_H

#include <limits.h>
#include <stdint.h>

struct rte_mbuf;

/* Same order and values as enum nf_inet_hooks. */
enum nfv_hook {
	NFV_INET_PRE_ROUTING = 0,
	NFV_INET_LOCAL_IN = 1,
	NFV_INET_FORWARD = 2,
	NFV_INET_LOCAL_OUT = 3,
	NFV_INET_POST_ROUTING = 4,
	NFV_INET_NUMHOOKS
};

/* Same values as NF_DROP .. NF_REPEAT. */
enum nfv_verdict {
	NFV_DROP = 0,
	NFV_ACCEPT = 1,
	NFV_STOLEN = 2,
	NFV_QUEUE = 3,
	NFV_REPEAT = 4,
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

/* Same values as enum nf_ip_hook_priorities. */
enum nfv_hook_priority {
	NFV_IP_PRI_FIRST = INT_MIN,
	NFV_IP_PRI_RAW_BEFORE_DEFRAG = -450,
	NFV_IP_PRI_CONNTRACK_DEFRAG = -400,
	NFV_IP_PRI_RAW = -300,
	NFV_IP_PRI_SELINUX_FIRST = -225,
	NFV_IP_PRI_CONNTRACK = -200,
	NFV_IP_PRI_MANGLE = -150,
	NFV_IP_PRI_NAT_DST = -100,
	NFV_IP_PRI_FILTER = 0,
	NFV_IP_PRI_SECURITY = 50,
	NFV_IP_PRI_NAT_SRC = 100,
	NFV_IP_PRI_SELINUX_LAST = 225,
	NFV_IP_PRI_CONNTRACK_HELPER = 300,
	NFV_IP_PRI_CONNTRACK_CONFIRM = INT_MAX,
	NFV_IP_PRI_LAST = INT_MAX,
};

/* How often REPEAT may re-run the same entry on one packet. */
#define NFV_REPEAT_LIMIT 8

struct nfv_hook_state;
struct nfv_hook_table;

/*
 * Runs on a worker for n packets of one burst; writes verdicts[i] for each
 * pkts[i]. It must not free a packet unless it returns STOLEN for it, or
 * unless it replaces pkts[i] by another mbuf it made (a copy in one
 * segment, say): the verdict then applies to the new pkts[i].
 */
typedef void (*nfv_hookfn)(void *priv, struct rte_mbuf **pkts, uint16_t n,
			   uint32_t *verdicts, const struct nfv_hook_state *state);

/* A name, its NUL included, fits in this many bytes. */
#define NFV_HOOK_NAMESIZ 48

/*
 * The descriptor of a hook entry, as struct nf_hook_ops. A module declares
 * one (or an array) const at the bottom of the file that holds fn, and its
 * control side registers them with nfv_hook_register(), which copies them:
 * see hooks/core/README.md.
 */
struct nfv_hook_ops {
	const char *name;	/* unique in the table: the handle of CLI and trace */
	enum nfv_hook hook;
	int priority;		/* enum nfv_hook_priority or any int: lower runs first */
	nfv_hookfn fn;
	void *priv;		/* fn's first argument; the module's per-entry state */
};

/* What a hook function may know about where it runs. */
struct nfv_hook_state {
	enum nfv_hook hook;
	unsigned int worker;	/* 0 .. NFV_MAX_WORKERS-1 */
	uint64_t now;		/* rte_get_tsc_cycles() at the start of the burst */
	struct nfv_hook_table *table;	/* for nfv_drop() of stolen packets */
};

const char *nfv_hook_name(enum nfv_hook hook);
/* "PRE_ROUTING" -> NFV_INET_PRE_ROUTING; -1 when unknown. */
int nfv_hook_from_name(const char *name);
const char *nfv_verdict_name(enum nfv_verdict v);

#endif
