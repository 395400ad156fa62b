// SPDX-License-Identifier: GPL-2.0
/*
 * The target device that steered packets are sent to: a TUN (no link
 * header), a TAP or a veth (Ethernet header pushed by the hook). Changed
 * under RTNL; a reference is held while it is the target and dropped
 * when the device unregisters or leaves the namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "stub.h"

static void nfvpn_target_release(struct nfvpn_target *tgt)
{
	netdev_put(tgt->dev, &tgt->tracker);
	/* Hooks may still hold @tgt; the device itself outlives them. */
	kfree_rcu(tgt, rcu);
}

/* @dev NULL clears the target. Called with RTNL held. */
int nfvpn_target_set(struct net *net, struct net_device *dev,
		     const u8 *lladdr, struct netlink_ext_ack *extack)
{
	struct nfvpn_net *nn = nfvpn_pernet(net);
	struct nfvpn_target *tgt = NULL, *old;

	ASSERT_RTNL();
	if (dev) {
		if (dev->type != ARPHRD_NONE && dev->type != ARPHRD_ETHER) {
			NL_SET_ERR_MSG_MOD(extack,
					   "target must be a TUN, TAP or veth device");
			return -EOPNOTSUPP;
		}
		if (lladdr && dev->type != ARPHRD_ETHER) {
			NL_SET_ERR_MSG_MOD(extack,
					   "link address given for a device without one");
			return -EINVAL;
		}
		tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
		if (!tgt)
			return -ENOMEM;
		tgt->dev = dev;
		if (lladdr)
			ether_addr_copy(tgt->lladdr, lladdr);
		else if (dev->type == ARPHRD_ETHER)
			ether_addr_copy(tgt->lladdr, dev->broadcast);
		netdev_hold(dev, &tgt->tracker, GFP_KERNEL);
	}

	old = rtnl_dereference(nn->target);
	rcu_assign_pointer(nn->target, tgt);
	if (old)
		nfvpn_target_release(old);
	return 0;
}

void nfvpn_target_clear(struct nfvpn_net *nn)
{
	struct nfvpn_target *old;

	rtnl_lock();
	old = rtnl_dereference(nn->target);
	RCU_INIT_POINTER(nn->target, NULL);
	rtnl_unlock();
	if (old)
		nfvpn_target_release(old);
}

static int nfvpn_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nfvpn_net *nn;
	struct nfvpn_target *tgt;

	/*
	 * Also sent when the device moves to another namespace, and replayed
	 * for every device when the module unregisters this notifier.
	 */
	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	nn = nfvpn_pernet(dev_net(dev));
	tgt = rtnl_dereference(nn->target);
	if (!tgt || tgt->dev != dev)
		return NOTIFY_DONE;

	pr_info("target %s released, steering stopped\n", dev->name);
	RCU_INIT_POINTER(nn->target, NULL);
	nfvpn_target_release(tgt);
	return NOTIFY_OK;
}

static struct notifier_block nfvpn_netdev_notifier = {
	.notifier_call = nfvpn_netdev_event,
};

int nfvpn_target_notifier_register(void)
{
	return register_netdevice_notifier(&nfvpn_netdev_notifier);
}

void nfvpn_target_notifier_unregister(void)
{
	unregister_netdevice_notifier(&nfvpn_netdev_notifier);
}
