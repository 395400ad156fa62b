/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter on the control side (control/filter.c): without a filter
 * section every request is refused; with one that mirrors a table (no
 * nft text to compile) and conntrack on, FILTER_INFO, CT_LIST, CT_FLUSH,
 * and a ruleset loaded as the mirror loads it: nf_tables netlink messages
 * built with libnftnl, in chunks (FILTER_LOAD_BEGIN/DATA/COMMIT), then
 * FILTER_RULESET; and loads that are refused and leave the ruleset.
 */
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "ctl_fake.h"
#include "filter.h"
#include "nfv_flowtable.h"
#include "nfv_policy_filter.h"

static struct ctl_fake f;
static struct nfv_mgmt_conn *c;

static struct nfv_policy_filter mirror = {
	.source = NFV_FILTER_SRC_MIRROR,
	.mirror_family = NFPROTO_IPV4,
	.mirror_table = "filt",
	.conntrack = true,
	.ct_max = 1024,
	.log_rate = 50,
};

static void setup(struct nfv_policy_filter *pf)
{
	ctl_fake_init(&f);
	f.pol.filter = pf;
	CTL_START(&f, "filter");
	c = ctl_conn_open(&f);
}

/* table ip filt { chain fwd { type filter hook forward priority 0; policy accept;
 *   ip protocol udp drop (handle 4) } }, as netlink messages in buf. */
static size_t ruleset_msgs(uint8_t *buf, size_t cap, const char *expr)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;
	uint8_t udp = IPPROTO_UDP;
	size_t off = 0;

	CU_ASSERT_FATAL(t != NULL && ch != NULL && r != NULL && cap >= 4096);
	memset(buf, 0, cap);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, "filt");
	nlh = nftnl_nlmsg_build_hdr((char *)buf + off, NFT_MSG_NEWTABLE, NFPROTO_IPV4, 0, 1);
	nftnl_table_nlmsg_build_payload(nlh, t);
	off += MNL_ALIGN(nlh->nlmsg_len);

	nftnl_chain_set_u32(ch, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, "filt");
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, "fwd");
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, NF_INET_FORWARD);
	nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_nlmsg_build_hdr((char *)buf + off, NFT_MSG_NEWCHAIN, NFPROTO_IPV4, 0, 2);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	off += MNL_ALIGN(nlh->nlmsg_len);

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "filt");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "fwd");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, 4);
	e = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 9);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &udp, 1);
	nftnl_rule_add_expr(r, e);
	if (expr != NULL) {
		nftnl_rule_add_expr(r, nftnl_expr_alloc(expr));
	} else {
		e = nftnl_expr_alloc("immediate");
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
		nftnl_rule_add_expr(r, e);
	}
	nlh = nftnl_nlmsg_build_hdr((char *)buf + off, NFT_MSG_NEWRULE, NFPROTO_IPV4, 0, 3);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	off += MNL_ALIGN(nlh->nlmsg_len);
	CU_ASSERT_FATAL(off <= cap);

	nftnl_rule_free(r);
	nftnl_chain_free(ch);
	nftnl_table_free(t);
	return off;
}

static uint32_t load_begin(void)
{
	struct nfv_msg_filter_txn t = { 0 };
	struct ctl_resp r;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_FILTER_LOAD_BEGIN, NULL, 0, &r), 0);
	CU_ASSERT_EQUAL(r.h.len, sizeof(t));
	if (r.h.len == sizeof(t))
		memcpy(&t, r.p, sizeof(t));
	ctl_resp_free(&r);
	CU_ASSERT_NOT_EQUAL(t.txn, 0);
	return t.txn;
}

/* LOAD_DATA of len bytes; what dispatch returned. */
static int load_data(uint32_t txn, const uint8_t *data, uint32_t len)
{
	uint8_t buf[sizeof(struct nfv_msg_filter_data) + NFV_MSG_FILTER_CHUNK_MAX];
	struct nfv_msg_filter_data *d = (void *)buf;

	CU_ASSERT_FATAL(len <= NFV_MSG_FILTER_CHUNK_MAX);
	d->txn = txn;
	d->len = len;
	memcpy(d->data, data, len);
	return ctl_call(&f, c, NFV_MSG_FILTER_LOAD_DATA, d, sizeof(*d) + len, NULL);
}

