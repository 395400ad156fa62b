/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct count: the connections of one key, as the kernel's nf_conncount_list
 * behind nft_connlimit ("ct count over 2"). Each packet walks the list in
 * order, as __nf_conncount_add() does:
 *
 *  - a connection that went away (freed by the GC, its slot now another's
 *    - the original tuple kept beside the pointer differs -, expired), or
 *    a TCP one reset before any reply (the kernel kills it at the RST), is
 *    not found: it leaves; unless it is still unconfirmed and was added
 *    less than CT_COUNT_GRACE_DIV-th of a second ago (its packet may be on
 *    its way to confirm: the kernel keeps one two jiffies);
 *  - the packet's own connection found: the walk stops there, nothing is
 *    added, and the count is the list as it is - including connections
 *    behind it that went away (the kernel's "already exists" return);
 *  - a connection closed (TCP TIME_WAIT or CLOSE) leaves;
 *  - at the end of a whole walk, the packet's connection is added.
 *
 * The connections are read by pointer, without the table's hash: the
 * array of connections never moves. One list is shared by all workers
 * under its own spinlock (the kernel's list_lock); the length is bounded
 * (cap). Not followed: the kernel's walk once a jiffy at most (it then
 * adds without looking) and its 8 (or 64) evictions a walk.
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

enum entry_fate { ENTRY_KEEP, ENTRY_GONE, ENTRY_CLOSED };

static enum entry_fate entry_look(const struct ct_count_entry *e, uint64_t now, uint64_t grace)
{
	const struct nfv_ct *ct = e->ct;
	uint32_t status;
	uint8_t state;

	if (!__atomic_load_n(&ct->live, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&ct->dying, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&ct->expires, __ATOMIC_RELAXED) <= now ||
	    memcmp(&ct->tuple[IP_CT_DIR_ORIGINAL], &e->tuple, sizeof(e->tuple)) != 0)
		return ENTRY_GONE;
	status = __atomic_load_n(&ct->status, __ATOMIC_ACQUIRE);
	if (!(status & IPS_CONFIRMED))
		return now - e->added < grace ? ENTRY_KEEP : ENTRY_GONE;
	if (ct->tuple[IP_CT_DIR_ORIGINAL].proto != IPPROTO_TCP)
		return ENTRY_KEEP;
	/* written under ct->lock; one byte, read as it is */
	state = __atomic_load_n(&ct->tcp_state, __ATOMIC_RELAXED);
	if (state == NFV_TCP_CLOSE && !(status & IPS_SEEN_REPLY))
		return ENTRY_GONE;	/* nf_conntrack_tcp_packet() killed it */
	return state == NFV_TCP_TIME_WAIT || state == NFV_TCP_CLOSE ? ENTRY_CLOSED : ENTRY_KEEP;
}

static bool entry_is(const struct ct_count_entry *e, const struct nfv_ct *ct)
{
	return e->ct == ct && memcmp(&ct->tuple[IP_CT_DIR_ORIGINAL], &e->tuple,
				     sizeof(e->tuple)) == 0;
}

uint32_t nfv_ct_count_live(struct nfv_ct_count_list *l, uint64_t now, uint64_t hz)
{
	uint32_t n = 0;

	rte_spinlock_lock(&l->lock);
	for (uint32_t i = 0; i < l->n; i++)
		n += entry_look(&l->e[i], now, hz / CT_COUNT_GRACE_DIV) == ENTRY_KEEP;
	rte_spinlock_unlock(&l->lock);
	return n;
}

uint32_t nfv_ct_count_add(struct nfv_ct_count_list *l, const struct nfv_ct *ct,
			  uint64_t now, uint64_t hz)
{
	uint64_t grace = hz / CT_COUNT_GRACE_DIV;
	enum entry_fate fate;
	bool add = ct != NULL;
	uint32_t i, n;

	rte_spinlock_lock(&l->lock);
	for (i = 0; i < l->n;) {
		fate = entry_look(&l->e[i], now, grace);
		/* found (alive, or young and unconfirmed): "already exists" */
		if (ct != NULL && fate != ENTRY_GONE && entry_is(&l->e[i], ct)) {
			add = false;
			break;
		}
		if (fate == ENTRY_KEEP) {
			i++;
			continue;
		}
		/* the order stays: where a walk stops depends on it */
		memmove(&l->e[i], &l->e[i + 1], (size_t)(l->n - i - 1) * sizeof(l->e[0]));
		l->n--;
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
