/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * numgen (hooks/filter/expr/numgen.c), from libnftnl objects: the numbers
 * "inc" and "random" give (written to the packet's mark, so each packet
 * shows its number), inc's one counter shared by two workers running at
 * once, and the rulesets the kernel's nft_numgen refuses; and the other
 * number maker, jhash (hooks/filter/expr/hash.c), against lookup3 written
 * out here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

/* table ip filt { chain fwd { type filter hook forward priority 0; } } */
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

/* numgen TYPE mod MOD offset OFF => reg 1, as nft emits it */
static void numgen(struct nftnl_rule *r, uint32_t type, uint32_t mod, uint32_t off)
{
	struct nftnl_expr *e = nftnl_expr_alloc("numgen");

	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, mod);
	if (off)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NG_OFFSET, off);
	nftnl_rule_add_expr(r, e);
}

/* meta mark set reg 1 */
static void mark_set(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_MARK);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

/* cmp eq reg 1 v; counter */
static void count_if(struct nftnl_rule *r, uint32_t v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &v, sizeof(v));
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("counter");
	CU_ASSERT_FATAL(e != NULL);
	nftnl_rule_add_expr(r, e);
}

static struct nfv_filter_ruleset *build(struct nfv_nft_objs *o, unsigned int workers)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	char err[256];
	int ret;

	cfg.nb_workers = workers;
	ret = nfv_filter_ruleset_build(o, &cfg, &rs, err, sizeof(err));
	if (ret)
		fprintf(stderr, "build: %d %s\n", ret, err);
	CU_ASSERT_FATAL(ret == 0 && rs != NULL);
	return rs;
}

/* The mark the ruleset leaves on one packet (set to 0xdead before). */
static uint32_t mark_of(const struct nfv_filter_ruleset *rs)
{
	struct tp d = { .proto = IPPROTO_UDP, .dport = 53, .mark = 0xdead };
	struct rte_mbuf *m = tp_build(&d);
	uint32_t mark;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(ft_run(rs, NFV_INET_FORWARD, 0, m, 1), NFV_ACCEPT);
	mark = nfv_mbuf_meta(m)->mark;
	rte_pktmbuf_free(m);
	return mark;
}

/* numgen inc mod 3 offset 5: 5, 6, 7, 5, ...; a second one counts alone */
static void test_inc(void)
{
	struct nfv_nft_objs o;
	struct nfv_filter_ruleset *rs;
	struct nfv_filter_rule_info ri;
	struct nftnl_rule *r;

	base_objs(&o);
	r = rule(&o, 1);
	numgen(r, NFT_NG_INCREMENTAL, 3, 5);
	mark_set(r);
	r = rule(&o, 2);
	numgen(r, NFT_NG_INCREMENTAL, 4, 0);
	count_if(r, 3);
	rs = build(&o, 1);
	for (unsigned int k = 0; k < 10; k++)
		CU_ASSERT_EQUAL(mark_of(rs), 5 + k % 3);
	/* the second rule's numgen gave 0..3, 0..3, 0, 1: 3 twice */
	CU_ASSERT_FATAL(nfv_filter_rule_get(rs, 1, &ri) == 0);
	CU_ASSERT_EQUAL(ri.packets, 2);
	nfv_filter_ruleset_free(rs);
	/* a new ruleset starts again at 0, as a new kernel expression does */
	rs = build(&o, 1);
	CU_ASSERT_EQUAL(mark_of(rs), 5);
	nfv_filter_ruleset_free(rs);
	nfv_nft_objs_fini(&o);
}

/* modulus 1, and the largest offsets that do not overflow */
static void test_inc_edges(void)
{
	struct nfv_nft_objs o;
	struct nfv_filter_ruleset *rs;
	struct nftnl_rule *r;

	base_objs(&o);
	r = rule(&o, 1);
	numgen(r, NFT_NG_INCREMENTAL, 1, 0xffffffff);
	mark_set(r);
	rs = build(&o, 1);
	for (unsigned int k = 0; k < 3; k++)
		CU_ASSERT_EQUAL(mark_of(rs), 0xffffffff);
	nfv_filter_ruleset_free(rs);
	nfv_nft_objs_fini(&o);

	base_objs(&o);
	r = rule(&o, 1);
	numgen(r, NFT_NG_INCREMENTAL, 0x10000, 0xffff0000);
	mark_set(r);
	rs = build(&o, 1);
	for (uint32_t k = 0; k < 0x10001; k++)	/* ..., 0xffffffff, 0xffff0000 */
		CU_ASSERT_EQUAL(mark_of(rs), 0xffff0000 + (k & 0xffff));
	nfv_filter_ruleset_free(rs);
	nfv_nft_objs_fini(&o);
}