static struct nfv_msg_filter_commit commit_msg(uint32_t txn, const char *origin)
{
	struct nfv_msg_filter_commit cm = { .txn = txn, .source = NFV_FILTER_SOURCE_MIRROR };

	strcpy(cm.origin, origin);
	return cm;
}

static struct nfv_msg_filter_info info(void)
{
	struct nfv_msg_filter_info fi = { 0 };
	struct ctl_resp r;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_FILTER_INFO, NULL, 0, &r), 0);
	CU_ASSERT_EQUAL(r.h.len, sizeof(fi));
	if (r.h.len == sizeof(fi))
		memcpy(&fi, r.p, sizeof(fi));
	ctl_resp_free(&r);
	return fi;
}

static bool hook_listed(const char *prefix, uint8_t hook)
{
	const struct nfv_msg_hook *l;
	struct ctl_resp r;
	bool found = false;
	uint32_t n;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_HOOKS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &n);
	for (uint32_t i = 0; l != NULL && i < n; i++)
		found |= strncmp(l[i].name, prefix, strlen(prefix)) == 0 && l[i].hook == hook;
	ctl_resp_free(&r);
	return found;
}

static void test_no_filter(void)
{
	static const uint16_t types[] = {
		NFV_MSG_FILTER_RULESET, NFV_MSG_FILTER_INFO, NFV_MSG_FILTER_LOAD_BEGIN,
		NFV_MSG_FILTER_LOAD_DATA, NFV_MSG_FILTER_LOAD_COMMIT, NFV_MSG_CT_LIST,
		NFV_MSG_CT_FLUSH,
	};

	setup(NULL);
	CU_ASSERT_PTR_NULL(f.dp.filter);
	for (unsigned int i = 0; i < RTE_DIM(types); i++)
		CTL_ERR(&f, c, types[i], NULL, 0, -ENOTSUP, "the policy has no filter section");
	ctl_fake_fini(&f);
}

/* A mirror waits for its first ruleset; conntrack runs from the start. */
static void test_info_and_conntrack(void)
{
	struct nfv_msg_filter_info fi;
	struct ctl_resp r;
	uint32_t n;

	setup(&mirror);
	fi = info();
	CU_ASSERT_EQUAL(fi.source, NFV_FILTER_SOURCE_NONE);
	CU_ASSERT_EQUAL(fi.conntrack, 1);
	CU_ASSERT_EQUAL(fi.ct_max, 1024);
	CU_ASSERT_EQUAL(fi.ct_count, 0);
	CU_ASSERT_EQUAL(fi.rules, 0);
	CU_ASSERT_EQUAL(fi.loads, 0);
	CU_ASSERT_STRING_EQUAL(fi.origin, "waiting for the mirror of ip filt");
	CU_ASSERT(hook_listed("conntrack-in", NFV_INET_PRE_ROUTING));
	CU_ASSERT(hook_listed("conntrack-confirm-out", NFV_INET_POST_ROUTING));

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_CT_LIST, NULL, 0, &r), 0);
	ctl_list(&r, sizeof(struct nfv_msg_ct), &n);
	CU_ASSERT_EQUAL(n, 0);
	ctl_resp_free(&r);
	CTL_OK(&f, c, NFV_MSG_CT_FLUSH, NULL, 0);
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_FILTER_RULESET, NULL, 0, &r), 0);
	ctl_list(&r, sizeof(struct nfv_msg_filter_obj), &n);
	CU_ASSERT_EQUAL(n, 0);
	ctl_resp_free(&r);
	ctl_fake_fini(&f);
}

