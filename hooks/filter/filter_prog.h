/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiled form of a ruleset: every chain is a run of 16-byte
 * instructions in one array, rules are delimited by RULE instructions that
 * know where the next rule starts, and data (cmp values, masks) lives in a
 * constant pool. The interpreter is one switch (nft_eval.c) rather than
 * an indirect call per expression: the compiler sees every case, and the
 * program stays position-independent.
 *
 * The instructions of the expressions come from expr/expr_list.h, one
 * file per expression (expr/<name>.c); only the engine's own (RULE,
 * CHAIN_END, ACL) are written here.
 */
#ifndef NFV_FILTER_PROG_H
#define NFV_FILTER_PROG_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_spinlock.h>

#include "nfv_ct.h"
#include "nfv_filter.h"
#include "nfv_hook_table.h"

struct nftnl_expr;
struct nftnl_set;
struct nftnl_chain;

/* 4 verdict words (unused) + 16 data words, nft_parse_register's layout. */
#define FREGS 20
#define FJUMP_STACK 16

enum fop {
	FOP_RULE,	/* arg: pc of the next rule, arg2: rule index */
	FOP_CHAIN_END,	/* arg: policy code for base chains, or NFT_RETURN */
	FOP_ACL,	/* arg: acl; replaces the RULE of a run's first rule */
	/* then each expression's, FOP_<OP>: see the expression's file */
#define FEXPR(name, ops) ops
#define FOP(op, eval) FOP_##op,
#include "expr/expr_list.h"
#undef FOP
#undef FEXPR
	FOP_MAX
};
_Static_assert(FOP_MAX <= UINT8_MAX + 1, "struct finsn's op is one byte");

#define FREG_NONE 0xff
/* regs[0..3] are nft's verdict register: the target chain of a jump/goto */
#define FREG_CHAIN 1

struct finsn {
	uint8_t op;
	uint8_t dreg;	/* index in uint32_t regs[FREGS] */
	uint8_t sreg;
	uint8_t len;	/* bytes */
	uint8_t a;
	uint8_t b;
	uint16_t c;
	uint32_t arg;
	uint32_t arg2;
};

/* Per worker, per rule; written by that worker only. */
struct fcounter {
	uint64_t packets;
	uint64_t bytes;
};

enum fset_kind {
	FSET_RANGES,	/* sorted disjoint [lo, hi]: exact and interval */
	FSET_CONCAT_RANGES,	/* per-field [lo, hi], scanned */
};

/* map data of up to 32 bytes (an IPv6 address and a port: 20) */
#define FSET_DATA_WORDS_MAX 8

struct fset {
	char name[64];
	char table[64];
	uint32_t family;
	uint8_t kind;
	uint8_t nb_fields;
	uint8_t field_len[16];	/* concatenation, 4-byte aligned each */
	uint16_t key_len;	/* bytes, multiple of 4 not required */
	uint16_t data_len;	/* bytes of data per element; 0 for sets */
	uint8_t data_words;	/* data's stride in words, 2 to FSET_DATA_WORDS_MAX */
	bool vmap;
	bool objmap;		/* NFT_SET_OBJECT: data[2 * i] is an index in rs->objs */
	uint32_t obj_type;	/* its NFT_OBJECT_* */
	uint32_t nb;
	uint8_t *lo;		/* nb * key_len */
	uint8_t *hi;
	uint32_t *data;		/* nb * data_words: vmap {code, target} */
	uint64_t *expires;	/* nb, in nfv_hook_state.now units (0: never);
				 * NULL when no element times out */
	char **chains;		/* vmap jump/goto targets, objmap object names,
				 * until resolved */
	bool catchall;		/* a "*" element at index nb (after the others) */
	/* flags dynamic: packets add and delete elements (set_dynamic.c) */
	bool dynamic;
	uint32_t dyn_max;	/* the set's size, or FDYN_MAX_DEFAULT */
	uint64_t dyn_timeout;	/* the set's timeout in now units, 0: none */
	uint32_t dyn_conn_cap;	/* "ct count" in its elements: connections each */
	struct fdyn *dyn;	/* built with the run time; NULL in a check */
};

