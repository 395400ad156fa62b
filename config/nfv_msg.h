/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management API: messages between nfvpn-dataplane (server, on its main
 * lcore) and its clients (nfvpnd, nfvpnctl) over a Unix stream socket.
 * Defined once, here; both sides include this header and nothing else.
 *
 * Every message is a struct nfv_msg_hdr followed by hdr.len bytes of
 * payload. A request gets exactly one response with the same seq, except
 * NFV_MSG_QUEUE_LISTEN, after which the server also sends unsolicited
 * NFV_MSG_QUEUE_PACKET messages (seq 0) on that connection (a connection
 * listens to one queue, a queue has one listener). A list response
 * is a struct nfv_msg_list followed by count records of the named type.
 * Integers are in host order: the socket never leaves the host.
 */
#ifndef NFV_MSG_H
#define NFV_MSG_H

#include <stdint.h>

#include "nfv_event.h"
#include "nfv_policy.h"

#define NFV_MSG_VERSION 1
#define NFV_MSG_SOCKET_DEFAULT "/run/nfvpn/dataplane.sock"
#define NFV_MSG_PAYLOAD_MAX (16u << 20)

enum nfv_msg_type {
	NFV_MSG_ERROR = 0,		/* response: status < 0, payload: text */
	NFV_MSG_STATUS = 1,		/* -> struct nfv_msg_status */
	NFV_MSG_PORTS = 2,		/* -> list of struct nfv_msg_port */
	NFV_MSG_ROUTES = 3,		/* -> list of struct nfv_msg_route */
	NFV_MSG_NEIGH = 4,		/* -> list of struct nfv_msg_neigh */
	NFV_MSG_HOOKS = 5,		/* -> list of struct nfv_msg_hook */
	NFV_MSG_STATS = 6,		/* -> list of struct nfv_msg_counter */
	NFV_MSG_QUEUES = 7,		/* -> list of struct nfv_msg_queue */
	NFV_MSG_QUEUE_LISTEN = 8,	/* struct nfv_msg_queue_listen -> empty */
	NFV_MSG_QUEUE_PACKET = 9,	/* server -> listener: struct nfv_msg_queue_packet */
	NFV_MSG_QUEUE_VERDICT = 10,	/* struct nfv_msg_queue_verdict -> empty */
	NFV_MSG_HOOK_ADD = 11,		/* struct nfv_policy_hook -> empty */
	NFV_MSG_HOOK_DEL = 12,		/* struct nfv_msg_name -> empty */
	NFV_MSG_ROUTE_ADD = 13,		/* struct nfv_policy_route -> empty */
	NFV_MSG_ROUTE_DEL = 14,		/* struct nfv_prefix -> empty */
	NFV_MSG_NEIGH_ADD = 15,		/* struct nfv_policy_neighbour -> empty */
	NFV_MSG_NEIGH_DEL = 16,		/* struct nfv_msg_neigh_key -> empty */
	/* ROUTE_ADD refuses a prefix that has a route (-EEXIST); this replaces */
	NFV_MSG_ROUTE_REPLACE = 17,	/* struct nfv_policy_route -> empty */
	NFV_MSG_STATS_CLEAR = 18,	/* empty -> empty: the baseline of STATS_DELTA */
	NFV_MSG_STATS_DELTA = 19,	/* -> list of struct nfv_msg_counter, less the baseline */
	NFV_MSG_CAPTURE_INFO = 20,	/* -> struct nfv_msg_capture_info */
	/* hooks/ipsec: 32..47; SA payloads carry keys, lists never do */
	NFV_MSG_IPSEC_SAS = 32,		/* -> list of struct nfv_msg_ipsec_sa */
	NFV_MSG_IPSEC_SPS = 33,		/* -> list of struct nfv_msg_ipsec_sp */
	NFV_MSG_IPSEC_SA_ADD = 34,	/* struct nfv_policy_sa -> empty */
	NFV_MSG_IPSEC_SA_DEL = 35,	/* struct nfv_msg_name -> empty */
	NFV_MSG_IPSEC_SP_ADD = 36,	/* struct nfv_msg_ipsec_sp_add -> empty */
	NFV_MSG_IPSEC_SP_DEL = 37,	/* struct nfv_msg_name -> empty */
	NFV_MSG_IPSEC_SA_UPDATE = 38,	/* struct nfv_msg_ipsec_sa_update -> empty */
	/* hooks/filter: 48..63 */
	NFV_MSG_FILTER_RULESET = 48,	/* -> list of struct nfv_msg_filter_obj */
	NFV_MSG_FILTER_INFO = 49,	/* -> struct nfv_msg_filter_info */
	NFV_MSG_FILTER_LOAD_BEGIN = 50,	/* empty -> struct nfv_msg_filter_txn */
	NFV_MSG_FILTER_LOAD_DATA = 51,	/* struct nfv_msg_filter_data + bytes -> empty */
	NFV_MSG_FILTER_LOAD_COMMIT = 52,/* struct nfv_msg_filter_commit -> empty */
	NFV_MSG_CT_LIST = 53,		/* -> list of struct nfv_msg_ct */
	NFV_MSG_CT_FLUSH = 54,		/* empty -> empty */
	/* the running ruleset's NFT_MSG_NEW* messages, as loaded (config/nfv_nftc.h) */
	NFV_MSG_FILTER_NLMSGS = 55,	/* empty -> the messages, back to back */
	/* nft reset counters/quotas: the RULESET listing, the objects of that
	 * type with their values before they were reset */
	NFV_MSG_FILTER_OBJ_RESET = 56,	/* struct nfv_msg_filter_reset -> list of struct nfv_msg_filter_obj */
	/* nfvpnd: 64..79 */
	NFV_MSG_TXN_BEGIN = 64,		/* struct nfv_msg_txn -> struct nfv_msg_txn */
	NFV_MSG_TXN_UNDO = 65,		/* struct nfv_msg_txn_undo + payload -> empty */
	NFV_MSG_TXN_COMMIT = 66,	/* empty -> struct nfv_msg_txn */
	NFV_MSG_TXN_ABORT = 67,		/* empty -> struct nfv_msg_txn */
	NFV_MSG_EVENTS = 68,		/* empty -> empty, then NFV_MSG_EVENT (seq 0) */
	NFV_MSG_EVENT = 69,		/* server -> subscriber: struct nfv_msg_event */
	NFV_MSG_BUILTINS = 70,		/* -> list of struct nfv_policy_hook */
	/* 71: retired (nft text); nfvpnd compiles it and loads FILTER_LOAD_* */
	NFV_MSG_TRACE = 72,		/* struct nfv_msg_trace -> empty; records as NFV_EVENT_TRACE */
	NFV_MSG_TYPE_MAX
};

