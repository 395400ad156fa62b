/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The connection table: a preallocated array of connections, a ring of
 * free indexes and a lock-free hash from both tuples to (index, direction).
 * Deleted entries are freed by the control side after a QSBR grace period,
 * because a worker may still hold one it has just looked up. Also the
 * registration of the entries that use the table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "ct_priv.h"

static uint32_t ct_hash_func(const void *key, uint32_t len __rte_unused,
			     uint32_t init __rte_unused)
{
	return ct_tuple_hash(key);
}

static int ct_cmp_func(const void *a, const void *b, size_t len __rte_unused)
{
	return ct_tuple_cmp(a, b);
}

struct nfv_ct_table *nfv_ct_table_create(const char *name, const struct nfv_ct_config *cfg)
{
	struct rte_hash_parameters hp = { 0 };
	struct nfv_ct_table *t;
	char n[RTE_HASH_NAMESIZE];

	if (cfg->max == 0 || cfg->hz == 0)
		return NULL;
	t = rte_zmalloc_socket("nfv_ct", sizeof(*t), RTE_CACHE_LINE_SIZE, cfg->socket);
	if (t == NULL)
		return NULL;
	t->max = cfg->max;
	t->hz = cfg->hz;
	t->refresh_slack = cfg->hz / 100;
	t->qsbr = cfg->qsbr;
	rte_spinlock_init(&t->lock);
	t->cts = rte_zmalloc_socket("nfv_ct", sizeof(*t->cts) * cfg->max,
				    RTE_CACHE_LINE_SIZE, cfg->socket);
	t->gc_scratch = rte_zmalloc("nfv_ct_gc", sizeof(uint32_t) * cfg->max, 0);
	t->cache = rte_zmalloc_socket("nfv_ct_cache", sizeof(*t->cache) * NFV_MAX_WORKERS,
				      RTE_CACHE_LINE_SIZE, cfg->socket);
	snprintf(n, sizeof(n), "%s_f", name);
	t->free = rte_ring_create_elem(n, sizeof(uint32_t), cfg->max, cfg->socket,
				       RING_F_EXACT_SZ);
	snprintf(n, sizeof(n), "%s_h", name);
	hp.name = n;
	/* both tuples of each connection and its source-NAT index key */
	hp.entries = cfg->max * 3 < 64 ? 64 : cfg->max * 3;
	hp.key_len = sizeof(struct nfv_ct_tuple);
	hp.hash_func = ct_hash_func;
	hp.socket_id = cfg->socket;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD;
	t->h = rte_hash_create(&hp);
	if (t->cts == NULL || t->gc_scratch == NULL || t->cache == NULL || t->free == NULL ||
	    t->h == NULL)
		goto err;
	rte_hash_set_cmp_func(t->h, ct_cmp_func);
	for (uint32_t i = 0; i < cfg->max; i++) {
		t->cts[i].idx = i;
		rte_spinlock_init(&t->cts[i].lock);
		if (rte_ring_enqueue_elem(t->free, &i, sizeof(i)))
			goto err;
	}
	return t;
err:
	nfv_ct_table_destroy(t);
	return NULL;
}

void nfv_ct_table_destroy(struct nfv_ct_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	rte_ring_free(t->free);
	rte_free(t->gc_scratch);
	rte_free(t->cache);
	rte_free(t->cts);
	rte_free(t->labels);
	rte_free(t->acct);
	rte_free(t);
}

/* The extension's bit: its index in ext_users */
static int ct_ext_slot(unsigned int ext)
{
	return ext == NFV_CT_EXT_LABELS ? 0 : ext == NFV_CT_EXT_ACCT ? 1 : -1;
}

int nfv_ct_ext_get(struct nfv_ct_table *t, unsigned int ext)
{
	int slot = ct_ext_slot(ext);

	if (slot < 0)
		return -EINVAL;
	if (ext == NFV_CT_EXT_LABELS && t->labels == NULL)
		t->labels = rte_zmalloc("nfv_ct_labels", sizeof(*t->labels) * t->max,
					RTE_CACHE_LINE_SIZE);
	if (ext == NFV_CT_EXT_ACCT && t->acct == NULL)
		t->acct = rte_zmalloc("nfv_ct_acct", sizeof(*t->acct) * t->max,
				      RTE_CACHE_LINE_SIZE);
	if ((ext == NFV_CT_EXT_LABELS && t->labels == NULL) ||
	    (ext == NFV_CT_EXT_ACCT && t->acct == NULL))
		return -ENOMEM;
	/* release: a worker that sees the bit sees the array */
	if (t->ext_users[slot]++ == 0)
		__atomic_or_fetch(&t->ext_on, ext, __ATOMIC_RELEASE);
	return 0;
}

