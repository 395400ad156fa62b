/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the two halves of the genetlink family. */
#ifndef _NFVPN_NETLINK_H
#define _NFVPN_NETLINK_H

#include <net/genetlink.h>

#include "uapi/nfvpn.h"

extern struct genl_family nfvpn_genl_family;
extern const struct nla_policy nfvpn_sel_policy[NFVPN_SEL_A_MAX + 1];

int nfvpn_nl_add_sel(struct sk_buff *skb, struct genl_info *info);
int nfvpn_nl_del_sel(struct sk_buff *skb, struct genl_info *info);
int nfvpn_nl_flush_sel(struct sk_buff *skb, struct genl_info *info);
int nfvpn_nl_replace(struct sk_buff *skb, struct genl_info *info);

#endif /* _NFVPN_NETLINK_H */