struct nfv_msg_hdr {
	uint32_t len;		/* payload bytes after this header */
	uint16_t type;		/* enum nfv_msg_type */
	uint16_t version;	/* NFV_MSG_VERSION */
	uint32_t seq;		/* echoed in the response */
	int32_t status;		/* response: 0 or -errno */
};

struct nfv_msg_list {
	uint32_t count;
	uint32_t record_size;	/* sizeof the record, for forward compatibility */
};

struct nfv_msg_name {
	char name[48];
};

struct nfv_msg_status {
	char version[16];
	char policy[256];
	uint64_t uptime_s;
	uint64_t generation;	/* bumped on every applied change */
	uint32_t workers;
	uint32_t ports;
	uint64_t rx_packets;	/* all ports, all workers */
	uint64_t tx_packets;
	uint64_t forwarded;	/* packets that went through FORWARD */
	uint64_t local_in;	/* packets delivered locally */
	uint64_t local_out;	/* packets born here or from the kernel */
	uint64_t dropped;	/* all drop reasons */
	uint64_t mempool_in_use;
	uint64_t mempool_size;
};

struct nfv_msg_port {
	char name[NFV_NAME_MAX];
	char device[128];
	char exception_ifname[16];
	uint8_t mac[6];
	uint16_t port_id;	/* DPDK port id */
	uint16_t mtu;
	uint8_t link_up;
	uint8_t pad;
	uint32_t speed_mbps;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_missed, rx_errors, tx_errors;
	uint64_t punted;	/* sent to the exception interface */
	uint64_t from_kernel;	/* received from the exception interface */
};

/* What a DPDK secondary process (dpdk-dumpcap) needs to attach. */
struct nfv_msg_capture_info {
	char file_prefix[64];	/* EAL's --file-prefix ("rte": the default) */
	uint8_t served;		/* rte_pdump answers capture requests */
	uint8_t hugepages;	/* 0: --no-huge, nothing to attach to */
	uint8_t pad[6];
};

