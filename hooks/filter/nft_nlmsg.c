/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nf_tables netlink messages into libnftnl objects: the one parser of
 * both sources, a kernel table's dump (the mirror) and nft text that the
 * compiler (control/nftc) loaded into a namespace of its own and dumped.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "nfv_filter.h"

static struct nftnl_set *set_find(struct nftnl_set_list *l, const struct nftnl_set *k)
{
	struct nftnl_set_list_iter *it = nftnl_set_list_iter_create(l);
	struct nftnl_set *s;

	if (it == NULL)
		return NULL;
	while ((s = nftnl_set_list_iter_next(it)) != NULL)
		if (nftnl_set_get_u32(s, NFTNL_SET_FAMILY) ==
		    nftnl_set_get_u32(k, NFTNL_SET_FAMILY) &&
		    !strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE),
			    nftnl_set_get_str(k, NFTNL_SET_TABLE)) &&
		    !strcmp(nftnl_set_get_str(s, NFTNL_SET_NAME),
			    nftnl_set_get_str(k, NFTNL_SET_NAME)))
			break;
	nftnl_set_list_iter_destroy(it);
	return s;
}

static int add_setelems(struct nfv_nft_objs *o, const struct nlmsghdr *nlh)
{
	struct nftnl_set *k = nftnl_set_alloc(), *s;
	int ret = -ENOMEM;

	if (k == NULL)
		return -ENOMEM;
	if (nftnl_set_elems_nlmsg_parse(nlh, k) < 0 || !nftnl_set_is_set(k, NFTNL_SET_TABLE) ||
	    !nftnl_set_is_set(k, NFTNL_SET_NAME)) {
		ret = -EINVAL;
		goto out;
	}
	s = set_find(o->sets, k);
	ret = s == NULL ? -ENOENT : (nftnl_set_elems_nlmsg_parse(nlh, s) < 0 ? -EINVAL : 0);
out:
	nftnl_set_free(k);
	return ret;
}

int nfv_nft_objs_add_nlmsg(struct nfv_nft_objs *o, const void *msg)
{
	const struct nlmsghdr *nlh = msg;
	struct nftnl_table *t;
	struct nftnl_chain *c;
	struct nftnl_set *s;
	struct nftnl_flowtable *ft;
	struct nftnl_rule *r;
	struct nftnl_obj *ob;

	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWTABLE:
		t = nftnl_table_alloc();
		if (t == NULL)
			return -ENOMEM;
		/* what the compiler names every object by must be there */
		if (nftnl_table_nlmsg_parse(nlh, t) < 0 ||
		    !nftnl_table_is_set(t, NFTNL_TABLE_NAME)) {
			nftnl_table_free(t);
			return -EINVAL;
		}
		nftnl_table_list_add_tail(t, o->tables);
		return 0;
	case NFT_MSG_NEWCHAIN:
		c = nftnl_chain_alloc();
		if (c == NULL)
			return -ENOMEM;
		if (nftnl_chain_nlmsg_parse(nlh, c) < 0 ||
		    !nftnl_chain_is_set(c, NFTNL_CHAIN_TABLE) ||
		    !nftnl_chain_is_set(c, NFTNL_CHAIN_NAME)) {
			nftnl_chain_free(c);
			return -EINVAL;
		}
		nftnl_chain_list_add_tail(c, o->chains);
		return 0;
	case NFT_MSG_NEWSET:
		s = nftnl_set_alloc();
		if (s == NULL)
			return -ENOMEM;
		if (nftnl_set_nlmsg_parse(nlh, s) < 0 || !nftnl_set_is_set(s, NFTNL_SET_TABLE) ||
		    !nftnl_set_is_set(s, NFTNL_SET_NAME)) {
			nftnl_set_free(s);
			return -EINVAL;
		}
		nftnl_set_list_add_tail(s, o->sets);
		return 0;
	case NFT_MSG_NEWSETELEM:
		return add_setelems(o, nlh);
	case NFT_MSG_NEWRULE:
		r = nftnl_rule_alloc();
		if (r == NULL)
			return -ENOMEM;
		if (nftnl_rule_nlmsg_parse(nlh, r) < 0 || !nftnl_rule_is_set(r, NFTNL_RULE_TABLE) ||
		    !nftnl_rule_is_set(r, NFTNL_RULE_CHAIN)) {
			nftnl_rule_free(r);
			return -EINVAL;
		}
		nftnl_rule_list_add_tail(r, o->rules);
		return 0;
	case NFT_MSG_NEWFLOWTABLE:
		if (o->flowtables == NULL)
			return -EINVAL;
		ft = nftnl_flowtable_alloc();
		if (ft == NULL)
			return -ENOMEM;
		if (nftnl_flowtable_nlmsg_parse(nlh, ft) < 0 ||
		    !nftnl_flowtable_is_set(ft, NFTNL_FLOWTABLE_TABLE) ||
		    !nftnl_flowtable_is_set(ft, NFTNL_FLOWTABLE_NAME)) {
			nftnl_flowtable_free(ft);
			return -EINVAL;
		}
		nftnl_flowtable_list_add_tail(ft, o->flowtables);
		return 0;
	case NFT_MSG_NEWOBJ:
		if (o->objs == NULL)
			return -EINVAL;
		ob = nftnl_obj_alloc();
		if (ob == NULL)
			return -ENOMEM;
		/* the compiler names and types every object: all must be there */
		if (nftnl_obj_nlmsg_parse(nlh, ob) < 0 || !nftnl_obj_is_set(ob, NFTNL_OBJ_TABLE) ||
		    !nftnl_obj_is_set(ob, NFTNL_OBJ_NAME) || !nftnl_obj_is_set(ob, NFTNL_OBJ_TYPE)) {
			nftnl_obj_free(ob);
			return -EINVAL;
		}
		nftnl_obj_list_add_tail(ob, o->objs);
		return 0;
	}
	return 0;	/* other messages (generations) do not matter */
}

int nfv_nft_objs_add_stream(struct nfv_nft_objs *o, const void *buf, size_t len,
			    char *err, size_t errlen)
{
	const struct nlmsghdr *nlh;
	int left = (int)len, ret = 0;

	if (len > INT_MAX) {
		snprintf(err, errlen, "%zu bytes of netlink messages: too many", len);
		return -EFBIG;
	}
	/* mnl_nlmsg_ok() takes a length of 2^31 or more for a negative one,
	 * and mnl_nlmsg_next() then steps by 0: checked here (the fuzzer) */
	for (nlh = buf; ret == 0 && mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (uint32_t)left;
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		ret = nfv_nft_objs_add_nlmsg(o, nlh);
		if (ret < 0)
			snprintf(err, errlen, "netlink message type %u: %s",
				 NFNL_MSG_TYPE(nlh->nlmsg_type), strerror(-ret));
	}
	if (ret == 0 && left != 0) {
		snprintf(err, errlen, "%d trailing bytes after the last netlink message", left);
		ret = -EINVAL;
	}
	return ret;
}
