/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet path of a worker, as in Linux:
 *
 *  rx -> PRE_ROUTING -> route -+-> LOCAL_IN -> local delivery
 *                              +-> FORWARD ---------------------+
 *  local -> LOCAL_OUT -> route ----------------------------------+-> POST_ROUTING -> tx
 *
 * Each stage takes a burst (at most NFV_BURST packets, data at the L3
 * header), runs its hook and hands what was accepted to the next stage.
 * Every packet leaves through a tx buffer, a counted drop, a hook that
 * stole it, or a ring to the control side.
 */
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "dp.h"
#include "local.h"
#include "nfv_eth.h"
#include "nfv_frag.h"
#include "nfv_icmp.h"
#include "nfv_ip4.h"
#include "nfv_ip6.h"
#include "nfv_mbuf.h"
#include "nfv_queue.h"
#include "reass.h"

static void stage_route_input(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
static void stage_postrouting(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
static void stage_output(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);

static inline void drop(struct nfv_worker *w, struct rte_mbuf *m, unsigned int reason)
{
	nfv_drop(w->dp->hooks, w->id, m, reason);
}

static inline uint16_t run_hook(struct nfv_worker *w, enum nfv_hook hook,
				struct rte_mbuf **pkts, uint16_t n)
{
	struct nfv_hook_table *t = w->dp->hooks;

	/* a hook without entries costs a load, not a call */
	if (__atomic_load_n(&t->hooks[hook], __ATOMIC_RELAXED) == NULL)
		return n;
	return nfv_hook_run(t, pkts, n, &w->st[hook], NFV_HOOK_FROM_START);
}

void nfv_pipeline_to_control(struct nfv_worker *w, struct rte_mbuf *m, uint8_t why)
{
	nfv_mbuf_meta(m)->ctl = why;
	if (unlikely(rte_ring_mp_enqueue(w->dp->ctl_ring, m) != 0)) {
		drop(w, m, NFV_DR_CONTROL_RING_FULL);
		return;
	}
	w->stats.to_control++;
}

/* Sends an ICMP error about m (left alone) if the rate limit allows. */
void nfv_pipeline_icmp_error(struct nfv_worker *w, struct rte_mbuf *m,
			     uint8_t type, uint8_t code, uint32_t info)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	const struct nfv_dp_port *p;
	struct rte_mbuf *err = NULL;
	int ret = -1;

	if (meta->iport >= w->dp->nb_ports)
		return;
	p = &w->dp->ports[meta->iport];
	if (meta->family == AF_INET && p->has_ip4)
		ret = nfv_icmp4_error(&w->icmp, w->st[0].now, m, type, code, info,
				      p->ip4, &err);
	else if (meta->family == AF_INET6 && p->has_ip6)
		ret = nfv_icmp6_error(&w->icmp, w->st[0].now, m, type, code, info,
				      p->ip6, &err);
	if (ret == 0) {
		w->stats.icmp_errors++;
		nfv_hook_inject(&w->st[0], NFV_INJECT_LOCAL_OUT, err);
	}
}

/* Ethernet in: validate, classify, strip L2; IP goes on to PRE_ROUTING. */
void nfv_pipeline_l2_input(struct nfv_worker *w, uint16_t port,
			   struct rte_mbuf **pkts, uint16_t n)
{
	const struct nfv_dp_port *p = &w->dp->ports[port];
	struct rte_mbuf *ip[NFV_BURST];
	struct nfv_eth_info eth;
	uint16_t nip = 0;
	/*
	 * The port's MAC as the first 8 bytes of a frame to it hold it (the
	 * last two belong to the source): one load, xor and mask a packet,
	 * where rte_is_same_ether_addr() takes three 16-bit compares.
	 */
	uint64_t mac = 0, mac_mask = 0;

	memcpy(&mac, &p->mac, RTE_ETHER_ADDR_LEN);
	memset(&mac_mask, 0xff, RTE_ETHER_ADDR_LEN);

	w->stats.rx += n;
	w->stats.port_rx[port] += n;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nfv_mbuf_meta *meta;
		uint64_t dst;
		int reason;

		if (i + 3 < n) {
			rte_prefetch0(pkts[i + 3]);
			rte_prefetch0(rte_mbuf_to_priv(pkts[i + 3]));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 3], void *));
		}
		nfv_mbuf_meta_reset(m, port);
		meta = nfv_mbuf_meta(m);
		reason = nfv_eth_pop(m, &eth);
		if (unlikely(reason != 0))
			goto drop;
		memcpy(&dst, eth.eth, sizeof(dst));
		if (unlikely(((dst ^ mac) & mac_mask) != 0 &&
			     !rte_is_multicast_ether_addr(&eth.eth->dst_addr))) {
			reason = NFV_DR_ETH_DST;
			goto drop;
		}
		if (eth.vlan != 0) {
			if (unlikely(!(p->vlans[eth.vlan / 64] & (1ull << (eth.vlan % 64))))) {
				reason = NFV_DR_VLAN_UNKNOWN;
				goto drop;
			}
			meta->vlan = eth.vlan;
			meta->flags |= NFV_MBUF_F_VLAN;
		}
		if (likely(eth.type == RTE_ETHER_TYPE_IPV4)) {
			reason = nfv_ip4_check(m);
			meta->family = AF_INET;
			/* not malformed: longer than the port's frame */
			if (unlikely(reason == NFV_DR_IP4_TOTAL_LEN && p->kernel_defrag) &&
			    nfv_ip4_cut_short(m))
				reason = NFV_DR_PORT_TRUNCATED;
		} else if (eth.type == RTE_ETHER_TYPE_IPV6) {
			reason = nfv_ip6_check(m);
			meta->family = AF_INET6;
			/* ND may need the sender's MAC when it gives no option */
			memcpy(&meta->module[1], &eth.eth->src_addr, RTE_ETHER_ADDR_LEN);
		} else if (eth.type == RTE_ETHER_TYPE_ARP) {
			nfv_pipeline_to_control(w, m, NFV_CTL_ARP);
			continue;
		} else {
			reason = NFV_DR_ETH_TYPE;
		}
		if (unlikely(reason != 0))
			goto drop;
		ip[nip++] = m;
		continue;
