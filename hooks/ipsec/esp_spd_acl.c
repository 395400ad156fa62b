/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD as an rte_acl trie: one classification per burst instead of a
 * walk of every policy per packet, so that thousands of policies (a
 * remote-access concentrator) cost about what ten do.
 *
 * The trie answers exactly what the walk of esp_spd.c answers: rule i of
 * the sorted array gets priority RTE_ACL_MAX_PRIORITY - i (the first match
 * wins, as in the walk) and userdata i + 1. Policies with ports require
 * the "ports known" flag, which later fragments lack; "any port" policies
 * do not look at it. Keys are in network order, rules in host order, as
 * rte_acl wants them.
 *
 * The control side builds it lazily (esp_spd_acl_sync): a burst of policy
 * changes costs one build, not one per change; until it is there, the
 * walk answers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "esp.h"

struct esp_acl_key4 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t ports;		/* 1 (network order) when sport/dport are known */
	uint32_t src, dst;
	uint16_t sport, dport;
};

struct esp_acl_key6 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t ports;
	uint32_t src[4], dst[4];
	uint16_t sport, dport;
};

enum { A_PROTO, A_PORTS, A_SPORT, A_DPORT, A_SRC, A_DST4 = A_SRC + 1,
       A_NUM4 = A_DST4 + 1, A_DST6 = A_SRC + 4, A_NUM6 = A_DST6 + 4 };

RTE_ACL_RULE_DEF(esp_acl_rule, A_NUM6);

#define DEF(type, size, field, input, off) \
	{ RTE_ACL_FIELD_TYPE_##type, size, field, input, off }

static const struct rte_acl_field_def esp_acl_defs4[A_NUM4] = {
	DEF(BITMASK, 1, A_PROTO, 0, offsetof(struct esp_acl_key4, proto)),
	/* groups other than the first are 4 bytes wide */
	DEF(BITMASK, 4, A_PORTS, 1, offsetof(struct esp_acl_key4, ports)),
	DEF(RANGE, 2, A_SPORT, 2, offsetof(struct esp_acl_key4, sport)),
	DEF(RANGE, 2, A_DPORT, 2, offsetof(struct esp_acl_key4, dport)),
	DEF(MASK, 4, A_SRC, 3, offsetof(struct esp_acl_key4, src)),
	DEF(MASK, 4, A_DST4, 4, offsetof(struct esp_acl_key4, dst)),
};

static const struct rte_acl_field_def esp_acl_defs6[A_NUM6] = {
	DEF(BITMASK, 1, A_PROTO, 0, offsetof(struct esp_acl_key6, proto)),
	DEF(BITMASK, 4, A_PORTS, 1, offsetof(struct esp_acl_key6, ports)),
	DEF(RANGE, 2, A_SPORT, 2, offsetof(struct esp_acl_key6, sport)),
	DEF(RANGE, 2, A_DPORT, 2, offsetof(struct esp_acl_key6, dport)),
	DEF(MASK, 4, A_SRC + 0, 3, offsetof(struct esp_acl_key6, src[0])),
	DEF(MASK, 4, A_SRC + 1, 4, offsetof(struct esp_acl_key6, src[1])),
	DEF(MASK, 4, A_SRC + 2, 5, offsetof(struct esp_acl_key6, src[2])),
	DEF(MASK, 4, A_SRC + 3, 6, offsetof(struct esp_acl_key6, src[3])),
	DEF(MASK, 4, A_DST6 + 0, 7, offsetof(struct esp_acl_key6, dst[0])),
	DEF(MASK, 4, A_DST6 + 1, 8, offsetof(struct esp_acl_key6, dst[1])),
	DEF(MASK, 4, A_DST6 + 2, 9, offsetof(struct esp_acl_key6, dst[2])),
	DEF(MASK, 4, A_DST6 + 3, 10, offsetof(struct esp_acl_key6, dst[3])),
};

/* Word k (0..3) of a compiled address or mask, in host order. */
static uint32_t word(const uint64_t v[2], unsigned int k)
{
	uint32_t w;

	memcpy(&w, (const uint8_t *)v + 4 * k, 4);
	return rte_be_to_cpu_32(w);
}

static void rule_fill(struct esp_acl_rule *r, const struct esp_sp *sp,
		      uint32_t i, bool v6)
{
	unsigned int words = v6 ? 4 : 1;

	memset(r, 0, sizeof(*r));
	r->data.category_mask = 1;
	r->data.priority = RTE_ACL_MAX_PRIORITY - i;
	r->data.userdata = i + 1;
	r->field[A_PROTO].value.u8 = sp->proto;
	r->field[A_PROTO].mask_range.u8 = sp->proto ? 0xff : 0;
	r->field[A_PORTS].value.u32 = sp->any_port ? 0 : 1;
	r->field[A_PORTS].mask_range.u32 = sp->any_port ? 0 : 1;
	r->field[A_SPORT].value.u16 = sp->any_port ? 0 : sp->sport_min;
	r->field[A_SPORT].mask_range.u16 = sp->any_port ? UINT16_MAX : sp->sport_max;
	r->field[A_DPORT].value.u16 = sp->any_port ? 0 : sp->dport_min;
	r->field[A_DPORT].mask_range.u16 = sp->any_port ? UINT16_MAX : sp->dport_max;
	for (unsigned int k = 0; k < words; k++) {
		r->field[A_SRC + k].value.u32 = word(sp->src, k);
		r->field[A_SRC + k].mask_range.u32 = __builtin_popcount(word(sp->smask, k));
		r->field[A_SRC + words + k].value.u32 = word(sp->dst, k);
		r->field[A_SRC + words + k].mask_range.u32 = __builtin_popcount(word(sp->dmask, k));
	}
}

struct rte_acl_ctx *esp_spd_acl_build(const struct esp_sp *sps, uint32_t n,
				      bool v6, int socket_id)
{
	static uint32_t seq;
	struct rte_acl_config cfg = { .num_categories = 1,
				      .num_fields = v6 ? A_NUM6 : A_NUM4 };
	struct rte_acl_param prm = {
		.socket_id = socket_id,
		.rule_size = RTE_ACL_RULE_SZ(v6 ? A_NUM6 : A_NUM4),
		.max_rule_num = n,
	};
	struct esp_acl_rule *rules;
	struct rte_acl_ctx *ctx;
	char name[RTE_ACL_NAMESIZE];
	int ret;

	/* one rule size for both families: the IPv4 rules are cut short */
	rules = rte_zmalloc("esp_acl_rules", (size_t)n * prm.rule_size, 0);
	if (rules == NULL)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		struct esp_acl_rule r;

		rule_fill(&r, &sps[i], i, v6);
		memcpy((uint8_t *)rules + (size_t)i * prm.rule_size, &r, prm.rule_size);
	}
	snprintf(name, sizeof(name), "esp_spd_%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	prm.name = name;
	ctx = rte_acl_create(&prm);
	if (ctx == NULL)
		goto err;
	ret = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)rules, n);
	if (ret == 0) {
		memcpy(cfg.defs, v6 ? esp_acl_defs6 : esp_acl_defs4,
		       (v6 ? A_NUM6 : A_NUM4) * sizeof(cfg.defs[0]));
		ret = rte_acl_build(ctx, &cfg);
	}
	if (ret != 0) {
		rte_acl_free(ctx);
		ctx = NULL;
	}
