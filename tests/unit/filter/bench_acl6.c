/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cost per packet of N IPv6 5-tuple rules that the traffic never
 * matches, through the rte_acl trie and through the rule walk (the same
 * ruleset with its ACL instructions turned back into RULEs), in bursts of
 * 32 through nfv_filter_ruleset_run(): the filter entry's whole work
 * (packet parse, the chain, the policy).
 *
 *   filter_bench_acl6 [N...]                TSC cycles per packet, trie and walk
 *   filter_bench_acl6 N trie|walk PACKETS   one loop, for callgrind:
 *     valgrind --tool=callgrind --toggle-collect=bench_loop ...
 *     (instructions per packet = the collected total / PACKETS)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "filter_prog.h"
#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define BURST 32

/* ip6 table, forward chain, policy accept, n random rules */
static char *gen_text(unsigned int n)
{
	char *t = malloc((size_t)n * 160 + 256), *p = t;

	srand(4);
	p += sprintf(p, "table ip6 bench { chain forward { type filter hook forward priority 0;"
		     " policy accept;\n");
	for (unsigned int i = 0; i < n; i++) {
		const char *proto = rand() % 2 ? "tcp" : "udp";
		unsigned int lo = 1 + rand() % 60000;

		p += sprintf(p, " ip6 saddr 2001:db8:%x:%x::%x ip6 daddr 2001:db8:1:%x::/64"
			     " %s sport 1024-65535 %s dport %u-%u %s\n", 16 + i % 16,
			     rand() % 65536, rand() % 65536, rand() % 65536, proto, proto,
			     lo, lo + rand() % 100, rand() % 2 ? "accept" : "drop");
	}
	sprintf(p, " }\n}\n");
	return t;
}

/* UDP from fd00::2 to 2001:db8:2::x: no rule matches */
static void gen_pkts(struct rte_mbuf **m)
{
	for (int i = 0; i < BURST; i++) {
		char dst[64];
		struct tp d = { .family = AF_INET6, .proto = IPPROTO_UDP, .src = "fd00::2",
				.dst = dst, .sport = 1024 + i, .dport = 5000, .payload = 18 };

		snprintf(dst, sizeof(dst), "2001:db8:2::%x", i + 1);
		m[i] = tp_build(&d);
	}
}

static void acl_undo(struct nfv_filter_ruleset *rs)
{
	for (uint32_t pc = 0; pc < rs->nb_insn; pc++)
		if (rs->prog[pc].op == FOP_ACL) {
			rs->prog[pc].arg = rs->acls[rs->prog[pc].arg].first_next;
			rs->prog[pc].op = FOP_RULE;
		}
}

/* Runs bursts of m until packets have gone through; returns the accepts. */
__attribute__((noinline)) uint64_t bench_loop(const struct nfv_filter_ruleset *rs,
					      struct rte_mbuf **m, uint64_t packets);
__attribute__((noinline)) uint64_t bench_loop(const struct nfv_filter_ruleset *rs,
					      struct rte_mbuf **m, uint64_t packets)
{
	struct nfv_hook_state st = { .hook = NFV_INET_FORWARD, .table = ft_table };
	uint32_t v[BURST];
	uint64_t acc = 0;

	for (uint64_t k = 0; k < packets; k += BURST) {
		nfv_filter_ruleset_run(rs, 0, m, BURST, v, &st);
		for (int i = 0; i < BURST; i++)
			acc += v[i] == NFV_ACCEPT;
	}
	return acc;
}

static struct nfv_filter_ruleset *build(unsigned int n, bool walk)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	char *text = gen_text(n), err[512];

	/* not ft_ruleset(): its CUnit assertion needs a running suite */
	if (ft_ruleset_from_text(text, &cfg, &rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "ruleset of %u rules: %s\n", n, err);
		exit(1);
	}
	free(text);
	if (walk)
		acl_undo(rs);
	return rs;
}

static double cycles(const struct nfv_filter_ruleset *rs, struct rte_mbuf **m, uint64_t packets)
{
	uint64_t t, best = UINT64_MAX;

	bench_loop(rs, m, packets / 4);	/* warm up */
	for (int r = 0; r < 3; r++) {	/* best of 3: the machine is shared */
		t = rte_rdtsc();
		if (bench_loop(rs, m, packets) != packets)
			abort();	/* a rule matched: the figure would mean nothing */
		t = rte_rdtsc() - t;
		best = RTE_MIN(best, t);
	}
	return (double)best / packets;
}

int main(int argc, char **argv)
{
	static const unsigned int def[] = { 0, 1000, 10000 };
	struct rte_mbuf *m[BURST];

	ft_init(argv[0]);
	gen_pkts(m);
	if (argc == 4) {
		unsigned int n = atoi(argv[1]);
		struct nfv_filter_ruleset *rs = build(n, strcmp(argv[2], "walk") == 0);
		uint64_t packets = strtoull(argv[3], NULL, 0);

		printf("%u rules, %s: %lu accepted of %lu\n", n, argv[2],
		       (unsigned long)bench_loop(rs, m, packets), (unsigned long)packets);
		nfv_filter_ruleset_free(rs);
		return 0;
	}
	printf("rules   trie cycles/packet   walk cycles/packet   (tsc %lu Hz)\n",
	       (unsigned long)rte_get_tsc_hz());
	for (int k = 1; k < argc || (argc == 1 && k <= (int)RTE_DIM(def)); k++) {
		unsigned int n = argc > 1 ? (unsigned int)atoi(argv[k]) : def[k - 1];
		struct nfv_filter_ruleset *trie = build(n, false), *walk = build(n, true);
		uint64_t wp = n >= 1000 ? 320000 / (n / 100) * 32 / 32 : 320000;

		printf("%6u %16.1f %20.1f   (%u tries)\n", n, cycles(trie, m, 320000),
		       cycles(walk, m, RTE_ALIGN(wp, BURST)), trie->nb_acls);
		nfv_filter_ruleset_free(trie);
		nfv_filter_ruleset_free(walk);
	}
	for (int i = 0; i < BURST; i++)
		rte_pktmbuf_free(m[i]);
	return 0;
}
