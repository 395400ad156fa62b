/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * As nf_tables' loop detection: jump/goto must not form a cycle (a worker
 * would spin) and jumps must not nest deeper than the jump stack.
 */
#include <errno.h>
#include <stdlib.h>

#include <linux/netfilter/nf_tables.h>

#include "filter_prog.h"

static int visit(struct fcompiler *c, uint8_t *mark, uint32_t chain, unsigned int depth);

static int visit_vmap(struct fcompiler *c, uint8_t *mark, const struct fset *s,
		      unsigned int depth)
{
	int32_t code;
	int ret;

	for (uint32_t k = 0; k < fset_nb_data(s); k++) {
		code = (int32_t)s->data[k * 2];
		if (code != NFT_JUMP && code != NFT_GOTO)
			continue;
		ret = visit(c, mark, s->data[k * 2 + 1], depth + (code == NFT_JUMP));
		if (ret)
			return ret;
	}
	return 0;
}

static int visit(struct fcompiler *c, uint8_t *mark, uint32_t chain, unsigned int depth)
{
	const struct nfv_filter_ruleset *rs = c->rs;
	const struct finsn *i;
	int32_t code;
	int ret;

	if (mark[chain] == 1) {
		c->family = rs->chains[chain].family;
		c->table = rs->chains[chain].table;
		c->chain = rs->chains[chain].name;
		return fc_error(c, -ELOOP, "jump/goto loop through this chain");
	}
	if (depth > FJUMP_STACK) {
		c->chain = rs->chains[chain].name;
		return fc_error(c, -EMLINK, "jumps nested deeper than %d", FJUMP_STACK);
	}
	mark[chain] = 1;
	for (i = &rs->prog[rs->chains[chain].pc]; i->op != FOP_CHAIN_END; i++) {
		if (i->op == FOP_LOOKUP && i->dreg == 0) {
			ret = visit_vmap(c, mark, &rs->sets[i->arg], depth);
			if (ret)
				return ret;
			continue;
		}
		if (i->op != FOP_VERDICT)
			continue;
		code = (int32_t)i->arg;
		if (code != NFT_JUMP && code != NFT_GOTO)
			continue;
		ret = visit(c, mark, i->arg2, depth + (code == NFT_JUMP));
		if (ret)
			return ret;
	}
	mark[chain] = 0;
	return 0;
}

int fchain_check(struct fcompiler *c)
{
	const struct nfv_filter_ruleset *rs = c->rs;
	uint8_t *mark = calloc(rs->nb_chains + 1, 1);
	int ret = 0;

	if (mark == NULL)
		return -ENOMEM;
	c->handle = 0;
	for (uint32_t k = 0; ret == 0 && k < rs->nb_chains; k++)
		if (rs->chains[k].base)
			ret = visit(c, mark, k, 0);
	free(mark);
	return ret;
}
