/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs of IPv4 5-tuple rules (protocol, address prefixes, port ranges,
 * counter, accept/drop) become one rte_acl trie, so a chain of thousands of
 * such rules costs one classification instead of a linear walk. Rule order
 * is kept by priority: an earlier rule has a higher priority. The run's
 * first RULE instruction becomes an ACL instruction that skips the run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <rte_acl.h>
#include <rte_byteorder.h>

#include "filter_prog.h"

/* Below this a linear walk is as fast as a classification. */
#define FACL_MIN_RUN 8

enum { F_PROTO, F_L4OK, F_SRC, F_DST, F_SPORT, F_DPORT, F_NUM };

RTE_ACL_RULE_DEF(facl_rule, F_NUM);

static const struct rte_acl_field_def facl_defs[F_NUM] = {
	{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_PROTO, 0, offsetof(struct facl_key, proto) },
	/* other groups must be 4 bytes wide */
	{ RTE_ACL_FIELD_TYPE_BITMASK, 4, F_L4OK, 4, offsetof(struct facl_key, l4ok) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F_SRC, 1, offsetof(struct facl_key, src) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F_DST, 2, offsetof(struct facl_key, dst) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_SPORT, 3, offsetof(struct facl_key, sport) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_DPORT, 3, offsetof(struct facl_key, dport) },
};

enum { K_NONE, K_NFPROTO, K_PROTO, K_SRC, K_DST, K_SPORT, K_DPORT };

