// SPDX-License-Identifier: GPL-2.0
/*
 * nfvpn_stub: steers the flows that nfvpnd selects from the kernel's
 * netfilter hooks to the interface that nfvpn-dataplane reads.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netfilter_ipv4.h>
#include <net/genetlink.h>

#include "stub.h"

/* After defragmentation, before conntrack: steered flows get no entry. */
int nfvpn_priority = NF_IP_PRI_CONNTRACK - 1;
module_param_named(priority, nfvpn_priority, int, 0444);
MODULE_PARM_DESC(priority, "netfilter hook priority (default: -201, just before conntrack)");

unsigned int nfvpn_net_id __read_mostly;

static int __net_init nfvpn_net_init(struct net *net)
{
	struct nfvpn_net *nn = nfvpn_pernet(net);
	int err;

	mutex_init(&nn->lock);
	nn->stats = alloc_percpu(struct nfvpn_net_stats);
	if (!nn->stats)
		return -ENOMEM;
	err = nfvpn_hooks_register(net, nn);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	free_percpu(nn->stats);
	return err;
}

static void __net_exit nfvpn_net_pre_exit(struct net *net)
{
	/* The core waits for a grace period before calling .exit. */
	nfvpn_hooks_unregister(net, nfvpn_pernet(net));
}

static void __net_exit nfvpn_net_exit(struct net *net)
{
	struct nfvpn_net *nn = nfvpn_pernet(net);

	/*
	 * No hook runs any more and genetlink is gone or the namespace is
	 * dying, so nothing can publish a new table or target.
	 */
	nfvpn_target_clear(nn);
	nfvpn_table_destroy(nn);
	free_percpu(nn->stats);
}

static struct pernet_operations nfvpn_net_ops = {
	.init = nfvpn_net_init,
	.pre_exit = nfvpn_net_pre_exit,
	.exit = nfvpn_net_exit,
	.id = &nfvpn_net_id,
	.size = sizeof(struct nfvpn_net),
};

static int __init nfvpn_init(void)
{
	int err;

	err = register_pernet_subsys(&nfvpn_net_ops);
	if (err)
		return err;
	err = nfvpn_target_notifier_register();
	if (err)
		goto err_pernet;
	err = nfvpn_genl_register();
	if (err)
		goto err_notifier;
	pr_info("loaded, hook priority %d\n", nfvpn_priority);
	return 0;

err_notifier:
	nfvpn_target_notifier_unregister();
err_pernet:
	unregister_pernet_subsys(&nfvpn_net_ops);
	return err;
}

static void __exit nfvpn_exit(void)
{
	/* 1. No new configuration can arrive. */
	nfvpn_genl_unregister();
	/*
	 * 2. Unregistering replays NETDEV_UNREGISTER for every device, which
	 *    drops each target reference; a device registered after that
	 *    cannot become a target, genetlink being gone.
	 */
	nfvpn_target_notifier_unregister();
	/* 3. Hooks off, grace period, then tables freed (targets: backstop). */
	unregister_pernet_subsys(&nfvpn_net_ops);
	/* 4. Let pending kfree_rcu() of targets finish before text goes. */
	rcu_barrier();
	pr_info("unloaded\n");
}

module_init(nfvpn_init);
module_exit(nfvpn_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("nfvpn developers");
MODULE_DESCRIPTION("Steer selected flows from netfilter hooks to the nfvpn dataplane");
MODULE_ALIAS_GENL_FAMILY(NFVPN_GENL_NAME);
