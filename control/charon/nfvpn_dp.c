/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * charon's SAs and policies as the dataplane's management messages:
 * IKEv2 transform IDs to nfvpn's algorithm rows, charon's addresses and
 * selectors to struct nfv_policy_sa / _sp. Keys pass through a stack copy
 * that is wiped before return; nothing here keeps or logs them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "nfv_client.h"
#include "nfv_event.h"
#include "nfvpn_dp.h"

/* IKEv2 transform IDs (IANA "Transform Type 1/3"), the values charon uses */
enum {
	IKE_ENCR_AES_CBC = 12,
	IKE_ENCR_AES_CCM_16 = 16,
	IKE_ENCR_AES_GCM_16 = 20,
	IKE_ENCR_CHACHA20_POLY1305 = 28,
	IKE_AUTH_NONE = 0,
	IKE_AUTH_HMAC_SHA2_256_128 = 12,
	IKE_AUTH_HMAC_SHA2_384_192 = 13,
	IKE_AUTH_HMAC_SHA2_512_256 = 14,
	/* not IANA's: strongSwan's AUTH_UNDEFINED, what charon gives with an AEAD */
	IKE_AUTH_UNDEFINED = 1024,
};

struct nfvpn_dp {
	struct nfv_client c;
	bool open;
	char path[108];
	char err[NFV_CLIENT_ERR_MAX];
};

struct nfvpn_dp *nfvpn_dp_create(const char *path)
{
	struct nfvpn_dp *dp = calloc(1, sizeof(*dp));

	if (dp == NULL)
		return NULL;
	snprintf(dp->path, sizeof(dp->path), "%s", nfv_client_socket_path(path));
	dp->c.fd = -1;
	return dp;
}

void nfvpn_dp_destroy(struct nfvpn_dp *dp)
{
	if (dp == NULL)
		return;
	if (dp->open)
		nfv_client_close(&dp->c);
	free(dp);
}

const char *nfvpn_dp_error(const struct nfvpn_dp *dp)
{
	return dp->err;
}

static int dp_connect(struct nfvpn_dp *dp)
{
	int ret;

	if (dp->open && !dp->c.broken)
		return 0;
	if (dp->open)
		nfv_client_close(&dp->c);
	dp->open = false;
	ret = nfv_client_open(&dp->c, dp->path);
	if (ret < 0) {
		snprintf(dp->err, sizeof(dp->err), "%s", dp->c.err);
		return ret;
	}
	dp->open = true;
	return 0;
}

/* A lost connection (the dataplane restarted) is retried once on a new one. */
static bool dp_retry(const struct nfvpn_dp *dp, int ret)
{
	return dp->c.broken || ret == -EPIPE || ret == -ECONNRESET || ret == -ENOTCONN;
}

static int dp_request(struct nfvpn_dp *dp, uint16_t type, const void *req,
		      uint32_t len, void **resp, uint32_t *resp_len)
{
	int ret, tries;

	for (tries = 0; tries < 2; tries++) {
		ret = dp_connect(dp);
		if (ret < 0)
			continue;
		ret = nfv_client_request(&dp->c, type, req, len, resp, resp_len);
		if (ret == 0)
			return 0;
		snprintf(dp->err, sizeof(dp->err), "%s", dp->c.err);
		if (!dp_retry(dp, ret))
			return ret;
		dp->c.broken = true;
	}
	return ret;
}

static int dp_list(struct nfvpn_dp *dp, uint16_t type, size_t rec_size,
		   void **recs, uint32_t *count)
{
	int ret, tries;

	for (tries = 0; tries < 2; tries++) {
		ret = dp_connect(dp);
		if (ret < 0)
			continue;
		ret = nfv_client_list(&dp->c, type, rec_size, recs, count);
		if (ret == 0)
			return 0;
		snprintf(dp->err, sizeof(dp->err), "%s", dp->c.err);
		if (!dp_retry(dp, ret))
			return ret;
		dp->c.broken = true;
	}
	return ret;
}

static int dp_fail(struct nfvpn_dp *dp, int ret, const char *fmt, unsigned int v)
{
	snprintf(dp->err, sizeof(dp->err), fmt, v);
	return ret;
}

