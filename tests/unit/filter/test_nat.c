/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT (hooks/filter/nat_*.c): the incremental checksum update against a
 * full sum, the tuple choice (kept when free, a port moved on a clash,
 * privileged ports kept privileged, a port range, a range exhausted, the
 * mapping of the same source reused), the
 * rewrite of both directions with valid checksums (UDP 0 kept), an ICMP
 * error translated inside and out, the GC freeing the reply keys NAT
 * replaced, two workers binding at once, a masquerade chain through the
 * NAT entries (and nf_nat_oif_changed()), and what the compiler accepts
 * and refuses (nft text). IPv6: the tuple choice (a clash, an address
 * range across 32-bit words), TCP, UDP and ICMPv6 echo rewritten both
 * ways with checksums against a full sum, an ICMPv6 error translated
 * inside and out, masquerade's source address selection, ip6 and inet
 * nat chains through the NAT entries.
 */
#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>

#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "filter_prog.h"
#include "filter_test.h"
#include "nat_priv.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define HZ 1000

static struct nfv_ct_table *ct_new(uint32_t max)
{
	static int n;
	char name[32];
	struct nfv_ct_config cfg = { .max = max, .hz = HZ, .socket = 0 };
	struct nfv_ct_table *t;

	snprintf(name, sizeof(name), "nat%d", n++);
	t = nfv_ct_table_create(name, &cfg);
	CU_ASSERT_FATAL(t != NULL);
	return t;
}

static uint32_t ip4(const char *s)
{
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* The range of one address (IPv4 or IPv6), ports as given (0: none). */
static struct nat_range range(const char *addr, uint16_t lo, uint16_t hi)
{
	struct nat_range r = { .flags = NF_NAT_RANGE_MAP_IPS };

	inet_pton(strchr(addr, ':') ? AF_INET6 : AF_INET, addr, r.min_addr);
	memcpy(r.max_addr, r.min_addr, 16);
	if (lo) {
		r.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
		r.min_proto = htons(lo);
		r.max_proto = htons(hi);
	}
	return r;
}

/* Tracks m at PRE_ROUTING (unconfirmed: NAT binds before the confirm). */
static struct nfv_ct *track(struct nfv_ct_table *t, struct rte_mbuf *m)
{
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .table = ft_table };
	uint32_t v = 0xdead;

	nfv_conntrack_in_process(t, &m, 1, &v, &st);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	return nfv_mbuf_meta(m)->ct;
}

static void confirm(struct nfv_ct_table *t, struct rte_mbuf *m)
{
	struct nfv_hook_state st = { .hook = NFV_INET_POST_ROUTING, .table = ft_table };
	uint32_t v;

	nfv_conntrack_confirm_process(t, &m, 1, &v, &st);
}

static struct tp tcp(const char *src, uint16_t sport, bool reply, const char *dst,
		     uint16_t dport)
{
	struct tp d = { .proto = IPPROTO_TCP, .flags = reply ? RTE_TCP_SYN_FLAG |
			RTE_TCP_ACK_FLAG : RTE_TCP_SYN_FLAG, .seq = 1000, .ack = reply ? 1001 : 0,
			.win = 8192, .wscale = -1, .payload = 10 };

	d.src = src;
	d.dst = dst;
	d.sport = sport;
	d.dport = dport;
	return d;
}

/* A SYN from src:sport to dst:80, tracked and masqueraded; its ct. */
static struct nfv_ct *masq_to(struct nfv_ct_table *t, const char *src, uint16_t sport,
			      const char *dst, struct nat_range r, uint32_t *verdict)
{
	struct tp d = tcp(src, sport, false, dst, 80);
	struct rte_mbuf *m = tp_build(&d);
	struct nfv_ct *ct = track(t, m);

	CU_ASSERT_FATAL(ct != NULL);
	*verdict = nat_setup(t, ct, &r, NAT_MANIP_SRC);
	if (*verdict == NFV_ACCEPT)
		confirm(t, m);
	rte_pktmbuf_free(m);
	return ct;
}

static struct nfv_ct *masq(struct nfv_ct_table *t, const char *src, uint16_t sport,
			   struct nat_range r, uint32_t *verdict)
{
	return masq_to(t, src, sport, "10.1.0.9", r, verdict);
}

static uint16_t reply_port(const struct nfv_ct *ct)
{
	return ntohs(ct->tuple[IP_CT_DIR_REPLY].dport);
}

/* RFC 1624 against the sum over the whole buffer, random data. */
static void test_csum_replace(void)
{
	uint8_t buf[64], nw[6];
	uint16_t full;

	srand(7);
	for (int n = 0; n < 2000; n++) {
		unsigned int off = 2 + 2 * (rand() % 20);

		for (unsigned int i = 0; i < sizeof(buf); i++)
			buf[i] = rand();
		buf[0] = buf[1] = 0;
		full = ~rte_raw_cksum(buf, sizeof(buf));
		memcpy(buf, &full, 2);
		for (unsigned int i = 0; i < sizeof(nw); i++)
			nw[i] = rand();
		nat_csum_replace(buf, buf + off, nw, 4);
		memcpy(buf + off, nw, 4);
		nat_csum_replace(buf, buf + off + 4, nw + 4, 2);
		memcpy(buf + off + 4, nw + 4, 2);
		/* a right checksum sums the buffer to 0xffff */
		CU_ASSERT_EQUAL(rte_raw_cksum(buf, sizeof(buf)), 0xffff);
	}
}

