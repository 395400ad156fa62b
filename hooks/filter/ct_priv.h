/* SPDX-License-Identifier: BSD-3-Clause */
/* Conntrack internals shared by ct_*.c and the two hook entries. */
#ifndef NFV_CT_PRIV_H
#define NFV_CT_PRIV_H

#include <rte_hash.h>
#include <rte_ring.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "nfv_ct.h"
#include "nfv_hook_table.h"

/* A NEW connection whose first packet never reaches confirm goes away. */
#define CT_UNCONFIRMED_TIMEOUT_S 5

/* enum ip_conntrack_dir, which is kernel-only */
#define IP_CT_DIR_ORIGINAL 0
#define IP_CT_DIR_REPLY 1

struct nfv_ct_table {
	struct rte_hash *h;	/* tuple -> (idx << 1 | dir) */
	struct nfv_ct *cts;
	struct rte_ring *free;	/* free connection indexes */
	uint32_t *gc_scratch;	/* control side */
	rte_spinlock_t lock;	/* serializes inserts and deletes */
	uint32_t max;
	uint32_t count;		/* atomic */
	uint64_t hz;
	struct rte_rcu_qsbr *qsbr;
	struct nfv_hook_reg *regs[4];
	struct nfv_ct_stats stats[NFV_MAX_WORKERS];
};

/* ct_table.c: worker side */
struct nfv_ct *ct_lookup(struct nfv_ct_table *t, const struct nfv_ct_tuple *k,
			 uint8_t *dir, uint64_t now);
/* The connection of a hash value (bulk lookups), or NULL when it is dying
 * or expired. */
struct nfv_ct *ct_resolve(struct nfv_ct_table *t, void *data, uint8_t *dir, uint64_t now);
/* -ENOSPC when full; *ct is an existing connection when one raced us */
int ct_create(struct nfv_ct_table *t, const struct nfv_ct_tuple *orig,
	      uint64_t now, struct nfv_ct **ct, bool *existed);
void ct_kill(struct nfv_ct_table *t, struct nfv_ct *ct);
static inline void ct_refresh(struct nfv_ct_table *t, struct nfv_ct *ct,
			      uint64_t now, uint32_t timeout_s)
{
	__atomic_store_n(&ct->timeout, timeout_s, __ATOMIC_RELAXED);
	if (__atomic_load_n(&ct->status, __ATOMIC_RELAXED) & IPS_CONFIRMED)
		__atomic_store_n(&ct->expires, now + timeout_s * t->hz,
				 __ATOMIC_RELAXED);
}

/* ct_tuple.c */
struct ct_l4 {
	uint32_t l3len;		/* from the IP header: frames may carry padding */
	uint16_t thoff;
	uint16_t fragoff;
	uint8_t proto;
	uint8_t icmp_type;
	uint8_t icmp_code;
	bool icmp_error;	/* an ICMP(v6) error quoting a packet */
};
int ct_tuple_parse(struct rte_mbuf *m, uint32_t off, uint8_t family,
		   struct nfv_ct_tuple *t, struct ct_l4 *l4);
void ct_tuple_invert(const struct nfv_ct_tuple *in, struct nfv_ct_tuple *out);
bool ct_icmp_is_request(const struct nfv_ct_tuple *t);

/* ct_tcp.c: returns the timeout in seconds, or 0 for an invalid packet */
uint32_t ct_tcp_packet(struct nfv_ct *ct, struct rte_mbuf *m,
		       const struct ct_l4 *l4, uint8_t dir, bool is_new);
bool ct_tcp_can_create(struct rte_mbuf *m, const struct ct_l4 *l4);

#endif