static void test_load(void)
{
	static uint8_t msgs[8192];
	const struct nfv_msg_filter_obj *o;
	struct nfv_msg_filter_commit cm;
	struct nfv_msg_filter_info fi;
	struct ctl_resp r;
	size_t len;
	uint32_t txn, n;
	uint64_t gen, ft_gen;

	setup(&mirror);
	len = ruleset_msgs(msgs, sizeof(msgs), NULL);
	CU_ASSERT_EQUAL(load_data(1, msgs, 16), -ESRCH);	/* no BEGIN yet */
	gen = f.dp.generation;
	/* conntrack on: the flowtable too, whose generation every load bumps */
	CU_ASSERT_FATAL(f.dp.flowtable != NULL);
	ft_gen = *nfv_flowtable_state_ptr(f.dp.flowtable) >> 32;
	txn = load_begin();
	CU_ASSERT_EQUAL(load_data(txn + 1, msgs, 16), -ESRCH);
	/* a message may span chunks */
	CU_ASSERT_EQUAL(load_data(txn, msgs, 20), 0);
	CU_ASSERT_EQUAL(load_data(txn, msgs + 20, len - 20), 0);
	cm = commit_msg(txn + 1, "mirror ip filt");
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm), -ESRCH,
		"no open load transaction");
	cm = commit_msg(txn, "mirror ip filt");
	CTL_OK(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 1);
	CU_ASSERT_EQUAL(*nfv_flowtable_state_ptr(f.dp.flowtable) >> 32, ft_gen + 1);
	/* an SA or policy change (ipsec.c) */
	nfv_filter_ctl_flows_invalidate(&f.dp);
	CU_ASSERT_EQUAL(*nfv_flowtable_state_ptr(f.dp.flowtable) >> 32, ft_gen + 2);
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm), -ESRCH,
		"no open load transaction");

	fi = info();
	CU_ASSERT_EQUAL(fi.source, NFV_FILTER_SOURCE_MIRROR);
	CU_ASSERT_EQUAL(fi.rules, 1);
	CU_ASSERT_EQUAL(fi.loads, 1);
	CU_ASSERT_EQUAL(fi.load_errors, 0);
	CU_ASSERT_EQUAL(fi.generation, 1);
	CU_ASSERT_STRING_EQUAL(fi.origin, "mirror ip filt");
	CU_ASSERT(hook_listed("nft-", NFV_INET_FORWARD));

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_FILTER_RULESET, NULL, 0, &r), 0);
	o = ctl_list(&r, sizeof(*o), &n);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(o[0].kind, NFV_FILTER_OBJ_TABLE);
	CU_ASSERT_STRING_EQUAL(o[0].table, "filt");
	CU_ASSERT_EQUAL(o[1].kind, NFV_FILTER_OBJ_CHAIN);
	CU_ASSERT_STRING_EQUAL(o[1].name, "fwd");
	CU_ASSERT_EQUAL(o[1].base, 1);
	CU_ASSERT_EQUAL(o[1].hook, NFV_INET_FORWARD);
	CU_ASSERT_EQUAL(o[1].policy, NFV_ACCEPT);
	CU_ASSERT_EQUAL(o[2].kind, NFV_FILTER_OBJ_RULE);
	CU_ASSERT_EQUAL(o[2].handle, 4);
	CU_ASSERT_EQUAL(o[2].packets, 0);
	CU_ASSERT(strlen(o[2].text) > 0);
	ctl_resp_free(&r);

	/* a new BEGIN drops an unfinished load */
	txn = load_begin();
	CU_ASSERT_EQUAL(load_data(txn, msgs, 20), 0);
	CU_ASSERT_EQUAL(load_begin(), txn + 1);
	CU_ASSERT_EQUAL(load_data(txn, msgs + 20, 16), -ESRCH);
	ctl_fake_fini(&f);
}