void nfv_ct_ext_put(struct nfv_ct_table *t, unsigned int ext)
{
	int slot = ct_ext_slot(ext);

	if (slot < 0 || t->ext_users[slot] == 0)
		return;
	/* the array stays: connections made until now keep theirs */
	if (--t->ext_users[slot] == 0)
		__atomic_and_fetch(&t->ext_on, ~ext, __ATOMIC_RELAXED);
}

uint32_t *nfv_ct_labels(const struct nfv_ct_table *t, const struct nfv_ct *ct)
{
	return ct->ext & NFV_CT_EXT_LABELS ? t->labels[ct->idx] : NULL;
}

struct nfv_ct_acct *nfv_ct_acct(const struct nfv_ct_table *t, const struct nfv_ct *ct)
{
	return ct->ext & NFV_CT_EXT_ACCT ? &t->acct[ct->idx] : NULL;
}

/*
 * The four entries in one batch, priv the table. Registered before the
 * other modules, confirm runs before the entries that they add at INT_MAX
 * too (esp-output steals the packet): docs/filter.md.
 */
int nfv_ct_register(struct nfv_ct_table *t, struct nfv_hook_table *ht)
{
	struct nfv_hook_ops ops[] = {
		ct_in_ops[0], ct_in_ops[1], ct_confirm_ops[0], ct_confirm_ops[1],
	};

	_Static_assert(RTE_DIM(ops) == RTE_DIM(t->regs), "one handle per entry");
	for (unsigned int i = 0; i < RTE_DIM(ops); i++)
		ops[i].priv = t;
	return nfv_hook_register(ht, ops, RTE_DIM(ops), t->regs);
}

void nfv_ct_unregister(struct nfv_ct_table *t, struct nfv_hook_table *ht)
{
	nfv_hook_unregister(ht, t->regs, RTE_DIM(t->regs));
}

struct nfv_ct *ct_lookup(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
			 uint8_t *dir, uint64_t now)
{
	void *data;

	if (rte_hash_lookup_data(t->h, k, &data) < 0)
		return NULL;
	return ct_resolve(t, data, dir, now);
}

struct nfv_ct *ct_lookup_zones(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
			       uint16_t reply_zone, uint8_t *dir, uint64_t now)
{
	struct nfv_ct_tuple r;
	struct nfv_ct *ct;

	ct = ct_lookup(t, k, dir, now);
	if (reply_zone == k->zone || (ct != NULL && *dir == IP_CT_DIR_ORIGINAL))
		return ct;
	/* the kernel's second lookup, under the reply direction's zone id */
	r = *k;
	r.zone = reply_zone;
	ct = ct_lookup(t, &r, dir, now);
	return ct != NULL && *dir == IP_CT_DIR_REPLY ? ct : NULL;
}

static void ct_init(struct nfv_ct_table *t, struct nfv_ct *ct,
		    const struct nfv_ct_tuple *orig, uint16_t reply_zone, uint64_t now)
{
	ct->tuple[0] = *orig;
	ct_tuple_invert(orig, &ct->tuple[1]);
	ct->tuple[1].zone = reply_zone;
	ct->status = 0;
	ct->mark = 0;
	ct->timeout = CT_UNCONFIRMED_TIMEOUT_S;
	ct->expires = now + CT_UNCONFIRMED_TIMEOUT_S * t->hz;
	ct->tcp_state = NFV_TCP_NONE;
	ct->masq_port = UINT16_MAX;
	memset(ct->tcp, 0, sizeof(ct->tcp));
	/* the extensions that rulesets hold now, zeroed (a freed index's
	 * labels and counters are the last connection's) */
	ct->ext = __atomic_load_n(&t->ext_on, __ATOMIC_ACQUIRE);
	if (ct->ext & NFV_CT_EXT_LABELS)
		memset(t->labels[ct->idx], 0, sizeof(t->labels[0]));
	if (ct->ext & NFV_CT_EXT_ACCT)
		memset(&t->acct[ct->idx], 0, sizeof(t->acct[0]));
	ct->pos[0] = ct->pos[1] = -1;
	ct->stale_pos[0] = ct->stale_pos[1] = ct->stale_pos[2] = -1;
	/* last, with release: a worker whose flow cache still names this
	 * index (flow_cache.h) reads dying first, and seeing it clear sees
	 * the new status too, not the last connection's IPS_OFFLOAD */
	__atomic_store_n(&ct->dying, 0, __ATOMIC_RELEASE);
	ct->live = 1;
}

