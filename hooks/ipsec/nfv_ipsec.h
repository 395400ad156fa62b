/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VPN processing module: ESP (RFC 4303) in and out, the SAD and the SPD.
 *
 * Control side API. One thread (the main lcore) calls these functions; the
 * workers only read what they publish (RCU, QSBR). Every function returns 0
 * or -errno and logs nothing. Keys given here are copied, expanded once and
 * wiped with explicit_bzero() when the SA is freed after its grace period.
 */
#ifndef NFV_IPSEC_H
#define NFV_IPSEC_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_ipsec_alg.h"	/* the algorithms' rows */
#include "nfv_ipsec_sa.h"	/* directions, modes, actions, counters */
#include "nfv_policy.h"
#include "nfv_siphash.h"

struct nfv_hook_state;
struct nfv_hook_table;
struct rte_mbuf;
struct rte_rcu_qsbr;
struct nfv_ipsec;

struct nfv_ipsec_sa_conf {
	uint32_t id;			/* slot, 0 .. max_sa-1, chosen by the caller */
	uint32_t spi;			/* host order */
	uint32_t reqid;			/* inbound policies name SAs by reqid */
	enum nfv_ipsec_dir dir;
	enum nfv_ipsec_mode mode;
	/* tunnel: outer addresses; transport: inbound lookup uses dst only */
	struct nfv_addr src;
	struct nfv_addr dst;
	enum nfv_ipsec_cipher cipher;
	enum nfv_ipsec_auth auth;
	/* AEAD: key || salt, as RFC 4106/4309/7634 KEYMAT (the row's salt_len); CBC: the AES key */
	uint8_t key[NFV_IPSEC_KEY_MAX];
	uint8_t key_len;
	uint8_t auth_key[NFV_IPSEC_KEY_MAX];
	uint8_t auth_key_len;
	bool esn;
	uint32_t replay_window;		/* 0: NFV_IPSEC_REPLAY_DEFAULT */
	bool no_replay;			/* no anti-replay (Linux replay-window 0); not with ESN */
	bool natt;			/* UDP encapsulation, RFC 3948 */
	uint16_t natt_sport;		/* host order, default 4500 */
	uint16_t natt_dport;
	struct nfv_ipsec_lifetime soft;
	struct nfv_ipsec_lifetime hard;
	/*
	 * Outbound: the path MTU of the outer packets; 0: not checked. Larger
	 * IPv4 packets without DF are fragmented (tunnel: before encryption;
	 * transport: the ESP packet), IPv6 up to 1280 bytes too (the ESP
	 * packet); the others are dropped as esp-too-big and given to
	 * conf.too_big. See README.md.
	 */
	uint16_t mtu;
};

struct nfv_ipsec_sp_conf {
	uint32_t id;			/* unique per direction */
	int32_t priority;		/* lower first; ties keep insertion order */
	enum nfv_ipsec_dir dir;
	uint8_t family;			/* AF_INET or AF_INET6 */
	struct nfv_prefix src;		/* len 0 matches any */
	struct nfv_prefix dst;
	uint8_t proto;			/* 0: any */
	/* ports of TCP/UDP/SCTP; ICMP type and code as in XFRM; all 0: any */
	uint16_t sport_min, sport_max;
	uint16_t dport_min, dport_max;
	enum nfv_ipsec_action action;
	uint32_t sa_id;			/* out + PROTECT: the SA to use */
	uint32_t reqid;			/* in + PROTECT: the SA reqid required */
};

struct nfv_ipsec_conf {
	unsigned int nb_workers;	/* workers 0 .. nb_workers-1 call the hooks */
	uint32_t max_sa;		/* SA slots, default 1024 */
	int socket_id;
	/* the grace period used for SAs and policies; NULL: the hook table's */
	struct rte_rcu_qsbr *qsbr;
	/*
	 * After an inbound SA's destination moved (MOBIKE), how long packets
	 * to the previous one are still taken, in ms; 0: 2000. The previous
	 * key goes at the first nfv_ipsec_sa_poll() after it.
	 */
	uint32_t move_grace_ms;
	/*
	 * Optional, called on the worker for a packet that does not fit an
	 * SA's mtu and cannot be fragmented, before it is dropped: the caller
	 * sends the ICMP error (mtu is the largest inner packet that fits).
	 * It must not free or keep m.
	 */
	void (*too_big)(void *arg, unsigned int worker, struct rte_mbuf *m,
			uint32_t mtu);
	void *too_big_arg;
	/*
	 * Optional, the nft flowtable's learning (nfv_flowtable.h): called on
	 * the worker by esp-output for a packet marked NFV_MBUF_F_FLOW (every
	 * hook passed, flow add offloaded its connection) that a PROTECT
	 * policy sealed for SA sa_id whole, before its metadata becomes the
	 * ESP packet's; mtu: the largest packet of the flow that the SA takes
	 * without the path MTU's work (nfv_ipsec_flow_ok()). It must not
	 * free or keep m.
	 */
	void (*flow_learn)(void *arg, unsigned int worker, struct rte_mbuf *m,
			   uint32_t sa_id, uint16_t mtu);
	void *flow_learn_arg;
	/*
	 * Optional: mbufs (with the packet pool's private area size) big
	 * enough for the largest ESP packet; a chain that does not fit one
	 * segment of its own pool is copied into one of these for the crypto.
	 * NULL: such chains are dropped as esp-linearize-failed.
	 */
	struct rte_mempool *big_pool;
	/*
	 * Optional: the pool fragments are taken from (the packet pool);
	 * NULL: the fragmented packet's own pool, which may be big_pool.
	 */
	struct rte_mempool *frag_pool;
	/*
	 * The secret of the outer IPv4 IDs and of the IPv6 fragments'
	 * identification (nfv_ipid.h), and the jumps' tick in TSC cycles
	 * (0: none, for tests).
	 */
	struct nfv_siphash_key id_key;
	uint64_t id_tick_cycles;
};

