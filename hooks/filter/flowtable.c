/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flowtable's flows: offload (flow add), the learning of each
 * direction's route, the burst lookup of the fast path, teardown and the
 * flow timeout. See nfv_flowtable.h for the model.
 *
 * Who writes what: IPS_OFFLOAD in ct->status is set by flow add (any
 * worker) and cleared by whoever tears the flow down (a worker's fast
 * path, or the control side's GC), with atomic read-modify-writes, so one
 * of them does the teardown's work. A direction is written by the worker
 * that learns it, after claiming it (gen CAS to FLOW_DIR_WRITING), and
 * read by any worker as a seqlock: gen before and after the copy. Each
 * worker has its own flow cache (flow_cache.h), which only it touches.
 */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>

#include "ct_priv.h"
#include "flow_cache.h"
#include "nfv_flowtable.h"
#include "nfv_mbuf.h"

/* The connection of an offloaded flow is kept alive this long, renewed by
 * the GC while the flow lives (nf_ct_offload_timeout(): NF_CT_DAY). */
#define FLOW_CT_KEEP_S 86400

struct nfv_flowtable {
	/* control side writes, workers acquire-load once per loop */
	uint64_t state;		/* generation << 32 | ports */
	struct nfv_ct_table *ct;
	struct nfv_flow *flows;	/* by connection index */
	struct flow_cache *cache;	/* [NFV_MAX_WORKERS], one per worker */
	uint64_t hz;
	uint64_t slack;		/* hz / 100: see ct_refresh() */
	/* bumped by every route commit: an offloaded flow of an older one
	 * is torn down by its next packet, as the kernel's dst check */
	uint32_t route_gen;
	struct nfv_flowtable_stats stats[NFV_MAX_WORKERS + 1];	/* + the GC's */
};

#define GC_STATS NFV_MAX_WORKERS
/* A direction's gen while its learner writes it; generations are odd. */
#define FLOW_DIR_WRITING 2u

struct nfv_flowtable *nfv_flowtable_create(struct nfv_ct_table *ct, uint64_t hz)
{
	struct nfv_flowtable *ft;

	if (ct == NULL || hz == 0)
		return NULL;
	ft = rte_zmalloc("nfv_flowtable", sizeof(*ft), RTE_CACHE_LINE_SIZE);
	if (ft == NULL)
		return NULL;
	ft->flows = rte_zmalloc("nfv_flows", sizeof(*ft->flows) * ct->max, RTE_CACHE_LINE_SIZE);
	ft->cache = rte_zmalloc("nfv_flow_cache", sizeof(*ft->cache) * NFV_MAX_WORKERS,
				_Alignof(struct flow_cache));
	if (ft->flows == NULL || ft->cache == NULL) {
		rte_free(ft->cache);
		rte_free(ft->flows);
		rte_free(ft);
		return NULL;
	}
	ft->ct = ct;
	ft->hz = hz;
	ft->slack = hz / 100;
	ft->state = 1ull << 32;
	return ft;
}

void nfv_flowtable_destroy(struct nfv_flowtable *ft)
{
	if (ft == NULL)
		return;
	rte_free(ft->cache);
	rte_free(ft->flows);
	rte_free(ft);
}

const uint64_t *nfv_flowtable_state_ptr(const struct nfv_flowtable *ft)
{
	return &ft->state;
}

void nfv_flowtable_set_ports(struct nfv_flowtable *ft, uint64_t ports)
{
	uint64_t gen = (ft->state >> 32) + 1;

	__atomic_store_n(&ft->state, gen << 32 | (ports & UINT32_MAX), __ATOMIC_RELEASE);
}

void nfv_flowtable_routes_changed(struct nfv_flowtable *ft)
{
	if (ft != NULL)
		__atomic_fetch_add(&ft->route_gen, 1, __ATOMIC_RELEASE);
}

void nfv_flowtable_invalidate(struct nfv_flowtable *ft)
{
	if (ft != NULL)
		nfv_flowtable_set_ports(ft, ft->state & UINT32_MAX);
}

const struct nfv_flow *nfv_flowtable_flow(const struct nfv_flowtable *ft, uint32_t ct_idx)
{
	const struct nfv_ct *ct;

	if (ct_idx >= ft->ct->max)
		return NULL;
	ct = &ft->ct->cts[ct_idx];
	if (!(__atomic_load_n(&ct->status, __ATOMIC_RELAXED) & IPS_OFFLOAD))
		return NULL;
	return &ft->flows[ct_idx];
}

void nfv_flowtable_stats_sum(const struct nfv_flowtable *ft, struct nfv_flowtable_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int w = 0; w < RTE_DIM(ft->stats); w++) {
		s->offloaded += ft->stats[w].offloaded;
		s->learned += ft->stats[w].learned;
		s->teardown_tcp += ft->stats[w].teardown_tcp;
		s->teardown_timeout += ft->stats[w].teardown_timeout;
		s->teardown_route += ft->stats[w].teardown_route;
		s->mtu_fallback += ft->stats[w].mtu_fallback;
	}
}

