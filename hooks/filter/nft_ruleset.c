/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A compiled ruleset's life: build (compile + per-worker state), run on a
 * burst at one (hook, priority), counters, free.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <libnftnl/chain.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_ct.h"
#include "nfv_mbuf.h"
#include "nfv_netfilter.h"
#include "nfv_trace.h"

int nfv_nft_objs_init(struct nfv_nft_objs *o)
{
	o->tables = nftnl_table_list_alloc();
	o->chains = nftnl_chain_list_alloc();
	o->sets = nftnl_set_list_alloc();
	o->rules = nftnl_rule_list_alloc();
	o->flowtables = nftnl_flowtable_list_alloc();
	o->objs = nftnl_obj_list_alloc();
	if (o->tables && o->chains && o->sets && o->rules && o->flowtables && o->objs)
		return 0;
	nfv_nft_objs_fini(o);
	return -ENOMEM;
}

void nfv_nft_objs_fini(struct nfv_nft_objs *o)
{
	if (o->tables)
		nftnl_table_list_free(o->tables);
	if (o->chains)
		nftnl_chain_list_free(o->chains);
	if (o->sets)
		nftnl_set_list_free(o->sets);
	if (o->rules)
		nftnl_rule_list_free(o->rules);
	if (o->flowtables)
		nftnl_flowtable_list_free(o->flowtables);
	if (o->objs)
		nftnl_obj_list_free(o->objs);
	memset(o, 0, sizeof(*o));
}

void nfv_filter_ruleset_free(struct nfv_filter_ruleset *rs)
{
	if (rs == NULL)
		return;
	for (unsigned int ext = NFV_CT_EXT_LABELS; ext <= NFV_CT_EXT_ACCT; ext <<= 1)
		if (rs->ct_ext & ext)
			nfv_ct_ext_put(rs->cfg.ct, ext);
	for (uint32_t i = 0; i < rs->nb_sets; i++)
		fset_free(&rs->sets[i]);
	facl_free(rs);
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		free(rs->base[h]);
		free(rs->nat_base[h]);
	}
	free(rs->sets);
	free(rs->prog);
	free(rs->pool);
	free(rs->chains);
	free(rs->flowtables);
	free(rs->objs);
	free(rs->rules);
	rte_free(rs->priv);
	rte_free(rs->counters);
	rte_free(rs->log_tokens);
	rte_free(rs->log_last);
	free(rs);
}