int ct_create(struct nfv_ct_table *t, const struct nfv_ct_tuple *orig, uint16_t reply_zone,
	      uint64_t now, struct nfv_ct **out, bool *existed)
{
	struct nfv_ct *ct;
	uint32_t idx;
	void *data;
	int ret;

	*existed = false;
	if (rte_ring_dequeue_elem(t->free, &idx, sizeof(idx)))
		return -ENOSPC;
	ct = &t->cts[idx];
	ct_init(t, ct, orig, reply_zone, now);
	rte_spinlock_lock(&t->lock);
	/* another worker may have created it since our lookup */
	if (rte_hash_lookup_data(t->h, orig, &data) >= 0) {
		*out = &t->cts[(uintptr_t)data >> 1];
		rte_spinlock_unlock(&t->lock);
		ct->live = 0;
		rte_ring_enqueue_elem(t->free, &idx, sizeof(idx));
		*existed = true;
		return 0;
	}
	/*
	 * Its reply is another connection's key (a NATed one's reply, say):
	 * adding it would overwrite that key's data. The kernel drops such a
	 * clash at confirm (unless NAT moves it, which we cannot: the key is
	 * added here, before NAT); so do we, at once.
	 */
	if (rte_hash_lookup(t->h, &ct->tuple[1]) >= 0) {
		rte_spinlock_unlock(&t->lock);
		ct->live = 0;
		rte_ring_enqueue_elem(t->free, &idx, sizeof(idx));
		return -EEXIST;
	}
	ret = rte_hash_add_key_data(t->h, &ct->tuple[0], (void *)(uintptr_t)(idx << 1));
	if (ret == 0) {
		ret = rte_hash_add_key_data(t->h, &ct->tuple[1],
					    (void *)(uintptr_t)(idx << 1 | 1));
		if (ret)
			ct->pos[0] = rte_hash_del_key(t->h, &ct->tuple[0]);
	}
	rte_spinlock_unlock(&t->lock);
	if (ret) {
		/* the keys' positions are freed by the GC after a grace period */
		__atomic_store_n(&ct->dying, 1, __ATOMIC_RELEASE);
		return -ENOSPC;
	}
	__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	*out = ct;
	return 0;
}

bool ct_tuple_taken(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
		    const struct nfv_ct *ignored)
{
	void *data;

	if (rte_hash_lookup_data(t->h, k, &data) < 0)
		return false;
	return &t->cts[(uintptr_t)data >> 1] != ignored;
}

/*
 * nf_conntrack_alter_reply() with the clash check of confirm folded in:
 * under the table lock, the new reply becomes a key unless another
 * connection holds it (-EEXIST), and the old reply key goes; its position
 * waits in stale_pos[slot] for a grace period (nfv_ct_gc()).
 */
int ct_alter_reply(struct nfv_ct_table *t, struct nfv_ct *ct,
		   const struct nfv_ct_tuple *reply, unsigned int slot)
{
	void *data;
	int32_t pos;
	int ret;

	if (ct_tuple_cmp(reply, &ct->tuple[1]) == 0)
		return 0;
	rte_spinlock_lock(&t->lock);
	if (__atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE)) {
		rte_spinlock_unlock(&t->lock);
		return -ENOENT;
	}
	if (rte_hash_lookup_data(t->h, reply, &data) >= 0) {
		rte_spinlock_unlock(&t->lock);
		return &t->cts[(uintptr_t)data >> 1] == ct ? 0 : -EEXIST;
	}
	ret = rte_hash_add_key_data(t->h, reply, (void *)(uintptr_t)(ct->idx << 1 | 1));
	if (ret) {
		rte_spinlock_unlock(&t->lock);
		return -ENOSPC;
	}
	pos = rte_hash_del_key(t->h, &ct->tuple[1]);
	ct->tuple[1] = *reply;
	if (pos >= 0) {
		if (ct->stale_pos[slot] >= 0)	/* not reached: once per manip type */
			rte_hash_free_key_with_position(t->h, ct->stale_pos[slot]);
		__atomic_store_n(&ct->stale_pos[slot], pos, __ATOMIC_RELEASE);
	}
	rte_spinlock_unlock(&t->lock);
	return 0;
}

