/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * counter: packets and bytes of the rule, per worker (summed by
 * nfv_filter_rule_get()), as nft_counter's per-CPU counters.
 *
 *   COUNTER  arg: the rule's index in rs->counters (nft_acl.c counts for it)
 */
FEXPR(counter, FOP(COUNTER, counter_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

static int counter_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	struct finsn *i = fc_emit(c, FOP_COUNTER);

	if (i == NULL)
		return -ENOMEM;
	i->arg = c->rs->nb_rules;	/* the rule being compiled */
	return 0;
}

static inline int32_t counter_eval(const struct nfv_filter_ruleset *rs,
				   const struct finsn *i, uint32_t *regs,
				   const struct fpkt *p,
				   const struct nfv_hook_state *st)
{
	struct fcounter *c = &rs->counters[st->worker * rs->nb_counters + i->arg];

	c->packets++;
	c->bytes += p->len;
	return NFT_CONTINUE;
}
#endif
