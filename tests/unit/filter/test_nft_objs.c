/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rulesets built from libnftnl objects directly (the mirror's and the YAML
 * policy's path): a compiled rule, and an unsupported expression refused
 * with table, chain, handle and expression named.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_test.h"

static void base_objs(struct nfv_nft_objs *o)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();

	CU_ASSERT_FATAL(nfv_nft_objs_init(o) == 0 && t && c);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, "filt");
	nftnl_table_list_add_tail(t, o->tables);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "filt");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "fwd");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_FORWARD);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nftnl_chain_list_add_tail(c, o->chains);
}

static struct nftnl_rule *rule(struct nfv_nft_objs *o, uint64_t handle)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	CU_ASSERT_FATAL(r != NULL);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "filt");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "fwd");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nftnl_rule_list_add_tail(r, o->rules);
	return r;
}

static void add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	CU_ASSERT_FATAL(e != NULL);
	nftnl_rule_add_expr(r, e);
}

/* payload load 1b @ network header + 9 => reg 1; cmp eq reg 1 0x11; drop */
static void udp_drop_rule(struct nfv_nft_objs *o)
{
	struct nftnl_rule *r = rule(o, 4);
	struct nftnl_expr *e;
	uint8_t udp = IPPROTO_UDP;

	e = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 9);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	add_expr(r, e);
	e = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &udp, 1);
	add_expr(r, e);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	add_expr(r, e);
}

static void test_objs_rule(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct nfv_nft_objs o;
	struct rte_mbuf *m;
	struct tp d = { .proto = IPPROTO_UDP, .dport = 1 };
	char err[256];

	base_objs(&o);
	udp_drop_rule(&o);
	CU_ASSERT_FATAL(nfv_filter_ruleset_build(&o, &cfg, &rs, err, sizeof(err)) == 0);
	m = tp_build(&d);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_FORWARD, 0, m, 1),
			NFV_DROP_REASON(NFV_DR_FILTER_RULE));
	rte_pktmbuf_free(m);
	d.proto = IPPROTO_TCP;
	m = tp_build(&d);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_FORWARD, 0, m, 1), NFV_ACCEPT);
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(rs);
	nfv_nft_objs_fini(&o);
}

static void test_objs_unsupported(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = (void *)1;
	struct nfv_nft_objs o;
	struct nftnl_rule *r;
	char err[256];

	base_objs(&o);
	udp_drop_rule(&o);
	r = rule(&o, 42);
	add_expr(r, nftnl_expr_alloc("tproxy"));
	CU_ASSERT_EQUAL(nfv_filter_ruleset_build(&o, &cfg, &rs, err, sizeof(err)),
			-EOPNOTSUPP);
	CU_ASSERT(rs == NULL);
	CU_ASSERT_STRING_EQUAL(err,
		"table ip filt chain fwd handle 42: expression 'tproxy' not supported");
	nfv_nft_objs_fini(&o);
}

static void test_objs_loop(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct nfv_nft_objs o;
	struct nftnl_expr *e;
	struct nftnl_rule *r;
	char err[256];

	base_objs(&o);
	r = rule(&o, 7);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)NFT_GOTO);
	nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, "fwd");
	add_expr(r, e);
	CU_ASSERT_EQUAL(nfv_filter_ruleset_build(&o, &cfg, &rs, err, sizeof(err)), -ELOOP);
	CU_ASSERT(strstr(err, "loop") != NULL);
	nfv_nft_objs_fini(&o);
}

/* queue num 7-8 bypass; the host kernel here has no nft_queue module */
static void test_objs_queue(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct nfv_nft_objs o;
	struct nftnl_expr *e;
	struct rte_mbuf *m;
	struct tp d = { .proto = IPPROTO_TCP, .dport = 1 };
	char err[256];
	uint32_t v;

	base_objs(&o);
	e = nftnl_expr_alloc("queue");
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, 7);
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, 2);
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS, NFT_QUEUE_FLAG_BYPASS);
	add_expr(rule(&o, 9), e);
	CU_ASSERT_FATAL(nfv_filter_ruleset_build(&o, &cfg, &rs, err, sizeof(err)) == 0);
	m = tp_build(&d);
	v = ft_run(rs, NFV_INET_FORWARD, 0, m, 1);
	CU_ASSERT_EQUAL(NFV_VERDICT(v), NFV_QUEUE);
	CU_ASSERT(v & NFV_VERDICT_FLAG_QUEUE_BYPASS);
	CU_ASSERT(NFV_VERDICT_ARG(v & ~NFV_VERDICT_FLAG_QUEUE_BYPASS) == 7 ||
		  NFV_VERDICT_ARG(v & ~NFV_VERDICT_FLAG_QUEUE_BYPASS) == 8);
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(rs);
	nfv_nft_objs_fini(&o);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_nft_objs", NULL, NULL,
		{ "rule from libnftnl objects", test_objs_rule },
		{ "unsupported expression names table/chain/handle/expr", test_objs_unsupported },
		{ "jump loop refused", test_objs_loop },
		{ "queue with fanout and bypass", test_objs_queue });
	return nfv_test_run();
}
