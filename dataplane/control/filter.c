/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter module on the control side of the dataplane: creates the
 * connection tracker and the ruleset publisher, compiles the policy's
 * rules (from the netlink messages nfvpn-nftc made of its nft text),
 * applies rulesets loaded over the socket (the mirror, nfvpnd), expires
 * connections and prints what "log" statements handed over.
 *
 * Only the main lcore runs this file; workers see the ruleset through the
 * publisher's pointer and conntrack through its hook entries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>

#include <rte_string_fns.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp.h"
#include "filter.h"
#include "ipsec.h"
#include "nfv_ipsec.h"
#include "mgmt.h"
#include "module.h"
#include "log.h"
#include "nfv_ct.h"
#include "nfv_filter.h"
#include "nfv_flowtable.h"
#include "nfv_nftc.h"
#include "nfv_policy_filter.h"

#define FILTER_LOG_RING 1024
#define FILTER_LOG_BURST 64

struct nfv_filter_ctl *nfv_filter_ctl(const struct nfv_dp *dp)
{
	return dp->filter;
}

/* nft's "ipsec in": the SA of a decrypted packet, from the IPsec module
 * (which starts after the filter: looked up at the packet's time) */
static int filter_sa_get(const void *ctx, uint32_t id, struct nfv_filter_sa *out)
{
	const struct nfv_dp *dp = ctx;
	struct nfv_ipsec_sa_info i;

	if (dp->ipsec == NULL || dp->ipsec->ips == NULL ||
	    nfv_ipsec_sa_info(dp->ipsec->ips, id, &i) < 0)
		return -1;
	out->reqid = i.reqid;
	out->spi = i.spi;
	out->family = i.family;
	out->tunnel = i.tunnel;
	memcpy(out->src, i.src, sizeof(out->src));
	memcpy(out->dst, i.dst, sizeof(out->dst));
	return 0;
}

/* nft's "ipsec out": the SA esp-output would pick for m as it is now */
static int filter_sa_out(const void *ctx, struct rte_mbuf *m, struct nfv_filter_sa *out)
{
	const struct nfv_dp *dp = ctx;
	uint32_t id;

	if (dp->ipsec == NULL || dp->ipsec->ips == NULL ||
	    nfv_ipsec_out_sa(dp->ipsec->ips, m, &id) < 0)
		return -1;
	return filter_sa_get(ctx, id, out);
}

/*
 * meta iif/iifname/oif/oifname see the dataplane's ports: "p0", index + 1;
 * masquerade and redirect the port's addresses: its first IPv4 address in
 * the policy, as route.c makes it the port's, and its first IPv6 ones
 * (hooks/filter/nat_saddr.c chooses among them) (the routes module runs
 * after this one, so they are read from the policy).
 */
static void ifaces_fill(const struct nfv_dp *dp, struct nfv_filter_ifaces *ifs)
{
	const struct nfv_policy *pol = dp->policy;

	ifs->nb_ports = RTE_MIN(dp->nb_ports, (unsigned int)NFV_FILTER_MAX_PORTS);
	for (unsigned int i = 0; i < ifs->nb_ports; i++) {
		strlcpy(ifs->port[i].name, dp->ports[i].name, sizeof(ifs->port[i].name));
		ifs->port[i].ifindex = i + 1;
		ifs->port[i].type = 1;	/* ARPHRD_ETHER */
		ifs->port[i].mtu = dp->ports[i].mtu;
	}
	for (unsigned int i = 0; i < pol->nb_addresses; i++) {
		const struct nfv_policy_address *a = &pol->addresses[i];
		int port = nfv_port_by_name(dp, a->port);

		if (port < 0 || port >= ifs->nb_ports)
			continue;
		if (a->prefix.addr.family == AF_INET && ifs->port[port].ip4 == 0)
			memcpy(&ifs->port[port].ip4, a->prefix.addr.bytes, 4);
		if (a->prefix.addr.family == AF_INET6 &&
		    ifs->port[port].nb_ip6 < NFV_FILTER_PORT_IP6) {
			uint8_t k = ifs->port[port].nb_ip6++;

			memcpy(ifs->port[port].ip6[k].addr, a->prefix.addr.bytes, 16);
			ifs->port[port].ip6[k].plen = a->prefix.len;
		}
	}
}

