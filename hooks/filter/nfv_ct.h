/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection tracking with netfilter's states, TCP window tracking and
 * default timeouts.
 *
 * One table shared by all workers: the original and reply tuples of every
 * connection are keys of a lock-free rte_hash (RW_CONCURRENCY_LF), so
 * lookups never lock and the two directions of a flow may land on any
 * worker: RSS of ESP-decrypted inner packets, locally made replies and the
 * two ports of a forwarded flow cannot be made symmetric, so per-worker
 * tables would split connections. Inserting a new connection takes a
 * spinlock (as nf_conntrack_confirm() does); TCP state of one connection is
 * updated under its own lock, as the kernel's ct->lock.
 *
 * Time is nfv_hook_state.now in units of hz per second: tests pass their
 * own clock.
 */
#ifndef NFV_CT_H
#define NFV_CT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

#include "nfv_hook.h"

struct nfv_hook_table;
struct nfv_hook_reg;
struct rte_rcu_qsbr;

/* meta->ct_info of a packet conntrack leaves alone (no meta->ct), as the
 * kernel's IP_CT_UNTRACKED (enum ip_conntrack_info, kernel-only) */
#define NFV_CT_UNTRACKED 7

/*
 * Zeroed padding: the whole struct is the hash key. zone is the conntrack
 * zone of the tuple's direction (nf_ct_zone_id(zone, dir)): the kernel
 * hashes and compares each direction's tuple with it, so a connection's
 * two keys carry their own (ct original zone set gives the reply zone 0).
 */
struct nfv_ct_tuple {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;		/* ICMP: echo id */
	uint16_t dport;		/* ICMP: type << 8 | code */
	uint8_t family;		/* AF_INET / AF_INET6 */
	uint8_t proto;
	uint16_t zone;		/* 0: the default zone */
};

/*
 * ct zone set (nft_ct_set_zone_eval()): a packet with no connection yet
 * gets a conntrack template, here ct_info NFV_CT_TEMPLATE with no
 * meta->ct (the kernel's template nf_conn with IP_CT_NEW), and conntrack
 * looks its tuple up, or creates it, in the template's zone. The zone,
 * NFV_CT_ZONE_TMPL(id, dirs), is kept in meta->nexthop, which is dead at
 * PRE_ROUTING and LOCAL_OUT, the two hooks where conntrack runs: the route
 * stage that follows each writes it before anything reads it. It is
 * written there only; a template set at another hook (after conntrack)
 * has no zone to give, as nothing would read it.
 */
#define NFV_CT_TEMPLATE 6		/* a value enum ip_conntrack_info leaves free */
#define NFV_CT_ZONE_DIR_ORIG 1		/* NF_CT_ZONE_DIR_ORIG */
#define NFV_CT_ZONE_DIR_REPL 2		/* NF_CT_ZONE_DIR_REPL */
#define NFV_CT_ZONE_DIRS 3		/* NF_CT_DEFAULT_ZONE_DIR: both */
#define NFV_CT_ZONE_TMPL(id, dirs) ((uint32_t)(dirs) << 16 | (uint16_t)(id))

/* nf_ct_zone_id(): the zone id a template gives direction dir's tuple */
static inline uint16_t nfv_ct_tmpl_zone(uint32_t tmpl, unsigned int dir)
{
	return tmpl >> 16 & 1u << dir ? (uint16_t)tmpl : 0;
}

enum nfv_ct_tcp_state {
	NFV_TCP_NONE, NFV_TCP_SYN_SENT, NFV_TCP_SYN_RECV, NFV_TCP_ESTABLISHED,
	NFV_TCP_FIN_WAIT, NFV_TCP_CLOSE_WAIT, NFV_TCP_LAST_ACK,
	NFV_TCP_TIME_WAIT, NFV_TCP_CLOSE, NFV_TCP_SYN_SENT2,
	NFV_TCP_MAX, NFV_TCP_IGNORE, NFV_TCP_INVALID,
};