static void test_unique_tuple(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_ct *a, *b, *c, *d;
	uint32_t v;

	/* the first keeps its port, the second of the same port moves */
	a = masq(t, "10.0.0.7", 40000, range("192.168.1.1", 0, 0), &v);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	CU_ASSERT_EQUAL(reply_port(a), 40000);
	CU_ASSERT(memcmp(a->tuple[IP_CT_DIR_REPLY].dst, (uint8_t []){ 192, 168, 1, 1 }, 4) == 0);
	CU_ASSERT(a->status & IPS_SRC_NAT && a->status & IPS_SRC_NAT_DONE);
	b = masq(t, "10.0.0.8", 40000, range("192.168.1.1", 0, 0), &v);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	CU_ASSERT(reply_port(b) != 40000 && reply_port(b) >= 1024);
	/* the moved source's next connection, elsewhere: the same mapping
	 * (find_appropriate_src()), though its own port is free there */
	c = masq_to(t, "10.0.0.8", 40000, "10.1.0.10", range("192.168.1.1", 0, 0), &v);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	CU_ASSERT_EQUAL(reply_port(c), reply_port(b));
	/* once both are gone, the index forgets the mapping */
	ct_kill(t, b);
	ct_kill(t, c);
	nfv_ct_gc(t, 0);
	c = masq_to(t, "10.0.0.8", 40000, "10.1.0.11", range("192.168.1.1", 0, 0), &v);
	CU_ASSERT_EQUAL(reply_port(c), 40000);
	/* a privileged port stays in its class (1-511, 600-1023) */
	c = masq(t, "10.0.0.7", 80, range("192.168.1.1", 0, 0), &v);
	d = masq(t, "10.0.0.8", 80, range("192.168.1.1", 0, 0), &v);
	CU_ASSERT_EQUAL(reply_port(c), 80);
	CU_ASSERT(reply_port(d) != 80 && reply_port(d) >= 1 && reply_port(d) <= 511);
	c = masq(t, "10.0.0.7", 700, range("192.168.1.1", 0, 0), &v);
	d = masq(t, "10.0.0.8", 700, range("192.168.1.1", 0, 0), &v);
	CU_ASSERT(reply_port(d) != 700 && reply_port(d) >= 600 && reply_port(d) <= 1023);
	/* a range of two ports: two connections, the third finds none */
	c = masq(t, "10.0.0.7", 5000, range("192.168.1.2", 2000, 2001), &v);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	d = masq(t, "10.0.0.8", 5000, range("192.168.1.2", 2000, 2001), &v);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	CU_ASSERT(reply_port(c) + reply_port(d) == 4001);
	masq(t, "10.0.0.9", 5000, range("192.168.1.2", 2000, 2001), &v);
	CU_ASSERT_EQUAL(v, NFV_DROP_REASON(NFV_DR_NAT_NO_TUPLE));
	/* an in-range port is kept (the range is the whole port space) */
	c = masq(t, "10.0.0.7", 6000, range("192.168.1.3", 1, 65535), &v);
	CU_ASSERT_EQUAL(reply_port(c), 6000);
	nfv_ct_table_destroy(t);
}

/* The tuple a destination NAT picks: the address, the port never moved. */
static void test_unique_tuple_dst(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_ct_tuple orig = { .family = AF_INET, .proto = IPPROTO_TCP,
				     .sport = htons(33000), .dport = htons(8080) };
	struct nfv_ct_tuple out;
	struct nat_range r = range("10.0.0.5", 80, 80);

	memcpy(orig.src, (uint8_t []){ 10, 1, 0, 9 }, 4);
	memcpy(orig.dst, (uint8_t []){ 192, 168, 1, 1 }, 4);
	nat_unique_tuple(t, &out, &orig, &r, NULL, NAT_MANIP_DST);
	CU_ASSERT(memcmp(out.dst, (uint8_t []){ 10, 0, 0, 5 }, 4) == 0);
	CU_ASSERT_EQUAL(ntohs(out.dport), 80);
	CU_ASSERT_EQUAL(ntohs(out.sport), 33000);
	r = range("10.0.0.5", 0, 0);
	nat_unique_tuple(t, &out, &orig, &r, NULL, NAT_MANIP_DST);
	CU_ASSERT_EQUAL(ntohs(out.dport), 8080);
	nfv_ct_table_destroy(t);
}

static bool csums_ok(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	return rte_raw_cksum(ip, 20) == 0xffff &&
	       rte_ipv4_udptcp_cksum_verify(ip, ip + 1) == 0;
}

