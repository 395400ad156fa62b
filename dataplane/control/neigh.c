/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour resolution on the control side. Workers hand over ARP, NS/NA
 * for us, and packets whose next hop has no MAC yet; here we answer,
 * learn, hold up to NFV_NEIGH_HOLD packets per neighbour while probing
 * (the oldest makes room for a newer one, as in the kernel's
 * __neigh_event_send; 3 probes a second apart, as its mcast_solicit), and age
 * learned entries after the policy's neigh_timeout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "dp.h"
#include "log.h"
#include "events.h"
#include "mgmt.h"
#include "module.h"
#include "neigh_table.h"
#include "nfv_arp.h"
#include "nfv_eth.h"
#include "nfv_ip6.h"
#include "nfv_mbuf.h"
#include "nfv_nd.h"

#define PROBES 3
#define CTL_BURST 64

static void held_release(struct nfv_neigh *n)
{
	free(n->held);
	n->held = NULL;
	n->nb_held = 0;
}

static void ctl_drop(struct nfv_dp *dp, struct rte_mbuf *m, unsigned int reason)
{
	nfv_drop(dp->hooks, NFV_CONTROL_WORKER, m, reason);
}

static void ctl_send(struct nfv_dp *dp, uint16_t port, struct rte_mbuf *m)
{
	nfv_mbuf_meta(m)->oport = port;
	if (rte_ring_sp_enqueue(dp->workers[0].ctl_tx, m) != 0)
		ctl_drop(dp, m, NFV_DR_CONTROL_RING_FULL);
}

/* Our address on port that holds a (or the first of its family); false if none. */
static bool port_addr(const struct nfv_dp *dp, uint16_t port, uint8_t family,
		      const void *a, struct nfv_addr *out, bool exact)
{
	const struct nfv_policy *pol = dp->policy;
	bool found = false;

	for (unsigned int i = 0; i < pol->nb_addresses; i++) {
		const struct nfv_policy_address *pa = &pol->addresses[i];
		const struct nfv_prefix *p = &pa->prefix;
		unsigned int bits = p->len, nbytes = family == AF_INET ? 4 : 16;
		const uint8_t *x = a;
		bool in = true;

		if (p->addr.family != family || strcmp(pa->port, dp->ports[port].name) != 0)
			continue;
		if (exact) {
			if (memcmp(p->addr.bytes, a, nbytes) == 0) {
				*out = p->addr;
				return true;
			}
			continue;
		}
		for (unsigned int b = 0; b < bits && in; b++)
			in = ((x[b / 8] ^ p->addr.bytes[b / 8]) & (0x80 >> (b % 8))) == 0;
		if (in) {
			*out = p->addr;
			return true;
		}
		if (!found) {
			*out = p->addr;
			found = true;
		}
	}
	return found;
}

static void send_resolved(struct nfv_dp *dp, struct nfv_neigh *n, struct rte_mbuf *m)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct rte_ether_addr mac;
	int ret;

	memcpy(mac.addr_bytes, &n->mac_state, RTE_ETHER_ADDR_LEN);
	ret = nfv_eth_push(m, &dp->ports[meta->oport].mac, &mac,
			   meta->family == AF_INET ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6,
			   meta->vlan);
	if (ret != 0) {
		ctl_drop(dp, m, ret);
		return;
	}
	ctl_send(dp, meta->oport, m);
}

/* A MAC became known: publish it and send what was waiting for it. */
static void learn(struct nfv_dp *dp, struct nfv_neigh *n, const struct rte_ether_addr *mac)
{
	uint64_t old = n->mac_state;

	if (n->is_static)
		return;
	nfv_neigh_publish(n, mac, NFV_NEIGH_REACHABLE);
	/* a new MAC (or a first one): offloaded flows cached the old */
	if ((old ^ n->mac_state) & ((1ull << NFV_NEIGH_STATE_SHIFT) - 1) ||
	    old >> NFV_NEIGH_STATE_SHIFT == NFV_NEIGH_INCOMPLETE)
		__atomic_store_n(&dp->neigh.gen, dp->neigh.gen + 1, __ATOMIC_RELEASE);
	n->confirmed_tsc = rte_rdtsc();
	n->probes = 0;
	for (unsigned int i = 0; i < n->nb_held; i++)
		send_resolved(dp, n, n->held[i]);
	held_release(n);
}