/* The nfvpn cipher row of an IKEv2 encryption transform with this KEYMAT length. */
static int sa_cipher(uint16_t enc_alg, size_t keymat_len)
{
	unsigned int c;

	for (c = 0; c < NFV_IPSEC_CIPHER_MAX; c++) {
		const struct nfv_ipsec_cipher_alg *a = &nfv_ipsec_ciphers[c];
		bool family;

		switch (enc_alg) {
		case IKE_ENCR_AES_GCM_16:
			family = c == NFV_IPSEC_AES_GCM_128 || c == NFV_IPSEC_AES_GCM_256;
			break;
		case IKE_ENCR_AES_CCM_16:
			family = c == NFV_IPSEC_AES_CCM_128 || c == NFV_IPSEC_AES_CCM_256;
			break;
		case IKE_ENCR_CHACHA20_POLY1305:
			family = c == NFV_IPSEC_CHACHA20_POLY1305;
			break;
		case IKE_ENCR_AES_CBC:
			family = c == NFV_IPSEC_AES_CBC_128 || c == NFV_IPSEC_AES_CBC_256;
			break;
		default:
			return -1;
		}
		if (family && (size_t)a->key_len + a->salt_len == keymat_len)
			return (int)c;
	}
	return -1;
}

static int sa_auth(uint16_t int_alg)
{
	switch (int_alg) {
	case IKE_AUTH_NONE:
	case IKE_AUTH_UNDEFINED:
		return NFV_IPSEC_AUTH_NONE;
	case IKE_AUTH_HMAC_SHA2_256_128:
		return NFV_IPSEC_HMAC_SHA256_128;
	case IKE_AUTH_HMAC_SHA2_384_192:
		return NFV_IPSEC_HMAC_SHA384_192;
	case IKE_AUTH_HMAC_SHA2_512_256:
		return NFV_IPSEC_HMAC_SHA512_256;
	}
	return -1;
}

static void addr_set(struct nfv_addr *a, int family, const uint8_t *bytes)
{
	a->family = (uint8_t)family;
	memcpy(a->bytes, bytes, family == AF_INET ? 4 : 16);
}

/* Fills p from sa; keys included: the caller wipes p. */
static int sa_fill(struct nfvpn_dp *dp, const struct nfvpn_dp_sa *sa,
		   struct nfv_policy_sa *p)
{
	int cipher = sa_cipher(sa->enc_alg, sa->enc_key_len);
	int auth = sa_auth(sa->int_alg);

	if (cipher < 0)
		return dp_fail(dp, -ENOTSUP, "encryption transform %u with this key length: not in nfvpn",
			       sa->enc_alg);
	if (auth < 0)
		return dp_fail(dp, -ENOTSUP, "integrity transform %u: not in nfvpn", sa->int_alg);
	if (nfv_ipsec_ciphers[cipher].aead != (auth == NFV_IPSEC_AUTH_NONE))
		return dp_fail(dp, -EINVAL, "integrity transform %u does not go with this cipher",
			       sa->int_alg);
	if (auth != NFV_IPSEC_AUTH_NONE && sa->int_key_len != nfv_ipsec_auths[auth].key_len)
		return dp_fail(dp, -EINVAL, "integrity key of %u bytes", (unsigned int)sa->int_key_len);
	if (sa->replay_window > NFV_IPSEC_REPLAY_MAX) {
		snprintf(dp->err, sizeof(dp->err), "replay window %u: nfvpn's largest is %u",
			 sa->replay_window, NFV_IPSEC_REPLAY_MAX);
		return -ERANGE;
	}
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", sa->name);
	p->spi = sa->spi;
	p->reqid = sa->reqid;
	p->dir = sa->inbound ? NFV_IPSEC_DIR_IN : NFV_IPSEC_DIR_OUT;
	p->mode = sa->transport ? NFV_IPSEC_MODE_TRANSPORT : NFV_IPSEC_MODE_TUNNEL;
	p->cipher = (uint8_t)cipher;
	p->auth = (uint8_t)auth;
	addr_set(&p->src, sa->family, sa->src);
	addr_set(&p->dst, sa->family, sa->dst);
	memcpy(p->key, sa->enc_key, sa->enc_key_len);
	p->key_len = (uint8_t)sa->enc_key_len;
	if (auth != NFV_IPSEC_AUTH_NONE) {
		memcpy(p->auth_key, sa->int_key, sa->int_key_len);
		p->auth_key_len = (uint8_t)sa->int_key_len;
	}
	p->esn = sa->esn;
	p->natt = sa->encap;
	p->natt_sport = sa->encap ? sa->sport : 0;
	p->natt_dport = sa->encap ? sa->dport : 0;
	p->replay_window = sa->replay_window;
	p->replay_off = sa->replay_window == 0;
	p->soft.bytes = sa->soft_bytes;
	p->soft.packets = sa->soft_packets;
	p->hard.bytes = sa->hard_bytes;
	p->hard.packets = sa->hard_packets;
	p->soft.seconds = sa->soft_seconds;
	p->hard.seconds = sa->hard_seconds;
	return 0;
}

