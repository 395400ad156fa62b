/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exthdr beyond TCP options: IPv6 extension headers, IPv4 options, SCTP
 * chunks, read and exists/missing, as the kernel's nft_exthdr.c finds them.
 * Each query is a ruleset of one rule ("... drop"); each packet is built
 * byte by byte here, and the expected verdicts are a table: packets by
 * queries, D for the rule's drop, A for the policy's accept.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define IN NFV_INET_LOCAL_IN

struct bytes {
	uint8_t b[256];
	uint16_t len;
};

static void put(struct bytes *p, const void *b, uint16_t len)
{
	if (len == 0)
		return;
	memcpy(p->b + p->len, b, len);
	p->len += len;
}

/* An IPv6 header whose payload is pl (next header nh) */
static struct bytes ip6(uint8_t nh, const struct bytes *pl)
{
	struct bytes p = { .len = 40 };

	p.b[0] = 0x60;
	p.b[4] = pl->len >> 8;
	p.b[5] = pl->len & 0xff;
	p.b[6] = nh;
	p.b[7] = 64;
	p.b[8] = 0x20, p.b[9] = 0x01, p.b[10] = 0x0d, p.b[11] = 0xb8, p.b[23] = 1;
	p.b[24] = 0x20, p.b[25] = 0x01, p.b[26] = 0x0d, p.b[27] = 0xb8, p.b[39] = 2;
	put(&p, pl->b, pl->len);
	return p;
}

/* An IPv4 header with options opts (a multiple of 4 bytes), then pl */
static struct bytes ip4(uint8_t proto, const uint8_t *opts, uint16_t olen,
			const struct bytes *pl)
{
	struct bytes p = { .len = 20 };
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p.b;

	put(&p, opts, olen);
	put(&p, pl->b, pl->len);
	ip->version_ihl = 0x40 | (uint8_t)((20 + olen) / 4);
	ip->total_length = rte_cpu_to_be_16(p.len);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = RTE_BE32(0x0a000001);
	ip->dst_addr = RTE_BE32(0x0a000002);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return p;
}

static const uint8_t udp_hdr[8] = { 0x05, 0xdc, 0x00, 0x35, 0, 8, 0, 0 };

/* The verdicts of each packet (rows) under each query (columns) */
static void check_table(const char *table_head, const char *const *queries, unsigned int nq,
			const struct bytes *pkts, const int *family, unsigned int np,
			const char *const *expect)
{
	for (unsigned int q = 0; q < nq; q++) {
		char text[512];
		struct nfv_filter_ruleset *rs;

		snprintf(text, sizeof(text),
			 "%s { chain c { type filter hook input priority 0; policy accept;\n"
			 " %s drop\n }\n}", table_head, queries[q]);
		rs = ft_ruleset(text);
		for (unsigned int k = 0; k < np; k++) {
			struct rte_mbuf *m = nfv_test_mbuf(ft_pool, pkts[k].b, pkts[k].len);
			uint32_t v, want;

			CU_ASSERT_FATAL(m != NULL);
			nfv_mbuf_meta(m)->family = family[k];
			v = ft_run(rs, IN, 0, m, 1000);
			rte_pktmbuf_free(m);
			want = expect[k][q] == 'D' ? NFV_DROP_REASON(NFV_DR_FILTER_RULE) : NFV_ACCEPT;
			if (v != want)
				fprintf(stderr, "query '%s', packet %u: verdict %#x, want %c\n",
					queries[q], k, v, expect[k][q]);
			CU_ASSERT_EQUAL(v, want);
		}
		nfv_filter_ruleset_free(rs);
	}
}

/*
 * IPv6 extension headers, found as ipv6_find_hdr() finds them: through AH,
 * up to a later fragment (found when it is the fragment header itself),
 * the upper-layer header when it is the one asked for (mh), a header cut
 * short found as long as its first bytes are there; never in IPv4.
 */