static void probe(struct nfv_dp *dp, struct nfv_neigh *n)
{
	const struct nfv_dp_port *p = &dp->ports[n->key.port];
	struct rte_ether_addr dst;
	struct nfv_addr src;
	struct rte_mbuf *m = NULL;
	rte_be32_t sip, tip;
	int ret;

	n->probes++;
	n->probe_tsc = rte_rdtsc();
	if (!port_addr(dp, n->key.port, n->key.family, n->key.addr, &src, false))
		return;
	if (n->key.family == AF_INET) {
		memcpy(&sip, src.bytes, 4);
		memcpy(&tip, n->key.addr, 4);
		ret = nfv_arp_request(dp->pool, &p->mac, sip, tip, &m);
		memset(dst.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
		if (ret == 0)
			ret = nfv_eth_push(m, &p->mac, &dst, RTE_ETHER_TYPE_ARP, n->vlan);
	} else {
		ret = nfv_nd_ns(dp->pool, src.bytes, n->key.addr, &p->mac, &m, &dst);
		if (ret == 0)
			ret = nfv_eth_push(m, &p->mac, &dst, RTE_ETHER_TYPE_IPV6, n->vlan);
	}
	if (ret != 0) {
		if (m != NULL)
			rte_pktmbuf_free(m);
		return;
	}
	ctl_send(dp, n->key.port, m);
}

static void resolve(struct nfv_dp *dp, struct rte_mbuf *m)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct nfv_neigh_key key;
	struct nfv_neigh *n;

	nfv_neigh_key_set(&key, meta->oport, meta->family, meta->module);
	n = nfv_neigh_get(&dp->neigh, &key, true);
	if (n == NULL) {
		ctl_drop(dp, m, NFV_DR_NEIGH_QUEUE_FULL);
		return;
	}
	switch (nfv_neigh_state(n)) {
	case NFV_NEIGH_REACHABLE:
	case NFV_NEIGH_STALE:
	case NFV_NEIGH_PERMANENT:
		/* learned while the packet was in the ring */
		send_resolved(dp, n, m);
		return;
	default:
		break;
	}
	n->vlan = meta->vlan;
	if (n->held == NULL)
		n->held = malloc(NFV_NEIGH_HOLD * sizeof(n->held[0]));
	if (unlikely(n->held == NULL)) {
		dp->neigh.held_dropped++;
		ctl_drop(dp, m, NFV_DR_NEIGH_QUEUE_FULL);
	} else {
		if (n->nb_held == NFV_NEIGH_HOLD) {
			dp->neigh.held_dropped++;
			ctl_drop(dp, n->held[0], NFV_DR_NEIGH_QUEUE_FULL);
			memmove(&n->held[0], &n->held[1], (NFV_NEIGH_HOLD - 1) * sizeof(n->held[0]));
			n->nb_held--;
		}
		n->held[n->nb_held++] = m;
	}
	if (n->probes == 0)
		probe(dp, n);
}

static void arp_input(struct nfv_dp *dp, struct rte_mbuf *m)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	uint16_t port = meta->iport;
	const struct nfv_dp_port *p = &dp->ports[port];
	struct nfv_arp_info arp;
	struct rte_ether_addr dst;
	struct nfv_neigh_key key;
	struct nfv_neigh *n;
	struct nfv_addr ours;
	bool for_us;
	int ret;

	ret = nfv_arp_parse(m, &arp);
	if (ret != 0) {
		ctl_drop(dp, m, ret);
		return;
	}
	for_us = port_addr(dp, port, AF_INET, &arp.tip, &ours, true);
	if (arp.sip != 0) {
		/* RFC 826: update if known, create only when the target is us */
		nfv_neigh_key_set(&key, port, AF_INET, &arp.sip);
		n = nfv_neigh_get(&dp->neigh, &key, for_us);
		if (n != NULL)
			learn(dp, n, &arp.sha);
	}
	/*
	 * Nothing to send back: counted all the same, so that a flood of
	 * ARP for other hosts shows in nfvpnctl stats (Linux counts none).
	 */
	if (!for_us) {
		ctl_drop(dp, m, NFV_DR_ARP_NOT_FOR_US);
		return;
	}
	if (arp.op != RTE_ARP_OP_REQUEST) {
		ctl_drop(dp, m, NFV_DR_ARP_REPLY_CONSUMED);
		return;
	}
	ret = nfv_arp_reply(m, &p->mac, &dst);
	if (ret == 0)
		ret = nfv_eth_push(m, &p->mac, &dst, RTE_ETHER_TYPE_ARP, meta->vlan);
	if (ret != 0) {
		ctl_drop(dp, m, ret);
		return;
	}
	ctl_send(dp, port, m);
}