static inline bool flow_teardown(struct nfv_flowtable *ft, struct nfv_ct *ct, uint64_t now)
{
	return nfv_ct_offload_teardown(ft->ct, ct, now);
}

/*
 * ip_has_options(), ip_is_fragment() and the protocols nf_flow_tuple_ip()
 * takes; true when m may take the fast path, with its key (the
 * connection's tuple, written as the five words the hash reads, so no
 * load waits on a narrower store), its hash and *thoff set.
 */
static inline bool flow_parse(struct rte_mbuf *m, uint8_t family, struct nfv_ct_tuple *k,
			      hash_sig_t *sig, uint16_t *thoff)
{
	const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t len = rte_pktmbuf_data_len(m);
	uint64_t w[5], addrs;
	uint32_t ports;
	uint8_t proto;

	_Static_assert(offsetof(struct nfv_ct_tuple, sport) == 32 &&
		       offsetof(struct nfv_ct_tuple, family) == 36 &&
		       offsetof(struct nfv_ct_tuple, proto) == 37, "the key's last word");
	if (family == AF_INET) {
		/* 20 bytes of header, no fragment, TTL > 1 */
		if (len < 20 + 14 || h[0] != 0x45 || (h[6] & 0x3f) != 0 || h[7] != 0 ||
		    h[8] <= 1)
			return false;
		proto = h[9];
		*thoff = 20;
	} else {
		/* no extension header, hop limit > 1 */
		if (len < 40 + 14 || h[7] <= 1)
			return false;
		proto = h[6];
		*thoff = 40;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return false;
	memcpy(&ports, h + *thoff, 4);	/* sport, dport */
	w[4] = ports | (uint64_t)family << 32 | (uint64_t)proto << 40;
	/* word by word into the key: a wider load of words just stored
	 * would wait for them (no store forwarding) */
	if (family == AF_INET) {
		memcpy(&addrs, h + 12, 8);	/* src, dst */
		w[0] = addrs & UINT32_MAX;
		w[1] = 0;
		w[2] = addrs >> 32;
		*sig = rte_hash_crc_8byte(w[4], rte_hash_crc_8byte(addrs, 0));
	} else {
		memcpy(&w[0], h + 8, 8);
		memcpy(&w[1], h + 16, 8);
		memcpy(&w[2], h + 24, 8);
		memcpy(&w[3], h + 32, 8);
		*sig = rte_hash_crc_8byte(w[4], rte_hash_crc_8byte(w[3], rte_hash_crc_8byte(w[2],
			rte_hash_crc_8byte(w[1], rte_hash_crc_8byte(w[0], 0)))));
	}
	memcpy((uint8_t *)k + 0, &w[0], 8);
	memcpy((uint8_t *)k + 8, &w[1], 8);
	memcpy((uint8_t *)k + 16, &w[2], 8);
	memcpy((uint8_t *)k + 24, family == AF_INET ? &w[1] : &w[3], 8);
	memcpy((uint8_t *)k + 32, &w[4], 8);
	return true;
}

/* *out: a consistent copy of d's route if it was learned at gen (the
 * seqlock's reader); else out->l2_len is 0. */
static inline void flow_route_read(const struct nfv_flow_route *r, uint32_t gen,
				   struct nfv_flow_route *out)
{
	if (__atomic_load_n(&r->gen, __ATOMIC_ACQUIRE) != gen)
		goto miss;
	*out = *r;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&r->gen, __ATOMIC_RELAXED) == gen)
		return;
