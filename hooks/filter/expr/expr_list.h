/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The nft expressions the engine compiles, one line each, as libnftnl's
 * src/expr/: adding an expression is its file and its line here.
 *
 * Each file begins with its entry,
 *
 *	FEXPR(name, FOP(OP, eval) ...)
 *
 * (name as nftnl_expr_get_str(NFTNL_EXPR_NAME) gives it; its compile
 * function is name_compile(); each instruction it emits is FOP_OP, run by
 * eval), then holds its code under #ifdef FEXPR_CODE. An includer defines
 * FEXPR and FOP, includes this list, and undefines them:
 *
 *	filter_prog.h   FOP(op, eval) -> FOP_op,       the instruction enum
 *	nft_eval.c      FEXPR_CODE defined                the code, in the one
 *	                                                  unit that interprets
 *	                FEXPR(name, ops) -> { "name", name_compile },
 *	                                                  fcompile_expr()'s table
 *	                FOP(op, eval) -> case FOP_op: eval(...)
 *	                                                  the interpreter's switch
 *
 * so that every eval function is static inline in the unit of the switch,
 * and the switch stays one switch with the expressions inlined.
 *
 * An eval function:
 *
 *	static inline int32_t x_eval(const struct nfv_filter_ruleset *rs,
 *				     const struct finsn *i, uint32_t *regs,
 *				     const struct fpkt *p,
 *				     const struct nfv_hook_state *st)
 *
 * returns what the kernel's expressions leave in regs->verdict.code:
 * NFT_CONTINUE (next instruction), NFT_BREAK (next rule), a verdict (with
 * the chain of NFT_JUMP / NFT_GOTO in regs[FREG_CHAIN]), or a hook verdict
 * that ends the chain (NFV_DROP_REASON(), NFV_QUEUE_NR()).
 *
 * No include guard: read once per expansion.
 */
#include "meta.c"
#include "payload.c"
#include "cmp.c"
#include "range.c"
#include "bitwise.c"
#include "byteorder.c"
#include "lookup.c"
#include "ct.c"
#include "immediate.c"
#include "counter.c"
#include "limit.c"
#include "log.c"
#include "reject.c"
#include "queue.c"
#include "numgen.c"
#include "fib.c"
#include "notrack.c"
#include "hash.c"
#include "quota.c"
#include "exthdr.c"
#include "rt.c"
#include "dynset.c"
#include "xfrm.c"
#include "flow_offload.c"
#include "nat.c"
#include "masq.c"
#include "redir.c"
#include "objref.c"
#include "connlimit.c"
