/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rte_acl tries of IPv6 (and mixed inet) runs against the rule walk:
 * the same random ruleset is compiled twice, the second copy gets its ACL
 * instructions turned back into RULE instructions (so it walks every rule,
 * as the interpreter did before the tries), and random packets (IPv6 with
 * and without extension headers, first and later fragments, truncated
 * transport headers, some IPv4) must get the same verdict from both, and
 * every rule the same counter (each rule counts, so a wrong match shows).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_mbuf.h>

#include "filter_prog.h"
#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define NB_RULES 1500	/* per chain */
#define NB_PKTS 10000

static uint32_t rnd(void)
{
	static uint64_t s = 0x2545f4914f6cdd1dull;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s >> 16;
}

/* Addresses of rules and packets: 2001:db8:X:Y:0:W::Z, X, Y, W < 4, Z < 5. */
static void addr6(uint8_t a[16])
{
	static const uint8_t base[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	memset(a, 0, 16);
	memcpy(a, base, 4);
	a[5] = rnd() % 4;
	a[7] = rnd() % 4;
	a[11] = rnd() % 4;
	a[15] = rnd() % 5;
}

static int prefix6(uint8_t a[16])
{
	static const int lens[] = { 47, 48, 52, 63, 64, 64, 65, 94, 100,
				    112, 125, 126, 127, 128, 128 };
	int len = lens[rnd() % RTE_DIM(lens)];

	for (int b = len; b < 128; b++)
		a[b / 8] &= ~(0x80 >> (b % 8));
	return len;
}

static char *put6(char *p, const char *what)
{
	uint8_t a[16];
	char s[INET6_ADDRSTRLEN];
	int len;

	addr6(a);
	len = prefix6(a);
	inet_ntop(AF_INET6, a, s, sizeof(s));
	return p + sprintf(p, " ip6 %s %s/%d", what, s, len);
}

static char *put_l4(char *p)
{
	static const char *const l4[] = {
		"", "", "", " meta l4proto tcp", " meta l4proto udp", " ip6 nexthdr tcp",
		" ip6 nexthdr 0", " meta l4proto 58", " ip6 nexthdr udp udp dport 20-60",
	};
	uint32_t k = rnd() % (RTE_DIM(l4) + 4);
	uint16_t lo = rnd() % 60;

	if (k < RTE_DIM(l4))
		return p + sprintf(p, "%s", l4[k]);
	switch (k - RTE_DIM(l4)) {
	case 0:
		return p + sprintf(p, " tcp dport %u-%u", lo, lo + rnd() % 20);
	case 1:
		return p + sprintf(p, " udp sport %u-%u udp dport >= %u", lo % 8, lo % 8 + 3, lo);
	case 2:
		return p + sprintf(p, " tcp dport %u", lo);
	default:
		return p + sprintf(p, " tcp sport <= %u", lo % 12);
	}
}

/* One rule of a chain of family fam (ip6 or inet). */
static char *put_rule(char *p, bool inet)
{
	uint32_t k = rnd() % 100;

	if (k < 2)	/* not simple: splits the run */
		return p + sprintf(p, "%s", (const char *const[]){
			" meta mark 7 counter drop\n", " ip6 hoplimit 5 counter accept\n" }[k]);
	if (inet && k < 12) {	/* IPv4 */
		p += sprintf(p, " ip saddr 10.%u.0.0/16 ip daddr 10.9.%u.0/24", rnd() % 4, rnd() % 2);
		p += sprintf(p, " tcp dport %u-%u", k * 5, k * 5 + 10);
	} else if (inet && k < 20) {	/* either family */
		p += sprintf(p, " meta l4proto %s th dport %u", k % 2 ? "tcp" : "udp", rnd() % 200);
	} else {
		uint32_t a = rnd() % 2 ? 3 : 1 + rnd() % 2;	/* both, saddr or daddr */

		if (a & 1)
			p = put6(p, "saddr");
		if (a & 2)
			p = put6(p, "daddr");
		p = put_l4(p);
	}
	return p + sprintf(p, " counter %s\n", rnd() % 2 ? "accept" : "drop");
}

static char *gen_text(void)
{
	char *t = malloc(2 * NB_RULES * 200 + 512), *p = t;

	p += sprintf(p, "table ip6 t6 { chain c { type filter hook forward priority 0; policy drop;\n");
	for (int i = 0; i < NB_RULES; i++)
		p = put_rule(p, false);
	p += sprintf(p, " }\n}\ntable inet ti { chain c { type filter hook forward priority 1;\n");
	for (int i = 0; i < NB_RULES; i++)
		p = put_rule(p, true);
	sprintf(p, " }\n}\n");
	return t;
}

/* A random packet: IPv6 mostly, with its odd shapes; IPv4 sometimes. */
static struct rte_mbuf *gen_pkt(void)
{
	uint8_t b[128] = { 0 }, *l4;
	uint32_t k = rnd() % 100, len;
	uint8_t proto = (const uint8_t[]){ IPPROTO_TCP, IPPROTO_UDP, IPPROTO_TCP,
					   IPPROTO_UDP, IPPROTO_ICMPV6, 47 }[rnd() % 6];
	uint16_t off = 40;
	struct rte_mbuf *m;

	if (k < 10) {	/* IPv4 */
		b[0] = 0x45;
		b[8] = 64;
		b[9] = rnd() % 3 ? IPPROTO_TCP : IPPROTO_UDP;
		b[12] = b[16] = 10;
		b[13] = rnd() % 4;
		b[17] = 9;
		b[18] = rnd() % 2;
		b[19] = rnd() % 4;
		b[20] = 0, b[21] = rnd() % 12, b[22] = 0, b[23] = rnd() % 70;
		b[3] = 40;
		m = nfv_test_mbuf(ft_pool, b, 40);
		nfv_mbuf_meta(m)->family = AF_INET;
		return m;
	}
	b[0] = 0x60;
	b[7] = rnd() % 8 ? 64 : 5;
	addr6(b + 8);
	addr6(b + 24);
	if (rnd() % 4 == 0)	/* a bit anywhere: prefixes that end mid-byte */
		b[8 + 16 * (rnd() % 2) + rnd() % 16] ^= 1 << (rnd() % 8);
	if (k < 20) {	/* hop-by-hop options, PadN */
		b[6] = 0;
		b[off] = proto;
		b[off + 2] = 1;
		b[off + 3] = 4;
		off += 8;
	} else if (k < 30) {	/* a fragment header: first or later fragment */
		b[6] = 44;
		b[off] = proto;
		b[off + 2] = rnd() % 2 ? 0 : 0x05;
		b[off + 3] = 1;	/* more fragments */
		off += 8;
	} else {
		b[6] = proto;
	}
	l4 = b + off;
	l4[1] = rnd() % 12;	/* sport */
	l4[3] = rnd() % 70;	/* dport */
	len = off + 20;
	if (k >= 30 && k < 36)
		len = off + 1 + k % 4;	/* 1 to 4 bytes of transport header */
	b[4] = (len - 40) >> 8;
	b[5] = (len - 40) & 0xff;
	m = nfv_test_mbuf(ft_pool, b, len);
	nfv_mbuf_meta(m)->family = AF_INET6;
	nfv_mbuf_meta(m)->mark = rnd() % 16 == 0 ? 7 : 0;
	return m;
}

/* The walk: every ACL instruction back to the RULE it replaced. */
static void acl_undo(struct nfv_filter_ruleset *rs)
{
	for (uint32_t pc = 0; pc < rs->nb_insn; pc++)
		if (rs->prog[pc].op == FOP_ACL) {
			rs->prog[pc].arg = rs->acls[rs->prog[pc].arg].first_next;
			rs->prog[pc].op = FOP_RULE;
		}
}

static void test_acl6_vs_walk(void)
{
	char *text = gen_text();
	struct nfv_filter_ruleset *acl = ft_ruleset(text), *walk = ft_ruleset(text);
	struct nfv_filter_rule_info ia, iw;
	unsigned int bad = 0, v6 = 0, v4 = 0, hit = 0;
	uint64_t dropped = 0;

	free(text);
	for (uint32_t k = 0; k < acl->nb_acls; k++) {
		v6 += acl->acls[k].ctx6 != NULL;
		v4 += acl->acls[k].ctx != NULL;
	}
	printf("\n  %u runs in tries: %u with IPv6 rules, %u with IPv4 rules\n",
	       acl->nb_acls, v6, v4);
	CU_ASSERT(acl->nb_acls >= 10 && v6 >= 10 && v4 >= 4);
	acl_undo(walk);
	for (int k = 0, blk = 0; k < NB_PKTS; blk++) {
		static const uint16_t sizes[] = { 1, 37, 8, 32, 3, 64, 7 };
		uint16_t nb = RTE_MIN(sizes[blk % RTE_DIM(sizes)], (uint16_t)(NB_PKTS - k));
		struct rte_mbuf *m[64];
		uint32_t va[64], vw[64];

		for (uint16_t j = 0; j < nb; j++)
			m[j] = gen_pkt();
		for (int prio = 0; prio <= 1; prio++) {
			struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .table = ft_table };

			nfv_filter_ruleset_run(acl, prio, m, nb, va, &st);
			nfv_filter_ruleset_run(walk, prio, m, nb, vw, &st);
			for (uint16_t j = 0; j < nb; j++) {
				dropped += NFV_VERDICT(va[j]) == NFV_DROP;
				if (va[j] != vw[j] && bad++ < 5)
					fprintf(stderr, "packet %d (burst of %u) prio %d: trie %#x walk %#x\n",
						k + j, nb, prio, va[j], vw[j]);
			}
		}
		for (uint16_t j = 0; j < nb; j++, k++)
			rte_pktmbuf_free(m[j]);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(dropped > NB_PKTS / 4 && dropped < 2 * NB_PKTS - NB_PKTS / 4);
	for (unsigned int i = 0; i < nfv_filter_rule_count(acl); i++) {
		CU_ASSERT_EQUAL(nfv_filter_rule_get(acl, i, &ia), 0);
		CU_ASSERT_EQUAL(nfv_filter_rule_get(walk, i, &iw), 0);
		if (ia.packets != iw.packets && bad++ < 10)
			fprintf(stderr, "rule %u (handle %lu of %s): trie %lu walk %lu packets\n",
				i, (unsigned long)ia.handle, ia.table, (unsigned long)ia.packets,
				(unsigned long)iw.packets);
		CU_ASSERT_EQUAL(ia.packets, iw.packets);
		CU_ASSERT_EQUAL(ia.bytes, iw.bytes);
		hit += ia.packets > 0;
	}
	printf("  %u packets, twice; %u rules matched some\n", NB_PKTS, hit);
	CU_ASSERT(hit > 200);	/* the rules are really exercised */
	nfv_filter_ruleset_free(acl);
	nfv_filter_ruleset_free(walk);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_acl6", NULL, NULL,
		{ "IPv6 and inet runs: the tries decide what the walk decides", test_acl6_vs_walk });
	return nfv_test_run();
}