/* Hot state in DPDK memory: cache-aligned, on the workers' socket. */
static int alloc_runtime(struct nfv_filter_ruleset *rs, const struct fcompiler *c)
{
	unsigned int w = RTE_MAX(rs->cfg.nb_workers, 1u);

	rs->nb_counters = rs->nb_rules;
	rs->counters = rte_zmalloc("nfv_filter_cnt",
				   sizeof(*rs->counters) * w * (rs->nb_counters + 1),
				   RTE_CACHE_LINE_SIZE);
	rs->priv = rte_zmalloc("nfv_filter_priv",
			       (size_t)RTE_CACHE_LINE_SIZE * (rs->nb_priv + 1),
			       RTE_CACHE_LINE_SIZE);
	rs->log_tokens = rte_zmalloc("nfv_filter_log", sizeof(uint64_t) * NFV_MAX_WORKERS, 0);
	rs->log_last = rte_zmalloc("nfv_filter_log", sizeof(uint64_t) * NFV_MAX_WORKERS, 0);
	if (!rs->counters || !rs->priv || !rs->log_tokens || !rs->log_last)
		return -ENOMEM;
	if (rs->nb_priv)
		memcpy(rs->priv, c->priv, (size_t)RTE_CACHE_LINE_SIZE * rs->nb_priv);
	for (uint32_t i = 0; i < rs->nb_sets; i++) {
		struct fset *s = &rs->sets[i];
		struct fdyn_config dc = {
			.max = s->dyn_max, .timeout = s->dyn_timeout, .qsbr = rs->cfg.qsbr,
			.conn_cap = s->dyn_conn_cap, .hz = rs->cfg.hz,
			.now = rs->cfg.clock != NULL ? rs->cfg.clock() : rte_get_tsc_cycles(),
		};
		int ret;

		if (!s->dynamic)
			continue;
		ret = fdyn_create(s, &dc);
		if (ret < 0) {
			snprintf(c->err, c->errlen, "table %s: set %s: %u elements: %s", s->table,
				 s->name, s->dyn_max, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void nfv_filter_ruleset_gc(const struct nfv_filter_ruleset *rs, uint64_t now)
{
	for (uint32_t i = 0; rs != NULL && i < rs->nb_sets; i++)
		if (rs->sets[i].dyn != NULL)
			fdyn_gc(rs->sets[i].dyn, now);
}

uint64_t nfv_filter_ruleset_dynset_full(const struct nfv_filter_ruleset *rs)
{
	uint64_t full = 0;

	for (uint32_t i = 0; rs != NULL && i < rs->nb_sets; i++)
		if (rs->sets[i].dyn != NULL)
			full += __atomic_load_n(&rs->sets[i].dyn->full, __ATOMIC_RELAXED);
	return full;
}

/*
 * The compile, with the classifiers and the DPDK memory of the run time
 * only when build: nfv_filter_ruleset_check() runs where there is no EAL.
 */
static int ruleset_compile(const struct nfv_nft_objs *objs,
			   const struct nfv_filter_config *cfg, bool build,
			   struct nfv_filter_ruleset **out, char *err, size_t errlen)
{
	struct fcompiler c = { .err = err, .errlen = errlen };
	struct nfv_filter_ruleset *rs;
	int ret;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (cfg->nb_workers > NFV_MAX_WORKERS || cfg->hz == 0)
		return -EINVAL;
	rs = calloc(1, sizeof(*rs));
	if (rs == NULL)
		return -ENOMEM;
	rs->cfg = *cfg;
	c.rs = rs;
	ret = fcompile_all(&c, objs);
	if (ret == 0)
		ret = fchain_check(&c);
	for (uint32_t k = 0; build && ret == 0 && k < rs->nb_chains; k++)
		ret = facl_chain(&c, k);
	if (build && ret == 0)
		ret = alloc_runtime(rs, &c);
	free(c.priv);
	if (ret) {
		if (errlen && err[0] == '\0')
			snprintf(err, errlen, "%s", strerror(-ret));
		nfv_filter_ruleset_free(rs);
		return ret;
	}
	*out = rs;
	return 0;
}

int nfv_filter_ruleset_build(const struct nfv_nft_objs *objs,
			     const struct nfv_filter_config *cfg,
			     struct nfv_filter_ruleset **out,
			     char *err, size_t errlen)
{
	return ruleset_compile(objs, cfg, true, out, err, errlen);
}

int nfv_filter_ruleset_check(const struct nfv_nft_objs *objs,
			     const struct nfv_filter_config *cfg,
			     char *err, size_t errlen)
{
	struct nfv_filter_ruleset *rs;
	int ret = ruleset_compile(objs, cfg, false, &rs, err, errlen);

	nfv_filter_ruleset_free(rs);
	return ret;
}

/*
 * A traced packet's record names what decided, as nft monitor trace does:
 * "inet f forward handle 5", or "inet f forward policy drop".
 */
static void trace_why(const struct nfv_filter_ruleset *rs, const struct fwhy *why,
		      char *buf, size_t len)
{
	const struct fchain *ch = &rs->chains[why->rule >= 0 ? rs->rules[why->rule].chain :
					      why->chain];

	int n;

	if (why->rule >= 0)
		n = snprintf(buf, len, "%s %s %s handle %" PRIu64, nfv_nft_family_name(ch->family),
			     ch->table, ch->name, rs->rules[why->rule].handle);
	else
		n = snprintf(buf, len, "%s %s %s policy %s", nfv_nft_family_name(ch->family),
			     ch->table, ch->name, ch->policy == NF_DROP ? "drop" : "accept");
	if (n >= (int)len)	/* long names: cut, and say so */
		buf[len - 2] = '~';
}

void nfv_filter_ruleset_run(const struct nfv_filter_ruleset *rs, int priority,
			    struct rte_mbuf **pkts, uint16_t n,
			    uint32_t *verdicts, const struct nfv_hook_state *state)
{
	const uint16_t *base = rs->base[state->hook];
	uint16_t nb = rs->nb_base[state->hook];
	struct fpkt p[FACL_BURST];
	struct facl_cache cache;
	const struct fchain *ch;
	struct fwhy why;
	uint32_t v;

	/* headers first, so that a run of 5-tuple rules can classify them all */
	for (uint16_t off = 0; off < n; off += FACL_BURST) {
		uint16_t m = RTE_MIN(n - off, FACL_BURST);

		for (uint16_t i = 0; i < m; i++)
			fpkt_init(&p[i], pkts[off + i]);	/* on error: no transport header */
		cache.pkts = p;
		cache.n = m;
		cache.valid = 0;
		for (uint16_t i = 0; i < m; i++) {
			v = NFV_ACCEPT;
			for (uint16_t k = 0; k < nb; k++) {
				ch = &rs->chains[base[k]];
				if (ch->prio != priority ||
				    (ch->family != NFPROTO_INET && ch->family != p[i].nfproto))
					continue;
				v = fchain_eval(rs, base[k], &p[i], state, &cache, i,
						unlikely(state->trace != NULL) &&
						state->trace[off + i].id != 0 ? &why : NULL);
				if (unlikely(state->trace != NULL) && state->trace[off + i].id != 0)
					trace_why(rs, &why, state->trace[off + i].why,
						  sizeof(state->trace[off + i].why));
				if (NFV_VERDICT(v) != NFV_ACCEPT)
					break;
			}
			verdicts[off + i] = v;
		}
	}
}

unsigned int nfv_filter_rule_count(const struct nfv_filter_ruleset *rs)
{
	return rs->nb_rules;
}

int nfv_filter_rule_get(const struct nfv_filter_ruleset *rs, unsigned int i,
			struct nfv_filter_rule_info *info)
{
	const struct fchain *ch;

	if (i >= rs->nb_rules)
		return -ENOENT;
	ch = &rs->chains[rs->rules[i].chain];
	info->table = ch->table;
	info->chain = ch->name;
	info->family = ch->family;
	info->handle = rs->rules[i].handle;
	info->packets = info->bytes = 0;
	for (unsigned int w = 0; w < RTE_MAX(rs->cfg.nb_workers, 1u); w++) {
		info->packets += rs->counters[w * rs->nb_counters + i].packets;
		info->bytes += rs->counters[w * rs->nb_counters + i].bytes;
	}
	return 0;
}

uint64_t nfv_filter_ruleset_flow_ports(const struct nfv_filter_ruleset *rs)
{
	uint64_t ports = 0;

	for (uint32_t i = 0; rs != NULL && i < rs->nb_flowtables; i++)
		ports |= rs->flowtables[i].ports;
	return ports;
}
