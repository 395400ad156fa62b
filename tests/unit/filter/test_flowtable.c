/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flowtable (flow add @ft): a connection is offloaded once conntrack
 * has confirmed it and seen it both ways (TCP established), each direction
 * is learned from a packet that passed the hooks, and then looked up on
 * the fast path; FIN/RST, the flow timeout and a new generation (route,
 * neighbour, ruleset, SA change) send it back to the slow path with the
 * kernel's conntrack fixups; packets the fast path cannot handle fall
 * back; flowtables compile, and are refused, as nf_tables does.
 * A fake clock, 1000 ticks per second.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "filter_test.h"
#include "ft_flow.h"
#include "nfv_flowtable.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG
#define PSH RTE_TCP_PSH_FLAG
#define HZ 1000
#define S(x) ((uint64_t)(x) * HZ)

static const char *const both[] = { "eth0", "wan1", NULL };

struct env {
	struct nfv_ct_table *ct;
	struct nfv_flowtable *ft;
	struct nfv_filter_ruleset *rs;
	uint32_t neigh_gen;	/* what the datapath adds: neighbours, routes */
};

static int build(struct nfv_flowtable *ft, const struct ft_flow_spec *spec,
		 struct nfv_filter_ruleset **rs, char *err, size_t errlen)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_nft_objs objs;
	static uint8_t buf[1 << 16];
	size_t len = ft_flow_msgs(buf, sizeof(buf), spec);
	int ret;

	CU_ASSERT_FATAL(len > 0);
	cfg.flowtable = ft;
	CU_ASSERT_FATAL(nfv_nft_objs_init(&objs) == 0);
	ret = nfv_nft_objs_add_stream(&objs, buf, len, err, errlen);
	CU_ASSERT_FATAL(ret == 0);
	ret = nfv_filter_ruleset_build(&objs, &cfg, rs, err, errlen);
	nfv_nft_objs_fini(&objs);
	return ret;
}

static void env_init(struct env *e, const char *use)
{
	static int n;
	struct nfv_ct_config cfg = { .max = 64, .hz = HZ, .socket = 0 };
	struct ft_flow_spec spec = { .devs = both, .hook = NF_INET_FORWARD, .use = use };
	char name[32], err[256];

	memset(e, 0, sizeof(*e));
	snprintf(name, sizeof(name), "ftct%d", n++);
	e->ct = nfv_ct_table_create(name, &cfg);
	CU_ASSERT_FATAL(e->ct != NULL);
	e->ft = nfv_flowtable_create(e->ct, HZ);
	CU_ASSERT_FATAL(e->ft != NULL);
	if (build(e->ft, &spec, &e->rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		CU_FAIL_FATAL("the flowtable ruleset does not compile");
	}
	nfv_flowtable_set_ports(e->ft, nfv_filter_ruleset_flow_ports(e->rs));
}

static void env_fini(struct env *e)
{
	nfv_filter_ruleset_free(e->rs);
	nfv_flowtable_destroy(e->ft);
	nfv_ct_table_destroy(e->ct);
}

static uint32_t gen(const struct env *e)
{
	return nfv_flowtable_gen(nfv_flowtable_state(nfv_flowtable_state_ptr(e->ft)),
				 e->neigh_gen);
}

/* Whether flow add marked the packet for the output stage to learn. */
static bool marked(struct rte_mbuf *m)
{
	return nfv_mbuf_meta(m)->flags & NFV_MBUF_F_FLOW;
}

/* The Ethernet header the output stage would make for port p. */
static const uint8_t l2[2][14] = {
	{ 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 },
	{ 2, 0, 0, 0, 1, 2, 2, 0, 0, 0, 1, 1, 0x08, 0x00 },
};

/*
 * The hooks of a forwarded packet: conntrack at PRE_ROUTING, the forward
 * chain, confirm at POST_ROUTING. Returns ct_info | marked << 8 (flow add
 * marked it: the output stage learns its direction); -1 without a
 * connection.
 */
static int hooks(struct env *e, struct rte_mbuf *m, uint64_t now)
{
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = now,
				     .table = ft_table };
	const struct nfv_mbuf_meta *meta;
	uint32_t v;
	int ret;

	CU_ASSERT_FATAL(m != NULL);
	meta = nfv_mbuf_meta(m);
	nfv_conntrack_in_process(e->ct, &m, 1, &v, &st);
	CU_ASSERT(NFV_VERDICT(ft_run(e->rs, NFV_INET_FORWARD, 0, m, now)) == NFV_ACCEPT);
	st.hook = NFV_INET_POST_ROUTING;
	nfv_conntrack_confirm_process(e->ct, &m, 1, &v, &st);
	ret = meta->ct == NULL ? -1 : meta->ct_info;
	return marked(m) ? ret | 1 << 8 : ret;
}

/* The slow path of a forwarded packet, which it frees: the hooks, then
 * learned at an Ethernet output when flow add marked it. */
