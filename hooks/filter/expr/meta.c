/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * meta: packet and interface keys into a register, stored the way
 * nft_meta_get_eval() stores them (host order words, 8 and 16-bit values
 * zeroing the rest of the word, names NFV_IFNAMSIZ bytes); meta mark set,
 * meta priority set.
 * time (ns since the epoch), day (0 Sunday) and hour (seconds since
 * midnight) are UTC, as the kernel's with sys_tz 0, the usual setting
 * (nft turns the local times of a rule into UTC); random is rte_rand();
 * iifgroup/oifgroup are 0, every port being in the default group.
 * priority is skb->priority: what "meta priority set" stored in the
 * packet's metadata, else what the kernel's ip_forward() gives a forwarded
 * IPv4 packet from its TOS (rt_tos2priority()) at forward and
 * postrouting, else 0 (no socket, no qdisc here).
 *
 *   META      a: key, len, dreg     (nft_acl.c reads NFPROTO / L4PROTO ones)
 *   META_SET  a: key, len, sreg
 */
FEXPR(meta, FOP(META, meta_get_eval) FOP(META_SET, meta_set_eval))
#ifdef FEXPR_CODE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/if_packet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "filter_prog.h"
#include "nfv_mbuf.h"

/* nft's names of the keys (nft's src/meta.c), for what is refused */
static const char *const meta_key_names[] = {
	[NFT_META_LEN] = "length", [NFT_META_PROTOCOL] = "protocol",
	[NFT_META_PRIORITY] = "priority", [NFT_META_MARK] = "mark",
	[NFT_META_IIF] = "iif", [NFT_META_OIF] = "oif",
	[NFT_META_IIFNAME] = "iifname", [NFT_META_OIFNAME] = "oifname",
	[NFT_META_IIFTYPE] = "iiftype", [NFT_META_OIFTYPE] = "oiftype",
	[NFT_META_SKUID] = "skuid", [NFT_META_SKGID] = "skgid",
	[NFT_META_NFTRACE] = "nftrace", [NFT_META_RTCLASSID] = "rtclassid",
	[NFT_META_SECMARK] = "secmark", [NFT_META_NFPROTO] = "nfproto",
	[NFT_META_L4PROTO] = "l4proto", [NFT_META_BRI_IIFNAME] = "ibrname",
	[NFT_META_BRI_OIFNAME] = "obrname", [NFT_META_PKTTYPE] = "pkttype",
	[NFT_META_CPU] = "cpu", [NFT_META_IIFGROUP] = "iifgroup",
	[NFT_META_OIFGROUP] = "oifgroup", [NFT_META_CGROUP] = "cgroup",
	[NFT_META_PRANDOM] = "random", [NFT_META_SECPATH] = "ipsec",
	[NFT_META_IIFKIND] = "iifkind", [NFT_META_OIFKIND] = "oifkind",
	[NFT_META_BRI_IIFPVID] = "ibrpvid", [NFT_META_BRI_IIFVPROTO] = "ibrvproto",
	[NFT_META_TIME_NS] = "time", [NFT_META_TIME_DAY] = "day",
	[NFT_META_TIME_HOUR] = "hour", [NFT_META_SDIF] = "sdif",
	[NFT_META_SDIFNAME] = "sdifname",
};

static const char *meta_key_name(uint32_t key, char *buf, size_t len)
{
	if (key < RTE_DIM(meta_key_names) && meta_key_names[key] != NULL)
		return meta_key_names[key];
	snprintf(buf, len, "%u", key);
	return buf;
}