/*
 * The source-NAT index (the kernel's nf_nat_bysource): a key made of a
 * connection's original source (address, port, protocol) and zone
 * (find_appropriate_src() compares it) under a family no packet has, whose data is the connection that source NAT last bound
 * from it: find_appropriate_src() gives a new connection from the same
 * source the same mapping. One connection per source, not the kernel's
 * list of all: enough to reuse the mapping.
 */
#define CT_BYSRC_FAMILY 0x80

static void bysrc_key(const struct nfv_ct_tuple *orig, struct nfv_ct_tuple *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, orig->src, sizeof(k->src));
	k->sport = orig->sport;
	k->proto = orig->proto;
	k->zone = orig->zone;
	k->family = orig->family | CT_BYSRC_FAMILY;
}

/* ct is a live source-NATed connection from orig's source */
static bool bysrc_match(struct nfv_ct *ct, const struct nfv_ct_tuple *orig)
{
	const struct nfv_ct_tuple *o = &ct->tuple[IP_CT_DIR_ORIGINAL];

	return __atomic_load_n(&ct->live, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE) &&
	       (__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & IPS_SRC_NAT_DONE) &&
	       memcmp(o->src, orig->src, sizeof(o->src)) == 0 && o->sport == orig->sport &&
	       o->proto == orig->proto && o->family == orig->family && o->zone == orig->zone;
}

struct nfv_ct *ct_bysrc_find(struct nfv_ct_table *t, const struct nfv_ct_tuple *orig)
{
	struct nfv_ct_tuple k;
	struct nfv_ct *ct;
	void *data;

	bysrc_key(orig, &k);
	if (rte_hash_lookup_data(t->h, &k, &data) < 0)
		return NULL;
	ct = &t->cts[(uintptr_t)data >> 1];
	return bysrc_match(ct, orig) ? ct : NULL;
}

void ct_bysrc_add(struct nfv_ct_table *t, struct nfv_ct *ct)
{
	struct nfv_ct_tuple k;
	void *data;

	bysrc_key(&ct->tuple[IP_CT_DIR_ORIGINAL], &k);
	rte_spinlock_lock(&t->lock);
	/* an older live connection keeps the entry; a dead one's is taken
	 * over (its ct_kill() deletes only a key that names it) */
	if (!__atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE) &&
	    (rte_hash_lookup_data(t->h, &k, &data) < 0 ||
	     !bysrc_match(&t->cts[(uintptr_t)data >> 1], &ct->tuple[IP_CT_DIR_ORIGINAL])))
		rte_hash_add_key_data(t->h, &k, (void *)(uintptr_t)(ct->idx << 1));
	rte_spinlock_unlock(&t->lock);
}

