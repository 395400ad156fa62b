/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to hooks/ipsec: the SA, the tables and the burst helpers. */
#ifndef NFV_ESP_H
#define NFV_ESP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <intel-ipsec-mb.h>

#include "nfv_frag.h"
#include "nfv_hook_table.h"
#include "nfv_ipid.h"
#include "nfv_ipsec.h"
#include "nfv_mbuf.h"
#include "esp_pkt.h"

#define ESP_HDR_LEN	8
#define ESP_ICV_MAX	32
#define ESP_IV_MAX	16
#define ESP_NATT_PORT	4500
#define ESP_IKE_PORT	500
#define ESP_BATCH	NFV_BURST	/* ops per crypto run: one hook call */

/* Anti-replay window, RFC 4303 3.4.3 and Appendix A; bitmap as RFC 6479. */
struct esp_replay {
	uint64_t top;		/* highest authenticated sequence number */
	uint32_t size;		/* window size W in packets */
	uint32_t mask;		/* bitmap words - 1 (power of two) */
	uint64_t bits[];
};

/*
 * NAT-T, inbound: the source of the newest authenticated packet that came
 * from elsewhere than the SA's peer (esp_natt.c). A sequence count: the
 * worker makes gen odd while it writes, the control side rereads.
 */
struct esp_peer_seen {
	uint32_t gen;
	uint16_t port;		/* network order */
	uint8_t addr[16];
	uint64_t seq;		/* the packet's ESP sequence number, 0: none seen */
};

/* Per SA, per worker. Written by that worker only. */
struct esp_sa_wstats {
#define ESP_SA_WSTAT(field, key) uint64_t field;
	NFV_IPSEC_SA_STATS(ESP_SA_WSTAT)
#undef ESP_SA_WSTAT
	uint8_t soft;		/* this worker saw a soft limit: control reads */
	/*
	 * TSC of the burst of this worker's last packet through the SA (sealed,
	 * or opened and past the inbound policy), 0: none; the policies' use
	 * time that an IKE daemon asks for (nfv_ipsec_sa_use). In the line
	 * the packet's counters are written to anyway.
	 */
	uint64_t use_tsc;
	struct esp_peer_seen peer;
} __rte_cache_aligned;

enum esp_sa_flags {
	ESP_SA_ESN = 1u << 0,
	/* 1u << 1: UDP encapsulation is the outer header's (esp_sa_outer.natt) */
	ESP_SA_TUNNEL = 1u << 2,
	ESP_SA_AEAD = 1u << 3,
	ESP_SA_OUT = 1u << 4,
	ESP_SA_NO_REPLAY = 1u << 5,	/* inbound: the window is not checked */
	ESP_SA_COUNT_LIMITS = 1u << 6,	/* a soft or hard limit in packets or bytes */
};

/*
 * The cipher modes this module runs: a row's mode column
 * (config/vocab/nfv_ipsec_alg.h) names one of these, and the SA's key
 * set-up (esp_sa.c) and crypto (esp_crypto.c) switch on it. A new row of a
 * mode listed here is only the row; a new mode is a value here, and the
 * compiler points at the switches.
 */
enum esp_mode {
	ESP_MODE_GCM,			/* AES-GCM, direct calls */
	ESP_MODE_CCM,			/* AES-CCM, jobs */
	ESP_MODE_CHACHA20_POLY1305,	/* jobs */
	ESP_MODE_CBC,			/* AES-CBC with an auth row, jobs */
};

/* Expanded keys; aligned as intel-ipsec-mb requires. */
struct esp_keys {
	struct gcm_key_data gcm;
	uint8_t aes_enc[16 * 15] __rte_aligned(16);
	uint8_t aes_dec[16 * 15] __rte_aligned(16);
	uint8_t chacha[32] __rte_aligned(16);
	uint8_t ipad[64] __rte_aligned(16);
	uint8_t opad[64] __rte_aligned(16);
} __rte_cache_aligned;

/*
 * What an outbound packet's outer header is made of; inbound, dst is the
 * SAD key and natt whether packets must come in UDP. One update (MOBIKE,
 * NAT-T) replaces all of it at once.
 */