static int meta_compile(struct fcompiler *c, struct nftnl_expr *e)
{
	char kb[12];
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
	bool set = nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG);
	uint32_t len = 4;
	struct finsn *i;

	switch (key) {
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		len = NFV_IFNAMSIZ;
		/* fall through */
	case NFT_META_LEN: case NFT_META_PROTOCOL: case NFT_META_IIF:
	case NFT_META_OIF: case NFT_META_IIFTYPE: case NFT_META_OIFTYPE:
	case NFT_META_NFPROTO: case NFT_META_L4PROTO: case NFT_META_PKTTYPE:
	case NFT_META_SECPATH: case NFT_META_CPU:
		if (set)
			return fc_error(c, -EOPNOTSUPP,
					"expression 'meta': meta %s set is not supported",
					meta_key_name(key, kb, sizeof(kb)));
		break;
	case NFT_META_TIME_NS:
		len = 8;
		/* fall through */
	case NFT_META_TIME_DAY: case NFT_META_TIME_HOUR: case NFT_META_PRANDOM:
	case NFT_META_IIFGROUP: case NFT_META_OIFGROUP:
		if (set)
			return fc_error(c, -EOPNOTSUPP,
					"expression 'meta': meta %s set is not supported",
					meta_key_name(key, kb, sizeof(kb)));
		break;
	case NFT_META_MARK:
	case NFT_META_PRIORITY:
		break;
	default:
		return fc_error(c, -EOPNOTSUPP,
				"expression 'meta': meta key %s is not supported",
				meta_key_name(key, kb, sizeof(kb)));
	}
	i = fc_emit(c, set ? FOP_META_SET : FOP_META);
	if (i == NULL)
		return -ENOMEM;
	i->a = key;
	i->len = len;
	if (set)
		return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_META_SREG),
				    len, &i->sreg);
	return fc_reg_parse(c, nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG), len,
			    &i->dreg);
}

static uint8_t meta_pkttype(const struct fpkt *p)
{
	uint8_t d[4];
	const uint8_t *a;

	if (p->nfproto == NFPROTO_IPV6) {
		a = rte_pktmbuf_read(p->m, 24, 1, d);
		return a && a[0] == 0xff ? PACKET_MULTICAST : PACKET_HOST;
	}
	a = rte_pktmbuf_read(p->m, 16, 4, d);
	if (a == NULL)
		return PACKET_HOST;
	if ((a[0] & 0xf0) == 0xe0)
		return PACKET_MULTICAST;
	if (a[0] == 0xff && a[1] == 0xff && a[2] == 0xff && a[3] == 0xff)
		return PACKET_BROADCAST;
	return PACKET_HOST;
}