void ct_kill(struct nfv_ct_table *t, struct nfv_ct *ct)
{
	struct nfv_ct_tuple k;
	uint8_t zero = 0;
	void *data;

	if (!__atomic_compare_exchange_n(&ct->dying, &zero, 1, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return;
	rte_spinlock_lock(&t->lock);
	ct->pos[0] = rte_hash_del_key(t->h, &ct->tuple[0]);
	ct->pos[1] = rte_hash_del_key(t->h, &ct->tuple[1]);
	/* its source-NAT index key, when it names this connection */
	if (__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & IPS_SRC_NAT_DONE) {
		bysrc_key(&ct->tuple[IP_CT_DIR_ORIGINAL], &k);
		if (rte_hash_lookup_data(t->h, &k, &data) >= 0 &&
		    (uintptr_t)data >> 1 == ct->idx)
			ct->stale_pos[2] = rte_hash_del_key(t->h, &k);
	}
	rte_spinlock_unlock(&t->lock);
	__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
}

/*
 * The reply keys NAT replaced (slots in mask): no worker holds them after
 * a grace period. A slot is written once in a connection's life, so one
 * seen before the grace period is the one freed after it.
 */
static void free_stale_keys(struct nfv_ct_table *t, struct nfv_ct *ct, unsigned int mask)
{
	rte_spinlock_lock(&t->lock);
	for (int s = 0; s < 3; s++) {
		if (!(mask & 1u << s) || ct->stale_pos[s] < 0)
			continue;
		rte_hash_free_key_with_position(t->h, ct->stale_pos[s]);
		ct->stale_pos[s] = -1;
	}
	rte_spinlock_unlock(&t->lock);
}

static unsigned int stale_keys(struct nfv_ct *ct)
{
	return (__atomic_load_n(&ct->stale_pos[0], __ATOMIC_ACQUIRE) >= 0 ? 1 : 0) |
	       (__atomic_load_n(&ct->stale_pos[1], __ATOMIC_ACQUIRE) >= 0 ? 2 : 0);
}

unsigned int nfv_ct_gc(struct nfv_ct_table *t, uint64_t now)
{
	unsigned int n = 0, killed = 0, stale = 0, mask;
	struct nfv_ct *ct;

	for (uint32_t i = 0; i < t->max; i++) {
		ct = &t->cts[i];
		if (!__atomic_load_n(&ct->live, __ATOMIC_ACQUIRE))
			continue;
		if (!__atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE) &&
		    now >= __atomic_load_n(&ct->expires, __ATOMIC_RELAXED)) {
			ct_kill(t, ct);
			killed++;
		}
		if (__atomic_load_n(&ct->dying, __ATOMIC_ACQUIRE))
			t->gc_scratch[n++] = i;
		else if ((mask = stale_keys(ct)) != 0)	/* at the end of gc_scratch */
			t->gc_scratch[t->max - ++stale] = i << 2 | mask;
	}
	if (n == 0 && stale == 0)
		return killed;
	/* no worker can still hold one of them after this */
	if (t->qsbr != NULL)
		rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
	/* live ones: only the slots seen before the grace period; a dying
	 * one gets no new slot (ct_alter_reply() checks, under the lock) */
	for (unsigned int k = 0; k < stale; k++) {
		uint32_t v = t->gc_scratch[t->max - 1 - k];

		free_stale_keys(t, &t->cts[v >> 2], v & 3);
	}
	for (unsigned int k = 0; k < n; k++) {
		ct = &t->cts[t->gc_scratch[k]];
		free_stale_keys(t, ct, 7);
		rte_spinlock_lock(&t->lock);
		for (int d = 0; d < 2; d++)
			if (ct->pos[d] >= 0)
				rte_hash_free_key_with_position(t->h, ct->pos[d]);
		rte_spinlock_unlock(&t->lock);
		ct->live = 0;
		rte_ring_enqueue_elem(t->free, &ct->idx, sizeof(ct->idx));
	}
	return killed;
}

uint32_t nfv_ct_count(const struct nfv_ct_table *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}

void nfv_ct_stats_sum(const struct nfv_ct_table *t, struct nfv_ct_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int w = 0; w < NFV_MAX_WORKERS; w++) {
		sum->new_conns += t->stats[w].new_conns;
		sum->invalid += t->stats[w].invalid;
		sum->related += t->stats[w].related;
		sum->table_full += t->stats[w].table_full;
		sum->untracked += t->stats[w].untracked;
	}
}

void nfv_ct_foreach(struct nfv_ct_table *t,
		    void (*fn)(const struct nfv_ct *ct, void *arg), void *arg)
{
	/* confirmed ones only, as conntrack -L dumps the kernel's hash: a
	 * packet dropped before the confirm (no route, a rule) leaves an
	 * unconfirmed entry that expires and that no one lists */
	for (uint32_t i = 0; i < t->max; i++)
		if (t->cts[i].live && !t->cts[i].dying &&
		    (__atomic_load_n(&t->cts[i].status, __ATOMIC_RELAXED) & IPS_CONFIRMED))
			fn(&t->cts[i], arg);
}
