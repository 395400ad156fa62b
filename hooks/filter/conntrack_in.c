/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The conntrack entry at PRE_ROUTING and LOCAL_OUT (priority -200), as
 * nf_conntrack_in(): find or create the connection of each packet, run the
 * protocol tracker, and set meta->ct / ct_info / ct_dir. Invalid packets
 * go on with no connection (ct state invalid), untracked ones (ICMPv6
 * ND/MLD) with none and ct_info NFV_CT_UNTRACKED; only a full table drops.
 * A packet with a template (ct zone set, nfv_ct.h) is tracked in its zone.
 */
#include <errno.h>
#include <netinet/in.h>

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "ct_priv.h"
#include "nfv_mbuf.h"

#define ICMP_TIMEOUT 30
#define GENERIC_TIMEOUT 600

/*
 * An ICMP error quoting a packet of a known connection is RELATED: the
 * quoted tuple inverted, in the template's original zone (tmpl), as
 * nf_conntrack_find_get() in icmp_error_message() looks it up.
 */
static void ct_related(struct nfv_ct_table *t, struct rte_mbuf *m,
		       const struct ct_l4 *l4, uint8_t family, uint64_t now,
		       struct nfv_mbuf_meta *meta, struct nfv_ct_stats *st, uint32_t tmpl)
{
	struct nfv_ct_tuple inner, inv;
	struct ct_l4 il4;
	struct nfv_ct *ct;
	uint8_t dir;

	if (ct_tuple_parse(m, l4->thoff + 8, family, &inner, &il4) ||
	    il4.icmp_error) {
		st->invalid++;
		return;
	}
	ct_tuple_invert(&inner, &inv);
	inv.zone = nfv_ct_tmpl_zone(tmpl, IP_CT_DIR_ORIGINAL);
	ct = ct_lookup(t, &inv, &dir, now);
	/* a reply tuple matches in the template's reply zone only */
	if (ct != NULL && dir == IP_CT_DIR_REPLY &&
	    nfv_ct_tmpl_zone(tmpl, IP_CT_DIR_REPLY) != inv.zone)
		ct = NULL;
	if (ct == NULL) {
		st->invalid++;
		return;
	}
	meta->ct = ct;
	meta->ct_dir = dir;
	meta->ct_info = IP_CT_RELATED + (dir ? IP_CT_IS_REPLY : 0);
	st->related++;
}

static bool may_create(struct rte_mbuf *m, const struct nfv_ct_tuple *k,
		       const struct ct_l4 *l4)
{
	switch (k->proto) {
	case IPPROTO_TCP:
		return ct_tcp_can_create(m, l4);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return ct_icmp_is_request(k);
	}
	return true;
}

/* k (hash sig) and l4 parsed, k's zone the original direction's; tmpl:
 * the template's zones (nfv_ct.h), 0: none; ct, dir: what the burst's
 * cache or bulk lookup found for k, or NULL */