uint64_t nfv_filter_ctl_dynset_full(const struct nfv_filter_ctl *fc)
{
	return fc->dynset_full_retired +
	       nfv_filter_ruleset_dynset_full(nfv_filter_current(fc->filter));
}

int nfv_filter_ctl_load(struct nfv_dp *dp, const struct nfv_nft_objs *objs,
			const void *msgs, size_t len, uint8_t source, const char *origin,
			char *err, size_t errlen)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);
	struct nfv_msg_filter_obj *listing = NULL;
	struct nfv_filter_ruleset *rs = NULL;
	uint8_t *copy = NULL;
	uint32_t nb = 0;
	int ret;

	if (fc == NULL) {
		snprintf(err, errlen, "the policy has no filter section");
		return -ENOTSUP;
	}
	if (len > 0 && (copy = malloc(len)) == NULL) {
		snprintf(err, errlen, "a copy of the ruleset: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (len > 0)
		memcpy(copy, msgs, len);
	ret = nfv_filter_ruleset_build(objs, fc->cfg, &rs, err, errlen);
	if (ret == 0) {
		ret = nfv_filter_listing_build(objs, rs, &listing, &nb);
		if (ret < 0)
			snprintf(err, errlen, "listing the ruleset: %s", strerror(-ret));
	}
	if (ret == 0) {
		uint64_t full = nfv_filter_ruleset_dynset_full(nfv_filter_current(fc->filter));

		/* one store swaps every hook's chains: no packet sees half */
		ret = nfv_filter_apply(fc->filter, rs);
		/* the old sets' refusals keep counting in the total */
		if (ret == 0)
			fc->dynset_full_retired += full;
		if (ret < 0)
			snprintf(err, errlen, "registering hook entries: %s", strerror(-ret));
	}
	/* offloaded flows skipped the old rules: they meet the new ones */
	if (ret == 0 && fc->ft != NULL)
		nfv_flowtable_set_ports(fc->ft, nfv_filter_ruleset_flow_ports(rs));
	if (ret < 0) {
		nfv_filter_ruleset_free(rs);
		free(listing);
		free(copy);
		fc->load_errors++;
		strlcpy(fc->last_error, err, sizeof(fc->last_error));
		return ret;
	}
	free(fc->listing);
	fc->listing = listing;
	fc->nb_listing = nb;
	free(fc->nlmsgs);
	fc->nlmsgs = copy;
	fc->nlmsgs_len = len;
	fc->source = source;
	strlcpy(fc->origin, origin, sizeof(fc->origin));
	fc->loads++;
	fc->generation++;
	dp->generation++;
	return 0;
}

static int ct_init(struct nfv_dp *dp, struct nfv_filter_ctl *fc, uint32_t max)
{
	struct nfv_ct_config cc = {
		.max = max, .hz = rte_get_tsc_hz(), .qsbr = dp->hooks->qsbr,
		.socket = SOCKET_ID_ANY,
	};
	int ret;

	fc->ct = nfv_ct_table_create("nfv_ct", &cc);
	if (fc->ct == NULL)
		return -ENOMEM;
	fc->ct_max = max;
	fc->ft = nfv_flowtable_create(fc->ct, cc.hz);
	if (fc->ft == NULL) {
		nfv_ct_table_destroy(fc->ct);
		fc->ct = NULL;
		return -ENOMEM;
	}
	ret = nfv_ct_register(fc->ct, dp->hooks);
	if (ret < 0) {
		nfv_flowtable_destroy(fc->ft);
		nfv_ct_table_destroy(fc->ct);
		fc->ct = NULL;
		fc->ft = NULL;
		return ret;
	}
	/* the workers look flows up from their first loop on */
	fc->cfg->flowtable = fc->ft;
	dp->flowtable = fc->ft;
	return 0;
}

/* The policy's nft text, compiled by nfvpn-nftc before the EAL started (main.c). */
static int policy_ruleset(struct nfv_dp *dp, const struct nfv_policy_filter *pf)
{
	struct nfv_nft_objs objs;
	char err[512] = "";
	int ret;

	if (!pf->compiled) {
		NFV_LOG(ERR, "filter: the policy's nft text was not compiled (a bug)");
		return -EINVAL;
	}
	ret = nfv_nft_objs_init(&objs);
	if (ret < 0)
		return ret;
	ret = nfv_nft_objs_add_stream(&objs, pf->nlmsgs.msgs, pf->nlmsgs.len, err, sizeof(err));
	if (ret == 0)
		ret = nfv_filter_ctl_load(dp, &objs, pf->nlmsgs.msgs, pf->nlmsgs.len,
					  NFV_FILTER_SOURCE_POLICY, "policy",
					  err, sizeof(err));
	nfv_nft_objs_fini(&objs);
	if (ret < 0)
		NFV_LOG(ERR, "%s:%u:%u: filter: %s", dp->policy->path, pf->src_mark.line,
			pf->src_mark.column, err[0] ? err : strerror(-ret));
	return ret;
}

int nfv_filter_ctl_init(struct nfv_dp *dp)
{
	const struct nfv_policy_filter *pf = dp->policy->filter;
	struct nfv_filter_ctl *fc;
	int ret = -ENOMEM;

	if (pf == NULL)
		return 0;
	fc = calloc(1, sizeof(*fc));
	if (fc == NULL)
		return -ENOMEM;
	dp->filter = fc;
	fc->txn_next = 1;
	fc->cfg = calloc(1, sizeof(*fc->cfg));
	fc->ifaces = calloc(1, sizeof(*fc->ifaces));
	fc->log_ring = rte_ring_create_elem("nfv_filter_log", sizeof(struct nfv_filter_log_rec),
					    FILTER_LOG_RING, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (fc->cfg == NULL || fc->ifaces == NULL || fc->log_ring == NULL)
		goto err;
	ifaces_fill(dp, fc->ifaces);
	fc->fib = (struct nfv_filter_fib){ .route = nfv_fib_filter_route_dp, .ctx = dp };
	fc->xfrm = (struct nfv_filter_xfrm){ .sa_get = filter_sa_get, .sa_out = filter_sa_out,
					     .ctx = dp };
	for (unsigned int w = 0; w < dp->nb_workers; w++)
		fc->ipids[w] = &dp->workers[w].icmp.ids;
	*fc->cfg = (struct nfv_filter_config){
		.nb_workers = dp->nb_workers, .hz = rte_get_tsc_hz(),
		.log_ring = fc->log_ring, .log_rate = pf->log_rate, .ifaces = fc->ifaces,
		.fib = &fc->fib, .qsbr = dp->hooks->qsbr, .xfrm = &fc->xfrm,
		.ipids = fc->ipids,
	};
	/* 1. conntrack, before anything else registers at INT_MAX */
	if (pf->conntrack) {
		ret = ct_init(dp, fc, pf->ct_max);
		if (ret < 0) {
			NFV_LOG(ERR, "conntrack of %u connections: %s", pf->ct_max,
				strerror(-ret));
			goto err;
		}
		fc->cfg->ct = fc->ct;	/* where nat chains bind */
	}
	/* 2. the publisher, 3. the policy's ruleset (a mirror loads later) */
	fc->filter = nfv_filter_create(dp->hooks);
	if (fc->filter == NULL) {
		ret = -ENOMEM;
		goto err;
	}
	if (pf->source == NFV_FILTER_SRC_MIRROR) {
		snprintf(fc->origin, sizeof(fc->origin), "waiting for the mirror of %s %s",
			 nfv_policy_filter_family_name(pf->mirror_family), pf->mirror_table);
		return 0;
	}
	ret = policy_ruleset(dp, pf);
	if (ret < 0)
		goto err;
	return 0;
err:
	nfv_filter_ctl_fini(dp);
	return ret;
}

void nfv_filter_ctl_fini(struct nfv_dp *dp)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);

	if (fc == NULL)
		return;
	/* 1. no entry runs the ruleset, 2. none tracks, 3. free what they used */
	nfv_filter_destroy(fc->filter);
	if (fc->ct != NULL) {
		nfv_ct_unregister(fc->ct, dp->hooks);	/* waits a grace period */
		dp->flowtable = NULL;	/* workers are stopped */
		nfv_flowtable_destroy(fc->ft);
		nfv_ct_table_destroy(fc->ct);
	}
	nfv_filter_ctl_timer(dp, 0);
	rte_ring_free(fc->log_ring);
	free(fc->listing);
	free(fc->nlmsgs);
	free(fc->stage);
	free(fc->ifaces);
	free(fc->cfg);
	free(fc);
	dp->filter = NULL;
}

