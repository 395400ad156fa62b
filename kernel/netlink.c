// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "nfvpn": registration, the target and the read
 * side (selector dump, statistics). Selector writers: netlink_sel.c. Attribute shapes
 * are checked by the policies, meaning by nfvpn_sel_prepare(); both
 * answer with extack messages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "netlink.h"
#include "stub.h"

static const struct nla_policy nfvpn_policy[NFVPN_A_MAX + 1] = {
	[NFVPN_A_TARGET_IFINDEX] = { .type = NLA_U32 },
	[NFVPN_A_TARGET_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[NFVPN_A_TARGET_LLADDR]	= NLA_POLICY_ETH_ADDR,
	[NFVPN_A_SEL]		= NLA_POLICY_NESTED(nfvpn_sel_policy),
	[NFVPN_A_SEL_ID]	= { .type = NLA_U32 },
	[NFVPN_A_POSITION]	= NLA_POLICY_MAX(NLA_U32, NFVPN_MAX_SELECTORS),
	[NFVPN_A_RESERVED]	= { .type = NLA_REJECT },
	[NFVPN_A_GENERATION]	= { .type = NLA_REJECT },
	[NFVPN_A_COUNT]		= { .type = NLA_REJECT },
	[NFVPN_A_STATS]		= { .type = NLA_REJECT },
};

static int nfvpn_nl_set_target(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr **attrs = info->attrs;
	struct net_device *dev = NULL;
	const u8 *lladdr = NULL;
	int err;

	if (!!attrs[NFVPN_A_TARGET_IFINDEX] == !!attrs[NFVPN_A_TARGET_IFNAME]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "give exactly one of target ifindex or ifname");
		return -EINVAL;
	}
	if (attrs[NFVPN_A_TARGET_LLADDR])
		lladdr = nla_data(attrs[NFVPN_A_TARGET_LLADDR]);

	rtnl_lock();
	if (attrs[NFVPN_A_TARGET_IFNAME])
		dev = __dev_get_by_name(net, nla_data(attrs[NFVPN_A_TARGET_IFNAME]));
	else if (nla_get_u32(attrs[NFVPN_A_TARGET_IFINDEX]))
		dev = __dev_get_by_index(net, nla_get_u32(attrs[NFVPN_A_TARGET_IFINDEX]));
	else
		goto set;	/* ifindex 0: no target */
	if (!dev) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such device in this namespace");
		err = -ENODEV;
		goto out;
	}
set:
	err = nfvpn_target_set(net, dev, lladdr, info->extack);
out:
	rtnl_unlock();
	return err;
}