miss:
	out->l2_len = 0;
}

/*
 * The inbound SA that m came out of, + 1, or 0 for a cleartext packet: a
 * direction serves only packets of the same (esp-input checked the
 * inbound policy for them; a cleartext one must meet esp-policy-fwd).
 */
static inline uint32_t flow_in_sa(const struct nfv_mbuf_meta *meta)
{
	return meta->flags & NFV_MBUF_F_SECPATH ? meta->sa_index + 1 : 0;
}

static inline void flow_refresh(struct nfv_flowtable *ft, struct nfv_flow *f, uint64_t now)
{
	uint64_t exp = now + NFV_FLOW_TIMEOUT_S * ft->hz;

	if (__atomic_load_n(&f->expires, __ATOMIC_RELAXED) - exp > ft->slack)
		__atomic_store_n(&f->expires, exp + ft->slack, __ATOMIC_RELAXED);
}

bool nfv_flowtable_offload(struct nfv_flowtable *ft, struct rte_mbuf *m,
			   uint16_t thoff, uint64_t now, unsigned int worker)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct nfv_ct *ct = meta->ct;
	const struct rte_tcp_hdr *th;
	struct rte_tcp_hdr thbuf;
	struct nfv_flow *f;
	uint32_t status, old;

	/* nft_flow_offload_skip(): our own packets, and a traced packet's
	 * next ones must meet the hooks too. Unlike the kernel, packets that
	 * came out of an SA may be: their direction is learned with the SA
	 * (flow_in_sa()) and used only for packets decrypted with it */
	if (ct == NULL || meta->flags & (NFV_MBUF_F_TRACE | NFV_MBUF_F_LOCAL_OUT))
		return false;
	if (meta->family == AF_INET && thoff != 20)
		return false;	/* IP options */
	status = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
	/* confirmed: a UDP flow from its second packet on, replied or not,
	 * as nft_flow_offload_eval() (6.1 and later) decides; TCP below */
	if (!(status & IPS_CONFIRMED))
		return false;
	/* the fast path replays the Ethernet header and the TTL, not NAT's
	 * rewrite: a NATed connection stays on the full pipeline */
	if (status & (IPS_SRC_NAT | IPS_DST_NAT))
		return false;
	/* nor one in a zone (ct zone set): the fast path's key is the
	 * packet's tuple in zone 0, it has no template to take one from */
	if (nfv_ct_zone(ct) != 0)
		return false;
	switch (ct->tuple[0].proto) {
	case IPPROTO_TCP:
		th = rte_pktmbuf_read(m, thoff, sizeof(thbuf), &thbuf);
		/* nf_conntrack_tcp_established(), and not closing */
		if (th == NULL || th->tcp_flags & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG) ||
		    __atomic_load_n(&ct->tcp_state, __ATOMIC_RELAXED) != NFV_TCP_ESTABLISHED ||
		    !(status & IPS_ASSURED))
			return false;
		break;
	case IPPROTO_UDP:
		break;
	default:
		return false;
	}
	if (status & IPS_OFFLOAD)
		return true;	/* this direction may still have to be learned */
	f = &ft->flows[ct->idx];
	/* the flow's directions may be another connection's, from before
	 * this index was freed: no one learns for us until the bit is set */
	__atomic_store_n(&f->dir[0].r.gen, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&f->dir[1].r.gen, 0, __ATOMIC_RELAXED);
	f->dir[0].packets = f->dir[0].bytes = 0;
	f->dir[1].packets = f->dir[1].bytes = 0;
	/* the workers' cached entries of this index are another offload's,
	 * seen before IPS_OFFLOAD (the release below) */
	__atomic_store_n(&f->epoch, __atomic_load_n(&f->epoch, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&f->expires, now + NFV_FLOW_TIMEOUT_S * ft->hz, __ATOMIC_RELAXED);
	__atomic_store_n(&f->route_gen, __atomic_load_n(&ft->route_gen, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELAXED);
	if (ct->tuple[0].proto == IPPROTO_TCP) {
		/* nft_flow_offload_eval(): the fast path does not follow the
		 * windows, so the tracker accepts any from now on */
		rte_spinlock_lock(&ct->lock);
		ct->tcp[0].flags |= NFV_CT_TCP_F_LIBERAL;
		ct->tcp[1].flags |= NFV_CT_TCP_F_LIBERAL;
		rte_spinlock_unlock(&ct->lock);
	}
	old = __atomic_fetch_or(&ct->status, IPS_OFFLOAD, __ATOMIC_ACQ_REL);
	if (!(old & IPS_OFFLOAD)) {
		ft->stats[worker].offloaded++;
		/* the connection outlives its flow (nf_ct_offload_timeout()) */
		__atomic_store_n(&ct->expires, now + FLOW_CT_KEEP_S * ft->hz, __ATOMIC_RELAXED);
	}
	return true;
}

/* Writes *src's output into m's direction, src->gen being the generation. */
static void flow_learn(struct nfv_flowtable *ft, struct rte_mbuf *m,
		       const struct nfv_flow_route *src, uint64_t now, unsigned int worker)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct nfv_ct *ct = meta->ct;
	struct nfv_flow_route *d;
	uint32_t cur, gen = src->gen;

	if (ct == NULL || !(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & IPS_OFFLOAD))
		return;
	d = &ft->flows[ct->idx].dir[meta->ct_dir].r;
	cur = __atomic_load_n(&d->gen, __ATOMIC_RELAXED);
	/* learned already, or being learned by another worker */
	if (cur == gen || cur == FLOW_DIR_WRITING ||
	    !__atomic_compare_exchange_n(&d->gen, &cur, FLOW_DIR_WRITING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	d->iport = meta->iport;
	d->ivlan = meta->flags & NFV_MBUF_F_VLAN ? meta->vlan : 0;
	d->oport = src->oport;
	d->mtu = src->mtu;
	d->l2_len = src->l2_len;
	memcpy(d->l2, src->l2, sizeof(d->l2));
	d->in_sa = flow_in_sa(meta);
	d->out_sa = src->out_sa;
	__atomic_store_n(&d->gen, gen, __ATOMIC_RELEASE);
	flow_refresh(ft, &ft->flows[ct->idx], now);
	ft->stats[worker].learned++;
}

void nfv_flowtable_learn(struct nfv_flowtable *ft, struct rte_mbuf *m, uint16_t oport,
			 uint16_t mtu, const uint8_t *l2, uint8_t l2_len, uint32_t gen,
			 uint64_t now, unsigned int worker)
{
	struct nfv_flow_route r = { .gen = gen, .oport = oport, .mtu = mtu, .l2_len = l2_len };

	if (l2_len == 0 || l2_len > NFV_FLOW_L2_MAX)
		return;
	memcpy(r.l2, l2, l2_len);
	flow_learn(ft, m, &r, now, worker);
}

void nfv_flowtable_learn_esp(struct nfv_flowtable *ft, struct rte_mbuf *m, uint32_t sa_id,
			     uint16_t mtu, uint32_t gen, uint64_t now, unsigned int worker)
{
	struct nfv_flow_route r = {
		.gen = gen, .oport = UINT16_MAX, .mtu = mtu, .l2_len = NFV_FLOW_L2_ESP,
		.out_sa = sa_id,
	};

	flow_learn(ft, m, &r, now, worker);
}

#define FLOW_BULK 32

/*
 * Adds a run's packets to its direction's counters, once per run of the
 * burst, without a locked instruction: a direction's packets arrive by
 * one port and RSS gives a flow one queue, so one worker writes them
 * (were two to race, a count would be lost, nothing else).
 */
static inline void flow_count(struct nfv_flow_dir *d, uint64_t packets, uint64_t bytes)
{
	if (d == NULL)
		return;
	__atomic_store_n(&d->packets, __atomic_load_n(&d->packets, __ATOMIC_RELAXED) + packets,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&d->bytes, __atomic_load_n(&d->bytes, __ATOMIC_RELAXED) + bytes,
			 __ATOMIC_RELAXED);
}

/*
 * As nf_flow_offload_ip_hook() per packet, for a burst: the tuples and
 * their hashes first, the worker's flow cache, one bulk hash lookup for
 * the keys the cache did not have, then each packet in order, so that a
 * FIN tears its flow down before the packets behind it are looked at.
 */
void nfv_flowtable_lookup(struct nfv_flowtable *ft, struct rte_mbuf **pkts, uint16_t n,
			  uint32_t gen, uint64_t now, unsigned int worker,
			  struct nfv_flow_hit *hits)
{
	struct nfv_flowtable_stats *st = &ft->stats[worker];
	struct flow_cache *cache = &ft->cache[worker];
	struct nfv_ct_table *t = ft->ct;
	uint32_t route_gen = __atomic_load_n(&ft->route_gen, __ATOMIC_ACQUIRE);
	struct nfv_ct_tuple k[FLOW_BULK] __rte_aligned(8);
	const void *keys[FLOW_BULK];
	hash_sig_t sig[FLOW_BULK], msig[FLOW_BULK];
	uint32_t data[FLOW_BULK], epoch[FLOW_BULK];
	uint16_t idx[FLOW_BULK], thoff[FLOW_BULK], miss[FLOW_BULK];

	for (uint16_t off = 0; off < n; off += FLOW_BULK) {
		uint16_t nb = RTE_MIN(n - off, FLOW_BULK), m = 0, nm = 0;
		struct nfv_flow_dir *run = NULL;
		uint64_t run_pk = 0, run_by = 0, found = 0, cached;

		for (uint16_t i = off; i < off + nb; i++) {
			hits[i].l2_len = 0;
			if (!flow_parse(pkts[i], nfv_mbuf_meta(pkts[i])->family, &k[m], &sig[m],
					&thoff[m]))
				continue;
			flow_cache_prefetch(cache, sig[m]);
			idx[m++] = i;
		}
		if (m == 0)
			continue;
		for (uint16_t j = 0; j < m; j++) {
			const struct flow_cache_entry *e = flow_cache_find(cache, &k[j], sig[j]);

			if (e != NULL) {
				data[j] = e->data;
				epoch[j] = e->epoch;
				found |= 1ull << j;
				continue;
			}
			keys[nm] = &k[j];
			msig[nm] = sig[j];
			miss[nm++] = j;
		}
		cached = found;
		found |= ct_lookup_misses(t, keys, msig, nm, miss, data);
		/* the connections' and flows' lines, while the first are checked */
		for (uint64_t h = found; h != 0; h &= h - 1) {
			uint32_t d = data[__builtin_ctzll(h)];

			rte_prefetch0(&t->cts[d >> 1].status);
			rte_prefetch0(&ft->flows[d >> 1].dir[d & 1]);
		}
		for (uint16_t j = 0; j < m; j++) {
			struct rte_mbuf *p = pkts[idx[j]];
			const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p);
			struct nfv_flow_route *r = &hits[idx[j]];
			uint32_t len = rte_pktmbuf_pkt_len(p), ep;
			struct nfv_flow *f;
			struct nfv_ct *ct;
			uint8_t dir;

			if (!(found >> j & 1))
				continue;
			ct = &t->cts[data[j] >> 1];
			dir = data[j] & 1;
			/* dying first: ct_init() clears it last, with release, so a
			 * connection index reused since a cache entry was made
			 * shows its new status here, not the old IPS_OFFLOAD */
			if (__atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE) ||
			    !(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & IPS_OFFLOAD))
				goto forget;
			f = &ft->flows[data[j] >> 1];
			ep = __atomic_load_n(&f->epoch, __ATOMIC_RELAXED);
			/* a cached index offloaded anew since: another flow's, or
			 * this one's offloaded again (after a teardown), which
			 * goes on as a lookup's hit */
			if (cached >> j & 1 && ep != epoch[j]) {
				if (memcmp(&ct->tuple[dir], &k[j], sizeof(k[j])) != 0)
					goto forget;
				flow_cache_forget(cache, &k[j], sig[j]);
				cached &= ~(1ull << j);
			}
			/* nf_flow_dst_check(): offloaded under older routes, the
			 * flow ends and its packet takes the slow path */
			if (unlikely(__atomic_load_n(&f->route_gen, __ATOMIC_RELAXED) != route_gen)) {
				if (flow_teardown(ft, ct, now))
					st->teardown_route++;
				goto miss;
			}
			/* the flow of this input port and VLAN, learned at this
			 * generation of routes, neighbours, rules and SAs, out
			 * of the same SA or in cleartext as this packet */
			flow_route_read(&f->dir[dir].r, gen, r);
			if (r->l2_len == 0) {
				nfv_mbuf_meta(p)->flags |= NFV_MBUF_F_FLOW_UNLEARNED;
				continue;
			}
			if (r->iport != meta->iport ||
			    r->ivlan != (meta->flags & NFV_MBUF_F_VLAN ? meta->vlan : 0) ||
			    r->in_sa != flow_in_sa(meta))
				goto miss;
			if (unlikely(now >= __atomic_load_n(&f->expires, __ATOMIC_RELAXED))) {
				if (flow_teardown(ft, ct, now))
					st->teardown_timeout++;
				goto miss;
			}
			/* nf_flow_exceeds_mtu(): the slow path fragments or
			 * answers with ICMP */
			if (unlikely(len > r->mtu)) {
				st->mtu_fallback++;
				goto miss;
			}
			/* nf_flow_state_check() */
			if (k[j].proto == IPPROTO_TCP &&
			    unlikely(rte_pktmbuf_mtod_offset(p, const uint8_t *, thoff[j] + 13)[0] &
				     (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG))) {
				if (flow_teardown(ft, ct, now))
					st->teardown_tcp++;
				goto miss;
			}
			flow_refresh(ft, f, now);
			if (!(cached >> j & 1))
				flow_cache_add(cache, &k[j], sig[j], data[j], ep);
			if (run != &f->dir[dir]) {
				flow_count(run, run_pk, run_by);
				run = &f->dir[dir];
				run_pk = run_by = 0;
			}
			run_pk++;
			run_by += len;
			continue;
forget:
			if (cached >> j & 1)
				flow_cache_forget(cache, &k[j], sig[j]);
			continue;
miss:
			r->l2_len = 0;
		}
		flow_count(run, run_pk, run_by);
	}
}

unsigned int nfv_flowtable_gc(struct nfv_flowtable *ft, uint64_t now)
{
	struct nfv_ct_table *t = ft->ct;
	unsigned int n = 0;

	for (uint32_t i = 0; i < t->max; i++) {
		struct nfv_ct *ct = &t->cts[i];

		if (!__atomic_load_n(&ct->live, __ATOMIC_ACQUIRE) ||
		    __atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE) ||
		    !(__atomic_load_n(&ct->status, __ATOMIC_RELAXED) & IPS_OFFLOAD))
			continue;
		if (now >= __atomic_load_n(&ft->flows[i].expires, __ATOMIC_RELAXED)) {
			if (flow_teardown(ft, ct, now)) {
				ft->stats[GC_STATS].teardown_timeout++;
				n++;
			}
			continue;
		}
		/* slow-path packets of the flow refreshed it to their state's
		 * timeout: the connection lives as long as its flow */
		if (__atomic_load_n(&ct->expires, __ATOMIC_RELAXED) <
		    now + FLOW_CT_KEEP_S / 2 * ft->hz)
			__atomic_store_n(&ct->expires, now + FLOW_CT_KEEP_S * ft->hz,
					 __ATOMIC_RELAXED);
	}
	return n;
}