enum nfv_ipsec_sa_event {
	NFV_IPSEC_EV_SOFT = 1u << 0,	/* a soft limit is reached: rekey */
	NFV_IPSEC_EV_HARD = 1u << 1,	/* the SA stopped */
};

int nfv_ipsec_init(struct nfv_ipsec **out, const struct nfv_ipsec_conf *conf);
/*
 * Registers "esp-output" and "esp-input" in t, and while an inbound policy
 * exists "esp-policy-fwd" and "esp-policy-in"; see README.md.
 */
int nfv_ipsec_register(struct nfv_hook_table *t, struct nfv_ipsec *ips);
void nfv_ipsec_unregister(struct nfv_hook_table *t, struct nfv_ipsec *ips);
/* Frees every SA and policy; the entries must be unregistered first. */
void nfv_ipsec_fini(struct nfv_ipsec *ips);

int nfv_ipsec_sa_add(struct nfv_ipsec *ips, const struct nfv_ipsec_sa_conf *conf);
/* Unpublishes, waits a grace period, wipes the keys and frees. */
int nfv_ipsec_sa_del(struct nfv_ipsec *ips, uint32_t id);

/* An SA's outer addresses and NAT-T UDP ports (host order, 0: 4500). */
struct nfv_ipsec_sa_outer {
	struct nfv_addr src;
	struct nfv_addr dst;
	bool natt;			/* UDP encapsulation */
	uint16_t natt_sport;
	uint16_t natt_dport;
};
/*
 * Changes SA id's outer header (NAT-T port floating, MOBIKE) without a
 * packet lost or sent with half of it: keys, sequence numbers, replay
 * window, counters and lifetimes stay. Any address may move and UDP
 * encapsulation be turned on or off. An inbound SA whose destination
 * moves (the SAD key) is found by the new one from now on and by the
 * previous one too for move_grace_ms (nfv_ipsec_conf), make before
 * break. -EAFNOSUPPORT: another family (the SA's headers are sized by
 * it); -EADDRINUSE: another inbound SA has this SPI and new destination.
 * Waits a grace period.
 */
int nfv_ipsec_sa_update(struct nfv_ipsec *ips, uint32_t id, const struct nfv_ipsec_sa_outer *c);
/*
 * Inbound UDP-encapsulated SA id: 1 with the outer source address and UDP
 * port of the newest authenticated, replay-checked packet when they are
 * not the SA's peer (the NAT mapping changed), 0 when they are or no such
 * packet came; -ENOENT. See esp_natt.c.
 */
int nfv_ipsec_sa_peer_moved(struct nfv_ipsec *ips, uint32_t id, struct nfv_addr *addr,
			    uint16_t *port);
/*
 * true when some worker noted a packet from a new NAT-T mapping since the
 * last call (which clears that): time to look at the SAs' notes.
 */
bool nfv_ipsec_natt_pending(struct nfv_ipsec *ips);

/*
 * ACQUIRE: an SA slot that an outbound PROTECT policy named while the
 * slot had no SA (a trap policy, or its SA deleted), with the selectors
 * of a packet that found it so (XFRM's acquire selector: the packet's
 * addresses, protocol and ports; ICMP: type in sport, code in dport).
 */
struct nfv_ipsec_acquire {
	uint32_t sa_id;
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t proto;
	bool ports;			/* sport, dport known (not a later fragment) */
	uint16_t sport, dport;		/* host order */
	uint8_t src[16], dst[16];
};
/*
 * The slots found without an SA since the last call: up to max in acq,
 * each once; returns how many. The packets were dropped as
 * esp-unknown-spi. The caller tells the IKE daemon, once per policy until
 * it has an SA (dataplane/control/ipsec.c). A slot whose packet's note
 * was overwritten (more than ESP_ACQ_NOTES acquires of one worker between
 * two calls) is left out: its next packet notes it again.
 */
unsigned int nfv_ipsec_acquires(struct nfv_ipsec *ips, struct nfv_ipsec_acquire *acq,
				unsigned int max);