static const char *port_name(const struct nfv_dp *dp, uint16_t port)
{
	return port < dp->nb_ports ? dp->ports[port].name : "";
}

/* As the kernel's nf_log: prefix, interfaces, addresses, protocol, length. */
static void log_print(const struct nfv_dp *dp, const struct nfv_filter_log_rec *r)
{
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
	unsigned int proto = 0;

	if (r->family == AF_INET && r->caplen >= 20) {
		inet_ntop(AF_INET, r->data + 12, src, sizeof(src));
		inet_ntop(AF_INET, r->data + 16, dst, sizeof(dst));
		proto = r->data[9];
	} else if (r->family == AF_INET6 && r->caplen >= 40) {
		inet_ntop(AF_INET6, r->data + 8, src, sizeof(src));
		inet_ntop(AF_INET6, r->data + 24, dst, sizeof(dst));
		proto = r->data[6];
	}
	NFV_LOG(INFO, "nft log: %.32s%s IN=%s OUT=%s SRC=%s DST=%s LEN=%u PROTO=%u MARK=0x%x",
		r->prefix, r->prefix[0] ? "" : "-", port_name(dp, r->iport),
		port_name(dp, r->oport), src, dst, r->len, proto, r->mark);
}

void nfv_filter_ctl_timer(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);
	struct nfv_filter_log_rec recs[FILTER_LOG_BURST];
	unsigned int n;

	if (fc == NULL)
		return;
	/* flows first: they keep their connections alive */
	if (fc->ft != NULL && now != 0)
		nfv_flowtable_gc(fc->ft, now);
	if (fc->ct != NULL && now != 0)
		nfv_ct_gc(fc->ct, now);
	/* expired elements of dynamic sets (add @s, meters) */
	if (fc->filter != NULL && now != 0)
		nfv_filter_ruleset_gc(nfv_filter_current(fc->filter), now);
	do {
		n = rte_ring_dequeue_burst_elem(fc->log_ring, recs, sizeof(recs[0]),
						FILTER_LOG_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			log_print(dp, &recs[i]);
		fc->log_records += n;
	} while (n == FILTER_LOG_BURST);
}

