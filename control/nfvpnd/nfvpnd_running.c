/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the dataplane runs, read back over the socket into a policy, so
 * that nfvpnd diffs against the truth and not against its memory: after
 * a restart of either process, or a change made by hand with nfvpnctl,
 * the next apply still touches exactly what differs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy_filter.h"
#include "nfv_policy_ipsec.h"
#include "nfvpnd.h"

static int read_ports(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_port *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_PORTS, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->ports = calloc(n ? n : 1, sizeof(*p->ports));
	if (p->ports == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		memcpy(p->ports[i].name, r[i].name, sizeof(p->ports[i].name) - 1);
		memcpy(p->ports[i].device, r[i].device, sizeof(r[i].device) - 1);
		p->ports[i].mtu = r[i].mtu;
	}
	p->nb_ports = n;
	free(r);
	return 0;
}

/* Policy routes, and the addresses from the local routes. */
static int read_routes(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_route *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_ROUTES, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->routes = calloc(n ? n : 1, sizeof(*p->routes));
	p->addresses = calloc(n ? n : 1, sizeof(*p->addresses));
	if (p->routes == NULL || p->addresses == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (r[i].type == NFV_ROUTE_LOCAL) {
			struct nfv_policy_address *a = &p->addresses[p->nb_addresses++];

			memcpy(a->port, r[i].port, sizeof(a->port) - 1);
			a->prefix = r[i].dst;
		} else if (r[i].type != NFV_ROUTE_CONNECTED) {
			struct nfv_policy_route *o = &p->routes[p->nb_routes++];

			o->dst = r[i].dst;
			o->type = r[i].type;
			o->has_via = r[i].has_via;
			o->via = r[i].via;
			memcpy(o->port, r[i].port, sizeof(o->port) - 1);
		}
	}
	free(r);
	return 0;
}

static int read_neigh(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_neigh *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_NEIGH, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->neighbours = calloc(n ? n : 1, sizeof(*p->neighbours));
	if (p->neighbours == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct nfv_policy_neighbour *o;

		if (r[i].state != NFV_NEIGH_PERMANENT)	/* learnt, not configured */
			continue;
		o = &p->neighbours[p->nb_neighbours++];
		memcpy(o->port, r[i].port, sizeof(o->port) - 1);
		o->addr = r[i].addr;
		memcpy(o->mac, r[i].mac, 6);
	}
	free(r);
	return 0;
}

static int read_queues(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_queue *r;
	uint32_t n;
	int ret = nfv_client_list(c, NFV_MSG_QUEUES, sizeof(*r), (void **)&r, &n);

	if (ret < 0)
		return ret;
	p->queues = calloc(n ? n : 1, sizeof(*p->queues));
	if (p->queues == NULL) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		p->queues[i].num = r[i].num;
		p->queues[i].size = r[i].size;
		p->queues[i].timeout_ms = r[i].timeout_ms;
		p->queues[i].default_verdict = r[i].default_verdict;
		p->queues[i].bypass = r[i].bypass;
	}
	p->nb_queues = n;
	free(r);
	return 0;
}

/*
 * The SAs carry no keys over the socket: those of an SA that we applied
 * (same name, SPI and destination) are taken from our last policy, so a
 * changed key shows and a deleted SA can be added back by an undo.
 */
static void sa_keys(struct nfv_policy_sa *r, const struct nfv_policy *applied)
{
	const struct nfv_policy_ipsec *ai = applied ? applied->ipsec : NULL;

	for (unsigned int i = 0; ai != NULL && i < ai->nb_sas; i++) {
		const struct nfv_policy_sa *a = &ai->sas[i];

		if (strcmp(a->name, r->name) != 0 || a->spi != r->spi ||
		    !nfv_addr_equal(&a->dst, &r->dst))
			continue;
		memcpy(r->key, a->key, sizeof(r->key));
		r->key_len = a->key_len;
		memcpy(r->auth_key, a->auth_key, sizeof(r->auth_key));
		r->auth_key_len = a->auth_key_len;
		return;
	}
}