int nfvpn_dp_sa_add(struct nfvpn_dp *dp, const struct nfvpn_dp_sa *sa)
{
	struct nfv_policy_sa p;
	int ret;

	/* nfvpnd leaves these names to charon (NFV_IPSEC_IKE_PREFIX) */
	if (!nfv_ipsec_name_is_ike(sa->name))
		return dp_fail(dp, -EINVAL, "SA name without the IKE prefix", 0);
	ret = sa_fill(dp, sa, &p);
	if (ret == 0)
		ret = dp_request(dp, NFV_MSG_IPSEC_SA_ADD, &p, sizeof(p), NULL, NULL);
	explicit_bzero(&p, sizeof(p));
	return ret;
}

static int name_request(struct nfvpn_dp *dp, uint16_t type, const char *name)
{
	struct nfv_msg_name m;

	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", name);
	return dp_request(dp, type, &m, sizeof(m), NULL, NULL);
}

int nfvpn_dp_sa_del(struct nfvpn_dp *dp, const char *name)
{
	return name_request(dp, NFV_MSG_IPSEC_SA_DEL, name);
}

int nfvpn_dp_sa_update(struct nfvpn_dp *dp, const char *name, int family,
		       const uint8_t src[16], const uint8_t dst[16], bool encap,
		       uint16_t sport, uint16_t dport)
{
	struct nfv_msg_ipsec_sa_update u;

	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", name);
	addr_set(&u.src, family, src);
	addr_set(&u.dst, family, dst);
	u.natt = encap;
	u.natt_sport = encap ? sport : 0;
	u.natt_dport = encap ? dport : 0;
	return dp_request(dp, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u), NULL, NULL);
}

static int sa_list(struct nfvpn_dp *dp, struct nfv_msg_ipsec_sa **sas, uint32_t *n)
{
	return dp_list(dp, NFV_MSG_IPSEC_SAS, sizeof(**sas), (void **)sas, n);
}

int nfvpn_dp_sa_query(struct nfvpn_dp *dp, const char *name, uint64_t *bytes,
		      uint64_t *packets, uint64_t *use_time)
{
	struct nfv_msg_ipsec_sa *sas;
	uint32_t n, i;
	int ret;

	ret = sa_list(dp, &sas, &n);
	if (ret < 0)
		return ret;
	ret = dp_fail(dp, -ENOENT, "no SA of this name in the dataplane", 0);
	for (i = 0; i < n; i++) {
		if (strncmp(sas[i].name, name, sizeof(sas[i].name)) != 0)
			continue;
		*bytes = sas[i].stats.bytes;
		*packets = sas[i].stats.packets;
		*use_time = sas[i].use_time;
		ret = 0;
		break;
	}
	free(sas);
	return ret;
}

int nfvpn_dp_spi_used(struct nfvpn_dp *dp, uint32_t spi)
{
	struct nfv_msg_ipsec_sa *sas;
	uint32_t n, i;
	int ret;

	ret = sa_list(dp, &sas, &n);
	if (ret < 0)
		return ret;
	for (i = 0; i < n && ret == 0; i++)
		ret = sas[i].spi == spi;
	free(sas);
	return ret;
}

int nfvpn_dp_sp_add(struct nfvpn_dp *dp, const struct nfvpn_dp_sp *sp)
{
	static const uint8_t actions[] = {
		[NFVPN_DP_PROTECT] = NFV_IPSEC_PROTECT,
		[NFVPN_DP_BYPASS] = NFV_IPSEC_BYPASS,
		[NFVPN_DP_DISCARD] = NFV_IPSEC_DISCARD,
	};
	struct nfv_msg_ipsec_sp_add m;

	if (!nfv_ipsec_name_is_ike(sp->name))
		return dp_fail(dp, -EINVAL, "policy name without the IKE prefix", 0);
	memset(&m, 0, sizeof(m));
	snprintf(m.sp.name, sizeof(m.sp.name), "%s", sp->name);
	m.sp.priority = sp->priority;
	m.sp.dir = sp->inbound ? NFV_IPSEC_DIR_IN : NFV_IPSEC_DIR_OUT;
	m.sp.action = actions[sp->action];
	m.sp.proto = sp->proto;
	addr_set(&m.sp.src.addr, sp->family, sp->src);
	m.sp.src.len = sp->src_len;
	addr_set(&m.sp.dst.addr, sp->family, sp->dst);
	m.sp.dst.len = sp->dst_len;
	m.sp.sport_min = sp->sport_min;
	m.sp.sport_max = sp->sport_max;
	m.sp.dport_min = sp->dport_min;
	m.sp.dport_max = sp->dport_max;
	m.sp.sa = -1;
	if (sp->action == NFVPN_DP_PROTECT && sp->trap) {
		m.trap = 1;
		m.reqid = sp->reqid;
	} else if (sp->action == NFVPN_DP_PROTECT) {
		snprintf(m.sa, sizeof(m.sa), "%s", sp->sa);
	}
	return dp_request(dp, NFV_MSG_IPSEC_SP_ADD, &m, sizeof(m), NULL, NULL);
}