static uint32_t ct_track(struct nfv_ct_table *t, struct rte_mbuf *m, uint64_t now,
			 struct nfv_ct_stats *st, const struct nfv_ct_tuple *k, hash_sig_t sig,
			 uint32_t tmpl, const struct ct_l4 *l4, struct nfv_ct *ct, uint8_t dir)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	uint16_t reply_zone = nfv_ct_tmpl_zone(tmpl, IP_CT_DIR_REPLY);
	uint32_t timeout, status;
	bool is_new = false, existed;
	int ret;

	/* a miss may be a connection an earlier packet of the burst made */
	if (ct == NULL)
		ct = likely(reply_zone == k->zone) ? ct_lookup_sig(t, k, sig, &dir, now) :
		     ct_lookup_zones(t, k, reply_zone, &dir, now);
	if (ct == NULL) {
		if (!may_create(m, k, l4)) {
			st->invalid++;
			return NFV_ACCEPT;
		}
		ret = ct_create(t, k, reply_zone, now, &ct, &existed);
		if (unlikely(ret == -EEXIST)) {
			/* its reply is another's (NATed) connection's: the
			 * kernel's confirm drops such a clash */
			st->invalid++;
			return NFV_DROP_REASON(NFV_DR_CT_INVALID);
		}
		if (ret) {
			st->table_full++;
			return NFV_DROP_REASON(NFV_DR_CT_TABLE_FULL);
		}
		if (existed) {
			ct = ct_lookup_zones(t, k, reply_zone, &dir, now);
			if (ct == NULL) {
				st->invalid++;
				return NFV_ACCEPT;
			}
		} else {
			is_new = true;
			st->new_conns++;
		}
	}
	/* status bits are set once: no locked write when they already are */
	status = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
	/* not for a packet that the kernel's flowtable would have forwarded
	 * (the dataplane learns its direction from it): an offloaded UDP
	 * flow stays [UNREPLIED] there when it was offloaded before a reply */
	if (dir == IP_CT_DIR_REPLY && !(status & IPS_SEEN_REPLY) &&
	    !(meta->flags & NFV_MBUF_F_FLOW_UNLEARNED))
		status = __atomic_or_fetch(&ct->status, IPS_SEEN_REPLY, __ATOMIC_RELAXED);
	switch (k->proto) {
	case IPPROTO_TCP:
		timeout = ct_tcp_packet(ct, m, l4, dir, is_new);
		/* a FIN or RST that took the slow path (a direction not
		 * learned yet) closes an offloaded flow too */
		if (unlikely(status & IPS_OFFLOAD) &&
		    __atomic_load_n(&ct->tcp_state, __ATOMIC_RELAXED) != NFV_TCP_ESTABLISHED)
			nfv_ct_offload_teardown(t, ct, now);
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		timeout = status & IPS_SEEN_REPLY ? CT_UDP_TIMEOUT_STREAM : CT_UDP_TIMEOUT;
		if (status & IPS_SEEN_REPLY && dir == IP_CT_DIR_ORIGINAL &&
		    !(status & IPS_ASSURED))
			__atomic_or_fetch(&ct->status, IPS_ASSURED, __ATOMIC_RELAXED);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		timeout = ICMP_TIMEOUT;
		break;
	default:
		timeout = GENERIC_TIMEOUT;
	}
	if (timeout == 0) {
		/* tracker said invalid; a connection made for it dies unconfirmed */
		st->invalid++;
		return NFV_ACCEPT;
	}
	ct_refresh(t, ct, now, timeout);
	ct_acct_add(t, ct, dir, l4->l3len);
	meta->ct = ct;
	meta->ct_dir = dir;
	if (dir == IP_CT_DIR_REPLY)
		meta->ct_info = IP_CT_ESTABLISHED_REPLY;
	else
		meta->ct_info = status & IPS_SEEN_REPLY ? IP_CT_ESTABLISHED : IP_CT_NEW;
	return NFV_ACCEPT;
}

#define CT_BULK 32

/*
 * Tuples and their hashes for the whole burst first, then the worker's
 * cache (ct_cache.h), one bulk hash lookup (which prefetches and compares
 * keys in parallel) for the keys it did not have, then each packet in
 * order.
 */
