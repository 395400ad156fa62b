/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs of 5-tuple rules (protocol, address prefixes, port ranges, counter,
 * accept/drop) become rte_acl tries, so a chain of thousands of such rules
 * costs one classification instead of a linear walk. A run holds IPv4 and
 * IPv6 rules in any order (an inet chain mixes them): its IPv4 rules go
 * into one trie, its IPv6 rules into another, and a rule that asks for
 * neither family (inet, `meta l4proto tcp th dport 22`) into both; a packet
 * is classified by the trie of its family, since a rule of the other family
 * can never match it. Rule order is kept by priority: an earlier rule has a
 * higher priority, and userdata is the rule's position in the run + 1 in
 * both tries. The run's first RULE instruction becomes an ACL instruction
 * that skips the run.
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

/* The IPv6 key: addresses as four 32-bit words each, as l3fwd-acl does. */
struct facl6_key {
	uint8_t proto;		/* meta l4proto: past the extension headers */
	uint8_t pad[3];
	uint32_t hdr;		/* big-endian nexthdr << 8 | l4ok */
	uint32_t src[4];	/* network order */
	uint32_t dst[4];
	uint16_t sport;
	uint16_t dport;
};

enum { F6_PROTO, F6_HDR, F6_SRC, F6_DST = F6_SRC + 4, F6_SPORT = F6_DST + 4,
       F6_DPORT, F6_NUM };

RTE_ACL_RULE_DEF(facl6_rule, F6_NUM);

