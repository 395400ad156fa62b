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

#include <rte_string_fns.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp.h"
#include "filter_apply.h"
#include "log.h"
#include "nfv_ct.h"
#include "nfv_filter.h"
#include "nfv_policy_filter.h"

#define FILTER_LOG_RING 1024
#define FILTER_LOG_BURST 64

struct nfv_filter_ctl *nfv_filter_ctl(const struct nfv_dp *dp)
{
	return dp->filter;
}

/* meta iif/iifname/oif/oifname see the dataplane's ports: "p0", index + 1. */
static void ifaces_fill(const struct nfv_dp *dp, struct nfv_filter_ifaces *ifs)
{
	ifs->nb_ports = RTE_MIN(dp->nb_ports, (unsigned int)NFV_FILTER_MAX_PORTS);
	for (unsigned int i = 0; i < ifs->nb_ports; i++) {
		strlcpy(ifs->port[i].name, dp->ports[i].name, sizeof(ifs->port[i].name));
		ifs->port[i].ifindex = i + 1;
		ifs->port[i].type = 1;	/* ARPHRD_ETHER */
	}
}

int nfv_filter_ctl_load(struct nfv_dp *dp, const struct nfv_nft_objs *objs, uint8_t source,
			const char *origin, char *err, size_t errlen)
{
	struct nfv_filter_ctl *fc = nfv_filter_ctl(dp);
	struct nfv_msg_filter_obj *listing = NULL;
	struct nfv_filter_ruleset *rs = NULL;
	uint32_t nb = 0;
	int ret;

	if (fc == NULL) {
		snprintf(err, errlen, "the policy has no filter section");
		return -ENOTSUP;
	}
	ret = nfv_filter_ruleset_build(objs, fc->cfg, &rs, err, errlen);
	if (ret == 0) {
		ret = nfv_filter_listing_build(objs, rs, &listing, &nb);
		if (ret < 0)
			snprintf(err, errlen, "listing the ruleset: %s", strerror(-ret));
	}
	if (ret == 0) {
		/* one store swaps every hook's chains: no packet sees half */
		ret = nfv_filter_apply(fc->filter, rs);
		if (ret < 0)
			snprintf(err, errlen, "registering hook entries: %s", strerror(-ret));
	}
	if (ret < 0) {
		nfv_filter_ruleset_free(rs);
		free(listing);
		fc->load_errors++;
		strlcpy(fc->last_error, err, sizeof(fc->last_error));
		return ret;
	}
	free(fc->listing);
	fc->listing = listing;
	fc->nb_listing = nb;
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
	ret = nfv_ct_register(fc->ct, dp->hooks);
	if (ret < 0) {
		nfv_ct_table_destroy(fc->ct);
		fc->ct = NULL;
	}
	return ret;
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
		ret = nfv_filter_ctl_load(dp, &objs, NFV_FILTER_SOURCE_POLICY, "policy",
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
	*fc->cfg = (struct nfv_filter_config){
		.nb_workers = dp->nb_workers, .hz = rte_get_tsc_hz(),
		.log_ring = fc->log_ring, .log_rate = pf->log_rate, .ifaces = fc->ifaces,
	};
	/* 1. conntrack, before anything else registers at INT_MAX */
	if (pf->conntrack) {
		ret = ct_init(dp, fc, pf->ct_max);
		if (ret < 0) {
			NFV_LOG(ERR, "conntrack of %u connections: %s", pf->ct_max,
				strerror(-ret));
			goto err;
		}
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
		nfv_ct_unregister(fc->ct, dp->hooks);
		nfv_hook_synchronize(dp->hooks);
		nfv_ct_table_destroy(fc->ct);
	}
	nfv_filter_ctl_timer(dp, 0);
	rte_ring_free(fc->log_ring);
	free(fc->listing);
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
	if (fc->ct != NULL && now != 0)
		nfv_ct_gc(fc->ct, now);
	do {
		n = rte_ring_dequeue_burst_elem(fc->log_ring, recs, sizeof(recs[0]),
						FILTER_LOG_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			log_print(dp, &recs[i]);
		fc->log_records += n;
	} while (n == FILTER_LOG_BURST);
}
