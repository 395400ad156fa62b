/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter module in the dataplane (control side only): conntrack, the
 * nftables ruleset of the policy or of the mirror, loads over the
 * management socket, the log records of "log" statements and the listing
 * that nfvpnctl shows. See docs/filter.md.
 */
#ifndef NFV_FILTER_APPLY_H
#define NFV_FILTER_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "nfv_filter.h"
#include "nfv_msg.h"

struct nfv_dp;
struct nfv_mgmt_conn;
struct nfv_nft_objs;
struct nfv_filter_config;
struct nfv_filter_ifaces;
struct rte_ring;

/*
 * Start-up: conntrack first (its confirm entries must be registered before
 * any other entry at INT_MAX, e.g. ESP output, which steals the packet),
 * then the policy's ruleset. Nothing to do without a filter section.
 */
int nfv_filter_ctl_init(struct nfv_dp *dp);
/* Teardown, workers stopped. */
void nfv_filter_ctl_fini(struct nfv_dp *dp);
/* Periodic (the control loop's timer): conntrack GC, log records. */
void nfv_filter_ctl_timer(struct nfv_dp *dp, uint64_t now);

/* Offloaded flows are learned again: IPsec state changed (ipsec.c). */
void nfv_filter_ctl_flows_invalidate(struct nfv_dp *dp);
/* A route commit: offloaded flows end at their next packet (route.c). */
void nfv_filter_ctl_routes_changed(struct nfv_dp *dp);

/*
 * Compiles objs (parsed from the netlink messages msgs, len bytes) and
 * swaps the result in, keeping a copy of msgs for nfvpnctl ruleset; on
 * error the running ruleset stays and err says why (table, chain,
 * handle, expression).
 */
int nfv_filter_ctl_load(struct nfv_dp *dp, const struct nfv_nft_objs *objs,
			const void *msgs, size_t len, uint8_t source, const char *origin,
			char *err, size_t errlen);

/* What filter.c and filter_listing.c share; the control side owns it. */
struct nfv_filter;
struct nfv_ct_table;
struct nfv_flowtable;
struct nfv_filter_ruleset;

struct nfv_filter_ctl {
	struct nfv_filter *filter;	/* the publisher */
	struct nfv_ct_table *ct;	/* NULL when conntrack is off */
	struct nfv_flowtable *ft;	/* with ct: the flows of flow add */
	uint32_t ct_max;
	struct nfv_filter_config *cfg;
	struct nfv_filter_ifaces *ifaces;	/* read by workers */
	struct nfv_filter_fib fib;	/* fib: the workers' RIB snapshot */
	/* reject's ICMP IDs: each worker's ICMP error generator */
	struct nfv_ipid *ipids[NFV_MAX_WORKERS];
	struct nfv_filter_xfrm xfrm;	/* "ipsec in": the IPsec module's SAs */
	struct rte_ring *log_ring;
	/* the listing of the running ruleset; rule records carry in
	 * packets the ruleset's rule index + 1 (0: none) until shown */
	struct nfv_msg_filter_obj *listing;
	uint32_t nb_listing;
	/* the netlink messages of the running ruleset, as loaded: nfvpnctl
	 * ruleset has libnftables print them in nft's own words */
	uint8_t *nlmsgs;
	size_t nlmsgs_len;
	/* the load transaction */
	uint32_t txn;			/* 0: none open */
	uint32_t txn_next;
	uint8_t *stage;
	size_t stage_len, stage_cap;
	/* what filter info shows */
	uint8_t source;
	char origin[128];
	char last_error[256];
	uint64_t loads, load_errors, generation;
	uint64_t log_records;
	/* dynamic set inserts refused as full by rulesets since replaced */
	uint64_t dynset_full_retired;
};

/* The dataplane's filter state, NULL before nfv_filter_ctl_init(). */
struct nfv_filter_ctl *nfv_filter_ctl(const struct nfv_dp *dp);
/* Dynamic set inserts refused as full, every ruleset loaded so far. */
uint64_t nfv_filter_ctl_dynset_full(const struct nfv_filter_ctl *fc);

/* filter_listing.c: the listing of objs whose rules rs holds (rs's indexes). */
int nfv_filter_listing_build(const struct nfv_nft_objs *objs,
			     const struct nfv_filter_ruleset *rs,
			     struct nfv_msg_filter_obj **out, uint32_t *nb);

#endif