static int read_ipsec(struct nfv_client *c, struct nfv_policy *p,
		      const struct nfv_policy *applied)
{
	struct nfv_policy_ipsec *ips = calloc(1, sizeof(*ips));
	struct nfv_msg_ipsec_sa *sa = NULL;
	struct nfv_msg_ipsec_sp *sp = NULL;
	uint32_t nsa = 0, nsp = 0;
	int ret = -ENOMEM;

	if (ips == NULL)
		return -ENOMEM;
	p->ipsec = ips;
	ret = nfv_client_list(c, NFV_MSG_IPSEC_SAS, sizeof(*sa), (void **)&sa, &nsa);
	if (ret == 0)
		ret = nfv_client_list(c, NFV_MSG_IPSEC_SPS, sizeof(*sp), (void **)&sp, &nsp);
	if (ret < 0)
		goto out;
	ips->sas = calloc(nsa ? nsa : 1, sizeof(*ips->sas));
	ips->sps = calloc(nsp ? nsp : 1, sizeof(*ips->sps));
	if (ips->sas == NULL || ips->sps == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < nsa; i++) {
		struct nfv_policy_sa *r;

		/* charon's (docs/ike.md): not nfvpnd's to keep or delete */
		if (nfv_ipsec_name_is_ike(sa[i].name))
			continue;
		r = &ips->sas[ips->nb_sas++];
		memcpy(r->name, sa[i].name, sizeof(r->name) - 1);
		r->spi = sa[i].spi;
		r->reqid = sa[i].reqid;
		r->dir = sa[i].dir;
		r->mode = sa[i].mode;
		r->cipher = sa[i].cipher;
		r->auth = sa[i].auth;
		r->esn = sa[i].esn;
		r->natt = sa[i].natt;
		r->natt_sport = sa[i].natt_sport;
		r->natt_dport = sa[i].natt_dport;
		r->replay_window = sa[i].replay_window;
		r->replay_off = sa[i].dir == NFV_IPSEC_DIR_IN && sa[i].replay_window == 0;
		r->src = sa[i].src;
		r->dst = sa[i].dst;
		r->soft = sa[i].soft;
		r->hard = sa[i].hard;
		sa_keys(r, applied);
	}
	for (uint32_t i = 0; i < nsp; i++) {
		struct nfv_policy_sp *r;

		if (nfv_ipsec_name_is_ike(sp[i].sp.name))
			continue;
		r = &ips->sps[ips->nb_sps++];
		*r = sp[i].sp;
		r->name[sizeof(r->name) - 1] = '\0';
		r->sa = -1;	/* by name: sa_ref */
		memcpy(r->sa_ref, sp[i].sa, sizeof(r->sa_ref) - 1);
		r->sa_ref[sizeof(r->sa_ref) - 1] = '\0';
	}
out:
	free(sa);
	free(sp);
	return ret;
}

/* Where the rules come from and conntrack; the text stays with nfvpnd. */
static int read_filter(struct nfv_client *c, struct nfv_policy *p)
{
	struct nfv_msg_filter_info *fi = NULL;
	struct nfv_policy_filter *f;
	uint32_t len = 0;
	int ret;

	ret = nfv_client_request(c, NFV_MSG_FILTER_INFO, NULL, 0, (void **)&fi, &len);
	if (ret == -ENOTSUP)	/* no filter section */
		return 0;
	if (ret < 0)
		return ret;
	if (len < sizeof(*fi)) {
		free(fi);
		return -EPROTO;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		free(fi);
		return -ENOMEM;
	}
	f->source = fi->source == NFV_FILTER_SOURCE_MIRROR ||
		    strncmp(fi->origin, "waiting for the mirror", 22) == 0 ?
		    NFV_FILTER_SRC_MIRROR : NFV_FILTER_SRC_NFT;
	f->conntrack = fi->conntrack;
	f->ct_max = fi->ct_max;
	p->filter = f;
	free(fi);
	return 0;
}

int nfvpnd_running_read(struct nfv_client *c, const struct nfv_policy *applied,
			struct nfv_policy **out, uint64_t *generation)
{
	struct nfv_policy *p = calloc(1, sizeof(*p));
	struct nfv_msg_status *st = NULL;
	uint32_t len = 0, n;
	int ret;

	if (p == NULL)
		return -ENOMEM;
	ret = nfv_client_request(c, NFV_MSG_STATUS, NULL, 0, (void **)&st, &len);
	if (ret < 0)
		goto err;
	if (len < sizeof(*st)) {
		ret = -EPROTO;
		goto err;
	}
	*generation = st->generation;
	snprintf(p->path, sizeof(p->path), "running:%.200s", st->policy);
	ret = read_ports(c, p);
	if (ret == 0)
		ret = read_routes(c, p);
	if (ret == 0)
		ret = read_neigh(c, p);
	if (ret == 0)
		ret = read_queues(c, p);
	if (ret == 0) {
		ret = nfv_client_list(c, NFV_MSG_BUILTINS, sizeof(*p->hooks),
				      (void **)&p->hooks, &n);
		p->nb_hooks = ret == 0 ? n : 0;
	}
	if (ret == 0)
		ret = read_ipsec(c, p, applied);
	if (ret == 0)
		ret = read_filter(c, p);
	if (ret < 0)
		goto err;
	free(st);
	*out = p;
	return 0;
err:
	free(st);
	nfv_policy_free(p);
	return ret;
}