void nfv_filter_ctl_routes_changed(struct nfv_dp *dp)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);

	if (fc != NULL)
		nfv_flowtable_routes_changed(fc->ft);
}

void nfv_filter_ctl_flows_invalidate(struct nfv_dp *dp)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);

	if (fc != NULL && fc->ft != NULL)
		nfv_flowtable_invalidate(fc->ft);
}

/* Requests: the listing with counters, filter info, chunked ruleset loads
 * (the mirror) and the conntrack table (list, flush). */

/* The filter module of a listing, or NULL and the error's text. */
static struct nfv_filter_ctl *listing_ctl(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);

	if (fc == NULL)
		snprintf(rows->why, sizeof(rows->why), "the policy has no filter section");
	return fc;
}

/* The listing; reset (NFT_OBJECT_COUNTER or _QUOTA, 0: none): the objects
 * of that type are listed with their values before a reset (nft reset). */
static int fill_ruleset(struct nfv_dp *dp, struct nfv_mgmt_rows *rows, uint32_t reset)
{
	struct nfv_filter_ctl *fc = listing_ctl(dp, rows);
	const struct nfv_filter_ruleset *rs;

	if (fc == NULL)
		return -ENOTSUP;
	rs = nfv_filter_current(fc->filter);
	for (uint32_t i = 0; i < fc->nb_listing; i++) {
		struct nfv_msg_filter_obj *o = nfv_mgmt_row(rows);
		struct nfv_filter_rule_info ri;

		if (o == NULL)
			return -ENOMEM;
		*o = fc->listing[i];
		if (o->kind == NFV_FILTER_OBJ_RULE) {
			uint64_t idx = o->packets;

			o->packets = 0;
			if (idx != 0 && rs != NULL && nfv_filter_rule_get(rs, idx - 1, &ri) == 0) {
				o->packets = ri.packets;
				o->bytes = ri.bytes;
			}
		} else if (o->kind == NFV_FILTER_OBJ_OBJECT) {
			struct nfv_filter_obj_info oi;
			uint64_t idx = o->packets;

			o->packets = 0;
			if (idx != 0 && rs != NULL &&
			    (o->policy == reset ? nfv_filter_obj_reset(rs, idx - 1, &oi) :
			     nfv_filter_obj_get(rs, idx - 1, &oi)) == 0) {
				o->packets = oi.packets;
				o->bytes = oi.bytes;
			}
		}
	}
	return 0;
}