struct nfv_ct_tcp_dir {
	uint32_t td_end;	/* max of seq + len */
	uint32_t td_maxend;	/* max of ack + max(win, 1) */
	uint32_t td_maxwin;	/* max(win) */
	uint8_t td_scale;
	uint8_t flags;		/* NFV_CT_TCP_F_* */
};

#define NFV_CT_TCP_F_WSCALE	0x01
#define NFV_CT_TCP_F_CLOSE_INIT	0x02
/* IP_CT_TCP_FLAG_BE_LIBERAL: any window accepted; set when the flow is
 * offloaded, whose fast path does not follow the windows */
#define NFV_CT_TCP_F_LIBERAL	0x04

struct nfv_ct {
	struct nfv_ct_tuple tuple[2];	/* [IP_CT_DIR_ORIGINAL], [REPLY] */
	uint64_t expires;	/* in clock ticks; atomic */
	uint32_t status;	/* IPS_* bits; atomic */
	uint32_t mark;		/* ct mark; atomic */
	uint32_t timeout;	/* seconds, applied on confirm */
	uint32_t idx;
	int32_t pos[2];		/* key positions, freed after a grace period */
	/* positions of reply keys that NAT replaced (ct_alter_reply(), one
	 * per manip type) and of the source-NAT index key (ct_bysrc_*()),
	 * freed by the GC after a grace period; -1: none */
	int32_t stale_pos[3];
	uint8_t dying;		/* claimed for deletion (CAS 0 -> 1) */
	uint8_t live;		/* allocated; written by its creator and the GC */
	uint8_t tcp_state;	/* under lock */
	/* NFV_CT_EXT_*: the side arrays (nfv_ct_ext_get()) that hold this
	 * connection's labels or counters; set at creation, as the kernel
	 * adds its extensions in init_conntrack() */
	uint8_t ext;
	/* masquerade's output port (nf_conn_nat's masq_index), written
	 * before the binding; UINT16_MAX: not masqueraded */
	uint16_t masq_port;
	rte_spinlock_t lock;
	struct nfv_ct_tcp_dir tcp[2];
} __rte_cache_aligned;

/* The connection's zone id (the kernel's zone->id, what ct zone reads with
 * no direction): its directions' ids are equal, or one of them is 0. */
static inline uint16_t nfv_ct_zone(const struct nfv_ct *ct)
{
	return ct->tuple[0].zone | ct->tuple[1].zone;
}

/*
 * Per-connection state that only some rules use lives beside the table,
 * not in struct nfv_ct, so that the connection's lines do not grow: side
 * arrays indexed by the connection's index, allocated when a ruleset first
 * needs them (nfv_ct_ext_get(), from the ruleset build), kept until the
 * table goes. A connection made while some ruleset holds an extension has
 * it for its life; one made before has not (its labels read 0 and cannot
 * be set, its counters read 0), as the kernel adds nf_conn_labels and
 * nf_conn_acct at init_conntrack() only when labels are in use
 * (nf_connlabels_get()) or accounting is on (nf_ct_set_acct()).
 */
#define NFV_CT_EXT_LABELS	0x01	/* ct label: 128 bits, nf_conn_labels */
#define NFV_CT_EXT_ACCT		0x02	/* ct packets/bytes/avgpkt: nf_conn_acct */

#define NFV_CT_LABELS_WORDS 4	/* NF_CT_LABELS_MAX_SIZE / 4 */

/* nf_conn_counter per direction; atomic adds from any worker */
struct nfv_ct_acct {
	uint64_t packets[2];
	uint64_t bytes[2];
};

struct nfv_ct_config {
	uint32_t max;		/* connections; more are dropped, counted */
	uint64_t hz;		/* clock ticks per second */
	struct rte_rcu_qsbr *qsbr;	/* workers' QSBR, NULL in tests */
	int socket;
};

struct nfv_ct_stats {
	uint64_t new_conns;
	uint64_t invalid;
	uint64_t related;
	uint64_t table_full;
	uint64_t untracked;	/* ICMPv6 ND/MLD, as the kernel leaves them */
} __rte_cache_aligned;