drop:
		drop(w, m, reason);
	}
	/* the flowtable's hook at this device's ingress */
	if (w->flow_ports >> port & 1)
		nip = nfv_flow_fast(w, ip, nip);
	if (nip == 0)
		return;
	nip = run_hook(w, NFV_INET_PRE_ROUTING, ip, nip);
	stage_route_input(w, ip, nip);
}

/* The exception TUN: what the kernel sends starts its life at LOCAL_OUT. */
void nfv_pipeline_from_kernel(struct nfv_worker *w, uint16_t port,
			      struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *ok[NFV_BURST];
	uint16_t nok = 0;

	w->stats.from_kernel[port] += n;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nfv_mbuf_meta *meta;
		uint8_t version;
		int reason;

		nfv_mbuf_meta_reset(m, UINT16_MAX);
		meta = nfv_mbuf_meta(m);
		meta->flags = NFV_MBUF_F_LOCAL_OUT;
		version = rte_pktmbuf_data_len(m) ? *rte_pktmbuf_mtod(m, uint8_t *) >> 4 : 0;
		if (version == 4) {
			meta->family = AF_INET;
			reason = nfv_ip4_check(m);
		} else if (version == 6) {
			meta->family = AF_INET6;
			reason = nfv_ip6_check(m);
			/*
			 * The kernel's own IPv6 multicast (MLD, router
			 * solicitations): the dataplane does ND itself and
			 * routes no multicast.
			 */
			if (reason == 0 && nfv_ip6_is_mcast(rte_pktmbuf_mtod(m,
					struct rte_ipv6_hdr *)->dst_addr))
				reason = NFV_DR_KERNEL_MCAST;
		} else {
			reason = NFV_DR_ETH_TYPE;
		}
		if (unlikely(reason != 0)) {
			drop(w, m, reason);
			continue;
		}
		ok[nok++] = m;
	}
	nfv_pipeline_local_out(w, ok, nok);
}

