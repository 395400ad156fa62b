// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks: PRE_ROUTING and LOCAL_OUT, IPv4 and IPv6. A packet
 * that a STEER selector matches is handed to the target device and
 * stolen; anything else goes on unchanged. No lock, no allocation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "stub.h"

#define nfvpn_count(nn, field) this_cpu_inc((nn)->stats->field)

static void nfvpn_key_ports(const struct sk_buff *skb, int off,
			    struct nfvpn_key *key)
{
	__be16 buf[2];
	const __be16 *ports;

	if (!nfvpn_proto_has_ports(key->proto))
		return;
	ports = skb_header_pointer(skb, off, sizeof(buf), buf);
	if (!ports)
		return;
	key->sport = ntohs(ports[0]);
	key->dport = ntohs(ports[1]);
	key->has_ports = true;
}

/* ip_rcv() and the local output path have validated the header already. */
static void nfvpn_key_ipv4(const struct sk_buff *skb, struct nfvpn_key *key)
{
	const struct iphdr *iph = ip_hdr(skb);

	key->family = AF_INET;
	key->src[0] = iph->saddr;
	key->dst[0] = iph->daddr;
	key->proto = iph->protocol;
	/* Only the first fragment carries the ports. */
	if (iph->frag_off & htons(IP_OFFSET))
		return;
	nfvpn_key_ports(skb, skb_network_offset(skb) + iph->ihl * 4, key);
}

static void nfvpn_key_ipv6(const struct sk_buff *skb, struct nfvpn_key *key)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	__be16 frag_off = 0;
	u8 nexthdr = ip6h->nexthdr;
	int off;

	key->family = AF_INET6;
	memcpy(key->src, &ip6h->saddr, sizeof(key->src));
	memcpy(key->dst, &ip6h->daddr, sizeof(key->dst));
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
			       &nexthdr, &frag_off);
	key->proto = nexthdr;
	if (off < 0 || (frag_off & htons(~0x7)))
		return;
	nfvpn_key_ports(skb, off, key);
}

/* Hand @skb to the target; it is consumed unless NF_DROP is returned. */
static unsigned int nfvpn_steer(struct nfvpn_net *nn,
				const struct nfvpn_target *tgt,
				struct sk_buff *skb, u8 family)
{
	struct net_device *dev = tgt->dev;
	unsigned int len = skb->len;
	__be16 proto = family == AF_INET ? htons(ETH_P_IP) : htons(ETH_P_IPV6);
	struct ethhdr *eth;
	int rc;

	if (unlikely(!netif_running(dev) || !netif_carrier_ok(dev))) {
		nfvpn_count(nn, target_down);
		return NF_DROP;
	}

	/* Leave the stack behind: no route, no conntrack entry. */
	skb_scrub_packet(skb, false);
	skb_reset_network_header(skb);

	if (dev->type == ARPHRD_ETHER) {
		if (unlikely(skb_cow_head(skb, ETH_HLEN))) {
			nfvpn_count(nn, no_headroom);
			return NF_DROP;
		}
		eth = skb_push(skb, ETH_HLEN);
		ether_addr_copy(eth->h_dest, tgt->lladdr);
		ether_addr_copy(eth->h_source, dev->dev_addr);
		eth->h_proto = proto;
	}
	skb_reset_mac_header(skb);
	skb->protocol = proto;
	skb->dev = dev;

	/* net_xmit_eval() evaluates its argument twice: keep the call out. */
	rc = dev_queue_xmit(skb);
	if (unlikely(net_xmit_eval(rc))) {
		nfvpn_count(nn, xmit_err);
	} else {
		nfvpn_count(nn, steered);
		this_cpu_add(nn->stats->steered_bytes, len);
	}
	return NF_STOLEN;
}

static unsigned int nfvpn_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct nfvpn_net *nn = priv;
	const struct nfvpn_target *tgt;
	const struct nfvpn_table *t;
	struct nfvpn_sel_stats __percpu *st;
	struct nfvpn_key key = { 0 };
	int i;

	/* nf_hook() holds rcu_read_lock() around us. */
	t = rcu_dereference(nn->table);
	if (!t)
		return NF_ACCEPT;

	tgt = rcu_dereference(nn->target);
	if (tgt && state->in == tgt->dev) {
		/* What the dataplane writes back must not loop. */
		nfvpn_count(nn, loop);
		return NF_ACCEPT;
	}

	key.hook = state->hook == NF_INET_PRE_ROUTING ?
		   NFVPN_HOOK_PRE_ROUTING : NFVPN_HOOK_LOCAL_OUT;
	key.iif = state->in ? state->in->ifindex : 0;
	key.mark = skb->mark;
	if (state->pf == NFPROTO_IPV4)
		nfvpn_key_ipv4(skb, &key);
	else
		nfvpn_key_ipv6(skb, &key);

	i = nfvpn_sel_lookup(t->sels, t->n, &key);
	if (i < 0)
		return NF_ACCEPT;

	st = t->aux[i].stats;
	this_cpu_inc(st->packets);
	this_cpu_add(st->bytes, skb->len);
	if (t->sels[i].action == NFVPN_ACT_PASS)
		return NF_ACCEPT;

	if (unlikely(!tgt)) {
		/* Fail closed: a selected flow never leaves in clear. */
		nfvpn_count(nn, no_target);
		return NF_DROP;
	}
	return nfvpn_steer(nn, tgt, skb, key.family);
}

static const struct {
	u8 pf;
	unsigned int hooknum;
} nfvpn_hook_points[4] = {
	{ NFPROTO_IPV4, NF_INET_PRE_ROUTING },
	{ NFPROTO_IPV4, NF_INET_LOCAL_OUT },
	{ NFPROTO_IPV6, NF_INET_PRE_ROUTING },
	{ NFPROTO_IPV6, NF_INET_LOCAL_OUT },
};

int nfvpn_hooks_register(struct net *net, struct nfvpn_net *nn)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(nn->ops); i++) {
		nn->ops[i] = (struct nf_hook_ops) {
			.hook = nfvpn_hook,
			.priv = nn,
			.pf = nfvpn_hook_points[i].pf,
			.hooknum = nfvpn_hook_points[i].hooknum,
			.priority = nfvpn_priority,
		};
	}
	err = nf_register_net_hooks(net, nn->ops, ARRAY_SIZE(nn->ops));
	if (err)
		return err;
	nn->hooks_registered = true;
	return 0;
}

void nfvpn_hooks_unregister(struct net *net, struct nfvpn_net *nn)
{
	if (!nn->hooks_registered)
		return;
	nf_unregister_net_hooks(net, nn->ops, ARRAY_SIZE(nn->ops));
	nn->hooks_registered = false;
}