static void nd_input(struct nfv_dp *dp, struct rte_mbuf *m)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	uint16_t port = meta->iport;
	const struct nfv_dp_port *p = &dp->ports[port];
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct rte_ether_addr dst;
	struct nfv_neigh_key key;
	struct nfv_nd_info nd;
	struct nfv_neigh *n;
	struct nfv_addr ours;
	int ret;

	ret = nfv_nd_parse(m, &nd);
	if (ret != 0 || port >= dp->nb_ports) {
		ctl_drop(dp, m, ret ? ret : NFV_DR_LOCAL_UNHANDLED);
		return;
	}
	if (nd.type == NFV_ICMP6_NA) {
		nfv_neigh_key_set(&key, port, AF_INET6, nd.target);
		n = nfv_neigh_get(&dp->neigh, &key, false);
		if (n != NULL && nd.has_lladdr)
			learn(dp, n, &nd.lladdr);
		/* an NA about a neighbour we do not track is not for us */
		ctl_drop(dp, m, n != NULL ? NFV_DR_ND_ADVERT_CONSUMED : NFV_DR_ND_NOT_FOR_US);
		return;
	}
	if (!port_addr(dp, port, AF_INET6, nd.target, &ours, true)) {
		ctl_drop(dp, m, NFV_DR_ND_NOT_FOR_US);
		return;
	}
	if (nd.has_lladdr && !nfv_ip6_is_unspec(ip->src_addr)) {
		nfv_neigh_key_set(&key, port, AF_INET6, ip->src_addr);
		n = nfv_neigh_get(&dp->neigh, &key, true);
		if (n != NULL)
			learn(dp, n, &nd.lladdr);
	}
	memcpy(dst.addr_bytes, &meta->module[1], RTE_ETHER_ADDR_LEN);
	ret = nfv_nd_na_reply(m, &nd, &p->mac, false, &dst);
	if (ret == 0)
		ret = nfv_eth_push(m, &p->mac, &dst, RTE_ETHER_TYPE_IPV6, meta->vlan);
	if (ret != 0) {
		ctl_drop(dp, m, ret);
		return;
	}
	ctl_send(dp, port, m);
}

static void neigh_input(struct nfv_dp *dp, struct rte_mbuf *m)
{
	switch (nfv_mbuf_meta(m)->ctl) {
	case NFV_CTL_ARP:
		arp_input(dp, m);
		break;
	case NFV_CTL_ND:
		nd_input(dp, m);
		break;
	case NFV_CTL_RESOLVE:
		resolve(dp, m);
		break;
	default:
		ctl_drop(dp, m, NFV_DR_UNSPEC);
		break;
	}
}

static void give_up(struct nfv_dp *dp, struct nfv_neigh *n)
{
	for (unsigned int i = 0; i < n->nb_held; i++)
		ctl_drop(dp, n->held[i], NFV_DR_NEIGH_UNRESOLVED);
	held_release(n);
}

static void neigh_timer(struct nfv_dp *dp, uint64_t now)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t max_age = dp->policy->neigh_timeout_s * hz;
	const void *key;
	void *data;
	uint32_t iter = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(dp->neigh.hash, &key, &data, &iter)) >= 0) {
		struct nfv_neigh *n = &dp->neigh.e[pos];
		enum nfv_neigh_state st = nfv_neigh_state(n);

		if (n->is_static || !n->used)
			continue;
		if (st == NFV_NEIGH_INCOMPLETE && now - n->probe_tsc >= hz) {
			if (n->probes < PROBES) {
				probe(dp, n);
				continue;
			}
			dp->neigh.resolve_failed++;
			nfv_event_neigh_failed(dp, n->key.port, n->key.family, n->key.addr, n->nb_held);
			give_up(dp, n);
			nfv_neigh_del(&dp->neigh, n);
		} else if (st == NFV_NEIGH_REACHABLE && now - n->confirmed_tsc >= max_age) {
			nfv_neigh_del(&dp->neigh, n);
		}
	}
	nfv_neigh_reclaim(&dp->neigh);
}