/* route_lookup() of a burst that is not all IPv4: gathered by family. */
static void route_lookup_mixed(const struct nfv_fib_snap *snap, struct rte_mbuf **pkts,
			       uint16_t n, uint64_t *nhs)
{
	uint32_t dst4[NFV_BURST];
	uint8_t dst6[NFV_BURST][16];
	uint16_t i4[NFV_BURST], i6[NFV_BURST];
	uint64_t nh[NFV_BURST];
	uint16_t n4 = 0, n6 = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (nfv_mbuf_meta(m)->family == AF_INET) {
			dst4[n4] = rte_be_to_cpu_32(rte_pktmbuf_mtod(m,
					struct rte_ipv4_hdr *)->dst_addr);
			i4[n4++] = i;
		} else {
			memcpy(dst6[n6], rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->dst_addr, 16);
			i6[n6++] = i;
		}
	}
	if (n4 > 0) {
		nfv_fib4_lookup_host(snap, dst4, nh, n4);
		for (uint16_t j = 0; j < n4; j++)
			nhs[i4[j]] = nh[j];
	}
	if (n6 > 0) {
		nfv_fib6_lookup(snap, (const uint8_t (*)[16])dst6, nh, n6);
		for (uint16_t j = 0; j < n6; j++)
			nhs[i6[j]] = nh[j];
	}
}

/*
 * Route lookup for a burst: one next-hop index per packet into nhs[],
 * which the caller stores in each packet's metadata as it reads it.
 * All IPv4, the common case, is gathered in one pass without indexes,
 * the destinations in host order as rte_fib wants them.
 */
static void route_lookup(const struct nfv_fib_snap *snap, struct rte_mbuf **pkts, uint16_t n,
			 uint64_t *nhs)
{
	uint32_t dst4[NFV_BURST];
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(nfv_mbuf_meta(m)->family != AF_INET))
			break;
		dst4[i] = rte_be_to_cpu_32(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->dst_addr);
	}
	if (likely(i == n))
		nfv_fib4_lookup_host(snap, dst4, nhs, n);
	else
		route_lookup_mixed(snap, pkts, n, nhs);
}

/*
 * ip_forward() before the FORWARD hook: the TTL (hop limit) is checked and
 * decremented; true when m goes on.
 */
static inline bool forward_ttl(struct nfv_worker *w, struct rte_mbuf *m)
{
	bool v4 = nfv_mbuf_meta(m)->family == AF_INET;
	int reason = v4 ? nfv_ip4_forward_prepare(m) : nfv_ip6_forward_prepare(m);

	if (likely(reason == 0))
		return true;
	if (v4)
		nfv_pipeline_icmp_error(w, m, NFV_ICMP4_TIME_EXCEEDED, NFV_ICMP4_EXC_TTL, 0);
	else
		nfv_pipeline_icmp_error(w, m, NFV_ICMP6_TIME_EXCEEDED, NFV_ICMP6_EXC_HOPLIMIT, 0);
	drop(w, m, reason);
	return false;
}

static void no_route(struct nfv_worker *w, struct rte_mbuf *m)
{
	if (nfv_mbuf_meta(m)->family == AF_INET)
		nfv_pipeline_icmp_error(w, m, NFV_ICMP4_DEST_UNREACH,
					NFV_ICMP4_NET_UNREACH, 0);
	else
		nfv_pipeline_icmp_error(w, m, NFV_ICMP6_DEST_UNREACH,
					NFV_ICMP6_NO_ROUTE, 0);
	drop(w, m, NFV_DR_NO_ROUTE);
}

/* After PRE_ROUTING: local delivery or forwarding. */
static void stage_route_input(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	const struct nfv_fib_snap *snap = w->snap;
	struct rte_mbuf *local[NFV_BURST], *fwd[NFV_BURST];
	uint16_t nlocal = 0, nfwd = 0;
	uint64_t nhs[NFV_BURST];

	if (n == 0)
		return;
	route_lookup(snap, pkts, n, nhs);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
		const struct nfv_nexthop *nh = &snap->nh[nhs[i]];

		meta->nexthop = nhs[i];
		if (unlikely(meta->family == AF_INET6 &&
			     nfv_ip6_is_mcast(rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->dst_addr))) {
			if (nfv_dp_is_local6_mcast(w->dp, rte_pktmbuf_mtod(m,
					struct rte_ipv6_hdr *)->dst_addr))
				local[nlocal++] = m;
			else
				drop(w, m, NFV_DR_LOCAL_UNHANDLED);
			continue;
		}
		/* forwarding first: a switch costs a jump table here */
		if (likely(nh->type == NFV_NH_FORWARD)) {
			meta->oport = nh->port;
			if (likely(forward_ttl(w, m)))
				fwd[nfwd++] = m;
		} else if (nh->type == NFV_NH_LOCAL) {
			local[nlocal++] = m;
		} else if (nh->type == NFV_NH_BLACKHOLE) {
			drop(w, m, NFV_DR_ROUTE_BLACKHOLE);
		} else {
			no_route(w, m);
		}
	}
	if (nlocal > 0)
		nlocal = nfv_reass_local(w, local, nlocal);
	if (nlocal > 0) {
		w->stats.local_in += nlocal;
		nlocal = run_hook(w, NFV_INET_LOCAL_IN, local, nlocal);
		nfv_local_deliver(w, local, nlocal);
	}
	if (nfwd > 0)
		nfv_pipeline_forward(w, fwd, nfwd);
}

