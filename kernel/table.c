// SPDX-License-Identifier: GPL-2.0
/*
 * Copy-on-write selector tables. A writer builds a complete new table,
 * publishes it with one pointer store, waits for a grace period and frees
 * the old one; the hook only ever sees a whole table. Counters follow a
 * selector from one table to the next when its id and fields are unchanged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "stub.h"

struct nfvpn_table *nfvpn_table_alloc(unsigned int n)
{
	struct nfvpn_table *t;
	unsigned int i;

	t = kvzalloc(struct_size(t, sels, n), GFP_KERNEL);
	if (!t)
		return NULL;
	t->aux = kvcalloc(n ? n : 1, sizeof(*t->aux), GFP_KERNEL);
	if (!t->aux) {
		kvfree(t);
		return NULL;
	}
	t->n = n;
	for (i = 0; i < n; i++)
		t->aux[i].from = -1;
	return t;
}

/* Frees @t and the counters it did not hand over to a successor. */
void nfvpn_table_free(struct nfvpn_table *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		if (!t->aux[i].carried)
			free_percpu(t->aux[i].stats);
	kvfree(t->aux);
	kvfree(t);
}

int nfvpn_table_find(const struct nfvpn_table *t, u32 id)
{
	unsigned int i;

	for (i = 0; t && i < t->n; i++)
		if (t->sels[i].id == id)
			return i;
	return -1;
}

void nfvpn_sel_stats_read(const struct nfvpn_table *t, unsigned int i,
			  u64 *packets, u64 *bytes)
{
	const struct nfvpn_sel_stats *s;
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(t->aux[i].stats, cpu);
		*packets += READ_ONCE(s->packets);
		*bytes += READ_ONCE(s->bytes);
	}
}

/*
 * Publish @new in place of the current table; consumes @new. Called
 * with nn->lock held. Sleeps for one grace period.
 */
int nfvpn_table_commit(struct nfvpn_net *nn, struct nfvpn_table *new,
		       struct netlink_ext_ack *extack)
{
	struct nfvpn_table *old;
	unsigned int i;
	int j, err;

	lockdep_assert_held(&nn->lock);
	old = rcu_dereference_protected(nn->table, lockdep_is_held(&nn->lock));

	/* 1. Ids are unique; find which selectors survive unchanged. */
	for (i = 0; i < new->n; i++) {
		if (nfvpn_table_find(new, new->sels[i].id) != (int)i) {
			NL_SET_ERR_MSG_MOD(extack, "duplicate selector id");
			err = -EEXIST;
			goto err_free;
		}
		j = nfvpn_table_find(old, new->sels[i].id);
		if (j >= 0 && !memcmp(&old->sels[j], &new->sels[i],
				      sizeof(new->sels[i])))
			new->aux[i].from = j;
	}

	/* 2. Fresh counters for the others; the old table is untouched. */
	for (i = 0; i < new->n; i++) {
		if (new->aux[i].from >= 0)
			continue;
		new->aux[i].stats = alloc_percpu(struct nfvpn_sel_stats);
		if (!new->aux[i].stats) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory for counters");
			err = -ENOMEM;
			goto err_free;
		}
	}

	/* 3. Nothing can fail from here: hand counters over and publish. */
	for (i = 0; i < new->n; i++) {
		j = new->aux[i].from;
		if (j < 0)
			continue;
		new->aux[i].stats = old->aux[j].stats;
		old->aux[j].carried = true;
	}
	new->generation = ++nn->generation;
	if (new->n) {
		rcu_assign_pointer(nn->table, new);
	} else {
		RCU_INIT_POINTER(nn->table, NULL);
		nfvpn_table_free(new);
	}

	/* 4. No hook can still see @old after the grace period. */
	if (old) {
		synchronize_rcu();
		nfvpn_table_free(old);
	}
	return 0;

err_free:
	/* Step 3 was not reached: @new owns only the counters it allocated. */
	nfvpn_table_free(new);
	return err;
}

/* Namespace exit: the hooks are gone and a grace period has passed. */
void nfvpn_table_destroy(struct nfvpn_net *nn)
{
	nfvpn_table_free(rcu_dereference_protected(nn->table, 1));
	RCU_INIT_POINTER(nn->table, NULL);
}
