/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct: the packet's connection (conntrack_in.c put it in the mbuf) - state,
 * direction, status, mark, l3proto, protocol, and from the tuple of a
 * direction (ct original saddr, ct reply proto-dst, ...: saddr, daddr, ip
 * and ip6 saddr/daddr, proto-src, proto-dst), zone (the connection's, or
 * of a direction),
 * expiration (ms left, as nf_ct_expires(); 0 on a connection not yet
 * confirmed, whose kernel timeout is relative and reads as a negative
 * time left, clamped to 0, on any host up for more than its timeout),
 * label (the 128 bits of nf_conn_labels), packets, bytes, avgpkt (of a
 * direction or of both, nf_conn_acct's) - stored as nft_ct_get_eval()
 * stores them; ct mark set, ct label set (ORed in, as
 * nf_connlabels_replace() with the value as its own mask), ct zone set
 * (a template for conntrack, nfv_ct.h, as nft_ct_set_zone_eval()). Labels and
 * counters live in the conntrack's side arrays (nfv_ct.h): a ruleset
 * with a ct label (match or set) takes the labels, one reading packets,
 * bytes or avgpkt the counters (nf_connlabels_get(), which the kernel
 * calls for a match too since 6.18, and nf_ct_set_acct()). Other keys
 * are refused by their nft name.
 *
 *   CT      a: key, b: direction (IP_CT_DIR_*; 2: both, for the
 *           counters and zone), len, dreg
 *   CT_SET  a: key, b: direction (zone: 2, both), len, sreg
 */
FEXPR(ct, FOP(CT, ct_get_eval) FOP(CT_SET, ct_set_eval))
#ifdef FEXPR_CODE
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <libnftnl/expr.h>

#include "filter_prog.h"
#include "nfv_ct.h"
#include "nfv_mbuf.h"

#include <rte_byteorder.h>

/* nft's names of the keys (nft's src/ct.c), for what is refused */
static const char *const ct_key_names[] = {
	[NFT_CT_STATE] = "state", [NFT_CT_DIRECTION] = "direction",
	[NFT_CT_STATUS] = "status", [NFT_CT_MARK] = "mark",
	[NFT_CT_SECMARK] = "secmark", [NFT_CT_EXPIRATION] = "expiration",
	[NFT_CT_HELPER] = "helper", [NFT_CT_L3PROTOCOL] = "l3proto",
	[NFT_CT_SRC] = "saddr", [NFT_CT_DST] = "daddr",
	[NFT_CT_PROTOCOL] = "protocol", [NFT_CT_PROTO_SRC] = "proto-src",
	[NFT_CT_PROTO_DST] = "proto-dst", [NFT_CT_LABELS] = "label",
	[NFT_CT_PKTS] = "packets", [NFT_CT_BYTES] = "bytes",
	[NFT_CT_AVGPKT] = "avgpkt", [NFT_CT_ZONE] = "zone",
	[NFT_CT_EVENTMASK] = "event", [NFT_CT_SRC_IP] = "ip saddr",
	[NFT_CT_DST_IP] = "ip daddr", [NFT_CT_SRC_IP6] = "ip6 saddr",
	[NFT_CT_DST_IP6] = "ip6 daddr", [NFT_CT_ID] = "id",
};

static const char *ct_key_name(uint32_t key, char *buf, size_t len)
{
	if (key < RTE_DIM(ct_key_names) && ct_key_names[key] != NULL)
		return ct_key_names[key];
	snprintf(buf, len, "%u", key);
	return buf;
}

/* Bytes the key loads, as nft_ct_get_init(); 0: not run here. */
static uint32_t ct_key_len(uint32_t key, uint32_t family)
{
	switch (key) {
	case NFT_CT_STATE: case NFT_CT_STATUS: case NFT_CT_MARK:
	case NFT_CT_SRC_IP: case NFT_CT_DST_IP: case NFT_CT_EXPIRATION:
		return 4;
	case NFT_CT_DIRECTION: case NFT_CT_L3PROTOCOL: case NFT_CT_PROTOCOL:
		return 1;
	case NFT_CT_PROTO_SRC: case NFT_CT_PROTO_DST: case NFT_CT_ZONE:
		return 2;
	case NFT_CT_SRC: case NFT_CT_DST:
		return family == NFPROTO_IPV4 ? 4 : 16;
	case NFT_CT_SRC_IP6: case NFT_CT_DST_IP6: case NFT_CT_LABELS:
		return 16;
	case NFT_CT_PKTS: case NFT_CT_BYTES: case NFT_CT_AVGPKT:
		return 8;
	}
	return 0;
}

static bool ct_key_acct(uint32_t key)
{
	return key == NFT_CT_PKTS || key == NFT_CT_BYTES || key == NFT_CT_AVGPKT;
}

/* The conntrack extension the expression needs the table to keep: the
 * kernel's nf_connlabels_get() for labels, nf_ct_set_acct() for the
 * counters. */
static int ct_take_ext(struct fcompiler *c, unsigned int ext)
{
	struct nfv_filter_ruleset *rs = c->rs;
	int ret;

	/* no conntrack (nfvpnd --check, tests): no connection to hold any */
	if (rs->cfg.ct == NULL || rs->ct_ext & ext)
		return 0;
	ret = nfv_ct_ext_get(rs->cfg.ct, ext);
	if (ret < 0)
		return fc_error(c, ret, "expression 'ct': no memory for the connections' %s",
				ext == NFV_CT_EXT_LABELS ? "labels" : "counters");
	rs->ct_ext |= ext;
	return 0;
}

static bool ct_key_tuple(uint32_t key)
{
	return key == NFT_CT_SRC || key == NFT_CT_DST || key == NFT_CT_SRC_IP ||
	       key == NFT_CT_DST_IP || key == NFT_CT_SRC_IP6 || key == NFT_CT_DST_IP6 ||
	       key == NFT_CT_PROTO_SRC || key == NFT_CT_PROTO_DST;
}

static int ct_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
	bool set = nftnl_expr_is_set(e, NFTNL_EXPR_CT_SREG);
	bool has_dir = nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR);
	uint8_t dir = has_dir ? nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR) : 0;
	uint32_t len = ct_key_len(key, c->family);
	struct finsn *i;
	char kb[12];

	/*
	 * ct event set: the ctnetlink events a new connection will report.
	 * The dataplane reports none (no ctnetlink here), as a kernel with no
	 * listener, so a mask changes nothing one could see: compiled to no
	 * instruction, its register and direction checked as the kernel's
	 * nft_ct_set_init() checks them.
	 */
	if (set && key == NFT_CT_EVENTMASK) {
		uint8_t sreg;

		if (has_dir)
			return fc_error(c, -EINVAL, "expression 'ct': ct event set with a direction");
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_SREG),
				    sizeof(uint32_t), &sreg);
	}
	if (len == 0)
		return fc_error(c, -EOPNOTSUPP, "expression 'ct': ct key %s is not supported",
				ct_key_name(key, kb, sizeof(kb)));
	if (set && key != NFT_CT_MARK && key != NFT_CT_LABELS && key != NFT_CT_ZONE)
		return fc_error(c, -EOPNOTSUPP, "expression 'ct': ct %s set is not supported",
				ct_key_name(key, kb, sizeof(kb)));
	/* the kernel wants a direction for the tuple's keys, takes one for
	 * l3proto, protocol and zone, and refuses it elsewhere */
	if (ct_key_tuple(key) != has_dir && key != NFT_CT_L3PROTOCOL &&
	    key != NFT_CT_PROTOCOL && key != NFT_CT_ZONE && !ct_key_acct(key))
		return fc_error(c, -EINVAL, "expression 'ct': ct %s %s a direction",
				ct_key_name(key, kb, sizeof(kb)),
				has_dir ? "with" : "without");
	if (dir > IP_CT_DIR_REPLY)
		return fc_error(c, -EINVAL, "expression 'ct': direction %u", dir);
	if (key == NFT_CT_LABELS && ct_take_ext(c, NFV_CT_EXT_LABELS) < 0)
		return -ENOMEM;
	if (ct_key_acct(key) && ct_take_ext(c, NFV_CT_EXT_ACCT) < 0)
		return -ENOMEM;
	i = fc_emit(c, set ? FOP_CT_SET : FOP_CT);
	if (i == NULL)
		return -ENOMEM;
	i->a = key;
	i->b = (ct_key_acct(key) || key == NFT_CT_ZONE) && !has_dir ? IP_CT_DIR_REPLY + 1 : dir;
	i->len = len;
	if (set)
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_SREG), len, &i->sreg);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG), len, &i->dreg);
}