/* Both directions rewritten from the binding, checksums right. */
static void test_rewrite(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp d = tcp("10.0.0.7", 40000, false, "10.1.0.9", 80);
	struct tp u = { .proto = IPPROTO_UDP, .src = "10.0.0.7", .dst = "10.1.0.9",
			.sport = 5001, .dport = 53, .payload = 5 };
	struct rte_mbuf *m = tp_build(&d), *r;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *uh;
	struct nfv_ct *ct = track(t, m), *ct2;
	struct nat_range rg = range("192.168.1.1", 0, 0);
	uint32_t v;

	/* a second connection holds 40000 first: ours moves */
	masq(t, "10.0.0.8", 40000, rg, &v);
	CU_ASSERT_EQUAL(nat_setup(t, ct, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
	CU_ASSERT(nat_packet(m, ct, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	CU_ASSERT_EQUAL(ip->src_addr, ip4("192.168.1.1"));
	CU_ASSERT_EQUAL(ntohs(((struct rte_tcp_hdr *)(ip + 1))->src_port), reply_port(ct));
	CU_ASSERT(reply_port(ct) != 40000);
	CU_ASSERT(csums_ok(m));
	/* the dstnat hook leaves the original direction alone */
	CU_ASSERT(nat_packet(m, ct, IP_CT_DIR_ORIGINAL, NAT_MANIP_DST));
	CU_ASSERT_EQUAL(ip->dst_addr, ip4("10.1.0.9"));
	confirm(t, m);
	/* the reply, to the public port, goes back to 10.0.0.7:40000 */
	d = tcp("10.1.0.9", 80, true, "192.168.1.1", reply_port(ct));
	r = tp_build(&d);
	CU_ASSERT_EQUAL(track(t, r), ct);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(r)->ct_dir, IP_CT_DIR_REPLY);
	CU_ASSERT(nat_packet(r, ct, IP_CT_DIR_REPLY, NAT_MANIP_DST));
	ip = rte_pktmbuf_mtod(r, struct rte_ipv4_hdr *);
	CU_ASSERT_EQUAL(ip->dst_addr, ip4("10.0.0.7"));
	CU_ASSERT_EQUAL(ntohs(((struct rte_tcp_hdr *)(ip + 1))->dst_port), 40000);
	CU_ASSERT(csums_ok(r));
	rte_pktmbuf_free(r);
	rte_pktmbuf_free(m);

	/* UDP without a checksum: none written */
	m = tp_build(&u);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uh = (struct rte_udp_hdr *)(ip + 1);
	uh->dgram_cksum = 0;
	ct2 = track(t, m);
	CU_ASSERT_FATAL(ct2 != NULL);
	CU_ASSERT_EQUAL(nat_setup(t, ct2, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
	CU_ASSERT(nat_packet(m, ct2, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
	CU_ASSERT_EQUAL(ip->src_addr, ip4("192.168.1.1"));
	CU_ASSERT_EQUAL(uh->dgram_cksum, 0);
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, 20), 0xffff);
	rte_pktmbuf_free(m);
	nfv_ct_table_destroy(t);
}

/* Port unreachable from beyond, about a masqueraded UDP packet. */
static void test_icmp_error(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp u = { .proto = IPPROTO_UDP, .src = "10.0.0.7", .dst = "10.1.0.9",
			.sport = 5000, .dport = 53, .payload = 5 };
	struct nat_range rg = range("192.168.1.1", 0, 0);
	struct rte_mbuf *m = tp_build(&u), *e;
	struct rte_ipv4_hdr *ip, *in;
	struct rte_udp_hdr *uh;
	struct nfv_ct *ct = track(t, m);
	struct tp err = { .proto = IPPROTO_ICMP, .src = "10.1.0.9", .dst = "192.168.1.1",
			  .type = 3, .code = 3 };
	uint32_t hl;

	CU_ASSERT_FATAL(ct != NULL);
	/* a clash first, so that the port moves too */
	masq(t, "10.0.0.8", 5000, rg, &(uint32_t){ 0 });
	CU_ASSERT_EQUAL(nat_setup(t, ct, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
	CU_ASSERT(nat_packet(m, ct, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
	confirm(t, m);
	err.quote = m;
	e = tp_build(&err);
	CU_ASSERT_EQUAL(track(t, e), ct);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(e)->ct_info, IP_CT_RELATED_REPLY);
	CU_ASSERT(nat_icmp_reply_translation(e, ct, IP_CT_DIR_REPLY, NAT_MANIP_DST));
	ip = rte_pktmbuf_mtod(e, struct rte_ipv4_hdr *);
	hl = 20;
	in = (struct rte_ipv4_hdr *)((uint8_t *)ip + hl + 8);
	uh = (struct rte_udp_hdr *)(in + 1);
	CU_ASSERT_EQUAL(ip->dst_addr, ip4("10.0.0.7"));
	CU_ASSERT_EQUAL(in->src_addr, ip4("10.0.0.7"));
	CU_ASSERT_EQUAL(ntohs(uh->src_port), 5000);
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, 20), 0xffff);
	CU_ASSERT_EQUAL(rte_raw_cksum(in, 20), 0xffff);
	CU_ASSERT_EQUAL(rte_raw_cksum((uint8_t *)ip + hl, ntohs(ip->total_length) - hl), 0xffff);
	/* the quoted UDP checksum, updated, still sums right */
	CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(in, uh), 0);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
	nfv_ct_table_destroy(t);
}

/*
 * Every binding replaces a reply key; the GC frees the old one after a
 * grace period. A table of 64 has 128 key slots: 500 NATed connections
 * made and expired in turn only fit when the GC frees them.
 */
static void test_stale_keys(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nat_range rg = range("192.168.1.1", 0, 0);
	uint64_t now = 0;
	uint32_t v;

	for (int i = 0; i < 500; i++) {
		struct tp d = { .proto = IPPROTO_UDP, .src = "10.0.0.7", .dst = "10.1.0.9",
				.sport = 1024 + i, .dport = 53 };
		struct rte_mbuf *m = tp_build(&d);
		struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = now,
					     .table = ft_table };
		struct nfv_ct *ct;

		v = 0xdead;
		nfv_conntrack_in_process(t, &m, 1, &v, &st);
		CU_ASSERT_EQUAL_FATAL(v, NFV_ACCEPT);
		ct = nfv_mbuf_meta(m)->ct;
		CU_ASSERT_FATAL(ct != NULL);
		/* a port of its own: the reply key is replaced */
		rg.min_proto = rg.max_proto = htons(30000 + i);
		rg.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
		CU_ASSERT_EQUAL_FATAL(nat_setup(t, ct, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
		CU_ASSERT(ct->stale_pos[NAT_MANIP_SRC] >= 0);
		rte_pktmbuf_free(m);
		/* unconfirmed: gone after 5 s */
		now += 6 * HZ;
		nfv_ct_gc(t, now);
	}
	CU_ASSERT_EQUAL(nfv_ct_count(t), 0);
	/* a live one: its old key freed by the next GC, the new one kept */
	{
		struct tp d = tcp("10.0.0.7", 40000, false, "10.1.0.9", 80);
		struct rte_mbuf *m = tp_build(&d);
		struct nfv_ct *ct = track(t, m), *found;
		uint8_t dir;

		rg = range("192.168.1.1", 30000, 30000);
		CU_ASSERT_EQUAL(nat_setup(t, ct, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
		confirm(t, m);
		CU_ASSERT(ct->stale_pos[NAT_MANIP_SRC] >= 0);
		nfv_ct_gc(t, 0);
		CU_ASSERT_EQUAL(ct->stale_pos[NAT_MANIP_SRC], -1);
		found = ct_lookup(t, &ct->tuple[IP_CT_DIR_REPLY], &dir, 0);
		CU_ASSERT(found == ct && dir == IP_CT_DIR_REPLY);
		CU_ASSERT_EQUAL(nfv_ct_count(t), 1);
		rte_pktmbuf_free(m);
	}
	nfv_ct_table_destroy(t);
}

/*
 * Two workers bind at once on one table: each has 250 UDP flows of its own
 * and 50 both see (the same connection, bound once), all from port 5000
 * to one server, masqueraded to one address: every connection ends with
 * its own reply tuple, found as its reply, none lost.
 */
#define NAT_W_FLOWS 300

struct nat_worker {
	struct nfv_ct_table *t;
	unsigned int id;
	unsigned int bad;
	struct rte_mbuf *pkts[NAT_W_FLOWS];
};

static void *nat_worker(void *p)
{
	struct nat_worker *a = p;
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .worker = a->id,
				     .now = 1, .table = ft_table };
	struct nat_range rg = range("192.168.1.1", 0, 0);
	uint32_t v[NAT_W_FLOWS];

	if (rte_thread_register() != 0) {
		a->bad = 1000;
		return NULL;
	}
	for (unsigned int off = 0; off < NAT_W_FLOWS; off += 32) {
		uint16_t n = RTE_MIN(NAT_W_FLOWS - off, 32u);

		nfv_conntrack_in_process(a->t, a->pkts + off, n, v, &st);
		for (unsigned int i = off; i < off + n; i++) {
			struct nfv_ct *ct = nfv_mbuf_meta(a->pkts[i])->ct;

			if (v[i - off] != NFV_ACCEPT || ct == NULL ||
			    nat_setup(a->t, ct, &rg, NAT_MANIP_SRC) != NFV_ACCEPT ||
			    !nat_packet(a->pkts[i], ct, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC))
				a->bad++;
		}
		st.hook = NFV_INET_POST_ROUTING;
		nfv_conntrack_confirm_process(a->t, a->pkts + off, n, v, &st);
		st.hook = NFV_INET_PRE_ROUTING;
	}
	rte_thread_unregister();
	return NULL;
}

static void test_two_workers(void)
{
	struct nfv_ct_table *t = ct_new(1024);
	struct nat_worker a[2] = { { .t = t, .id = 0 }, { .t = t, .id = 1 } };
	uint8_t seen[65536 / 8] = { 0 };
	unsigned int conns = 0;
	pthread_t th[2];
	char src[32];

	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int i = 0; i < NAT_W_FLOWS; i++) {
			/* the first 50 the same on both workers */
			struct tp d = { .proto = IPPROTO_UDP, .dst = "10.1.0.9",
					.sport = 5000, .dport = 53, .payload = 4 };

			snprintf(src, sizeof(src), "10.%u.%u.%u", i < 50 ? 0 : 1 + w, i / 200,
				 1 + i % 200);
			d.src = src;
			a[w].pkts[i] = tp_build(&d);
			CU_ASSERT_FATAL(a[w].pkts[i] != NULL);
		}
	for (unsigned int w = 0; w < 2; w++)
		CU_ASSERT_FATAL(pthread_create(&th[w], NULL, nat_worker, &a[w]) == 0);
	for (unsigned int w = 0; w < 2; w++)
		pthread_join(th[w], NULL);
	CU_ASSERT_EQUAL(a[0].bad + a[1].bad, 0);
	CU_ASSERT_EQUAL_FATAL(nfv_ct_count(t), 50 + 2 * 250);
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int i = 0; i < NAT_W_FLOWS; i++) {
			struct nfv_ct *ct = nfv_mbuf_meta(a[w].pkts[i])->ct, *found;
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(a[w].pkts[i],
								   struct rte_ipv4_hdr *);
			struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ip + 1);
			uint16_t port = reply_port(ct);
			uint8_t dir;

			/* the packet says what the connection says */
			CU_ASSERT_EQUAL(ip->src_addr, ip4("192.168.1.1"));
			CU_ASSERT_EQUAL(ntohs(uh->src_port), port);
			found = ct_lookup(t, &ct->tuple[IP_CT_DIR_REPLY], &dir, 1);
			CU_ASSERT(found == ct && dir == IP_CT_DIR_REPLY);
			if (w == 1 && i < 50) {	/* the shared ones: once */
				CU_ASSERT_EQUAL(ct, nfv_mbuf_meta(a[0].pkts[i])->ct);
				continue;
			}
			CU_ASSERT(!(seen[port / 8] & 1 << port % 8));
			seen[port / 8] |= 1 << port % 8;
			conns++;
		}
	CU_ASSERT_EQUAL(conns, 550);
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int i = 0; i < NAT_W_FLOWS; i++)
			rte_pktmbuf_free(a[w].pkts[i]);
	nfv_ct_table_destroy(t);
}

/* One packet through the NAT entry of hook (nat_hook.c's work). */
static uint32_t nat_run(const struct nfv_filter_ruleset *rs, enum nfv_hook hook,
			struct rte_mbuf *m)
{
	struct nfv_hook_state st = { .hook = hook, .now = 1, .table = ft_table };
	uint32_t v = 0xdead;

	nfv_nat_run(rs, &m, 1, &v, &st);
	return v;
}

/*
 * A masquerade chain from nft text through the NAT entries: out of port
 * 1 (wan1) the source is rewritten, the reply comes back; a later packet
 * routed out of port 0 kills the connection and is dropped, as
 * nf_nat_oif_changed().
 */
static void test_masquerade_chain(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct tp u = { .proto = IPPROTO_UDP, .src = "10.0.0.7", .dst = "10.1.0.9",
			.sport = 5000, .dport = 53, .payload = 4 };
	struct tp r = { .proto = IPPROTO_UDP, .src = "10.1.0.9", .dst = "192.168.1.1",
			.sport = 53, .dport = 5000, .payload = 4 };
	struct rte_mbuf *m;
	struct nfv_ct *ct;
	char err[512] = "";

	cfg.ct = t;
	ft_ifaces.port[1].ip4 = ip4("192.168.1.1");
	CU_ASSERT_EQUAL_FATAL(ft_ruleset_from_text(
		"table ip nat {\n"
		" chain post { type nat hook postrouting priority srcnat;\n"
		"  oifname \"wan1\" masquerade\n"
		" }\n"
		"}\n", &cfg, &rs, err, sizeof(err)), 0);
	m = tp_build(&u);
	ct = track(t, m);
	nfv_mbuf_meta(m)->oport = 1;
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_PRE_ROUTING, m), NFV_ACCEPT);
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_POST_ROUTING, m), NFV_ACCEPT);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->src_addr, ip4("192.168.1.1"));
	CU_ASSERT(csums_ok(m));
	CU_ASSERT_EQUAL(ct->masq_port, 1);
	confirm(t, m);
	rte_pktmbuf_free(m);
	/* the reply, back to the inside host at dstnat */
	m = tp_build(&r);
	CU_ASSERT_EQUAL(track(t, m), ct);
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_PRE_ROUTING, m), NFV_ACCEPT);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->dst_addr, ip4("10.0.0.7"));
	CU_ASSERT(csums_ok(m));
	rte_pktmbuf_free(m);
	/* established, out of wan1: rewritten; out of eth0: dropped, gone */
	m = tp_build(&u);
	CU_ASSERT_EQUAL(track(t, m), ct);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->ct_info, IP_CT_ESTABLISHED);
	nfv_mbuf_meta(m)->oport = 1;
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_POST_ROUTING, m), NFV_ACCEPT);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->src_addr, ip4("192.168.1.1"));
	rte_pktmbuf_free(m);
	m = tp_build(&u);
	CU_ASSERT_EQUAL(track(t, m), ct);
	nfv_mbuf_meta(m)->oport = 0;
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_POST_ROUTING, m),
			NFV_DROP_REASON(NFV_DR_NAT_OIF_CHANGED));
	CU_ASSERT(ct->dying);
	rte_pktmbuf_free(m);
	ft_ifaces.port[1].ip4 = 0;
	nfv_filter_ruleset_free(rs);
	nfv_ct_table_destroy(t);
}