/* Entries of s->data (and s->chains): the elements and the catch-all. */
static inline uint32_t fset_nb_data(const struct fset *s)
{
	return s->nb + s->catchall;
}

/* set_dynamic.c: the elements of a dynamic set, and their expressions' state */
struct rte_hash;
struct rte_ring;
struct rte_rcu_qsbr;

#define FDYN_KEY_MAX 64
#define FDYN_MAX_DEFAULT 65536	/* a dynamic set without a size */

struct fdyn_elem {
	uint64_t expires;	/* now units, 0: never; atomic */
	uint64_t timeout;	/* what an update adds, 0: none */
	uint64_t tat;		/* its limit (GCRA, as expr/limit.c) */
	uint64_t packets;	/* its counter */
	uint64_t bytes;
} __rte_cache_aligned;

struct fdyn {
	struct rte_hash *h;		/* key -> element index */
	struct fdyn_elem *elems;
	struct rte_ring *free;		/* free element indexes */
	rte_spinlock_t lock;		/* inserts and deletes */
	uint32_t max;
	uint16_t key_len;
	bool deferred;			/* freed after a QSBR grace period */
	uint64_t timeout;		/* the set's, now units */
	uint64_t full;			/* inserts refused: the set was full */
	/* "ct count" in the elements: a connection list each (ct_count.c),
	 * conn_size bytes apart; NULL: none */
	uint8_t *conns;
	size_t conn_size;
	uint32_t conn_cap;
	uint64_t hz;
};

/* The connection list of element e (d->conns set). */
static inline struct nfv_ct_count_list *fdyn_conns(const struct fdyn *d,
						   const struct fdyn_elem *e)
{
	return (struct nfv_ct_count_list *)(d->conns + (size_t)(e - d->elems) * d->conn_size);
}

struct fdyn_config {
	uint32_t max;
	uint64_t timeout;		/* now units, 0: none */
	uint64_t now;			/* the load: static elements' timeouts */
	struct rte_rcu_qsbr *qsbr;	/* the workers'; NULL: nobody else reads */
	uint32_t conn_cap;		/* "ct count" in the elements, 0: none */
	uint64_t hz;
};

int fdyn_create(struct fset *s, const struct fdyn_config *cfg);
void fdyn_free(struct fset *s);
/* The live element of key, or NULL. Any worker, no lock. */
struct fdyn_elem *fdyn_lookup(const struct fdyn *d, const void *key, uint64_t now);
/* The element of key, added (with timeout, else the set's) when absent;
 * NULL when the set is full. */
struct fdyn_elem *fdyn_get(struct fdyn *d, const void *key, uint64_t now, uint64_t timeout,
			   bool *created);
void fdyn_delete(struct fdyn *d, const void *key);
/* Control side: deletes expired elements; how many. */
unsigned int fdyn_gc(struct fdyn *d, uint64_t now);
uint32_t fdyn_count(const struct fdyn *d);

/* nft_acl.c: runs of 5-tuple rules classified by rte_acl; the IPv4 key */
struct facl_key {
	uint8_t proto;		/* rte_acl reads one byte of the first group */
	uint8_t pad[3];
	uint32_t src;		/* network order, as rte_acl wants its input */
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint32_t l4ok;		/* big-endian 1: transport header, first fragment */
};

struct facl_action {
	uint32_t rule;		/* rule index, for the counter */
	uint8_t verdict;	/* NF_ACCEPT or NF_DROP */
	uint8_t count;		/* the rule has a counter */
};

