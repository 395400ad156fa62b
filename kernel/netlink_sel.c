// SPDX-License-Identifier: GPL-2.0
/*
 * Selector writers of the "nfvpn" family: add, delete, flush and
 * replace. Each builds a new table and commits it (table.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "stub.h"

const struct nla_policy nfvpn_sel_policy[NFVPN_SEL_A_MAX + 1] = {
	[NFVPN_SEL_A_ID]	= { .type = NLA_U32 },
	[NFVPN_SEL_A_FAMILY]	= { .type = NLA_U8 },
	[NFVPN_SEL_A_PROTO]	= { .type = NLA_U8 },
	[NFVPN_SEL_A_SRC]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFVPN_SEL_A_SRC_PLEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[NFVPN_SEL_A_DST]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFVPN_SEL_A_DST_PLEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[NFVPN_SEL_A_SPORT_MIN]	= { .type = NLA_U16 },
	[NFVPN_SEL_A_SPORT_MAX]	= { .type = NLA_U16 },
	[NFVPN_SEL_A_DPORT_MIN]	= { .type = NLA_U16 },
	[NFVPN_SEL_A_DPORT_MAX]	= { .type = NLA_U16 },
	[NFVPN_SEL_A_IIF]	= { .type = NLA_U32 },
	[NFVPN_SEL_A_MARK]	= { .type = NLA_U32 },
	[NFVPN_SEL_A_MARK_MASK]	= { .type = NLA_U32 },
	[NFVPN_SEL_A_HOOKS]	= NLA_POLICY_MASK(NLA_U32, NFVPN_HOOK_ALL),
	[NFVPN_SEL_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, NFVPN_ACT_MAX),
	[NFVPN_SEL_A_PACKETS]	= { .type = NLA_REJECT },
	[NFVPN_SEL_A_BYTES]	= { .type = NLA_REJECT },
};

static int nfvpn_nl_get_addr(const struct nlattr *attr, __be32 *addr,
			     u8 family, struct netlink_ext_ack *extack)
{
	int len = family == AF_INET ? 4 : 16;

	if (nla_len(attr) != len) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match the family");
		return -EINVAL;
	}
	memcpy(addr, nla_data(attr), len);
	return 0;
}

static u16 nfvpn_nl_port(struct nlattr **tb, int type, u16 dflt)
{
	return tb[type] ? nla_get_u16(tb[type]) : dflt;
}

/* Fill and prepare @sel from one NFVPN_A_SEL nest. */
static int nfvpn_nl_parse_sel(const struct nlattr *nest, struct nfvpn_sel *sel,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFVPN_SEL_A_MAX + 1];
	const char *why = NULL;
	int err;

	err = nla_parse_nested(tb, NFVPN_SEL_A_MAX, nest, nfvpn_sel_policy,
			       extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, NFVPN_SEL_A_ID) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NFVPN_SEL_A_FAMILY)) {
		NL_SET_ERR_MSG_MOD(extack, "selector needs an id and a family");
		return -EINVAL;
	}

	memset(sel, 0, sizeof(*sel));
	sel->id = nla_get_u32(tb[NFVPN_SEL_A_ID]);
	sel->family = nla_get_u8(tb[NFVPN_SEL_A_FAMILY]);
	if (sel->family != AF_INET && sel->family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFVPN_SEL_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (tb[NFVPN_SEL_A_PROTO])
		sel->proto = nla_get_u8(tb[NFVPN_SEL_A_PROTO]);

	if (tb[NFVPN_SEL_A_SRC]) {
		err = nfvpn_nl_get_addr(tb[NFVPN_SEL_A_SRC], sel->src,
					sel->family, extack);
		if (err)
			return err;
		sel->src_plen = sel->family == AF_INET ? 32 : 128;
	}
	if (tb[NFVPN_SEL_A_SRC_PLEN])
		sel->src_plen = nla_get_u8(tb[NFVPN_SEL_A_SRC_PLEN]);
	if (tb[NFVPN_SEL_A_DST]) {
		err = nfvpn_nl_get_addr(tb[NFVPN_SEL_A_DST], sel->dst,
					sel->family, extack);
		if (err)
			return err;
		sel->dst_plen = sel->family == AF_INET ? 32 : 128;
	}
	if (tb[NFVPN_SEL_A_DST_PLEN])
		sel->dst_plen = nla_get_u8(tb[NFVPN_SEL_A_DST_PLEN]);
	if ((sel->src_plen && !tb[NFVPN_SEL_A_SRC]) ||
	    (sel->dst_plen && !tb[NFVPN_SEL_A_DST])) {
		NL_SET_ERR_MSG_MOD(extack, "prefix length without an address");
		return -EINVAL;
	}

	/* A lone MIN is a single port; nothing is the full range. */
	sel->sport_min = nfvpn_nl_port(tb, NFVPN_SEL_A_SPORT_MIN, 0);
	sel->sport_max = nfvpn_nl_port(tb, NFVPN_SEL_A_SPORT_MAX,
				       tb[NFVPN_SEL_A_SPORT_MIN] ? sel->sport_min : 0xffff);
	sel->dport_min = nfvpn_nl_port(tb, NFVPN_SEL_A_DPORT_MIN, 0);
	sel->dport_max = nfvpn_nl_port(tb, NFVPN_SEL_A_DPORT_MAX,
				       tb[NFVPN_SEL_A_DPORT_MIN] ? sel->dport_min : 0xffff);

	if (tb[NFVPN_SEL_A_IIF])
		sel->iif = nla_get_u32(tb[NFVPN_SEL_A_IIF]);
	if (tb[NFVPN_SEL_A_MARK]) {
		sel->mark = nla_get_u32(tb[NFVPN_SEL_A_MARK]);
		sel->mark_mask = 0xffffffff;
	}
	if (tb[NFVPN_SEL_A_MARK_MASK])
		sel->mark_mask = nla_get_u32(tb[NFVPN_SEL_A_MARK_MASK]);
	if (tb[NFVPN_SEL_A_HOOKS])
		sel->hooks = nla_get_u32(tb[NFVPN_SEL_A_HOOKS]);
	if (tb[NFVPN_SEL_A_ACTION])
		sel->action = nla_get_u8(tb[NFVPN_SEL_A_ACTION]);

	err = nfvpn_sel_prepare(sel, &why);
	if (err && extack) {
		/* @why is a literal of selector.c: static, as extack needs. */
		extack->_msg = why;
		extack->bad_attr = nest;
	}
	return err;
}