struct esp_sa_outer {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t natt_sport;	/* network order */
	uint16_t natt_dport;
	uint8_t natt;		/* UDP encapsulation, RFC 3948 */
	uint32_t ipid_bucket;	/* IPv4: the counter of the outer IDs (nfv_ipid.h) */
};

struct esp_sa {
	/* set at creation, read-only afterwards (but dead); what a packet reads first */
	uint32_t id;
	uint32_t spi;		/* host order */
	uint32_t reqid;
	uint16_t flags;		/* enum esp_sa_flags */
	uint8_t family;		/* outer family (tunnel) or transport family */
	uint8_t cipher;		/* enum nfv_ipsec_cipher */
	uint8_t mode;		/* enum esp_mode, the cipher row's */
	uint8_t auth;		/* enum nfv_ipsec_auth */
	uint8_t iv_len;		/* 8 (AEAD) or 16 (CBC) */
	uint8_t icv_len;
	uint8_t align;		/* padding boundary: 4 or 16 */
	uint8_t key_len;	/* cipher key without salt */
	/* written by the control side (poll) or by a worker on overflow */
	volatile uint8_t dead;
	uint16_t mtu;		/* outbound path MTU, 0: none */
	uint8_t salt[4];	/* AEAD: salt_len bytes of KEYMAT after the key */
	uint8_t salt_len;
	/*
	 * The outer addresses and UDP ports: one of outer_slot[], swapped
	 * whole by nfv_ipsec_sa_update (esp_natt.c), so that a packet sees
	 * the old header or the new one, never half of each.
	 */
	const struct esp_sa_outer *outer;
	/* second line: what every packet reads too */
	uint64_t iv_nonce;	/* CBC: second half of the IV counter block */
	uint64_t first_tsc;	/* the earlier of the TSC deadlines below */
	struct nfv_ipsec_lifetime hard;
	struct nfv_ipsec_lifetime soft;
	/* read once a deadline has passed */
	uint64_t soft_tsc;	/* TSC deadlines; UINT64_MAX: none */
	uint64_t hard_tsc;
	struct esp_keys keys;
	/* what outer points to; the other one is written by the control side only */
	struct esp_sa_outer outer_slot[2];
	/*
	 * Control side only. Inbound, after the destination moved (MOBIKE):
	 * the previous destination, whose SAD key still finds the SA until
	 * moved_tsc (TSC; 0: no such key), so that packets on their way to
	 * it are not lost (esp_natt.c).
	 */
	uint8_t moved_from[16];
	uint64_t moved_tsc;
	/* outbound: next sequence number; the one field workers share */
	uint64_t seq __rte_cache_aligned;
	struct esp_sa_wstats stats[NFV_MAX_WORKERS];
	/* inbound: written by the worker that RSS steers this SA to */
	struct esp_replay replay __rte_cache_aligned;
};

/*
 * ACQUIRE: the selectors of the packet that set an acquire bit
 * (esp_acquire.c), in a small ring per worker. A sequence count: gen is
 * 2n + 1 while the worker writes the ring's note n, 2n + 2 once written.
 */
#define ESP_ACQ_NOTES 16
struct esp_acq_note {
	uint64_t gen;
	uint32_t sa_id;
	uint8_t family, proto, ports;
	uint16_t sport, dport;	/* host order */
	uint8_t src[16], dst[16];
};

/* Per worker scratch of the module; written by that worker only. */
struct esp_worker {
	/* outer IPv4 IDs without DF, identification of our IPv6 fragments */
	struct nfv_ipid ids;
	/*
	 * ACQUIRE (esp_acquire.c): a bit per SA slot that a PROTECT policy
	 * named when it had no SA; set by this worker, cleared by the
	 * control side, both atomically. pending: some bit is set.
	 */
	uint64_t *acq_bits;
	struct esp_acq_note *acq_notes;	/* [ESP_ACQ_NOTES], the packets that set them */
	uint64_t acq_next;		/* the next note's number */
	uint8_t acq_pending;
	/* NAT-T (esp_natt.c): this worker noted a packet from a new mapping */
	uint8_t natt_pending;
} __rte_cache_aligned;