struct rte_acl_ctx;
struct facl {
	struct rte_acl_ctx *ctx;	/* the run's IPv4 rules, or NULL */
	struct rte_acl_ctx *ctx6;	/* its IPv6 rules (nft_acl.c's key), or NULL */
	struct facl_action *rule;	/* by userdata - 1 */
	uint32_t end;		/* first instruction after the run */
	uint32_t first_next;	/* where the first rule's BREAK goes */
};

struct fchain {
	char name[64];
	char table[64];
	uint32_t family;	/* NFPROTO of the table */
	uint32_t pc;		/* first instruction */
	bool base;
	bool nat;		/* type nat: run by nat_hook.c, not per priority */
	int hook;
	int prio;
	uint32_t policy;	/* NF_ACCEPT or NF_DROP for base chains */
};

/* An nft flowtable: its devices as ports (bit per cfg->ifaces index). */
struct fflowtable {
	char name[64];
	char table[64];
	uint32_t family;
	uint64_t ports;
};

/* A named stateful object (counter, quota, limit): expr/objref.c. */
struct fobj {
	char name[64];
	char table[64];
	uint32_t family;
	uint32_t type;		/* NFT_OBJECT_* */
	uint32_t priv;		/* its state: fpriv(), one for all workers */
};

struct frule {
	uint16_t chain;
	uint64_t handle;
};

struct nfv_filter_ruleset {
	struct nfv_filter_config cfg;
	struct finsn *prog;
	uint32_t nb_insn;
	uint32_t *pool;
	uint32_t nb_pool;
	struct fchain *chains;
	uint16_t nb_chains;
	/* base chain indexes per hook, in priority then ruleset order */
	uint16_t *base[NFV_INET_NUMHOOKS];
	uint16_t nb_base[NFV_INET_NUMHOOKS];
	/* the nat base chains per hook, in priority then ruleset order */
	uint16_t *nat_base[NFV_INET_NUMHOOKS];
	uint16_t nb_nat_base[NFV_INET_NUMHOOKS];
	uint16_t nb_nat;
	struct frule *rules;
	uint32_t nb_rules;
	struct fcounter *counters;	/* [worker * nb_counters + i] */
	uint32_t nb_counters;
	uint8_t *priv;			/* expressions' state: fc_priv_add() */
	uint32_t nb_priv;		/* cache lines */
	uint64_t *log_tokens;		/* per worker */
	uint64_t *log_last;
	struct fset *sets;
	uint32_t nb_sets;
	struct facl *acls;
	uint32_t nb_acls;
	struct fflowtable *flowtables;
	uint32_t nb_flowtables;
	struct fobj *objs;
	uint32_t nb_objs;
	/* conntrack extensions (NFV_CT_EXT_*) this ruleset holds of cfg.ct:
	 * put back when it is freed */
	uint8_t ct_ext;
};

/* Parsed once per packet per base chain run. */
struct fpkt {
	struct rte_mbuf *m;
	uint32_t len;		/* L3 length */
	uint16_t thoff;		/* transport header offset from L3 */
	uint16_t fragoff;	/* non-zero: not the first fragment */
	uint8_t l4proto;
	uint8_t nfproto;	/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	bool has_l4;
	uint16_t base;		/* base chain being run: its policy ends it */
};

/* nft_pktinfo.c */
int fpkt_init(struct fpkt *p, struct rte_mbuf *m);

/* set_interval.c */
/* NULL: no element holds key, or the one that does expired at now */
const uint32_t *fset_lookup(const struct fset *s, const void *key, uint64_t now);
/* now, hz: the clock of nfv_hook_state.now, for element timeouts */
int fset_build(struct fset *s, struct nftnl_set *ns, uint64_t now, uint64_t hz,
	       char *err, size_t errlen);
void fset_free(struct fset *s);
void fset_chains_free(struct fset *s);

/* Expression state, as nft_expr_priv(): whole cache lines, so that state
 * that workers write (a limit's bucket, numgen's counter) shares no line. */
static inline void *fpriv(const struct nfv_filter_ruleset *rs, uint32_t idx)
{
	return rs->priv + (size_t)idx * RTE_CACHE_LINE_SIZE;
}

