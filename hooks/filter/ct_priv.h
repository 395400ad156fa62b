/* SPDX-License-Identifier: BSD-3-Clause */
/* Conntrack internals shared by ct_*.c and the two hook entries. */
#ifndef NFV_CT_PRIV_H
#define NFV_CT_PRIV_H

#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "ct_cache.h"
#include "nfv_ct.h"
#include "nfv_hook_table.h"

/* UDP timeouts, seconds: unreplied, and once seen both ways */
#define CT_UDP_TIMEOUT 30
#define CT_UDP_TIMEOUT_STREAM 120

/* A NEW connection whose first packet never reaches confirm goes away. */
#define CT_UNCONFIRMED_TIMEOUT_S 5

/* enum ip_conntrack_dir, which is kernel-only */
#define IP_CT_DIR_ORIGINAL 0
#define IP_CT_DIR_REPLY 1

struct nfv_ct_table {
	struct rte_hash *h;	/* tuple -> (idx << 1 | dir) */
	struct nfv_ct *cts;
	struct ct_cache *cache;	/* [NFV_MAX_WORKERS], each its worker's */
	struct rte_ring *free;	/* free connection indexes */
	uint32_t *gc_scratch;	/* control side */
	rte_spinlock_t lock;	/* serializes inserts and deletes */
	uint32_t max;
	uint32_t count;		/* atomic */
	uint64_t hz;
	uint64_t refresh_slack;	/* hz / 100: see ct_refresh() */
	struct rte_rcu_qsbr *qsbr;
	struct nfv_hook_reg *regs[4];	/* nfv_ct_register(): the four entries */
	/* side arrays of the extensions (nfv_ct.h), [max] each, NULL until
	 * a ruleset first takes them; written by the control side before
	 * ext_on tells ct_init() to hand them out */
	uint32_t (*labels)[NFV_CT_LABELS_WORDS];
	struct nfv_ct_acct *acct;
	uint8_t ext_on;			/* NFV_CT_EXT_* held; atomic */
	uint32_t ext_users[2];		/* control side: rulesets holding each */
	struct nfv_ct_stats stats[NFV_MAX_WORKERS];
};

/*
 * The tuple hash, also the rte_hash's hash_func so that adds, deletes and
 * the workers' precomputed lookups agree: CRC32 of the 8-byte words the
 * family uses (IPv4: both addresses in one word, then ports, family,
 * proto and zone; IPv6: five words). Keys are zero-padded, so an IPv4 key's unused
 * address bytes need no hashing; the key compare still sees all 40 bytes.
 */
_Static_assert(sizeof(struct nfv_ct_tuple) == 40, "the tuple hash reads five words");

static inline uint32_t ct_tuple_hash(const struct nfv_ct_tuple *k)
{
	uint64_t w[5];
	uint32_t a, b;

	memcpy(&w[4], &k->sport, 8);
	if (k->family != AF_INET6) {
		memcpy(&a, k->src, 4);
		memcpy(&b, k->dst, 4);
		return rte_hash_crc_8byte(w[4], rte_hash_crc_8byte((uint64_t)b << 32 | a, 0));
	}
	memcpy(w, k->src, 32);
	return rte_hash_crc_8byte(w[4], rte_hash_crc_8byte(w[3], rte_hash_crc_8byte(w[2],
		rte_hash_crc_8byte(w[1], rte_hash_crc_8byte(w[0], 0)))));
}

/* 0 when equal, as memcmp (the rte_hash's key compare) */
static inline int ct_tuple_cmp(const struct nfv_ct_tuple *a, const struct nfv_ct_tuple *b)
{
	uint64_t x[5], y[5];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		(x[4] ^ y[4])) != 0;
}

/* ct_table.c: worker side */
struct nfv_ct *ct_lookup(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
			 uint8_t *dir, uint64_t now);
/* k's connection when k (its zone the original direction's) and
 * reply_zone are a template's zones that differ (ct original zone set):
 * nf_ct_key_equal() compares the zone of the direction found; ct_lookup()
 * when they are equal */
struct nfv_ct *ct_lookup_zones(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
			       uint16_t reply_zone, uint8_t *dir, uint64_t now);
/* -ENOSPC when full; *ct is an existing connection when one raced us;
 * reply_zone: the zone of the reply tuple (orig's is orig->zone) */
int ct_create(struct nfv_ct_table *t, const struct nfv_ct_tuple *orig, uint16_t reply_zone,
	      uint64_t now, struct nfv_ct **ct, bool *existed);
