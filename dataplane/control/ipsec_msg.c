/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPsec management messages (32..38 of config/nfv_msg.h): the SA and
 * policy lists and the add/delete requests, which ipsec.c carries out.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_string_fns.h>

#include "dp.h"
#include "ipsec.h"
#include "mgmt.h"
#include "nfv_ipsec.h"

/* SA id's last packet as CLOCK_REALTIME seconds; 0: none. */
static uint64_t sa_use_time(struct nfv_ipsec_dp *s, uint32_t id)
{
	uint64_t use = nfv_ipsec_sa_use(s->ips, id), now = rte_get_tsc_cycles(), ago;
	struct timespec ts;

	if (use == 0)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ago = now > use ? (now - use) / rte_get_tsc_hz() : 0;
	return (uint64_t)ts.tv_sec > ago ? (uint64_t)ts.tv_sec - ago : 1;
}

/* Lists for the management socket; keys are never copied out. */
static int list_sas(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	struct nfv_ipsec_dp *s = dp->ipsec;

	for (unsigned int i = 0; s != NULL && i < s->sa_free.hi; i++) {
		const struct dp_sa *sa = &s->sas[i];
		struct nfv_ipsec_sa_stats st;
		struct nfv_msg_ipsec_sa *r;

		if (!sa->used)
			continue;
		r = nfv_mgmt_row(rows);
		if (r == NULL)
			return -ENOMEM;
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
		r->use_time = sa_use_time(s, i);
		r->state = sa->hard_seen || r->stats.seq_overflow ? NFV_IPSEC_SA_EXPIRED :
			   sa->soft_seen ? NFV_IPSEC_SA_SOFT : NFV_IPSEC_SA_ACTIVE;
	}
	return 0;
}

static int list_sps(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	struct nfv_ipsec_dp *s = dp->ipsec;

	for (unsigned int i = 0; s != NULL && i < s->sp_free.hi; i++) {
		struct nfv_msg_ipsec_sp *r;

		if (!s->sps[i].used)
			continue;
		r = nfv_mgmt_row(rows);
		if (r == NULL)
			return -ENOMEM;
		r->sp = s->sps[i].conf;
		/* a trap names no SA: "" */
		strlcpy(r->sa, s->sps[i].sa, sizeof(r->sa));
		if (nfv_ipsec_sp_stats(s->ips, s->sps[i].conf.dir, s->sps[i].id,
				       &r->refused) < 0)
			r->refused = 0;
	}
	return 0;
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
	ret = nfv_ipsec_ctl_sa_add(dp, &sa, why, len);
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
	if (r.trap) {
		if (r.sp.action != NFV_IPSEC_PROTECT || r.sa[0] != '\0') {
			snprintf(why, len, "policy \"%s\": a trap protects, without an SA",
				 r.sp.name);
			return -EINVAL;
		}
		return nfv_ipsec_ctl_sp_add_trap(dp, &r.sp, r.reqid, why, len);
	}
	return nfv_ipsec_ctl_sp_add(dp, &r.sp, r.sa, why, len);
}

static int req_sa_update(struct nfv_dp *dp, const void *payload, char *why, size_t len)
{
	struct nfv_msg_ipsec_sa_update u;

	/* the length: the handler's min_len */
	memcpy(&u, payload, sizeof(u));
	u.name[sizeof(u.name) - 1] = '\0';
	if (u.src.family != u.dst.family ||
	    (u.src.family != AF_INET && u.src.family != AF_INET6)) {
		snprintf(why, len, "malformed SA update");
		return -EINVAL;
	}
	return nfv_ipsec_ctl_sa_update(dp, &u, why, len);
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
		return nfv_ipsec_ctl_sa_del(dp, n.name, why, len);
	return nfv_ipsec_ctl_sp_del(dp, n.name, why, len);
}

static int handle_ipsec(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			const struct nfv_msg_hdr *h, const void *payload)
{
	char why[200] = "";
	int ret;

	switch (h->type) {
	case NFV_MSG_IPSEC_SA_ADD:
		ret = req_sa_add(dp, h, payload, why, sizeof(why));
		break;
	case NFV_MSG_IPSEC_SP_ADD:
		ret = req_sp_add(dp, h, payload, why, sizeof(why));
		break;
	case NFV_MSG_IPSEC_SA_UPDATE:
		ret = req_sa_update(dp, payload, why, sizeof(why));
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
	return nfv_mgmt_ok(c, h);
}

static const struct nfv_mgmt_handler ipsec_handlers[] = {
	NFV_MGMT_LISTING(NFV_MSG_IPSEC_SAS, "SAs", struct nfv_msg_ipsec_sa, list_sas),
	NFV_MGMT_LISTING(NFV_MSG_IPSEC_SPS, "policies", struct nfv_msg_ipsec_sp, list_sps),
	{ NFV_MSG_IPSEC_SA_ADD, 0, true, "SA add", handle_ipsec },
	{ NFV_MSG_IPSEC_SA_DEL, 0, true, "SA delete", handle_ipsec },
	{ NFV_MSG_IPSEC_SP_ADD, 0, true, "policy add", handle_ipsec },
	{ NFV_MSG_IPSEC_SP_DEL, 0, true, "policy delete", handle_ipsec },
	{ NFV_MSG_IPSEC_SA_UPDATE, sizeof(struct nfv_msg_ipsec_sa_update), true, "SA update",
	  handle_ipsec },
};
NFV_MGMT_HANDLERS(ipsec_handlers);