int nfvpn_dp_sp_del(struct nfvpn_dp *dp, const char *name)
{
	return name_request(dp, NFV_MSG_IPSEC_SP_DEL, name);
}

int nfvpn_dp_events_open(struct nfvpn_dp *dp)
{
	int ret = dp_connect(dp);

	if (ret == 0)
		ret = nfv_client_request(&dp->c, NFV_MSG_EVENTS, NULL, 0, NULL, NULL);
	if (ret < 0) {
		snprintf(dp->err, sizeof(dp->err), "%s", dp->c.err);
		return ret;
	}
	return dp->c.fd;
}

int nfvpn_dp_fd(const struct nfvpn_dp *dp)
{
	return dp->open ? dp->c.fd : -1;
}

/* The event's object as an SA name; false when it cannot be one. */
static bool event_name(const struct nfv_msg_event *e, char name[NFVPN_DP_NAME_MAX])
{
	size_t n = strnlen(e->object, sizeof(e->object));

	if (n >= NFVPN_DP_NAME_MAX)
		return false;
	memcpy(name, e->object, n);
	name[n] = '\0';
	return true;
}

/* NFV_EVENT_SA_MAPPING: value the port, text the address (dataplane/control/ipsec.c). */
static bool event_mapping(const struct nfv_msg_event *e, struct nfvpn_dp_event *ev)
{
	char text[sizeof(e->text)];

	memcpy(text, e->text, sizeof(text));
	text[sizeof(text) - 1] = '\0';
	if (e->value == 0 || e->value > UINT16_MAX)
		return false;
	ev->port = (uint16_t)e->value;
	memset(ev->addr, 0, sizeof(ev->addr));
	if (inet_pton(AF_INET, text, ev->addr) == 1)
		ev->family = AF_INET;
	else if (inet_pton(AF_INET6, text, ev->addr) == 1)
		ev->family = AF_INET6;
	else
		return false;
	return true;
}

/*
 * NFV_EVENT_SP_ACQUIRE's text: "src A dst B proto P [sport S dport D]",
 * the packet's (dataplane/control/ipsec.c); ev->sel says whether it
 * read as such (a dataplane without it sends none: charon then
 * negotiates the trap's own selectors).
 */
static void event_acquire_sel(const struct nfv_msg_event *e, struct nfvpn_dp_event *ev)
{
	char text[sizeof(e->text)], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	unsigned int proto, sport, dport;
	int n;

	memcpy(text, e->text, sizeof(text));
	text[sizeof(text) - 1] = '\0';
	ev->sel = ev->ports = false;
	n = sscanf(text, "src %45s dst %45s proto %u sport %u dport %u", src, dst, &proto,
		   &sport, &dport);
	if ((n != 3 && n != 5) || proto > UINT8_MAX ||
	    (n == 5 && (sport > UINT16_MAX || dport > UINT16_MAX)))
		return;
	memset(ev->addr, 0, sizeof(ev->addr));
	memset(ev->dst, 0, sizeof(ev->dst));
	if (inet_pton(AF_INET, src, ev->addr) == 1 && inet_pton(AF_INET, dst, ev->dst) == 1)
		ev->family = AF_INET;
	else if (inet_pton(AF_INET6, src, ev->addr) == 1 &&
		 inet_pton(AF_INET6, dst, ev->dst) == 1)
		ev->family = AF_INET6;
	else
		return;
	ev->proto = (uint8_t)proto;
	ev->ports = n == 5;
	ev->sport = ev->ports ? (uint16_t)sport : 0;
	ev->dport = ev->ports ? (uint16_t)dport : 0;
	ev->sel = true;
}