struct nfv_msg_route {
	struct nfv_prefix dst;
	struct nfv_addr via;
	char port[NFV_NAME_MAX];
	uint8_t type;		/* enum nfv_route_type, or NFV_ROUTE_LOCAL/CONNECTED */
	uint8_t has_via;
	uint8_t pad[2];
};

#define NFV_ROUTE_CONNECTED 100	/* from an address's prefix */
#define NFV_ROUTE_LOCAL 101	/* an address of ours */

enum nfv_neigh_state {
	NFV_NEIGH_INCOMPLETE = 1,
	NFV_NEIGH_REACHABLE = 2,
	NFV_NEIGH_STALE = 3,
	NFV_NEIGH_FAILED = 4,
	NFV_NEIGH_PERMANENT = 5,
};

struct nfv_msg_neigh {
	struct nfv_addr addr;
	uint8_t mac[6];
	uint8_t state;		/* enum nfv_neigh_state */
	uint8_t pad;
	char port[NFV_NAME_MAX];
	uint32_t age_s;		/* since last confirmed */
	uint32_t held;		/* packets waiting for resolution */
};

struct nfv_msg_neigh_key {
	char port[NFV_NAME_MAX];
	struct nfv_addr addr;
};

struct nfv_msg_hook {
	char name[48];
	uint8_t hook;		/* enum nfv_hook */
	uint8_t pad[3];
	int32_t priority;
	uint64_t packets, accepted, dropped, stolen, queued, repeated, repeat_limit;
	uint64_t cycles;
};

/* A named counter: drop reasons ("drop.<reason>") and totals. */
struct nfv_msg_counter {
	char name[48];
	uint64_t value;
};

struct nfv_msg_queue {
	uint16_t num;
	uint8_t default_verdict;
	uint8_t bypass;
	uint32_t size;
	uint32_t timeout_ms;
	uint32_t listeners;
	uint64_t enqueued, full, no_listener, bypassed;
	uint64_t verdict_accept, verdict_drop, timeouts, pending;
};

struct nfv_msg_queue_listen {
	uint16_t num;
	uint16_t pad;
	uint32_t copy_range;	/* bytes of each packet to send, 0 = all */
};

struct nfv_msg_queue_packet {
	uint64_t id;		/* answer with this id */
	uint16_t num;
	uint8_t hook;
	uint8_t family;
	uint16_t iport;
	uint16_t pad;
	uint32_t len;		/* the packet's length */
	uint32_t cap_len;	/* bytes of data[] that follow */
	uint8_t data[];		/* from the L3 header */
};

struct nfv_msg_queue_verdict {
	uint64_t id;
	uint16_t num;
	uint16_t pad;
	uint32_t verdict;	/* NFV_ACCEPT or NFV_DROP */
};

/*
 * hooks/filter: the nftables ruleset and conntrack.
 *
 * A ruleset is loaded as the nf_tables netlink messages of a table dump
 * (NFT_MSG_NEW{TABLE,CHAIN,SET,SETELEM,RULE}, concatenated as the kernel
 * sends them), in chunks because a request is at most 4 KiB: LOAD_BEGIN
 * opens a transaction (a new BEGIN drops an unfinished one), LOAD_DATA
 * appends bytes (a message may span chunks), LOAD_COMMIT compiles it all
 * and swaps it in at once; on error the running ruleset stays and the
 * NFV_MSG_ERROR text names table, chain, rule handle and expression.
 * The mirror sends a kernel table so; nfvpnd the policy's nft text, which
 * it compiled (config/nfv_nftc.h): the dataplane never parses nft text.
 */
#define NFV_MSG_FILTER_CHUNK_MAX 4000
/*
 * txn of LOAD_DATA and LOAD_COMMIT: whichever load is open. For the undo
 * group of an nfvpnd transaction (a previous ruleset), which is written
 * before the LOAD_BEGIN it replays has a number.
 */
#define NFV_MSG_FILTER_TXN_OPEN 0

enum nfv_msg_filter_kind {
	NFV_FILTER_OBJ_TABLE = 1,
	NFV_FILTER_OBJ_CHAIN = 2,
	NFV_FILTER_OBJ_SET = 3,
	NFV_FILTER_OBJ_RULE = 4,
	NFV_FILTER_OBJ_OBJECT = 5,	/* a named counter, quota, limit, ... */
};

/*
 * The ruleset in order: a table, its named objects, its sets, its chains
 * each followed by its rules.
 */
