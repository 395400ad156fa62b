/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The charon plugin's side of the management socket: SAs and policies as
 * nfvpnctl sa add / policy add send them (config/nfv_msg.h), with plain C
 * types so that no strongSwan header meets an nfvpn one. Not thread-safe:
 * the caller serialises (one request in flight per connection).
 */
#ifndef NFVPN_DP_H
#define NFVPN_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFVPN_DP_NAME_MAX 32	/* NFV_NAME_MAX, the terminating NUL included */

struct nfvpn_dp;

/* An SA as charon hands it over; enc_alg, int_alg: IKEv2 transform IDs (RFC 7296 3.3.2). */
struct nfvpn_dp_sa {
	char name[NFVPN_DP_NAME_MAX];
	uint32_t spi;			/* host order */
	uint32_t reqid;
	bool inbound;
	bool transport;
	bool esn;
	bool encap;			/* UDP encapsulation (RFC 3948) */
	int family;			/* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;		/* the UDP ports when encap */
	uint16_t enc_alg, int_alg;
	const uint8_t *enc_key;		/* key || salt for an AEAD (RFC 4106 8.1, 7634 2) */
	size_t enc_key_len;
	const uint8_t *int_key;
	size_t int_key_len;
	uint32_t replay_window;		/* packets, 0: none */
	uint64_t soft_bytes, hard_bytes, soft_packets, hard_packets;
	uint64_t soft_seconds, hard_seconds;
};

/* The action of a policy: nfvpn's enum nfv_ipsec_action. */
enum nfvpn_dp_action { NFVPN_DP_PROTECT, NFVPN_DP_BYPASS, NFVPN_DP_DISCARD };

struct nfvpn_dp_sp {
	char name[NFVPN_DP_NAME_MAX];
	char sa[NFVPN_DP_NAME_MAX];	/* PROTECT: the SA's name */
	bool inbound;
	enum nfvpn_dp_action action;
	int32_t priority;		/* lower first */
	int family;
	uint8_t src[16], dst[16];
	uint8_t src_len, dst_len;
	uint8_t proto;			/* 0: any */
	uint16_t sport_min, sport_max, dport_min, dport_max;	/* 0, 0: any */
	bool trap;			/* PROTECT without an SA: acquires for reqid */
	uint32_t reqid;
};

/* Connects on first use; path: the socket, NULL: nfvpnctl's default. */
struct nfvpn_dp *nfvpn_dp_create(const char *path);
void nfvpn_dp_destroy(struct nfvpn_dp *dp);
/* Why the last call failed. */
const char *nfvpn_dp_error(const struct nfvpn_dp *dp);

/* Each returns 0 or -errno; a dropped connection is reopened once. */
int nfvpn_dp_sa_add(struct nfvpn_dp *dp, const struct nfvpn_dp_sa *sa);
int nfvpn_dp_sa_del(struct nfvpn_dp *dp, const char *name);
/*
 * The SA's new outer addresses (family, 4 or 16 bytes) and, with encap,
 * UDP ports: NAT-T port floating and MOBIKE (NFV_MSG_IPSEC_SA_UPDATE).
 */
int nfvpn_dp_sa_update(struct nfvpn_dp *dp, const char *name, int family,
		       const uint8_t src[16], const uint8_t dst[16], bool encap,
		       uint16_t sport, uint16_t dport);
/*
 * The SA's traffic counters (inner bytes, packets), summed over workers,
 * and its last packet's time (CLOCK_REALTIME seconds, 0: none yet).
 */
int nfvpn_dp_sa_query(struct nfvpn_dp *dp, const char *name, uint64_t *bytes,
		      uint64_t *packets, uint64_t *use_time);
/* 1 when an SA of the dataplane (charon's or the YAML's) has this SPI, 0 if not. */
int nfvpn_dp_spi_used(struct nfvpn_dp *dp, uint32_t spi);
int nfvpn_dp_sp_add(struct nfvpn_dp *dp, const struct nfvpn_dp_sp *sp);
/*
 * The SAs (names) and policies with the IKE prefix in the dataplane: a
 * previous charon's, when this one starts. expired[i]: SA i is past its
 * hard lifetime (its expire event went to no charon). free() the arrays.
 */
int nfvpn_dp_list_ike(struct nfvpn_dp *dp, char (**sas)[NFVPN_DP_NAME_MAX], bool **expired,
		      uint32_t *nsa, struct nfvpn_dp_sp **sps, uint32_t *nsp);
/* Whether two policies have the same direction and selectors. */
bool nfvpn_dp_sp_same(const struct nfvpn_dp_sp *a, const struct nfvpn_dp_sp *b);
/*
 * Subscribes dp's connection to the dataplane's events (a connection
 * for them alone); returns the socket to wait on, or -errno.
 */
int nfvpn_dp_events_open(struct nfvpn_dp *dp);
/* The socket of dp's connection, -1 when closed. */
int nfvpn_dp_fd(const struct nfvpn_dp *dp);

/* The events charon hears of, as the kernel's XFRM expire and mapping messages. */
enum nfvpn_dp_event_kind {
	NFVPN_DP_EV_SOFT = 1,		/* an SA's soft lifetime: rekey */
	NFVPN_DP_EV_HARD,		/* an SA's hard lifetime: it stopped */
	NFVPN_DP_EV_MAPPING,		/* NAT-T: the inbound SA's peer is at addr, port now */
	NFVPN_DP_EV_ACQUIRE,		/* a packet of the policy name found no SA: reqid */
};

struct nfvpn_dp_event {
	enum nfvpn_dp_event_kind kind;
	char name[NFVPN_DP_NAME_MAX];	/* the SA; ACQUIRE: the policy */
	uint32_t reqid;			/* ACQUIRE */
	int family;			/* MAPPING, ACQUIRE: AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
	/*
	 * ACQUIRE: the packet's selectors, when sel (XFRM's acquire
	 * selector): addr is its source, dst its destination; with ports,
	 * sport and dport (ICMP: type and code)
	 */
	bool sel, ports;
	uint8_t proto;
	uint8_t dst[16];
	uint16_t sport, dport;
};

/*
 * Reads one event: 1 with ev filled for an event charon hears of, 0 for
 * another one, -errno when the connection is gone.
 */
int nfvpn_dp_event_read(struct nfvpn_dp *dp, struct nfvpn_dp_event *ev);
int nfvpn_dp_sp_del(struct nfvpn_dp *dp, const char *name);

#endif