/* The module state: priv of its hook entries. */
struct esp_sad;
struct esp_spd;

enum esp_entry {
	ESP_ENTRY_OUTPUT,
	ESP_ENTRY_INPUT,
	ESP_ENTRY_POLICY_FWD,
	ESP_ENTRY_POLICY_IN,
	ESP_NB_ENTRIES
};

struct nfv_ipsec {
	/* published by the control side with release stores */
	struct esp_sa **sas;		/* [max_sa], by id */
	struct esp_sad *sad;		/* inbound SAs by (spi, dst) */
	struct esp_spd *spd[2][2];	/* [dir][v6] */
	/* set once at init */
	uint32_t max_sa;
	unsigned int nb_workers;
	uint64_t move_grace_tsc;	/* nfv_ipsec_conf.move_grace_ms in TSC cycles */
	int socket_id;
	struct rte_rcu_qsbr *qsbr;
	IMB_MGR *mgr[NFV_MAX_WORKERS];	/* one per worker */
	IMB_MGR *ctl_mgr;		/* key expansion on the control side */
	struct nfv_hook_table *table;	/* while registered */
	/* esp_ctl.c: by enum esp_entry; the policy ones while inbound policies exist */
	struct nfv_hook_reg *regs[ESP_NB_ENTRIES];
	struct esp_worker wk[NFV_MAX_WORKERS];
	void (*too_big)(void *arg, unsigned int worker, struct rte_mbuf *m,
			uint32_t mtu);
	void *too_big_arg;
	void (*flow_learn)(void *arg, unsigned int worker, struct rte_mbuf *m,
			   uint32_t sa_id, uint16_t mtu);
	void *flow_learn_arg;
	struct rte_mempool *big_pool;	/* chains too big for one mbuf; may be NULL */
	struct rte_mempool *frag_pool;	/* fragments; NULL: the packet's own pool */
	struct nfv_siphash_key id_key;	/* of the outer IDs' counters */
};

/* esp_sa.c */
void esp_sa_outer_set(const struct nfv_ipsec *ips, struct esp_sa_outer *o,
		      const struct nfv_addr *src, const struct nfv_addr *dst, bool natt,
		      uint16_t sport, uint16_t dport);
int esp_sa_create(struct nfv_ipsec *ips, const struct nfv_ipsec_sa_conf *c,
		  struct esp_sa **out);
void esp_sa_free(struct esp_sa *sa);

/* esp_natt.c */
void esp_natt_peer_seen(struct esp_worker *wk, struct esp_sa *sa, struct esp_sa_wstats *st,
			const uint8_t *l3, uint32_t l3_len, uint64_t seq);
void esp_natt_moved_retire(struct nfv_ipsec *ips, struct esp_sa *sa);

static inline const struct esp_sa_outer *esp_sa_outer(const struct esp_sa *sa)
{
	return __atomic_load_n(&sa->outer, __ATOMIC_ACQUIRE);
}

/* esp_acquire.c */
struct esp_sel;
void esp_acquire_note(struct nfv_ipsec *ips, unsigned int worker, uint32_t sa_id,
		      const struct esp_sel *sel);
int esp_acquire_init(struct nfv_ipsec *ips);
void esp_acquire_fini(struct nfv_ipsec *ips);

/* esp_replay.c */
void esp_replay_init(struct esp_replay *r, uint32_t size);
size_t esp_replay_bytes(uint32_t size);
uint64_t esp_replay_infer(const struct esp_replay *r, uint32_t seql, bool esn);
int esp_replay_check(const struct esp_replay *r, uint64_t seq);
int esp_replay_update(struct esp_replay *r, uint64_t seq);

/* esp_sad.c */
struct esp_sad *esp_sad_create(const char *name, uint32_t max, int socket);
void esp_sad_free(struct esp_sad *sad);
int esp_sad_add(struct esp_sad *sad, struct esp_sa *sa);
int esp_sad_del(struct esp_sad *sad, struct esp_sa *sa, int32_t *pos);
/* the same with another destination than the SA's own: a moved SA's keys */
int esp_sad_add_dst(struct esp_sad *sad, struct esp_sa *sa, const uint8_t *dst);
int esp_sad_del_dst(struct esp_sad *sad, struct esp_sa *sa, const uint8_t *dst,
		    int32_t *pos);
