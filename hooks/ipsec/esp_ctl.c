/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control side of the module: state, registration of the entries, SA
 * and policy add/del, counters and lifetimes. One thread calls these; the
 * workers see changes through release stores and RCU (QSBR) grace periods.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "esp.h"

void esp_ctl_synchronize(struct nfv_ipsec *ips)
{
	if (ips->qsbr != NULL)
		rte_rcu_qsbr_synchronize(ips->qsbr, RTE_QSBR_THRID_INVALID);
}

int nfv_ipsec_init(struct nfv_ipsec **out, const struct nfv_ipsec_conf *conf)
{
	struct nfv_ipsec *ips;
	char name[RTE_HASH_NAMESIZE];
	unsigned int w;

	if (conf->nb_workers == 0 || conf->nb_workers > NFV_MAX_WORKERS)
		return -EINVAL;
	ips = rte_zmalloc_socket("nfv_ipsec", sizeof(*ips), RTE_CACHE_LINE_SIZE,
				 conf->socket_id);
	if (ips == NULL)
		return -ENOMEM;
	ips->nb_workers = conf->nb_workers;
	ips->max_sa = conf->max_sa ? conf->max_sa : 1024;
	ips->qsbr = conf->qsbr;
	ips->move_grace_tsc = (uint64_t)(conf->move_grace_ms ? conf->move_grace_ms : 2000) *
		rte_get_tsc_hz() / 1000;
	ips->socket_id = conf->socket_id;
	ips->too_big = conf->too_big;
	ips->too_big_arg = conf->too_big_arg;
	ips->flow_learn = conf->flow_learn;
	ips->flow_learn_arg = conf->flow_learn_arg;
	ips->big_pool = conf->big_pool;
	ips->frag_pool = conf->frag_pool;
	ips->id_key = conf->id_key;
	for (w = 0; w < ips->nb_workers; w++)
		nfv_ipid_init(&ips->wk[w].ids, &conf->id_key, NFV_IPID_ESP, w,
			      conf->id_tick_cycles);
	ips->sas = rte_zmalloc_socket("esp_sas", ips->max_sa * sizeof(ips->sas[0]),
				      RTE_CACHE_LINE_SIZE, conf->socket_id);
	if (ips->sas == NULL)
		goto err_free;
	snprintf(name, sizeof(name), "esp_sad_%p", (void *)ips);
	ips->sad = esp_sad_create(name, ips->max_sa, conf->socket_id);
	if (ips->sad == NULL)
		goto err_free;
	/* one manager per worker: it holds the jobs in flight of that worker */
	for (w = 0; w < ips->nb_workers; w++) {
		ips->mgr[w] = esp_crypto_mgr_alloc();
		if (ips->mgr[w] == NULL)
			goto err_free;
	}
	ips->ctl_mgr = esp_crypto_mgr_alloc();
	if (ips->ctl_mgr == NULL)
		goto err_free;
	if (esp_acquire_init(ips) < 0)
		goto err_free;
	*out = ips;
	return 0;

err_free:
	nfv_ipsec_fini(ips);
	return -ENOMEM;
}

/* The module's descriptors by enum esp_entry, priv the module. */
static void esp_ops(struct nfv_ipsec *ips, struct nfv_hook_ops ops[ESP_NB_ENTRIES])
{
	ops[ESP_ENTRY_OUTPUT] = esp_output_ops;
	ops[ESP_ENTRY_INPUT] = esp_input_ops;
	ops[ESP_ENTRY_POLICY_FWD] = esp_policy_fwd_ops;
	ops[ESP_ENTRY_POLICY_IN] = esp_policy_in_ops;
	for (unsigned int i = 0; i < ESP_NB_ENTRIES; i++)
		ops[i].priv = ips;
}

/*
 * The cleartext check entries exist while an inbound policy does: without
 * one they would accept everything, and an empty hook costs nothing. They
 * come before the first inbound policy is published and go after the
 * last one is deleted.
 */
static int esp_policy_entries_add(struct nfv_ipsec *ips)
{
	struct nfv_hook_ops ops[ESP_NB_ENTRIES];

	if (ips->table == NULL || ips->regs[ESP_ENTRY_POLICY_FWD] != NULL)
		return 0;
	esp_ops(ips, ops);
	return nfv_hook_register(ips->table, &ops[ESP_ENTRY_POLICY_FWD],
				 ESP_NB_ENTRIES - ESP_ENTRY_POLICY_FWD,
				 &ips->regs[ESP_ENTRY_POLICY_FWD]);
}

