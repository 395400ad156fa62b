/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * queue: hands the packet to a numbered queue (NFV_QUEUE_NR) that an
 * outside program answers, as nft_queue; with a fanout, the queue is
 * chosen by a hash of the addresses, symmetric as nfqueue_hash(), so both
 * directions of a flow reach the same one. Bypass: accept when no one
 * listens. A queue number from a register is refused.
 *
 *   QUEUE  c: first queue, arg: fanout total (1: none), a: NFT_QUEUE_FLAG_*
 */
FEXPR(queue, FOP(QUEUE, queue_eval))
#ifdef FEXPR_CODE
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "filter_prog.h"

static int queue_compile(struct fcompiler *c, struct nftnl_expr *e)
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

static inline int32_t queue_eval(const struct nfv_filter_ruleset *rs,
				 const struct finsn *i, uint32_t *regs,
				 const struct fpkt *p,
				 const struct nfv_hook_state *st)
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
	return (int32_t)v;
}
#endif