#define DEF6(type, size, field, input, member) \
	{ RTE_ACL_FIELD_TYPE_##type, size, field, input, offsetof(struct facl6_key, member) }

static const struct rte_acl_field_def facl6_defs[F6_NUM] = {
	DEF6(BITMASK, 1, F6_PROTO, 0, proto),
	DEF6(BITMASK, 4, F6_HDR, 1, hdr),
	DEF6(MASK, 4, F6_SRC + 0, 2, src[0]),
	DEF6(MASK, 4, F6_SRC + 1, 3, src[1]),
	DEF6(MASK, 4, F6_SRC + 2, 4, src[2]),
	DEF6(MASK, 4, F6_SRC + 3, 5, src[3]),
	DEF6(MASK, 4, F6_DST + 0, 6, dst[0]),
	DEF6(MASK, 4, F6_DST + 1, 7, dst[1]),
	DEF6(MASK, 4, F6_DST + 2, 8, dst[2]),
	DEF6(MASK, 4, F6_DST + 3, 9, dst[3]),
	DEF6(RANGE, 2, F6_SPORT, 10, sport),
	DEF6(RANGE, 2, F6_DPORT, 10, dport),
};

/* The families a rule can match. */
#define FAM4 1u
#define FAM6 2u

/* One simple rule, whatever its family. */
struct srule {
	uint8_t fam;		/* FAM4 | FAM6 */
	uint8_t verdict;	/* NF_ACCEPT or NF_DROP */
	uint8_t count;		/* has a counter */
	bool has_proto, has_nh, ports;
	uint8_t proto;		/* meta l4proto (ip protocol for IPv4) */
	uint8_t nh;		/* ip6 nexthdr (nft's dependency for ports after it) */
	uint8_t plen[2];	/* prefix length of saddr, daddr */
	uint8_t addr[2][16];	/* saddr, daddr (the first 4 bytes for IPv4) */
	uint16_t lo[2], hi[2];	/* sport, dport */
};

enum { K_NONE, K_NFPROTO, K_PROTO, K_NH, K_SRC, K_DST, K_SPORT, K_DPORT };

/* The length of the prefix that mask is, or -1 if it is not one. */
static int prefix_len(const uint8_t *mask, uint8_t len)
{
	int n = 0;
	uint8_t k = 0;

	while (k < len && mask[k] == 0xff)
		k++, n += 8;
	if (k < len) {
		int b = __builtin_clz((uint32_t)(uint8_t)~mask[k] << 24 | 0xffffff);

		if ((uint8_t)(mask[k] << b) != 0)
			return -1;
		n += b;
		for (k++; k < len; k++)
			if (mask[k])
				return -1;
	}
	return n;
}

/* Payload at the network header: what it loads for a rule of family fam. */
static int net_kind(uint8_t fam, uint16_t off, uint8_t len)
{
	if (fam == FAM4)
		return off == 9 && len == 1 ? K_PROTO :
		       off == 12 && len <= 4 ? K_SRC : off == 16 && len <= 4 ? K_DST : K_NONE;
	if (fam == FAM6)
		return off == 6 && len == 1 ? K_NH :
		       off == 8 && len <= 16 ? K_SRC : off == 24 && len <= 16 ? K_DST : K_NONE;
	return K_NONE;	/* inet without meta nfproto: the offsets mean nothing yet */
}

/* A write of words registers at dreg: what was loaded there is gone. */
static void regs_clobber(uint8_t *kind, const uint8_t *llen, uint8_t dreg, uint8_t words)
{
	for (uint8_t r = 0; r < FREGS; r++)
		if (kind[r] != K_NONE && r < dreg + words && r + (llen[r] + 3) / 4 > dreg)
			kind[r] = K_NONE;
}

/* One rule's instructions to r, or false if the rule is not simple. */
static bool rule_simple(const struct nfv_filter_ruleset *rs, const struct finsn *i,
			const struct finsn *end, uint32_t family, struct srule *r)
{
	uint8_t kind[FREGS] = { 0 }, llen[FREGS] = { 0 }, mask[FREGS][16];
	bool set_addr[2] = { false, false };
	const uint8_t *d;
	uint32_t v;
	int k;

	memset(r, 0, sizeof(*r));
	r->fam = family == NFPROTO_IPV4 ? FAM4 : family == NFPROTO_IPV6 ? FAM6 : FAM4 | FAM6;
	r->hi[0] = r->hi[1] = UINT16_MAX;
	for (i++; i < end; i++) {
		switch (i->op) {
		case FOP_META:
			if (i->a != NFT_META_NFPROTO && i->a != NFT_META_L4PROTO)
				return false;
			regs_clobber(kind, llen, i->dreg, 1);
			kind[i->dreg] = i->a == NFT_META_NFPROTO ? K_NFPROTO : K_PROTO;
			llen[i->dreg] = 1;	/* compared on its first byte */
			continue;
		case FOP_PAYLOAD:
			if (i->a == NFT_PAYLOAD_NETWORK_HEADER)
				k = net_kind(r->fam, i->c, i->len);
			else if (i->a == NFT_PAYLOAD_TRANSPORT_HEADER && i->len == 2 &&
				 (i->c == 0 || i->c == 2))
				k = i->c == 0 ? K_SPORT : K_DPORT;
			else
				return false;
			if (k == K_NONE || i->dreg + (i->len + 3) / 4 > FREGS)
				return false;
			regs_clobber(kind, llen, i->dreg, (i->len + 3) / 4);
			kind[i->dreg] = k;
			llen[i->dreg] = i->len;
			memset(mask[i->dreg], 0xff, sizeof(mask[0]));
			continue;
		case FOP_BITWISE:
			if ((kind[i->sreg] != K_SRC && kind[i->sreg] != K_DST) ||
			    i->sreg != i->dreg || i->len != llen[i->sreg])
				return false;
			for (uint8_t b = 0; b < i->len; b++)
				if (((const uint8_t *)&rs->pool[i->arg2])[b] != 0)
					return false;
			for (uint8_t b = 0; b < i->len; b++)
				mask[i->dreg][b] &= ((const uint8_t *)&rs->pool[i->arg])[b];
			continue;
		case FOP_CMP:
		case FOP_RANGE:
			break;
		case FOP_COUNTER:
			r->count = 1;
			continue;
		case FOP_VERDICT:
			v = i->arg;
			if (i + 1 != end || (v != NF_ACCEPT && v != NF_DROP) ||
			    (r->ports && !r->has_proto && !r->has_nh) ||
			    r->lo[0] > r->hi[0] || r->lo[1] > r->hi[1])
				return false;
			r->verdict = v;
			return true;
		default:
			return false;
		}
		/* a comparison of a loaded register */
		d = (const uint8_t *)&rs->pool[i->arg];
		if (i->len != llen[i->sreg] || (i->op == FOP_RANGE && i->a != NFT_RANGE_EQ))
			return false;
		if (i->op == FOP_CMP && i->a != NFT_CMP_EQ &&
		    !((kind[i->sreg] == K_SPORT || kind[i->sreg] == K_DPORT) &&
		      (i->a == NFT_CMP_GTE || i->a == NFT_CMP_LTE)))
			return false;
		if (i->op == FOP_RANGE && kind[i->sreg] != K_SPORT && kind[i->sreg] != K_DPORT)
			return false;
		switch (kind[i->sreg]) {
		case K_NFPROTO:
			/* narrows the family; asking for the other one never matches */
			if (d[0] == NFPROTO_IPV4 && (r->fam & FAM4))
				r->fam = FAM4;
			else if (d[0] == NFPROTO_IPV6 && (r->fam & FAM6))
				r->fam = FAM6;
			else
				return false;
			break;
		case K_PROTO:
		case K_NH:
			if (kind[i->sreg] == K_PROTO ? r->has_proto : r->has_nh)
				return false;
			if (kind[i->sreg] == K_PROTO)
				r->has_proto = true, r->proto = d[0];
			else
				r->has_nh = true, r->nh = d[0];
			break;
		case K_SRC:
		case K_DST: {
			int f = kind[i->sreg] == K_SRC ? 0 : 1;
			int n = prefix_len(mask[i->sreg], i->len);

			if (set_addr[f] || n < 0)
				return false;
			/* bits under the mask's zeros: the walk never matches */
			for (uint8_t b = 0; b < i->len; b++)
				if (d[b] & ~mask[i->sreg][b])
					return false;
			set_addr[f] = true;
			memcpy(r->addr[f], d, i->len);
			r->plen[f] = n;
			break;
		}
		case K_SPORT:
		case K_DPORT: {
			int f = kind[i->sreg] == K_SPORT ? 0 : 1;
			uint16_t lo = rte_be_to_cpu_16(*(const uint16_t *)d), hi = lo;

			if (i->op == FOP_RANGE)
				hi = rte_be_to_cpu_16(*(const uint16_t *)&rs->pool[i->arg2]);
			if (i->op == FOP_CMP && i->a == NFT_CMP_GTE)
				hi = UINT16_MAX;
			if (i->op == FOP_CMP && i->a == NFT_CMP_LTE)
				lo = 0;
			/* ranges only narrow what was already asked */
			r->lo[f] = RTE_MAX(lo, r->lo[f]);
			r->hi[f] = RTE_MIN(hi, r->hi[f]);
			r->ports = true;
			break;
		}
		default:
			return false;
		}
	}
	return false;
}

/* Word w (0..3) of a 16-byte address, host order. */
static uint32_t addr_word(const uint8_t *a, unsigned int w)
{
	const uint8_t *b = a + 4 * w;

	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static void rule4_fill(struct facl_rule *a, const struct srule *r)
{
	memset(a, 0, sizeof(*a));
	if (r->has_proto) {
		a->field[F_PROTO].value.u8 = r->proto;
		a->field[F_PROTO].mask_range.u8 = 0xff;
	}
	a->field[F_L4OK].value.u32 = a->field[F_L4OK].mask_range.u32 = r->ports;
	for (int f = 0; f < 2; f++) {
		a->field[F_SRC + f].value.u32 = addr_word(r->addr[f], 0);
		a->field[F_SRC + f].mask_range.u32 = r->plen[f];
		a->field[F_SPORT + f].value.u16 = r->lo[f];
		a->field[F_SPORT + f].mask_range.u16 = r->hi[f];
	}
}

static void rule6_fill(struct facl6_rule *a, const struct srule *r)
{
	memset(a, 0, sizeof(*a));
	if (r->has_proto) {
		a->field[F6_PROTO].value.u8 = r->proto;
		a->field[F6_PROTO].mask_range.u8 = 0xff;
	}
	a->field[F6_HDR].value.u32 = (uint32_t)r->nh << 8 | r->ports;
	a->field[F6_HDR].mask_range.u32 = (r->has_nh ? 0xff00 : 0) | r->ports;
	for (int f = 0; f < 2; f++) {
		for (unsigned int w = 0; w < 4; w++) {
			int n = RTE_MIN(RTE_MAX((int)r->plen[f] - 32 * (int)w, 0), 32);

			a->field[F6_SRC + 4 * f + w].value.u32 = addr_word(r->addr[f], w);
			a->field[F6_SRC + 4 * f + w].mask_range.u32 = n;
		}
		a->field[F6_SPORT + f].value.u16 = r->lo[f];
		a->field[F6_SPORT + f].mask_range.u16 = r->hi[f];
	}
}

/* The trie of the rules of family fam of a run, or NULL when it has none. */
static int trie_build(const struct srule *rules, uint32_t n, uint8_t fam,
		      struct rte_acl_ctx **out)
{
	static uint32_t seq;
	uint32_t nf = fam == FAM4 ? F_NUM : F6_NUM, m = 0;
	size_t sz = RTE_ACL_RULE_SZ(nf);
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = nf };
	struct rte_acl_param prm = { .socket_id = SOCKET_ID_ANY, .rule_size = sz };
	char name[RTE_ACL_NAMESIZE];
	uint8_t *buf;
	int ret;

	*out = NULL;
	for (uint32_t k = 0; k < n; k++)
		m += (rules[k].fam & fam) != 0;
	if (m == 0)
		return 0;
	buf = calloc(m, sz);
	if (buf == NULL)
		return -ENOMEM;
	m = 0;
	for (uint32_t k = 0; k < n; k++) {
		struct rte_acl_rule *a = (struct rte_acl_rule *)(buf + m * sz);

		if (!(rules[k].fam & fam))
			continue;
		if (fam == FAM4)
			rule4_fill((struct facl_rule *)a, &rules[k]);
		else
			rule6_fill((struct facl6_rule *)a, &rules[k]);
		a->data.category_mask = 1;
		a->data.priority = RTE_ACL_MAX_PRIORITY - k;
		a->data.userdata = k + 1;
		m++;
	}
	snprintf(name, sizeof(name), "nfv_acl%c_%u", fam == FAM4 ? '4' : '6',
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	prm.name = name;
	prm.max_rule_num = m;
	memcpy(cfg.defs, fam == FAM4 ? facl_defs : facl6_defs,
	       nf * sizeof(struct rte_acl_field_def));
	*out = rte_acl_create(&prm);
	if (*out == NULL)
		ret = -ENOMEM;
	else
		ret = rte_acl_add_rules(*out, (const struct rte_acl_rule *)buf, m);
	if (ret == 0)
		ret = rte_acl_build(*out, &cfg);
	free(buf);
	return ret;
}

static int acl_build(struct fcompiler *c, uint32_t first, uint32_t end,
		     const struct srule *rules, const uint32_t *index, uint32_t n)
{
	struct nfv_filter_ruleset *rs = c->rs;
	struct facl *a, *na;
	int ret;

	na = realloc(rs->acls, (rs->nb_acls + 1) * sizeof(*na));
	if (na == NULL)
		return -ENOMEM;
	rs->acls = na;
	a = &rs->acls[rs->nb_acls];
	memset(a, 0, sizeof(*a));
	a->rule = malloc(n * sizeof(*a->rule));
	if (a->rule == NULL)
		return -ENOMEM;
	rs->nb_acls++;	/* facl_free() frees what is there from now on */
	for (uint32_t k = 0; k < n; k++)
		a->rule[k] = (struct facl_action){ index[k], rules[k].verdict, rules[k].count };
	ret = trie_build(rules, n, FAM4, &a->ctx);
	if (ret == 0)
		ret = trie_build(rules, n, FAM6, &a->ctx6);
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

/* Finds runs of simple rules in chain ch and gives each its tries. */
int facl_chain(struct fcompiler *c, uint32_t ch)
{
	struct nfv_filter_ruleset *rs = c->rs;
	const struct fchain *fc = &rs->chains[ch];
	struct srule *rules = NULL;
	uint32_t *index = NULL, n = 0, cap = 0, first = 0, pc = fc->pc;
	int ret = 0;

	for (;;) {
		const struct finsn *i = &rs->prog[pc];
		bool simple = false;

		if (i->op == FOP_RULE) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if (GROW(rules, cap) < 0 || GROW(index, cap) < 0) {
					ret = -ENOMEM;
					break;
				}
			}
			simple = rule_simple(rs, i, &rs->prog[i->arg], fc->family, &rules[n]);
		}
		if (simple) {
			if (n == 0)
				first = pc;
			index[n++] = i->arg2;
			pc = i->arg;
			continue;
		}
		if (n >= FACL_MIN_RUN)
			ret = acl_build(c, first, pc, rules, index, n);
		n = 0;
		if (ret || i->op == FOP_CHAIN_END)
			break;
		pc = i->arg;	/* a rule that is not simple */
	}
	free(rules);
	free(index);
	return ret;
}

void facl_free(struct nfv_filter_ruleset *rs)
{
	for (uint32_t k = 0; k < rs->nb_acls; k++) {
		rte_acl_free(rs->acls[k].ctx);
		rte_acl_free(rs->acls[k].ctx6);
		free(rs->acls[k].rule);
	}
	free(rs->acls);
}

/* Fills l4ok and the ports as the walk's transport loads would see them:
 * 0, or FACL_WALK when only the source port could be loaded. */
static uint32_t ports_fill(const struct fpkt *p, uint32_t *l4ok, uint16_t *sport,
			   uint16_t *dport)
{
	uint8_t b[4];
	const uint8_t *h;

	*l4ok = 0;
	*sport = *dport = 0;
	if (p->fragoff || p->thoff + 2u > p->len)
		return 0;	/* no port loads: rules with ports never match */
	if (p->thoff + 4u > p->len)
		return FACL_WALK;
	h = rte_pktmbuf_read(p->m, p->thoff, 4, b);
	if (h == NULL)
		return FACL_WALK;
	*l4ok = 1;
	memcpy(sport, h, 2);
	memcpy(dport, h + 2, 2);
	return 0;
}

/* The IPv4 key of p: 0, or FACL_WALK when p cannot be classified. */
static uint32_t key4_fill(const struct fpkt *p, struct facl_key *k)
{
	uint8_t b[8];
	const uint8_t *h;
	uint32_t l4ok;

	h = rte_pktmbuf_read(p->m, 12, 8, b);
	if (h == NULL || !p->has_l4)
		return FACL_WALK;
	memset(k, 0, sizeof(*k));
	k->proto = p->l4proto;
	memcpy(&k->src, h, 4);
	memcpy(&k->dst, h + 4, 4);
	if (ports_fill(p, &l4ok, &k->sport, &k->dport))
		return FACL_WALK;
	k->l4ok = rte_cpu_to_be_32(l4ok);
	return 0;
}

/* The IPv6 key of p: 0, or FACL_WALK when p cannot be classified. */
static uint32_t key6_fill(const struct fpkt *p, struct facl6_key *k)
{
	uint8_t b[34];
	const uint8_t *h;
	uint32_t l4ok;

	h = rte_pktmbuf_read(p->m, 6, 34, b);	/* nexthdr, hop limit, addresses */
	if (h == NULL || !p->has_l4)
		return FACL_WALK;
	k->proto = p->l4proto;
	memset(k->pad, 0, sizeof(k->pad));
	memcpy(k->src, h + 2, 16);
	memcpy(k->dst, h + 18, 16);
	if (ports_fill(p, &l4ok, &k->sport, &k->dport))
		return FACL_WALK;
	k->hdr = rte_cpu_to_be_32((uint32_t)h[0] << 8 | l4ok);
	return 0;
}

uint32_t facl_classify(const struct facl *a, const struct fpkt *p)
{
	union {
		struct facl_key k4;
		struct facl6_key k6;
	} k;
	const uint8_t *data = (const uint8_t *)&k;
	uint32_t res;

	if (p->nfproto == NFPROTO_IPV6) {
		if (a->ctx6 == NULL)
			return 0;	/* no rule of the run can match */
		if ((res = key6_fill(p, &k.k6)) != 0)
			return res;
		rte_acl_classify(a->ctx6, &data, &res, 1, 1);
		return res;
	}
	if (a->ctx == NULL)
		return 0;
	if ((res = key4_fill(p, &k.k4)) != 0)
		return res;
	rte_acl_classify(a->ctx, &data, &res, 1, 1);
	return res;
}

void facl_classify_burst(const struct facl *a, const struct fpkt *p, uint16_t n,
			 uint32_t *res)
{
	struct facl_key k4[FACL_BURST];
	struct facl6_key k6[FACL_BURST];
	const uint8_t *d4[FACL_BURST], *d6[FACL_BURST];
	uint32_t out[FACL_BURST];
	uint16_t i4[FACL_BURST], i6[FACL_BURST], m4 = 0, m6 = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (p[i].nfproto == NFPROTO_IPV6) {
			res[i] = a->ctx6 == NULL ? 0 : key6_fill(&p[i], &k6[m6]);
			if (a->ctx6 != NULL && res[i] == 0) {
				d6[m6] = (const uint8_t *)&k6[m6];
				i6[m6++] = i;
			}
		} else {
			res[i] = a->ctx == NULL ? 0 : key4_fill(&p[i], &k4[m4]);
			if (a->ctx != NULL && res[i] == 0) {
				d4[m4] = (const uint8_t *)&k4[m4];
				i4[m4++] = i;
			}
		}
	}
	if (m4) {
		rte_acl_classify(a->ctx, d4, out, m4, 1);
		for (uint16_t j = 0; j < m4; j++)
			res[i4[j]] = out[j];
	}
	if (m6) {
		rte_acl_classify(a->ctx6, d6, out, m6, 1);
		for (uint16_t j = 0; j < m6; j++)
			res[i6[j]] = out[j];
	}
}
