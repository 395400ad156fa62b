/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiler helpers (errors naming table/chain/handle, the growing program,
 * constant pool, expression state, registers and name lookups) and the
 * compilation of one chain: its rules laid out one after the other, each
 * expression by fcompile_expr() (expr/expr_list.h), then its end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <rte_malloc.h>

#include "filter_prog.h"

static const char *family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	}
	return "unknown";
}

int fc_error(struct fcompiler *c, int ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->err, c->errlen, "table %s %s", family_name(c->family),
		     c->table ? c->table : "?");
	if (c->chain && n >= 0 && (size_t)n < c->errlen)
		n += snprintf(c->err + n, c->errlen - n, " chain %s", c->chain);
	if (c->handle && n >= 0 && (size_t)n < c->errlen)
		n += snprintf(c->err + n, c->errlen - n, " handle %llu",
			      (unsigned long long)c->handle);
	if (n >= 0 && (size_t)n + 2 < c->errlen) {
		n += snprintf(c->err + n, c->errlen - n, ": ");
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t ncap = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, (size_t)ncap * elem);
	if (np == NULL)
		return -ENOMEM;
	memset((char *)np + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*p = np;
	*cap = ncap;
	return 0;
}

struct finsn *fc_emit(struct fcompiler *c, uint8_t op)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct finsn *i;

	if (grow((void **)&rs->prog, &c->cap_insn, rs->nb_insn + 1, sizeof(*i)))
		return NULL;
	i = &rs->prog[rs->nb_insn++];
	memset(i, 0, sizeof(*i));
	i->op = op;
	i->dreg = FREG_NONE;
	i->sreg = FREG_NONE;
	return i;
}

int fc_pool_add(struct fcompiler *c, const void *data, uint32_t len, uint32_t *idx)
{
	struct nfv_filter_ruleset *rs = c->rs;
	uint32_t words = (len + 3) / 4;

	if (grow((void **)&rs->pool, &c->cap_pool, rs->nb_pool + words, 4))
		return -ENOMEM;
	*idx = rs->nb_pool;
	memset(&rs->pool[rs->nb_pool], 0, words * 4);
	memcpy(&rs->pool[rs->nb_pool], data, len);
	rs->nb_pool += words;
	return 0;
}

int fc_priv_add(struct fcompiler *c, const void *init, uint32_t size, uint32_t *idx)
{
	uint32_t lines = (size + RTE_CACHE_LINE_SIZE - 1) / RTE_CACHE_LINE_SIZE;

	if (grow((void **)&c->priv, &c->cap_priv, c->rs->nb_priv + lines,
		 RTE_CACHE_LINE_SIZE))
		return -ENOMEM;
	*idx = c->rs->nb_priv;
	if (init != NULL)
		memcpy(c->priv + (size_t)*idx * RTE_CACHE_LINE_SIZE, init, size);
	c->rs->nb_priv += lines;
	return 0;
}

/* nft_parse_register(): 16-byte registers 1-4 or 4-byte registers 8-23. */
int fc_reg_parse(struct fcompiler *c, uint32_t r, uint32_t len, uint8_t *out)
{
	uint32_t idx;

	if (r >= NFT_REG_1 && r <= NFT_REG_4)
		idx = r * 4;
	else if (r >= NFT_REG32_00 && r <= NFT_REG32_15)
		idx = r - NFT_REG32_00 + 4;
	else
		return fc_error(c, -EINVAL, "bad register %u", r);
	if (len == 0 || idx + (len + 3) / 4 > FREGS)
		return fc_error(c, -EINVAL, "register %u overflows with %u bytes",
				r, len);
	*out = idx;
	return 0;
}

int fc_chain_find(const struct fcompiler *c, const char *name)
{
	const struct nfv_filter_ruleset *rs = c->rs;

	for (unsigned int i = 0; i < rs->nb_chains; i++)
		if (rs->chains[i].family == c->family &&
		    !strcmp(rs->chains[i].table, c->table) &&
		    !strcmp(rs->chains[i].name, name))
			return i;
	return -ENOENT;
}