static void esp_policy_entries_del(struct nfv_ipsec *ips)
{
	if (ips->table != NULL && !esp_spd_has_inbound(ips))
		nfv_hook_unregister(ips->table, &ips->regs[ESP_ENTRY_POLICY_FWD],
				    ESP_NB_ENTRIES - ESP_ENTRY_POLICY_FWD);
}

int nfv_ipsec_register(struct nfv_hook_table *t, struct nfv_ipsec *ips)
{
	struct nfv_hook_ops ops[ESP_NB_ENTRIES];
	unsigned int n = ESP_NB_ENTRIES;
	int rc;

	if (ips->qsbr == NULL)
		ips->qsbr = t->qsbr;
	esp_ops(ips, ops);
	if (!esp_spd_has_inbound(ips))
		n = ESP_ENTRY_POLICY_FWD;
	rc = nfv_hook_register(t, ops, n, ips->regs);
	if (rc < 0)
		return rc;
	ips->table = t;
	return 0;
}

void nfv_ipsec_unregister(struct nfv_hook_table *t, struct nfv_ipsec *ips)
{
	nfv_hook_unregister(t, ips->regs, ESP_NB_ENTRIES);
	ips->table = NULL;
}

/* 1. the entries are gone, so no worker can find an SA or policy any more;
 * 2. free them without waiting; 3. the managers last. */
void nfv_ipsec_fini(struct nfv_ipsec *ips)
{
	uint32_t i;

	if (ips == NULL)
		return;
	for (i = 0; ips->sas != NULL && i < ips->max_sa; i++)
		esp_sa_free(ips->sas[i]);
	rte_free(ips->sas);
	esp_sad_free(ips->sad);
	esp_spd_free_all(ips);
	for (i = 0; i < NFV_MAX_WORKERS; i++)
		esp_crypto_mgr_free(ips->mgr[i]);
	esp_crypto_mgr_free(ips->ctl_mgr);
	esp_acquire_fini(ips);
	rte_free(ips);
}

int nfv_ipsec_sa_add(struct nfv_ipsec *ips, const struct nfv_ipsec_sa_conf *conf)
{
	struct esp_sa *sa;
	int rc;

	if (conf->id >= ips->max_sa)
		return -EINVAL;
	if (ips->sas[conf->id] != NULL)
		return -EEXIST;
	rc = esp_sa_create(ips, conf, &sa);
	if (rc < 0)
		return rc;
	if (conf->dir == NFV_IPSEC_DIR_IN) {
		rc = esp_sad_add(ips->sad, sa);
		if (rc < 0) {
			esp_sa_free(sa);
			return rc;
		}
	}
	__atomic_store_n(&ips->sas[conf->id], sa, __ATOMIC_RELEASE);
	return 0;
}

int nfv_ipsec_sa_del(struct nfv_ipsec *ips, uint32_t id)
{
	struct esp_sa *sa;
	int32_t pos = -1, moved_pos = -1;

	if (id >= ips->max_sa || ips->sas[id] == NULL)
		return -ENOENT;
	sa = ips->sas[id];
	/* 1. unpublish from both tables: no new worker lookup finds it */
	__atomic_store_n(&ips->sas[id], NULL, __ATOMIC_RELEASE);
	if (!(sa->flags & ESP_SA_OUT))
		esp_sad_del(ips->sad, sa, &pos);
	/* and its previous destination's key, after a move (esp_natt.c) */
	if (sa->moved_tsc != 0)
		esp_sad_del_dst(ips->sad, sa, sa->moved_from, &moved_pos);
	/* 2. wait for the workers that found it before */
	esp_ctl_synchronize(ips);
	/* 3. now nobody holds it: give back the slots, wipe, free */
	if (pos >= 0)
		esp_sad_reclaim(ips->sad, pos);
	if (moved_pos >= 0)
		esp_sad_reclaim(ips->sad, moved_pos);
	esp_sa_free(sa);
	return 0;
}

int nfv_ipsec_sa_info(const struct nfv_ipsec *ips, uint32_t id, struct nfv_ipsec_sa_info *out)
{
	const struct esp_sa *sa;

	if (id >= ips->max_sa)
		return -ENOENT;
	/* a worker holds what it loads until its quiescent report */
	sa = __atomic_load_n(&ips->sas[id], __ATOMIC_ACQUIRE);
	if (sa == NULL)
		return -ENOENT;
	out->reqid = sa->reqid;
	out->spi = sa->spi;
	out->family = sa->family;
	out->tunnel = !!(sa->flags & ESP_SA_TUNNEL);
	memcpy(out->src, esp_sa_outer(sa)->src, sizeof(out->src));
	memcpy(out->dst, esp_sa_outer(sa)->dst, sizeof(out->dst));
	return 0;
}