static int list_ruleset(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	return fill_ruleset(dp, rows, 0);
}

/* nfvpnctl reset counters|quotas: the listing, as nfv_mgmt_list() makes it */
static int handle_obj_reset(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			    const struct nfv_msg_hdr *h, const void *payload)
{
	const struct nfv_msg_filter_reset *r = payload;
	struct nfv_mgmt_rows rows = { 0 };
	struct nfv_msg_list *l;
	int ret;

	if (r->type != NFT_OBJECT_COUNTER && r->type != NFT_OBJECT_QUOTA)
		return nfv_mgmt_error(c, h->seq, -EINVAL, "objects of type %u have no reset",
				      r->type);
	l = nfv_buf_put(&rows.b, sizeof(*l));
	if (l == NULL)
		return nfv_mgmt_reply(c, h, &rows.b, -ENOMEM);
	l->record_size = sizeof(struct nfv_msg_filter_obj);
	ret = fill_ruleset(dp, &rows, r->type);
	if (ret < 0 && rows.why[0] != '\0') {
		nfv_buf_fini(&rows.b);
		return nfv_mgmt_error(c, h->seq, ret, "%s", rows.why);
	}
	return nfv_mgmt_reply(c, h, &rows.b, ret);
}

static int show_info(struct nfv_filter_ctl *fc, struct nfv_buf *b)
{
	struct nfv_msg_filter_info *r = nfv_buf_put(b, sizeof(*r));
	const struct nfv_filter_ruleset *rs = nfv_filter_current(fc->filter);
	struct nfv_ct_stats st;

	if (r == NULL)
		return -ENOMEM;
	r->source = fc->source;
	r->conntrack = fc->ct != NULL;
	r->rules = rs != NULL ? nfv_filter_rule_count(rs) : 0;
	r->loads = fc->loads;
	r->load_errors = fc->load_errors;
	r->generation = fc->generation;
	rte_strlcpy(r->origin, fc->origin, sizeof(r->origin));
	rte_strlcpy(r->last_error, fc->last_error, sizeof(r->last_error));
	r->log_records = fc->log_records;
	if (fc->ct != NULL) {
		nfv_ct_stats_sum(fc->ct, &st);
		r->ct_count = nfv_ct_count(fc->ct);
		r->ct_max = fc->ct_max;
		r->ct_new = st.new_conns;
		r->ct_invalid = st.invalid;
		r->ct_related = st.related;
		r->ct_table_full = st.table_full;
	}
	return 0;
}