/* Refused loads: counted, the reason kept, the running ruleset stays. */
static void test_load_refused(void)
{
	static uint8_t msgs[8192];
	uint8_t buf[sizeof(struct nfv_msg_filter_data) + 8];
	struct nfv_msg_filter_data *d = (void *)buf;
	struct nfv_msg_filter_commit cm;
	struct nfv_msg_filter_info fi;
	size_t len;
	uint32_t txn;
	uint64_t gen;

	setup(&mirror);
	len = ruleset_msgs(msgs, sizeof(msgs), NULL);
	txn = load_begin();
	CU_ASSERT_EQUAL(load_data(txn, msgs, len), 0);
	cm = commit_msg(txn, "mirror ip filt");
	CTL_OK(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm));
	gen = f.dp.generation;

	/* a chunk that says more than it carries, or too much */
	txn = load_begin();
	d->txn = txn;
	d->len = 9;
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_DATA, d, sizeof(buf), -EINVAL, "malformed");
	d->len = NFV_MSG_FILTER_CHUNK_MAX + 1;
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_DATA, d, sizeof(buf), -EINVAL, "malformed");
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_DATA, d, 3, -EINVAL, "malformed");
	/* half a message */
	CU_ASSERT_EQUAL(load_data(txn, msgs, len - 8), 0);
	cm = commit_msg(txn, "mirror ip filt");
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm), -EINVAL,
		"trailing bytes after the last netlink message");
	fi = info();
	CU_ASSERT_EQUAL(fi.load_errors, 1);
	CU_ASSERT(strstr(fi.last_error, "trailing bytes") != NULL);
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm) - 1, -EINVAL,
		"malformed commit");

	/* an attribute of the wrong size: libnftnl would exit the process
	 * (abi_breakage()); nfvpn-nftc --validate, a child, takes that */
	{
		struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr((char *)msgs, NFT_MSG_NEWTABLE,
							     NFPROTO_IPV4, 0, 0);

		mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, "bad");
		mnl_attr_put_u16(nlh, NFTA_TABLE_FLAGS, 1);
		txn = load_begin();
		CU_ASSERT_EQUAL(load_data(txn, msgs, nlh->nlmsg_len), 0);
		cm = commit_msg(txn, "mirror ip filt");
		CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm), -EINVAL,
			"malformed ruleset messages: ");
	}
	/* a rule expression without a name: libnftnl's parser dereferences
	 * NULL (found by nft_fuzz_test); the validator dies, not the dataplane */
	{
		struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr((char *)msgs, NFT_MSG_NEWRULE,
							     NFPROTO_IPV4, 0, 0);
		struct nlattr *list, *elem;

		mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "filt");
		mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "fwd");
		list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
		elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
		mnl_attr_put_u32(nlh, NFTA_EXPR_DATA, 0);
		mnl_attr_nest_end(nlh, elem);
		mnl_attr_nest_end(nlh, list);
		txn = load_begin();
		CU_ASSERT_EQUAL(load_data(txn, msgs, nlh->nlmsg_len), 0);
		cm = commit_msg(txn, "mirror ip filt");
		/* the validator's death says why ("killed by signal 11", or
		 * AddressSanitizer's report in a sanitized build) */
		CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm), -EINVAL,
			"malformed ruleset messages: ");
	}

	/* an expression the compiler does not have */
	len = ruleset_msgs(msgs, sizeof(msgs), "tproxy");
	txn = load_begin();
	CU_ASSERT_EQUAL(load_data(txn, msgs, len), 0);
	cm = commit_msg(txn, "mirror ip filt");
	CTL_ERR(&f, c, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm), -EOPNOTSUPP,
		"table ip filt chain fwd handle 4: expression 'tproxy' not supported");

	fi = info();
	CU_ASSERT_EQUAL(fi.loads, 1);
	CU_ASSERT_EQUAL(fi.load_errors, 4);
	CU_ASSERT(strstr(fi.last_error, "tproxy") != NULL);
	CU_ASSERT_EQUAL(fi.rules, 1);
	CU_ASSERT_EQUAL(f.dp.generation, gen);
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_filter", NULL, NULL,
		{ "no filter section: every filter request refused", test_no_filter },
		{ "a mirror and conntrack: FILTER_INFO, CT_LIST, CT_FLUSH, hooks",
		  test_info_and_conntrack },
		{ "a ruleset loaded in chunks: LOAD_*, FILTER_INFO, FILTER_RULESET", test_load },
		{ "refused loads keep the running ruleset", test_load_refused });
	return nfv_test_run();
}
