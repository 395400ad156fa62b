/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct count: the connections of one key, as the kernel's nf_conncount_list
 * behind nft_connlimit ("ct count over 2"). A list holds the connections
 * that packets brought while new (unconfirmed); each call drops those
 * that went away or closed, then counts:
 *
 *  - a connection that the GC freed, one whose slot now holds another
 *    (its original tuple differs) or one that expired is gone, as the
 *    kernel's lookup of the tuple finds nothing (find_or_evict());
 *  - TCP in TIME_WAIT or CLOSE has closed (already_closed());
 *  - a connection still unconfirmed may be one whose packet is on its
 *    way to confirm (in this burst), so it stays CT_COUNT_GRACE_DIV-th of
 *    a second after it was added, as the kernel keeps one found
 *    unconfirmed for two jiffies; then a connection whose first packet was
 *    dropped leaves;
 *  - a packet of a confirmed connection adds nothing (the kernel's
 *    nf_ct_is_confirmed() check: only a connection's first packets).
 *
 * The connections are read by pointer, without the table's hash: the
 * array of connections never moves, and the original tuple kept beside the
 * pointer tells a reused slot. One list is shared by all workers under its
 * own spinlock (the kernel's list_lock); the length is bounded (cap).
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_spinlock.h>

#include "ct_priv.h"

#define CT_COUNT_GRACE_DIV 100	/* 10 ms: a burst reaches confirm well within */

struct ct_count_entry {
	const struct nfv_ct *ct;
	struct nfv_ct_tuple tuple;	/* its original tuple when added */
	uint64_t added;
};

struct nfv_ct_count_list {
	rte_spinlock_t lock;
	uint32_t n;
	uint32_t cap;
	struct ct_count_entry e[];
};

size_t nfv_ct_count_list_size(uint32_t cap)
{
	return sizeof(struct nfv_ct_count_list) + (size_t)cap * sizeof(struct ct_count_entry);
}

void nfv_ct_count_list_init(struct nfv_ct_count_list *l, uint32_t cap)
{
	memset(l, 0, nfv_ct_count_list_size(cap));
	rte_spinlock_init(&l->lock);
	l->cap = cap;
}

static bool entry_counts(const struct ct_count_entry *e, uint64_t now, uint64_t grace)
{
	const struct nfv_ct *ct = e->ct;

	if (!__atomic_load_n(&ct->live, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&ct->dying, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&ct->expires, __ATOMIC_RELAXED) <= now ||
	    memcmp(&ct->tuple[IP_CT_DIR_ORIGINAL], &e->tuple, sizeof(e->tuple)) != 0)
		return false;
	if (!(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & IPS_CONFIRMED))
		return now - e->added < grace;
	if (ct->tuple[IP_CT_DIR_ORIGINAL].proto != IPPROTO_TCP)
		return true;
	/* written under ct->lock; one byte, read as it is */
	switch (__atomic_load_n(&ct->tcp_state, __ATOMIC_RELAXED)) {
	case NFV_TCP_TIME_WAIT:
	case NFV_TCP_CLOSE:
		return false;
	}
	return true;
}

uint32_t nfv_ct_count_add(struct nfv_ct_count_list *l, const struct nfv_ct *ct,
			  uint64_t now, uint64_t hz)
{
	uint64_t grace = hz / CT_COUNT_GRACE_DIV;
	bool add = ct != NULL &&
		   !(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & IPS_CONFIRMED);
	uint32_t i, n;

	rte_spinlock_lock(&l->lock);
	for (i = 0; i < l->n;) {
		if (add && l->e[i].ct == ct &&
		    memcmp(&ct->tuple[IP_CT_DIR_ORIGINAL], &l->e[i].tuple,
			   sizeof(l->e[i].tuple)) == 0)
			add = false;	/* a new connection's second packet */
		if (entry_counts(&l->e[i], now, grace)) {
			i++;
			continue;
		}
		l->e[i] = l->e[--l->n];
	}
	if (add && l->n < l->cap) {
		l->e[l->n].ct = ct;
		l->e[l->n].tuple = ct->tuple[IP_CT_DIR_ORIGINAL];
		l->e[l->n].added = now;
		l->n++;
	}
	n = l->n;
	rte_spinlock_unlock(&l->lock);
	return n;
}