static bool ct_is_icmp(const struct nfv_ct_tuple *t)
{
	return t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6;
}

/* The keys of the tuple of direction dir: nft_ct_get_eval()'s tuple cases. */
static bool ct_get_tuple(const struct nfv_ct *ct, uint8_t key, uint8_t dir, uint32_t *dst)
{
	const struct nfv_ct_tuple *t = &ct->tuple[dir];
	bool v4 = t->family == AF_INET;
	uint16_t v16;

	switch (key) {
	case NFT_CT_SRC:
		memcpy(dst, t->src, v4 ? 4 : 16);
		return true;
	case NFT_CT_DST:
		memcpy(dst, t->dst, v4 ? 4 : 16);
		return true;
	case NFT_CT_SRC_IP:
	case NFT_CT_DST_IP:
		if (!v4)
			return false;
		memcpy(dst, key == NFT_CT_SRC_IP ? t->src : t->dst, 4);
		return true;
	case NFT_CT_SRC_IP6:
	case NFT_CT_DST_IP6:
		if (v4)
			return false;
		memcpy(dst, key == NFT_CT_SRC_IP6 ? t->src : t->dst, 16);
		return true;
	case NFT_CT_PROTO_SRC:
		/* u.all: ports and the ICMP id in network order */
		*dst = 0;
		memcpy(dst, &t->sport, 2);
		return true;
	case NFT_CT_PROTO_DST:
		/* ICMP: the kernel's dst.u.icmp.type, .code bytes */
		v16 = ct_is_icmp(t) ? rte_cpu_to_be_16(t->dport) : t->dport;
		*dst = 0;
		memcpy(dst, &v16, 2);
		return true;
	}
	return false;
}

