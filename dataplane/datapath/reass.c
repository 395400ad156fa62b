/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly of fragmented datagrams for our own addresses, before
 * LOCAL_IN, as Linux's ip_local_deliver() does for IPv4 and nf_defrag_ipv6
 * does for IPv6 when conntrack is loaded: LOCAL_IN entries (esp-input, the
 * filter) and local delivery see whole datagrams. This is what lets a peer
 * fragment an ESP packet after encryption (Linux does so when the inner
 * packet has no DF) and what echo replies and the kernel path expect.
 *
 * One rte_ip_frag table per worker, no locks: RSS hashes fragments on the
 * IP addresses alone, so all fragments of a datagram reach one worker.
 * Forwarded fragments are never touched. The result is a chain of the
 * fragments' mbufs; modules that need one buffer gather it themselves.
 * Every mbuf the table gives up is counted: ip-reass-failed (overlap,
 * too many fragments, no slot), ip-reass-timeout, ip-reass-evicted,
 * ip-reass-source-limit, shutdown.
 *
 * Bounds. Left alone, rte_ip_frag refuses every new datagram once it
 * holds max_entries (or once the 8 slots a key hashes to are taken) until
 * the oldest one times out: 256 incomplete first fragments with spoofed
 * sources stopped all reassembly for 30 s. Its public API can only give
 * up entries from the head of its LRU list (del_expired_entries: those
 * started before a given time), so the bound is kept in front of it, as
 * Linux's ipfrag_high_thresh/low_thresh did with its LRU:
 * - a shadow of the pending datagrams (key, start time, source) says
 *   which fragment starts a new datagram, how many are held and which is
 *   the oldest. A new datagram when NFV_REASS_ENTRIES are held first
 *   evicts the oldest ones (by calling del_expired_entries with the
 *   oldest start time moved past the timeout) down to NFV_REASS_LOW:
 *   a flood makes room for what comes after it instead of locking it out.
 * - a source (exact address) holds at most NFV_REASS_PER_SRC datagrams;
 *   more are refused. Eviction cannot pick one source's entries, so this
 *   keeps one busy or hostile source from churning everyone else's out.
 *   The price: whoever spoofs a peer's own address can hold that peer's
 *   new datagrams out for the timeout with NFV_REASS_PER_SRC fragments
 *   (without the cap, 256 spoofed ones did it to everybody).
 * - the table itself has 8 times as many slots as datagrams are held, so
 *   that a key's 8 slots are almost never all taken.
 * The shadow's key is at least as fine as the table's (IPv4 adds the
 * protocol), it is told of every datagram that completes or fails (the
 * fragment lands on the death row) and of timeouts by the same clock;
 * fragments the table would throw out before its lookup are thrown out
 * here, so the table never holds a datagram the shadow does not count.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dp.h"
#include "nfv_ip4.h"
#include "nfv_mbuf.h"
#include "reass.h"

/* open addressing, at most half full: a pending datagram and a source each */
#define PEND_SLOTS	(2 * NFV_REASS_ENTRIES)
#define SRC_SLOTS	(2 * NFV_REASS_ENTRIES)
#define TBL_BUCKETS	(NFV_REASS_ENTRIES / 4 * 4)	/* 4 ways, 2 hashes: 8x slots */

struct reass_key {
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t id;
	uint8_t family;
	uint8_t proto;		/* IPv4: the table keys on it too (RFC 791) */
	uint8_t pad[2];
};

struct reass_pend {
	struct reass_key key;
	uint64_t start;		/* the table's start: TSC of the first fragment */
	uint32_t hash;		/* of key */
	uint32_t src_hash;	/* of key.src, for its reass_src */
	bool used;
};

struct reass_src {
	uint8_t addr[16];
	uint32_t hash;
	uint16_t count;		/* datagrams pending; 0: slot free */
};

