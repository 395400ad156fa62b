/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Large chains of 5-tuple rules go through rte_acl: random rules, random
 * packets, the verdict of each packet checked against first-match-wins
 * computed here, with a rule the classifier cannot take in the middle
 * (two tries around it) and the counters of the matched rules.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "filter_prog.h"
#include "filter_test.h"
#include "nfv_test.h"

#define NB_RULES 3000
#define NB_PKTS 2000
#define MARK_RULE 1500	/* "meta mark 7 drop" sits here */

struct mrule {
	uint8_t proto;		/* 0: any */
	uint32_t src, smask;
	uint32_t dst, dmask;
	uint16_t lo, hi;	/* dport; lo > hi: any */
	bool drop;
};

static struct mrule rules[NB_RULES];

static uint32_t rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ull;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s >> 16;
}

static uint32_t mask_of(int len)
{
	return len ? ~0u << (32 - len) : 0;
}

static char *gen_text(void)
{
	char *t = malloc(NB_RULES * 160 + 256), *p = t;

	p += sprintf(p, "table ip t { chain c { type filter hook forward priority 0;\n");
	for (int i = 0; i < NB_RULES; i++) {
		struct mrule *r = &rules[i];
		int sl = 8 + 8 * (rnd() % 3), dl = 16 + 8 * (rnd() % 3);

		if (i == MARK_RULE) {
			p += sprintf(p, " meta mark 7 drop\n");
			continue;
		}
		r->proto = (const uint8_t[]){ 0, IPPROTO_TCP, IPPROTO_UDP }[rnd() % 3];
		r->smask = mask_of(sl);
		r->src = (10u << 24 | (rnd() % 4) << 16 | (rnd() % 4) << 8) & r->smask;
		r->dmask = mask_of(dl);
		r->dst = (10u << 24 | 9u << 16 | (rnd() % 2) << 8 | (rnd() % 4)) & r->dmask;
		r->lo = 1;
		r->hi = 0;
		if (r->proto) {
			r->lo = rnd() % 200;
			r->hi = r->lo + rnd() % 20;
		}
		r->drop = rnd() % 2;
		p += sprintf(p, " ip saddr %u.%u.%u.%u/%d ip daddr %u.%u.%u.%u/%d",
			     r->src >> 24, (r->src >> 16) & 0xff, (r->src >> 8) & 0xff,
			     r->src & 0xff, sl, r->dst >> 24, (r->dst >> 16) & 0xff,
			     (r->dst >> 8) & 0xff, r->dst & 0xff, dl);
		if (r->proto)
			p += sprintf(p, " %s dport %u-%u", r->proto == IPPROTO_TCP ? "tcp" : "udp",
				     r->lo, r->hi);
		p += sprintf(p, " counter %s\n", r->drop ? "drop" : "accept");
	}
	sprintf(p, " }\n}\n");
	return t;
}

static int model(uint8_t proto, uint32_t src, uint32_t dst, uint16_t dport, uint32_t mark)
{
	for (int i = 0; i < NB_RULES; i++) {
		const struct mrule *r = &rules[i];

		if (i == MARK_RULE) {
			if (mark == 7)
				return i;
			continue;
		}
		if ((src & r->smask) != r->src || (dst & r->dmask) != r->dst)
			continue;
		if (r->proto && (r->proto != proto || dport < r->lo || dport > r->hi))
			continue;
		return i;
	}
	return -1;
}

static void test_acl_vs_model(void)
{
	char *text = gen_text();
	struct nfv_filter_ruleset *rs = ft_ruleset(text);
	uint64_t hits[NB_RULES] = { 0 };
	struct nfv_filter_rule_info info;
	unsigned int matched = 0, bad = 0;
	char a[2][16];

	free(text);
	/* two runs of simple rules around the mark rule */
	CU_ASSERT_EQUAL(rs->nb_acls, 2);
	/* bursts of several sizes: one packet (scalar), more than a burst */
	for (int k = 0, blk = 0; k < NB_PKTS; blk++) {
		static const uint16_t sizes[] = { 1, 37, 8, 32, 3, 64 };
		struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .table = ft_table };
		uint16_t nb = RTE_MIN(sizes[blk % RTE_DIM(sizes)], (uint16_t)(NB_PKTS - k));
		struct rte_mbuf *m[64];
		uint32_t v[64], want[64];
		int rr[64];

		for (uint16_t j = 0; j < nb; j++) {
			uint32_t src = 10u << 24 | (rnd() % 4) << 16 | (rnd() % 4) << 8 | (rnd() % 256);
			uint32_t dst = 10u << 24 | 9u << 16 | (rnd() % 2) << 8 | (rnd() % 4);
			struct tp d = { .proto = rnd() % 2 ? IPPROTO_TCP : IPPROTO_UDP,
					.dport = rnd() % 220, .sport = 1000, .wscale = -1,
					.mark = rnd() % 8 == 0 ? 7 : 0, .src = a[0], .dst = a[1] };
			int r;

			snprintf(a[0], 16, "%u.%u.%u.%u", src >> 24, (src >> 16) & 0xff,
				 (src >> 8) & 0xff, src & 0xff);
			snprintf(a[1], 16, "%u.%u.%u.%u", dst >> 24, (dst >> 16) & 0xff,
				 (dst >> 8) & 0xff, dst & 0xff);
			r = model(d.proto, src, dst, d.dport, d.mark);
			rr[j] = r;
			want[j] = r < 0 ? NFV_ACCEPT : (r == MARK_RULE || rules[r].drop) ?
				  NFV_DROP_REASON(NFV_DR_FILTER_RULE) : NFV_ACCEPT;
			m[j] = tp_build(&d);
			v[j] = 0xdead;
		}
		nfv_filter_ruleset_run(rs, 0, m, nb, v, &st);
		for (uint16_t j = 0; j < nb; j++, k++) {
			rte_pktmbuf_free(m[j]);
			if (v[j] != want[j] && bad++ < 5)
				fprintf(stderr, "packet %d (burst of %u): rule %d, got %#x want %#x\n",
					k, nb, rr[j], v[j], want[j]);
			if (rr[j] >= 0 && rr[j] != MARK_RULE) {
				hits[rr[j]]++;
				matched++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(matched > NB_PKTS / 4);	/* the rules are really exercised */
	for (unsigned int i = 0; i < nfv_filter_rule_count(rs); i++) {
		CU_ASSERT_EQUAL(nfv_filter_rule_get(rs, i, &info), 0);
		CU_ASSERT_EQUAL(info.packets, hits[i]);
	}
	nfv_filter_ruleset_free(rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_acl", NULL, NULL,
		{ "3000 rules through rte_acl match first-match-wins, in bursts", test_acl_vs_model });
	return nfv_test_run();
}