/* numgen random mod 4 offset 10: 10..13, each about a quarter of the time */
static void test_random(void)
{
	unsigned int seen[4] = { 0 }, n = 4000;
	struct nfv_nft_objs o;
	struct nfv_filter_ruleset *rs;
	struct nftnl_rule *r;
	uint32_t v;

	base_objs(&o);
	r = rule(&o, 1);
	numgen(r, NFT_NG_RANDOM, 4, 10);
	mark_set(r);
	rs = build(&o, 1);
	for (unsigned int k = 0; k < n; k++) {
		v = mark_of(rs);
		CU_ASSERT_FATAL(v >= 10 && v < 14);
		seen[v - 10]++;
	}
	for (unsigned int k = 0; k < 4; k++)	/* 1000 expected, sigma ~27 */
		CU_ASSERT(seen[k] > 850 && seen[k] < 1150);
	nfv_filter_ruleset_free(rs);
	nfv_nft_objs_fini(&o);
}

struct worker_arg {
	const struct nfv_filter_ruleset *rs;
	unsigned int worker;
	unsigned int packets;
	struct rte_mbuf *m;
	pthread_barrier_t *start;
};

static void *worker_run(void *arg)
{
	struct worker_arg *w = arg;
	struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .worker = w->worker,
				     .now = 1, .table = ft_table };
	uint32_t v;

	pthread_barrier_wait(w->start);
	for (unsigned int k = 0; k < w->packets; k++)
		nfv_filter_ruleset_run(w->rs, 0, &w->m, 1, &v, &st);
	return NULL;
}

/*
 * numgen inc mod 2 == 0 counter, two workers at once, an odd number of
 * packets each: one sequence over both gives exactly one 0 in two
 * (packets of them); a counter per worker would give packets + 1.
 */
static void test_inc_shared(void)
{
	const unsigned int packets = 200001;
	struct tp d = { .proto = IPPROTO_UDP, .dport = 53 };
	struct nfv_nft_objs o;
	struct nfv_filter_ruleset *rs;
	struct nfv_filter_rule_info ri;
	struct worker_arg w[2];
	pthread_barrier_t start;
	pthread_t t[2];
	struct nftnl_rule *r;

	base_objs(&o);
	r = rule(&o, 1);
	numgen(r, NFT_NG_INCREMENTAL, 2, 0);
	count_if(r, 0);
	rs = build(&o, 2);
	CU_ASSERT_FATAL(pthread_barrier_init(&start, NULL, 2) == 0);
	for (unsigned int k = 0; k < 2; k++) {
		w[k] = (struct worker_arg){ .rs = rs, .worker = k, .packets = packets,
					    .m = tp_build(&d), .start = &start };
		CU_ASSERT_FATAL(w[k].m != NULL);
	}
	for (unsigned int k = 0; k < 2; k++)
		CU_ASSERT_FATAL(pthread_create(&t[k], NULL, worker_run, &w[k]) == 0);
	for (unsigned int k = 0; k < 2; k++) {
		pthread_join(t[k], NULL);
		rte_pktmbuf_free(w[k].m);
	}
	pthread_barrier_destroy(&start);
	CU_ASSERT_FATAL(nfv_filter_rule_get(rs, 0, &ri) == 0);
	CU_ASSERT_EQUAL(ri.packets, packets);
	nfv_filter_ruleset_free(rs);
	nfv_nft_objs_fini(&o);
}

/* Builds a one-rule ruleset with e; returns the error, err holds the text */
static int build_err(struct nftnl_expr *e, char *err, size_t len)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = (void *)1;
	struct nfv_nft_objs o;
	int ret;

	base_objs(&o);
	CU_ASSERT_FATAL(e != NULL);
	nftnl_rule_add_expr(rule(&o, 9), e);
	ret = nfv_filter_ruleset_build(&o, &cfg, &rs, err, len);
	CU_ASSERT(rs == NULL);
	nfv_nft_objs_fini(&o);
	return ret;
}

static struct nftnl_expr *ng(uint32_t type, uint32_t mod, uint32_t off)
{
	struct nftnl_expr *e = nftnl_expr_alloc("numgen");

	if (e == NULL)
		return NULL;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, mod);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_OFFSET, off);
	return e;
}

/* what nft_ng_inc_init() / nft_ng_random_init() / nft_ng_select_ops() refuse */
static void test_refused(void)
{
	struct nftnl_expr *e;
	char err[256];

	CU_ASSERT_EQUAL(build_err(ng(NFT_NG_INCREMENTAL, 0, 0), err, sizeof(err)), -ERANGE);
	CU_ASSERT_STRING_EQUAL(err,
		"table ip filt chain fwd handle 9: expression 'numgen' with modulus 0");
	CU_ASSERT_EQUAL(build_err(ng(NFT_NG_RANDOM, 0, 0), err, sizeof(err)), -ERANGE);
	CU_ASSERT_EQUAL(build_err(ng(NFT_NG_RANDOM, 2, 0xffffffff), err, sizeof(err)),
			-EOVERFLOW);
	CU_ASSERT(strstr(err, "handle 9: expression 'numgen' offset 4294967295 + modulus 2") != NULL);
	CU_ASSERT_EQUAL(build_err(ng(NFT_NG_INCREMENTAL, 0x10001, 0xffff0000), err, sizeof(err)),
			-EOVERFLOW);
	CU_ASSERT_EQUAL(build_err(ng(2, 2, 0), err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT_STRING_EQUAL(err,
		"table ip filt chain fwd handle 9: expression 'numgen' type 2 not supported");
	e = nftnl_expr_alloc("numgen");		/* no register */
	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, NFT_NG_INCREMENTAL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, 2);
	CU_ASSERT_EQUAL(build_err(e, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "'numgen' malformed") != NULL);
	e = ng(NFT_NG_INCREMENTAL, 2, 0);
	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, 42);
	CU_ASSERT_EQUAL(build_err(e, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "bad register 42") != NULL);
}

