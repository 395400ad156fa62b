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
 */
#include <errno.h>
#include <stdbool.h>

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
		if (ips->wk[w].acq_bits == NULL)
			return -ENOMEM;
	}
	return 0;
}

void esp_acquire_fini(struct nfv_ipsec *ips)
{
	for (unsigned int w = 0; w < NFV_MAX_WORKERS; w++) {
		rte_free(ips->wk[w].acq_bits);
		ips->wk[w].acq_bits = NULL;
	}
}

/* Worker: sa_id is a PROTECT policy's slot without an SA. */
void esp_acquire_note(struct nfv_ipsec *ips, unsigned int worker, uint32_t sa_id)
{
	struct esp_worker *wk = &ips->wk[worker];
	uint64_t bit = 1ull << (sa_id % 64);
	uint64_t *word;

	if (unlikely(sa_id >= ips->max_sa))
		return;
	word = &wk->acq_bits[sa_id / 64];
	if (__atomic_load_n(word, __ATOMIC_RELAXED) & bit)
		return;
	__atomic_fetch_or(word, bit, __ATOMIC_RELAXED);
	__atomic_store_n(&wk->acq_pending, 1, __ATOMIC_RELEASE);
}

static bool esp_acquire_listed(const uint32_t *ids, unsigned int n, uint32_t id)
{
	for (unsigned int k = 0; k < n; k++)
		if (ids[k] == id)
			return true;
	return false;
}

unsigned int nfv_ipsec_acquires(struct nfv_ipsec *ips, uint32_t *ids, unsigned int max)
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

				/* no room: the next packet notes it again */
				if (n < max && !esp_acquire_listed(ids, n, id))
					ids[n++] = id;
			}
		}
	}
	return n;
}
