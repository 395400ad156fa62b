/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SAs and policies by name (their management messages: ipsec_msg.c). The
 * module (hooks/ipsec) is created and its two entries registered on the
 * first SA or policy, so a dataplane without IPsec pays nothing in
 * POST_ROUTING. Slots of SAs are indexes of sas[]; policy ids are never
 * reused. A PROTECT policy names its SA's slot in the module: a slot that
 * a policy names is not given to a new SA, even once its SA is deleted, or
 * the policy would protect with an SA it never named.
 *
 * Sized for a remote-access concentrator: names are found through a hash
 * (name_index.h), free slots, lowest first, through a bitmap
 * (slot_alloc.h), and the start-up policy's policies go to the module in
 * one batch (one copy of each SPD, one grace period).
 *
 * No lock: only the main lcore runs this file (the module's too_big
 * callback, which workers call, is datapath/local.c's): start-up, the
 * management requests (nfvpnctl, nfvpnd, transaction undo replaying them)
 * and the lifetime poll of the control loop. Workers read through the module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_string_fns.h>

#include "dp.h"
#include "events.h"
#include "filter.h"
#include "ipsec.h"
#include "local.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_ipsec.h"
#include "nfv_policy_ipsec.h"
#include "rib.h"

#define IPSEC_POLL_MS 1000		/* the period of the lifetime poll */
/* new NAT-T mappings: looked at within this of a worker's note, and at
 * most this often while packets keep coming from the new mapping (every
 * one of them raises the note until the IKE daemon updates the SA) */
#define IPSEC_NATT_SCAN_MS 10

static uint64_t poll_cycles(void)
{
	return rte_get_tsc_hz() * IPSEC_POLL_MS / 1000;
}

/*
 * The MTU of the port that the route to dst leaves by; 0 when none. The
 * RIB's latest copy: a route added earlier in the same batch counts.
 */
static uint16_t path_mtu(const struct nfv_dp *dp, const struct nfv_addr *dst)
{
	const struct nfv_fib_snap *snap = dp->rib != NULL ? nfv_rib_latest(dp->rib) : NULL;
	const struct nfv_nexthop *nh;
	uint64_t idx = 0;
	uint32_t a4;

	if (snap == NULL)
		return 0;
	if (dst->family == AF_INET) {
		memcpy(&a4, dst->bytes, 4);
		nfv_fib4_lookup(snap, &a4, &idx, 1);
	} else {
		nfv_fib6_lookup(snap, (const uint8_t (*)[16])dst->bytes, &idx, 1);
	}
	nh = &snap->nh[idx];
	return nh->type == NFV_NH_FORWARD ? dp->ports[nh->port].mtu : 0;
}

static const char *sa_name_of(const void *ctx, uint32_t idx)
{
	return ((const struct nfv_ipsec_dp *)ctx)->sas[idx].conf.name;
}

static const char *sp_name_of(const void *ctx, uint32_t idx)
{
	return ((const struct nfv_ipsec_dp *)ctx)->sps[idx].conf.name;
}

/* The module's state is freed by ipsec_fini; this frees ours. */
static void state_free(struct nfv_ipsec_dp *s)
{
	if (s == NULL)
		return;
	nfv_name_index_fini(&s->sa_names);
	nfv_name_index_fini(&s->sp_names);
	nfv_slot_alloc_fini(&s->sa_free);
	nfv_slot_alloc_fini(&s->sp_free);
	free(s->sas);
	free(s->sa_refs);
	free(s->sps);
	free(s);
}

static struct nfv_ipsec_dp *state_alloc(void)
{
	struct nfv_ipsec_dp *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->sas = calloc(IPSEC_MAX_SA, sizeof(s->sas[0]));
	s->sa_refs = calloc(IPSEC_MAX_SA, sizeof(s->sa_refs[0]));
	s->sps = calloc(IPSEC_MAX_SP, sizeof(s->sps[0]));
	if (s->sas == NULL || s->sa_refs == NULL || s->sps == NULL ||
	    nfv_name_index_init(&s->sa_names, IPSEC_MAX_SA, sa_name_of, s) < 0 ||
	    nfv_name_index_init(&s->sp_names, IPSEC_MAX_SP, sp_name_of, s) < 0 ||
	    nfv_slot_alloc_init(&s->sa_free, IPSEC_MAX_SA) < 0 ||
	    nfv_slot_alloc_init(&s->sp_free, IPSEC_MAX_SP) < 0) {
		state_free(s);
		return NULL;
	}
	return s;
}

static int state_get(struct nfv_dp *dp, struct nfv_ipsec_dp **out)
{
	struct nfv_ipsec_conf conf = {
		.nb_workers = dp->nb_workers,
		.max_sa = IPSEC_MAX_SA,
		.socket_id = SOCKET_ID_ANY,
		.too_big = nfv_pipeline_too_big,
		.too_big_arg = dp,
		.flow_learn = nfv_flow_fast_esp_learn,
		.flow_learn_arg = dp,
		.big_pool = dp->big_pool,
		.frag_pool = dp->pool,
		.id_key = dp->id_key,
		.id_tick_cycles = dp->id_tick_cycles,
	};
	struct nfv_ipsec_dp *s = dp->ipsec;
	int ret;

	if (s != NULL && s->registered) {
		*out = s;
		return 0;
	}
	if (s == NULL) {
		s = state_alloc();
		if (s == NULL)
			return -ENOMEM;
		ret = nfv_ipsec_init(&s->ips, &conf);
		if (ret < 0) {
			state_free(s);
			return ret;
		}
		dp->ipsec = s;
		__atomic_store_n(&dp->ips, s->ips, __ATOMIC_RELEASE);
	}
	ret = nfv_ipsec_register(dp->hooks, s->ips);
	if (ret < 0)
		return ret;
	s->registered = true;
	s->next_poll = rte_rdtsc() + poll_cycles();
	*out = s;
	return 0;
}

static struct dp_sa *sa_find(struct nfv_ipsec_dp *s, const char *name)
{
	int64_t i = s != NULL ? nfv_name_index_find(&s->sa_names, name) : -1;

	return i < 0 ? NULL : &s->sas[i];
}

static struct dp_sp *sp_find(struct nfv_ipsec_dp *s, const char *name)
{
	int64_t i = s != NULL ? nfv_name_index_find(&s->sp_names, name) : -1;

	return i < 0 ? NULL : &s->sps[i];
}

/* A slot that is neither used nor named by a policy is free. */
static void sa_slot_check_free(struct nfv_ipsec_dp *s, uint32_t id)
{
	if (!s->sas[id].used && s->sa_refs[id] == 0)
		nfv_slot_put(&s->sa_free, id);
}

/* The policy and the module share the vocabulary's enums and structs. */
static void sa_conf(const struct nfv_policy_sa *p, uint32_t id,
		    struct nfv_ipsec_sa_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->spi = p->spi;
	c->reqid = p->reqid;
	c->dir = p->dir;
	c->mode = p->mode;
	c->src = p->src;
	c->dst = p->dst;
	c->cipher = p->cipher;
	c->auth = p->auth;
	memcpy(c->key, p->key, p->key_len);
	c->key_len = p->key_len;
	memcpy(c->auth_key, p->auth_key, p->auth_key_len);
	c->auth_key_len = p->auth_key_len;
	c->esn = p->esn;
	c->replay_window = p->replay_window;
	c->no_replay = p->replay_off;
	c->natt = p->natt;
	c->natt_sport = p->natt_sport;
	c->natt_dport = p->natt_dport;
	c->soft = p->soft;
	c->hard = p->hard;
}

/*
 * An outbound SA of reqid came: the trap policies of reqid may acquire
 * again at once, as XFRM deletes the larval (acquire) state of a reqid
 * when an SA of it is added. A trap that stays (charon narrowed the
 * CHILD_SA to the packet's hosts, RFC 7296 2.9) then raises the acquire of
 * a packet to other hosts without waiting IPSEC_ACQUIRE_S.
 */
static void acquire_rearm(struct nfv_ipsec_dp *s, uint32_t reqid)
{
	for (unsigned int j = 0; j < s->sp_free.hi; j++) {
		struct dp_sp *sp = &s->sps[j];

		if (sp->used && sp->reqid == reqid && sp->conf.dir == NFV_IPSEC_DIR_OUT)
			sp->acquire_tsc = 0;
	}
}

int nfv_ipsec_ctl_sa_add(struct nfv_dp *dp, const struct nfv_policy_sa *p,
		  char *why, size_t len)
{
	struct nfv_ipsec_sa_conf c;
	struct nfv_ipsec_dp *s;
	struct dp_sa *slot;
	int64_t id;
	int ret;

	ret = state_get(dp, &s);
	if (ret < 0)
		return ret;
	if (sa_find(s, p->name) != NULL) {
		snprintf(why, len, "SA \"%s\" exists", p->name);
		return -EEXIST;
	}
	id = nfv_slot_get(&s->sa_free);
	if (id < 0) {
		snprintf(why, len, "no free SA slot (%u)", IPSEC_MAX_SA);
		return -ENOSPC;
	}
	slot = &s->sas[id];
	sa_conf(p, (uint32_t)id, &c);
	/* taken when the SA is added: a later route change does not move it */
	if (p->dir == NFV_IPSEC_DIR_OUT)
		c.mtu = path_mtu(dp, &p->dst);
	ret = nfv_ipsec_sa_add(s->ips, &c);
	explicit_bzero(&c, sizeof(c));
	if (ret < 0) {
		nfv_slot_put(&s->sa_free, (uint32_t)id);
		snprintf(why, len, "SA \"%s\" (SPI 0x%x): %s", p->name, p->spi,
			 ret == -EEXIST ? "this SPI and destination are in use" :
			 strerror(-ret));
		return ret;
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = true;
	slot->conf = *p;
	if (p->dir == NFV_IPSEC_DIR_OUT && p->reqid != 0)
		acquire_rearm(s, p->reqid);
	explicit_bzero(slot->conf.key, sizeof(slot->conf.key));
	explicit_bzero(slot->conf.auth_key, sizeof(slot->conf.auth_key));
	/* cannot fail: no more names than slots */
	nfv_name_index_add(&s->sa_names, slot->conf.name, (uint32_t)id);
	dp->generation++;
	/* a flow may now be protected, or no longer */
	nfv_filter_ctl_flows_invalidate(dp);
	return 0;
}

/* Takes back what sp_take did: name, SA reference, slot. */
static void sp_untake(struct nfv_ipsec_dp *s, uint32_t idx)
{
	struct dp_sp *sp = &s->sps[idx];

	nfv_name_index_del(&s->sp_names, sp->conf.name);
	if (sp->sa_slot >= 0) {
		s->sa_refs[sp->sa_slot]--;
		sa_slot_check_free(s, (uint32_t)sp->sa_slot);
	}
	memset(sp, 0, sizeof(*sp));
	nfv_slot_put(&s->sp_free, idx);
}

/*
 * Checks policy p (PROTECT: with the SA named sa_name), takes a slot for
 * it and its name, and fills c for the module.
 */
static int sp_take(struct nfv_ipsec_dp *s, const struct nfv_policy_sp *p,
		   const char *sa_name, const uint32_t *trap_reqid,
		   struct nfv_ipsec_sp_conf *c, uint32_t *idx, char *why, size_t len)
{
	struct dp_sa *sa = NULL;
	struct dp_sp *slot;
	int64_t i, larval = -1;

	if (sp_find(s, p->name) != NULL) {
		snprintf(why, len, "policy \"%s\" exists", p->name);
		return -EEXIST;
	}
	if (trap_reqid != NULL) {
		/*
		 * a slot of its own that no SA takes while the trap names it:
		 * its packets find no SA there and raise the acquire
		 */
		larval = nfv_slot_get(&s->sa_free);
		if (larval < 0) {
			snprintf(why, len, "no free SA slot (%u)", IPSEC_MAX_SA);
			return -ENOSPC;
		}
	} else if (p->action == NFV_IPSEC_PROTECT) {
		sa = sa_find(s, sa_name);
		if (sa == NULL || sa->conf.dir != p->dir) {
			snprintf(why, len, "policy \"%s\": no %s SA \"%s\"", p->name,
				 p->dir == NFV_IPSEC_DIR_IN ? "inbound" : "outbound", sa_name);
			return -ENOENT;
		}
	}
	i = nfv_slot_get(&s->sp_free);
	if (i < 0) {
		if (larval >= 0)
			nfv_slot_put(&s->sa_free, (uint32_t)larval);
		snprintf(why, len, "no free policy slot (%u)", IPSEC_MAX_SP);
		return -ENOSPC;
	}
	memset(c, 0, sizeof(*c));
	c->id = ++s->next_sp_id;
	c->priority = p->priority;
	c->dir = p->dir;
	c->family = p->src.addr.family;
	c->src = p->src;
	c->dst = p->dst;
	c->proto = p->proto;
	c->sport_min = p->sport_min;
	c->sport_max = p->sport_max;
	c->dport_min = p->dport_min;
	c->dport_max = p->dport_max;
	c->action = p->action;
	slot = &s->sps[i];
	slot->used = true;
	slot->id = c->id;
	slot->sa_slot = -1;
	slot->conf = *p;
	if (sa != NULL) {
		c->sa_id = (uint32_t)(sa - s->sas);
		c->reqid = sa->conf.reqid;
		slot->sa_slot = (int32_t)c->sa_id;
		s->sa_refs[c->sa_id]++;
		strlcpy(slot->sa, sa->conf.name, sizeof(slot->sa));
	} else if (larval >= 0) {
		c->sa_id = (uint32_t)larval;
		c->reqid = *trap_reqid;
		slot->sa_slot = (int32_t)larval;
		slot->trap = true;
		s->sa_refs[larval]++;
	}
	slot->reqid = c->reqid;
	nfv_name_index_add(&s->sp_names, slot->conf.name, (uint32_t)i);
	*idx = (uint32_t)i;
	return 0;
}

/*
 * Policies ps[0..n), sa_names[i] the SA that PROTECT policy i names: all
 * of them or none. Each is checked and takes its slot, then the module
 * gets them in one batch (nfv_ipsec_sp_add_bulk: each SPD copied once,
 * one grace period), which is what makes a start-up policy of 20,000
 * policies cheap.
 */
static int sp_add_bulk(struct nfv_dp *dp, const struct nfv_policy_sp *ps,
		       const char *const *sa_names, const uint32_t *trap_reqid,
		       unsigned int n, char *why, size_t len)
{
	struct nfv_ipsec_sp_conf *c;
	struct nfv_ipsec_dp *s;
	unsigned int i = 0;
	uint32_t *idx;
	int ret;

	ret = state_get(dp, &s);
	if (ret < 0)
		return ret;
	c = malloc(n * sizeof(*c));
	idx = malloc(n * sizeof(*idx));
	ret = -ENOMEM;
	if (c == NULL || idx == NULL)
		goto undo;
	for (i = 0; i < n; i++) {
		ret = sp_take(s, &ps[i], sa_names[i], trap_reqid, &c[i], &idx[i], why, len);
		if (ret < 0)
			goto undo;
	}
	ret = nfv_ipsec_sp_add_bulk(s->ips, c, n);
	if (ret < 0) {
		if (n == 1)
			snprintf(why, len, "policy \"%s\": %s", ps[0].name, strerror(-ret));
		else
			snprintf(why, len, "%u policies: %s", n, strerror(-ret));
		goto undo;
	}
	dp->generation++;
	/* a flow may now be protected, or no longer */
	nfv_filter_ctl_flows_invalidate(dp);
	free(c);
	free(idx);
	return 0;
undo:
	while (i-- > 0)
		sp_untake(s, idx[i]);
	free(c);
	free(idx);
	return ret;
}

int nfv_ipsec_ctl_sp_add(struct nfv_dp *dp, const struct nfv_policy_sp *p,
		  const char *sa_name, char *why, size_t len)
{
	return sp_add_bulk(dp, p, &sa_name, NULL, 1, why, len);
}

int nfv_ipsec_ctl_sp_add_trap(struct nfv_dp *dp, const struct nfv_policy_sp *p,
			      uint32_t reqid, char *why, size_t len)
{
	const char *none = "";

	return sp_add_bulk(dp, p, &none, &reqid, 1, why, len);
}

/*
 * Deleting an SA that a policy still names is allowed, as in XFRM: that
 * policy's packets are dropped as esp-unknown-spi until it is replaced.
 * The module unpublishes the SA, waits a grace period and wipes its keys.
 */
int nfv_ipsec_ctl_sa_del(struct nfv_dp *dp, const char *name, char *why, size_t len)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	struct dp_sa *sa = sa_find(s, name);
	uint32_t id;
	int ret;

	if (sa == NULL) {
		snprintf(why, len, "no SA \"%s\"", name);
		return -ENOENT;
	}
	id = (uint32_t)(sa - s->sas);
	ret = nfv_ipsec_sa_del(s->ips, id);
	if (ret < 0)
		return ret;
	/* the module has let go; the slot is free unless a policy names it */
	nfv_name_index_del(&s->sa_names, sa->conf.name);
	memset(sa, 0, sizeof(*sa));
	sa_slot_check_free(s, id);
	dp->generation++;
	/* a flow may now be protected, or no longer */
	nfv_filter_ctl_flows_invalidate(dp);
	return 0;
}

/*
 * NAT-T port floating, MOBIKE: the module swaps the SA's outer header in
 * one store (esp_natt.c), UDP encapsulation included; an inbound SA that
 * moves keeps its previous destination a grace period. An outbound SA's
 * path MTU stays the one taken when it was added.
 */
int nfv_ipsec_ctl_sa_update(struct nfv_dp *dp, const struct nfv_msg_ipsec_sa_update *u,
			    char *why, size_t len)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	struct dp_sa *sa = sa_find(s, u->name);
	struct nfv_ipsec_sa_outer o = {
		.src = u->src, .dst = u->dst, .natt = u->natt != 0,
		.natt_sport = u->natt_sport, .natt_dport = u->natt_dport,
	};
	char a[NFV_ADDR_FMT_MAX];
	int ret;

	if (sa == NULL) {
		snprintf(why, len, "no SA \"%s\"", u->name);
		return -ENOENT;
	}
	ret = nfv_ipsec_sa_update(s->ips, (uint32_t)(sa - s->sas), &o);
	if (ret == -EAFNOSUPPORT)
		snprintf(why, len, "SA \"%s\": the address family cannot change (%s to %s)",
			 u->name, sa->conf.dst.family == AF_INET ? "IPv4" : "IPv6",
			 sa->conf.dst.family == AF_INET ? "IPv6" : "IPv4");
	else if (ret == -EADDRINUSE)
		snprintf(why, len, "SA \"%s\": another inbound SA has SPI %#x to %s",
			 u->name, sa->conf.spi, nfv_addr_fmt(&u->dst, a, sizeof(a)));
	else if (ret < 0)
		snprintf(why, len, "SA \"%s\": %s", u->name, strerror(-ret));
	if (ret < 0)
		return ret;
	sa->conf.src = u->src;
	sa->conf.dst = u->dst;
	sa->conf.natt = o.natt;
	/* as the policy file's: 0 is 4500 */
	sa->conf.natt_sport = u->natt_sport ? u->natt_sport : 4500;
	sa->conf.natt_dport = u->natt_dport ? u->natt_dport : 4500;
	dp->generation++;
	/* an offloaded flow may carry the old header's SA state */
	nfv_filter_ctl_flows_invalidate(dp);
	return 0;
}

