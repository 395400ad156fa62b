/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet-filtering module: nftables rulesets (libnftnl's object model)
 * compiled into a compact program and run at our hook points.
 *
 * The control side builds an immutable ruleset, then nfv_filter_apply()
 * publishes it: one pointer store, a grace period, the old one freed.
 * Workers only read. See README.md.
 */
#ifndef NFV_FILTER_H
#define NFV_FILTER_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "nfv_hook.h"

struct rte_mbuf;
struct rte_ring;
struct nfv_hook_table;
struct nftnl_table_list;
struct nftnl_chain_list;
struct nftnl_set_list;
struct nftnl_rule_list;
struct nftnl_flowtable_list;
struct nftnl_obj_list;
struct nfv_flowtable;
struct nfv_ct_table;
struct nfv_ipid;

#define NFV_FILTER_MAX_PORTS 64
#define NFV_IFNAMSIZ 16
#define NFV_FILTER_PORT_IP6 4	/* IPv6 addresses a port offers NAT */

/* What meta iif/iifname/oif/oifname see; the dataplane fills it. */
struct nfv_filter_ifaces {
	uint16_t nb_ports;
	struct {
		char name[NFV_IFNAMSIZ];	/* zero padded, as the kernel's */
		uint32_t ifindex;		/* what "meta iif" compares */
		uint16_t type;			/* ARPHRD_*, 1 for Ethernet */
		uint16_t mtu;			/* what "rt mtu" computes with */
		uint32_t ip4;			/* masquerade's and redirect's address,
						 * network order; 0: none */
		uint8_t nb_ip6;			/* IPv6 ones, in the policy's order:
						 * masquerade picks by source address
						 * selection, redirect by scope */
		struct {
			uint8_t addr[16];
			uint8_t plen;
		} ip6[NFV_FILTER_PORT_IP6];
	} port[NFV_FILTER_MAX_PORTS];
};

/* One nftables ruleset as libnftnl objects; sets carry their elements. */
struct nfv_nft_objs {
	struct nftnl_table_list *tables;
	struct nftnl_chain_list *chains;
	struct nftnl_set_list *sets;
	struct nftnl_rule_list *rules;
	struct nftnl_flowtable_list *flowtables;
	struct nftnl_obj_list *objs;	/* named stateful objects (counter, quota, limit) */
};

int nfv_nft_objs_init(struct nfv_nft_objs *o);
void nfv_nft_objs_fini(struct nfv_nft_objs *o);

/* A "log" statement hands one of these to the control side. */
struct nfv_filter_log_rec {
	char prefix[32];
	uint8_t hook;
	uint8_t family;
	uint16_t iport;
	uint16_t oport;
	uint16_t caplen;
	uint32_t len;
	uint32_t mark;
	uint8_t data[80];		/* the packet from its L3 header */
};

/*
 * The routing table that the fib expression asks (the one the workers
 * route with); the dataplane fills it. Called on workers, lock-free.
 */
struct nfv_filter_fib {
	/*
	 * The route to addr (network order, 4 or 16 bytes by nfproto): its
	 * RTN_* type (RTN_UNICAST, RTN_LOCAL for an address of ours,
	 * RTN_BROADCAST, RTN_BLACKHOLE; RTN_UNSPEC for no route) and its
	 * port (of a local address: the port that holds it).
	 */
	uint8_t (*route)(const void *ctx, uint8_t nfproto, const uint8_t *addr,
			 uint16_t *port);
	const void *ctx;
};

/*
 * The SA that a decrypted packet came out of (its mbuf's sa_index), for
 * nft's "ipsec in" (expr/xfrm.c); the dataplane asks its IPsec module.
 */
struct nfv_filter_sa {
	uint32_t reqid;
	uint32_t spi;		/* host order */
	uint8_t family;		/* AF_INET or AF_INET6, of src and dst */
	bool tunnel;
	uint8_t src[16];
	uint8_t dst[16];
};

struct nfv_filter_xfrm {
	/* 0, or -1 when no SA has that id; any worker, no lock */
	int (*sa_get)(const void *ctx, uint32_t id, struct nfv_filter_sa *out);
	/*
	 * "ipsec out": the SA the IPsec module's output would seal m with,
	 * as m is now (nfv_ipsec_out_sa()); 0, or -1 for none. Any worker.
	 * NULL: "ipsec out" is refused.
	 */
	int (*sa_out)(const void *ctx, struct rte_mbuf *m, struct nfv_filter_sa *out);
	const void *ctx;
};

struct nfv_filter_config {
	unsigned int nb_workers;	/* counters and limits are per worker */
	uint64_t hz;			/* units of nfv_hook_state.now per second */
	/* SP/MC-safe ring of struct nfv_filter_log_rec elements, or NULL */
	struct rte_ring *log_ring;
	uint32_t log_rate;		/* log records per second per worker */
	const struct nfv_filter_ifaces *ifaces;	/* read at run time */
	/*
	 * nfv_hook_state.now at build time: set element timeouts count from
	 * it (the remaining time a dump gives). NULL: rte_get_tsc_cycles().
	 */
	uint64_t (*clock)(void);
	const struct nfv_filter_fib *fib;	/* NULL: fib is refused */
	/* meta time/day/hour: nanoseconds since the epoch, UTC. NULL:
	 * clock_gettime(CLOCK_REALTIME) (a vDSO call, only for such rules) */
	uint64_t (*realtime_ns)(void);
	/* the workers' QSBR: a dynamic set's deleted elements are reused
	 * after a grace period. NULL: no other thread reads (tests). */
	struct rte_rcu_qsbr *qsbr;
	const struct nfv_filter_xfrm *xfrm;	/* NULL: "ipsec in" is refused */
	/*
	 * The flows that "flow add" offloads (nfv_flowtable.h); NULL: flow
	 * add compiles but offloads nothing (no conntrack, nfvpnd --check).
	 */
	struct nfv_flowtable *flowtable;
	/* the connections NAT binds in (nat chains); NULL: NAT does nothing,
	 * as there is no NAT without conntrack */
	struct nfv_ct_table *ct;
	/*
	 * Per worker, the IPv4 IDs of the ICMP errors that reject sends: the
	 * generator of the worker's other ICMP errors (nfv_ipid.h; one table,
	 * as Linux's ip_select_ident() has one). NULL: ID 0 (tests).
	 */
	struct nfv_ipid *const *ipids;
};

struct nfv_filter_ruleset;

/*
 * Compiles objs. On error returns -errno (-EOPNOTSUPP for an unsupported
 * expression) with "table <family> <name> chain <name> handle <n>: ..." in
 * err; nothing is kept.
 */
int nfv_filter_ruleset_build(const struct nfv_nft_objs *objs,
			     const struct nfv_filter_config *cfg,
			     struct nfv_filter_ruleset **out,
			     char *err, size_t errlen);
void nfv_filter_ruleset_free(struct nfv_filter_ruleset *rs);
/*
 * The same compile and the same errors as nfv_filter_ruleset_build(),
 * without the classifiers and the run-time state: needs no EAL (nfvpnd
 * --check and reload refuse what the dataplane would refuse).
 */
int nfv_filter_ruleset_check(const struct nfv_nft_objs *objs,
			     const struct nfv_filter_config *cfg,
			     char *err, size_t errlen);

/* Feeds one NFT_MSG_NEW* netlink message of a dump or event into objs. */
int nfv_nft_objs_add_nlmsg(struct nfv_nft_objs *objs, const void *nlh);
/*
 * Feeds len bytes of such messages, back to back: what NFV_MSG_FILTER_LOAD_DATA
 * carries and what the nft compiler writes (nft text never comes here:
 * config/nfv_nftc.h). On error err names the message.
 */
int nfv_nft_objs_add_stream(struct nfv_nft_objs *objs, const void *buf, size_t len,
			    char *err, size_t errlen);

/*
 * Runs the base chains of rs attached at (state->hook, priority) on a
 * burst. What the hook entry calls; tests call it directly.
 */
void nfv_filter_ruleset_run(const struct nfv_filter_ruleset *rs, int priority,
			    struct rte_mbuf **pkts, uint16_t n,
			    uint32_t *verdicts, const struct nfv_hook_state *state);

/*
 * The ports (bit per index in cfg->ifaces) of the devices of rs's
 * flowtables: where the fast path looks packets up. 0: none.
 */
uint64_t nfv_filter_ruleset_flow_ports(const struct nfv_filter_ruleset *rs);

/* Rule counters, summed over workers. */
/* Control side, now and then: expired elements of dynamic sets deleted. */
void nfv_filter_ruleset_gc(const struct nfv_filter_ruleset *rs, uint64_t now);
unsigned int nfv_filter_rule_count(const struct nfv_filter_ruleset *rs);
/* Inserts into its dynamic sets (add/update @set, meters) refused because
 * the set was full, summed over the sets. */
uint64_t nfv_filter_ruleset_dynset_full(const struct nfv_filter_ruleset *rs);
struct nfv_filter_rule_info {
	const char *table;
	const char *chain;
	uint32_t family;	/* NFPROTO_* */
	uint64_t handle;
	uint64_t packets;
	uint64_t bytes;
};
int nfv_filter_rule_get(const struct nfv_filter_ruleset *rs, unsigned int i,
			struct nfv_filter_rule_info *info);

/* Named objects (counter, quota, limit) and their values, shared by all workers. */
unsigned int nfv_filter_obj_count(const struct nfv_filter_ruleset *rs);
struct nfv_filter_obj_info {
	const char *table;
	const char *name;
	uint32_t family;	/* NFPROTO_* */
	uint32_t type;		/* NFT_OBJECT_COUNTER, _QUOTA, _LIMIT */
	uint64_t packets;	/* counter */
	uint64_t bytes;		/* counter: bytes; quota: bytes consumed */
};
int nfv_filter_obj_get(const struct nfv_filter_ruleset *rs, unsigned int i,
		       struct nfv_filter_obj_info *info);
/* nft reset: info as nfv_filter_obj_get(), then a counter's or a quota's
 * values taken off (-EOPNOTSUPP for a limit). Control side. */
int nfv_filter_obj_reset(const struct nfv_filter_ruleset *rs, unsigned int i,
			 struct nfv_filter_obj_info *info);

/* Publisher: owns the hook entries and the current ruleset. */
struct nfv_filter;
struct nfv_filter *nfv_filter_create(struct nfv_hook_table *t);
/*
 * Publishes rs (owned from now on), frees the previous one; 0 or -errno.
 * On error nothing changed: the previous ruleset runs, rs is the caller's.
 */
int nfv_filter_apply(struct nfv_filter *f, struct nfv_filter_ruleset *rs);
const struct nfv_filter_ruleset *nfv_filter_current(const struct nfv_filter *f);
void nfv_filter_destroy(struct nfv_filter *f);

#endif