struct nfv_reass {
	struct rte_ip_frag_tbl *tbl;
	uint64_t next_expire;		/* TSC of the next timeout scan */
	uint64_t period;
	uint64_t max_cycles;		/* the timeout */
	uint32_t seed;
	uint32_t nb_pend;
	struct rte_ip_frag_death_row dr;
	struct reass_pend pend[PEND_SLOTS];
	struct reass_src src[SRC_SLOTS];
};

int nfv_reass_init(struct nfv_worker *w)
{
	unsigned int socket = rte_lcore_to_socket_id(w->lcore);
	uint64_t hz = rte_get_tsc_hz();
	struct nfv_reass *r;

	r = rte_zmalloc_socket("nfv_reass", sizeof(*r), RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL)
		return -ENOMEM;
	r->max_cycles = hz * NFV_REASS_TIMEOUT_S;
	/* never full by itself: the shadow keeps it at NFV_REASS_ENTRIES */
	r->tbl = rte_ip_frag_table_create(TBL_BUCKETS, 4, TBL_BUCKETS * 4 * 2,
					  r->max_cycles, socket);
	if (r->tbl == NULL) {
		rte_free(r);
		return -ENOMEM;
	}
	r->period = hz / 10;
	r->seed = (uint32_t)rte_rand();
	w->reass = r;
	return 0;
}

/* Everything the table gave up in this call goes under one reason. */
static void reass_drop_row(struct nfv_worker *w, unsigned int reason)
{
	struct rte_ip_frag_death_row *dr = &w->reass->dr;

	for (uint32_t i = 0; i < dr->cnt; i++)
		nfv_drop(w->dp->hooks, w->id, dr->row[i], reason);
	dr->cnt = 0;
}

/* Gives up, under reason, what the table started before tms - timeout. */
static void reass_del_before(struct nfv_worker *w, uint64_t tms, unsigned int reason)
{
	struct nfv_reass *r = w->reass;

	/* each call stops when the death row is full: repeat until empty */
	for (;;) {
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, tms);
		if (r->dr.cnt == 0)
			break;
		reass_drop_row(w, reason);
	}
}

void nfv_reass_fini(struct nfv_worker *w)
{
	struct nfv_reass *r = w->reass;

	if (r == NULL)
		return;
	reass_drop_row(w, NFV_DR_SHUTDOWN);
	reass_del_before(w, UINT64_MAX >> 1, NFV_DR_SHUTDOWN);
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
	w->reass = NULL;
}

/* The shadow: linear probing, deletion by backward shift (no tombstones). */

static inline bool in_cyclic(uint32_t home, uint32_t hole, uint32_t j)
{
	/* true when home lies cyclically in (hole, j]: the entry stays at j */
	return hole <= j ? hole < home && home <= j : hole < home || home <= j;
}

static struct reass_src *src_get(struct nfv_reass *r, const uint8_t addr[16],
				 uint32_t hash, bool create)
{
	for (uint32_t i = hash % SRC_SLOTS;; i = (i + 1) % SRC_SLOTS) {
		struct reass_src *s = &r->src[i];

		if (s->count == 0) {
			if (!create)
				return NULL;
			memcpy(s->addr, addr, sizeof(s->addr));
			s->hash = hash;
			return s;
		}
		if (s->hash == hash && memcmp(s->addr, addr, sizeof(s->addr)) == 0)
			return s;
	}
}

static void src_put(struct nfv_reass *r, const uint8_t addr[16], uint32_t hash)
{
	struct reass_src *s = src_get(r, addr, hash, false);
	uint32_t hole, j;

	if (s == NULL || --s->count > 0)
		return;
	hole = (uint32_t)(s - r->src);
	for (j = (hole + 1) % SRC_SLOTS; r->src[j].count != 0; j = (j + 1) % SRC_SLOTS) {
		if (in_cyclic(r->src[j].hash % SRC_SLOTS, hole, j))
			continue;
		r->src[hole] = r->src[j];
		r->src[j].count = 0;
		hole = j;
	}
}