void esp_sad_reclaim(struct esp_sad *sad, int32_t pos);
struct esp_sa *esp_sad_lookup(const struct esp_sad *sad, uint32_t spi,
			      uint8_t family, const uint8_t *dst);
/* sas[i]: the SA of the key of h[idx[i]], NULL for none; n <= NFV_BURST */
struct esp_in_hdr;
void esp_sad_lookup_bulk(const struct esp_sad *sad, const struct esp_in_hdr *h,
			 const uint16_t *idx, unsigned int n, struct esp_sa **sas);

/* esp_spd.c: selectors of one packet */
struct esp_sel {
	uint8_t family;
	uint8_t proto;
	uint16_t sport, dport;	/* host order */
	bool ports;		/* sport/dport are known (not a later fragment) */
	const uint8_t *src, *dst;
};

/* A compiled policy: addresses and masks as raw bytes in two words. */
struct esp_sp {
	uint64_t src[2], smask[2];
	uint64_t dst[2], dmask[2];
	uint16_t sport_min, sport_max;
	uint16_t dport_min, dport_max;
	uint8_t proto;
	uint8_t action;
	bool any_port;
	int32_t priority;
	uint32_t id;
	uint32_t sa_id;
	uint32_t reqid;
	struct esp_sp_cnt *cnt;		/* inbound only; shared by the copies */
};

struct rte_acl_ctx;
/*
 * Inbound policies' refusals. Per worker, written by that worker only. Not
 * cache-aligned per worker: these move only for refused packets, and
 * 20,000 policies stay small.
 */
struct esp_sp_cnt {
	uint64_t refused[NFV_MAX_WORKERS];
};

/* An SPD: immutable once published, but for its classifier (acl). */
struct esp_spd {
	uint32_t n;
	bool v6;
	bool acl_failed;		/* control side: the build failed, walk */
	/* built after publication by esp_spd_acl_sync(); NULL: walk */
	struct rte_acl_ctx *acl;
	struct esp_sp sp[];
};

int esp_sel_parse(const uint8_t *l3, uint32_t len, uint8_t family,
		  struct esp_sel *sel);

/*
 * UDP of the IKE ports, 500 and 4500 (port: sel's local one, dport in,
 * sport out): the IKE daemon's sockets, which no policy may catch, as
 * charon's socket bypass policies make it in Linux (esp_policy_in.c,
 * esp_output.c).
 */
static inline bool esp_sel_ike_port(const struct esp_sel *sel, uint16_t port)
{
	return sel->proto == ESP_IPPROTO_UDP && sel->ports &&
	       (port == ESP_IKE_PORT || port == ESP_NATT_PORT);
}
const struct esp_sp *esp_spd_lookup(const struct esp_spd *spd,
				    const struct esp_sel *sel);
/* out[j]: the policy of sels[idx[j]], j < n <= NFV_BURST, all of spd's family */
void esp_spd_lookup_bulk(const struct esp_spd *spd, const struct esp_sel *sels,
			 const uint16_t *idx, uint16_t n, const struct esp_sp **out);
/*
 * The policy of each packet of a burst in direction dir (n <= NFV_BURST):
 * sps[i], NULL for none; sels[i] its selectors. Packets with a meta flag
 * of skip are not looked up; one whose selectors cannot be read gets NULL
 * and, where bad is given, bad[i] = true.
 */
void esp_spd_classify(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir,
		      struct rte_mbuf **pkts, uint16_t n, uint8_t skip,
		      struct esp_sel *sels, const struct esp_sp **sps, bool *bad);
/* esp_spd_acl.c */
struct rte_acl_ctx *esp_spd_acl_build(const struct esp_sp *sps, uint32_t n,
				      bool v6, int socket_id);
void esp_spd_acl_classify(const struct rte_acl_ctx *ctx, bool v6,
			  const struct esp_sel *sels, const uint16_t *idx,
			  uint16_t n, uint32_t *res);
