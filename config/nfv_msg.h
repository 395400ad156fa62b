/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management API: messages between nfvpn-dataplane (server, on its main
 * lcore) and its clients (nfvpnd, nfvpnctl) over a Unix stream socket.
 * Defined once, here; both sides include this header and nothing else.
 *
 * Every message is a struct nfv_msg_hdr followed by hdr.len bytes of
 * payload. A request gets exactly one response with the same seq, except
 * NFV_MSG_QUEUE_LISTEN, after which the server also sends unsolicited
 * NFV_MSG_QUEUE_PACKET messages (seq 0) on that connection. A list response
 * is a struct nfv_msg_list followed by count records of the named type.
 * Integers are in host order: the socket never leaves the host.
 */
#ifndef NFV_MSG_H
#define NFV_MSG_H

#include <stdint.h>

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

#endif