/* ---- IPv6 ---- */

static void ip6(const char *s, uint8_t *a)
{
	inet_pton(AF_INET6, s, a);
}

/* tp of IPv6 TCP */
static struct tp tcp6(const char *src, uint16_t sport, bool reply, const char *dst,
		      uint16_t dport)
{
	struct tp d = tcp(src, sport, reply, dst, dport);

	d.family = AF_INET6;
	return d;
}

/* The full sum of the transport header and data with the pseudo header
 * of an IPv6 packet without extension headers: right when 0 is returned. */
static bool csums6_ok(struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);

	return rte_ipv6_udptcp_cksum_verify(ip, ip + 1) == 0;
}

static struct nfv_ct *masq6(struct nfv_ct_table *t, const char *src, uint16_t sport,
			    struct nat_range r, uint32_t *verdict)
{
	struct tp d = tcp6(src, sport, false, "2001:db8:1::9", 80);
	struct rte_mbuf *m = tp_build(&d);
	struct nfv_ct *ct = track(t, m);

	CU_ASSERT_FATAL(ct != NULL);
	*verdict = nat_setup(t, ct, &r, NAT_MANIP_SRC);
	if (*verdict == NFV_ACCEPT)
		confirm(t, m);
	rte_pktmbuf_free(m);
	return ct;
}