static inline enum nfv_ipsec_action esp_sp_action(const struct esp_sp *sp)
{
	return sp->action;
}

static inline uint32_t esp_sp_sa(const struct esp_sp *sp) { return sp->sa_id; }
static inline uint32_t esp_sp_reqid(const struct esp_sp *sp) { return sp->reqid; }
uint32_t esp_spd_size(const struct esp_spd *spd);
/* the policy at position i of spd's order (i < esp_spd_size(spd)) */
const struct esp_sp *esp_spd_at(const struct esp_spd *spd, uint32_t i);
bool esp_spd_acl_ready(const struct esp_spd *spd);
void esp_sp_count(const struct esp_sp *sp, unsigned int worker);
/* esp_spd_ctl.c: the control side */
void esp_spd_acl_sync(struct nfv_ipsec *ips);
int esp_spd_stats(const struct nfv_ipsec *ips, enum nfv_ipsec_dir dir,
		  uint32_t id, uint64_t *refused);
bool esp_spd_has_inbound(const struct nfv_ipsec *ips);
/*
 * Adding policies: prepare checks them all and builds the new arrays of
 * the SPDs they go to (the only step that can fail); commit publishes
 * them, one grace period for all; abort forgets a prepared batch.
 */
struct esp_spd_batch {
	struct esp_spd *next[2][2];	/* [dir][v6]; NULL: unchanged */
	struct esp_sp_cnt **cnt;	/* [n]: the inbound policies' counters */
	uint32_t n;
	bool inbound;			/* the batch holds inbound policies */
};
int esp_spd_batch_prepare(const struct nfv_ipsec *ips, const struct nfv_ipsec_sp_conf *c,
			  uint32_t n, struct esp_spd_batch *b);
void esp_spd_batch_commit(struct nfv_ipsec *ips, struct esp_spd_batch *b);
void esp_spd_batch_abort(struct esp_spd_batch *b);
int esp_spd_del(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir, uint32_t id);
void esp_spd_free_all(struct nfv_ipsec *ips);

/* esp_crypto.c: one op per packet, run as one batch */
struct esp_op {
	struct rte_mbuf *m;
	struct esp_sa *sa;
	uint8_t *src;		/* cipher start */
	uint32_t len;		/* cipher length */
	uint8_t *hash;		/* CBC: start of authenticated data */
	uint32_t hash_len;
	uint8_t *icv;		/* ICV in the packet */
	const uint8_t *iv;	/* CBC: IV pointer */
	uint8_t nonce[12];	/* AEAD: salt || IV, salt_len + 8 bytes */
	uint8_t aad[12];
	uint8_t aad_len;
	uint8_t encrypt;
	uint8_t ok;		/* crypto done and, on decrypt, ICV matched */
	uint8_t failed;		/* the library refused the job */
	uint8_t natt;		/* came in UDP; output: goes out in UDP */
	uint8_t icv_saved;	/* icv_save holds the received ICV */
	uint8_t icv_save[ESP_ICV_MAX];	/* CBC + ESN decrypt: the received ICV */
	uint8_t tag[ESP_ICV_MAX];
	uint64_t seq;		/* full sequence number */
	uint32_t plen;		/* the protected payload, for counters and lifetimes */
	uint32_t esp_off;	/* offset of the ESP header in the packet */
	uint32_t l3_len;	/* outer (tunnel) or original (transport) L3 header */
	uint32_t nh_off;	/* offset of the byte naming the ESP/UDP header */
	uint16_t frag_mtu;	/* output: fragment the ESP packet to this */
};

extern const uint8_t esp_cipher_mode[NFV_IPSEC_CIPHER_MAX];	/* enum esp_mode */
IMB_MGR *esp_crypto_mgr_alloc(void);
void esp_crypto_mgr_free(IMB_MGR *mgr);
void esp_crypto_run(IMB_MGR *mgr, struct esp_op *ops, unsigned int n);
void esp_crypto_aead_nonce(struct esp_op *op, const uint8_t *iv8);
void esp_crypto_aad(struct esp_op *op, uint32_t spi_be, uint64_t seq, bool esn);

