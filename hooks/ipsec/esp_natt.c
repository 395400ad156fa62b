/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT-T port floating (RFC 3948, RFC 7296 2.23) and address updates of an
 * SA (MOBIKE): the SA's outer header changes, its keys, sequence numbers,
 * replay window and counters stay.
 *
 * Updating: the SA holds two outer slots and a pointer to the one in
 * use. The control side writes the other slot, publishes it with one
 * release store and waits a grace period before it may write the old one
 * again: a packet is built from the old header or the new one, never from
 * half of each, and none is lost (the SA is never unpublished).
 *
 * Learning: for an inbound UDP-encapsulated SA, the worker notes the
 * outer source of a packet that came from elsewhere than the SA's peer,
 * but only once the packet is authenticated (ICV) and has passed the
 * replay window (esp_decap_finish), as Linux's XFRM raises
 * XFRM_MSG_MAPPING only then: a forged or replayed packet moves nothing.
 * The control side reads the notes of all workers; the note with the
 * highest sequence number is where the peer is now. A worker that noted
 * something raises its natt_pending flag, so that the control side looks
 * at once rather than at its next lifetime poll: every packet until the
 * IKE daemon updates the SA goes to the old mapping.
 */
#include <errno.h>
#include <string.h>

#include <rte_atomic.h>

#include "esp.h"

/* Worker: l3 is the outer header of an authenticated packet of sa. */
void esp_natt_peer_seen(struct esp_worker *wk, struct esp_sa *sa, struct esp_sa_wstats *st,
			const uint8_t *l3, uint32_t l3_len, uint64_t seq)
{
	const struct esp_sa_outer *o = esp_sa_outer(sa);
	size_t alen = sa->family == AF_INET ? 4 : 16;
	const uint8_t *src = l3 + (sa->family == AF_INET ? 12 : 8);
	struct esp_peer_seen *p = &st->peer;
	uint16_t sport;

	memcpy(&sport, l3 + l3_len, sizeof(sport));
	if (likely(sport == o->natt_sport && memcmp(src, o->src, alen) == 0))
		return;
	/* each such packet renews the note: the newest counts */
	__atomic_store_n(&p->gen, p->gen + 1, __ATOMIC_RELAXED);
	rte_smp_wmb();
	p->port = sport;
	memcpy(p->addr, src, alen);
	p->seq = seq;
	rte_smp_wmb();
	__atomic_store_n(&p->gen, p->gen + 1, __ATOMIC_RELEASE);
	/* after the note: whoever sees the flag sees the note; stored only
	 * when clear, so the line stays this worker's while it is set */
	if (!__atomic_load_n(&wk->natt_pending, __ATOMIC_RELAXED))
		__atomic_store_n(&wk->natt_pending, 1, __ATOMIC_RELEASE);
}

bool nfv_ipsec_natt_pending(struct nfv_ipsec *ips)
{
	bool any = false;

	for (unsigned int w = 0; w < ips->nb_workers; w++) {
		struct esp_worker *wk = &ips->wk[w];

		if (!__atomic_load_n(&wk->natt_pending, __ATOMIC_ACQUIRE))
			continue;
		/* cleared before the notes are read: a later note raises it again */
		__atomic_store_n(&wk->natt_pending, 0, __ATOMIC_SEQ_CST);
		any = true;
	}
	return any;
}

/* Control side: a consistent copy of a worker's note. */
static bool esp_natt_note_read(const struct esp_peer_seen *p, struct esp_peer_seen *out)
{
	unsigned int tries;
	uint32_t g;

	for (tries = 0; tries < 64; tries++) {
		g = __atomic_load_n(&p->gen, __ATOMIC_ACQUIRE);
		if (g & 1)
			continue;
		out->port = p->port;
		memcpy(out->addr, p->addr, sizeof(out->addr));
		out->seq = p->seq;
		rte_smp_rmb();
		if (__atomic_load_n(&p->gen, __ATOMIC_RELAXED) == g)
			return true;
	}
	return false;
}

int nfv_ipsec_sa_peer_moved(struct nfv_ipsec *ips, uint32_t id, struct nfv_addr *addr,
			    uint16_t *port)
{
	struct esp_peer_seen best = { .seq = 0 }, n;
	const struct esp_sa_outer *o;
	struct esp_sa *sa;
	size_t alen;
	unsigned int w;

	if (id >= ips->max_sa || ips->sas[id] == NULL)
		return -ENOENT;
	sa = ips->sas[id];
	if ((sa->flags & (ESP_SA_NATT | ESP_SA_OUT)) != ESP_SA_NATT)
		return 0;
	for (w = 0; w < ips->nb_workers; w++)
		if (esp_natt_note_read(&sa->stats[w].peer, &n) && n.seq > best.seq)
			best = n;
	o = sa->outer;
	alen = sa->family == AF_INET ? 4 : 16;
	/* nothing seen, or the newest packet came from the peer the SA has */
	if (best.seq == 0 || (best.port == o->natt_sport && memcmp(best.addr, o->src, alen) == 0))
		return 0;
	memset(addr, 0, sizeof(*addr));
	addr->family = sa->family;
	memcpy(addr->bytes, best.addr, alen);
	*port = rte_be_to_cpu_16(best.port);
	return 1;
}

int nfv_ipsec_sa_update(struct nfv_ipsec *ips, uint32_t id, const struct nfv_ipsec_sa_outer *c)
{
	struct esp_sa_outer *next;
	struct esp_sa *sa;

	if (id >= ips->max_sa || ips->sas[id] == NULL)
		return -ENOENT;
	sa = ips->sas[id];
	if (c->src.family != sa->family || c->dst.family != sa->family)
		return -EAFNOSUPPORT;
	/* the SAD finds an inbound SA by its destination: ours, fixed */
	if (!(sa->flags & ESP_SA_OUT) &&
	    memcmp(c->dst.bytes, sa->outer->dst, sa->family == AF_INET ? 4 : 16) != 0)
		return -EADDRNOTAVAIL;
	/* 1. the slot no worker reads: the previous update waited for that */
	next = sa->outer == &sa->outer_slot[0] ? &sa->outer_slot[1] : &sa->outer_slot[0];
	esp_sa_outer_set(next, &c->src, &c->dst, c->natt_sport, c->natt_dport);
	/* 2. one store: a packet sees the whole old header or the whole new one */
	__atomic_store_n(&sa->outer, next, __ATOMIC_RELEASE);
	/* 3. once no worker holds the old slot, the next update may write it */
	esp_ctl_synchronize(ips);
	return 0;
}