static void test_unique_tuple6(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nat_range r = range("fd00:1::1", 0, 0);
	uint8_t pub[16], lo[16], hi[16];
	struct nfv_ct *a, *b;
	uint32_t v;

	ip6("fd00:1::1", pub);
	a = masq6(t, "2001:db8:0:1::7", 40000, r, &v);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	CU_ASSERT_EQUAL(reply_port(a), 40000);
	CU_ASSERT(memcmp(a->tuple[IP_CT_DIR_REPLY].dst, pub, 16) == 0);
	CU_ASSERT(a->status & IPS_SRC_NAT);
	/* the original direction keeps its tuple */
	ip6("2001:db8:0:1::7", lo);
	CU_ASSERT(memcmp(a->tuple[IP_CT_DIR_ORIGINAL].src, lo, 16) == 0);
	/* a clash: the second moves its port, in the unprivileged class */
	b = masq6(t, "2001:db8:0:1::8", 40000, r, &v);
	CU_ASSERT_EQUAL(v, NFV_ACCEPT);
	CU_ASSERT(reply_port(b) != 40000 && reply_port(b) >= 1024);
	CU_ASSERT(memcmp(b->tuple[IP_CT_DIR_REPLY].dst, pub, 16) == 0);
	/* a range whose ends differ in more than the last word: every pick
	 * within it, and different sources spread over it */
	r.flags = NF_NAT_RANGE_MAP_IPS;
	ip6("2001:db8::1:0:0", lo);
	ip6("2001:db8::2:0:0", hi);
	memcpy(r.min_addr, lo, 16);
	memcpy(r.max_addr, hi, 16);
	{
		uint8_t seen[16] = { 0 };
		bool differ = false;

		for (int i = 0; i < 16; i++) {
			char src[64];

			snprintf(src, sizeof(src), "2001:db8:0:2::%x", i + 1);
			a = masq6(t, src, 5000, r, &v);
			CU_ASSERT_EQUAL(v, NFV_ACCEPT);
			CU_ASSERT(memcmp(a->tuple[IP_CT_DIR_REPLY].dst, lo, 16) >= 0);
			CU_ASSERT(memcmp(a->tuple[IP_CT_DIR_REPLY].dst, hi, 16) <= 0);
			if (i > 0 && memcmp(a->tuple[IP_CT_DIR_REPLY].dst, seen, 16) != 0)
				differ = true;
			memcpy(seen, a->tuple[IP_CT_DIR_REPLY].dst, 16);
		}
		CU_ASSERT(differ);
	}
	nfv_ct_table_destroy(t);
}

/* TCP masqueraded out and its reply back, UDP with and without a
 * checksum, an ICMPv6 echo with its id moved by a clash. */