/* nft loads /8, /16, /24 as 1, 2, 3 bytes, and masks other prefixes. */
static uint32_t be_bytes(const uint8_t *d, uint8_t len)
{
	uint8_t b[4] = { 0 };

	memcpy(b, d, len);
	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static int prefix_len(const uint8_t *mask, uint8_t len)
{
	uint32_t m = be_bytes(mask, len);
	int n = __builtin_popcount(m);

	return n && m != (uint32_t)(~0ull << (32 - n)) ? -1 : n;
}

/* One rule's instructions to an ACL rule, or false if it is not simple. */
static bool rule_simple(const struct nfv_filter_ruleset *rs, const struct finsn *i,
			const struct finsn *end, uint32_t family, struct facl_rule *r,
			uint8_t *verdict, uint8_t *count)
{
	uint8_t kind[FREGS] = { 0 }, llen[FREGS] = { 0 };
	int8_t plen[FREGS];
	bool v4 = family == NFPROTO_IPV4, set[F_NUM] = { 0 };
	const uint8_t *d;
	uint32_t v;

	memset(r, 0, sizeof(*r));
	memset(plen, 32, sizeof(plen));
	r->field[F_SRC].mask_range.u32 = 0;
	r->field[F_SPORT].mask_range.u16 = UINT16_MAX;
	r->field[F_DPORT].mask_range.u16 = UINT16_MAX;
	*count = 0;
	for (i++; i < end; i++) {
		switch (i->op) {
		case FOP_META:
			if (i->a != NFT_META_NFPROTO && i->a != NFT_META_L4PROTO)
				return false;
			kind[i->dreg] = i->a == NFT_META_NFPROTO ? K_NFPROTO : K_PROTO;
			continue;
		case FOP_PAYLOAD:
			if (i->a == NFT_PAYLOAD_NETWORK_HEADER && i->c == 9 && i->len == 1)
				kind[i->dreg] = K_PROTO;
			else if (i->a == NFT_PAYLOAD_NETWORK_HEADER && i->len <= 4 &&
				 (i->c == 12 || i->c == 16))
				kind[i->dreg] = i->c == 12 ? K_SRC : K_DST;
			else if (i->a == NFT_PAYLOAD_TRANSPORT_HEADER && i->len == 2 &&
				 (i->c == 0 || i->c == 2))
				kind[i->dreg] = i->c == 0 ? K_SPORT : K_DPORT;
			else
				return false;
			llen[i->dreg] = i->len;
			plen[i->dreg] = i->len * 8;
			continue;
		case FOP_BITWISE:
			if ((kind[i->sreg] != K_SRC && kind[i->sreg] != K_DST) ||
			    i->sreg != i->dreg || rs->pool[i->arg2] != 0)
				return false;
			if (i->len != llen[i->sreg])
				return false;
			plen[i->dreg] = prefix_len((const uint8_t *)&rs->pool[i->arg], i->len);
			continue;
		case FOP_CMP:
		case FOP_RANGE:
			break;
		case FOP_COUNTER:
			*count = 1;
			continue;
		case FOP_VERDICT:
			v = i->arg;
			if (i + 1 != end || (v != NF_ACCEPT && v != NF_DROP) ||
			    !v4 || (set[F_L4OK] && !set[F_PROTO]))
				return false;
			*verdict = v;
			if (set[F_L4OK])
				r->field[F_L4OK].value.u32 = r->field[F_L4OK].mask_range.u32 = 1;
			return true;
		default:
			return false;
		}
		/* a comparison of a loaded register */
		d = (const uint8_t *)&rs->pool[i->arg];
		if (i->op == FOP_RANGE && i->a != NFT_RANGE_EQ)
			return false;
		if (i->op == FOP_CMP && i->a != NFT_CMP_EQ &&
		    !((kind[i->sreg] == K_SPORT || kind[i->sreg] == K_DPORT) &&
		      (i->a == NFT_CMP_GTE || i->a == NFT_CMP_LTE)))
			return false;
		switch (kind[i->sreg]) {
		case K_NFPROTO:
			if (d[0] != NFPROTO_IPV4)
				return false;
			v4 = true;
			break;
		case K_PROTO:
			if (set[F_PROTO] || i->op != FOP_CMP)
				return false;
			set[F_PROTO] = true;
			r->field[F_PROTO].value.u8 = d[0];
			r->field[F_PROTO].mask_range.u8 = 0xff;
			break;
		case K_SRC:
		case K_DST: {
			int f = kind[i->sreg] == K_SRC ? F_SRC : F_DST;

			if (set[f] || i->op != FOP_CMP || plen[i->sreg] < 0 ||
			    i->len != llen[i->sreg])
				return false;
			set[f] = true;
			r->field[f].value.u32 = be_bytes(d, i->len);
			r->field[f].mask_range.u32 = plen[i->sreg];
			break;
		}
		case K_SPORT:
		case K_DPORT: {
			int f = kind[i->sreg] == K_SPORT ? F_SPORT : F_DPORT;
			uint16_t lo = rte_be_to_cpu_16(*(const uint16_t *)d), hi = lo;

			if (i->op == FOP_RANGE)
				hi = rte_be_to_cpu_16(*(const uint16_t *)&rs->pool[i->arg2]);
			set[F_L4OK] = true;
			if (i->op == FOP_CMP && i->a == NFT_CMP_GTE)
				hi = r->field[f].mask_range.u16;
			if (i->op == FOP_CMP && i->a == NFT_CMP_LTE)
				lo = r->field[f].value.u16;
			/* ranges only narrow what was already asked */
			r->field[f].value.u16 = RTE_MAX(lo, r->field[f].value.u16);
			r->field[f].mask_range.u16 = RTE_MIN(hi, r->field[f].mask_range.u16);
			set[f] = true;
			break;
		}
		default:
			return false;
		}
	}
	return false;
}

static int acl_build(struct fcompiler *c, uint32_t first, uint32_t end,
		     const struct facl_rule *rules, const uint8_t *verdict,
		     const uint8_t *count, const uint32_t *index, uint32_t n)
{
	static uint32_t seq;
	struct nfv_filter_ruleset *rs = c->rs;
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = F_NUM };
	struct rte_acl_param prm = { .socket_id = SOCKET_ID_ANY,
				     .rule_size = RTE_ACL_RULE_SZ(F_NUM),
				     .max_rule_num = n };
	struct facl *a, *na;
	char name[RTE_ACL_NAMESIZE];
	int ret;

	na = realloc(rs->acls, (rs->nb_acls + 1) * sizeof(*na));
	if (na == NULL)
		return -ENOMEM;
	rs->acls = na;
	a = &rs->acls[rs->nb_acls];
	memset(a, 0, sizeof(*a));
	snprintf(name, sizeof(name), "nfv_acl_%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	prm.name = name;
	a->ctx = rte_acl_create(&prm);
	a->rule = malloc(n * sizeof(*a->rule));
	if (a->ctx == NULL || a->rule == NULL) {
		rte_acl_free(a->ctx);
		free(a->rule);
		return -ENOMEM;
	}
	rs->nb_acls++;
	for (uint32_t k = 0; k < n; k++)
		a->rule[k] = (struct facl_action){ index[k], verdict[k], count[k] };
	ret = rte_acl_add_rules(a->ctx, (const struct rte_acl_rule *)rules, n);
	memcpy(cfg.defs, facl_defs, sizeof(facl_defs));
	if (ret == 0)
		ret = rte_acl_build(a->ctx, &cfg);
	if (ret)
		return fc_error(c, ret, "rte_acl build of %u rules: %s", n, strerror(-ret));
	a->end = end;
	a->first_next = rs->prog[first].arg;
	rs->prog[first].op = FOP_ACL;
	rs->prog[first].arg = rs->nb_acls - 1;
	return 0;
}

/* realloc to cap elements of size; the old array stays when it fails. */
#define GROW(arr, cap) __extension__ ({					\
	void *grown_ = realloc((arr), (size_t)(cap) * sizeof(*(arr)));	\
	if (grown_ != NULL)						\
		(arr) = grown_;						\
	grown_ != NULL ? 0 : -ENOMEM;					\
})