void nfv_conntrack_in_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
			      uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct nfv_ct_table *t = priv;
	struct nfv_ct_stats *st = &t->stats[state->worker];
	struct ct_cache *cache = &t->cache[state->worker];
	struct nfv_ct_tuple k[CT_BULK];
	struct ct_l4 l4[CT_BULK];
	const void *keys[CT_BULK];
	hash_sig_t sig[CT_BULK], msig[CT_BULK];
	uint32_t data[CT_BULK], tmpl[CT_BULK];
	uint16_t idx[CT_BULK], miss[CT_BULK];
	struct nfv_mbuf_meta *meta;
	bool pre = state->hook == NFV_INET_PRE_ROUTING;

	for (uint16_t off = 0; off < n; off += CT_BULK) {
		uint16_t nb = RTE_MIN(n - off, CT_BULK), m = 0, nm = 0;
		uint64_t found = 0, cached, mfound = 0, zones2 = 0;

		for (uint16_t i = off; i < off + nb; i++) {
			meta = nfv_mbuf_meta(pkts[i]);
			verdicts[i] = NFV_ACCEPT;
			/* already tracked (a packet that comes back to a hook),
			 * or left untracked by notrack (nf_conntrack_in()) */
			if (meta->ct != NULL || meta->ct_info == NFV_CT_UNTRACKED)
				continue;
			/* ct zone set's template, taken off the packet as
			 * nf_conntrack_in() does; 0: the default zone */
			tmpl[m] = 0;
			if (unlikely(meta->ct_info == NFV_CT_TEMPLATE))
				tmpl[m] = meta->nexthop;
			meta->ct_info = 0;
			meta->ct_dir = 0;
			if (!ct_tuple_parse_fast(pkts[i], meta->family, &k[m], &l4[m]) &&
			    ct_tuple_parse(pkts[i], 0, meta->family, &k[m], &l4[m])) {
				st->invalid++;
				continue;
			}
			/* the trackers' error callbacks run before the lookup */
			if (ct_l4_error(pkts[i], &k[m], &l4[m], pre)) {
				st->invalid++;
				continue;
			}
			if (unlikely(l4[m].untracked)) {
				meta->ct_info = NFV_CT_UNTRACKED;
				st->untracked++;
				continue;
			}
			/* only then: a store into the word the hash loads next
			 * would not forward to that load */
			if (unlikely(tmpl[m] != 0)) {
				k[m].zone = nfv_ct_tmpl_zone(tmpl[m], IP_CT_DIR_ORIGINAL);
				/* its directions' zones differ: ct_track() looks
				 * up in each, as the kernel's resolve_normal_ct() */
				if (nfv_ct_tmpl_zone(tmpl[m], IP_CT_DIR_REPLY) != k[m].zone)
					zones2 |= 1ull << m;
			}
			/* an ICMP error waits its turn: it may quote a connection
			 * that an earlier packet of the burst is about to make */
			sig[m] = ct_tuple_hash(&k[m]);
			ct_cache_prefetch(cache, sig[m]);
			idx[m++] = i;
		}
		if (m == 0)
			continue;
		for (uint16_t j = 0; j < m; j++) {
			/* a two-zone template: not looked up in the cache or
			 * the bulk lookup, ct_track() finds it (a cache entry
			 * it leaves is checked against the connection's tuple
			 * of its direction, zone included) */
			if (unlikely(zones2 != 0) && zones2 >> j & 1)
				continue;
			if (!l4[j].icmp_error && ct_cache_find(cache, sig[j], &data[j])) {
				struct nfv_ct *ct = &t->cts[data[j] >> 1];

				/* the lines ct_cache_resolve() and ct_track() read */
				rte_prefetch0(&ct->tuple[data[j] & 1]);
				rte_prefetch0(&ct->expires);
				found |= 1ull << j;
				continue;
			}
			keys[nm] = &k[j];
			msig[nm] = sig[j];
			miss[nm++] = j;
		}
		cached = found;
		mfound = ct_lookup_misses(t, keys, msig, nm, miss, data);
		found |= mfound;
		/* the connections' status, expiry and timeout */
		for (uint64_t h = mfound; h != 0; h &= h - 1)
			rte_prefetch0(&t->cts[data[__builtin_ctzll(h)] >> 1].expires);
		for (uint16_t j = 0; j < m; j++) {
			struct rte_mbuf *p = pkts[idx[j]];
			struct nfv_ct *ct = NULL;
			bool hint = false;
			uint8_t dir = 0;

			if (l4[j].icmp_error) {
				ct_related(t, p, &l4[j], nfv_mbuf_meta(p)->family, state->now,
					   nfv_mbuf_meta(p), st, tmpl[j]);
				continue;
			}
			if (cached >> j & 1) {
				ct = ct_cache_resolve(t, data[j], &k[j], &dir, state->now);
				hint = ct != NULL;
			} else if (found >> j & 1)
				ct = ct_resolve(t, (void *)(uintptr_t)data[j], &dir, state->now);
			verdicts[idx[j]] = ct_track(t, p, state->now, st, &k[j], sig[j], tmpl[j],
						    &l4[j], ct, dir);
			/* from its second packet on, once confirmed: its tuples
			 * no longer change */
			ct = nfv_mbuf_meta(p)->ct;
			if (!hint && ct != NULL &&
			    __atomic_load_n(&ct->status, __ATOMIC_RELAXED) & IPS_CONFIRMED)
				ct_cache_add(cache, sig[j], ct->idx << 1 | nfv_mbuf_meta(p)->ct_dir);
		}
	}
}

/* Packets that arrive, and packets made here, as ipv4_conntrack_ops[]. */
const struct nfv_hook_ops ct_in_ops[2] = {
	{
		.name = "conntrack-in",
		.hook = NFV_INET_PRE_ROUTING,
		.priority = NFV_IP_PRI_CONNTRACK,
		.fn = nfv_conntrack_in_process,
	},
	{
		.name = "conntrack-out",
		.hook = NFV_INET_LOCAL_OUT,
		.priority = NFV_IP_PRI_CONNTRACK,
		.fn = nfv_conntrack_in_process,
	},
};