err:
	rte_free(rules);
	return ctx;
}

static void key4(struct esp_acl_key4 *k, const struct esp_sel *s)
{
	memset(k, 0, sizeof(*k));
	k->proto = s->proto;
	k->ports = s->ports ? RTE_BE32(1) : 0;
	memcpy(&k->src, s->src, 4);
	memcpy(&k->dst, s->dst, 4);
	k->sport = rte_cpu_to_be_16(s->sport);
	k->dport = rte_cpu_to_be_16(s->dport);
}

static void key6(struct esp_acl_key6 *k, const struct esp_sel *s)
{
	memset(k, 0, sizeof(*k));
	k->proto = s->proto;
	k->ports = s->ports ? RTE_BE32(1) : 0;
	memcpy(k->src, s->src, 16);
	memcpy(k->dst, s->dst, 16);
	k->sport = rte_cpu_to_be_16(s->sport);
	k->dport = rte_cpu_to_be_16(s->dport);
}

/*
 * Classifies sels[idx[0..n)] (all of one family) in one call; res[j]
 * receives the matching rule's index + 1, 0 for none.
 */
void esp_spd_acl_classify(const struct rte_acl_ctx *ctx, bool v6,
			  const struct esp_sel *sels, const uint16_t *idx,
			  uint16_t n, uint32_t *res)
{
	union {
		struct esp_acl_key4 k4;
		struct esp_acl_key6 k6;
	} keys[NFV_BURST];
	const uint8_t *data[NFV_BURST];

	RTE_ASSERT(n <= NFV_BURST);
	for (uint16_t j = 0; j < n; j++) {
		if (v6)
			key6(&keys[j].k6, &sels[idx[j]]);
		else
			key4(&keys[j].k4, &sels[idx[j]]);
		data[j] = (const uint8_t *)&keys[j];
	}
	rte_acl_classify(ctx, data, res, n, 1);
}