static void test_ipv6_exthdr(void)
{
	static const char *const q[] = {
		"exthdr hbh exists", "exthdr hbh missing", "rt type 0",
		"frag id 0x12345678", "exthdr dst exists", "exthdr mh exists",
		"srh tag 0x4242", "frag frag-off 100", "hbh nexthdr 17",
	};
	static const uint8_t hbh[8] = { 17, 0, 1, 4, 0, 0, 0, 0 };	/* PadN */
	static const uint8_t dst_rt[8] = { 43, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t rt0[24] = { 17, 2, 0, 1, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t frag0[8] = { 17, 0, 0, 1, 0x12, 0x34, 0x56, 0x78 };
	static const uint8_t frag100[8] = { 17, 0, 100 >> 5, (100 << 3) & 0xff, 0x12, 0x34,
					    0x56, 0x78 };
	static const uint8_t ah[16] = { 60, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };	/* 16 bytes */
	static const uint8_t dst_udp[8] = { 17, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t mh[8] = { 59, 0, 5, 0, 0, 0, 0, 0 };
	static const uint8_t srh[24] = { 17, 2, 4, 0, 0, 0, 0x42, 0x42, 0x20, 0x01 };
	static const uint8_t dst_cut[2] = { 17, 3 };	/* says 32 bytes, 2 left */
	struct bytes pl[10] = { 0 }, pkts[10];
	int fam[10];
	static const char *const expect[] = {
		/* q: 012345678 */
		"DAAAAAAAD",	/* 0 HBH, UDP */
		"ADDADAAAA",	/* 1 DST, RT0, UDP */
		"ADADAAAAA",	/* 2 frag (first), UDP */
		"ADADAAADA",	/* 3 frag (offset 100) */
		"ADAADAAAA",	/* 4 AH, DST, UDP */
		"ADAAADAAA",	/* 5 MH */
		"ADAAAADAA",	/* 6 SRH (routing type 4) */
		"AAAAAAAAA",	/* 7 IPv4: never, not even missing */
		"ADAADAAAA",	/* 8 DST cut short */
		"ADAAAAAAA",	/* 9 plain UDP */
	};

	put(&pl[0], hbh, 8), put(&pl[0], udp_hdr, 8);
	pkts[0] = ip6(0, &pl[0]);
	put(&pl[1], dst_rt, 8), put(&pl[1], rt0, 24), put(&pl[1], udp_hdr, 8);
	pkts[1] = ip6(60, &pl[1]);
	put(&pl[2], frag0, 8), put(&pl[2], udp_hdr, 8);
	pkts[2] = ip6(44, &pl[2]);
	put(&pl[3], frag100, 8), put(&pl[3], udp_hdr, 8);
	pkts[3] = ip6(44, &pl[3]);
	put(&pl[4], ah, 16), put(&pl[4], dst_udp, 8), put(&pl[4], udp_hdr, 8);
	pkts[4] = ip6(51, &pl[4]);
	put(&pl[5], mh, 8);
	pkts[5] = ip6(135, &pl[5]);
	put(&pl[6], srh, 24), put(&pl[6], udp_hdr, 8);
	pkts[6] = ip6(43, &pl[6]);
	put(&pl[7], udp_hdr, 8);
	pkts[7] = ip4(17, NULL, 0, &pl[7]);
	put(&pl[8], dst_cut, 2);
	pkts[8] = ip6(60, &pl[8]);
	put(&pl[9], udp_hdr, 8);
	pkts[9] = ip6(17, &pl[9]);
	for (unsigned int k = 0; k < RTE_DIM(fam); k++)
		fam[k] = k == 7 ? AF_INET : AF_INET6;
	check_table("table inet t", q, RTE_DIM(q), pkts, fam, RTE_DIM(pkts), expect);
}

/*
 * IPv4 options, found where __ip_options_compile() puts them: none when
 * the options are malformed (a short timestamp, a source route whose
 * pointer is not 4, two record routes, CIPSO without a DOI); a router
 * alert only with value 0; nothing after an end of options.
 */
static void test_ipv4_options(void)
{
	static const char *const q[] = {
		"ip option rr exists", "ip option lsrr exists", "ip option ssrr exists",
		"ip option ra exists", "ip option rr ptr 8", "ip option ra value 0",
		"ip option lsrr addr 0x0a090909", "ip option ra missing",
	};
	static const struct {
		uint8_t o[40];
		uint8_t len;
	} opts[] = {
		{ { 7, 11, 8, 10, 0, 0, 1, 0, 0, 0, 0, 1 }, 12 },	/* 0 RR, NOP */
		{ { 131, 7, 4, 10, 9, 9, 9, 1 }, 8 },		/* 1 LSRR */
		{ { 137, 7, 4, 10, 9, 9, 9, 0 }, 8 },		/* 2 SSRR, END */
		{ { 148, 4, 0, 0 }, 4 },			/* 3 RA */
		{ { 148, 4, 0, 1 }, 4 },			/* 4 RA value 1 */
		{ { 7, 7, 4, 0, 0, 0, 0, 68, 3, 5, 0 }, 12 },	/* 5 RR, short TS */
		{ { 131, 7, 8, 10, 9, 9, 9, 1 }, 8 },		/* 6 LSRR ptr 8 */
		{ { 7, 7, 4, 0, 0, 0, 0, 7, 3, 4, 0, 1 }, 12 },	/* 7 two RR */
		{ { 134, 6, 0, 0, 0, 1, 148, 4, 0, 0, 1, 1 }, 12 },	/* 8 CIPSO, RA */
		{ { 0, 148, 4, 0, 0, 0, 0, 0 }, 8 },		/* 9 END, RA */
		{ { 130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 148, 4, 0, 0, 1 }, 16 },	/* 10 SEC, RA */
		{ { 0 }, 0 },					/* 11 none */
		{ { 68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 148, 4, 0, 0 }, 16 },	/* 12 TS, RA */
	};
	static const char *const expect[] = {
		/* q: 01234567 */
		"DAAADAAD",
		"ADAAAADD",
		"AADAAAAD",
		"AAADADAA",
		"AAAAAAAD",
		"AAAAAAAD",
		"AAAAAAAD",
		"AAAAAAAD",
		"AAAAAAAD",
		"AAAAAAAD",
		"AAADADAA",
		"AAAAAAAD",
		"AAADADAA",
		"AAAAAAAA",	/* IPv6: never, not even missing */
	};
	struct bytes pkts[RTE_DIM(opts) + 1], l4 = { 0 };
	int fam[RTE_DIM(opts) + 1];

	put(&l4, udp_hdr, 8);
	for (unsigned int k = 0; k < RTE_DIM(opts); k++) {
		pkts[k] = ip4(17, opts[k].o, opts[k].len, &l4);
		fam[k] = AF_INET;
	}
	pkts[RTE_DIM(opts)] = ip6(17, &l4);
	fam[RTE_DIM(opts)] = AF_INET6;
	check_table("table inet t", q, RTE_DIM(q), pkts, fam, RTE_DIM(pkts), expect);
}

/*
 * SCTP chunks: the first of the type, walked by padded length; a chunk of
 * length 0 ends the walk; a read needs the chunk whole in the packet
 * ("exists" does not); not SCTP: missing.
 */
static void test_sctp_chunks(void)
{
	static const char *const q[] = {
		"sctp chunk init exists", "sctp chunk init missing", "sctp chunk data flags 3",
		"sctp chunk init num-inbound-streams 10",
	};
	static const uint8_t common[12] = { 0x05, 0xdc, 0x0b, 0x59, 0, 0, 0, 1 };
	static const uint8_t data17[20] = { 0, 3, 0, 17, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 'x' };
	static const uint8_t init[20] = { 1, 0, 0, 20, 0, 0, 0, 7, 0, 0, 0x10, 0, 0, 10, 0, 10 };
	static const uint8_t zero[4] = { 0, 0, 0, 0 };
	struct bytes s[5] = { 0 }, pkts[6], udp = { 0 };
	int fam[6] = { AF_INET, AF_INET6, AF_INET, AF_INET, AF_INET, AF_INET };
	static const char *const expect[] = {
		/* q: 0123 */
		"DADD",	/* 0 DATA (17, padded), INIT */
		"DAAD",	/* 1 INIT (IPv6) */
		"ADAA",	/* 2 length 0, INIT */
		"DAAA",	/* 3 INIT cut short: exists, no read */
		"ADDA",	/* 4 DATA only */
		"ADAA",	/* 5 UDP */
	};

	for (unsigned int k = 0; k < RTE_DIM(s); k++)
		put(&s[k], common, 12);
	put(&s[0], data17, 20), put(&s[0], init, 20);
	put(&s[1], init, 20);
	put(&s[2], zero, 4), put(&s[2], init, 20);
	put(&s[3], init, 8);
	put(&s[4], data17, 20);
	pkts[0] = ip4(132, NULL, 0, &s[0]);
	pkts[1] = ip6(132, &s[1]);
	pkts[2] = ip4(132, NULL, 0, &s[2]);
	pkts[3] = ip4(132, NULL, 0, &s[3]);
	pkts[4] = ip4(132, NULL, 0, &s[4]);
	put(&udp, udp_hdr, 8);
	pkts[5] = ip4(17, NULL, 0, &udp);
	check_table("table inet t", q, RTE_DIM(q), pkts, fam, RTE_DIM(pkts), expect);
}

/*
 * Writes other than TCP options, and DCCP options: neither nft nor the
 * kernel let them through, so the objects are built here (the mirror's
 * path) to see them refused by name.
 */
static int build_one(uint32_t op, uint8_t type, bool set, char *err, size_t errlen)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e = nftnl_expr_alloc("exthdr");
	struct nfv_nft_objs o;
	int ret;

	CU_ASSERT_FATAL(nfv_nft_objs_init(&o) == 0 && t && c && r && e);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, "t");
	nftnl_table_list_add_tail(t, o.tables);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "t");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "c");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_FORWARD);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nftnl_chain_list_add_tail(c, o.chains);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "t");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "c");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, 3);
	nftnl_rule_list_add_tail(r, o.rules);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, op);
	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
	nftnl_expr_set_u32(e, set ? NFTNL_EXPR_EXTHDR_SREG : NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	ret = nfv_filter_ruleset_build(&o, &cfg, &rs, err, errlen);
	if (ret == 0)
		nfv_filter_ruleset_free(rs);
	CU_ASSERT((ret == 0) == (rs != NULL));
	nfv_nft_objs_fini(&o);
	return ret;
}

