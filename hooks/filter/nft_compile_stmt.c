/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statements (lookup, ct, immediate, counter, limit, log, reject, queue)
 * and the dispatch by expression name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"

static int c_lookup(struct fcompiler *c, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	int set = name ? fc_set_find(c, name) : -ENOENT;
	const struct fset *s;
	struct finsn *i;
	int ret;

	if (set < 0)
		return fc_error(c, -ENOENT, "expression 'lookup': no set '%s'",
				name ? name : "?");
	s = &c->rs->sets[set];
	i = fc_emit(c, FOP_LOOKUP);
	if (i == NULL)
		return -ENOMEM;
	i->arg = set;
	i->len = s->key_len;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS))
		i->a = !!(nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV);
	ret = fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG),
			   s->key_len, &i->sreg);
	if (ret || !nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG))
		return ret;
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) == NFT_REG_VERDICT) {
		if (!s->vmap)
			return fc_error(c, -EINVAL, "set '%s' is not a verdict map", name);
		i->dreg = 0;
		return 0;
	}
	if (s->vmap || s->data_len == 0)
		return fc_error(c, -EINVAL, "set '%s' is not a data map", name);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG),
			    s->data_len, &i->dreg);
}

static int c_ct(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
	bool set = nftnl_expr_is_set(e, NFTNL_EXPR_CT_SREG);
	uint32_t len = key == NFT_CT_DIRECTION ? 1 : 4;
	struct finsn *i;

	if (key != NFT_CT_STATE && key != NFT_CT_DIRECTION &&
	    key != NFT_CT_STATUS && key != NFT_CT_MARK)
		return fc_error(c, -EOPNOTSUPP, "expression 'ct' key %u not supported", key);
	if (set && key != NFT_CT_MARK)
		return fc_error(c, -EOPNOTSUPP, "expression 'ct' set of key %u not supported", key);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
		return fc_error(c, -EOPNOTSUPP, "expression 'ct' with direction not supported");
	i = fc_emit(c, set ? FOP_CT_SET : FOP_CT);
	if (i == NULL)
		return -ENOMEM;
	i->a = key;
	i->len = len;
	if (set)
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_SREG), len, &i->sreg);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG), len, &i->dreg);
}

static int c_verdict(struct fcompiler *c, int32_t code, const char *chain)
{
	struct finsn *i;
	int target = 0;

	switch (code) {
	case NF_ACCEPT: case NF_DROP: case NFT_CONTINUE: case NFT_BREAK:
	case NFT_RETURN:
		break;
	case NFT_JUMP: case NFT_GOTO:
		target = chain ? fc_chain_find(c, chain) : -ENOENT;
		if (target < 0)
			return fc_error(c, -ENOENT, "jump to unknown chain '%s'",
					chain ? chain : "?");
		break;
	default:
		return fc_error(c, -EOPNOTSUPP, "verdict %d not supported", code);
	}
	i = fc_emit(c, FOP_VERDICT);
	if (i == NULL)
		return -ENOMEM;
	i->arg = (uint32_t)code;
	i->arg2 = target;
	return 0;
}

static int c_immediate(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG), len;
	const void *d;
	struct finsn *i;

	if (dreg == NFT_REG_VERDICT)
		return c_verdict(c, (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT),
				 nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
	d = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
	i = fc_emit(c, FOP_IMM);
	if (i == NULL || d == NULL)
		return -EINVAL;
	i->len = len;
	if (fc_pool_add(c, d, len, &i->arg))
		return -ENOMEM;
	return fc_reg_parse(c, dreg, len, &i->dreg);
}

static int c_limit(struct fcompiler *c, struct nftnl_expr *e)
{
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	uint64_t unit = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT);
	uint32_t burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);
	struct flimit *l;
	struct finsn *i;
	uint32_t idx;

	if (rate == 0 || unit == 0)
		return fc_error(c, -EINVAL, "expression 'limit' with rate 0");
	if (fc_limit_add(c, &idx))
		return -ENOMEM;
	l = &c->rs->limits[idx];
	l->rate = rate;
	l->unit_hz = unit * c->rs->cfg.hz;
	l->bytes = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE) == NFT_LIMIT_PKT_BYTES;
	l->inv = !!(nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS) & NFT_LIMIT_F_INV);
	/* as nft_limit_init(): the bucket holds burst tokens, at least one */
	l->tau = l->unit_hz * (burst ? burst : (l->bytes ? 1 : 1)) / rate;
	i = fc_emit(c, FOP_LIMIT);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	return 0;
}

static int c_log(struct fcompiler *c, struct nftnl_expr *e)
{
	const char *prefix = nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX) ?
			     nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX) : "";
	struct finsn *i;
	uint32_t idx;

	if (fc_log_add(c, &idx))
		return -ENOMEM;
	snprintf(c->rs->logs[idx].prefix, sizeof(c->rs->logs[idx].prefix), "%s", prefix);
	i = fc_emit(c, FOP_LOG);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	return 0;
}

static int c_reject(struct fcompiler *c, struct nftnl_expr *e)
{
	struct finsn *i = fc_emit(c, FOP_REJECT);

	if (i == NULL)
		return -ENOMEM;
	i->a = nftnl_expr_get_u32(e, NFTNL_EXPR_REJECT_TYPE);
	i->b = nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE);
	if (i->a > NFT_REJECT_ICMPX_UNREACH)
		return fc_error(c, -EOPNOTSUPP, "expression 'reject' type %u", i->a);
	return 0;
}

static int c_queue(struct fcompiler *c, struct nftnl_expr *e)
{
	struct finsn *i;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_SREG_QNUM))
		return fc_error(c, -EOPNOTSUPP, "expression 'queue' from a register");
	i = fc_emit(c, FOP_QUEUE);
	if (i == NULL)
		return -ENOMEM;
	i->c = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_NUM);
	i->arg = nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_TOTAL) ?
		 nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_TOTAL) : 1;
	if (i->arg == 0)
		i->arg = 1;
	i->a = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_FLAGS);
	return 0;
}

static int c_counter(struct fcompiler *c, struct nftnl_expr *e)
{
	struct finsn *i = fc_emit(c, FOP_COUNTER);

	if (i == NULL)
		return -ENOMEM;
	i->arg = c->rs->nb_rules;	/* the rule being compiled */
	return 0;
}

int fcompile_expr(struct fcompiler *c, struct nftnl_expr *e)
{
	static const struct {
		const char *name;
		int (*fn)(struct fcompiler *c, struct nftnl_expr *e);
	} ops[] = {
		{ "meta", fc_meta }, { "payload", fc_payload }, { "cmp", fc_cmp },
		{ "range", fc_range }, { "bitwise", fc_bitwise },
		{ "byteorder", fc_byteorder }, { "lookup", c_lookup },
		{ "ct", c_ct }, { "immediate", c_immediate },
		{ "counter", c_counter }, { "limit", c_limit }, { "log", c_log },
		{ "reject", c_reject }, { "queue", c_queue },
	};
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	for (unsigned int k = 0; k < RTE_DIM(ops); k++)
		if (!strcmp(ops[k].name, name))
			return ops[k].fn(c, e);
	return fc_error(c, -EOPNOTSUPP, "expression '%s' not supported", name);
}
