/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sets that packets change (nft's "flags dynamic": add @s, update @s,
 * delete @s, meters), as the kernel's hash set under nft_dynset: exact
 * keys in a lock-free rte_hash (lookups from every worker, no lock), each
 * to an element of a preallocated array that holds its expiry and the
 * state of its expressions (a limit, a counter). Inserting and deleting
 * take the set's spinlock, a rare path as the kernel's is; a deleted key's
 * slot and element come back after a QSBR grace period (rte_hash's
 * defer queue), because a worker may still read an element it just found.
 * Expired elements are absent at once (nft_set_elem_expired()) and deleted
 * by fdyn_gc() on the control side.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_elem.h>

#include "filter_prog.h"

static void elem_free_cb(void *arg, void *data)
{
	struct fdyn *d = arg;
	uint32_t idx = (uint32_t)(uintptr_t)data;

	rte_ring_enqueue_elem(d->free, &idx, sizeof(idx));
}

static bool elem_expired(const struct fdyn_elem *e, uint64_t now)
{
	uint64_t exp = __atomic_load_n(&e->expires, __ATOMIC_RELAXED);

	return exp != 0 && now >= exp;
}

static int insert(struct fdyn *d, const void *key, uint64_t expires, uint64_t timeout,
		  struct fdyn_elem **out)
{
	struct fdyn_elem *e;
	uint32_t idx;
	int ret;

	if (rte_ring_dequeue_elem(d->free, &idx, sizeof(idx)) != 0)
		return -ENOSPC;
	e = &d->elems[idx];
	e->timeout = timeout;
	e->tat = 0;
	e->packets = e->bytes = 0;
	if (d->conns != NULL)
		nfv_ct_count_list_init(fdyn_conns(d, e), d->conn_cap);
	__atomic_store_n(&e->expires, expires, __ATOMIC_RELAXED);
	/* the element is whole before its key can be found */
	ret = rte_hash_add_key_data(d->h, key, (void *)(uintptr_t)idx);
	if (ret < 0) {
		rte_ring_enqueue_elem(d->free, &idx, sizeof(idx));
		return ret;
	}
	*out = e;
	return 0;
}