static int slow_m(struct env *e, struct rte_mbuf *m, struct tp d, uint64_t now, uint16_t mtu)
{
	int ret = hooks(e, m, now);

	if (marked(m))
		nfv_flowtable_learn(e->ft, m, d.oport, mtu, l2[d.oport], 14, gen(e), now, 0);
	rte_pktmbuf_free(m);
	return ret;
}

static int slow(struct env *e, struct tp d, uint64_t now, uint16_t mtu)
{
	return slow_m(e, tp_build(&d), d, now, mtu);
}

/* A packet that esp-input decrypted out of SA sa_id: secpath, sa_index. */
static struct rte_mbuf *from_sa(struct tp d, uint32_t sa_id)
{
	struct rte_mbuf *m;

	d.meta_flags = NFV_MBUF_F_SECPATH;
	m = tp_build(&d);
	CU_ASSERT_FATAL(m != NULL);
	nfv_mbuf_meta(m)->sa_index = sa_id;
	return m;
}

/* The fast path's lookup of one packet, which it frees: true on a hit. */
static bool fast_m(struct env *e, struct rte_mbuf *m, uint64_t now, uint16_t *oport)
{
	struct nfv_flow_hit hit;

	nfv_flowtable_lookup(e->ft, &m, 1, gen(e), now, 0, &hit);
	rte_pktmbuf_free(m);
	if (hit.l2_len != 0 && oport != NULL)
		*oport = hit.oport;
	return hit.l2_len != 0;
}

static bool fast(struct env *e, struct tp d, uint64_t now)
{
	uint16_t oport = UINT16_MAX;
	bool hit = fast_m(e, tp_build(&d), now, &oport);

	if (hit)
		CU_ASSERT(oport == d.oport);
	return hit;
}

/* A packet at ingress: the fast path (2 << 8 on a hit), else the slow one. */
static int ingress(struct env *e, struct tp d, uint64_t now, uint16_t mtu)
{
	struct rte_mbuf *m = tp_build(&d);
	struct nfv_flow_hit hit;

	CU_ASSERT_FATAL(m != NULL);
	nfv_flowtable_lookup(e->ft, &m, 1, gen(e), now, 0, &hit);
	if (hit.l2_len != 0) {
		rte_pktmbuf_free(m);
		return 2 << 8;
	}
	return slow_m(e, m, d, now, mtu);
}

/* client 10.0.0.1:40000 on eth0 (port 0) <-> server 10.1.0.2:80 on wan1 (port 1) */
static struct tp tcp(bool reply, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t len)
{
	struct tp d = { .proto = IPPROTO_TCP, .flags = flags, .seq = seq, .ack = ack,
			.payload = len, .wscale = -1, .win = 8192 };

	d.src = reply ? "10.1.0.2" : "10.0.0.1";
	d.dst = reply ? "10.0.0.1" : "10.1.0.2";
	d.sport = reply ? 80 : 40000;
	d.dport = reply ? 40000 : 80;
	d.iport = reply;
	d.oport = !reply;
	return d;
}

static struct tp udp(bool reply, uint16_t len)
{
	struct tp d = { .proto = IPPROTO_UDP, .payload = len };

	d.src = reply ? "10.1.0.2" : "10.0.0.1";
	d.dst = reply ? "10.0.0.1" : "10.1.0.2";
	d.sport = reply ? 53 : 5353;
	d.dport = reply ? 5353 : 53;
	d.iport = reply;
	d.oport = !reply;
	return d;
}

struct one_ct {
	const struct nfv_ct *ct;
	unsigned int n;
};

static void find_one(const struct nfv_ct *ct, void *arg)
{
	struct one_ct *o = arg;

	o->ct = ct;
	o->n++;
}

/* The table's one connection. */
static const struct nfv_ct *the_ct(struct env *e)
{
	struct one_ct o = { 0 };

	nfv_ct_foreach(e->ct, find_one, &o);
	CU_ASSERT_FATAL(o.n == 1);
	return o.ct;
}

struct find_idx_arg {
	uint32_t idx;
	struct one_ct *o;
};

/* The connection of an index. */
static void find_idx(const struct nfv_ct *ct, void *arg)
{
	struct find_idx_arg *a = arg;

	if (ct->idx == a->idx)
		find_one(ct, a->o);
}

/* SYN, SYN-ACK, ACK: returns whether the ACK was offloaded (marked). */
static bool handshake(struct env *e, uint64_t now)
{
	CU_ASSERT(slow(e, tcp(false, SYN, 1000, 0, 0), now, 1500) == IP_CT_NEW);
	CU_ASSERT(slow(e, tcp(true, SYN | ACK, 5000, 1001, 0), now, 1500) ==
		  IP_CT_ESTABLISHED_REPLY);
	return slow(e, tcp(false, ACK, 1001, 5001, 0), now, 1500) & 1 << 8;
}