void ct_kill(struct nfv_ct_table *t, struct nfv_ct *ct);
/* Another connection than ignored has the key k (nf_conntrack_tuple_taken()). */
bool ct_tuple_taken(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
		    const struct nfv_ct *ignored);
/* NAT: the reply tuple becomes reply; -EEXIST: another connection's key;
 * slot: the manip type (one replacement each) */
int ct_alter_reply(struct nfv_ct_table *t, struct nfv_ct *ct,
		   const struct nfv_ct_tuple *reply, unsigned int slot);
/* NAT's index of source-NATed connections by original source (address,
 * port, protocol): the live one, or NULL; add after the binding is made */
struct nfv_ct *ct_bysrc_find(struct nfv_ct_table *t, const struct nfv_ct_tuple *orig);
void ct_bysrc_add(struct nfv_ct_table *t, struct nfv_ct *ct);

/* The connection of a hash value (bulk lookups), or NULL when it is dying
 * or expired. */
static inline struct nfv_ct *ct_resolve(struct nfv_ct_table *t, void *data, uint8_t *dir,
					uint64_t now)
{
	struct nfv_ct *ct = &t->cts[(uintptr_t)data >> 1];

	*dir = (uintptr_t)data & 1;
	if (__atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE))
		return NULL;
	if (unlikely(now >= __atomic_load_n(&ct->expires, __ATOMIC_RELAXED))) {
		ct_kill(t, ct);
		return NULL;
	}
	return ct;
}
/*
 * The connection a worker's cache names (data) for the key k, when it is
 * k's as the hash would say: not dying (read first: ct_init() clears it
 * last, with release, so a reused index shows its new status), confirmed
 * (NAT binds, and changes the reply tuple, before confirm only) and k its
 * tuple of that direction; NULL otherwise, the hash decides. An expired
 * one is killed, as ct_resolve() does.
 */
static inline struct nfv_ct *ct_cache_resolve(struct nfv_ct_table *t, uint32_t data,
					      const struct nfv_ct_tuple *k, uint8_t *dir,
					      uint64_t now)
{
	struct nfv_ct *ct = &t->cts[data >> 1];

	*dir = data & 1;
	if (unlikely(data >> 1 >= t->max) || __atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE) ||
	    !(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & IPS_CONFIRMED) ||
	    ct_tuple_cmp(&ct->tuple[*dir], k) != 0)
		return NULL;
	if (unlikely(now >= __atomic_load_n(&ct->expires, __ATOMIC_RELAXED))) {
		ct_kill(t, ct);
		return NULL;
	}
	return ct;
}

/* ct_lookup() with the tuple hash already computed */
static inline struct nfv_ct *ct_lookup_sig(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
					   hash_sig_t sig, uint8_t *dir, uint64_t now)
{
	void *data;

	if (rte_hash_lookup_with_hash_data(t->h, k, sig, &data) < 0)
		return NULL;
	return ct_resolve(t, data, dir, now);
}

/*
 * The keys a worker's cache did not hold (keys[x], msig[x] for packet
 * miss[x], x < nm <= 64), looked up in the shared hash at once: each hit's
 * data goes to data[miss[x]]; returns the packets found, a bit each.
 */