int nfvpn_dp_event_read(struct nfvpn_dp *dp, struct nfvpn_dp_event *ev)
{
	struct nfv_client_msg m;
	const struct nfv_msg_event *e;
	int ret;

	ret = nfv_client_recv(&dp->c, 0, &m);
	if (ret == -ETIMEDOUT)
		return 0;
	if (ret < 0) {
		snprintf(dp->err, sizeof(dp->err), "%s", dp->c.err);
		return ret;
	}
	e = m.payload;
	ret = 0;
	if (m.hdr.type != NFV_MSG_EVENT || m.hdr.len < sizeof(*e) || !event_name(e, ev->name))
		goto out;
	switch (e->type) {
	case NFV_EVENT_SA_SOFT:
		ev->kind = NFVPN_DP_EV_SOFT;
		ret = 1;
		break;
	case NFV_EVENT_SA_HARD:
		ev->kind = NFVPN_DP_EV_HARD;
		ret = 1;
		break;
	case NFV_EVENT_SA_MAPPING:
		ev->kind = NFVPN_DP_EV_MAPPING;
		ret = event_mapping(e, ev);
		break;
	case NFV_EVENT_SP_ACQUIRE:
		/* reqid 0: a policy of the YAML's whose SA is gone, not charon's */
		ev->kind = NFVPN_DP_EV_ACQUIRE;
		ev->reqid = (uint32_t)e->value;
		ret = e->value != 0 && e->value <= UINT32_MAX;
		if (ret)
			event_acquire_sel(e, ev);
		break;
	}
out:
	free(m.payload);
	return ret;
}

int nfvpn_dp_list_ike(struct nfvpn_dp *dp, char (**sas)[NFVPN_DP_NAME_MAX], bool **expired,
		      uint32_t *nsa, struct nfvpn_dp_sp **sps, uint32_t *nsp)
{
	struct nfv_msg_ipsec_sa *sa = NULL;
	struct nfv_msg_ipsec_sp *sp = NULL;
	uint32_t n_sa = 0, n_sp = 0, i;
	int ret;

	*sas = NULL;
	*expired = NULL;
	*sps = NULL;
	*nsa = *nsp = 0;
	ret = sa_list(dp, &sa, &n_sa);
	if (ret == 0)
		ret = dp_list(dp, NFV_MSG_IPSEC_SPS, sizeof(*sp), (void **)&sp, &n_sp);
	if (ret < 0)
		goto out;
	*sas = calloc(n_sa ? n_sa : 1, sizeof(**sas));
	*expired = calloc(n_sa ? n_sa : 1, sizeof(**expired));
	*sps = calloc(n_sp ? n_sp : 1, sizeof(**sps));
	ret = -ENOMEM;
	if (*sas == NULL || *expired == NULL || *sps == NULL)
		goto out;
	for (i = 0; i < n_sa; i++) {
		if (!nfv_ipsec_name_is_ike(sa[i].name))
			continue;
		(*expired)[*nsa] = sa[i].state == NFV_IPSEC_SA_EXPIRED;
		snprintf((*sas)[(*nsa)++], NFVPN_DP_NAME_MAX, "%.31s", sa[i].name);
	}
	for (i = 0; i < n_sp; i++) {
		const struct nfv_policy_sp *p = &sp[i].sp;
		struct nfvpn_dp_sp *r;

		if (!nfv_ipsec_name_is_ike(p->name))
			continue;
		r = &(*sps)[(*nsp)++];
		snprintf(r->name, sizeof(r->name), "%.31s", p->name);
		r->inbound = p->dir == NFV_IPSEC_DIR_IN;
		r->family = p->src.addr.family;
		memcpy(r->src, p->src.addr.bytes, 16);
		memcpy(r->dst, p->dst.addr.bytes, 16);
		r->src_len = p->src.len;
		r->dst_len = p->dst.len;
		r->proto = p->proto;
		r->sport_min = p->sport_min;
		r->sport_max = p->sport_max;
		r->dport_min = p->dport_min;
		r->dport_max = p->dport_max;
	}
	ret = 0;
out:
	if (ret < 0) {
		free(*sas);
		free(*expired);
		free(*sps);
		*sas = NULL;
		*expired = NULL;
		*sps = NULL;
		*nsa = *nsp = 0;
	}
	free(sa);
	free(sp);
	return ret;
}

bool nfvpn_dp_sp_same(const struct nfvpn_dp_sp *a, const struct nfvpn_dp_sp *b)
{
	size_t alen = a->family == AF_INET ? 4 : 16;

	return a->inbound == b->inbound && a->family == b->family &&
	       a->src_len == b->src_len && a->dst_len == b->dst_len &&
	       memcmp(a->src, b->src, alen) == 0 && memcmp(a->dst, b->dst, alen) == 0 &&
	       a->proto == b->proto && a->sport_min == b->sport_min &&
	       a->sport_max == b->sport_max && a->dport_min == b->dport_min &&
	       a->dport_max == b->dport_max;
}