struct nfv_ct_table;

/* Control side. */
struct nfv_ct_table *nfv_ct_table_create(const char *name, const struct nfv_ct_config *cfg);
void nfv_ct_table_destroy(struct nfv_ct_table *t);
/* Removes expired connections; returns how many. Control side only. */
unsigned int nfv_ct_gc(struct nfv_ct_table *t, uint64_t now);
uint32_t nfv_ct_count(const struct nfv_ct_table *t);
void nfv_ct_stats_sum(const struct nfv_ct_table *t, struct nfv_ct_stats *sum);
/* Calls fn for every live confirmed connection (the dump for nfvpnctl);
 * nfv_ct_count() counts the unconfirmed too, as nf_conntrack_count. */
void nfv_ct_foreach(struct nfv_ct_table *t,
		    void (*fn)(const struct nfv_ct *ct, void *arg), void *arg);
/* Registers conntrack at PRE_ROUTING/LOCAL_OUT (-200) and confirm (INT_MAX). */
int nfv_ct_register(struct nfv_ct_table *t, struct nfv_hook_table *ht);
void nfv_ct_unregister(struct nfv_ct_table *t, struct nfv_hook_table *ht);

/*
 * An offloaded connection (IPS_OFFLOAD, nfv_flowtable.h) goes back to the
 * slow path, as flow_offload_teardown() and flow_offload_fixup_ct(): the
 * timeout of its state less the flow timeout already spent, window
 * tracking picked up again. False when it was not offloaded (someone
 * tore it down first). Any thread.
 */
bool nfv_ct_offload_teardown(struct nfv_ct_table *t, struct nfv_ct *ct, uint64_t now);
/*
 * ct count (ct_count.c): the live connections of one key, as the kernel's
 * nf_conncount_list. A list of cap connections lives in memory of the
 * caller's (nfv_ct_count_list_size()); nfv_ct_count_add() drops the
 * connections that went away or closed, adds ct when it is new (not yet
 * confirmed) and not there, and returns how many the list holds. ct may
 * be NULL (an untracked packet: counted, not added). Any worker.
 */
struct nfv_ct_count_list;
size_t nfv_ct_count_list_size(uint32_t cap);
void nfv_ct_count_list_init(struct nfv_ct_count_list *l, uint32_t cap);
uint32_t nfv_ct_count_add(struct nfv_ct_count_list *l, const struct nfv_ct *ct,
			  uint64_t now, uint64_t hz);
/* The connections of the list still there, the list left as it is. */
uint32_t nfv_ct_count_live(struct nfv_ct_count_list *l, uint64_t now, uint64_t hz);

/*
 * Control side: a ruleset that uses ext (NFV_CT_EXT_*) takes it before it
 * is published and puts it back when freed; connections made while any
 * holds it get it. -ENOMEM when its array cannot be allocated.
 */
int nfv_ct_ext_get(struct nfv_ct_table *t, unsigned int ext);
void nfv_ct_ext_put(struct nfv_ct_table *t, unsigned int ext);
/* Worker side: ct's labels (NFV_CT_LABELS_WORDS words, bit n of the
 * labels in word n / 32, host order, as the kernel's unsigned longs on a
 * little-endian host) or counters, NULL when ct has none. */
uint32_t *nfv_ct_labels(const struct nfv_ct_table *t, const struct nfv_ct *ct);
struct nfv_ct_acct *nfv_ct_acct(const struct nfv_ct_table *t, const struct nfv_ct *ct);

/* nf_flowtable_tcp_timeout and nf_flowtable_udp_timeout, seconds */
#define NFV_FLOW_TIMEOUT_S 30

/* Hook entries (priv = table); tests call them directly. */
void nfv_conntrack_in_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
			      uint32_t *verdicts, const struct nfv_hook_state *state);
void nfv_conntrack_confirm_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
				   uint32_t *verdicts, const struct nfv_hook_state *state);

#endif
