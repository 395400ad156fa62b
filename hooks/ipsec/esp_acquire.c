/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACQUIRE, as XFRM's: an outbound packet that a PROTECT policy takes while
 * the policy's SA slot holds no SA (a trap policy of an IKE daemon, or an
 * SA deleted under its policy) is dropped as esp-unknown-spi (NFV_DR_ESP_NO_SA), and the slot is
 * noted for the control side, which raises one acquire event per policy
 * until an SA comes (dataplane/control/ipsec.c). The packet is not held:
 * Linux's default, xfrm_larval_drop = 1, drops it too.
 *
 * Each worker has a bitmap of slots. It writes only when a bit is clear
 * (an atomic or, then a pending flag), so a flood of packets on a trap
 * policy costs one read per packet; the control side takes the bits with
 * an atomic exchange per pending word.
 *
 * The packet that sets a bit also leaves its selectors (addresses,
 * protocol, ports) in the worker's ring of notes, before the bit: XFRM's
 * acquire carries them (the larval state's selector, from the flow), and
 * the IKE daemon proposes them first (RFC 7296 2.9), so that a wide trap
 * is narrowed to the packet's hosts and a wildcard one knows its peer.
 * The control side takes, for each slot, the newest note of the worker
 * whose bit it took: a note can only be overwritten by newer ones.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_malloc.h>

#include "esp.h"

static size_t esp_acquire_words(const struct nfv_ipsec *ips)
{
	return (ips->max_sa + 63) / 64;
}

int esp_acquire_init(struct nfv_ipsec *ips)
{
	for (unsigned int w = 0; w < ips->nb_workers; w++) {
		ips->wk[w].acq_bits = rte_zmalloc_socket("esp_acquire",
							 esp_acquire_words(ips) * sizeof(uint64_t),
							 RTE_CACHE_LINE_SIZE, ips->socket_id);
		ips->wk[w].acq_notes = rte_zmalloc_socket("esp_acquire_notes",
							  ESP_ACQ_NOTES * sizeof(struct esp_acq_note),
							  RTE_CACHE_LINE_SIZE, ips->socket_id);
		if (ips->wk[w].acq_bits == NULL || ips->wk[w].acq_notes == NULL)
			return -ENOMEM;
	}
	return 0;
}

void esp_acquire_fini(struct nfv_ipsec *ips)
{
	for (unsigned int w = 0; w < NFV_MAX_WORKERS; w++) {
		rte_free(ips->wk[w].acq_bits);
		rte_free(ips->wk[w].acq_notes);
		ips->wk[w].acq_bits = NULL;
		ips->wk[w].acq_notes = NULL;
	}
}

/* Worker: the selectors of the packet that sets sa_id's bit. */
static void esp_acquire_sel(struct esp_worker *wk, uint32_t sa_id, const struct esp_sel *sel)
{
	uint64_t n = wk->acq_next++;
	struct esp_acq_note *note = &wk->acq_notes[n % ESP_ACQ_NOTES];
	size_t alen = sel->family == AF_INET ? 4 : 16;

	__atomic_store_n(&note->gen, 2 * n + 1, __ATOMIC_RELAXED);
	rte_smp_wmb();
	note->sa_id = sa_id;
	note->family = sel->family;
	note->proto = sel->proto;
	note->ports = sel->ports;
	note->sport = sel->sport;
	note->dport = sel->dport;
	memset(note->src, 0, sizeof(note->src));
	memset(note->dst, 0, sizeof(note->dst));
	memcpy(note->src, sel->src, alen);
	memcpy(note->dst, sel->dst, alen);
	__atomic_store_n(&note->gen, 2 * n + 2, __ATOMIC_RELEASE);
}

/* Worker: sa_id is a PROTECT policy's slot without an SA; sel, the packet's. */
void esp_acquire_note(struct nfv_ipsec *ips, unsigned int worker, uint32_t sa_id,
		      const struct esp_sel *sel)
{
	struct esp_worker *wk = &ips->wk[worker];
	uint64_t bit = 1ull << (sa_id % 64);
	uint64_t *word;

	if (unlikely(sa_id >= ips->max_sa))
		return;
	word = &wk->acq_bits[sa_id / 64];
	if (__atomic_load_n(word, __ATOMIC_RELAXED) & bit)
		return;
	esp_acquire_sel(wk, sa_id, sel);
	/* after the note: whoever takes the bit finds it */
	__atomic_fetch_or(word, bit, __ATOMIC_RELEASE);
	__atomic_store_n(&wk->acq_pending, 1, __ATOMIC_RELEASE);
}

/*
 * Control side: the newest complete note of worker wk for sa_id into a;
 * false when there is none (overwritten by newer notes of other slots).
 */
static bool esp_acquire_find(const struct esp_worker *wk, uint32_t sa_id,
			     struct nfv_ipsec_acquire *a)
{
	uint64_t best = 0;

	for (unsigned int i = 0; i < ESP_ACQ_NOTES; i++) {
		const struct esp_acq_note *note = &wk->acq_notes[i];
		struct esp_acq_note copy;
		uint64_t g;

		g = __atomic_load_n(&note->gen, __ATOMIC_ACQUIRE);
		if (g == 0 || (g & 1) || g <= best)
			continue;
		memcpy(&copy, note, sizeof(copy));
		rte_smp_rmb();
		if (__atomic_load_n(&note->gen, __ATOMIC_RELAXED) != g || copy.sa_id != sa_id)
			continue;	/* rewritten meanwhile, or another slot's */
		best = g;
		a->family = copy.family;
		a->proto = copy.proto;
		a->ports = copy.ports;
		a->sport = copy.sport;
		a->dport = copy.dport;
		memcpy(a->src, copy.src, sizeof(a->src));
		memcpy(a->dst, copy.dst, sizeof(a->dst));
	}
	return best != 0;
}

static bool esp_acquire_listed(const struct nfv_ipsec_acquire *acq, unsigned int n,
			       uint32_t id)
{
	for (unsigned int k = 0; k < n; k++)
		if (acq[k].sa_id == id)
			return true;
	return false;
}

unsigned int nfv_ipsec_acquires(struct nfv_ipsec *ips, struct nfv_ipsec_acquire *acq,
				unsigned int max)
{
	size_t words = esp_acquire_words(ips), i;
	unsigned int n = 0, w;

	for (w = 0; w < ips->nb_workers; w++) {
		struct esp_worker *wk = &ips->wk[w];

		if (!__atomic_load_n(&wk->acq_pending, __ATOMIC_ACQUIRE))
			continue;
		/* cleared before the bits are taken: a bit set later is seen next time */
		__atomic_store_n(&wk->acq_pending, 0, __ATOMIC_SEQ_CST);
		for (i = 0; i < words; i++) {
			uint64_t b;

			if (__atomic_load_n(&wk->acq_bits[i], __ATOMIC_RELAXED) == 0)
				continue;
			b = __atomic_exchange_n(&wk->acq_bits[i], 0, __ATOMIC_ACQ_REL);
			for (; b != 0; b &= b - 1) {
				uint32_t id = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(b));

				/* no room, or the note is gone: the next packet notes it again */
				if (n >= max || esp_acquire_listed(acq, n, id))
					continue;
				acq[n].sa_id = id;
				if (esp_acquire_find(wk, id, &acq[n]))
					n++;
			}
		}
	}
	return n;
}