static inline uint64_t ct_lookup_misses(const struct nfv_ct_table *t, const void **keys,
					const hash_sig_t *msig, unsigned int nm,
					const uint16_t *miss, uint32_t *data)
{
	void *mdata[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t mfound = 0, found = 0;

	if (nm == 0 || rte_hash_lookup_with_hash_bulk_data(t->h, keys, (hash_sig_t *)msig, nm,
							   &mfound, mdata) <= 0)
		return 0;
	for (uint64_t h = mfound; h != 0; h &= h - 1) {
		unsigned int x = __builtin_ctzll(h);

		data[miss[x]] = (uintptr_t)mdata[x];
		found |= 1ull << miss[x];
	}
	return found;
}

/*
 * A connection's timeout from now on. The stores are skipped when they
 * would change nothing that matters, so that a flow's packets do not dirty
 * its line at every packet (the kernel's __nf_ct_refresh_acct() likewise
 * writes ct->timeout only when the jiffy changed): expires is written as
 * now + timeout + refresh_slack (a jiffy at HZ=100) and kept while it lies
 * in [now + timeout, now + timeout + refresh_slack], so a connection
 * expires at most refresh_slack late and never early, with one write per
 * flow per refresh_slack whatever its packet rate.
 */
static inline void ct_refresh(struct nfv_ct_table *t, struct nfv_ct *ct,
			      uint64_t now, uint32_t timeout_s)
{
	uint64_t exp;

	if (__atomic_load_n(&ct->timeout, __ATOMIC_RELAXED) != timeout_s)
		__atomic_store_n(&ct->timeout, timeout_s, __ATOMIC_RELAXED);
	if (!(__atomic_load_n(&ct->status, __ATOMIC_RELAXED) & IPS_CONFIRMED))
		return;
	exp = now + timeout_s * t->hz;
	if (__atomic_load_n(&ct->expires, __ATOMIC_RELAXED) - exp > t->refresh_slack)
		__atomic_store_n(&ct->expires, exp + t->refresh_slack, __ATOMIC_RELAXED);
}

/*
 * nf_ct_acct_update(): a packet the tracker took, of l3len bytes, counted
 * in its direction when the connection has counters (the branch is all
 * that a connection made with no accounting rule loaded pays).
 */
static inline void ct_acct_add(struct nfv_ct_table *t, struct nfv_ct *ct, uint8_t dir,
			       uint32_t l3len)
{
	struct nfv_ct_acct *a;

	if (!(ct->ext & NFV_CT_EXT_ACCT))
		return;
	a = &t->acct[ct->idx];
	__atomic_add_fetch(&a->packets[dir], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&a->bytes[dir], l3len, __ATOMIC_RELAXED);
}

/* conntrack_in.c, conntrack_confirm.c: the entries, priv set at registration */
extern const struct nfv_hook_ops ct_in_ops[2];
extern const struct nfv_hook_ops ct_confirm_ops[2];

/* ct_tuple.c */
struct ct_l4 {
	uint32_t l3len;		/* from the IP header: frames may carry padding */
	uint16_t thoff;
	uint16_t fragoff;
	uint8_t proto;
	uint8_t icmp_type;
	uint8_t icmp_code;
	bool icmp_error;	/* an ICMP(v6) error quoting a packet */
	bool untracked;		/* ICMPv6 ND/MLD: never tracked (ct state untracked) */
};
int ct_tuple_parse(struct rte_mbuf *m, uint32_t off, uint8_t family,
		   struct nfv_ct_tuple *t, struct ct_l4 *l4);
void ct_tuple_invert(const struct nfv_ct_tuple *in, struct nfv_ct_tuple *out);
/* Layer 4 validation as the kernel's trackers do it (lengths; checksums
 * at PRE_ROUTING unless the port verified them); true: INVALID */
bool ct_l4_error(struct rte_mbuf *m, const struct nfv_ct_tuple *t,
		 const struct ct_l4 *l4, bool pre_routing);
bool ct_icmp_is_request(const struct nfv_ct_tuple *t);

/*
 * ct_tuple_parse() for the common case, inline: an unfragmented IPv4
 * TCP/UDP packet whose headers lie in the first segment at off 0. Returns
 * false, having written nothing that matters, for anything else; the
 * caller then calls ct_tuple_parse(), which gives the same result.
 */
static inline bool ct_tuple_parse_fast(struct rte_mbuf *m, uint8_t family,
				       struct nfv_ct_tuple *t, struct ct_l4 *l4)
{
	const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t hl, l3len;

	if (family != AF_INET || rte_pktmbuf_data_len(m) < 24)
		goto slow;
	hl = (h[0] & 0xf) * 4;
	l3len = (uint32_t)h[2] << 8 | h[3];
	if ((h[0] >> 4) != 4 || hl < 20 || l3len < hl || rte_pktmbuf_data_len(m) < hl + 4 ||
	    (h[6] & 0x1f) != 0 || h[7] != 0 ||	/* a fragment offset */
	    (h[9] != IPPROTO_UDP && h[9] != IPPROTO_TCP))
		goto slow;
	memset(t, 0, sizeof(*t));
	memcpy(t->src, h + 12, 4);
	memcpy(t->dst, h + 16, 4);
	memcpy(&t->sport, h + hl, 4);	/* sport, dport */
	t->family = AF_INET;
	t->proto = h[9];
	*l4 = (struct ct_l4){ .l3len = l3len, .thoff = hl, .proto = h[9] };
	return true;
slow:
	return false;
}

/* ct_tcp.c: returns the timeout in seconds, or 0 for an invalid packet */
uint32_t ct_tcp_packet(struct nfv_ct *ct, struct rte_mbuf *m,
		       const struct ct_l4 *l4, uint8_t dir, bool is_new);
bool ct_tcp_can_create(struct rte_mbuf *m, const struct ct_l4 *l4);
/* The timeout of a TCP state, seconds (the flowtable's teardown) */
uint32_t ct_tcp_state_timeout(uint8_t state);

#endif