static void test_offload_tcp(void)
{
	struct env e;
	const struct nfv_flow *f;
	const struct nfv_ct *ct;
	struct nfv_flowtable_stats st;

	env_init(&e, "ft");
	/* SYN and SYN-ACK are never offloaded: not confirmed both ways yet */
	CU_ASSERT(slow(&e, tcp(false, SYN, 1000, 0, 0), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(!fast(&e, tcp(false, ACK, 1001, 5001, 0), 0));
	CU_ASSERT(slow(&e, tcp(true, SYN | ACK, 5000, 1001, 0), 0, 1500) ==
		  IP_CT_ESTABLISHED_REPLY);
	ct = the_ct(&e);
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	/* the ACK makes it established and assured: offloaded, original learned */
	CU_ASSERT(slow(&e, tcp(false, ACK, 1001, 5001, 0), 0, 1500) ==
		  (IP_CT_ESTABLISHED | 1 << 8));
	CU_ASSERT(ct->status & IPS_OFFLOAD);
	CU_ASSERT(fast(&e, tcp(false, ACK | PSH, 1001, 5001, 100), S(1)));
	CU_ASSERT(fast(&e, tcp(false, ACK | PSH, 1101, 5001, 100), S(1)));
	/* the reply direction is learned from its first packet through the hooks */
	CU_ASSERT(!fast(&e, tcp(true, ACK | PSH, 5001, 1201, 50), S(1)));
	CU_ASSERT(slow(&e, tcp(true, ACK | PSH, 5001, 1201, 50), S(1), 1500) ==
		  (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(fast(&e, tcp(true, ACK | PSH, 5051, 1201, 50), S(2)));
	/* a packet of the flow from another port is not this flow's */
	{
		struct tp d = tcp(true, ACK, 5101, 1201, 0);

		d.iport = 0;
		CU_ASSERT(!fast(&e, d, S(2)));
	}
	f = nfv_flowtable_flow(e.ft, ct->idx);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(f->dir[0].packets == 2);
	CU_ASSERT(f->dir[0].bytes == 2 * (20 + 20 + 100));
	CU_ASSERT(f->dir[1].packets == 1);
	CU_ASSERT(f->dir[1].bytes == 20 + 20 + 50);
	/* the connection lives while its flow does */
	CU_ASSERT(ct->expires >= S(86400));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.offloaded == 1);
	CU_ASSERT(st.learned == 2);
	env_fini(&e);
}

static void test_offload_udp_ipv6(void)
{
	struct env e;
	struct tp d = udp(false, 10), r = udp(true, 10);

	env_init(&e, "ft");
	/* as nft_flow_offload_eval(): offloaded once confirmed, from its
	 * second packet on, before any reply */
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(!(the_ct(&e)->status & IPS_OFFLOAD));
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == (IP_CT_NEW | 1 << 8));
	CU_ASSERT(the_ct(&e)->status & IPS_OFFLOAD);
	CU_ASSERT(fast(&e, udp(false, 10), 0));
	/* the reply the dataplane learns its direction from is one the
	 * kernel's flowtable forwards: not seen by conntrack ([UNREPLIED]) */
	CU_ASSERT(ingress(&e, udp(true, 10), 0, 1500) == (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(!(the_ct(&e)->status & IPS_SEEN_REPLY));
	CU_ASSERT(ingress(&e, udp(true, 10), 0, 1500) == 2 << 8);
	/* one that takes the slow path for a reason of its own is seen */
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) == (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(the_ct(&e)->status & IPS_SEEN_REPLY);
	env_fini(&e);

	/* IPv6, the same */
	env_init(&e, "ft");
	d.family = r.family = AF_INET6;
	d.src = r.dst = "2001:db8::1";
	d.dst = r.src = "2001:db8:1::2";
	CU_ASSERT(slow(&e, d, 0, 1500) == IP_CT_NEW);
	CU_ASSERT(slow(&e, r, 0, 1500) == (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(slow(&e, d, 0, 1500) == (IP_CT_ESTABLISHED | 1 << 8));
	CU_ASSERT(fast(&e, d, 0));
	CU_ASSERT(fast(&e, r, 0));
	env_fini(&e);
}

static void test_teardown_fin_rst(void)
{
	struct nfv_flowtable_stats st;
	const struct nfv_ct *ct;
	struct env e;

	env_init(&e, "ft");
	CU_ASSERT(handshake(&e, 0));
	ct = the_ct(&e);
	CU_ASSERT(fast(&e, tcp(false, ACK, 1001, 5001, 100), S(1)));
	/* FIN: torn down on the fast path, and goes through the hooks */
	CU_ASSERT(!fast(&e, tcp(false, FIN | ACK, 1101, 5001, 0), S(1)));
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.teardown_tcp == 1);
	/* the tracker takes the FIN (window tracking starts over) and the
	 * connection, closing, is not offloaded again */
	CU_ASSERT(slow(&e, tcp(false, FIN | ACK, 1101, 5001, 0), S(1), 1500) ==
		  IP_CT_ESTABLISHED);
	CU_ASSERT(ct->tcp_state == NFV_TCP_FIN_WAIT);
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	CU_ASSERT(!fast(&e, tcp(false, ACK, 1102, 5001, 0), S(1)));
	/* the kernel's fixup: the state's timeout from the teardown on */
	CU_ASSERT(ct->expires <= S(1) + S(120) + HZ);
	env_fini(&e);

	/* RST likewise */
	env_init(&e, "ft");
	CU_ASSERT(handshake(&e, 0));
	ct = the_ct(&e);
	CU_ASSERT(fast(&e, tcp(false, ACK, 1001, 5001, 100), 0));
	CU_ASSERT(!fast(&e, tcp(false, RST, 1101, 0, 0), 0));
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	CU_ASSERT(slow(&e, tcp(false, RST, 1101, 0, 0), 0, 1500) == IP_CT_ESTABLISHED);
	CU_ASSERT(ct->tcp_state == NFV_TCP_CLOSE);
	env_fini(&e);

	/* an RST of the direction not learned yet takes the slow path, where
	 * the tracker's close ends the offload of the other direction too */
	env_init(&e, "ft");
	CU_ASSERT(handshake(&e, 0));
	ct = the_ct(&e);
	CU_ASSERT(fast(&e, tcp(false, ACK, 1001, 5001, 100), 0));
	CU_ASSERT(!fast(&e, tcp(true, RST, 5001, 0, 0), 0));
	CU_ASSERT(ct->status & IPS_OFFLOAD);
	CU_ASSERT(slow(&e, tcp(true, RST, 5001, 0, 0), 0, 1500) == IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT(ct->tcp_state == NFV_TCP_CLOSE);
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	CU_ASSERT(!fast(&e, tcp(false, ACK, 1101, 5001, 0), 0));
	env_fini(&e);
}

static void test_teardown_timeout(void)
{
	struct nfv_flowtable_stats st;
	const struct nfv_ct *ct;
	struct env e;

	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) & 1 << 8);
	ct = the_ct(&e);
	/* fast-path packets keep the flow; the GC keeps the connection
	 * (whose own UDP timeout is 120 s) as long as the flow */
	for (uint64_t t = 10; t <= 300; t += 10) {
		CU_ASSERT(fast(&e, udp(true, 10), S(t)));
		CU_ASSERT(nfv_flowtable_gc(e.ft, S(t)) == 0);
		CU_ASSERT(nfv_ct_gc(e.ct, S(t)) == 0);
	}
	/* 30 s without a packet: the GC tears the flow down, the connection
	 * gets its state's timeout less the flow timeout (120 - 30 s) */
	CU_ASSERT(nfv_flowtable_gc(e.ft, S(329)) == 0);
	CU_ASSERT(nfv_flowtable_gc(e.ft, S(331)) == 1);
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	CU_ASSERT(ct->expires == S(331) + S(90));
	CU_ASSERT(!fast(&e, udp(true, 10), S(332)));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.teardown_timeout == 1);
	/* and the next packet through the forward chain offloads it again */
	CU_ASSERT(slow(&e, udp(true, 10), S(332), 1500) & 1 << 8);
	CU_ASSERT(fast(&e, udp(true, 10), S(332)));
	/* a flow found expired by the fast path before the GC ran */
	CU_ASSERT(!fast(&e, udp(true, 10), S(332 + 31)));
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.teardown_timeout == 2);
	env_fini(&e);
}

/*
 * A route, neighbour, ruleset or SA change makes a new generation: no
 * direction learned before is used; the next packet through the hooks
 * learns its direction again.
 */
static void test_generation(void)
{
	struct env e;
	uint32_t g;

	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) & 1 << 8);
	CU_ASSERT(fast(&e, udp(true, 10), 0));
	/* SA or policy change (ipsec.c), ruleset change (filter.c) */
	g = gen(&e);
	nfv_flowtable_invalidate(e.ft);
	CU_ASSERT(gen(&e) != g);
	CU_ASSERT(!fast(&e, udp(true, 10), 0));
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) & 1 << 8);
	CU_ASSERT(fast(&e, udp(true, 10), 0));
	nfv_flowtable_set_ports(e.ft, nfv_filter_ruleset_flow_ports(e.rs));
	CU_ASSERT(!fast(&e, udp(true, 10), 0));
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) & 1 << 8);
	CU_ASSERT(fast(&e, udp(true, 10), 0));
	/* a neighbour (or, in the datapath, a route snapshot) change */
	e.neigh_gen++;
	CU_ASSERT(!fast(&e, udp(true, 10), 0));
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) & 1 << 8);
	CU_ASSERT(fast(&e, udp(true, 10), 0));
	/* generations are odd, never 0 (unlearned) nor 2 (being written) */
	for (uint32_t s = 0; s < 4; s++)
		for (uint32_t n = 0; n < 4; n++)
			CU_ASSERT(nfv_flowtable_gen((uint64_t)s << 32, n) & 1);
	env_fini(&e);
}

