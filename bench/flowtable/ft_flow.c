/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdint.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "ft_flow.h"

struct out {
	char *buf;
	size_t cap, len;
	int err;
};

static struct nlmsghdr *hdr(struct out *o, uint16_t type)
{
	if (o->cap - o->len < 4096) {
		o->err = 1;
		return NULL;
	}
	return nftnl_nlmsg_build_hdr(o->buf + o->len, type, NFPROTO_INET, 0, 0);
}

static void done(struct out *o, struct nlmsghdr *nlh)
{
	o->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void rule(struct out *o, uint64_t handle, struct nftnl_expr *e)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh = hdr(o, NFT_MSG_NEWRULE);

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "t");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "forward");
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nftnl_rule_add_expr(r, e);
	if (nlh != NULL) {
		nftnl_rule_nlmsg_build_payload(nlh, r);
		done(o, nlh);
	}
	nftnl_rule_free(r);
}

size_t ft_flow_msgs(void *buf, size_t cap, const struct ft_flow_spec *spec)
{
	struct out o = { .buf = buf, .cap = cap };
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_flowtable *f = nftnl_flowtable_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, "t");
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	if ((nlh = hdr(&o, NFT_MSG_NEWTABLE)) != NULL) {
		nftnl_table_nlmsg_build_payload(nlh, t);
		done(&o, nlh);
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "t");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "forward");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, spec->hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	if ((nlh = hdr(&o, NFT_MSG_NEWCHAIN)) != NULL) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		done(&o, nlh);
	}
	nftnl_flowtable_set_str(f, NFTNL_FLOWTABLE_TABLE, "t");
	nftnl_flowtable_set_str(f, NFTNL_FLOWTABLE_NAME, "ft");
	nftnl_flowtable_set_u32(f, NFTNL_FLOWTABLE_FAMILY, NFPROTO_INET);
	nftnl_flowtable_set_u32(f, NFTNL_FLOWTABLE_HOOKNUM, NF_NETDEV_INGRESS);
	nftnl_flowtable_set_s32(f, NFTNL_FLOWTABLE_PRIO, 0);
	nftnl_flowtable_set_array(f, NFTNL_FLOWTABLE_DEVICES, (const char **)spec->devs);
	if ((nlh = hdr(&o, NFT_MSG_NEWFLOWTABLE)) != NULL) {
		nftnl_flowtable_nlmsg_build_payload(nlh, f);
		done(&o, nlh);
	}
	rule(&o, 2, nftnl_expr_alloc("counter"));
	if (spec->use != NULL) {
		e = nftnl_expr_alloc("flow_offload");
		nftnl_expr_set_str(e, NFTNL_EXPR_FLOW_TABLE_NAME, spec->use);
		rule(&o, 3, e);
	}
	nftnl_table_free(t);
	nftnl_chain_free(c);
	nftnl_flowtable_free(f);
	return o.err ? 0 : o.len;
}