static void test_rewrite6(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp d = tcp6("2001:db8:0:1::7", 40000, false, "2001:db8:1::9", 80);
	struct nat_range rg = range("fd00:1::1", 0, 0);
	struct rte_mbuf *m = tp_build(&d), *r;
	struct rte_ipv6_hdr *ip;
	struct rte_udp_hdr *uh;
	struct nfv_ct *ct = track(t, m), *ct2;
	uint8_t pub[16], in[16];
	uint32_t v;

	ip6("fd00:1::1", pub);
	ip6("2001:db8:0:1::7", in);
	CU_ASSERT_FATAL(ct != NULL);
	masq6(t, "2001:db8:0:1::8", 40000, rg, &v);	/* holds 40000 first */
	CU_ASSERT_EQUAL(nat_setup(t, ct, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
	CU_ASSERT(nat_packet(m, ct, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	CU_ASSERT(memcmp(&ip->src_addr, pub, 16) == 0);
	CU_ASSERT(reply_port(ct) != 40000);
	CU_ASSERT_EQUAL(ntohs(((struct rte_tcp_hdr *)(ip + 1))->src_port), reply_port(ct));
	CU_ASSERT(csums6_ok(m));
	confirm(t, m);
	d = tcp6("2001:db8:1::9", 80, true, "fd00:1::1", reply_port(ct));
	r = tp_build(&d);
	CU_ASSERT_EQUAL(track(t, r), ct);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(r)->ct_dir, IP_CT_DIR_REPLY);
	CU_ASSERT(nat_packet(r, ct, IP_CT_DIR_REPLY, NAT_MANIP_DST));
	ip = rte_pktmbuf_mtod(r, struct rte_ipv6_hdr *);
	CU_ASSERT(memcmp(&ip->dst_addr, in, 16) == 0);
	CU_ASSERT_EQUAL(ntohs(((struct rte_tcp_hdr *)(ip + 1))->dst_port), 40000);
	CU_ASSERT(csums6_ok(r));
	rte_pktmbuf_free(r);
	rte_pktmbuf_free(m);

	/* UDP with a checksum: right after; without: 0 kept, as the kernel */
	for (int zero = 0; zero < 2; zero++) {
		struct tp u = { .family = AF_INET6, .proto = IPPROTO_UDP,
				.src = "2001:db8:0:1::7", .dst = "2001:db8:1::9",
				.sport = 5000 + zero, .dport = 53, .payload = 5 };

		m = tp_build(&u);
		ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
		uh = (struct rte_udp_hdr *)(ip + 1);
		if (zero)
			uh->dgram_cksum = 0;
		ct2 = track(t, m);
		CU_ASSERT_FATAL(ct2 != NULL);
		CU_ASSERT_EQUAL(nat_setup(t, ct2, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
		CU_ASSERT(nat_packet(m, ct2, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
		CU_ASSERT(memcmp(&ip->src_addr, pub, 16) == 0);
		CU_ASSERT(zero ? uh->dgram_cksum == 0 : csums6_ok(m));
		rte_pktmbuf_free(m);
	}

	/* ICMPv6 echo: the id is the port; a second host's same id moves */
	{
		struct tp e = { .family = AF_INET6, .proto = IPPROTO_ICMPV6,
				.src = "2001:db8:0:1::7", .dst = "2001:db8:1::9",
				.type = 128, .dport = 77, .payload = 4 };
		struct rte_mbuf *e1 = tp_build(&e), *e2;
		struct nfv_ct *c1 = track(t, e1), *c2;
		uint16_t id;

		CU_ASSERT_FATAL(c1 != NULL);
		CU_ASSERT_EQUAL(nat_setup(t, c1, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
		CU_ASSERT(nat_packet(e1, c1, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
		confirm(t, e1);
		e.src = "2001:db8:0:1::8";
		e2 = tp_build(&e);
		c2 = track(t, e2);
		CU_ASSERT_FATAL(c2 != NULL);
		CU_ASSERT_EQUAL(nat_setup(t, c2, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
		CU_ASSERT(nat_packet(e2, c2, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
		ip = rte_pktmbuf_mtod(e2, struct rte_ipv6_hdr *);
		memcpy(&id, (uint8_t *)(ip + 1) + 4, 2);
		CU_ASSERT(ntohs(id) != 77);
		CU_ASSERT_EQUAL(id, c2->tuple[IP_CT_DIR_REPLY].sport);
		CU_ASSERT(memcmp(&ip->src_addr, pub, 16) == 0);
		CU_ASSERT(csums6_ok(e2));
		confirm(t, e2);
		/* the echo reply to the moved id goes back with 77 */
		e = (struct tp){ .family = AF_INET6, .proto = IPPROTO_ICMPV6, .src = "2001:db8:1::9",
				 .dst = "fd00:1::1", .type = 129, .dport = ntohs(id), .payload = 4 };
		r = tp_build(&e);
		CU_ASSERT_EQUAL(track(t, r), c2);
		CU_ASSERT(nat_packet(r, c2, IP_CT_DIR_REPLY, NAT_MANIP_DST));
		ip = rte_pktmbuf_mtod(r, struct rte_ipv6_hdr *);
		memcpy(&id, (uint8_t *)(ip + 1) + 4, 2);
		CU_ASSERT_EQUAL(ntohs(id), 77);
		ip6("2001:db8:0:1::8", in);
		CU_ASSERT(memcmp(&ip->dst_addr, in, 16) == 0);
		CU_ASSERT(csums6_ok(r));
		rte_pktmbuf_free(r);
		rte_pktmbuf_free(e1);
		rte_pktmbuf_free(e2);
	}
	nfv_ct_table_destroy(t);
}

/* Port unreachable from beyond about a masqueraded UDP packet whose port
 * moved: the quoted packet back to the inside host's, the outer
 * destination too, the ICMPv6 checksum against a full sum. */
static void test_icmp6_error(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct tp u = { .family = AF_INET6, .proto = IPPROTO_UDP, .src = "2001:db8:0:1::7",
			.dst = "2001:db8:1::9", .sport = 5000, .dport = 53, .payload = 5 };
	struct nat_range rg = range("fd00:1::1", 0, 0);
	struct rte_mbuf *m = tp_build(&u), *e;
	struct rte_ipv6_hdr *ip, *qip;
	struct rte_udp_hdr *uh;
	struct nfv_ct *ct = track(t, m);
	struct tp err = { .family = AF_INET6, .proto = IPPROTO_ICMPV6, .src = "2001:db8:1::1",
			  .dst = "fd00:1::1", .type = 1, .code = 4 };
	uint8_t in[16];

	ip6("2001:db8:0:1::7", in);
	CU_ASSERT_FATAL(ct != NULL);
	masq6(t, "2001:db8:0:1::8", 5000, rg, &(uint32_t){ 0 });
	{	/* the UDP clash: another host's UDP 5000 first */
		struct tp o = u;
		struct rte_mbuf *om;
		struct nfv_ct *oc;

		o.src = "2001:db8:0:1::8";
		om = tp_build(&o);
		oc = track(t, om);
		CU_ASSERT_FATAL(oc != NULL);
		CU_ASSERT_EQUAL(nat_setup(t, oc, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
		confirm(t, om);
		rte_pktmbuf_free(om);
	}
	CU_ASSERT_EQUAL(nat_setup(t, ct, &rg, NAT_MANIP_SRC), NFV_ACCEPT);
	CU_ASSERT(reply_port(ct) != 5000);
	CU_ASSERT(nat_packet(m, ct, IP_CT_DIR_ORIGINAL, NAT_MANIP_SRC));
	confirm(t, m);
	err.quote = m;
	e = tp_build(&err);
	CU_ASSERT_EQUAL(track(t, e), ct);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(e)->ct_info, IP_CT_RELATED_REPLY);
	CU_ASSERT(nat_is_icmp(e));
	CU_ASSERT(nat_icmp_reply_translation(e, ct, IP_CT_DIR_REPLY, NAT_MANIP_DST));
	ip = rte_pktmbuf_mtod(e, struct rte_ipv6_hdr *);
	qip = (struct rte_ipv6_hdr *)((uint8_t *)(ip + 1) + 8);
	uh = (struct rte_udp_hdr *)(qip + 1);
	CU_ASSERT(memcmp(&ip->dst_addr, in, 16) == 0);
	CU_ASSERT(memcmp(&qip->src_addr, in, 16) == 0);
	CU_ASSERT_EQUAL(ntohs(uh->src_port), 5000);
	/* the outer ICMPv6 checksum, and the quoted UDP's, summed in full */
	CU_ASSERT(csums6_ok(e));
	CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(qip, uh), 0);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
	nfv_ct_table_destroy(t);
}

static void port_ip6(uint16_t port, const char *addr, uint8_t plen)
{
	uint8_t k = ft_ifaces.port[port].nb_ip6++;

	ip6(addr, ft_ifaces.port[port].ip6[k].addr);
	ft_ifaces.port[port].ip6[k].plen = plen;
}

static bool saddr_is(uint16_t oport, const char *dst, const char *want)
{
	uint8_t d[16], got[16], w[16];

	ip6(dst, d);
	ip6(want, w);
	return nat_ipv6_saddr(&ft_ifaces, oport, d, got) && memcmp(got, w, 16) == 0;
}

/* RFC 6724's rules as ipv6_dev_get_saddr() applies them to the ports'
 * addresses; and redirect's address of the destination's scope. */
static void test_saddr6(void)
{
	uint8_t d[16], got[16], w[16];

	ft_ifaces.port[0].nb_ip6 = ft_ifaces.port[1].nb_ip6 = 0;
	/* no address: none */
	ip6("2001:db8:1::9", d);
	CU_ASSERT(!nat_ipv6_saddr(&ft_ifaces, 1, d, got));
	port_ip6(0, "fd00::1", 64);
	port_ip6(1, "fe80::1", 64);
	port_ip6(1, "fd00:1::1", 64);
	port_ip6(1, "2001:db8:1::1", 64);
	/* rule 2: a global destination, a global source; rule 5: the output
	 * port's; rule 6: the label of 2001:db8::/32 is ::/0's, not ULA's */
	CU_ASSERT(saddr_is(1, "2001:db8:5::9", "2001:db8:1::1"));
	/* rule 6 again: a ULA destination, the ULA source */
	CU_ASSERT(saddr_is(1, "fd99::9", "fd00:1::1"));
	/* rule 8: of two of one label, the longer common prefix */
	port_ip6(1, "2001:db8:5::1", 64);
	CU_ASSERT(saddr_is(1, "2001:db8:5::9", "2001:db8:5::1"));
	/* rule 5: out of port 0 its address, though of another label */
	CU_ASSERT(saddr_is(0, "2001:db8:5::9", "fd00::1"));
	/* a link-local destination: the output port's link-local address */
	CU_ASSERT(saddr_is(1, "fe80::99", "fe80::1"));
	/* rule 1: the destination itself */
	CU_ASSERT(saddr_is(1, "fd00:1::1", "fd00:1::1"));
	/* redirect: the input port's first of the destination's scope */
	ip6("2001:db8:7::1", d);
	ip6("fd00:1::1", w);
	CU_ASSERT(nat_ipv6_redirect_addr(&ft_ifaces, 1, d, got) && memcmp(got, w, 16) == 0);
	ip6("fe80::5", d);
	ip6("fe80::1", w);
	CU_ASSERT(nat_ipv6_redirect_addr(&ft_ifaces, 1, d, got) && memcmp(got, w, 16) == 0);
	CU_ASSERT(!nat_ipv6_redirect_addr(&ft_ifaces, 0, d, got));
	ft_ifaces.port[0].nb_ip6 = ft_ifaces.port[1].nb_ip6 = 0;
}

/*
 * nft text through the NAT entries: an ip6 masquerade out of wan1 and a
 * port forward in an inet table, whose `dnat ip to` leaves IPv6 alone;
 * the replies back; an ip table's chain does not see IPv6 packets.
 */
static void test_chains6(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct tp u = { .family = AF_INET6, .proto = IPPROTO_UDP, .src = "2001:db8:0:1::7",
			.dst = "2001:db8:1::9", .sport = 5000, .dport = 53, .payload = 4 };
	struct tp f = tcp6("2001:db8:1::9", 33000, false, "fd00:1::1", 8080);
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	struct nfv_ct *ct;
	uint8_t a[16];
	char err[512] = "";

	cfg.ct = t;
	ft_ifaces.port[1].nb_ip6 = 0;
	port_ip6(1, "fd00:1::1", 64);
	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip nat {\n"
		" chain post { type nat hook postrouting priority srcnat;\n"
		"  snat to 192.168.1.9\n }\n"
		"}\n"
		"table ip6 nat {\n"
		" chain post { type nat hook postrouting priority srcnat;\n"
		"  oifname \"wan1\" masquerade\n }\n"
		"}\n"
		"table inet portfwd {\n"
		" chain pre { type nat hook prerouting priority dstnat;\n"
		"  tcp dport 8080 dnat ip to 10.0.0.5:80\n"
		"  tcp dport 8080 dnat ip6 to [2001:db8:0:1::5]:80\n }\n"
		"}\n", &cfg, &rs, err, sizeof(err)), 0);
	if (rs == NULL)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_FATAL(rs != NULL);
	/* masquerade out of wan1 */
	m = tp_build(&u);
	ct = track(t, m);
	CU_ASSERT_FATAL(ct != NULL);
	nfv_mbuf_meta(m)->oport = 1;
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_PRE_ROUTING, m), NFV_ACCEPT);
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_POST_ROUTING, m), NFV_ACCEPT);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	ip6("fd00:1::1", a);
	CU_ASSERT(memcmp(&ip->src_addr, a, 16) == 0);
	CU_ASSERT(csums6_ok(m));
	CU_ASSERT_EQUAL(ct->masq_port, 1);
	confirm(t, m);
	rte_pktmbuf_free(m);
	/* the port forward: the ip6 statement, not the ip one */
	m = tp_build(&f);
	ct = track(t, m);
	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_PRE_ROUTING, m), NFV_ACCEPT);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	ip6("2001:db8:0:1::5", a);
	CU_ASSERT(memcmp(&ip->dst_addr, a, 16) == 0);
	CU_ASSERT_EQUAL(ntohs(((struct rte_tcp_hdr *)(ip + 1))->dst_port), 80);
	CU_ASSERT(csums6_ok(m));
	nfv_mbuf_meta(m)->oport = 0;
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_POST_ROUTING, m), NFV_ACCEPT);
	ip6("2001:db8:1::9", a);
	CU_ASSERT(memcmp(&ip->src_addr, a, 16) == 0);	/* no source NAT */
	confirm(t, m);
	rte_pktmbuf_free(m);
	/* the server's answer back out, from the public address and port */
	f = tcp6("2001:db8:0:1::5", 80, true, "2001:db8:1::9", 33000);
	m = tp_build(&f);
	CU_ASSERT_EQUAL(track(t, m), ct);
	nfv_mbuf_meta(m)->oport = 0;
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_POST_ROUTING, m), NFV_ACCEPT);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	ip6("fd00:1::1", a);
	CU_ASSERT(memcmp(&ip->src_addr, a, 16) == 0);
	CU_ASSERT_EQUAL(ntohs(((struct rte_tcp_hdr *)(ip + 1))->src_port), 8080);
	CU_ASSERT(csums6_ok(m));
	rte_pktmbuf_free(m);
	ft_ifaces.port[1].nb_ip6 = 0;
	nfv_filter_ruleset_free(rs);
	nfv_ct_table_destroy(t);
}

/* A map whose data is an address range and a port range (16 bytes):
 * the destination NAT picks within both. */
static void test_map_ranges(void)
{
	struct nfv_ct_table *t = ct_new(64);
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	struct tp d = tcp("10.141.11.4", 4000, false, "192.168.1.1", 20);
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	uint32_t a;
	uint16_t port;
	char err[512] = "";

	cfg.ct = t;
	CU_ASSERT_EQUAL(ft_ruleset_from_text(
		"table ip nat { chain pre { type nat hook prerouting priority dstnat;\n"
		"  dnat to ip saddr . tcp dport map { 10.141.11.4 . 20 : "
		"10.141.10.0/24 . 8888-8999 }\n }\n}\n", &cfg, &rs, err, sizeof(err)), 0);
	if (rs == NULL)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_FATAL(rs != NULL);
	m = tp_build(&d);
	CU_ASSERT_FATAL(track(t, m) != NULL);
	CU_ASSERT_EQUAL(nat_run(rs, NFV_INET_PRE_ROUTING, m), NFV_ACCEPT);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	a = ntohl(ip->dst_addr);
	port = ntohs(((struct rte_tcp_hdr *)(ip + 1))->dst_port);
	CU_ASSERT(a >= ntohl(ip4("10.141.10.0")) && a <= ntohl(ip4("10.141.10.255")));
	CU_ASSERT(port >= 8888 && port <= 8999);
	CU_ASSERT(csums_ok(m));
	rte_pktmbuf_free(m);
	nfv_filter_ruleset_free(rs);
	nfv_ct_table_destroy(t);
}

/* text compiles to ret; a refusal's message holds msg (its error is
 * printed when it was to compile) */
static void nat_compiles(const char *text, int ret, const char *msg)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	char err[512] = "";

	CU_ASSERT_EQUAL(ft_ruleset_from_text(text, &cfg, &rs, err, sizeof(err)), ret);
	if (ret == 0 && rs == NULL)
		fprintf(stderr, "%s\n", err);
	if (msg != NULL)
		CU_ASSERT(strstr(err, msg) != NULL);
	nfv_filter_ruleset_free(rs);
}

/* What compiles: nat chains, snat/dnat/masquerade/redirect of both
 * families; the prefix (netmap) flag not. */
static void test_compile(void)
{
	nat_compiles(
		"table ip nat {\n"
		" chain pre { type nat hook prerouting priority dstnat;\n"
		"  tcp dport 8080 dnat to 10.0.0.5:80\n"
		"  udp dport 53 redirect to :5353\n }\n"
		" chain post { type nat hook postrouting priority srcnat;\n"
		"  oifname \"p1\" meta l4proto tcp masquerade to :1024-2048 random\n"
		"  ip saddr 10.9.0.0/16 udp dport 53 snat to 192.168.1.2-192.168.1.9:3000-4000\n }\n"
		"}\n", 0, NULL);
	/* --check: the same compile without the EAL's state */
	nat_compiles(
		"table inet nat { chain post { type nat hook postrouting priority srcnat;\n"
		"  masquerade\n }\n}\n", 0, NULL);
	/* IPv6: ip6 tables, and ip6 statements in inet ones */
	nat_compiles(
		"table ip6 nat {\n"
		" chain pre { type nat hook prerouting priority dstnat;\n"
		"  tcp dport 8080 dnat to [2001:db8:0:1::5]:80\n"
		"  udp dport 53 redirect to :5353\n"
		"  dnat to udp dport map { 5353 : 2001:db8:0:1::5, 5354 : 2001:db8:0:1::6 }\n }\n"
		" chain post { type nat hook postrouting priority srcnat;\n"
		"  oifname \"p1\" meta l4proto tcp masquerade to :1024-2048 random\n"
		"  ip6 saddr 2001:db8:9::/48 snat to 2001:db8::1-2001:db8::9\n }\n"
		"}\n", 0, NULL);
	nat_compiles(
		"table inet nat { chain post { type nat hook postrouting priority srcnat;\n"
		"  meta l4proto udp snat ip6 to [2001:db8::1]:1000-2000\n"
		"  meta l4proto udp snat ip to 192.168.1.1:1000-2000\n }\n}\n", 0, NULL);
	/* map data of an address range and a port range (16 bytes) */
	nat_compiles(
		"table ip nat { chain pre { type nat hook prerouting priority dstnat;\n"
		"  dnat to ip saddr . tcp dport map { 10.141.11.4 . 20 : "
		"10.141.10.0/24 . 8888-8999 }\n }\n}\n", 0, NULL);
	nat_compiles(
		"table ip nat { chain post { type nat hook postrouting priority srcnat;\n"
		"  snat ip prefix to ip saddr map { 10.0.0.0/24 : 192.168.2.0/24 }\n }\n}\n",
		-EOPNOTSUPP, "prefix");
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_nat", NULL, NULL,
		{ "incremental checksum update (RFC 1624)", test_csum_replace },
		{ "tuple choice: kept, moved on a clash, ranges", test_unique_tuple },
		{ "tuple choice of a destination NAT", test_unique_tuple_dst },
		{ "both directions rewritten, checksums right, UDP 0 kept", test_rewrite },
		{ "ICMP error translated inside and out", test_icmp_error },
		{ "replaced reply keys freed by the GC", test_stale_keys },
		{ "two workers bind at once", test_two_workers },
		{ "a masquerade chain; another output port kills it", test_masquerade_chain },
		{ "IPv6: tuple choice, a clash, a range across words", test_unique_tuple6 },
		{ "IPv6: TCP, UDP, ICMPv6 echo rewritten both ways, checksums", test_rewrite6 },
		{ "IPv6: an ICMPv6 error translated inside and out", test_icmp6_error },
		{ "IPv6: masquerade's source address selection", test_saddr6 },
		{ "IPv6: ip6 and inet nat chains through the NAT entries", test_chains6 },
		{ "a map of address and port ranges", test_map_ranges },
		{ "nat chains and statements compile, both families", test_compile });
	return nfv_test_run();
}