struct nfv_msg_filter_obj {
	uint8_t kind;		/* enum nfv_msg_filter_kind */
	uint8_t family;		/* NFPROTO_* */
	uint8_t base;		/* chain: a base chain */
	uint8_t hook;		/* base chain: enum nfv_hook */
	int32_t priority;	/* base chain */
	uint32_t policy;	/* base chain: NFV_ACCEPT or NFV_DROP;
				 * object: its type, NFT_OBJECT_* */
	uint32_t nelems;	/* set: elements */
	uint64_t handle;
	uint64_t packets;	/* rule: its counter, summed over workers; object: a counter's */
	uint64_t bytes;		/* the same; object: a counter's, a quota's consumed */
	char table[64];
	char name[64];		/* chain, set or object */
	char text[448];		/* rule: its expressions, as nft --debug=netlink */
};

struct nfv_msg_filter_reset {
	uint32_t type;		/* NFT_OBJECT_COUNTER or NFT_OBJECT_QUOTA */
};

enum nfv_msg_filter_source {
	NFV_FILTER_SOURCE_NONE = 0,
	NFV_FILTER_SOURCE_POLICY = 1,	/* filter.nft or filter.file */
	NFV_FILTER_SOURCE_MIRROR = 2,	/* a kernel table, pushed by the mirror */
};

struct nfv_msg_filter_info {
	uint8_t source;		/* enum nfv_msg_filter_source */
	uint8_t conntrack;	/* conntrack is on */
	uint8_t pad[2];
	uint32_t rules;
	uint64_t loads;		/* rulesets applied */
	uint64_t load_errors;	/* rulesets refused */
	uint64_t generation;	/* bumped per applied ruleset */
	char origin[128];	/* "policy", or the table the mirror follows */
	char last_error[256];
	/* conntrack */
	uint32_t ct_count;
	uint32_t ct_max;
	uint64_t ct_new, ct_invalid, ct_related, ct_table_full;
	uint64_t log_records, log_lost;
};

struct nfv_msg_filter_txn {
	uint32_t txn;
	uint32_t pad;
};

struct nfv_msg_filter_data {
	uint32_t txn;
	uint32_t len;		/* bytes that follow, at most NFV_MSG_FILTER_CHUNK_MAX */
	uint8_t data[];
};

struct nfv_msg_filter_commit {
	uint32_t txn;
	uint8_t source;		/* enum nfv_msg_filter_source: POLICY or MIRROR */
	uint8_t pad[3];
	char origin[128];	/* e.g. "mirror inet nfvpn", shown by filter info */
};

struct nfv_msg_ct_addr {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;		/* ICMP: echo id */
	uint16_t dport;		/* ICMP: type << 8 | code */
	uint16_t zone;		/* conntrack zone of the direction, 0: default */
	uint16_t pad;
};

struct nfv_msg_ct {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;
	uint8_t tcp_state;	/* enum nfv_ct_tcp_state */
	uint8_t pad;
	uint32_t status;	/* IPS_* */
	uint32_t mark;
	uint32_t expires_s;	/* seconds left */
	struct nfv_msg_ct_addr orig, reply;
	/* IPS_OFFLOAD (flowtable): what the fast path forwarded, per
	 * direction [original, reply] */
	uint64_t offload_packets[2];
	uint64_t offload_bytes[2];
};

/*
 * nfvpnd: transactions and events.
 *
 * A transaction makes a batch of changes one generation: TXN_BEGIN (on one
 * connection at a time; -EBUSY otherwise, -ESTALE when expect is not 0 and
 * not the running generation), then the change messages, then TXN_COMMIT,
 * which bumps the generation once. Before each change the client sends
 * TXN_UNDO messages holding the change(s) that reverse it; they are kept
 * when the next change message succeeds and dropped when it fails. TXN_ABORT,
 * or the connection closing inside a transaction, runs the kept undo groups
 * newest first: the dataplane is back at the generation of TXN_BEGIN.
 * Several TXN_UNDO in a row form one group, run in the order sent.
 */
struct nfv_msg_txn {
	uint64_t generation;	/* response: the running generation */
	uint64_t expect;	/* BEGIN: the generation the client diffed against, 0: any */
	uint32_t changes;	/* COMMIT/ABORT response: changes kept / undone */
	uint32_t undo_failed;	/* ABORT response: undo steps that failed */
};