/* Finds runs of simple rules in chain ch and gives each its trie. */
int facl_chain(struct fcompiler *c, uint32_t ch)
{
	struct nfv_filter_ruleset *rs = c->rs;
	const struct fchain *fc = &rs->chains[ch];
	struct facl_rule *rules = NULL;
	uint8_t *verdict = NULL, *count = NULL;
	uint32_t *index = NULL, n = 0, cap = 0, first = 0, pc = fc->pc;
	int ret = 0;

	for (;;) {
		const struct finsn *i = &rs->prog[pc];
		bool simple = false;

		if (i->op == FOP_RULE) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if (GROW(rules, cap) < 0 || GROW(verdict, cap) < 0 ||
				    GROW(count, cap) < 0 || GROW(index, cap) < 0) {
					ret = -ENOMEM;
					break;
				}
			}
			simple = rule_simple(rs, i, &rs->prog[i->arg], fc->family,
					     &rules[n], &verdict[n], &count[n]);
		}
		if (simple) {
			if (n == 0)
				first = pc;
			index[n] = i->arg2;
			rules[n].data.category_mask = 1;
			rules[n].data.priority = RTE_ACL_MAX_PRIORITY - n;
			rules[n].data.userdata = n + 1;
			n++;
			pc = i->arg;
			continue;
		}
		if (n >= FACL_MIN_RUN)
			ret = acl_build(c, first, pc, rules, verdict, count, index, n);
		n = 0;
		if (ret || i->op == FOP_CHAIN_END)
			break;
		pc = i->arg;	/* a rule that is not simple */
	}
	free(rules);
	free(verdict);
	free(count);
	free(index);
	return ret;
}

void facl_free(struct nfv_filter_ruleset *rs)
{
	for (uint32_t k = 0; k < rs->nb_acls; k++) {
		rte_acl_free(rs->acls[k].ctx);
		free(rs->acls[k].rule);
	}
	free(rs->acls);
}

/* The key of p: 0, or 1 when no rule of a run can match (not IPv4), or
 * FACL_WALK when the packet cannot be classified. */
static uint32_t key_fill(const struct fpkt *p, struct facl_key *kp)
{
	struct facl_key k = { 0 };
	uint8_t b[20];
	const uint8_t *h;

	if (p->nfproto != NFPROTO_IPV4)
		return 1;	/* every rule of the run asks for IPv4 */
	h = rte_pktmbuf_read(p->m, 12, 8, b);
	if (h == NULL || !p->has_l4)
		return FACL_WALK;
	k.proto = p->l4proto;
	memcpy(&k.src, h, 4);
	memcpy(&k.dst, h + 4, 4);
	if (!p->fragoff && p->thoff + 4u <= p->len &&
	    (h = rte_pktmbuf_read(p->m, p->thoff, 4, b)) != NULL) {
		k.l4ok = rte_cpu_to_be_32(1);
		memcpy(&k.sport, h, 2);
		memcpy(&k.dport, h + 2, 2);
	}
	*kp = k;
	return 0;
}

uint32_t facl_classify(const struct facl *a, const struct fpkt *p)
{
	struct facl_key k;
	const uint8_t *data = (const uint8_t *)&k;
	uint32_t res = key_fill(p, &k);

	if (res != 0)
		return res == 1 ? 0 : res;
	rte_acl_classify(a->ctx, &data, &res, 1, 1);
	return res;
}

void facl_classify_burst(const struct facl *a, const struct fpkt *p, uint16_t n,
			 uint32_t *res)
{
	struct facl_key k[FACL_BURST];
	const uint8_t *data[FACL_BURST];
	uint32_t out[FACL_BURST];
	uint16_t idx[FACL_BURST], m = 0;

	for (uint16_t i = 0; i < n; i++) {
		res[i] = key_fill(&p[i], &k[m]);
		if (res[i] == 1)
			res[i] = 0;
		else if (res[i] == 0) {
			data[m] = (const uint8_t *)&k[m];
			idx[m++] = i;
		}
	}
	if (m == 0)
		return;
	rte_acl_classify(a->ctx, data, out, m, 1);
	for (uint16_t j = 0; j < m; j++)
		res[idx[j]] = out[j];
}