/* The slot of key, or of the free slot where it would go. */
static uint32_t pend_slot(const struct nfv_reass *r, const struct reass_key *k, uint32_t hash)
{
	uint32_t i;

	for (i = hash % PEND_SLOTS; r->pend[i].used; i = (i + 1) % PEND_SLOTS)
		if (r->pend[i].hash == hash && memcmp(&r->pend[i].key, k, sizeof(*k)) == 0)
			break;
	return i;
}

static void pend_del(struct nfv_reass *r, uint32_t i)
{
	uint32_t hole = i, j;

	src_put(r, r->pend[i].key.src, r->pend[i].src_hash);
	r->pend[i].used = false;
	r->nb_pend--;
	for (j = (hole + 1) % PEND_SLOTS; r->pend[j].used; j = (j + 1) % PEND_SLOTS) {
		if (in_cyclic(r->pend[j].hash % PEND_SLOTS, hole, j))
			continue;
		r->pend[hole] = r->pend[j];
		r->pend[j].used = false;
		hole = j;
	}
}

/* Forgets every pending datagram started at or before t (or, timeout: before t). */
static void pend_del_before(struct nfv_reass *r, uint64_t t)
{
	for (uint32_t i = 0; i < PEND_SLOTS; i++)
		/* a shift may move a later entry into i: look at i again */
		while (r->pend[i].used && r->pend[i].start <= t)
			pend_del(r, i);
}

/*
 * Evicts the oldest datagrams, one start time at a time, until at most
 * low are held. The table's LRU list is in start order, as the shadow.
 */
static void reass_evict(struct nfv_worker *w, uint32_t low)
{
	struct nfv_reass *r = w->reass;

	while (r->nb_pend > low) {
		uint64_t oldest = UINT64_MAX;

		for (uint32_t i = 0; i < PEND_SLOTS; i++)
			if (r->pend[i].used && r->pend[i].start < oldest)
				oldest = r->pend[i].start;
		reass_del_before(w, oldest + r->max_cycles + 1, NFV_DR_IP_REASS_EVICTED);
		pend_del_before(r, oldest);
	}
}

void nfv_reass_expire(struct nfv_worker *w, uint64_t now)
{
	struct nfv_reass *r = w->reass;

	if (likely(now < r->next_expire))
		return;
	r->next_expire = now + r->period;
	reass_del_before(w, now, NFV_DR_IP_REASS_TIMEOUT);
	/* the table's test: start + timeout < now */
	if (r->nb_pend > 0 && now > r->max_cycles)
		pend_del_before(r, now - r->max_cycles - 1);
}

/*
 * The key of fragment m, as rte_ip_frag would make it; false when the
 * table would throw the fragment out before looking it up (no payload, or
 * past 65535 bytes): then it is ours to drop.
 */
static bool reass_key(struct rte_mbuf *m, struct reass_key *k)
{
	int32_t len, end;

	memset(k, 0, sizeof(*k));
	k->family = nfv_mbuf_meta(m)->family;
	if (k->family == AF_INET) {
		const struct rte_ipv4_hdr *ip4 = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		uint16_t fo = rte_be_to_cpu_16(ip4->fragment_offset);

		memcpy(k->src, &ip4->src_addr, 4);
		memcpy(k->dst, &ip4->dst_addr, 4);
		k->id = ip4->packet_id;
		k->proto = ip4->next_proto_id;
		len = rte_be_to_cpu_16(ip4->total_length) - rte_ipv4_hdr_len(ip4);
		end = (fo & RTE_IPV4_HDR_OFFSET_MASK) * RTE_IPV4_HDR_OFFSET_UNITS + len +
		      rte_ipv4_hdr_len(ip4);
	} else {
		const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
		const struct rte_ipv6_fragment_ext *fh = (const void *)(ip6 + 1);

		memcpy(k->src, ip6->src_addr, 16);
		memcpy(k->dst, ip6->dst_addr, 16);
		k->id = fh->id;
		len = rte_be_to_cpu_16(ip6->payload_len) - (int32_t)sizeof(*fh);
		end = (rte_be_to_cpu_16(fh->frag_data) & ~7) + len;
	}
	return len > 0 && end <= UINT16_MAX;
}