int nfv_ipsec_ctl_sp_del(struct nfv_dp *dp, const char *name, char *why, size_t len)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	struct dp_sp *sp = sp_find(s, name);
	int ret;

	if (sp == NULL) {
		snprintf(why, len, "no policy \"%s\"", name);
		return -ENOENT;
	}
	ret = nfv_ipsec_sp_del(s->ips, sp->conf.dir, sp->id);
	if (ret < 0)
		return ret;
	/* the module has let go: its SA's slot may serve a new SA */
	sp_untake(s, (uint32_t)(sp - s->sps));
	dp->generation++;
	/* a flow may now be protected, or no longer */
	nfv_filter_ctl_flows_invalidate(dp);
	return 0;
}

/*
 * ACQUIRE: the slots the workers found without an SA (esp_acquire.c).
 * Each outbound PROTECT policy naming such a slot raises one
 * NFV_EVENT_SP_ACQUIRE, again only once IPSEC_ACQUIRE_S have passed
 * without an SA (XFRM's larval state lives xfrm_acq_expires, 30 s, before
 * a new acquire); a policy that gets its SA is replaced by a new one
 * (charon's plugin), which starts afresh. Every control loop: the first
 * packet's acquire should not wait for the lifetime poll.
 */
#define IPSEC_ACQUIRE_S 30

