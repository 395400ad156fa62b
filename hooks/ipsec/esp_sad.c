/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inbound SAD: (SPI, family, destination) -> SA, an rte_hash in its
 * lock-free reader mode. The control side is the only writer; a deleted
 * key's slot is given back only after the grace period (see esp_ctl.c),
 * so a worker that found the SA a moment before can still use it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "esp.h"

struct esp_sad_key {
	uint32_t spi;
	uint8_t family;
	uint8_t pad[3];
	uint8_t dst[16];
};

struct esp_sad {
	struct rte_hash *h;
};

static void esp_sad_key(struct esp_sad_key *k, uint32_t spi, uint8_t family,
			const uint8_t *dst)
{
	memset(k, 0, sizeof(*k));
	k->spi = spi;
	k->family = family;
	memcpy(k->dst, dst, family == AF_INET ? 4 : 16);
}

struct esp_sad *esp_sad_create(const char *name, uint32_t max, int socket)
{
	struct rte_hash_parameters p = {
		.name = name,
		/*
		 * Twice the SAs: a cuckoo table filled to the last bucket
		 * slot refuses keys (-ENOSPC) when the only free slot is not
		 * reachable from the new key's two buckets, as a rekey of a
		 * full table found; at half load every key has room.
		 */
		.entries = max < 8 ? 16 : 2 * max,
		.key_len = sizeof(struct esp_sad_key),
		/* 24-byte keys: the CPU's CRC32 is several times cheaper than jhash */
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct esp_sad *sad = rte_zmalloc("esp_sad", sizeof(*sad), 0);

	if (sad == NULL)
		return NULL;
	sad->h = rte_hash_create(&p);
	if (sad->h == NULL) {
		rte_free(sad);
		return NULL;
	}
	return sad;
}

void esp_sad_free(struct esp_sad *sad)
{
	if (sad == NULL)
		return;
	rte_hash_free(sad->h);
	rte_free(sad);
}

int esp_sad_add_dst(struct esp_sad *sad, struct esp_sa *sa, const uint8_t *dst)
{
	struct esp_sad_key k;

	esp_sad_key(&k, sa->spi, sa->family, dst);
	if (rte_hash_lookup(sad->h, &k) >= 0)
		return -EEXIST;
	return rte_hash_add_key_data(sad->h, &k, sa);
}

int esp_sad_add(struct esp_sad *sad, struct esp_sa *sa)
{
	return esp_sad_add_dst(sad, sa, esp_sa_outer(sa)->dst);
}

/* Unpublishes; *pos is to be given to esp_sad_reclaim() after the grace period. */
int esp_sad_del_dst(struct esp_sad *sad, struct esp_sa *sa, const uint8_t *dst,
		    int32_t *pos)
{
	struct esp_sad_key k;
	int32_t rc;

	esp_sad_key(&k, sa->spi, sa->family, dst);
	rc = rte_hash_del_key(sad->h, &k);
	if (rc < 0)
		return rc;
	*pos = rc;
	return 0;
}

int esp_sad_del(struct esp_sad *sad, struct esp_sa *sa, int32_t *pos)
{
	return esp_sad_del_dst(sad, sa, esp_sa_outer(sa)->dst, pos);
}

void esp_sad_reclaim(struct esp_sad *sad, int32_t pos)
{
	rte_hash_free_key_with_position(sad->h, pos);
}

struct esp_sa *esp_sad_lookup(const struct esp_sad *sad, uint32_t spi,
			      uint8_t family, const uint8_t *dst)
{
	struct esp_sad_key k;
	void *data;

	esp_sad_key(&k, spi, family, dst);
	if (rte_hash_lookup_data(sad->h, &k, &data) < 0)
		return NULL;
	return data;
}

void esp_sad_lookup_bulk(const struct esp_sad *sad, const struct esp_in_hdr *h,
			 const uint16_t *idx, unsigned int n, struct esp_sa **sas)
{
	struct esp_sad_key k[NFV_BURST];
	const void *kp[NFV_BURST];
	void *data[NFV_BURST];
	uint64_t hits = 0;

	RTE_BUILD_BUG_ON(NFV_BURST > RTE_HASH_LOOKUP_BULK_MAX);
	for (unsigned int i = 0; i < n; i++) {
		const struct esp_in_hdr *x = &h[idx[i]];

		esp_sad_key(&k[i], x->spi, x->family, x->dst);
		kp[i] = &k[i];
	}
	/* the hash prefetches its buckets and keys for the whole burst */
	if (n > 0)
		rte_hash_lookup_bulk_data(sad->h, kp, n, &hits, data);
	for (unsigned int i = 0; i < n; i++)
		sas[i] = hits >> i & 1 ? data[i] : NULL;
}