static int nfvpn_nl_put_sel(struct sk_buff *skb, const struct nfvpn_table *t,
			    unsigned int i)
{
	const struct nfvpn_sel *sel = &t->sels[i];
	int alen = sel->family == AF_INET ? 4 : 16;
	struct nlattr *nest;
	u64 packets, bytes;

	nest = nla_nest_start(skb, NFVPN_A_SEL);
	if (!nest)
		return -EMSGSIZE;
	nfvpn_sel_stats_read(t, i, &packets, &bytes);
	if (nla_put_u32(skb, NFVPN_SEL_A_ID, sel->id) ||
	    nla_put_u8(skb, NFVPN_SEL_A_FAMILY, sel->family) ||
	    nla_put_u8(skb, NFVPN_SEL_A_PROTO, sel->proto) ||
	    nla_put_u32(skb, NFVPN_SEL_A_HOOKS, sel->hooks) ||
	    nla_put_u8(skb, NFVPN_SEL_A_ACTION, sel->action) ||
	    nla_put_u64_64bit(skb, NFVPN_SEL_A_PACKETS, packets, NFVPN_SEL_A_PAD) ||
	    nla_put_u64_64bit(skb, NFVPN_SEL_A_BYTES, bytes, NFVPN_SEL_A_PAD))
		goto err;
	if (sel->src_plen &&
	    (nla_put(skb, NFVPN_SEL_A_SRC, alen, sel->src) ||
	     nla_put_u8(skb, NFVPN_SEL_A_SRC_PLEN, sel->src_plen)))
		goto err;
	if (sel->dst_plen &&
	    (nla_put(skb, NFVPN_SEL_A_DST, alen, sel->dst) ||
	     nla_put_u8(skb, NFVPN_SEL_A_DST_PLEN, sel->dst_plen)))
		goto err;
	if (sel->need_ports &&
	    (nla_put_u16(skb, NFVPN_SEL_A_SPORT_MIN, sel->sport_min) ||
	     nla_put_u16(skb, NFVPN_SEL_A_SPORT_MAX, sel->sport_max) ||
	     nla_put_u16(skb, NFVPN_SEL_A_DPORT_MIN, sel->dport_min) ||
	     nla_put_u16(skb, NFVPN_SEL_A_DPORT_MAX, sel->dport_max)))
		goto err;
	if (sel->iif && nla_put_u32(skb, NFVPN_SEL_A_IIF, sel->iif))
		goto err;
	if (sel->mark_mask &&
	    (nla_put_u32(skb, NFVPN_SEL_A_MARK, sel->mark) ||
	     nla_put_u32(skb, NFVPN_SEL_A_MARK_MASK, sel->mark_mask)))
		goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int nfvpn_nl_dump_sel(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfvpn_net *nn = nfvpn_pernet(sock_net(skb->sk));
	unsigned int i = cb->args[0];
	const struct nfvpn_table *t;
	void *hdr;

	rcu_read_lock();
	t = rcu_dereference(nn->table);
	/* A table change between two parts marks the dump interrupted. */
	cb->seq = t ? t->generation : READ_ONCE(nn->generation);
	for (; t && i < t->n; i++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfvpn_genl_family,
				  NLM_F_MULTI, NFVPN_CMD_GET_SEL);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nfvpn_nl_put_sel(skb, t, i)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = i;
	return skb->len;
}

static int nfvpn_nl_put_stats(struct sk_buff *skb, struct nfvpn_net *nn)
{
	struct nfvpn_net_stats sum = { 0 };
	const struct nfvpn_net_stats *s;
	struct nlattr *nest;
	int cpu;

	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(nn->stats, cpu);
		sum.steered += READ_ONCE(s->steered);
		sum.steered_bytes += READ_ONCE(s->steered_bytes);
		sum.no_target += READ_ONCE(s->no_target);
		sum.target_down += READ_ONCE(s->target_down);
		sum.no_headroom += READ_ONCE(s->no_headroom);
		sum.xmit_err += READ_ONCE(s->xmit_err);
		sum.loop += READ_ONCE(s->loop);
	}
	nest = nla_nest_start(skb, NFVPN_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, NFVPN_STAT_A_STEERED, sum.steered, NFVPN_STAT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFVPN_STAT_A_STEERED_BYTES, sum.steered_bytes, NFVPN_STAT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFVPN_STAT_A_NO_TARGET, sum.no_target, NFVPN_STAT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFVPN_STAT_A_TARGET_DOWN, sum.target_down, NFVPN_STAT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFVPN_STAT_A_NO_HEADROOM, sum.no_headroom, NFVPN_STAT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFVPN_STAT_A_XMIT_ERR, sum.xmit_err, NFVPN_STAT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFVPN_STAT_A_LOOP, sum.loop, NFVPN_STAT_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int nfvpn_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nfvpn_net *nn = nfvpn_pernet(genl_info_net(info));
	const struct nfvpn_target *tgt;
	const struct nfvpn_table *t;
	struct sk_buff *msg;
	void *hdr;
	int err = -EMSGSIZE;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfvpn_genl_family, 0,
				NFVPN_CMD_GET_STATS);
	if (!hdr)
		goto err_free;

	rcu_read_lock();
	tgt = rcu_dereference(nn->target);
	t = rcu_dereference(nn->table);
	if (tgt && (nla_put_u32(msg, NFVPN_A_TARGET_IFINDEX, tgt->dev->ifindex) ||
		    nla_put_string(msg, NFVPN_A_TARGET_IFNAME, tgt->dev->name)))
		goto err_unlock;
	if (nla_put_u32(msg, NFVPN_A_GENERATION,
			t ? t->generation : READ_ONCE(nn->generation)) ||
	    nla_put_u32(msg, NFVPN_A_COUNT, t ? t->n : 0) ||
	    nfvpn_nl_put_stats(msg, nn))
		goto err_unlock;
	rcu_read_unlock();

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	rcu_read_unlock();
err_free:
	nlmsg_free(msg);
	return err;
}

static const struct genl_small_ops nfvpn_nl_ops[] = {
	{
		.cmd = NFVPN_CMD_SET_TARGET,
		.doit = nfvpn_nl_set_target,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFVPN_CMD_ADD_SEL,
		.doit = nfvpn_nl_add_sel,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFVPN_CMD_DEL_SEL,
		.doit = nfvpn_nl_del_sel,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFVPN_CMD_FLUSH_SEL,
		.doit = nfvpn_nl_flush_sel,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFVPN_CMD_GET_SEL,
		.dumpit = nfvpn_nl_dump_sel,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFVPN_CMD_REPLACE,
		.doit = nfvpn_nl_replace,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFVPN_CMD_GET_STATS,
		.doit = nfvpn_nl_get_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family nfvpn_genl_family __ro_after_init = {
	.name = NFVPN_GENL_NAME,
	.version = NFVPN_GENL_VERSION,
	.maxattr = NFVPN_A_MAX,
	.policy = nfvpn_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = nfvpn_nl_ops,
	.n_small_ops = ARRAY_SIZE(nfvpn_nl_ops),
	.resv_start_op = NFVPN_CMD_MAX + 1,
};

int __init nfvpn_genl_register(void)
{
	return genl_register_family(&nfvpn_genl_family);
}

void nfvpn_genl_unregister(void)
{
	genl_unregister_family(&nfvpn_genl_family);
}