struct ct_dump {
	struct nfv_mgmt_rows *rows;
	const struct nfv_flowtable *ft;
	uint64_t now, hz;
	int err;
};

static void ct_addr(struct nfv_msg_ct_addr *a, const struct nfv_ct_tuple *t)
{
	memcpy(a->src, t->src, 16);
	memcpy(a->dst, t->dst, 16);
	a->sport = t->sport;
	a->dport = t->dport;
	a->zone = t->zone;
}

static void ct_one(const struct nfv_ct *ct, void *arg)
{
	struct ct_dump *d = arg;
	struct nfv_msg_ct *r = nfv_mgmt_row(d->rows);
	uint64_t exp = __atomic_load_n(&ct->expires, __ATOMIC_RELAXED);
	const struct nfv_flow *f;

	if (r == NULL) {
		d->err = -ENOMEM;
		return;
	}
	r->family = ct->tuple[0].family;
	r->proto = ct->tuple[0].proto;
	r->tcp_state = ct->tcp_state;
	r->status = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
	r->mark = __atomic_load_n(&ct->mark, __ATOMIC_RELAXED);
	r->expires_s = exp > d->now ? (exp - d->now) / d->hz : 0;
	ct_addr(&r->orig, &ct->tuple[0]);
	ct_addr(&r->reply, &ct->tuple[1]);
	f = d->ft != NULL ? nfv_flowtable_flow(d->ft, ct->idx) : NULL;
	for (int dir = 0; f != NULL && dir < 2; dir++) {
		r->offload_packets[dir] = __atomic_load_n(&f->dir[dir].packets, __ATOMIC_RELAXED);
		r->offload_bytes[dir] = __atomic_load_n(&f->dir[dir].bytes, __ATOMIC_RELAXED);
	}
}

static int list_ct(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	struct nfv_filter_ctl *fc = listing_ctl(dp, rows);
	struct ct_dump d = { .rows = rows, .now = rte_rdtsc(), .hz = rte_get_tsc_hz() };

	if (fc == NULL)
		return -ENOTSUP;
	d.ft = fc->ft;
	if (fc->ct != NULL)
		nfv_ct_foreach(fc->ct, ct_one, &d);
	return d.err;
}

/* LOAD_DATA: appends to the staging buffer of the open transaction. */
static int load_data(struct nfv_filter_ctl *fc, const struct nfv_msg_hdr *h,
		     const void *payload, char *why, size_t whylen)
{
	const struct nfv_msg_filter_data *d = payload;

	if (h->len < sizeof(*d) || h->len - sizeof(*d) < d->len ||
	    d->len > NFV_MSG_FILTER_CHUNK_MAX) {
		snprintf(why, whylen, "malformed ruleset chunk");
		return -EINVAL;
	}
	if (fc->txn == 0 || (d->txn != NFV_MSG_FILTER_TXN_OPEN && d->txn != fc->txn)) {
		snprintf(why, whylen, "no open load transaction %u", d->txn);
		return -ESRCH;
	}
	if (fc->stage_len + d->len > fc->stage_cap) {
		size_t cap = fc->stage_cap ? fc->stage_cap : 1u << 16;
		uint8_t *ns;

		while (cap < fc->stage_len + d->len)
			cap *= 2;
		if (cap > NFV_MSG_PAYLOAD_MAX * 4u || (ns = realloc(fc->stage, cap)) == NULL) {
			snprintf(why, whylen, "ruleset too large");
			return -ENOMEM;
		}
		fc->stage = ns;
		fc->stage_cap = cap;
	}
	memcpy(fc->stage + fc->stage_len, d->data, d->len);
	fc->stage_len += d->len;
	return 0;
}

