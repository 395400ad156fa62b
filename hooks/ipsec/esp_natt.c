/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT-T port floating (RFC 3948, RFC 7296 2.23) and address updates of an
 * SA (MOBIKE, RFC 4555): the SA's outer header changes, its keys, sequence
 * numbers, replay window and counters stay.
 *
 * Updating: the SA holds two outer slots and a pointer to the one in
 * use. The control side writes the other slot, publishes it with one
 * release store and waits a grace period before it may write the old one
 * again: a packet is built from the old header or the new one, never from
 * half of each, and none is lost (the SA is never unpublished). The slot
 * holds the addresses, the UDP ports and whether there is UDP at all, so
 * that encapsulation turns on or off (MOBIKE moving behind a NAT or out
 * of it) in the same store.
 *
 * An inbound SA whose destination moves (our address, MOBIKE) is keyed
 * in the SAD by it: the new key is added before the header changes, and
 * the previous one stays for the module's move grace (packets already on
 * their way to it) until the lifetime poll retires it (XFRM deletes the
 * state and adds it anew: packets to the old address are dropped at
 * once); both keys find the same SA, so the replay window and counters
 * are one.
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
#include <rte_cycles.h>

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
	if ((sa->flags & ESP_SA_OUT) || !sa->outer->natt)
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

/* Control side: the previous destination's SAD key of a moved inbound SA goes. */
void esp_natt_moved_retire(struct nfv_ipsec *ips, struct esp_sa *sa)
{
	int32_t pos;

	if (sa->moved_tsc == 0)
		return;
	sa->moved_tsc = 0;
	if (esp_sad_del_dst(ips->sad, sa, sa->moved_from, &pos) < 0)
		return;
	esp_ctl_synchronize(ips);
	esp_sad_reclaim(ips->sad, pos);
}

/*
 * Inbound SA sa moves to dst: its key for dst is added (make), the
 * current one becomes the previous one (break after the grace). Moving
 * back to the previous destination within its grace swaps the two.
 */
static int esp_natt_move_key(struct nfv_ipsec *ips, struct esp_sa *sa, const uint8_t *dst)
{
	size_t alen = sa->family == AF_INET ? 4 : 16;
	int rc;

	if (sa->moved_tsc != 0 && memcmp(dst, sa->moved_from, alen) == 0) {
		memcpy(sa->moved_from, sa->outer->dst, alen);
		sa->moved_tsc = rte_get_tsc_cycles() + ips->move_grace_tsc;
		return 0;
	}
	rc = esp_sad_add_dst(ips->sad, sa, dst);
	if (rc < 0)
		return rc == -EEXIST ? -EADDRINUSE : rc;
	/* a third destination within the grace: the oldest one goes now */
	esp_natt_moved_retire(ips, sa);
	memset(sa->moved_from, 0, sizeof(sa->moved_from));
	memcpy(sa->moved_from, sa->outer->dst, alen);
	sa->moved_tsc = rte_get_tsc_cycles() + ips->move_grace_tsc;
	return 0;
}

int nfv_ipsec_sa_update(struct nfv_ipsec *ips, uint32_t id, const struct nfv_ipsec_sa_outer *c)
{
	struct esp_sa_outer *next;
	struct esp_sa *sa;
	int rc;

	if (id >= ips->max_sa || ips->sas[id] == NULL)
		return -ENOENT;
	sa = ips->sas[id];
	/* the headers' sizes and the SAD key's family are the SA's */
	if (c->src.family != sa->family || c->dst.family != sa->family)
		return -EAFNOSUPPORT;
	/* 1. inbound, a new destination: its SAD key first, the old one stays */
	if (!(sa->flags & ESP_SA_OUT) &&
	    memcmp(c->dst.bytes, sa->outer->dst, sa->family == AF_INET ? 4 : 16) != 0) {
		rc = esp_natt_move_key(ips, sa, c->dst.bytes);
		if (rc < 0)
			return rc;
	}
	/* 2. the slot no worker reads: the previous update waited for that */
	next = sa->outer == &sa->outer_slot[0] ? &sa->outer_slot[1] : &sa->outer_slot[0];
	esp_sa_outer_set(ips, next, &c->src, &c->dst, c->natt, c->natt_sport, c->natt_dport);
	/* 3. one store: a packet sees the whole old header or the whole new one */
	__atomic_store_n(&sa->outer, next, __ATOMIC_RELEASE);
	/* 4. once no worker holds the old slot, the next update may write it */
	esp_ctl_synchronize(ips);
	return 0;
}