/* esp_encap.c */
int esp_encap_prepare(struct nfv_ipsec *ips, unsigned int worker,
		      struct esp_sa *sa, struct rte_mbuf *m, uint64_t seq,
		      uint64_t now, const uint8_t *iv, struct esp_op *op);
void esp_encap_finish(struct esp_op *op);
void esp_fix_l3(uint8_t *p, uint8_t family, uint32_t nh_off, uint32_t total,
		uint8_t proto);

/* esp_decap.c; parse and prepare return 0, a drop reason, or: */
#define ESP_IN_ACCEPT (-1)	/* not ESP: let it go on */
/* An ESP packet's headers, before its SA is known. */
struct esp_in_hdr {
	const uint8_t *dst;	/* SAD key: SPI, family, destination */
	uint32_t spi;
	uint8_t family;
	uint32_t len;		/* the IP packet's length */
	uint32_t l3;		/* the ESP or UDP header's offset */
	uint32_t esp_off;
	uint32_t nh_off;
};
int esp_decap_parse(struct nfv_ipsec *ips, struct rte_mbuf **mp, struct esp_in_hdr *h);
int esp_decap_prepare(struct rte_mbuf *m, const struct esp_in_hdr *h, struct esp_sa *sa,
		      uint64_t now, unsigned int worker, struct esp_op *op);
int esp_decap_finish(struct nfv_ipsec *ips, struct esp_op *op,
		     unsigned int worker);
bool esp_decap_policy_ok(const struct esp_sa *sa, const struct esp_sp *sp, bool bad);

/* esp_output.c: the sealing and the crypto batch, shared with esp_flow.c */
uint32_t esp_output_seal(struct nfv_ipsec *ips, struct esp_sa *sa, struct rte_mbuf *m,
			 const struct nfv_hook_state *state, struct esp_op *op);
void esp_output_flush(struct nfv_ipsec *ips, struct esp_op *ops, unsigned int n,
		      const struct nfv_hook_state *state);

/* esp_output.c / esp_input.c: the hook entries, priv set at registration */
extern const struct nfv_hook_ops esp_output_ops;
extern const struct nfv_hook_ops esp_input_ops;
/* esp_policy_in.c: the cleartext check, registered while inbound policies exist */
extern const struct nfv_hook_ops esp_policy_fwd_ops;
extern const struct nfv_hook_ops esp_policy_in_ops;
void esp_output_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
			uint32_t *verdicts, const struct nfv_hook_state *state);
void esp_input_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t *verdicts, const struct nfv_hook_state *state);

/* esp_mtu.c */
#define ESP_FRAG_MAX 8
uint32_t esp_mtu_inner_max(const struct esp_sa *sa, uint32_t l3_len);
#define ESP_MTU_FRAGMENT 0x10000	/* not a drop reason: fragment first */
#define ESP_MTU_FRAG_AFTER 0x10001	/* fragment the ESP packet instead */
/* more than any SA adds: IPv6 + UDP + ESP + IV + padding + trailer + ICV */
#define ESP_OVERHEAD_MAX (40 + 8 + ESP_HDR_LEN + ESP_IV_MAX + 15 + 2 + ESP_ICV_MAX)
int esp_mtu_check(struct nfv_ipsec *ips, const struct esp_sa *sa,
		  struct rte_mbuf *m, unsigned int worker);
/* fragments come from conf.frag_pool, or else from m's own pool */
static inline int esp_mtu_fragment(const struct nfv_ipsec *ips, struct rte_mbuf *m,
				   struct rte_mbuf **frags, uint16_t mtu, uint32_t id6)
{
	return nfv_frag_packet(m, frags, ESP_FRAG_MAX, mtu,
			       ips->frag_pool != NULL ? ips->frag_pool : m->pool, id6);
}

/*
 * The largest packet the flowtable hands to sa (esp_flow.c): what passes
 * esp-output's cheap path MTU bound, so the exact check never runs.
 */
static inline uint16_t esp_flow_mtu(const struct esp_sa *sa)
{
	if (sa->mtu == 0)
		return UINT16_MAX;
	return sa->mtu > ESP_OVERHEAD_MAX ? sa->mtu - ESP_OVERHEAD_MAX : 0;
}