static void test_refused(void)
{
	static const struct {
		uint32_t op;
		bool set;
		const char *err;
	} cases[] = {
		{ NFT_EXTHDR_OP_IPV6, true, "writes are supported for TCP options only" },
		{ NFT_EXTHDR_OP_IPV4, true, "writes are supported for TCP options only" },
		{ NFT_EXTHDR_OP_SCTP, true, "writes are supported for TCP options only" },
		{ NFT_EXTHDR_OP_DCCP, false, "DCCP options are not supported" },
	};
	char err[256];

	for (unsigned int k = 0; k < RTE_DIM(cases); k++) {
		CU_ASSERT_EQUAL(build_one(cases[k].op, 7, cases[k].set, err, sizeof(err)),
				-EOPNOTSUPP);
		if (strstr(err, cases[k].err) == NULL)
			fprintf(stderr, "case %u: %s\n", k, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[k].err));
	}
	/* an IPv4 option the kernel does not find (a timestamp), and one it does */
	CU_ASSERT_EQUAL(build_one(NFT_EXTHDR_OP_IPV4, 68, false, err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "IPv4 option 68 not supported"));
	CU_ASSERT_EQUAL(build_one(NFT_EXTHDR_OP_IPV4, 7, false, err, sizeof(err)), 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_exthdr", NULL, NULL,
		{ "ipv6 extension headers", test_ipv6_exthdr },
		{ "ipv4 options", test_ipv4_options },
		{ "sctp chunks", test_sctp_chunks },
		{ "writes other than tcp options refused", test_refused });
	return nfv_test_run();
}