/*
 * nfvpnd changes the rules of filter.nft/filter.file with FILTER_LOAD_*
 * (source POLICY); the undo of its LOAD_COMMIT is the group LOAD_BEGIN,
 * LOAD_DATA..., LOAD_COMMIT of the previous ruleset, with txn
 * NFV_MSG_FILTER_TXN_OPEN.
 */
struct nfv_msg_txn_undo {
	uint16_t type;		/* the reversing request */
	uint16_t pad;
	uint32_t len;		/* its payload, which follows */
	uint8_t payload[];
};

/*
 * TRACE: marks the first count packets that match on each worker and
 * reports every hook entry they meet (hook, entry, priority, verdict) as
 * NFV_EVENT_TRACE events to the event subscribers, like nftrace; count 0
 * stops a trace. One trace at a time (a new one replaces it); it ends
 * when every worker's budget is spent or after NFV_MSG_TRACE_MAX_S.
 */
#define NFV_MSG_TRACE_MAX_S 60

struct nfv_msg_trace {
	uint32_t count;		/* packets per worker, 1..100000; 0: stop */
	uint8_t family;		/* AF_INET, AF_INET6, 0: any */
	uint8_t proto;		/* 0: any */
	uint8_t src_len, dst_len;	/* 0: any */
	uint8_t src[16], dst[16];
	uint16_t dport;		/* 0: any */
	uint16_t pad;
};

struct nfv_msg_event {
	uint64_t time_ns;	/* CLOCK_REALTIME */
	uint16_t type;		/* enum nfv_event_type (nfv_event.h) */
	uint16_t worker;	/* the worker that saw it, UINT16_MAX: control side */
	uint32_t pad;
	uint64_t value;
	char object[48];
	char text[192];
};

/* hooks/ipsec (config/nfv_policy_ipsec.h has the SA and policy structs) */
#include "nfv_policy_ipsec.h"

struct nfv_msg_ipsec_sa {
	char name[NFV_NAME_MAX];
	uint32_t spi;
	uint32_t reqid;
	uint8_t dir, mode, cipher, auth;	/* enums of nfv_ipsec_sa.h, nfv_ipsec_alg.h */
	uint8_t esn, natt, state;		/* state: enum nfv_ipsec_sa_state */
	uint8_t pad;
	uint16_t natt_sport, natt_dport;
	uint32_t replay_window;
	struct nfv_addr src, dst;
	struct nfv_ipsec_lifetime soft, hard;
	struct nfv_ipsec_sa_stats stats;	/* summed over workers */
	/*
	 * CLOCK_REALTIME seconds of the SA's last packet (sealed, or opened
	 * and accepted by the inbound policy), 0: none; as XFRM's policy
	 * curlft.use_time (charon's query_policy)
	 */
	uint64_t use_time;
};

struct nfv_msg_ipsec_sp {
	struct nfv_policy_sp sp;
	char sa[NFV_NAME_MAX];		/* PROTECT: the SA's name */
	/* inbound: cleartext packets refused (PROTECT), packets dropped (DISCARD) */
	uint64_t refused;
};

struct nfv_msg_ipsec_sp_add {
	struct nfv_policy_sp sp;	/* sp.sa is ignored */
	char sa[NFV_NAME_MAX];		/* PROTECT: the SA by name */
	/*
	 * PROTECT without an SA (sa empty): an IKE daemon's trap policy.
	 * Outbound, its packets are dropped (esp-unknown-spi) and raise one
	 * NFV_EVENT_SP_ACQUIRE with reqid; inbound, it requires SAs of reqid.
	 */
	uint8_t trap;
	uint8_t pad[3];
	uint32_t reqid;
};

/*
 * NFV_MSG_IPSEC_SA_UPDATE: the SA's new outer addresses, UDP encapsulation
 * and NAT-T UDP ports (NAT-T port floating, MOBIKE; XFRM's XFRM_MSG_UPDSA
 * of an SA's addresses and encapsulation). Keys, sequence numbers, replay
 * window, counters and lifetimes stay; no packet of the SA is lost or
 * sent with half the old header. An inbound SA whose destination (its
 * SAD key) moves takes packets to the previous one for a grace period
 * too (2 s). The family cannot change.
 */
struct nfv_msg_ipsec_sa_update {
	char name[NFV_NAME_MAX];
	struct nfv_addr src;
	struct nfv_addr dst;
	uint16_t natt_sport;		/* host order; 0: 4500 */
	uint16_t natt_dport;
	uint8_t natt;			/* UDP encapsulation, on or off */
	uint8_t pad[3];
};

#endif