/* LOAD_COMMIT: parses the staged netlink messages, compiles, swaps. */
static int load_commit(struct nfv_dp *dp, struct nfv_filter_ctl *fc, const struct nfv_msg_hdr *h,
		       const void *payload, char *why, size_t whylen)
{
	struct nfv_msg_filter_commit cm;
	struct nfv_nft_objs objs;
	int ret;

	if (h->len < sizeof(cm)) {
		snprintf(why, whylen, "malformed commit");
		return -EINVAL;
	}
	memcpy(&cm, payload, sizeof(cm));
	cm.origin[sizeof(cm.origin) - 1] = '\0';
	if (fc->txn == 0 || (cm.txn != NFV_MSG_FILTER_TXN_OPEN && cm.txn != fc->txn)) {
		snprintf(why, whylen, "no open load transaction %u", cm.txn);
		return -ESRCH;
	}
	if (cm.source != NFV_FILTER_SOURCE_POLICY && cm.source != NFV_FILTER_SOURCE_MIRROR) {
		snprintf(why, whylen, "unknown ruleset source %u", cm.source);
		return -EINVAL;
	}
	fc->txn = 0;
	/* libnftnl exits on some malformed attributes: parsed in a child first */
	ret = nfv_nftc_spawn_validate(fc->stage, fc->stage_len, why, whylen);
	if (ret < 0) {
		char reason[256];

		snprintf(reason, sizeof(reason), "%s", why);
		snprintf(why, whylen, "malformed ruleset messages: %s", reason);
		fc->load_errors++;
		strlcpy(fc->last_error, why, sizeof(fc->last_error));
		fc->stage_len = 0;
		return -EINVAL;
	}
	ret = nfv_nft_objs_init(&objs);
	if (ret < 0)
		return ret;
	ret = nfv_nft_objs_add_stream(&objs, fc->stage, fc->stage_len, why, whylen);
	if (ret == 0) {
		ret = nfv_filter_ctl_load(dp, &objs, fc->stage, fc->stage_len, cm.source,
					  cm.origin, why, whylen);
	} else {
		/* counted and kept for filter info, as the compiler's errors are */
		fc->load_errors++;
		strlcpy(fc->last_error, why, sizeof(fc->last_error));
	}
	nfv_nft_objs_fini(&objs);
	fc->stage_len = 0;
	return ret;
}

/* The running ruleset's netlink messages, as loaded (nfvpnctl ruleset). */
static int show_nlmsgs(const struct nfv_filter_ctl *fc, struct nfv_buf *b, char *why,
		       size_t whylen)
{
	void *p;

	if (fc->nlmsgs_len > NFV_MSG_PAYLOAD_MAX) {
		snprintf(why, whylen, "the ruleset's %zu bytes of netlink messages are more "
			 "than a message carries (%u)", fc->nlmsgs_len, NFV_MSG_PAYLOAD_MAX);
		return -E2BIG;
	}
	if (fc->nlmsgs_len == 0)
		return 0;
	p = nfv_buf_put(b, fc->nlmsgs_len);
	if (p == NULL)
		return -ENOMEM;
	memcpy(p, fc->nlmsgs, fc->nlmsgs_len);
	return 0;
}