/* ip_forward after the TTL (checked as the route was taken): the FORWARD hook. */
void nfv_pipeline_forward(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	n = run_hook(w, NFV_INET_FORWARD, pkts, n);
	w->stats.forwarded += n;
	stage_postrouting(w, pkts, n);
}

/* Packets born here: LOCAL_OUT, then routed, then POST_ROUTING. */
void nfv_pipeline_local_out(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	if (n == 0)
		return;
	w->stats.local_out += n;
	n = run_hook(w, NFV_INET_LOCAL_OUT, pkts, n);
	nfv_pipeline_route_output(w, pkts, n);
}

void nfv_pipeline_route_output(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	const struct nfv_fib_snap *snap = w->snap;
	uint64_t nhs[NFV_BURST];
	uint16_t k = 0;

	if (n == 0)
		return;
	route_lookup(snap, pkts, n, nhs);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
		const struct nfv_nexthop *nh = &snap->nh[nhs[i]];

		meta->nexthop = nhs[i];
		if (likely(nh->type == NFV_NH_FORWARD)) {
			meta->oport = nh->port;
			pkts[k++] = m;
		} else if (nh->type == NFV_NH_BLACKHOLE) {
			drop(w, m, NFV_DR_ROUTE_BLACKHOLE);
		} else if (nh->type == NFV_NH_LOCAL) {
			/* to ourselves: there is no loopback device */
			drop(w, m, NFV_DR_LOCAL_UNHANDLED);
		} else {
			drop(w, m, NFV_DR_NO_ROUTE);
		}
	}
	stage_postrouting(w, pkts, k);
}

static void stage_postrouting(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	if (n == 0)
		return;
	n = run_hook(w, NFV_INET_POST_ROUTING, pkts, n);
	stage_output(w, pkts, n);
}

static inline void txbuf_add(struct nfv_txbuf *tb, struct rte_mbuf *m)
{
	tb->pkts[tb->n++] = m;
}

static void txbuf_flush(struct nfv_worker *w, struct nfv_txbuf *tb, uint16_t port_id,
			uint16_t idx, bool tun)
{
	uint16_t sent;

	if (tb->n == 0)
		return;
	sent = rte_eth_tx_burst(port_id, w->id, tb->pkts, tb->n);
	if (tun)
		w->stats.punted[idx] += sent;
	else
		w->stats.port_tx[idx] += sent;
	w->stats.tx += sent;
	for (uint16_t i = sent; i < tb->n; i++)
		drop(w, tb->pkts[i], NFV_DR_TX_FULL);
	tb->n = 0;
}

void nfv_pipeline_flush(struct nfv_worker *w)
{
	for (unsigned int p = 0; p < w->dp->nb_ports; p++) {
		const struct nfv_dp_port *port = &w->dp->ports[p];

		txbuf_flush(w, &w->tx[p], port->port_id, p, false);
		if (port->tun_id != UINT16_MAX)
			txbuf_flush(w, &w->tun_tx[p], port->tun_id, p, true);
	}
}

/* Queues a frame that already has its Ethernet header for port. */
void nfv_pipeline_tx(struct nfv_worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct nfv_txbuf *tb = &w->tx[port];

	txbuf_add(tb, m);
	if (tb->n == NFV_TXBUF)
		txbuf_flush(w, tb, w->dp->ports[port].port_id, port, false);
}

/* Hands a packet (data at L3) to the kernel through port's exception TUN. */
void nfv_pipeline_punt(struct nfv_worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct nfv_txbuf *tb;

	if (port >= w->dp->nb_ports || w->dp->ports[port].tun_id == UINT16_MAX) {
		drop(w, m, NFV_DR_LOCAL_UNHANDLED);
		return;
	}
	tb = &w->tun_tx[port];
	txbuf_add(tb, m);
	if (tb->n == NFV_TXBUF)
		txbuf_flush(w, tb, w->dp->ports[port].tun_id, port, true);
}