/* What the fast path leaves to the full pipeline. */
static void test_fallback(void)
{
	struct nfv_flowtable_stats st;
	struct rte_mbuf *m;
	uint8_t *h;
	struct env e;

	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 100), 0, 1500) == IP_CT_NEW);
	/* learned with an MTU of 100: a longer packet is the slow path's to
	 * fragment or refuse */
	CU_ASSERT(slow(&e, udp(true, 10), 0, 100) & 1 << 8);
	CU_ASSERT(fast(&e, udp(true, 10), 0));
	CU_ASSERT(!fast(&e, udp(true, 100), 0));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.mtu_fallback == 1);
	/* TTL 1: the slow path answers time exceeded */
	m = tp_build(&(struct tp){ .proto = IPPROTO_UDP, .src = "10.1.0.2", .dst = "10.0.0.1",
				   .sport = 53, .dport = 5353, .iport = 1, .oport = 0,
				   .payload = 10 });
	rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->time_to_live = 1;
	CU_ASSERT(!fast_m(&e, m, 0, NULL));
	/* a fragment (MF), IP options (IHL 6) */
	m = tp_build(&(struct tp){ .proto = IPPROTO_UDP, .src = "10.1.0.2", .dst = "10.0.0.1",
				   .sport = 53, .dport = 5353, .iport = 1, .payload = 10 });
	rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->fragment_offset =
		RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	CU_ASSERT(!fast_m(&e, m, 0, NULL));
	m = tp_build(&(struct tp){ .proto = IPPROTO_UDP, .src = "10.1.0.2", .dst = "10.0.0.1",
				   .sport = 53, .dport = 5353, .iport = 1, .payload = 10 });
	h = rte_pktmbuf_mtod(m, uint8_t *);
	h[0] = 0x46;
	CU_ASSERT(!fast_m(&e, m, 0, NULL));
	/* arrived tagged, learned untagged */
	m = tp_build(&(struct tp){ .proto = IPPROTO_UDP, .src = "10.1.0.2", .dst = "10.0.0.1",
				   .sport = 53, .dport = 5353, .iport = 1, .payload = 10,
				   .meta_flags = NFV_MBUF_F_VLAN });
	nfv_mbuf_meta(m)->vlan = 100;
	CU_ASSERT(!fast_m(&e, m, 0, NULL));
	/* the same packet untouched still hits: the misses were the changes */
	CU_ASSERT(fast(&e, udp(true, 10), 0));
	env_fini(&e);

	/* neither TCP nor UDP: ICMP echo is tracked, never offloaded */
	env_init(&e, "ft");
	{
		struct tp q = { .proto = IPPROTO_ICMP, .type = 8, .dport = 7, .src = "10.0.0.1",
				.dst = "10.1.0.2", .iport = 0, .oport = 1 };
		struct tp a = { .proto = IPPROTO_ICMP, .type = 0, .dport = 7, .src = "10.1.0.2",
				.dst = "10.0.0.1", .iport = 1, .oport = 0 };

		CU_ASSERT(slow(&e, q, 0, 1500) == IP_CT_NEW);
		CU_ASSERT(slow(&e, a, 0, 1500) == IP_CT_ESTABLISHED_REPLY);
		CU_ASSERT(slow(&e, q, 0, 1500) == IP_CT_ESTABLISHED);
		CU_ASSERT(!(the_ct(&e)->status & IPS_OFFLOAD));
	}
	env_fini(&e);
}