static int handle(struct nfv_dp *dp, struct nfv_filter_ctl *fc, const struct nfv_msg_hdr *h,
		  const void *payload, struct nfv_buf *b, char *why, size_t whylen)
{
	struct nfv_msg_filter_txn *t;

	switch (h->type) {
	case NFV_MSG_FILTER_INFO:
		return show_info(fc, b);
	case NFV_MSG_FILTER_NLMSGS:
		return show_nlmsgs(fc, b, why, whylen);
	case NFV_MSG_CT_FLUSH:
		/* every connection is past "now" at the end of time */
		if (fc->ct != NULL)
			nfv_ct_gc(fc->ct, UINT64_MAX);
		return 0;
	case NFV_MSG_FILTER_LOAD_BEGIN:
		/* a new transaction drops an unfinished one (a mirror restarted) */
		t = nfv_buf_put(b, sizeof(*t));
		if (t == NULL)
			return -ENOMEM;
		fc->txn = fc->txn_next++;
		if (fc->txn_next == 0)
			fc->txn_next = 1;
		fc->stage_len = 0;
		t->txn = fc->txn;
		return 0;
	case NFV_MSG_FILTER_LOAD_DATA:
		return load_data(fc, h, payload, why, whylen);
	case NFV_MSG_FILTER_LOAD_COMMIT:
		return load_commit(dp, fc, h, payload, why, whylen);
	}
	snprintf(why, whylen, "unknown filter request %u", h->type);
	return -EOPNOTSUPP;
}

static int handle_filter(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			 const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);
	struct nfv_buf b = { 0 };
	char why[512] = "";
	int ret;

	if (fc == NULL)
		return nfv_mgmt_error(c, h->seq, -ENOTSUP,
				      "the policy has no filter section");
	ret = handle(dp, fc, h, payload, &b, why, sizeof(why));
	if (ret == 0 && b.err)
		ret = b.err;
	if (ret < 0) {
		nfv_buf_fini(&b);
		return nfv_mgmt_error(c, h->seq, ret, "%s", why[0] ? why : strerror(-ret));
	}
	/* the change's status, not the send's: see nfv_mgmt_ok() */
	nfv_mgmt_reply(c, h, &b, 0);
	return 0;
}

/*
 * A ruleset load is not a transaction step of its own: nfvpnd sends the
 * new ruleset in chunks, then the previous one as the undo group (chunks
 * and commit with NFV_MSG_FILTER_TXN_OPEN), so the chunks and the commit
 * are changes that an abort replays.
 */
static const struct nfv_mgmt_handler filter_handlers[] = {
	NFV_MGMT_LISTING(NFV_MSG_FILTER_RULESET, "ruleset", struct nfv_msg_filter_obj,
			 list_ruleset),
	{ NFV_MSG_FILTER_INFO, 0, false, "filter info", handle_filter },
	{ NFV_MSG_FILTER_NLMSGS, 0, false, "filter netlink messages", handle_filter },
	{ NFV_MSG_FILTER_LOAD_BEGIN, 0, true, "filter load begin", handle_filter },
	{ NFV_MSG_FILTER_LOAD_DATA, 0, true, "filter load data", handle_filter },
	{ NFV_MSG_FILTER_LOAD_COMMIT, 0, true, "filter load commit", handle_filter },
	NFV_MGMT_LISTING(NFV_MSG_CT_LIST, "conntrack list", struct nfv_msg_ct, list_ct),
	{ NFV_MSG_CT_FLUSH, 0, false, "conntrack flush", handle_filter },
	{ NFV_MSG_FILTER_OBJ_RESET, sizeof(struct nfv_msg_filter_reset), false,
	  "filter object reset", handle_obj_reset },
};
NFV_MGMT_HANDLERS(filter_handlers);

static struct nfv_ctl_module filter_module = {
	.name = "filter",
	.order = NFV_CTL_ORDER_FILTER,
	.init = nfv_filter_ctl_init,
	.timer = nfv_filter_ctl_timer,
	.fini = nfv_filter_ctl_fini,
};
NFV_CTL_MODULE(filter_module);