/*
 * Bob Jenkins' lookup3 (hashlittle()) for up to 12 bytes, as the kernel's
 * jhash() computes it: the reference the engine's rte_jhash() must equal.
 */
static uint32_t rol32(uint32_t x, unsigned int k)
{
	return (x << k) | (x >> (32 - k));
}

static uint32_t lookup3_short(const uint8_t *k, uint32_t len, uint32_t seed)
{
	uint32_t w[3] = { 0 }, a, b, c;

	for (uint32_t n = 0; n < len; n++)
		w[n / 4] |= (uint32_t)k[n] << (8 * (n % 4));
	a = b = c = 0xdeadbeef + len + seed;
	a += w[0];
	b += w[1];
	c += w[2];
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}

/* immediate reg 1 = the len bytes of data; jhash reg 1 len => reg 1 */
static void jhash_rule(struct nftnl_rule *r, const uint8_t *data, uint32_t len,
		       uint32_t mod, uint32_t seed, uint32_t off)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("hash");
	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_MODULUS, mod);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_SEED, seed);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_TYPE, NFT_HASH_JENKINS);
	nftnl_rule_add_expr(r, e);
}

/* jhash of 2, 4, 8 and 12 bytes: reciprocal_scale(lookup3) + offset */
static void test_jhash(void)
{
	static const uint8_t data[12] = { 10, 0, 0, 1, 192, 0, 2, 7, 0x13, 0x88, 0, 53 };
	static const uint32_t lens[] = { 2, 4, 8, 12 };
	static const uint32_t mods[] = { 1, 7, 1000, 0x80000000 };

	for (unsigned int l = 0; l < RTE_DIM(lens); l++) {
		for (unsigned int k = 0; k < RTE_DIM(mods); k++) {
			uint32_t seed = 0x9e3779b9 * (l * 4 + k + 1), off = 100 * k;
			uint32_t want = (uint32_t)(((uint64_t)lookup3_short(data, lens[l], seed) *
						    mods[k]) >> 32) + off;
			struct nfv_nft_objs o;
			struct nfv_filter_ruleset *rs;
			struct nftnl_rule *r;

			base_objs(&o);
			r = rule(&o, 1);
			jhash_rule(r, data, lens[l], mods[k], seed, off);
			mark_set(r);
			rs = build(&o, 1);
			CU_ASSERT_EQUAL(mark_of(rs), want);
			nfv_filter_ruleset_free(rs);
			nfv_nft_objs_fini(&o);
		}
	}
}

/* what nft_jhash_init() refuses, and symhash (skb_get_hash()) by name */
static void test_jhash_refused(void)
{
	struct nftnl_expr *e;
	char err[256];

	e = nftnl_expr_alloc("hash");
	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_MODULUS, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_TYPE, NFT_HASH_SYM);
	CU_ASSERT_EQUAL(build_err(e, err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT_STRING_EQUAL(err, "table ip filt chain fwd handle 9: expression 'hash': "
			       "symhash (the kernel's skb hash) is not supported");
	e = nftnl_expr_alloc("hash");
	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_LEN, 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_MODULUS, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_OFFSET, 0xffffffff);
	CU_ASSERT_EQUAL(build_err(e, err, sizeof(err)), -EOVERFLOW);
	e = nftnl_expr_alloc("hash");
	CU_ASSERT_FATAL(e != NULL);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_LEN, 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_MODULUS, 0);
	CU_ASSERT_EQUAL(build_err(e, err, sizeof(err)), -ERANGE);
	CU_ASSERT(strstr(err, "'hash' with modulus 0") != NULL);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_numgen", NULL, NULL,
		{ "inc: 0..mod-1 plus offset, one counter per expression", test_inc },
		{ "inc: modulus 1, offsets near 2^32", test_inc_edges },
		{ "random: within the range, evenly", test_random },
		{ "inc: one sequence shared by two workers", test_inc_shared },
		{ "refused: modulus 0, overflow, type, no register", test_refused },
		{ "jhash: lookup3 of 2-12 bytes, scaled, plus offset", test_jhash },
		{ "jhash refused: symhash, overflow, modulus 0", test_jhash_refused });
	return nfv_test_run();
}