int fdyn_create(struct fset *s, const struct fdyn_config *cfg)
{
	static unsigned int serial;
	struct rte_hash_rcu_config rcu = { 0 };
	struct rte_hash_parameters hp = { 0 };
	char name[RTE_HASH_NAMESIZE];
	struct fdyn *d;
	uint32_t max = cfg->max;

	if (max == 0 || s->key_len == 0 || s->key_len > FDYN_KEY_MAX)
		return -EINVAL;
	d = rte_zmalloc("nfv_fdyn", sizeof(*d), RTE_CACHE_LINE_SIZE);
	if (d == NULL)
		return -ENOMEM;
	s->dyn = d;
	d->max = max;
	d->key_len = s->key_len;
	d->timeout = cfg->timeout;
	rte_spinlock_init(&d->lock);
	d->elems = rte_zmalloc("nfv_fdyn_e", sizeof(*d->elems) * max, RTE_CACHE_LINE_SIZE);
	d->hz = cfg->hz;
	if (cfg->conn_cap != 0) {
		d->conn_cap = cfg->conn_cap;
		d->conn_size = RTE_ALIGN_CEIL(nfv_ct_count_list_size(cfg->conn_cap),
					      RTE_CACHE_LINE_SIZE);
		d->conns = rte_zmalloc("nfv_fdyn_c", d->conn_size * max, RTE_CACHE_LINE_SIZE);
		if (d->conns == NULL)
			return -ENOMEM;
	}
	snprintf(name, sizeof(name), "nfv_dyn%u_f", serial);
	/* room for the elements the defer queue still holds */
	d->free = rte_ring_create_elem(name, sizeof(uint32_t), max, SOCKET_ID_ANY,
				       RING_F_EXACT_SZ);
	snprintf(name, sizeof(name), "nfv_dyn%u_h", serial++);
	hp.name = name;
	/* a little more room than elements: a full bucket set refuses early */
	hp.entries = max < 64 ? 64 : max + max / 8;
	hp.key_len = s->key_len;
	hp.hash_func = rte_jhash;
	hp.socket_id = SOCKET_ID_ANY;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD;
	d->h = rte_hash_create(&hp);
	if (d->elems == NULL || d->free == NULL || d->h == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < max; i++)
		if (rte_ring_enqueue_elem(d->free, &i, sizeof(i)) != 0)
			return -ENOMEM;
	if (cfg->qsbr != NULL) {
		rcu.v = cfg->qsbr;
		rcu.mode = RTE_HASH_QSBR_MODE_DQ;
		rcu.key_data_ptr = d;
		rcu.free_key_data_func = elem_free_cb;
		if (rte_hash_rcu_qsbr_add(d->h, &rcu) != 0)
			return -rte_errno;
		d->deferred = true;
	}
	/* the elements the ruleset gives the set */
	for (uint32_t i = 0; i < s->nb; i++) {
		struct fdyn_elem *e;
		uint64_t exp = s->expires != NULL ? s->expires[i] : 0;
		int ret;

		if (exp != 0 && cfg->now >= exp)
			continue;
		ret = insert(d, s->lo + (size_t)i * s->key_len, exp,
			     exp != 0 ? d->timeout : 0, &e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void fdyn_free(struct fset *s)
{
	struct fdyn *d = s->dyn;

	if (d == NULL)
		return;
	rte_hash_free(d->h);
	rte_ring_free(d->free);
	rte_free(d->elems);
	rte_free(d->conns);
	rte_free(d);
	s->dyn = NULL;
}

struct fdyn_elem *fdyn_lookup(const struct fdyn *d, const void *key, uint64_t now)
{
	void *data;
	struct fdyn_elem *e;

	if (rte_hash_lookup_data(d->h, key, &data) < 0)
		return NULL;
	e = &d->elems[(uintptr_t)data];
	return elem_expired(e, now) ? NULL : e;
}

struct fdyn_elem *fdyn_get(struct fdyn *d, const void *key, uint64_t now, uint64_t timeout,
			   bool *created)
{
	struct fdyn_elem *e;
	void *data;
	int ret = 0;

	*created = false;
	e = fdyn_lookup(d, key, now);
	if (likely(e != NULL))
		return e;
	/* nft_dynset_new(): the expression's timeout, else the set's */
	timeout = timeout ? timeout : d->timeout;
	rte_spinlock_lock(&d->lock);
	/* another worker may have added it since, or it is there expired */
	if (rte_hash_lookup_data(d->h, key, &data) >= 0) {
		e = &d->elems[(uintptr_t)data];
		if (elem_expired(e, now)) {
			/* expired is absent: it comes back as a new element */
			e->timeout = timeout;
			__atomic_store_n(&e->tat, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&e->packets, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&e->bytes, 0, __ATOMIC_RELAXED);
			if (d->conns != NULL)
				nfv_ct_count_list_init(fdyn_conns(d, e), d->conn_cap);
			__atomic_store_n(&e->expires, timeout ? now + timeout : 0,
					 __ATOMIC_RELAXED);
			*created = true;
		}
	} else {
		ret = insert(d, key, timeout ? now + timeout : 0, timeout, &e);
		*created = ret == 0;
	}
	rte_spinlock_unlock(&d->lock);
	if (ret < 0) {
		__atomic_add_fetch(&d->full, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	return e;
}

/*
 * An element the GC takes: expired, or one whose "ct count" has no
 * connection left (the kernel's nft_connlimit_gc(): a meter of sources
 * forgets those with none). A list with some left stays as it is: packets
 * walk it (the kernel's set GC, once a second, would also clear it).
 */
static bool elem_gone(const struct fdyn *d, const struct fdyn_elem *e, uint64_t now)
{
	return elem_expired(e, now) ||
	       (d->conns != NULL && nfv_ct_count_live(fdyn_conns(d, e), now, d->hz) == 0);
}

/* Deletes key, under the lock; only when gone at now, unless now is 0. */
static bool delete_locked(struct fdyn *d, const void *key, uint64_t now)
{
	void *data;
	int32_t pos;

	if (rte_hash_lookup_data(d->h, key, &data) < 0)
		return false;
	if (now != 0 && !elem_gone(d, &d->elems[(uintptr_t)data], now))
		return false;	/* renewed since the GC saw it */
	pos = rte_hash_del_key(d->h, key);
	/* without a defer queue nothing reads concurrently (tests) */
	if (pos >= 0 && !d->deferred) {
		rte_hash_free_key_with_position(d->h, pos);
		elem_free_cb(d, data);
	}
	return pos >= 0;
}

void fdyn_delete(struct fdyn *d, const void *key)
{
	rte_spinlock_lock(&d->lock);
	delete_locked(d, key, 0);
	rte_spinlock_unlock(&d->lock);
}

unsigned int fdyn_gc(struct fdyn *d, uint64_t now)
{
	uint8_t key[FDYN_KEY_MAX];
	uint32_t iter = 0, n = 0, len = d->key_len;
	const void *k;
	void *data;

	/*
	 * Workers add while this walks: a slot may change under it, so the
	 * key is copied and checked again under the lock before it goes.
	 * What a pass misses, the next one takes.
	 */
	while (rte_hash_iterate(d->h, &k, &data, &iter) >= 0) {
		if ((uintptr_t)data >= d->max ||
		    !elem_gone(d, &d->elems[(uintptr_t)data], now))
			continue;
		memcpy(key, k, len);
		rte_spinlock_lock(&d->lock);
		n += delete_locked(d, key, now);
		rte_spinlock_unlock(&d->lock);
	}
	return n;
}

uint32_t fdyn_count(const struct fdyn *d)
{
	return (uint32_t)rte_hash_count(d->h);
}