static void esp_sa_sum(const struct esp_sa *sa, struct nfv_ipsec_sa_stats *s)
{
	unsigned int w;

	memset(s, 0, sizeof(*s));
	for (w = 0; w < NFV_MAX_WORKERS; w++) {
		const struct esp_sa_wstats *x = &sa->stats[w];

#define ESP_SA_SUM(field, key) s->field += x->field;
		NFV_IPSEC_SA_STATS(ESP_SA_SUM)
#undef ESP_SA_SUM
	}
}

uint64_t nfv_ipsec_sa_use(struct nfv_ipsec *ips, uint32_t id)
{
	uint64_t last = 0;

	if (id >= ips->max_sa || ips->sas[id] == NULL)
		return 0;
	for (unsigned int w = 0; w < NFV_MAX_WORKERS; w++)
		last = RTE_MAX(last, __atomic_load_n(&ips->sas[id]->stats[w].use_tsc,
						     __ATOMIC_RELAXED));
	return last;
}

int nfv_ipsec_sa_stats(struct nfv_ipsec *ips, uint32_t id,
		       struct nfv_ipsec_sa_stats *sum)
{
	if (id >= ips->max_sa || ips->sas[id] == NULL)
		return -ENOENT;
	esp_sa_sum(ips->sas[id], sum);
	return 0;
}

static bool esp_limit(const struct nfv_ipsec_lifetime *l, uint64_t deadline,
		      uint64_t now, const struct nfv_ipsec_sa_stats *s)
{
	return now >= deadline || (l->packets && s->packets >= l->packets) ||
		(l->bytes && s->bytes >= l->bytes);
}

int nfv_ipsec_sa_poll(struct nfv_ipsec *ips, uint32_t id, unsigned int *events)
{
	struct nfv_ipsec_sa_stats s;
	uint64_t now = rte_get_tsc_cycles();
	struct esp_sa *sa;
	unsigned int w;

	if (id >= ips->max_sa || ips->sas[id] == NULL)
		return -ENOENT;
	sa = ips->sas[id];
	/* a moved SA's previous destination, once its grace is over */
	if (sa->moved_tsc != 0 && now >= sa->moved_tsc)
		esp_natt_moved_retire(ips, sa);
	esp_sa_sum(sa, &s);
	*events = 0;
	for (w = 0; w < NFV_MAX_WORKERS; w++)
		if (sa->stats[w].soft)
			*events |= NFV_IPSEC_EV_SOFT;
	if (esp_limit(&sa->soft, sa->soft_tsc, now, &s))
		*events |= NFV_IPSEC_EV_SOFT;
	/*
	 * the workers check their own counters; the sum catches the rest. A
	 * packet a worker refused (expired) is the hard byte limit too: the
	 * counter stops below the limit when the next packet would cross it
	 */
	if (sa->dead || s.expired || esp_limit(&sa->hard, sa->hard_tsc, now, &s)) {
		sa->dead = 1;
		*events |= NFV_IPSEC_EV_HARD;
	}
	return 0;
}

/*
 * The policies are checked and their SPDs built first; then, for inbound
 * ones, the cleartext check entries are registered if they are not yet (a
 * policy that nothing enforced would let cleartext in; entries without an
 * inbound policy accept everything); then the SPDs are published. One
 * grace period for the SPDs, and one for the entries when they come.
 */
int nfv_ipsec_sp_add_bulk(struct nfv_ipsec *ips, const struct nfv_ipsec_sp_conf *confs,
			  unsigned int n)
{
	struct esp_spd_batch b;
	int rc;

	rc = esp_spd_batch_prepare(ips, confs, n, &b);
	if (rc < 0)
		return rc;
	if (b.inbound) {
		rc = esp_policy_entries_add(ips);
		if (rc < 0) {
			esp_spd_batch_abort(&b);
			return rc;
		}
	}
	esp_spd_batch_commit(ips, &b);
	return 0;
}

int nfv_ipsec_sp_add(struct nfv_ipsec *ips, const struct nfv_ipsec_sp_conf *conf)
{
	return nfv_ipsec_sp_add_bulk(ips, conf, 1);
}

int nfv_ipsec_sp_del(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir, uint32_t id)
{
	int rc = esp_spd_del(ips, dir, id);

	if (rc == 0 && dir == NFV_IPSEC_DIR_IN)
		esp_policy_entries_del(ips);
	return rc;
}

void nfv_ipsec_spd_sync(struct nfv_ipsec *ips)
{
	esp_spd_acl_sync(ips);
}

int nfv_ipsec_sp_stats(struct nfv_ipsec *ips, enum nfv_ipsec_dir dir, uint32_t id,
		       uint64_t *refused)
{
	return esp_spd_stats(ips, dir, id, refused);
}
