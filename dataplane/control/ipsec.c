/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SAs and policies by name. The module (hooks/ipsec) is created and its
 * two entries registered on the first SA or policy, so a dataplane without
 * IPsec pays nothing in POST_ROUTING. Slots of SAs are indexes of sas[];
 * policy ids are never reused. A PROTECT policy names its SA's slot in the
 * module: a slot that a policy names is not given to a new SA, even once
 * its SA is deleted, or the policy would protect with an SA it never named.
 *
 * No lock: only the main lcore runs this file (the module's too_big
 * callback, which workers call, is datapath/local.c's): start-up, the
 * management requests (nfvpnctl, nfvpnd, transaction undo replaying them)
 * and the lifetime poll of the control loop. Workers read through the module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_string_fns.h>

#include "dp.h"
#include "events.h"
#include "local.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_ipsec.h"
#include "nfv_policy_ipsec.h"

#define IPSEC_MAX_SA 1024
#define IPSEC_MAX_SP 1024
#define IPSEC_POLL_MS 1000		/* the period of the lifetime poll */

struct dp_sa {
	bool used;
	bool soft_seen;			/* the soft event was reported */
	bool hard_seen;
	struct nfv_policy_sa conf;	/* keys wiped once handed to the module */
};

struct dp_sp {
	bool used;
	uint32_t id;
	int32_t sa_slot;		/* PROTECT: the slot of its SA, else -1 */
	struct nfv_policy_sp conf;
	char sa[NFV_NAME_MAX];
};

struct nfv_ipsec_dp {
	struct nfv_ipsec *ips;
	bool registered;
	uint64_t next_poll;		/* TSC deadline of the lifetime poll */
	uint32_t next_sp_id;
	struct dp_sa sas[IPSEC_MAX_SA];
	uint16_t sa_refs[IPSEC_MAX_SA];	/* policies that name each slot */
	struct dp_sp sps[IPSEC_MAX_SP];
};

static uint64_t poll_cycles(void)
{
	return rte_get_tsc_hz() * IPSEC_POLL_MS / 1000;
}

/* The MTU of the port that the route to dst leaves by; 0 when none. */
static uint16_t path_mtu(const struct nfv_dp *dp, const struct nfv_addr *dst)
{
	const struct nfv_fib_snap *snap = __atomic_load_n(&dp->fib, __ATOMIC_ACQUIRE);
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

static int state_get(struct nfv_dp *dp, struct nfv_ipsec_dp **out)
{
	struct nfv_ipsec_conf conf = {
		.nb_workers = dp->nb_workers,
		.max_sa = IPSEC_MAX_SA,
		.socket_id = SOCKET_ID_ANY,
		.too_big = nfv_pipeline_too_big,
		.too_big_arg = dp,
		.big_pool = dp->big_pool,
		.frag_pool = dp->pool,
	};
	struct nfv_ipsec_dp *s = dp->ipsec;
	int ret;

	if (s != NULL && s->registered) {
		*out = s;
		return 0;
	}
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return -ENOMEM;
		ret = nfv_ipsec_init(&s->ips, &conf);
		if (ret < 0) {
			free(s);
			return ret;
		}
		dp->ipsec = s;
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
	for (unsigned int i = 0; s != NULL && i < IPSEC_MAX_SA; i++)
		if (s->sas[i].used && strcmp(s->sas[i].conf.name, name) == 0)
			return &s->sas[i];
	return NULL;
}

static struct dp_sp *sp_find(struct nfv_ipsec_dp *s, const char *name)
{
	for (unsigned int i = 0; s != NULL && i < IPSEC_MAX_SP; i++)
		if (s->sps[i].used && strcmp(s->sps[i].conf.name, name) == 0)
			return &s->sps[i];
	return NULL;
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

static int sa_add(struct nfv_dp *dp, const struct nfv_policy_sa *p,
		  char *why, size_t len)
{
	struct nfv_ipsec_sa_conf c;
	struct nfv_ipsec_dp *s;
	struct dp_sa *slot = NULL;
	uint32_t id;
	int ret;

	ret = state_get(dp, &s);
	if (ret < 0)
		return ret;
	if (sa_find(s, p->name) != NULL) {
		snprintf(why, len, "SA \"%s\" exists", p->name);
		return -EEXIST;
	}
	for (id = 0; id < IPSEC_MAX_SA; id++)
		if (!s->sas[id].used && s->sa_refs[id] == 0) {
			slot = &s->sas[id];
			break;
		}
	if (slot == NULL) {
		snprintf(why, len, "no free SA slot (%u)", IPSEC_MAX_SA);
		return -ENOSPC;
	}
	sa_conf(p, id, &c);
	/* taken when the SA is added: a later route change does not move it */
	if (p->dir == NFV_IPSEC_DIR_OUT)
		c.mtu = path_mtu(dp, &p->dst);
	ret = nfv_ipsec_sa_add(s->ips, &c);
	explicit_bzero(&c, sizeof(c));
	if (ret < 0) {
		snprintf(why, len, "SA \"%s\" (SPI 0x%x): %s", p->name, p->spi,
			 ret == -EEXIST ? "this SPI and destination are in use" :
			 strerror(-ret));
		return ret;
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = true;
	slot->conf = *p;
	explicit_bzero(slot->conf.key, sizeof(slot->conf.key));
	explicit_bzero(slot->conf.auth_key, sizeof(slot->conf.auth_key));
	dp->generation++;
	return 0;
}

static int sp_add(struct nfv_dp *dp, const struct nfv_policy_sp *p,
		  const char *sa_name, char *why, size_t len)
{
	struct nfv_ipsec_sp_conf c = { 0 };
	struct dp_sp *slot = NULL;
	struct dp_sa *sa = NULL;
	struct nfv_ipsec_dp *s;
	int ret;

	ret = state_get(dp, &s);
	if (ret < 0)
		return ret;
	if (sp_find(s, p->name) != NULL) {
		snprintf(why, len, "policy \"%s\" exists", p->name);
		return -EEXIST;
	}
	if (p->action == NFV_IPSEC_PROTECT) {
		sa = sa_find(s, sa_name);
		if (sa == NULL || sa->conf.dir != p->dir) {
			snprintf(why, len, "policy \"%s\": no %s SA \"%s\"", p->name,
				 p->dir == NFV_IPSEC_DIR_IN ? "inbound" : "outbound", sa_name);
			return -ENOENT;
		}
	}
	for (unsigned int i = 0; i < IPSEC_MAX_SP; i++)
		if (!s->sps[i].used) {
			slot = &s->sps[i];
			break;
		}
	if (slot == NULL) {
		snprintf(why, len, "no free policy slot (%u)", IPSEC_MAX_SP);
		return -ENOSPC;
	}
	c.id = ++s->next_sp_id;
	c.priority = p->priority;
	c.dir = p->dir;
	c.family = p->src.addr.family;
	c.src = p->src;
	c.dst = p->dst;
	c.proto = p->proto;
	c.sport_min = p->sport_min;
	c.sport_max = p->sport_max;
	c.dport_min = p->dport_min;
	c.dport_max = p->dport_max;
	c.action = p->action;
	if (sa != NULL) {
		c.sa_id = (uint32_t)(sa - s->sas);
		c.reqid = sa->conf.reqid;
	}
	ret = nfv_ipsec_sp_add(s->ips, &c);
	if (ret < 0) {
		snprintf(why, len, "policy \"%s\": %s", p->name, strerror(-ret));
		return ret;
	}
	slot->used = true;
	slot->id = c.id;
	slot->sa_slot = sa != NULL ? (int32_t)c.sa_id : -1;
	if (sa != NULL)
		s->sa_refs[c.sa_id]++;
	slot->conf = *p;
	strlcpy(slot->sa, sa != NULL ? sa->conf.name : "", sizeof(slot->sa));
	dp->generation++;
	return 0;
}

/* After the module's delete: once it has let go (ret 0), the slot is free. */
static int slot_release(struct nfv_dp *dp, void *slot, size_t size, int ret)
{
	if (ret == 0) {
		memset(slot, 0, size);
		dp->generation++;
	}
	return ret;
}

/*
 * Deleting an SA that a policy still names is allowed, as in XFRM: that
 * policy's packets are dropped as esp-unknown-spi until it is replaced.
 * The module unpublishes the SA, waits a grace period and wipes its keys.
 */
static int sa_del(struct nfv_dp *dp, const char *name, char *why, size_t len)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	struct dp_sa *sa = sa_find(s, name);

	if (sa == NULL) {
		snprintf(why, len, "no SA \"%s\"", name);
		return -ENOENT;
	}
	return slot_release(dp, sa, sizeof(*sa),
			    nfv_ipsec_sa_del(s->ips, (uint32_t)(sa - s->sas)));
}

static int sp_del(struct nfv_dp *dp, const char *name, char *why, size_t len)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	struct dp_sp *sp = sp_find(s, name);
	int ret;

	if (sp == NULL) {
		snprintf(why, len, "no policy \"%s\"", name);
		return -ENOENT;
	}
	ret = nfv_ipsec_sp_del(s->ips, sp->conf.dir, sp->id);
	/* the module has let go: its SA's slot may serve a new SA */
	if (ret == 0 && sp->sa_slot >= 0)
		s->sa_refs[sp->sa_slot]--;
	return slot_release(dp, sp, sizeof(*sp), ret);
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
	if (now < s->next_poll)
		return;
	s->next_poll = now + poll_cycles();
	for (unsigned int i = 0; i < IPSEC_MAX_SA; i++) {
		struct dp_sa *sa = &s->sas[i];

		if (!sa->used || sa->hard_seen || nfv_ipsec_sa_poll(s->ips, i, &ev) < 0)
			continue;
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

static int ipsec_init(struct nfv_dp *dp)
{
	const struct nfv_policy_ipsec *pi = dp->policy->ipsec;
	char why[160];
	int ret;

	if (pi == NULL)
		return 0;
	for (unsigned int i = 0; i < pi->nb_sas; i++) {
		ret = sa_add(dp, &pi->sas[i], why, sizeof(why));
		if (ret < 0)
			goto err;
	}
	for (unsigned int i = 0; i < pi->nb_sps; i++) {
		const struct nfv_policy_sp *sp = &pi->sps[i];

		ret = sp_add(dp, sp, sp->sa >= 0 ? pi->sas[sp->sa].name : "", why, sizeof(why));
		if (ret < 0)
			goto err;
	}
	if (dp->ipsec != NULL)
		nfv_ipsec_spd_sync(dp->ipsec->ips);
	NFV_LOG(INFO, "ipsec: %u SA(s), %u policies", pi->nb_sas, pi->nb_sps);
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
	nfv_ipsec_fini(s->ips);
	dp->ipsec = NULL;
	free(s);
}

/* Lists for the management socket; keys are never copied out. */
static int sa_list(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_ipsec_sa));
	struct nfv_ipsec_dp *s = dp->ipsec;
	int ret = 0;

	for (unsigned int i = 0; l != NULL && s != NULL && i < IPSEC_MAX_SA; i++) {
		const struct dp_sa *sa = &s->sas[i];
		struct nfv_ipsec_sa_stats st;
		struct nfv_msg_ipsec_sa *r;

		if (!sa->used)
			continue;
		r = nfv_buf_put(b, sizeof(*r));
		if (r == NULL) {
			ret = -ENOMEM;
			break;
		}
		l = (struct nfv_msg_list *)b->p;
		strlcpy(r->name, sa->conf.name, sizeof(r->name));
		r->spi = sa->conf.spi;
		r->reqid = sa->conf.reqid;
		r->dir = sa->conf.dir;
		r->mode = sa->conf.mode;
		r->cipher = sa->conf.cipher;
		r->auth = sa->conf.auth;
		r->esn = sa->conf.esn;
		r->natt = sa->conf.natt;
		r->natt_sport = sa->conf.natt_sport;
		r->natt_dport = sa->conf.natt_dport;
		r->replay_window = sa->conf.dir == NFV_IPSEC_DIR_OUT || sa->conf.replay_off ? 0 :
			sa->conf.replay_window ? sa->conf.replay_window :
			NFV_IPSEC_REPLAY_DEFAULT;
		r->src = sa->conf.src;
		r->dst = sa->conf.dst;
		r->soft = sa->conf.soft;
		r->hard = sa->conf.hard;
		if (nfv_ipsec_sa_stats(s->ips, i, &st) == 0)
			r->stats = st;
		r->state = sa->hard_seen || r->stats.seq_overflow ? NFV_IPSEC_SA_EXPIRED :
			   sa->soft_seen ? NFV_IPSEC_SA_SOFT : NFV_IPSEC_SA_ACTIVE;
		l->count++;
	}
	return l == NULL ? -ENOMEM : ret;
}

static int sp_list(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_list *l = nfv_buf_list(b, sizeof(struct nfv_msg_ipsec_sp));
	struct nfv_ipsec_dp *s = dp->ipsec;
	int ret = 0;

	for (unsigned int i = 0; l != NULL && s != NULL && i < IPSEC_MAX_SP; i++) {
		struct nfv_msg_ipsec_sp *r;

		if (!s->sps[i].used)
			continue;
		r = nfv_buf_put(b, sizeof(*r));
		if (r == NULL) {
			ret = -ENOMEM;
			break;
		}
		l = (struct nfv_msg_list *)b->p;
		r->sp = s->sps[i].conf;
		strlcpy(r->sa, s->sps[i].sa, sizeof(r->sa));
		if (nfv_ipsec_sp_stats(s->ips, s->sps[i].conf.dir, s->sps[i].id,
				       &r->refused) < 0)
			r->refused = 0;
		l->count++;
	}
	return l == NULL ? -ENOMEM : ret;
}

/* Requests: an SA request carries keys, wiped from the request buffer once
 * the module has its copy. */
static int req_sa_add(struct nfv_dp *dp, const struct nfv_msg_hdr *h, const void *payload,
		  char *why, size_t len)
{
	struct nfv_policy_sa sa;
	int ret;

	if (h->len < sizeof(sa)) {
		snprintf(why, len, "short SA request");
		return -EINVAL;
	}
	memcpy(&sa, payload, sizeof(sa));
	/* the connection's buffer is ours until the next read */
	explicit_bzero((void *)(uintptr_t)payload, sizeof(sa));
	sa.name[sizeof(sa.name) - 1] = '\0';
	if (sa.key_len > sizeof(sa.key) || sa.auth_key_len > sizeof(sa.auth_key) ||
	    sa.dir >= NFV_IPSEC_DIR_MAX || sa.mode >= NFV_IPSEC_MODE_MAX ||
	    sa.cipher >= NFV_IPSEC_CIPHER_MAX || sa.auth >= NFV_IPSEC_AUTH_MAX) {
		explicit_bzero(&sa, sizeof(sa));
		snprintf(why, len, "malformed SA request");
		return -EINVAL;
	}
	ret = sa_add(dp, &sa, why, len);
	explicit_bzero(&sa, sizeof(sa));
	return ret;
}

static int req_sp_add(struct nfv_dp *dp, const struct nfv_msg_hdr *h, const void *payload,
		  char *why, size_t len)
{
	struct nfv_msg_ipsec_sp_add r;

	if (h->len < sizeof(r)) {
		snprintf(why, len, "short policy request");
		return -EINVAL;
	}
	memcpy(&r, payload, sizeof(r));
	r.sp.name[sizeof(r.sp.name) - 1] = '\0';
	r.sa[sizeof(r.sa) - 1] = '\0';
	if (r.sp.dir >= NFV_IPSEC_DIR_MAX || r.sp.action >= NFV_IPSEC_ACTION_MAX ||
	    r.sp.src.addr.family != r.sp.dst.addr.family ||
	    (r.sp.src.addr.family != AF_INET && r.sp.src.addr.family != AF_INET6)) {
		snprintf(why, len, "malformed policy request");
		return -EINVAL;
	}
	return sp_add(dp, &r.sp, r.sa, why, len);
}

static int req_del(struct nfv_dp *dp, const struct nfv_msg_hdr *h, const void *payload,
	       char *why, size_t len)
{
	struct nfv_msg_name n;

	if (h->len < sizeof(n)) {
		snprintf(why, len, "short delete request");
		return -EINVAL;
	}
	memcpy(&n, payload, sizeof(n));
	n.name[sizeof(n.name) - 1] = '\0';
	if (h->type == NFV_MSG_IPSEC_SA_DEL)
		return sa_del(dp, n.name, why, len);
	return sp_del(dp, n.name, why, len);
}

static int handle_ipsec(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_buf b = { 0 };
	char why[200] = "";
	int ret;

	switch (h->type) {
	case NFV_MSG_IPSEC_SAS:
		return nfv_mgmt_reply(c, h, &b, sa_list(dp, &b));
	case NFV_MSG_IPSEC_SPS:
		return nfv_mgmt_reply(c, h, &b, sp_list(dp, &b));
	case NFV_MSG_IPSEC_SA_ADD:
		ret = req_sa_add(dp, h, payload, why, sizeof(why));
		break;
	case NFV_MSG_IPSEC_SP_ADD:
		ret = req_sp_add(dp, h, payload, why, sizeof(why));
		break;
	case NFV_MSG_IPSEC_SA_DEL:
	case NFV_MSG_IPSEC_SP_DEL:
		ret = req_del(dp, h, payload, why, sizeof(why));
		break;
	default:
		return nfv_mgmt_error(c, h->seq, -EOPNOTSUPP, "unknown request type %u",
				      h->type);
	}
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", why[0] ? why : strerror(-ret));
	return nfv_mgmt_send(c, h->type, h->seq, 0, NULL, 0);
}

static const struct nfv_mgmt_handler ipsec_handlers[] = {
	{ NFV_MSG_IPSEC_SAS, 0, false, "SAs", handle_ipsec },
	{ NFV_MSG_IPSEC_SPS, 0, false, "policies", handle_ipsec },
	{ NFV_MSG_IPSEC_SA_ADD, 0, true, "SA add", handle_ipsec },
	{ NFV_MSG_IPSEC_SA_DEL, 0, true, "SA delete", handle_ipsec },
	{ NFV_MSG_IPSEC_SP_ADD, 0, true, "policy add", handle_ipsec },
	{ NFV_MSG_IPSEC_SP_DEL, 0, true, "policy delete", handle_ipsec },
};
NFV_MGMT_HANDLERS(ipsec_handlers);

static struct nfv_ctl_module ipsec_module = {
	.name = "ipsec",
	.order = NFV_CTL_ORDER_IPSEC,
	.init = ipsec_init,
	.poll = ipsec_poll,
	.fini = ipsec_fini,
};
NFV_CTL_MODULE(ipsec_module);