/* What a worker may read of an SA by id (nft's "ipsec in"): any thread. */
struct nfv_ipsec_sa_info {
	uint32_t reqid;
	uint32_t spi;			/* host order */
	uint8_t family;			/* AF_INET or AF_INET6 */
	bool tunnel;
	uint8_t src[16];
	uint8_t dst[16];
};
/* 0, or -ENOENT when no SA has that id now. */
int nfv_ipsec_sa_info(const struct nfv_ipsec *ips, uint32_t id, struct nfv_ipsec_sa_info *out);
int nfv_ipsec_sa_stats(struct nfv_ipsec *ips, uint32_t id,
		       struct nfv_ipsec_sa_stats *sum);
/*
 * The TSC of the burst of SA id's last packet (sealed, or opened and
 * accepted by the inbound policy) on any worker; 0: none yet, or no SA.
 * XFRM's policy curlft.use_time, for an IKE daemon's idle checks.
 */
uint64_t nfv_ipsec_sa_use(struct nfv_ipsec *ips, uint32_t id);
/*
 * Checks the lifetimes of SA id: the time limits (TSC, from sa_add) and the
 * byte/packet limits against the counters summed over the workers. Stops
 * the SA on a hard limit. *events receives enum nfv_ipsec_sa_event bits;
 * the control side polls it (e.g. once a second) to start a rekey.
 */
int nfv_ipsec_sa_poll(struct nfv_ipsec *ips, uint32_t id, unsigned int *events);

int nfv_ipsec_sp_add(struct nfv_ipsec *ips, const struct nfv_ipsec_sp_conf *conf);
/*
 * Adds confs[0..n) as n calls of nfv_ipsec_sp_add() in that order would
 * (the same SPD order: priority, then the order of adding), all of them
 * or, on error, none: -EINVAL (a bad policy), -EEXIST (an id in use in
 * its direction, or given twice), -ENOMEM. Each SPD the batch changes is
 * copied once, and one grace period covers them all: a start-up policy of
 * n policies costs O(n log n), not n copies and n grace periods.
 */
int nfv_ipsec_sp_add_bulk(struct nfv_ipsec *ips, const struct nfv_ipsec_sp_conf *confs,
			  unsigned int n);
int nfv_ipsec_sp_del(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir, uint32_t id);
/*
 * After policy changes, from the control loop: builds the classifier
 * (rte_acl) of each large SPD that lacks one. Until then the workers walk
 * the policies, with the same answers; one build covers a whole batch of
 * changes. Cheap when there is nothing to do.
 */
void nfv_ipsec_spd_sync(struct nfv_ipsec *ips);
/*
 * Inbound policies: the cleartext packets refused by a PROTECT policy, the
 * packets a DISCARD policy dropped (esp_policy_in.c), summed over workers.
 */
/*
 * The flowtable's fast path (dataplane/datapath/flow_fast_esp.c): packets
 * of offloaded flows whose output is an outbound SA skip the hooks and
 * the policy lookup, not ESP. nfv_ipsec_flow_sa() says, before the caller
 * touches m (data at the inner L3 header), whether SA sa_id takes it as
 * esp-output would, with nothing to do but the sealing: the SA is there,
 * outbound and alive, no deadline of its lifetimes has passed and its
 * hard count limits are not near, m fits its path MTU and is one segment.
 * It returns the SA, valid until the caller's next quiescent report, or
 * NULL: then m takes the full pipeline, where esp-output does what it
 * must (fragments, ICMP, soft events, counted drops).
 * nfv_ipsec_flow_output() then seals and encrypts such packets (TTL
 * already decremented) with esp-output's own code, in one crypto batch
 * per NFV_BURST: sequence numbers, SA counters and lifetimes alike; the
 * ESP packets are injected at LOCAL_OUT through state (the worker's
 * POST_ROUTING state) to be routed as esp-output's are, those refused are
 * dropped with esp-output's reasons. n <= NFV_BURST.
 */
struct esp_sa;
struct esp_sa *nfv_ipsec_flow_sa(struct nfv_ipsec *ips, unsigned int worker, uint64_t now,
				 const struct rte_mbuf *m, uint32_t sa_id);
void nfv_ipsec_flow_output(struct nfv_ipsec *ips, const struct nfv_hook_state *state,
			   struct rte_mbuf **pkts, struct esp_sa *const *sas, uint16_t n);
int nfv_ipsec_sp_stats(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir, uint32_t id,
		       uint64_t *refused);
/*
 * nft's "ipsec out" (esp_out_sa.c): the id of the SA esp-output would seal
 * m with as m is now (its outbound PROTECT policy's SA, present and
 * outbound), or -ENOENT (no policy, bypass, discard, a local IKE packet,
 * no SA yet). Nothing is counted or reported. Any worker.
 */
int nfv_ipsec_out_sa(struct nfv_ipsec *ips, struct rte_mbuf *m, uint32_t *sa_id);

#endif