/*
 * A direction whose output is an outbound SA (esp-output learns it, the
 * IPsec module's flow_learn): a hit says the SA and no Ethernet header;
 * the SA's MTU bound, the counters, an SA or policy change (a rekey
 * names another SA) as for any direction.
 */
static int slow_esp(struct env *e, struct tp d, uint64_t now, uint32_t sa_id, uint16_t mtu)
{
	struct rte_mbuf *m = tp_build(&d);
	int ret = hooks(e, m, now);

	if (marked(m))
		nfv_flowtable_learn_esp(e->ft, m, sa_id, mtu, gen(e), now, 0);
	rte_pktmbuf_free(m);
	return ret;
}

static bool fast_esp(struct env *e, struct tp d, uint64_t now, uint32_t *sa_id)
{
	struct rte_mbuf *m = tp_build(&d);
	struct nfv_flow_hit hit;

	nfv_flowtable_lookup(e->ft, &m, 1, gen(e), now, 0, &hit);
	rte_pktmbuf_free(m);
	if (hit.l2_len == 0)
		return false;
	CU_ASSERT(hit.l2_len == NFV_FLOW_L2_ESP);
	CU_ASSERT(hit.oport == UINT16_MAX);
	CU_ASSERT(hit.in_sa == 0);
	*sa_id = hit.out_sa;
	return true;
}