/* esp_seg.c: room = bytes the caller will append */
int esp_pkt_gather(const struct nfv_ipsec *ips, struct rte_mbuf **mp, uint32_t room);
/* what ESP appends at most: padding, pad length, next header, ICV */
#define ESP_TRAILER_MAX (15 + 2 + ESP_ICV_MAX)

/* esp_ctl.c */
void esp_ctl_synchronize(struct nfv_ipsec *ips);

/* Lifetime checks shared by both directions. */
static inline struct esp_sa *esp_sa_get(const struct nfv_ipsec *ips, uint32_t id)
{
	if (unlikely(id >= ips->max_sa))
		return NULL;
	return __atomic_load_n(&ips->sas[id], __ATOMIC_ACQUIRE);
}

/*
 * The lines of an SA that a packet touches, fetched ahead for a whole
 * burst: with thousands of SAs they are not in the core's caches, and one
 * miss after another (policy, SA slot, SA, keys) costs more than the
 * crypto of a small packet. The SA's first two lines (all that a packet
 * reads of it while no deadline has passed), AES-GCM's round keys and the
 * lowest powers of H (which the VAES code keeps at the end of its table:
 * what a short packet hashes with), this worker's counters, and the
 * sequence number (outbound) or the replay window's head (inbound), and
 * the outer header slots. Unconditional: a decision on the SA's
 * algorithm would wait for its line.
 */
static inline void esp_sa_prefetch(const struct esp_sa *sa, unsigned int w, bool in)
{
	const uint8_t *k = (const uint8_t *)&sa->keys.gcm;

	rte_prefetch0(sa);
	rte_prefetch0((const uint8_t *)sa + RTE_CACHE_LINE_SIZE);
	for (unsigned int i = 0; i < 4; i++)
		rte_prefetch0(k + i * RTE_CACHE_LINE_SIZE);
	rte_prefetch0(k + sizeof(sa->keys.gcm) - 2 * RTE_CACHE_LINE_SIZE);
	rte_prefetch0(k + sizeof(sa->keys.gcm) - RTE_CACHE_LINE_SIZE);
	rte_prefetch0(&sa->stats[w]);
	rte_prefetch0(in ? (const void *)&sa->replay : (const void *)&sa->seq);
	/*
	 * The header slots, whichever outer points to: outbound builds the
	 * outer header from it, inbound NAT-T compares the packet's source
	 * with it (esp_natt_peer_seen) after the crypto.
	 */
	rte_prefetch0(&sa->outer_slot[0]);
	rte_prefetch0(&sa->outer_slot[1]);
}

/*
 * After the crypto of a batch: the packets before this one in the same
 * batch are counted now, so a hard limit is exact per worker.
 */
static inline bool esp_sa_hard_reached(const struct esp_sa *sa,
				       const struct esp_sa_wstats *st, uint32_t bytes)
{
	return (sa->hard.packets && st->packets >= sa->hard.packets) ||
	       (sa->hard.bytes && st->bytes + bytes > sa->hard.bytes);
}

/* 0 when the SA may carry this packet; counts a soft hit on the way. */
static inline int esp_sa_lifetime(struct esp_sa *sa, unsigned int w,
				  uint64_t now, uint32_t bytes)
{
	struct esp_sa_wstats *st = &sa->stats[w];

	if (unlikely(sa->dead))
		return -1;
	/* most SAs: no count limit, and their time is not up */
	if (likely(!(sa->flags & ESP_SA_COUNT_LIMITS) && now < sa->first_tsc))
		return 0;
	if (unlikely(now >= sa->hard_tsc ||
		     (sa->hard.packets && st->packets >= sa->hard.packets) ||
		     (sa->hard.bytes && st->bytes + bytes > sa->hard.bytes)))
		return -1;
	if (unlikely(now >= sa->soft_tsc ||
		     (sa->soft.packets && st->packets >= sa->soft.packets) ||
		     (sa->soft.bytes && st->bytes + bytes > sa->soft.bytes)))
		st->soft = 1;
	return 0;
}

#endif