static int neigh_add_static(struct nfv_dp *dp, uint16_t port, const struct nfv_addr *a,
			    const uint8_t mac[6])
{
	struct nfv_neigh_key key;
	struct rte_ether_addr ea;
	struct nfv_neigh *n;

	nfv_neigh_key_set(&key, port, a->family, a->bytes);
	n = nfv_neigh_get(&dp->neigh, &key, true);
	if (n == NULL)
		return -ENOSPC;
	memcpy(ea.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	n->is_static = false;
	learn(dp, n, &ea);
	n->is_static = true;
	nfv_neigh_publish(n, &ea, NFV_NEIGH_PERMANENT);
	return 0;
}

static int neigh_del(struct nfv_dp *dp, uint16_t port, const struct nfv_addr *a)
{
	struct nfv_neigh_key key;
	struct nfv_neigh *n;

	nfv_neigh_key_set(&key, port, a->family, a->bytes);
	n = nfv_neigh_get(&dp->neigh, &key, false);
	if (n == NULL)
		return -ENOENT;
	give_up(dp, n);
	nfv_neigh_del(&dp->neigh, n);
	nfv_neigh_reclaim(&dp->neigh);
	return 0;
}

static void neigh_stop(struct nfv_dp *dp)
{
	const void *key;
	void *data;
	uint32_t iter = 0;
	int32_t pos;

	if (dp->neigh.hash == NULL)
		return;
	while ((pos = rte_hash_iterate(dp->neigh.hash, &key, &data, &iter)) >= 0)
		give_up(dp, &dp->neigh.e[pos]);
}

/* What workers handed over: ARP, ND for us, packets waiting for a MAC. */
static void neigh_poll(struct nfv_dp *dp, uint64_t now)
{
	struct rte_mbuf *pkts[CTL_BURST];
	unsigned int n;

	do {
		n = rte_ring_sc_dequeue_burst(dp->ctl_ring, (void **)pkts, CTL_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			neigh_input(dp, pkts[i]);
	} while (n == CTL_BURST);
}

static int neigh_init(struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;
	int ret = nfv_neigh_init(&dp->neigh, dp->hooks);

	for (unsigned int i = 0; ret == 0 && i < pol->nb_neighbours; i++) {
		const struct nfv_policy_neighbour *n = &pol->neighbours[i];

		ret = neigh_add_static(dp, nfv_port_by_name(dp, n->port), &n->addr, n->mac);
	}
	return ret;
}

static void neigh_fini(struct nfv_dp *dp)
{
	if (dp->neigh.hash != NULL)
		nfv_neigh_fini(&dp->neigh);
}

static int list_neigh(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	const void *key;
	void *data;
	uint32_t iter = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(dp->neigh.hash, &key, &data, &iter)) >= 0) {
		const struct nfv_neigh *n = &dp->neigh.e[pos];
		struct nfv_msg_neigh *r;

		if (!n->used)
			continue;
		r = nfv_mgmt_row(rows);
		if (r == NULL)
			return -ENOMEM;
		r->addr.family = n->key.family;
		memcpy(r->addr.bytes, n->key.addr, 16);
		memcpy(r->mac, &n->mac_state, 6);
		r->state = nfv_neigh_state(n);
		strlcpy(r->port, dp->ports[n->key.port].name, sizeof(r->port));
		r->age_s = n->confirmed_tsc ? (now - n->confirmed_tsc) / hz : 0;
		r->held = n->nb_held;
	}
	return 0;
}

static int handle_add(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_policy_neighbour pn;
	int port, ret;

	memcpy(&pn, payload, sizeof(pn));
	pn.port[sizeof(pn.port) - 1] = '\0';
	port = nfv_port_by_name(dp, pn.port);
	if (port < 0)
		return nfv_mgmt_error(c, h->seq, port, "no port '%s'", pn.port);
	/* as the policy's neighbours: one host (the table takes any key) */
	if ((pn.addr.family != AF_INET && pn.addr.family != AF_INET6) ||
	    !nfv_addr_is_unicast(&pn.addr))
		return nfv_mgmt_error(c, h->seq, -EINVAL,
				      "not a unicast IPv4 or IPv6 address (family %u)",
				      pn.addr.family);
	ret = neigh_add_static(dp, port, &pn.addr, pn.mac);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	dp->generation++;
	return nfv_mgmt_ok(c, h);
}

static int handle_del(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_neigh_key k;
	int port, ret;

	memcpy(&k, payload, sizeof(k));
	k.port[sizeof(k.port) - 1] = '\0';
	port = nfv_port_by_name(dp, k.port);
	if (port < 0)
		return nfv_mgmt_error(c, h->seq, port, "no port '%s'", k.port);
	ret = neigh_del(dp, port, &k.addr);
	if (ret == -ENOENT)
		return nfv_mgmt_error(c, h->seq, ret, "no such neighbour");
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	dp->generation++;
	return nfv_mgmt_ok(c, h);
}

static const struct nfv_mgmt_handler neigh_handlers[] = {
	NFV_MGMT_LISTING(NFV_MSG_NEIGH, "neighbours", struct nfv_msg_neigh, list_neigh),
	{ NFV_MSG_NEIGH_ADD, sizeof(struct nfv_policy_neighbour), true, "neighbour add",
	  handle_add },
	{ NFV_MSG_NEIGH_DEL, sizeof(struct nfv_msg_neigh_key), true, "neighbour delete",
	  handle_del },
};
NFV_MGMT_HANDLERS(neigh_handlers);

static struct nfv_ctl_module neigh_module = {
	.name = "neighbours",
	.order = NFV_CTL_ORDER_NEIGH,
	.init = neigh_init,
	.poll = neigh_poll,
	.timer = neigh_timer,
	.stop = neigh_stop,
	.fini = neigh_fini,
};
NFV_CTL_MODULE(neigh_module);
