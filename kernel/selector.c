// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Selector preparation and first-match lookup. Shared, unchanged, by the
 * module and by tests/unit/kernel: no skb, no allocation, no locking.
 */
#include "selector.h"

bool nfvpn_proto_has_ports(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return true;
	default:
		return false;
	}
}

/* Build a network-order mask of @plen bits over @words 32-bit words. */
static void nfvpn_prefix_mask(__be32 *mask, unsigned int words, u8 plen)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (i >= words || plen == 0)
			mask[i] = 0;
		else if (plen >= 32)
			mask[i] = cpu_to_be32(0xffffffffU);
		else
			mask[i] = cpu_to_be32(0xffffffffU << (32 - plen));
		plen = plen >= 32 ? plen - 32 : 0;
	}
}

int nfvpn_sel_prepare(struct nfvpn_sel *sel, const char **why)
{
	unsigned int words, maxlen, i;

	switch (sel->family) {
	case AF_INET:
		words = 1;
		maxlen = 32;
		break;
	case AF_INET6:
		words = 4;
		maxlen = 128;
		break;
	default:
		*why = "family must be AF_INET or AF_INET6";
		return -EINVAL;
	}
	if (sel->src_plen > maxlen || sel->dst_plen > maxlen) {
		*why = "prefix length longer than the address";
		return -EINVAL;
	}
	if (sel->sport_min > sel->sport_max || sel->dport_min > sel->dport_max) {
		*why = "port range: min above max";
		return -EINVAL;
	}
	sel->need_ports = sel->sport_min != 0 || sel->sport_max != 0xffff ||
			  sel->dport_min != 0 || sel->dport_max != 0xffff;
	if (sel->need_ports && !nfvpn_proto_has_ports(sel->proto)) {
		*why = "port range needs a protocol with ports";
		return -EINVAL;
	}
	if (sel->mark & ~sel->mark_mask) {
		*why = "mark has bits outside its mask";
		return -EINVAL;
	}
	if (sel->hooks == 0)
		sel->hooks = NFVPN_HOOK_ALL;
	if (sel->hooks & ~NFVPN_HOOK_ALL) {
		*why = "unknown hook bit";
		return -EINVAL;
	}
	if (sel->iif && !(sel->hooks & NFVPN_HOOK_PRE_ROUTING)) {
		*why = "input interface only exists at PRE_ROUTING";
		return -EINVAL;
	}
	if (sel->action > NFVPN_ACT_MAX) {
		*why = "unknown action";
		return -EINVAL;
	}

	nfvpn_prefix_mask(sel->src_mask, words, sel->src_plen);
	nfvpn_prefix_mask(sel->dst_mask, words, sel->dst_plen);
	for (i = 0; i < 4; i++) {
		sel->src[i] &= sel->src_mask[i];
		sel->dst[i] &= sel->dst_mask[i];
	}
	return 0;
}

static inline bool nfvpn_addr_match(const __be32 *addr, const __be32 *net,
				    const __be32 *mask)
{
	/* Unused words have a zero mask, so IPv4 costs the same loop. */
	return !(((addr[0] ^ net[0]) & mask[0]) |
		 ((addr[1] ^ net[1]) & mask[1]) |
		 ((addr[2] ^ net[2]) & mask[2]) |
		 ((addr[3] ^ net[3]) & mask[3]));
}

bool nfvpn_sel_match(const struct nfvpn_sel *sel, const struct nfvpn_key *key)
{
	if (sel->family != key->family || !(sel->hooks & key->hook))
		return false;
	if (sel->proto && sel->proto != key->proto)
		return false;
	if (sel->iif && sel->iif != key->iif)
		return false;
	if ((key->mark & sel->mark_mask) != sel->mark)
		return false;
	if (!nfvpn_addr_match(key->dst, sel->dst, sel->dst_mask) ||
	    !nfvpn_addr_match(key->src, sel->src, sel->src_mask))
		return false;
	if (sel->need_ports) {
		if (!key->has_ports)
			return false;
		if (key->sport < sel->sport_min || key->sport > sel->sport_max ||
		    key->dport < sel->dport_min || key->dport > sel->dport_max)
			return false;
	}
	return true;
}

int nfvpn_sel_lookup(const struct nfvpn_sel *sels, unsigned int n,
		     const struct nfvpn_key *key)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (nfvpn_sel_match(&sels[i], key))
			return (int)i;
	return -1;
}