/*
 * nf_ct_expires() in ms: the time left of a confirmed connection. The
 * tracker writes expires hz / 100 late (ct_refresh()): taken off, so that
 * a packet that refreshed the connection reads its whole timeout.
 */
static uint32_t ct_expiration_ms(const struct nfv_ct *ct, uint64_t now, uint64_t hz)
{
	uint64_t exp = __atomic_load_n(&ct->expires, __ATOMIC_RELAXED) - hz / 100, left;

	if (!(__atomic_load_n(&ct->status, __ATOMIC_RELAXED) & IPS_CONFIRMED) || exp <= now ||
	    hz == 0)
		return 0;
	left = exp - now;
	return (uint32_t)RTE_MIN(left / hz * 1000 + left % hz * 1000 / hz, (uint64_t)UINT32_MAX);
}

/* nf_conn_labels' bits, 0 for a connection without them */
static void ct_get_labels(const struct nfv_filter_ruleset *rs, const struct nfv_ct *ct,
			  uint32_t *dst)
{
	const uint32_t *l = rs->cfg.ct != NULL ? nfv_ct_labels(rs->cfg.ct, ct) : NULL;

	for (unsigned int w = 0; w < NFV_CT_LABELS_WORDS; w++)
		dst[w] = l != NULL ? __atomic_load_n(&l[w], __ATOMIC_RELAXED) : 0;
}

/* nft_ct_get_eval_counter(): one direction's, or both (dir 2) */
static uint64_t ct_counter(const uint64_t *c, uint8_t dir)
{
	if (dir <= IP_CT_DIR_REPLY)
		return __atomic_load_n(&c[dir], __ATOMIC_RELAXED);
	return __atomic_load_n(&c[0], __ATOMIC_RELAXED) + __atomic_load_n(&c[1], __ATOMIC_RELAXED);
}

/* packets, bytes, avgpkt: a u64 in host order, 0 without counters */
static void ct_get_acct(const struct nfv_filter_ruleset *rs, const struct nfv_ct *ct,
			uint8_t key, uint8_t dir, uint32_t *dst)
{
	const struct nfv_ct_acct *a = rs->cfg.ct != NULL ? nfv_ct_acct(rs->cfg.ct, ct) : NULL;
	uint64_t v = 0, pkts;

	if (a != NULL && key == NFT_CT_PKTS)
		v = ct_counter(a->packets, dir);
	else if (a != NULL && key == NFT_CT_BYTES)
		v = ct_counter(a->bytes, dir);
	else if (a != NULL) {
		pkts = ct_counter(a->packets, dir);
		v = pkts != 0 ? ct_counter(a->bytes, dir) / pkts : 0;
	}
	memcpy(dst, &v, sizeof(v));
}