static uint64_t meta_realtime_ns(const struct nfv_filter_ruleset *rs)
{
	struct timespec ts;

	if (rs->cfg.realtime_ns != NULL)
		return rs->cfg.realtime_ns();
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* nft_meta_weekday() and nft_meta_hour(), UTC. */
static bool meta_time(const struct nfv_filter_ruleset *rs, uint8_t key, uint32_t *dst)
{
	uint64_t ns = meta_realtime_ns(rs), secs = ns / 1000000000ull;

	switch (key) {
	case NFT_META_TIME_NS:
		memcpy(dst, &ns, sizeof(ns));
		return true;
	case NFT_META_TIME_DAY:
		*dst = (uint32_t)((4 + secs / 86400) % 7);	/* 1970-01-01: a Thursday */
		return true;
	default:
		*dst = (uint32_t)(secs % 86400);
		return true;
	}
}

/* rt_tos2priority(): ip_tos2prio[] by the TOS bits (IPTOS_TOS()) */
static uint32_t meta_tos2prio(uint8_t tos)
{
	/* TC_PRIO_BESTEFFORT 0, _BULK 2, _INTERACTIVE 6, _INTERACTIVE_BULK 4 */
	static const uint8_t prio[16] = { 0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4 };

	return prio[(tos & 0x1e) >> 1];
}

static uint32_t meta_priority(const struct fpkt *p, const struct nfv_mbuf_meta *meta,
			      const struct nfv_hook_state *st)
{
	uint8_t tos, d;
	const uint8_t *b;

	if (meta->flags & NFV_MBUF_F_PRIORITY)
		return meta->priority;
	if (p->nfproto != NFPROTO_IPV4 || (meta->flags & NFV_MBUF_F_LOCAL_OUT) ||
	    (st->hook != NFV_INET_FORWARD && st->hook != NFV_INET_POST_ROUTING))
		return 0;
	b = rte_pktmbuf_read(p->m, 1, 1, &d);
	tos = b != NULL ? *b : 0;
	return meta_tos2prio(tos);
}

static bool meta_port_ok(const struct nfv_filter_ruleset *rs, uint16_t port)
{
	return rs->cfg.ifaces != NULL && port < rs->cfg.ifaces->nb_ports;
}

/* Out of line: the switch stays small for the common instructions. */
static __rte_noinline bool meta_get(const struct nfv_filter_ruleset *rs,
				    const struct fpkt *p,
				    const struct nfv_hook_state *st, uint8_t key,
				    uint32_t *dst)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	uint16_t port = meta->iport;
	uint16_t v16;

	switch (key) {
	case NFT_META_LEN:
		*dst = p->len;
		return true;
	case NFT_META_PROTOCOL:
		*dst = 0;
		v16 = rte_cpu_to_be_16(p->nfproto == NFPROTO_IPV6 ?
				       RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
		memcpy(dst, &v16, 2);
		return true;
	case NFT_META_MARK:
		*dst = meta->mark;
		return true;
	case NFT_META_PRIORITY:
		*dst = meta_priority(p, meta, st);
		return true;
	case NFT_META_NFPROTO:
		*dst = p->nfproto;
		return true;
	case NFT_META_L4PROTO:
		if (!p->has_l4)
			return false;
		*dst = p->l4proto;
		return true;
	case NFT_META_PKTTYPE:
		*dst = meta_pkttype(p);
		return true;
	case NFT_META_SECPATH:
		*dst = !!(meta->flags & NFV_MBUF_F_SECPATH);
		return true;
	case NFT_META_CPU:
		*dst = st->worker;
		return true;
	case NFT_META_TIME_NS:
	case NFT_META_TIME_DAY:
	case NFT_META_TIME_HOUR:
		return meta_time(rs, key, dst);
	case NFT_META_PRANDOM:
		*dst = (uint32_t)rte_rand();
		return true;
	case NFT_META_OIF:
	case NFT_META_OIFNAME:
	case NFT_META_OIFTYPE:
	case NFT_META_OIFGROUP:
		port = meta->oport;
		break;
	}
	/* interface keys: no device, no match, as in the kernel */
	if (!meta_port_ok(rs, port))
		return false;
	switch (key) {
	case NFT_META_IIF:
	case NFT_META_OIF:
		*dst = rs->cfg.ifaces->port[port].ifindex;
		return true;
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		memcpy(dst, rs->cfg.ifaces->port[port].name, NFV_IFNAMSIZ);
		return true;
	case NFT_META_IIFTYPE:
	case NFT_META_OIFTYPE:
		*dst = rs->cfg.ifaces->port[port].type;
		return true;
	case NFT_META_IIFGROUP:
	case NFT_META_OIFGROUP:
		*dst = 0;	/* the default group of every device */
		return true;
	}
	return false;
}

static inline int32_t meta_get_eval(const struct nfv_filter_ruleset *rs,
				    const struct finsn *i, uint32_t *regs,
				    const struct fpkt *p,
				    const struct nfv_hook_state *st)
{
	return meta_get(rs, p, st, i->a, &regs[i->dreg]) ? NFT_CONTINUE : NFT_BREAK;
}

static inline int32_t meta_set_eval(const struct nfv_filter_ruleset *rs,
				    const struct finsn *i, uint32_t *regs,
				    const struct fpkt *p,
				    const struct nfv_hook_state *st)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);

	if (i->a == NFT_META_MARK) {
		meta->mark = regs[i->sreg];
	} else if (i->a == NFT_META_PRIORITY) {
		meta->priority = regs[i->sreg];
		meta->flags |= NFV_MBUF_F_PRIORITY;
	}
	return NFT_CONTINUE;
}
#endif
