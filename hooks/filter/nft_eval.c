/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interpreter: nft_do_chain()'s semantics (rules in order, BREAK to the
 * next rule, a jump stack for JUMP/RETURN, the base chain's policy at the
 * end) over our compiled program.
 */
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

static inline bool cmp_ok(uint8_t op, int d)
{
	switch (op) {
	case NFT_CMP_EQ: return d == 0;
	case NFT_CMP_NEQ: return d != 0;
	case NFT_CMP_LT: return d < 0;
	case NFT_CMP_LTE: return d <= 0;
	case NFT_CMP_GT: return d > 0;
	default: return d >= 0;
	}
}

static inline void shift(const struct finsn *i, uint32_t *regs)
{
	uint32_t n = i->len / 4, s = i->arg, carry = 0, v;
	uint32_t *src = &regs[i->sreg], *dst = &regs[i->dreg];

	if (s == 0 || s >= 32) {
		memmove(dst, src, i->len);
		return;
	}
	if (i->a == NFT_BITWISE_LSHIFT) {
		for (uint32_t k = n; k > 0; k--) {
			v = src[k - 1];
			dst[k - 1] = (v << s) | carry;
			carry = v >> (32 - s);
		}
	} else {
		for (uint32_t k = 0; k < n; k++) {
			v = src[k];
			dst[k] = carry | (v >> s);
			carry = v << (32 - s);
		}
	}
}

static inline void byteorder(const struct finsn *i, uint32_t *regs)
{
	uint8_t *src = (uint8_t *)&regs[i->sreg], *dst = (uint8_t *)&regs[i->dreg];
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	/* hton and ntoh are the same swap on a little-endian host */
	for (uint32_t k = 0; k < i->len; k += i->b) {
		switch (i->b) {
		case 8:
			memcpy(&v64, src + k, 8);
			v64 = rte_bswap64(v64);
			memcpy(dst + k, &v64, 8);
			break;
		case 4:
			memcpy(&v32, src + k, 4);
			v32 = rte_bswap32(v32);
			memcpy(dst + k, &v32, 4);
			break;
		default:
			memcpy(&v16, src + k, 2);
			v16 = rte_bswap16(v16);
			memcpy(dst + k, &v16, 2);
		}
	}
}

static inline uint32_t queue_verdict(const struct finsn *i, const struct fpkt *p)
{
	uint32_t num = i->c, h = 0, v;

	if (i->arg > 1) {
		/* fan out by flow, symmetric in addresses like nfqueue_hash */
		uint8_t a[32] = { 0 };
		uint32_t alen = p->nfproto == NFPROTO_IPV4 ? 4 : 16;
		uint32_t aoff = p->nfproto == NFPROTO_IPV4 ? 12 : 8;

		if (rte_pktmbuf_read(p->m, aoff, 2 * alen, a) != NULL)
			for (uint32_t k = 0; k < 2 * alen; k += 4) {
				memcpy(&v, a + k, 4);
				h ^= v;
			}
		num += rte_bswap32(h * 0x9e3779b1u) % i->arg;
	}
	v = NFV_QUEUE_NR(num);
	if (i->a & NFT_QUEUE_FLAG_BYPASS)
		v |= NFV_VERDICT_FLAG_QUEUE_BYPASS;
	return v;
}

uint32_t fchain_eval(const struct nfv_filter_ruleset *rs, uint32_t chain,
		     struct fpkt *p, const struct nfv_hook_state *st,
		     struct facl_cache *cache, uint16_t idx)
{
	const struct finsn *prog = rs->prog;
	uint32_t regs[FREGS];
	uint32_t stack[FJUMP_STACK];
	uint32_t pc = rs->chains[chain].pc, next = pc, sp = 0;
	const uint32_t *d;
	int32_t verdict;
	int x, y;

	p->base = chain;
	for (;;) {
		const struct finsn *i = &prog[pc++];

		switch (i->op) {
		case FOP_RULE:
			next = i->arg;
			continue;
		case FOP_META:
			if (!fmeta_get(rs, p, st, i->a, &regs[i->dreg]))
				break;
			continue;
		case FOP_META_SET:
			fmeta_set(p, i->a, &regs[i->sreg]);
			continue;
		case FOP_PAYLOAD:
			if (!fpayload_load(p, i->a, i->c, i->len, &regs[i->dreg]))
				break;
			continue;
		case FOP_CMP:
			if (!cmp_ok(i->a, memcmp(&regs[i->sreg], &rs->pool[i->arg], i->len)))
				break;
			continue;
		case FOP_BITWISE:
			for (uint32_t k = 0; k < (i->len + 3u) / 4; k++)
				regs[i->dreg + k] = (regs[i->sreg + k] & rs->pool[i->arg + k]) ^
						    rs->pool[i->arg2 + k];
			continue;
		case FOP_SHIFT:
			shift(i, regs);
			continue;
		case FOP_BYTEORDER:
			byteorder(i, regs);
			continue;
		case FOP_RANGE:
			x = memcmp(&regs[i->sreg], &rs->pool[i->arg], i->len);
			y = memcmp(&regs[i->sreg], &rs->pool[i->arg2], i->len);
			if ((x >= 0 && y <= 0) != (i->a == NFT_RANGE_EQ))
				break;
			continue;
		case FOP_LOOKUP:
			d = fset_lookup(&rs->sets[i->arg], &regs[i->sreg]);
			if ((d != NULL) == i->a)
				break;
			if (i->dreg == 0) {
				verdict = (int32_t)d[0];
				chain = d[1];
				goto verdict;
			}
			if (i->dreg != FREG_NONE)
				memcpy(&regs[i->dreg], d, rs->sets[i->arg].data_len);
			continue;
		case FOP_CT:
			if (!fct_get(p, i->a, i->b, &regs[i->dreg]))
				break;
			continue;
		case FOP_CT_SET:
			fct_set(p, i->a, &regs[i->sreg]);
			continue;
		case FOP_IMM:
			memcpy(&regs[i->dreg], &rs->pool[i->arg], i->len);
			continue;
		case FOP_COUNTER: {
			struct fcounter *c = &rs->counters[st->worker * rs->nb_counters + i->arg];

			c->packets++;
			c->bytes += p->len;
			continue;
		}
		case FOP_LIMIT:
			if (flimit_pass(&rs->limits[i->arg], st->worker, st->now, p->len))
				continue;
			break;
		case FOP_LOG:
			flog_emit(rs, i->arg, p, st);
			continue;
		case FOP_REJECT:
			freject(p, i->a, i->b, st);
			return NFV_DROP_REASON(NFV_DR_FILTER_REJECT);
		case FOP_QUEUE:
			return queue_verdict(i, p);
		case FOP_VERDICT:
			verdict = (int32_t)i->arg;
			chain = i->arg2;
			goto verdict;
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
			goto verdict;
		}
		}
		/* NFT_BREAK: on to the next rule */
		pc = next;
		continue;
verdict:
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
			pc = next = rs->chains[chain].pc;
			continue;
		case NFT_RETURN:
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