static void test_esp_output(void)
{
	struct nfv_flowtable_stats st;
	const struct nfv_flow *f;
	uint32_t sa = 0;
	struct env e;

	env_init(&e, "ft");
	/* the reply offloads the connection and learns its own direction */
	CU_ASSERT(slow_esp(&e, udp(false, 10), 0, 7, 1000) == IP_CT_NEW);
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) == (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(!fast_esp(&e, udp(false, 10), 0, &sa));
	/* offloaded now, and the original direction leaves through SA 7 */
	CU_ASSERT(slow_esp(&e, udp(false, 10), 0, 7, 1000) & 1 << 8);
	CU_ASSERT(fast_esp(&e, udp(false, 10), 0, &sa) && sa == 7);
	CU_ASSERT(fast_esp(&e, udp(false, 900), 0, &sa) && sa == 7);
	/* above the SA's bound: esp-output's path MTU work */
	CU_ASSERT(!fast_esp(&e, udp(false, 1000), 0, &sa));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.mtu_fallback == 1);
	CU_ASSERT(st.learned == 2);
	f = nfv_flowtable_flow(e.ft, the_ct(&e)->idx);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(f->dir[0].packets == 2);
	CU_ASSERT(f->dir[0].bytes == 2 * 28 + 10 + 900);
	/* a rekey: the new SA and the policy naming it are a new generation;
	 * the next packet through the hooks learns the new SA */
	nfv_flowtable_invalidate(e.ft);
	CU_ASSERT(!fast_esp(&e, udp(false, 10), 0, &sa));
	CU_ASSERT(slow_esp(&e, udp(false, 10), 0, 8, 1000) & 1 << 8);
	CU_ASSERT(fast_esp(&e, udp(false, 10), 0, &sa) && sa == 8);
	/* the reply direction still learns an Ethernet output */
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) & 1 << 8);
	CU_ASSERT(fast(&e, udp(true, 10), 0));
	env_fini(&e);
}

/*
 * Beyond the kernel: a packet that came out of an SA (esp-input checked
 * it against the inbound policy) is offloaded, its direction learned with
 * the SA; a decrypted packet of that SA hits it, the same flow in
 * cleartext (which esp-policy-fwd must see) or out of another SA misses.
 */
static void test_secpath(void)
{
	struct env e;
	uint16_t oport;

	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(slow_m(&e, from_sa(udp(true, 10), 4), udp(true, 10), 0, 1500) ==
		  (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(the_ct(&e)->status & IPS_OFFLOAD);
	CU_ASSERT(fast_m(&e, from_sa(udp(true, 10), 4), 0, &oport) && oport == 0);
	CU_ASSERT(!fast_m(&e, from_sa(udp(true, 10), 5), 0, NULL));
	CU_ASSERT(!fast(&e, udp(true, 10), 0));
	/* the original direction, learned in cleartext, takes no decrypted
	 * packet, and a cleartext one still */
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == (IP_CT_ESTABLISHED | 1 << 8));
	CU_ASSERT(fast(&e, udp(false, 10), 0));
	CU_ASSERT(!fast_m(&e, from_sa(udp(false, 10), 4), 0, NULL));
	/* an SA change: learned again, out of the new SA */
	nfv_flowtable_invalidate(e.ft);
	CU_ASSERT(!fast_m(&e, from_sa(udp(true, 10), 4), 0, NULL));
	CU_ASSERT(slow_m(&e, from_sa(udp(true, 10), 6), udp(true, 10), 0, 1500) ==
		  (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(fast_m(&e, from_sa(udp(true, 10), 6), 0, NULL));
	CU_ASSERT(!fast_m(&e, from_sa(udp(true, 10), 4), 0, NULL));
	env_fini(&e);
}

/* Packets flow add leaves alone: traced, ours, no flow add at all. */
static void test_not_offloaded(void)
{
	struct env e;
	struct tp d;

	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	d = udp(true, 10);
	d.meta_flags = NFV_MBUF_F_TRACE;
	CU_ASSERT(slow(&e, d, 0, 1500) == IP_CT_ESTABLISHED_REPLY);
	d.meta_flags = NFV_MBUF_F_LOCAL_OUT;
	CU_ASSERT(slow(&e, d, 0, 1500) == IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT(!(the_ct(&e)->status & IPS_OFFLOAD));
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) == (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	env_fini(&e);

	/* a NATed connection: the fast path would send it untranslated */
	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	__atomic_or_fetch(&((struct nfv_ct *)the_ct(&e))->status, IPS_SRC_NAT, __ATOMIC_RELAXED);
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) == IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_ESTABLISHED);
	CU_ASSERT(!(the_ct(&e)->status & IPS_OFFLOAD));
	CU_ASSERT(!fast(&e, udp(false, 10), 0));
	env_fini(&e);

	env_init(&e, NULL);
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) == IP_CT_ESTABLISHED_REPLY);
	CU_ASSERT(!(the_ct(&e)->status & IPS_OFFLOAD));
	CU_ASSERT(!fast(&e, udp(true, 10), 0));
	env_fini(&e);

	/* a flowtable on eth0 only: wan1's packets never take the fast path */
	{
		static const char *const eth0[] = { "eth0", NULL };
		struct ft_flow_spec spec = { .devs = eth0, .hook = NF_INET_FORWARD, .use = "ft" };
		char err[256];

		env_init(&e, "ft");
		nfv_filter_ruleset_free(e.rs);
		CU_ASSERT_FATAL(build(e.ft, &spec, &e.rs, err, sizeof(err)) == 0);
		CU_ASSERT(nfv_filter_ruleset_flow_ports(e.rs) == 1);
		CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
		CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) == IP_CT_ESTABLISHED_REPLY);
		CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == (IP_CT_ESTABLISHED | 1 << 8));
		CU_ASSERT(fast(&e, udp(false, 10), 0));
		env_fini(&e);
	}
}

