/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The conntrack entry at PRE_ROUTING and LOCAL_OUT (priority -200), as
 * nf_conntrack_in(): find or create the connection of each packet, run the
 * protocol tracker, and set meta->ct / ct_info / ct_dir. Invalid packets
 * go on with no connection (ct state invalid); only a full table drops.
 */
#include <netinet/in.h>

#include <rte_mbuf.h>

#include "ct_priv.h"
#include "nfv_mbuf.h"

#define UDP_TIMEOUT 30
#define UDP_TIMEOUT_STREAM 120
#define ICMP_TIMEOUT 30
#define GENERIC_TIMEOUT 600

/* An ICMP error quoting a packet of a known connection is RELATED. */
static void ct_related(struct nfv_ct_table *t, struct rte_mbuf *m,
		       const struct ct_l4 *l4, uint8_t family, uint64_t now,
		       struct nfv_mbuf_meta *meta, struct nfv_ct_stats *st)
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
	ct = ct_lookup(t, &inv, &dir, now);
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

static uint32_t ct_track(struct nfv_ct_table *t, struct rte_mbuf *m, uint64_t now,
			 struct nfv_ct_stats *st)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct nfv_ct_tuple k;
	struct nfv_ct *ct;
	struct ct_l4 l4;
	uint32_t timeout, status;
	bool is_new = false, existed;
	uint8_t dir = 0;

	if (ct_tuple_parse(m, 0, meta->family, &k, &l4)) {
		st->invalid++;
		return NFV_ACCEPT;
	}
	if (l4.icmp_error) {
		ct_related(t, m, &l4, meta->family, now, meta, st);
		return NFV_ACCEPT;
	}
	ct = ct_lookup(t, &k, &dir, now);
	if (ct == NULL) {
		if (!may_create(m, &k, &l4)) {
			st->invalid++;
			return NFV_ACCEPT;
		}
		if (ct_create(t, &k, now, &ct, &existed)) {
			st->table_full++;
			return NFV_DROP_REASON(NFV_DR_CT_TABLE_FULL);
		}
		if (existed) {
			ct = ct_lookup(t, &k, &dir, now);
			if (ct == NULL) {
				st->invalid++;
				return NFV_ACCEPT;
			}
		} else {
			is_new = true;
			st->new_conns++;
		}
	}
	if (dir == IP_CT_DIR_REPLY)
		__atomic_or_fetch(&ct->status, IPS_SEEN_REPLY, __ATOMIC_RELAXED);
	status = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
	switch (k.proto) {
	case IPPROTO_TCP:
		timeout = ct_tcp_packet(ct, m, &l4, dir, is_new);
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		timeout = status & IPS_SEEN_REPLY ? UDP_TIMEOUT_STREAM : UDP_TIMEOUT;
		if (status & IPS_SEEN_REPLY && dir == IP_CT_DIR_ORIGINAL)
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
	meta->ct = ct;
	meta->ct_dir = dir;
	if (dir == IP_CT_DIR_REPLY)
		meta->ct_info = IP_CT_ESTABLISHED_REPLY;
	else
		meta->ct_info = status & IPS_SEEN_REPLY ? IP_CT_ESTABLISHED : IP_CT_NEW;
	return NFV_ACCEPT;
}

void nfv_conntrack_in_process(void *priv, struct rte_mbuf **pkts, uint16_t n,
			      uint32_t *verdicts, const struct nfv_hook_state *state)
{
	struct nfv_ct_table *t = priv;
	struct nfv_ct_stats *st = &t->stats[state->worker];
	struct nfv_mbuf_meta *meta;

	for (uint16_t i = 0; i < n; i++) {
		meta = nfv_mbuf_meta(pkts[i]);
		verdicts[i] = NFV_ACCEPT;
		/* already tracked (a packet that comes back to a hook) */
		if (meta->ct != NULL)
			continue;
		meta->ct_info = 0;
		meta->ct_dir = 0;
		verdicts[i] = ct_track(t, pkts[i], state->now, st);
	}
}