/*
 * rte_acl classifies 8 or more keys at once with SIMD and falls back to
 * its scalar code for fewer, so the first FACL_CACHE runs of a ruleset
 * are classified for the whole burst when its first packet reaches them;
 * the result is a pure function of the headers, so packets that never get
 * there lose nothing but the work.
 */
#define FACL_CACHE 4
#define FACL_BURST 32
#define FACL_WALK UINT32_MAX	/* cannot be classified: walk the rules */

struct facl_cache {
	const struct fpkt *pkts;	/* the burst */
	uint16_t n;
	uint16_t valid;			/* bit a: res[a] is filled */
	uint32_t res[FACL_CACHE][FACL_BURST];	/* 0: no match, userdata, or FACL_WALK */
};

/* nat_hook.c: the NAT entries' work (rs may be NULL) */
void nfv_nat_run(const struct nfv_filter_ruleset *rs, struct rte_mbuf **pkts, uint16_t n,
		 uint32_t *verdicts, const struct nfv_hook_state *state);

/* What gave a traced packet its verdict, as nft monitor trace says it. */
struct fwhy {
	int32_t rule;		/* index in rs->rules, or -1: the base chain's policy */
	uint16_t chain;		/* the base chain, for its policy */
};

/*
 * nft_eval.c: packet idx of cache (NULL: no burst); why, when not NULL
 * (a traced packet), is told the rule or policy that decided.
 */
uint32_t fchain_eval(const struct nfv_filter_ruleset *rs, uint32_t chain,
		     struct fpkt *p, const struct nfv_hook_state *st,
		     struct facl_cache *cache, uint16_t idx, struct fwhy *why);

/* nft_compile.c */
struct fcompiler {
	struct nfv_filter_ruleset *rs;
	uint32_t cap_insn, cap_pool, cap_rules, cap_priv;
	uint8_t *priv;		/* rs->priv until the ruleset is built */
	/* where we are, for error messages and name resolution */
	uint32_t family;
	const char *table;
	const char *chain;
	uint64_t handle;
	char *err;
	size_t errlen;
};

int fc_error(struct fcompiler *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct finsn *fc_emit(struct fcompiler *c, uint8_t op);
int fc_pool_add(struct fcompiler *c, const void *data, uint32_t len, uint32_t *idx);
int fc_chain_find(const struct fcompiler *c, const char *name);
int fc_set_find(const struct fcompiler *c, const char *name);
int fc_flowtable_find(const struct fcompiler *c, const char *name);
int fc_obj_find(const struct fcompiler *c, const char *name, uint32_t type);
/* expr/objref.c: the objects of o into rs->objs, their state initialised */
int fobj_index_all(struct fcompiler *c, const struct nfv_nft_objs *o);
/* size bytes from init (NULL: zeros) in fresh cache lines; *idx for fpriv() */
int fc_priv_add(struct fcompiler *c, const void *init, uint32_t size, uint32_t *idx);
int fc_reg_parse(struct fcompiler *c, uint32_t r, uint32_t len, uint8_t *out);
/* nft_eval.c: by the expression's name (expr/expr_list.h) */
int fcompile_expr(struct fcompiler *c, struct nftnl_expr *e);
int fcompile_all(struct fcompiler *c, const struct nfv_nft_objs *o);
int fc_compile_chain(struct fcompiler *c, const struct nfv_nft_objs *o,
		     struct nftnl_chain *ch, uint16_t idx);
int fchain_check(struct fcompiler *c);
int facl_chain(struct fcompiler *c, uint32_t chain);
void facl_free(struct nfv_filter_ruleset *rs);
/* 0 (no match), the matching rule's userdata, or FACL_WALK. */
uint32_t facl_classify(const struct facl *a, const struct fpkt *p);
void facl_classify_burst(const struct facl *a, const struct fpkt *p, uint16_t n,
			 uint32_t *res);

#endif