int nfvpn_nl_add_sel(struct sk_buff *skb, struct genl_info *info)
{
	struct nfvpn_net *nn = nfvpn_pernet(genl_info_net(info));
	struct nfvpn_table *old, *new;
	struct nfvpn_sel sel;
	unsigned int n, pos;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, NFVPN_A_SEL))
		return -EINVAL;
	err = nfvpn_nl_parse_sel(info->attrs[NFVPN_A_SEL], &sel, info->extack);
	if (err)
		return err;

	mutex_lock(&nn->lock);
	old = rcu_dereference_protected(nn->table, lockdep_is_held(&nn->lock));
	n = old ? old->n : 0;
	pos = info->attrs[NFVPN_A_POSITION] ?
	      nla_get_u32(info->attrs[NFVPN_A_POSITION]) : n;
	err = -EINVAL;
	if (pos > n) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFVPN_A_POSITION],
				    "position past the end of the table");
		goto out;
	}
	err = -EEXIST;
	if (nfvpn_table_find(old, sel.id) >= 0) {
		NL_SET_ERR_MSG_MOD(info->extack, "selector id already in use");
		goto out;
	}
	err = -ENOSPC;
	if (n >= NFVPN_MAX_SELECTORS) {
		NL_SET_ERR_MSG_MOD(info->extack, "selector table full");
		goto out;
	}
	err = -ENOMEM;
	new = nfvpn_table_alloc(n + 1);
	if (!new)
		goto out;
	if (pos)
		memcpy(new->sels, old->sels, pos * sizeof(sel));
	new->sels[pos] = sel;
	if (n > pos)
		memcpy(&new->sels[pos + 1], &old->sels[pos], (n - pos) * sizeof(sel));
	err = nfvpn_table_commit(nn, new, info->extack);
out:
	mutex_unlock(&nn->lock);
	return err;
}

int nfvpn_nl_del_sel(struct sk_buff *skb, struct genl_info *info)
{
	struct nfvpn_net *nn = nfvpn_pernet(genl_info_net(info));
	struct nfvpn_table *old, *new;
	int i, err;

	if (GENL_REQ_ATTR_CHECK(info, NFVPN_A_SEL_ID))
		return -EINVAL;

	mutex_lock(&nn->lock);
	old = rcu_dereference_protected(nn->table, lockdep_is_held(&nn->lock));
	i = nfvpn_table_find(old, nla_get_u32(info->attrs[NFVPN_A_SEL_ID]));
	err = -ENOENT;
	if (i < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFVPN_A_SEL_ID],
				    "no selector with this id");
		goto out;
	}
	err = -ENOMEM;
	new = nfvpn_table_alloc(old->n - 1);
	if (!new)
		goto out;
	memcpy(new->sels, old->sels, i * sizeof(new->sels[0]));
	memcpy(&new->sels[i], &old->sels[i + 1],
	       (old->n - i - 1) * sizeof(new->sels[0]));
	err = nfvpn_table_commit(nn, new, info->extack);
out:
	mutex_unlock(&nn->lock);
	return err;
}

int nfvpn_nl_flush_sel(struct sk_buff *skb, struct genl_info *info)
{
	struct nfvpn_net *nn = nfvpn_pernet(genl_info_net(info));
	struct nfvpn_table *new;
	int err;

	new = nfvpn_table_alloc(0);
	if (!new)
		return -ENOMEM;
	mutex_lock(&nn->lock);
	err = nfvpn_table_commit(nn, new, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}

/*
 * The table travels as repeated top-level NFVPN_A_SEL attributes: a
 * single nest would cap it at 64 KiB.
 */
int nfvpn_nl_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct nfvpn_net *nn = nfvpn_pernet(genl_info_net(info));
	struct nlattr *head = genlmsg_data(info->genlhdr);
	int len = genlmsg_len(info->genlhdr);
	struct nfvpn_table *new;
	struct nlattr *attr;
	unsigned int n = 0;
	int rem, err;

	nla_for_each_attr(attr, head, len, rem)
		if (nla_type(attr) == NFVPN_A_SEL)
			n++;
	if (n > NFVPN_MAX_SELECTORS) {
		NL_SET_ERR_MSG_MOD(info->extack, "too many selectors");
		return -E2BIG;
	}
	new = nfvpn_table_alloc(n);
	if (!new)
		return -ENOMEM;
	n = 0;
	nla_for_each_attr(attr, head, len, rem) {
		if (nla_type(attr) != NFVPN_A_SEL)
			continue;
		err = nfvpn_nl_parse_sel(attr, &new->sels[n++], info->extack);
		if (err) {
			nfvpn_table_free(new);
			return err;
		}
	}

	mutex_lock(&nn->lock);
	err = nfvpn_table_commit(nn, new, info->extack);
	mutex_unlock(&nn->lock);
	return err;
}
