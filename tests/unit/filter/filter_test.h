/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets and rulesets for the filter suites. */
#ifndef FILTER_TEST_H
#define FILTER_TEST_H

#include <stdint.h>

#include "nfv_ct.h"
#include "nfv_filter.h"
#include "ft_text.h"
#include "nfv_hook_table.h"

struct tp {
	int family;		/* AF_INET (default) or AF_INET6 */
	const char *src, *dst;
	uint8_t proto;		/* IPPROTO_TCP, UDP, ICMP, ICMPV6 */
	uint16_t sport, dport;	/* ICMP: dport = id */
	uint8_t flags;		/* TCP flags */
	uint32_t seq, ack;
	uint16_t win;
	int8_t wscale;		/* -1: none; TCP SYN option */
	uint8_t type, code;	/* ICMP */
	uint16_t payload;	/* bytes of data */
	uint16_t iport, oport;
	uint32_t mark;
	uint8_t meta_flags;
	const struct rte_mbuf *quote;	/* ICMP error quoting this packet */
};

extern struct rte_mempool *ft_pool;
extern struct nfv_hook_table *ft_table;
extern struct nfv_filter_ifaces ft_ifaces;

void ft_init(const char *prog);
struct rte_mbuf *tp_build(const struct tp *d);
/* hz 1000, the clock ft_clock_now (set element timeouts count from it) */
extern uint64_t ft_clock_now;
struct nfv_filter_config ft_config(void);
/* Builds a ruleset from nft text (ft_text.h); fails the test on error. */
struct nfv_filter_ruleset *ft_ruleset(const char *text);
/*
 * A suite's ruleset, built by its CUnit setup (no assertion can run there):
 * 0, or 1 with nft's or the compiler's message on stderr. cfg NULL:
 * ft_config(). ft_suite_free() is the teardown's half.
 */
int ft_suite_ruleset(const char *text, const struct nfv_filter_config *cfg,
		     struct nfv_filter_ruleset **rs);
int ft_suite_free(struct nfv_filter_ruleset **rs);
/* Runs one packet through the base chains at (hook, prio). */
uint32_t ft_run(const struct nfv_filter_ruleset *rs, enum nfv_hook hook, int prio,
		struct rte_mbuf *m, uint64_t now);
/* Conntrack of one packet at hook (then confirmed); returns the verdict. */
uint32_t ft_ct(struct nfv_ct_table *t, struct rte_mbuf *m, uint64_t now);
void ft_inject_flush(void);

#endif
