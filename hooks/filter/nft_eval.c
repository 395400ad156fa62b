/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interpreter: nft_do_chain()'s semantics (rules in order, BREAK to the
 * next rule, a jump stack for JUMP/RETURN, the base chain's policy at the
 * end) over our compiled program.
 *
 * This is the one unit that holds the expressions (expr/expr_list.h):
 * their code is included here so that their eval functions inline into
 * the switch, whose cases, like the table of compile functions by name,
 * are generated from the list.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
/* libc's before the kernel's headers, for every expression included below */
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

#define FEXPR_CODE
#define FEXPR(name, ops)
#include "expr/expr_list.h"
#undef FEXPR
#undef FEXPR_CODE

int fcompile_expr(struct fcompiler *c, struct nftnl_expr *e)
{
	static const struct {
		const char *name;
		int (*compile)(struct fcompiler *c, struct nftnl_expr *e);
	} exprs[] = {
#define FEXPR(name, ops) { #name, name##_compile },
#include "expr/expr_list.h"
#undef FEXPR
	};
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	for (unsigned int k = 0; k < RTE_DIM(exprs); k++)
		if (!strcmp(exprs[k].name, name))
			return exprs[k].compile(c, e);
	return fc_error(c, -EOPNOTSUPP, "expression '%s' not supported", name);
}

/* The rule whose expression ran at pc - 1: the FOP_RULE before it. */
static int32_t rule_at(const struct finsn *prog, uint32_t pc)
{
	while (pc > 0 && prog[pc - 1].op != FOP_RULE)
		pc--;
	return pc > 0 ? (int32_t)prog[pc - 1].arg2 : -1;
}

uint32_t fchain_eval(const struct nfv_filter_ruleset *rs, uint32_t chain,
		     struct fpkt *p, const struct nfv_hook_state *st,
		     struct facl_cache *cache, uint16_t idx, struct fwhy *why)
{
	const struct finsn *prog = rs->prog;
	uint32_t regs[FREGS];
	uint32_t stack[FJUMP_STACK];
	uint32_t pc = rs->chains[chain].pc, next = pc, sp = 0;
	int32_t verdict, acl_rule = -1;

	p->base = chain;
	for (;;) {
		const struct finsn *i = &prog[pc++];

		switch (i->op) {
		case FOP_RULE:
			next = i->arg;
			continue;
		/* an expression's instruction: on, to the next rule, or a verdict */
#define FEXPR(name, ops) ops
#define FOP(op, eval)							\
		case FOP_##op:						\
			verdict = eval(rs, i, regs, p, st);		\
			if (likely(verdict == NFT_CONTINUE))		\
				continue;				\
			if (verdict == NFT_BREAK)			\
				break;					\
			goto verdict;
#include "expr/expr_list.h"
#undef FOP
#undef FEXPR
		case FOP_CHAIN_END:
			verdict = NFT_RETURN;
			goto verdict;
		case FOP_ACL: {
			const struct facl *a = &rs->acls[i->arg];
			const struct facl_action *r;
			uint32_t res;

			if (cache != NULL && i->arg < FACL_CACHE) {
				if (!(cache->valid & (1u << i->arg))) {
					facl_classify_burst(a, cache->pkts, cache->n,
							    cache->res[i->arg]);
					cache->valid |= 1u << i->arg;
				}
				res = cache->res[i->arg][idx];
			} else {
				res = facl_classify(a, p);
			}
			if (res == FACL_WALK) {	/* the run's rules are still there */
				next = a->first_next;
				continue;
			}
			if (res == 0) {
				pc = next = a->end;
				continue;
			}
			r = &a->rule[res - 1];
			if (r->count) {
				struct fcounter *c = &rs->counters[st->worker * rs->nb_counters + r->rule];

				c->packets++;
				c->bytes += p->len;
			}
			verdict = r->verdict;
			acl_rule = (int32_t)r->rule;
			goto verdict;
		}
		}
		/* NFT_BREAK: on to the next rule */
		pc = next;
		continue;
verdict:
		/* tracing only: the rule this verdict came from */
		if (unlikely(why != NULL)) {
			why->rule = acl_rule >= 0 ? acl_rule : rule_at(prog, pc);
			why->chain = p->base;
		}
		acl_rule = -1;
		switch (verdict) {
		case NFT_CONTINUE:
			continue;
		case NFT_BREAK:
			pc = next;
			continue;
		case NFT_JUMP:
			if (unlikely(sp == FJUMP_STACK))	/* checked at compile time */
				return NFV_DROP_REASON(NFV_DR_FILTER_RULE);
			stack[sp++] = next;
			/* fall through */
		case NFT_GOTO:
			pc = next = rs->chains[regs[FREG_CHAIN]].pc;
			continue;
		case NFT_RETURN:
			if (sp == 0 && unlikely(why != NULL))
				why->rule = -1;
			if (sp == 0)
				return rs->chains[p->base].policy == NF_DROP ?
				       NFV_DROP_REASON(NFV_DR_FILTER_POLICY) : NFV_ACCEPT;
			pc = next = stack[--sp];
			continue;
		case NF_DROP:
			return NFV_DROP_REASON(NFV_DR_FILTER_RULE);
		default:
			return (uint32_t)verdict;
		}
	}
}