/*
 * The per-worker flow cache: an entry names a connection index, which
 * outlives its connection. A cached flow whose connection died and whose
 * index now serves another offloaded flow must not be sent by the other
 * flow's route (the flow's epoch tells them apart).
 */
static void test_cache_index_reuse(void)
{
	struct tp a = udp(true, 10), b = udp(true, 10), bo = udp(false, 10);
	uint32_t idx;
	struct env e;

	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(slow(&e, a, 0, 1500) & 1 << 8);
	CU_ASSERT(fast(&e, a, 0));	/* through the hash: cached */
	CU_ASSERT(fast(&e, a, 0));	/* through the cache */
	idx = the_ct(&e)->idx;
	/* the flow times out, then its connection, whose index is freed */
	CU_ASSERT(nfv_flowtable_gc(e.ft, S(31)) == 1);
	CU_ASSERT(nfv_ct_gc(e.ct, S(31 + 91)) == 1);
	CU_ASSERT(nfv_ct_count(e.ct) == 0);
	/* the free ring gives every other index first (64 in the table) */
	for (uint16_t i = 0; i < 63; i++) {
		struct tp d = udp(false, 10);

		d.sport = 6000 + i;
		CU_ASSERT(slow(&e, d, S(122), 1500) == IP_CT_NEW);
	}
	/* another flow, the same direction and ports in and out, gets it */
	b.dport = bo.sport = 7000;
	CU_ASSERT(slow(&e, bo, S(122), 1500) == IP_CT_NEW);
	CU_ASSERT(slow(&e, b, S(122), 1500) & 1 << 8);
	CU_ASSERT_FATAL(nfv_flowtable_flow(e.ft, idx) != NULL);
	{
		struct one_ct o = { 0 };

		nfv_ct_foreach(e.ct, find_idx, &(struct find_idx_arg){ idx, &o });
		CU_ASSERT_FATAL(o.n == 1);
		CU_ASSERT(o.ct->tuple[0].sport == htons(7000));
	}
	/* a's entry names idx, offloaded again, its direction learned at
	 * this generation: only the epoch tells that it is b's now */
	CU_ASSERT(!fast(&e, a, S(122)));
	CU_ASSERT(fast(&e, b, S(122)));
	CU_ASSERT(fast(&e, b, S(122)));
	CU_ASSERT(!fast(&e, a, S(122)));
	env_fini(&e);
}

/*
 * A route commit ends the offloaded flows at their next packet, as the
 * kernel's dst check: that packet takes the slow path, which offloads the
 * connection again; then the flow's cached entry (of the older offload)
 * serves it again.
 */
static void test_route_change(void)
{
	struct nfv_flowtable_stats st;
	struct env e;

	env_init(&e, "ft");
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == IP_CT_NEW);
	CU_ASSERT(slow(&e, udp(true, 10), 0, 1500) == (IP_CT_ESTABLISHED_REPLY | 1 << 8));
	CU_ASSERT(slow(&e, udp(false, 10), 0, 1500) == (IP_CT_ESTABLISHED | 1 << 8));
	CU_ASSERT(fast(&e, udp(false, 10), 0));	/* through the hash: cached */
	CU_ASSERT(fast(&e, udp(false, 10), 0));	/* through the cache */
	nfv_flowtable_routes_changed(e.ft);
	CU_ASSERT(!fast(&e, udp(false, 10), 0));
	CU_ASSERT(!(the_ct(&e)->status & IPS_OFFLOAD));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.teardown_route == 1);
	CU_ASSERT(ingress(&e, udp(false, 10), 0, 1500) == (IP_CT_ESTABLISHED | 1 << 8));
	CU_ASSERT(the_ct(&e)->status & IPS_OFFLOAD);
	CU_ASSERT(fast(&e, udp(false, 10), 0));
	CU_ASSERT(fast(&e, udp(false, 10), 0));
	nfv_flowtable_stats_sum(e.ft, &st);
	CU_ASSERT(st.teardown_route == 1);
	CU_ASSERT(st.offloaded == 2);
	env_fini(&e);
}