/*
 * The event's text: the packet's selectors, as ip xfrm monitor prints an
 * acquire's ("src A dst B proto P sport S dport D"; ICMP: type and code
 * in sport and dport, as XFRM's flow); charon's plugin reads it back
 * (control/charon/nfvpn_dp.c).
 */
static void acquire_text(const struct nfv_ipsec_acquire *a, char *text, size_t len)
{
	char sb[NFV_ADDR_FMT_MAX], db[NFV_ADDR_FMT_MAX];
	struct nfv_addr src = { .family = a->family }, dst = { .family = a->family };

	memcpy(src.bytes, a->src, sizeof(src.bytes));
	memcpy(dst.bytes, a->dst, sizeof(dst.bytes));
	nfv_addr_fmt(&src, sb, sizeof(sb));
	nfv_addr_fmt(&dst, db, sizeof(db));
	if (a->ports)
		snprintf(text, len, "src %s dst %s proto %u sport %u dport %u", sb, db,
			 a->proto, a->sport, a->dport);
	else
		snprintf(text, len, "src %s dst %s proto %u", sb, db, a->proto);
}

static void acquire_send(struct nfv_dp *dp, const struct dp_sp *sp,
			 const struct nfv_ipsec_acquire *a)
{
	struct nfv_msg_event e = {
		.type = NFV_EVENT_SP_ACQUIRE, .worker = UINT16_MAX, .value = sp->reqid,
	};
	struct timespec ts;

	acquire_text(a, e.text, sizeof(e.text));
	NFV_LOG(INFO, "policy %s: no SA, acquire (reqid %u): %s", sp->conf.name,
		sp->reqid, e.text);
	if (dp->events == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	e.time_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	strlcpy(e.object, sp->conf.name, sizeof(e.object));
	nfv_events_send(dp, &e);
}

static void ipsec_acquire_poll(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	struct nfv_ipsec_acquire acq[64];
	unsigned int n, i, j;

	n = nfv_ipsec_acquires(s->ips, acq, RTE_DIM(acq));
	for (i = 0; i < n; i++) {
		if (s->sas[acq[i].sa_id].used)
			continue;	/* its SA came since */
		for (j = 0; j < s->sp_free.hi; j++) {
			struct dp_sp *sp = &s->sps[j];

			if (!sp->used || sp->sa_slot != (int32_t)acq[i].sa_id ||
			    sp->conf.dir != NFV_IPSEC_DIR_OUT)
				continue;
			if (sp->acquire_tsc != 0 &&
			    now - sp->acquire_tsc < IPSEC_ACQUIRE_S * rte_get_tsc_hz())
				continue;
			sp->acquire_tsc = now;
			acquire_send(dp, sp, &acq[i]);
		}
	}
}

/*
 * NAT-T: an inbound SA whose newest authenticated packet came from a new
 * address or port (esp_natt.c) raises one NFV_EVENT_SA_MAPPING per new
 * mapping, as XFRM_MSG_MAPPING does: the IKE daemon updates both SAs of
 * the CHILD_SA (NFV_MSG_IPSEC_SA_UPDATE) and its IKE_SA. Looked at when a
 * worker says it noted a new mapping (ipsec_natt_scan) and with the
 * lifetimes once a second; told once per new mapping.
 */
static void ipsec_mapping_poll(struct nfv_dp *dp, struct dp_sa *sa, uint32_t id)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	char ab[NFV_ADDR_FMT_MAX];
	struct nfv_msg_event e = {
		.type = NFV_EVENT_SA_MAPPING, .worker = UINT16_MAX,
	};
	struct timespec ts;
	struct nfv_addr a;
	uint16_t port;

	if (nfv_ipsec_sa_peer_moved(s->ips, id, &a, &port) <= 0)
		return;
	if (sa->moved_told && sa->moved_port == port &&
	    memcmp(&sa->moved_addr, &a, sizeof(a)) == 0)
		return;
	sa->moved_told = true;
	sa->moved_port = port;
	sa->moved_addr = a;
	nfv_addr_fmt(&a, ab, sizeof(ab));
	NFV_LOG(NOTICE, "SA %s (SPI 0x%x): NAT-T peer now %s port %u", sa->conf.name,
		sa->conf.spi, ab, port);
	if (dp->events == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	e.time_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	e.value = port;
	strlcpy(e.object, sa->conf.name, sizeof(e.object));
	strlcpy(e.text, ab, sizeof(e.text));
	nfv_events_send(dp, &e);
}

/* The inbound UDP-encapsulated SAs' notes, when a worker noted a new mapping. */
static void ipsec_natt_scan(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_ipsec_dp *s = dp->ipsec;

	if (now < s->next_natt_scan || !nfv_ipsec_natt_pending(s->ips))
		return;
	s->next_natt_scan = now + rte_get_tsc_hz() * IPSEC_NATT_SCAN_MS / 1000;
	for (unsigned int i = 0; i < s->sa_free.hi; i++) {
		struct dp_sa *sa = &s->sas[i];

		if (sa->used && !sa->hard_seen && sa->conf.natt &&
		    sa->conf.dir == NFV_IPSEC_DIR_IN)
			ipsec_mapping_poll(dp, sa, i);
	}
}

/*
 * The SPD classifiers after changes; lifetimes once a second: soft tells
 * the control side (log; nfvpnd rekeys), hard means the SA stopped.
 */
static void ipsec_poll(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	unsigned int ev;

	if (s == NULL || !s->registered)
		return;
	/* the classifier of a large SPD after a batch of changes */
	nfv_ipsec_spd_sync(s->ips);
	ipsec_acquire_poll(dp, now);
	ipsec_natt_scan(dp, now);
	if (now < s->next_poll)
		return;
	s->next_poll = now + poll_cycles();
	for (unsigned int i = 0; i < s->sa_free.hi; i++) {
		struct dp_sa *sa = &s->sas[i];

		if (!sa->used || sa->hard_seen || nfv_ipsec_sa_poll(s->ips, i, &ev) < 0)
			continue;
		if (sa->conf.natt && sa->conf.dir == NFV_IPSEC_DIR_IN)
			ipsec_mapping_poll(dp, sa, i);
		if ((ev & NFV_IPSEC_EV_SOFT) && !sa->soft_seen) {
			sa->soft_seen = true;
			NFV_LOG(NOTICE, "SA %s (SPI 0x%x): soft lifetime reached, rekey",
				sa->conf.name, sa->conf.spi);
			nfv_event_push(dp, NFV_EVENT_SA_SOFT, UINT16_MAX, sa->conf.spi,
				       sa->conf.name);
		}
		if (ev & NFV_IPSEC_EV_HARD) {
			sa->hard_seen = true;
			NFV_LOG(NOTICE, "SA %s (SPI 0x%x): hard lifetime reached, stopped",
				sa->conf.name, sa->conf.spi);
			nfv_event_push(dp, NFV_EVENT_SA_HARD, UINT16_MAX, sa->conf.spi,
				       sa->conf.name);
		}
	}
}

/*
 * The start-up policy's IPsec section holds every SA key: once the SAs are
 * installed (or failed to be), it is wiped and freed, so the dataplane
 * keeps no copy of a key outside the module (a deleted SA's key must not
 * survive in our heap).
 */
static void policy_keys_drop(struct nfv_dp *dp)
{
	nfv_policy_ipsec_free(dp->policy->ipsec);
	dp->policy->ipsec = NULL;
}

static double ms_since(uint64_t t0)
{
	return (double)(rte_rdtsc() - t0) * 1000.0 / (double)rte_get_tsc_hz();
}

static int ipsec_init(struct nfv_dp *dp)
{
	const struct nfv_policy_ipsec *pi = dp->policy->ipsec;
	uint64_t t0 = rte_rdtsc();
	double sa_ms, sp_ms;
	char why[160];
	int ret;

	if (pi == NULL)
		return 0;
	for (unsigned int i = 0; i < pi->nb_sas; i++) {
		ret = nfv_ipsec_ctl_sa_add(dp, &pi->sas[i], why, sizeof(why));
		if (ret < 0)
			goto err;
	}
	sa_ms = ms_since(t0);
	if (pi->nb_sps > 0) {
		/* in one batch: one copy of each SPD, one grace period */
		const char **sa_names = malloc(pi->nb_sps * sizeof(*sa_names));

		ret = -ENOMEM;
		snprintf(why, sizeof(why), "%u policies: %s", pi->nb_sps, strerror(ENOMEM));
		if (sa_names == NULL)
			goto err;
		for (unsigned int i = 0; i < pi->nb_sps; i++)
			sa_names[i] = pi->sps[i].sa >= 0 ? pi->sas[pi->sps[i].sa].name : "";
		ret = sp_add_bulk(dp, pi->sps, sa_names, NULL, pi->nb_sps, why, sizeof(why));
		free(sa_names);
		if (ret < 0)
			goto err;
	}
	sp_ms = ms_since(t0) - sa_ms;
	if (dp->ipsec != NULL)
		nfv_ipsec_spd_sync(dp->ipsec->ips);
	NFV_LOG(INFO, "ipsec: %u SA(s), %u policies (%.0f + %.0f ms, classifiers %.0f ms)",
		pi->nb_sas, pi->nb_sps, sa_ms, sp_ms, ms_since(t0) - sa_ms - sp_ms);
	policy_keys_drop(dp);
	return 0;
err:
	NFV_LOG(ERR, "ipsec: %s", why);
	policy_keys_drop(dp);
	return ret;
}

static void ipsec_fini(struct nfv_dp *dp)
{
	struct nfv_ipsec_dp *s = dp->ipsec;

	if (s == NULL)
		return;
	/* workers have stopped: entries go, then SAs are wiped and freed */
	if (s->registered)
		nfv_ipsec_unregister(dp->hooks, s->ips);
	dp->ips = NULL;
	nfv_ipsec_fini(s->ips);
	dp->ipsec = NULL;
	state_free(s);
}

static struct nfv_ctl_module ipsec_module = {
	.name = "ipsec",
	.order = NFV_CTL_ORDER_IPSEC,
	.init = ipsec_init,
	.poll = ipsec_poll,
	.fini = ipsec_fini,
};
NFV_CTL_MODULE(ipsec_module);