/*
 * RFC 1812 5.2.6: an IPv4 packet without DF is fragmented for the output
 * port. The fragments (a header each plus a reference to m's data) go
 * through the output stage again; they fit, so there is no recursion
 * beyond one level.
 */
static void fragment4(struct nfv_worker *w, struct rte_mbuf *m, const struct nfv_dp_port *p)
{
	struct rte_mbuf *frags[NFV_BURST];
	int32_t n;

	n = nfv_frag_packet(m, frags, NFV_BURST, p->mtu, w->dp->pool, 0);
	if (unlikely(n < 0)) {
		drop(w, m, NFV_DR_MTU_EXCEEDED);
		return;
	}
	w->stats.fragmented++;
	rte_pktmbuf_free(m);
	stage_output(w, frags, (uint16_t)n);
}

static bool mtu_ok(struct nfv_worker *w, struct rte_mbuf *m, const struct nfv_dp_port *p)
{
	const struct rte_ipv4_hdr *ip4;

	if (likely(rte_pktmbuf_pkt_len(m) <= p->mtu))
		return true;
	/* DF or IPv6 gets its ICMP "too big" (RFC 1191, RFC 8201) */
	if (nfv_mbuf_meta(m)->family == AF_INET) {
		ip4 = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		if (!(ip4->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG))) {
			fragment4(w, m, p);
			return false;
		}
		nfv_pipeline_icmp_error(w, m, NFV_ICMP4_DEST_UNREACH,
					NFV_ICMP4_FRAG_NEEDED, p->mtu);
	} else {
		nfv_pipeline_icmp_error(w, m, NFV_ICMP6_PKT_TOO_BIG, 0, p->mtu);
	}
	drop(w, m, NFV_DR_MTU_EXCEEDED);
	return false;
}

/* No neighbour yet: the control side resolves addr, holds m and sends it. */
static void to_resolve(struct nfv_worker *w, struct rte_mbuf *m, const void *addr,
		       const struct nfv_nexthop *nh)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);

	memcpy(meta->module, addr, meta->family == AF_INET ? 4 : 16);
	meta->vlan = nh->vlan;	/* from now on: the output VLAN */
	nfv_pipeline_to_control(w, m, NFV_CTL_RESOLVE);
}

/*
 * Neighbour and Ethernet header; unresolved packets go to the control side.
 * Packets of a burst mostly share a gateway: its next hop, port, MTU,
 * neighbour, Ethernet header and tx buffer are found once per run of the
 * same next hop. On-link destinations differ per packet and are looked up
 * each.
 */
static void stage_output(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	const struct nfv_fib_snap *snap = w->snap;
	const struct nfv_nexthop *nh = NULL;
	const struct nfv_dp_port *p = NULL;
	struct nfv_txbuf *tb = NULL;
	uint32_t last_nh = UINT32_MAX;	/* UINT32_MAX: no run to go on with */
	uint16_t last_port = UINT16_MAX;
	struct nfv_eth_tmpl tmpl;
	bool last_ok = false;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
		bool same_run = meta->nexthop == last_nh && meta->oport == last_port;
		struct rte_ether_addr mac;
		struct nfv_neigh_key key;
		const void *addr;
		int reason;

		if (!same_run) {
			nh = &snap->nh[meta->nexthop];
			p = &w->dp->ports[meta->oport];
			tb = &w->tx[meta->oport];
		}
		if (unlikely(rte_pktmbuf_pkt_len(m) > p->mtu) && !mtu_ok(w, m, p))
			continue;
		if (!same_run) {
			if (nh->has_gw)
				addr = nh->gw;
			else if (meta->family == AF_INET)
				addr = &rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->dst_addr;
			else
				addr = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->dst_addr;
			nfv_neigh_key_set(&key, meta->oport, meta->family, addr);
			last_ok = nfv_neigh_mac(&w->dp->neigh, &key, &mac);
			last_nh = nh->has_gw ? meta->nexthop : UINT32_MAX;
			last_port = meta->oport;
			if (unlikely(!last_ok)) {
				to_resolve(w, m, addr, nh);
				continue;
			}
			nfv_eth_tmpl_set(&tmpl, &p->mac, &mac,
					 meta->family == AF_INET ? RTE_ETHER_TYPE_IPV4 :
								   RTE_ETHER_TYPE_IPV6,
					 nh->vlan);
		} else if (unlikely(!last_ok)) {
			to_resolve(w, m, nh->gw, nh);
			continue;
		}
		reason = nfv_eth_tmpl_push(m, &tmpl);
		if (unlikely(reason != 0)) {
			drop(w, m, reason);
			continue;
		}
		if (unlikely(meta->flags & NFV_MBUF_F_FLOW))
			nfv_flow_fast_learn(w, m, tmpl.hdr, tmpl.len, p->mtu);
		txbuf_add(tb, m);
		if (unlikely(tb->n == NFV_TXBUF))
			txbuf_flush(w, tb, p->port_id, meta->oport, false);
	}
}

