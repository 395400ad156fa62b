/* SPDX-License-Identifier: BSD-3-Clause */
/* Packet tracing: marking, records, the ring. See nfv_trace.h. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "nfv_mbuf.h"
#include "nfv_trace.h"

#define TRACE_RING 4096
#define TRACE_MAX 100000	/* packets per worker and trace */

struct nfv_trace *nfv_trace_create(const struct nfv_trace_match *m, uint32_t per_worker,
				   unsigned int nb_workers)
{
	static unsigned int serial;
	struct nfv_trace *tr;
	char name[RTE_RING_NAMESIZE];

	if (per_worker == 0 || per_worker > TRACE_MAX || nb_workers > NFV_MAX_WORKERS)
		return NULL;
	tr = rte_zmalloc("nfv_trace", sizeof(*tr), RTE_CACHE_LINE_SIZE);
	if (tr == NULL)
		return NULL;
	/* a name per trace: the previous ring may still be draining */
	snprintf(name, sizeof(name), "nfv_trace%u", serial++);
	tr->ring = rte_ring_create_elem(name, sizeof(struct nfv_trace_rec), TRACE_RING,
					SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (tr->ring == NULL) {
		rte_free(tr);
		return NULL;
	}
	tr->match = *m;
	for (unsigned int w = 0; w < nb_workers; w++)
		tr->budget[w] = per_worker;
	return tr;
}

void nfv_trace_arm(struct nfv_hook_table *t, struct nfv_trace *tr)
{
	__atomic_store_n(&t->trace, tr, __ATOMIC_RELEASE);
}

void nfv_trace_disarm(struct nfv_hook_table *t)
{
	__atomic_store_n(&t->trace, NULL, __ATOMIC_RELEASE);
	/* after this no worker writes to the ring any more */
	nfv_hook_synchronize(t);
}

void nfv_trace_destroy(struct nfv_trace *tr)
{
	if (tr == NULL)
		return;
	rte_ring_free(tr->ring);
	rte_free(tr);
}

unsigned int nfv_trace_read(struct nfv_trace *tr, struct nfv_trace_rec *recs, unsigned int n)
{
	return rte_ring_sc_dequeue_burst_elem(tr->ring, recs, sizeof(*recs), n, NULL);
}

int nfv_trace_spent(const struct nfv_trace *tr, unsigned int nb_workers)
{
	for (unsigned int w = 0; w < nb_workers; w++)
		if (__atomic_load_n(&tr->budget[w], __ATOMIC_RELAXED) != 0)
			return 0;
	return 1;
}

/* Addresses and ports from the L3 header at the start of the data. */
static void parse(struct rte_mbuf *m, uint8_t family, struct nfv_trace_rec *r)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), l4 = 0;

	r->family = family;
	if (family == AF_INET && len >= 20) {
		memcpy(r->src, p + 12, 4);
		memcpy(r->dst, p + 16, 4);
		r->proto = p[9];
		/* not a later fragment */
		if ((((p[6] << 8) | p[7]) & 0x1fff) == 0)
			l4 = (p[0] & 0xf) * 4u;
	} else if (family == AF_INET6 && len >= 40) {
		memcpy(r->src, p + 8, 16);
		memcpy(r->dst, p + 24, 16);
		r->proto = p[6];
		l4 = 40;
	}
	if (l4 && len >= l4 + 4 && (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP ||
				    r->proto == IPPROTO_SCTP)) {
		r->sport = (uint16_t)(p[l4] << 8 | p[l4 + 1]);
		r->dport = (uint16_t)(p[l4 + 2] << 8 | p[l4 + 3]);
	}
}

static int prefix_match(const uint8_t *a, const uint8_t *pfx, unsigned int len)
{
	unsigned int bytes = len / 8, bits = len % 8;

	if (memcmp(a, pfx, bytes) != 0)
		return 0;
	return bits == 0 || ((a[bytes] ^ pfx[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

static int match(const struct nfv_trace_match *m, const struct nfv_trace_rec *r)
{
	return (!m->family || m->family == r->family) && (!m->proto || m->proto == r->proto) &&
	       (!m->dport || m->dport == r->dport) &&
	       (!m->dst_len || prefix_match(r->dst, m->dst, m->dst_len)) &&
	       (!m->src_len || prefix_match(r->src, m->src, m->src_len));
}

/* What every record of m says: addresses, ports, id, where it is. */
static void rec_fill(struct nfv_trace_rec *r, struct rte_mbuf *m, unsigned int worker,
		     uint8_t hook)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);

	memset(r, 0, offsetof(struct nfv_trace_rec, entry));
	r->why[0] = '\0';
	parse(m, meta->family, r);
	r->id = meta->trace_id;
	r->worker = (uint16_t)worker;
	r->hook = hook;
	r->iport = meta->iport;
	r->oport = meta->oport;
}

uint16_t nfv_trace_pre(struct nfv_trace *tr, struct rte_mbuf **pkts, uint16_t n,
		       const struct nfv_hook_state *state, struct nfv_trace_rec *recs)
{
	unsigned int w = state->worker;
	uint16_t traced = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct nfv_mbuf_meta *meta = nfv_mbuf_meta(pkts[i]);
		struct nfv_trace_rec *r = &recs[i];

		r->id = 0;
		if (!(meta->flags & NFV_MBUF_F_TRACE) && tr->budget[w] == 0)
			continue;
		rec_fill(r, pkts[i], w, (uint8_t)state->hook);
		if (!(meta->flags & NFV_MBUF_F_TRACE)) {
			if (!match(&tr->match, r)) {
				r->id = 0;
				continue;
			}
			__atomic_store_n(&tr->budget[w], tr->budget[w] - 1, __ATOMIC_RELAXED);
			meta->flags |= NFV_MBUF_F_TRACE;
			meta->trace_id = (w + 1) << 24 | (++tr->seq[w] & 0xffffff);
			r->id = meta->trace_id;
		}
		traced++;
	}
	return traced;
}

void nfv_trace_post(struct nfv_trace *tr, const struct nfv_hook_reg *reg, int priority,
		    struct nfv_trace_rec *recs, uint16_t n, const uint32_t *verdicts)
{
	uint64_t now = rte_rdtsc();

	for (uint16_t i = 0; i < n; i++) {
		struct nfv_trace_rec *r = &recs[i];

		if (r->id == 0)
			continue;
		r->tsc = now;
		r->verdict = verdicts[i];
		r->priority = priority;
		memcpy(r->entry, reg->name, sizeof(r->entry));
		r->entry[sizeof(r->entry) - 1] = '\0';
		if (rte_ring_mp_enqueue_elem(tr->ring, r, sizeof(*r)) != 0)
			__atomic_fetch_add(&tr->lost, 1, __ATOMIC_RELAXED);
	}
}

void nfv_trace_drop(struct nfv_hook_table *t, unsigned int worker,
		    struct rte_mbuf *m, unsigned int reason)
{
	struct nfv_trace *tr = __atomic_load_n(&t->trace, __ATOMIC_ACQUIRE);
	struct nfv_trace_rec r;

	/* a packet marked by a trace that has ended since */
	if (tr == NULL)
		return;
	rec_fill(&r, m, worker, NFV_TRACE_HOOK_NONE);
	r.tsc = rte_rdtsc();
	r.verdict = NFV_DROP_REASON(reason);
	strncpy(r.entry, "dataplane", sizeof(r.entry));	/* zero-padded */
	if (rte_ring_mp_enqueue_elem(tr->ring, &r, sizeof(r)) != 0)
		__atomic_fetch_add(&tr->lost, 1, __ATOMIC_RELAXED);
}
