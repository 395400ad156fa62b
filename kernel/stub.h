/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfvpn_stub internals shared by its files.
 */
#ifndef _NFVPN_STUB_H
#define _NFVPN_STUB_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "selector.h"

/* Bumped with this_cpu_add(): safe from any context, 64-bit only module. */
struct nfvpn_sel_stats {
	u64 packets;
	u64 bytes;
};

struct nfvpn_net_stats {
	u64 steered;
	u64 steered_bytes;
	u64 no_target;
	u64 target_down;
	u64 no_headroom;
	u64 xmit_err;
	u64 loop;
};

/* Writer-side companion of one selector; the hook only reads @stats. */
struct nfvpn_sel_aux {
	struct nfvpn_sel_stats __percpu *stats;
	int from;		/* writer only: index in the old table or -1 */
	bool carried;		/* writer only: stats moved to the next table */
};

/*
 * An immutable selector table: built by the writer, published with one
 * pointer store, freed after a grace period. Readers never lock.
 */
struct nfvpn_table {
	unsigned int n;
	u32 generation;
	struct nfvpn_sel_aux *aux;
	struct nfvpn_sel sels[];
};

struct nfvpn_target {
	struct net_device *dev;
	netdevice_tracker tracker;
	u8 lladdr[ETH_ALEN];	/* destination MAC on Ethernet targets */
	struct rcu_head rcu;
};

/* Per network namespace state. */
struct nfvpn_net {
	struct nfvpn_table __rcu *table;	/* written under @lock */
	struct nfvpn_target __rcu *target;	/* written under RTNL */
	struct mutex lock;			/* serialises table writers */
	u32 generation;				/* written under @lock */
	struct nfvpn_net_stats __percpu *stats;
	struct nf_hook_ops ops[4];
	bool hooks_registered;
};

extern unsigned int nfvpn_net_id;
extern int nfvpn_priority;

static inline struct nfvpn_net *nfvpn_pernet(const struct net *net)
{
	return net_generic(net, nfvpn_net_id);
}

/* hooks.c */
int nfvpn_hooks_register(struct net *net, struct nfvpn_net *nn);
void nfvpn_hooks_unregister(struct net *net, struct nfvpn_net *nn);

/* table.c */
struct nfvpn_table *nfvpn_table_alloc(unsigned int n);
void nfvpn_table_free(struct nfvpn_table *t);
int nfvpn_table_commit(struct nfvpn_net *nn, struct nfvpn_table *new,
		       struct netlink_ext_ack *extack);
int nfvpn_table_find(const struct nfvpn_table *t, u32 id);
void nfvpn_table_destroy(struct nfvpn_net *nn);
void nfvpn_sel_stats_read(const struct nfvpn_table *t, unsigned int i,
			  u64 *packets, u64 *bytes);

/* target.c */
int nfvpn_target_set(struct net *net, struct net_device *dev,
		     const u8 *lladdr, struct netlink_ext_ack *extack);
void nfvpn_target_clear(struct nfvpn_net *nn);
int nfvpn_target_notifier_register(void);
void nfvpn_target_notifier_unregister(void);

/* netlink.c */
int nfvpn_genl_register(void);
void nfvpn_genl_unregister(void);

#endif /* _NFVPN_STUB_H */
