/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * connlimit: "ct count [over] N", as the kernel's nft_connlimit: the
 * packet's connection joins the rule's list of connections (ct_count.c:
 * new ones only; those that went away or closed leave), and the rule goes
 * on while the list holds at most N ("ct count N") or more than N ("ct
 * count over N"). One list for all workers, as the kernel's is one for all
 * CPUs. A packet without a connection (invalid, untracked) adds nothing
 * and is judged by the list as it is (the kernel adds its tuple, which
 * its next look finds gone).
 *
 *   CONNLIMIT  arg: its list (fpriv), arg2: N, a: inverted ("over")
 */
FEXPR(connlimit, FOP(CONNLIMIT, connlimit_eval))
#ifdef FEXPR_CODE
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"
#include "nfv_ct.h"
#include "nfv_mbuf.h"

/* Connections one rule keeps: the kernel's list is unbounded, N is not */
#define CONNLIMIT_CAP 256

static int connlimit_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t count = nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_COUNT);
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_FLAGS);
	struct finsn *i;
	uint32_t idx;

	if (flags & ~(uint32_t)NFT_CONNLIMIT_F_INV)
		return fc_error(c, -EINVAL, "expression 'connlimit' flags 0x%x not supported",
				flags);
	if (count >= CONNLIMIT_CAP)
		return fc_error(c, -EOPNOTSUPP, "expression 'connlimit': ct count %u: "
				"at most %u here", count, CONNLIMIT_CAP - 1);
	if (fc_priv_add(c, NULL, nfv_ct_count_list_size(CONNLIMIT_CAP), &idx))
		return -ENOMEM;
	nfv_ct_count_list_init((struct nfv_ct_count_list *)(c->priv +
			       (size_t)idx * RTE_CACHE_LINE_SIZE), CONNLIMIT_CAP);
	i = fc_emit(c, FOP_CONNLIMIT);
	if (i == NULL)
		return -ENOMEM;
	i->arg = idx;
	i->arg2 = count;
	i->a = !!(flags & NFT_CONNLIMIT_F_INV);
	return 0;
}

static __rte_noinline int32_t connlimit_eval(const struct nfv_filter_ruleset *rs,
					     const struct finsn *i, uint32_t *regs,
					     const struct fpkt *p,
					     const struct nfv_hook_state *st)
{
	uint32_t n = nfv_ct_count_add(fpriv(rs, i->arg), nfv_mbuf_meta(p->m)->ct, st->now,
				      rs->cfg.hz);

	/* nft_connlimit_do_eval() */
	return (n > i->arg2) ^ i->a ? NFT_BREAK : NFT_CONTINUE;
}
#endif