static __rte_noinline bool ct_get(const struct nfv_filter_ruleset *rs, const struct fpkt *p,
				  const struct nfv_hook_state *st, uint8_t key, uint8_t dir,
				  uint32_t *dst)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	const struct nfv_ct *ct = meta->ct;
	uint16_t v16;

	if (key == NFT_CT_STATE) {
		/* nft_ct_get_eval(): untracked is a state of no connection;
		 * a template (ct zone set) is one with IP_CT_NEW */
		*dst = ct != NULL ? NF_CT_STATE_BIT(meta->ct_info) :
		       meta->ct_info == NFV_CT_UNTRACKED ? NF_CT_STATE_UNTRACKED_BIT :
		       meta->ct_info == NFV_CT_TEMPLATE ? NF_CT_STATE_BIT(IP_CT_NEW) :
		       NF_CT_STATE_INVALID_BIT;
		return true;
	}
	/* and no other key reads a template (the kernel's since 6.18.x:
	 * "nft_ct: bail out on template ct in get eval") */
	if (ct == NULL)
		return false;
	switch (key) {
	case NFT_CT_DIRECTION:
		*dst = meta->ct_info >= IP_CT_IS_REPLY;
		return true;
	case NFT_CT_STATUS:
		*dst = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
		return true;
	case NFT_CT_MARK:
		*dst = __atomic_load_n(&ct->mark, __ATOMIC_RELAXED);
		return true;
	case NFT_CT_L3PROTOCOL:	/* NFPROTO_IPV4/6 are AF_INET/6 */
		*dst = ct->tuple[IP_CT_DIR_ORIGINAL].family;
		return true;
	case NFT_CT_PROTOCOL:
		*dst = ct->tuple[IP_CT_DIR_ORIGINAL].proto;
		return true;
	case NFT_CT_ZONE:
		/* nft_reg_store16(): of a direction, nf_ct_zone_id(), which
		 * its tuple holds; else zone->id */
		v16 = dir <= IP_CT_DIR_REPLY ? ct->tuple[dir].zone : nfv_ct_zone(ct);
		*dst = 0;
		memcpy(dst, &v16, sizeof(v16));
		return true;
	case NFT_CT_EXPIRATION:
		*dst = ct_expiration_ms(ct, st->now, rs->cfg.hz);
		return true;
	case NFT_CT_LABELS:
		ct_get_labels(rs, ct, dst);
		return true;
	case NFT_CT_PKTS:
	case NFT_CT_BYTES:
	case NFT_CT_AVGPKT:
		ct_get_acct(rs, ct, key, dir, dst);
		return true;
	}
	return ct_get_tuple(ct, key, dir, dst);
}

static inline int32_t ct_get_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	return ct_get(rs, p, st, i->a, i->b, &regs[i->dreg]) ? NFT_CONTINUE : NFT_BREAK;
}

/*
 * nft_ct_set_zone_eval(): a packet that has no connection and no template
 * yet gets one, of the zone in the register (nft_reg_load16()) for the
 * direction(s) dir (2: both). A tracked packet is left alone, and so is
 * one with a template (the first ct zone set wins), as the kernel's
 * nf_ct_get() returns the template; one marked notrack gets it and is
 * tracked. The zone goes into meta->nexthop at the hooks where it is
 * dead (nfv_ct.h).
 */
static __rte_noinline void ct_set_zone(struct nfv_mbuf_meta *meta, const uint32_t *sreg,
				       uint8_t dir, enum nfv_hook hook)
{
	uint16_t id;

	if (meta->ct != NULL || meta->ct_info == NFV_CT_TEMPLATE)
		return;
	meta->ct_info = NFV_CT_TEMPLATE;
	if (hook != NFV_INET_PRE_ROUTING && hook != NFV_INET_LOCAL_OUT)
		return;
	memcpy(&id, sreg, sizeof(id));
	meta->nexthop = NFV_CT_ZONE_TMPL(id, dir == IP_CT_DIR_ORIGINAL ? NFV_CT_ZONE_DIR_ORIG :
					 dir == IP_CT_DIR_REPLY ? NFV_CT_ZONE_DIR_REPL :
					 NFV_CT_ZONE_DIRS);
}

static inline int32_t ct_set_eval(const struct nfv_filter_ruleset *rs,
				  const struct finsn *i, uint32_t *regs,
				  const struct fpkt *p,
				  const struct nfv_hook_state *st)
{
	struct nfv_ct *ct = nfv_mbuf_meta(p->m)->ct;
	uint32_t *l;

	if (i->a == NFT_CT_ZONE) {
		ct_set_zone(nfv_mbuf_meta(p->m), &regs[i->sreg], i->b, st->hook);
		return NFT_CONTINUE;
	}
	if (ct == NULL)
		return NFT_CONTINUE;
	if (i->a == NFT_CT_MARK) {
		__atomic_store_n(&ct->mark, regs[i->sreg], __ATOMIC_RELAXED);
		return NFT_CONTINUE;
	}
	/* labels: a connection made before any ruleset held them has none,
	 * and the kernel's set fails there (-ENOSPC) without a word */
	l = rs->cfg.ct != NULL ? nfv_ct_labels(rs->cfg.ct, ct) : NULL;
	for (unsigned int w = 0; l != NULL && w < NFV_CT_LABELS_WORDS; w++)
		if ((__atomic_load_n(&l[w], __ATOMIC_RELAXED) & regs[i->sreg + w]) !=
		    regs[i->sreg + w])
			__atomic_or_fetch(&l[w], regs[i->sreg + w], __ATOMIC_RELAXED);
	return NFT_CONTINUE;
}
#endif