/*
 * A packet queued after routing comes back in a later loop, whose snapshot
 * its next-hop index does not point into: route it again. Its hooks saw
 * one output port; if the route now leaves by another (or by none), it is
 * dropped with the reason rather than sent where no hook looked at it.
 */
static bool reroute(struct nfv_worker *w, struct rte_mbuf *m)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	const struct nfv_nexthop *nh;
	uint64_t idx;

	route_lookup(w->snap, &m, 1, &idx);
	meta->nexthop = idx;
	nh = &w->snap->nh[idx];
	if (likely(nh->type == NFV_NH_FORWARD && nh->port == meta->oport))
		return true;
	drop(w, m, nh->type == NFV_NH_FORWARD ? NFV_DR_ROUTE_CHANGED :
		   nh->type == NFV_NH_BLACKHOLE ? NFV_DR_ROUTE_BLACKHOLE :
		   nh->type == NFV_NH_LOCAL ? NFV_DR_LOCAL_UNHANDLED : NFV_DR_NO_ROUTE);
	return false;
}

/* Resumes packets that a queue listener accepted, after their entry. */
void nfv_pipeline_resume(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
		enum nfv_hook hook = meta->queue_hook;

		if (nfv_hook_run(w->dp->hooks, &m, 1, &w->st[hook], meta->queue_prio) == 0)
			continue;
		if ((hook == NFV_INET_FORWARD || hook == NFV_INET_POST_ROUTING) &&
		    !reroute(w, m))
			continue;
		switch (hook) {
		case NFV_INET_PRE_ROUTING:
			stage_route_input(w, &m, 1);
			break;
		case NFV_INET_LOCAL_IN:
			nfv_local_deliver(w, &m, 1);
			break;
		case NFV_INET_FORWARD:
			w->stats.forwarded++;
			stage_postrouting(w, &m, 1);
			break;
		case NFV_INET_LOCAL_OUT:
			nfv_pipeline_route_output(w, &m, 1);
			break;
		default:
			stage_output(w, &m, 1);
			break;
		}
	}
}

/* Packets that entries made during this burst enter the pipeline again. */
void nfv_pipeline_drain(struct nfv_worker *w)
{
	struct nfv_inject_queue *qs = w->dp->hooks->inject[w->id];
	struct rte_mbuf *chunk[NFV_BURST];

	/* most bursts make nothing: two loads */
	if (likely(qs[NFV_INJECT_PRE_ROUTING].n == 0 && qs[NFV_INJECT_LOCAL_OUT].n == 0))
		return;
	for (unsigned int point = 0; point < NFV_INJECT_MAX; point++) {
		struct nfv_inject_queue *q = &qs[point];
		uint16_t head = 0;

		/* packets made while draining are appended and drained too */
		while (head < q->n) {
			uint16_t k = RTE_MIN(q->n - head, NFV_BURST);

			memcpy(chunk, &q->pkts[head], k * sizeof(chunk[0]));
			head += k;
			if (point == NFV_INJECT_LOCAL_OUT) {
				nfv_pipeline_local_out(w, chunk, k);
			} else {
				/* the flowtable's hook sees decrypted packets too */
				if (w->flow_ports != 0)
					k = nfv_flow_fast_secpath(w, chunk, k);
				if (k == 0)
					continue;
				k = run_hook(w, NFV_INET_PRE_ROUTING, chunk, k);
				stage_route_input(w, chunk, k);
			}
		}
		q->n = 0;
	}
}