int fc_set_find(const struct fcompiler *c, const char *name)
{
	const struct nfv_filter_ruleset *rs = c->rs;

	for (unsigned int i = 0; i < rs->nb_sets; i++)
		if (rs->sets[i].family == c->family &&
		    !strcmp(rs->sets[i].table, c->table) &&
		    !strcmp(rs->sets[i].name, name))
			return i;
	return -ENOENT;
}

int fc_obj_find(const struct fcompiler *c, const char *name, uint32_t type)
{
	const struct nfv_filter_ruleset *rs = c->rs;

	for (unsigned int i = 0; i < rs->nb_objs; i++)
		if (rs->objs[i].family == c->family && rs->objs[i].type == type &&
		    !strcmp(rs->objs[i].table, c->table) && !strcmp(rs->objs[i].name, name))
			return i;
	return -ENOENT;
}

int fc_flowtable_find(const struct fcompiler *c, const char *name)
{
	const struct nfv_filter_ruleset *rs = c->rs;

	for (unsigned int i = 0; i < rs->nb_flowtables; i++)
		if (rs->flowtables[i].family == c->family &&
		    !strcmp(rs->flowtables[i].table, c->table) &&
		    !strcmp(rs->flowtables[i].name, name))
			return i;
	return -ENOENT;
}

static int compile_rule(struct fcompiler *c, struct nftnl_rule *r, uint16_t chain)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	uint32_t start = rs->nb_insn;
	struct finsn *head;
	int ret = 0;

	c->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	head = fc_emit(c, FOP_RULE);
	if (head == NULL)
		return -ENOMEM;
	head->arg2 = rs->nb_rules;
	it = nftnl_expr_iter_create(r);
	if (it == NULL)
		return -ENOMEM;
	while (ret == 0 && (e = nftnl_expr_iter_next(it)) != NULL)
		ret = fcompile_expr(c, e);
	nftnl_expr_iter_destroy(it);
	if (ret)
		return ret;
	rs->prog[start].arg = rs->nb_insn;	/* where BREAK continues */
	rs->rules[rs->nb_rules].chain = chain;
	rs->rules[rs->nb_rules].handle = c->handle;
	rs->nb_rules++;
	c->handle = 0;
	return 0;
}

int fc_compile_chain(struct fcompiler *c, const struct nfv_nft_objs *o,
			 struct nftnl_chain *ch, uint16_t idx)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct fchain *fc = &rs->chains[idx];
	struct nftnl_rule_list_iter *it;
	struct nftnl_rule *r;
	struct finsn *end;
	int ret = 0;

	c->family = fc->family;
	c->table = fc->table;
	c->chain = fc->name;
	fc->pc = rs->nb_insn;
	it = nftnl_rule_list_iter_create(o->rules);
	if (it == NULL)
		return -ENOMEM;
	while (ret == 0 && (r = nftnl_rule_list_iter_next(it)) != NULL) {
		if (nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY) != fc->family ||
		    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), fc->table) ||
		    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), fc->name))
			continue;
		if (grow((void **)&rs->rules, &c->cap_rules, rs->nb_rules + 1,
			 sizeof(*rs->rules))) {
			ret = -ENOMEM;
			break;
		}
		ret = compile_rule(c, r, idx);
	}
	nftnl_rule_list_iter_destroy(it);
	if (ret)
		return ret;
	end = fc_emit(c, FOP_CHAIN_END);
	if (end == NULL)
		return -ENOMEM;
	end->arg = (uint32_t)NFT_RETURN;
	fc->policy = nftnl_chain_is_set(ch, NFTNL_CHAIN_POLICY) ?
		     nftnl_chain_get_u32(ch, NFTNL_CHAIN_POLICY) : NF_ACCEPT;
	if (fc->policy != NF_ACCEPT && fc->policy != NF_DROP)
		return fc_error(c, -EOPNOTSUPP, "policy %u not supported", fc->policy);
	c->chain = NULL;
	return 0;
}
