/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SAs and policies by name. The module (hooks/ipsec) is created and its
 * two entries registered on the first SA or policy, so a dataplane without
 * IPsec pays nothing in POST_ROUTING. Slots of SAs are indexes of sas[];
 * policy ids are never reused.
 *
 * No lock: but for ipsec_too_big() (a worker's callback, which touches
 * none of this state), only the main lcore runs this file: start-up, the
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
#include "ipsec_apply.h"
#include "log.h"
#include "mgmt.h"
#include "nfv_mbuf.h"
#include "nfv_ipsec.h"

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
	struct nfv_policy_sp conf;
	char sa[NFV_NAME_MAX];
};

struct nfv_ipsec_dp {
	struct nfv_ipsec *ips;
	bool registered;
	uint64_t next_poll;		/* TSC deadline of the lifetime poll */
	uint32_t next_sp_id;
	struct dp_sa sas[IPSEC_MAX_SA];
	struct dp_sp sps[IPSEC_MAX_SP];
};

static uint64_t poll_cycles(void)
{
	return rte_get_tsc_hz() * IPSEC_POLL_MS / 1000;
}

/*
 * Worker side, from esp-output: the inner packet m does not fit its SA's
 * path; answer as a router whose next hop has MTU mtu (RFC 1191, 8201).
 */
static void ipsec_too_big(void *arg, unsigned int worker, struct rte_mbuf *m,
			  uint32_t mtu)
{
	struct nfv_dp *dp = arg;
	struct nfv_worker *w = &dp->workers[worker];

	if (nfv_mbuf_meta(m)->family == AF_INET)
		nfv_pipeline_icmp_error(w, m, NFV_ICMP4_DEST_UNREACH, NFV_ICMP4_FRAG_NEEDED, mtu);
	else
		nfv_pipeline_icmp_error(w, m, NFV_ICMP6_PKT_TOO_BIG, 0, mtu);
}

/* The MTU of the port that the route to dst leaves by; 0 when none. */
static uint16_t path_mtu(const struct nfv_dp *dp, const struct nfv_addr *dst)
{
	const struct nfv_fib_snap *snap = __atomic_load_n(&dp->rib.snap, __ATOMIC_ACQUIRE);
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
		.too_big = ipsec_too_big,
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

int nfv_ipsec_dp_sa_add(struct nfv_dp *dp, const struct nfv_policy_sa *p,
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
		if (!s->sas[id].used) {
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

int nfv_ipsec_dp_sp_add(struct nfv_dp *dp, const struct nfv_policy_sp *p,
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
int nfv_ipsec_dp_sa_del(struct nfv_dp *dp, const char *name, char *why, size_t len)
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

int nfv_ipsec_dp_sp_del(struct nfv_dp *dp, const char *name, char *why, size_t len)
{
	struct nfv_ipsec_dp *s = dp->ipsec;
	struct dp_sp *sp = sp_find(s, name);

	if (sp == NULL) {
		snprintf(why, len, "no policy \"%s\"", name);
		return -ENOENT;
	}
	return slot_release(dp, sp, sizeof(*sp),
			    nfv_ipsec_sp_del(s->ips, sp->conf.dir, sp->id));
}

/*
 * The SPD classifiers after changes; lifetimes once a second: soft tells
 * the control side (log; nfvpnd rekeys), hard means the SA stopped.
 */
void nfv_ipsec_dp_timer(struct nfv_dp *dp, uint64_t now)
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

int nfv_ipsec_apply(struct nfv_dp *dp)
{
	const struct nfv_policy_ipsec *pi = dp->policy->ipsec;
	char why[160];
	int ret;

	if (pi == NULL)
		return 0;
	for (unsigned int i = 0; i < pi->nb_sas; i++) {
		ret = nfv_ipsec_dp_sa_add(dp, &pi->sas[i], why, sizeof(why));
		if (ret < 0)
			goto err;
	}
	for (unsigned int i = 0; i < pi->nb_sps; i++) {
		const struct nfv_policy_sp *sp = &pi->sps[i];

		ret = nfv_ipsec_dp_sp_add(dp, sp, sp->sa >= 0 ? pi->sas[sp->sa].name : "",
					  why, sizeof(why));
		if (ret < 0)
			goto err;
	}
	if (dp->ipsec != NULL)
		nfv_ipsec_spd_sync(dp->ipsec->ips);
	NFV_LOG(INFO, "ipsec: %u SA(s), %u policies", pi->nb_sas, pi->nb_sps);
	return 0;
err:
	NFV_LOG(ERR, "ipsec: %s", why);
	return ret;
}

void nfv_ipsec_dp_fini(struct nfv_dp *dp)
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
int nfv_ipsec_dp_sa_list(struct nfv_dp *dp, struct nfv_buf *b)
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

int nfv_ipsec_dp_sp_list(struct nfv_dp *dp, struct nfv_buf *b)
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