/* One burst, in order: cached or not, a FIN ends the flow for the packets
 * behind it; counts as without a cache. */
static void test_cache_burst_order(void)
{
	struct nfv_flow_hit hit[4];
	struct rte_mbuf *m[4];
	const struct nfv_flow *f;
	const struct nfv_ct *ct;
	struct env e;

	env_init(&e, "ft");
	CU_ASSERT(handshake(&e, 0));
	ct = the_ct(&e);
	f = nfv_flowtable_flow(e.ft, ct->idx);
	CU_ASSERT_FATAL(f != NULL);
	/* not cached yet: both from the hash, the second cached by the first */
	for (int i = 0; i < 3; i++) {
		struct tp d = tcp(false, ACK, 1001 + 100 * i, 5001, 100);

		m[i] = tp_build(&d);
	}
	nfv_flowtable_lookup(e.ft, m, 3, gen(&e), S(1), 0, hit);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT(hit[i].l2_len == 14);
		rte_pktmbuf_free(m[i]);
	}
	CU_ASSERT(f->dir[0].packets == 3);
	/* cached: ACK, FIN, ACK */
	{
		struct tp d[4] = {
			tcp(false, ACK, 1301, 5001, 100), tcp(false, FIN | ACK, 1401, 5001, 0),
			tcp(false, ACK, 1402, 5001, 0), tcp(false, ACK, 1402, 5001, 0),
		};

		for (int i = 0; i < 4; i++)
			m[i] = tp_build(&d[i]);
	}
	nfv_flowtable_lookup(e.ft, m, 4, gen(&e), S(1), 0, hit);
	CU_ASSERT(hit[0].l2_len == 14);
	CU_ASSERT(hit[1].l2_len == 0);
	CU_ASSERT(hit[2].l2_len == 0);
	CU_ASSERT(hit[3].l2_len == 0);
	for (int i = 0; i < 4; i++)
		rte_pktmbuf_free(m[i]);
	CU_ASSERT(!(ct->status & IPS_OFFLOAD));
	CU_ASSERT(f->dir[0].packets == 4);
	env_fini(&e);
}

/* As nf_tables refuses them. */
static void test_compile_errors(void)
{
	static const char *const bad[] = { "eth0", "nope0", NULL };
	struct ft_flow_spec spec = { .devs = both, .hook = NF_INET_FORWARD, .use = "other" };
	struct nfv_filter_ruleset *rs = NULL;
	char err[256];

	CU_ASSERT(build(NULL, &spec, &rs, err, sizeof(err)) == -ENOENT);
	CU_ASSERT(strstr(err, "no flowtable 'other'") != NULL);
	spec.use = "ft";
	spec.hook = NF_INET_LOCAL_IN;
	CU_ASSERT(build(NULL, &spec, &rs, err, sizeof(err)) == -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "only valid in forward chains") != NULL);
	spec.hook = NF_INET_FORWARD;
	spec.devs = bad;
	CU_ASSERT(build(NULL, &spec, &rs, err, sizeof(err)) == -ENODEV);
	CU_ASSERT(strstr(err, "device 'nope0'") != NULL);
	CU_ASSERT(rs == NULL);
	/* without a flowtable to offload into (no conntrack): compiles, does nothing */
	spec.devs = both;
	CU_ASSERT(build(NULL, &spec, &rs, err, sizeof(err)) == 0);
	CU_ASSERT(nfv_filter_ruleset_flow_ports(rs) == 3);
	nfv_filter_ruleset_free(rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_flowtable", NULL, NULL,
		{ "offload tcp once established, each direction learned", test_offload_tcp },
		{ "offload udp once replied, ipv6", test_offload_udp_ipv6 },
		{ "teardown on fin and rst", test_teardown_fin_rst },
		{ "teardown on the flow timeout, ct kept alive", test_teardown_timeout },
		{ "route, neighbour, ruleset, sa change: new generation", test_generation },
		{ "fallback: mtu, ttl, fragment, options, vlan, icmp", test_fallback },
		{ "not offloaded: traced, local, other ports, no flow add", test_not_offloaded },
		{ "out of an sa: learned with it, for its packets only", test_secpath },
		{ "output to an esp sa: learned, mtu, rekey", test_esp_output },
		{ "flow cache: a reused connection index is not the cached flow",
		  test_cache_index_reuse },
		{ "a route change ends the flows at their next packet", test_route_change },
		{ "flow cache: a burst in order, fin ends the flow behind it",
		  test_cache_burst_order },
		{ "flowtable compile errors", test_compile_errors });
	return nfv_test_run();
}