/* One fragment into the table; the whole datagram out, or NULL. */
static struct rte_mbuf *reass_table(struct nfv_reass *r, struct rte_mbuf *m, uint64_t now)
{
	struct rte_ipv6_fragment_ext *fh;
	struct rte_ipv4_hdr *ip4;
	struct rte_ipv6_hdr *ip6;

	m->l2_len = 0;
	if (nfv_mbuf_meta(m)->family == AF_INET) {
		ip4 = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		m->l3_len = rte_ipv4_hdr_len(ip4);
		m = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, now, ip4);
		if (m == NULL)
			return NULL;
		/* the library leaves the header checksum zero */
		ip4 = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
		return m;
	}
	ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	fh = rte_ipv6_frag_get_ipv6_fragment_header(ip6);
	m->l3_len = sizeof(*ip6) + sizeof(*fh);
	return rte_ipv6_frag_reassemble_packet(r->tbl, &r->dr, m, now, ip6, fh);
}

/* One fragment in, through the bounds; the whole datagram out, or NULL. */
static struct rte_mbuf *reass_one(struct nfv_worker *w, struct rte_mbuf *m, uint64_t now)
{
	struct nfv_reass *r = w->reass;
	struct reass_pend *p;
	struct reass_src *s;
	struct reass_key k;
	uint32_t hash, src_hash, i;
	struct rte_mbuf *out;

	if (unlikely(!reass_key(m, &k))) {
		nfv_drop(w->dp->hooks, w->id, m, NFV_DR_IP_REASS_FAILED);
		return NULL;
	}
	hash = rte_hash_crc(&k, sizeof(k), r->seed);
	i = pend_slot(r, &k, hash);
	p = &r->pend[i];
	if (p->used) {
		/* timed out and not scanned yet: the table starts it anew */
		if (p->start + r->max_cycles < now)
			p->start = now;
	} else {
		src_hash = rte_hash_crc(k.src, sizeof(k.src), r->seed);
		s = src_get(r, k.src, src_hash, false);
		if (s != NULL && s->count >= NFV_REASS_PER_SRC) {
			nfv_drop(w->dp->hooks, w->id, m, NFV_DR_IP_REASS_SOURCE_LIMIT);
			return NULL;
		}
		if (r->nb_pend >= NFV_REASS_ENTRIES) {
			reass_evict(w, NFV_REASS_LOW);
			i = pend_slot(r, &k, hash);
			p = &r->pend[i];
		}
		src_get(r, k.src, src_hash, true)->count++;
		p->key = k;
		p->hash = hash;
		p->src_hash = src_hash;
		p->start = now;
		p->used = true;
		r->nb_pend++;
	}
	out = reass_table(r, m, now);
	if (out != NULL) {
		pend_del(r, i);
	} else {
		/* m on the death row: the datagram failed or never got a slot */
		for (uint32_t j = 0; j < r->dr.cnt; j++)
			if (r->dr.row[j] == m) {
				pend_del(r, i);
				break;
			}
	}
	/* and what the table gave up to make room: stale entries of a bucket */
	if (unlikely(r->dr.cnt > 0))
		reass_drop_row(w, NFV_DR_IP_REASS_FAILED);
	return out;
}

static inline bool is_fragment(struct rte_mbuf *m)
{
	if (nfv_mbuf_meta(m)->family == AF_INET)
		return nfv_ip4_is_fragment(rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *));
	/* only a fragment header right after the fixed header, as DPDK reassembles */
	return rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *)->proto == IPPROTO_FRAGMENT &&
	       rte_pktmbuf_data_len(m) >= sizeof(struct rte_ipv6_hdr) +
					  sizeof(struct rte_ipv6_fragment_ext);
}

uint16_t nfv_reass_local(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (likely(!is_fragment(m))) {
			pkts[k++] = m;
			continue;
		}
		w->stats.reass_fragments++;
		m = reass_one(w, m, w->st[0].now);
		if (m == NULL)
			continue;
		w->stats.reass_datagrams++;
		pkts[k++] = m;
	}
	return k;
}
