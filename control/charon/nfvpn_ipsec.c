/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kernel_ipsec_t on nfvpn-dataplane. charon calls it from several
 * threads; one mutex serialises them over the one socket connection.
 *
 * SAs: named "ike-<i|o><spi>-<n>" in the dataplane (n keeps two peers'
 * equal outbound SPIs apart; "ike-" is NFV_IPSEC_IKE_PREFIX, the names
 * nfvpnd leaves alone and policy files may not use); this side keeps only spi, destination and
 * name, never a key. Policies: XFRM's, refcounted as kernel-netlink does,
 * because during a rekey the old and the new CHILD_SA install the same
 * selectors. The dataplane's policy names one SA (by name); when the
 * newest SA of a policy changes, a new dataplane policy pointing at it is
 * added before the old one goes, so that packets always find one.
 * FWD policies have no counterpart: nfvpn checks forwarded packets against
 * its inbound policies, as the "in" policy charon installs beside.
 *
 * Expiry: the dataplane counts bytes and packets per SA and raises its
 * soft and hard lifetime events on a second connection; they reach charon
 * as the kernel's XFRM expire messages would (kernel_interface_t.expire):
 * soft rekeys, hard deletes.
 */
#include <sys/random.h>
#include <unistd.h>
#include <time.h>

#include <daemon.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>

#include "nfvpn_dp.h"
#include "nfvpn_ipsec.h"

/* the range kernel-netlink allocates in by default (spi_min, spi_max) */
#define SPI_MIN KERNEL_SPI_MIN
#define SPI_MAX KERNEL_SPI_MAX

typedef struct private_nfvpn_ipsec_t private_nfvpn_ipsec_t;

struct private_nfvpn_ipsec_t {
	nfvpn_ipsec_t public;
	mutex_t *mutex;
	struct nfvpn_dp *dp;
	linked_list_t *sas;		/* sa_entry_t */
	linked_list_t *policies;	/* policy_entry_t */
	uint32_t next_spi;
	uint32_t seq;			/* for unique names */
	struct nfvpn_dp *ev;		/* the event connection, NULL: none yet */
	char *socket;			/* the management socket, NULL: the default */
	bool ev_lost;			/* the watcher let it go: reopen */
	/*
	 * A previous charon's SAs and policies, found at start (names ""
	 * once handled): a policy goes when this charon installs one with
	 * the same selectors, an SA at its hard lifetime (docs/ike.md)
	 */
	char (*stale_sas)[NFVPN_DP_NAME_MAX];
	uint32_t n_stale_sas;
	struct nfvpn_dp_sp *stale_sps;
	uint32_t n_stale_sps;
};

typedef struct {
	uint32_t spi;			/* network order, as charon gives it */
	host_t *dst;
	bool inbound;
	char name[NFVPN_DP_NAME_MAX];
} sa_entry_t;

typedef struct {
	policy_dir_t dir;
	traffic_selector_t *src_ts, *dst_ts;
	policy_type_t type;
	int32_t priority;
	linked_list_t *spis;		/* SAs using it, oldest first (uintptr_t, network order) */
	uint32_t reqid;			/* IPsec: a trap's acquires name it */
	uint32_t installed_spi;		/* the SA the dataplane's policy names */
	char name[NFVPN_DP_NAME_MAX];	/* the dataplane's policy, "" when none */
} policy_entry_t;

static void sa_entry_destroy(sa_entry_t *sa)
{
	sa->dst->destroy(sa->dst);
	free(sa);
}

static sa_entry_t *sa_find(private_nfvpn_ipsec_t *this, uint32_t spi, host_t *dst,
			   int inbound)
{
	enumerator_t *e = this->sas->create_enumerator(this->sas);
	sa_entry_t *sa, *found = NULL;

	while (e->enumerate(e, &sa)) {
		if (sa->spi != spi || (inbound >= 0 && sa->inbound != inbound))
			continue;
		if (dst && !dst->ip_equals(dst, sa->dst))
			continue;
		found = sa;
		break;
	}
	e->destroy(e);
	return found;
}

METHOD(kernel_ipsec_t, get_features, kernel_feature_t, private_nfvpn_ipsec_t *this)
{
	return 0;
}

METHOD(kernel_ipsec_t, get_spi, status_t, private_nfvpn_ipsec_t *this,
       host_t *src, host_t *dst, uint8_t protocol, uint32_t *spi)
{
	status_t status = FAILED;
	uint32_t tries, s;
	int used;

	if (protocol != IPPROTO_ESP)
		return NOT_SUPPORTED;
	this->mutex->lock(this->mutex);
	for (tries = 0; tries < 64; tries++) {
		s = this->next_spi++;
		if (this->next_spi > SPI_MAX)
			this->next_spi = SPI_MIN;
		if (sa_find(this, htonl(s), NULL, -1))
			continue;
		/* the YAML's static SAs share the SPI space */
		used = nfvpn_dp_spi_used(this->dp, s);
		if (used < 0) {
			DBG1(DBG_KNL, "nfvpn: cannot list the dataplane's SAs: %s",
			     nfvpn_dp_error(this->dp));
			break;
		}
		if (used)
			continue;
		*spi = htonl(s);
		status = SUCCESS;
		break;
	}
	this->mutex->unlock(this->mutex);
	return status;
}

METHOD(kernel_ipsec_t, get_cpi, status_t, private_nfvpn_ipsec_t *this,
       host_t *src, host_t *dst, uint16_t *cpi)
{
	return NOT_SUPPORTED;
}

static void host_bytes(host_t *h, uint8_t out[16])
{
	chunk_t a = h->get_address(h);

	memset(out, 0, 16);
	memcpy(out, a.ptr, min(a.len, 16));
}

/*
 * The previous charon's SAs and policies, when the dataplane is there.
 * Those past their hard lifetime go now: their expire event reached no
 * charon, and none comes again (the events are subscribed before this, so
 * an SA expiring meanwhile is deleted here or by its event, not missed).
 */
static void stale_load(private_nfvpn_ipsec_t *this)
{
	bool *expired;
	uint32_t i;

	if (nfvpn_dp_list_ike(this->dp, &this->stale_sas, &expired, &this->n_stale_sas,
			      &this->stale_sps, &this->n_stale_sps) < 0) {
		DBG1(DBG_KNL, "nfvpn: cannot list the dataplane's SAs: %s",
		     nfvpn_dp_error(this->dp));
		return;
	}
	if (this->n_stale_sas || this->n_stale_sps)
		DBG1(DBG_KNL, "nfvpn: %u SAs and %u policies of a previous charon in the "
		     "dataplane: its policies go when this charon installs the same, its "
		     "SAs at their hard lifetime", this->n_stale_sas, this->n_stale_sps);
	for (i = 0; i < this->n_stale_sas; i++) {
		if (!expired[i])
			continue;
		DBG1(DBG_KNL, "nfvpn: deleting SA %s of a previous charon (hard lifetime "
		     "passed before this charon)", this->stale_sas[i]);
		if (nfvpn_dp_sa_del(this->dp, this->stale_sas[i]) < 0)
			DBG1(DBG_KNL, "nfvpn: deleting SA %s failed: %s", this->stale_sas[i],
			     nfvpn_dp_error(this->dp));
		this->stale_sas[i][0] = '\0';
	}
	free(expired);
}

static void stale_sa_expired(private_nfvpn_ipsec_t *this, const char *name)
{
	uint32_t i;

	this->mutex->lock(this->mutex);
	for (i = 0; i < this->n_stale_sas; i++) {
		if (!streq(this->stale_sas[i], name))
			continue;
		DBG1(DBG_KNL, "nfvpn: deleting SA %s of a previous charon (hard lifetime)",
		     name);
		if (nfvpn_dp_sa_del(this->dp, name) < 0)
			DBG1(DBG_KNL, "nfvpn: deleting SA %s failed: %s", name,
			     nfvpn_dp_error(this->dp));
		this->stale_sas[i][0] = '\0';
	}
	this->mutex->unlock(this->mutex);
}

/* This charon's policy sp replaces the previous charon's with its selectors. */
static void stale_sp_replace(private_nfvpn_ipsec_t *this, const struct nfvpn_dp_sp *sp)
{
	uint32_t i;

	for (i = 0; i < this->n_stale_sps; i++) {
		struct nfvpn_dp_sp *old = &this->stale_sps[i];

		if (!old->name[0] || !nfvpn_dp_sp_same(old, sp))
			continue;
		DBG1(DBG_KNL, "nfvpn: policy %s replaces %s of a previous charon",
		     sp->name, old->name);
		if (nfvpn_dp_sp_del(this->dp, old->name) < 0)
			DBG1(DBG_KNL, "nfvpn: deleting policy %s failed: %s", old->name,
			     nfvpn_dp_error(this->dp));
		old->name[0] = '\0';
	}
}

/*
 * One side of an acquire's packet as kernel-netlink makes it of XFRM's
 * acquire selector (selector2ts): the host, its protocol, and its port
 * when known; ICMP's type and code ride in the port, as charon's ICMP
 * selectors carry them (type << 8 | code).
 */
static traffic_selector_t *acquire_ts(const struct nfvpn_dp_event *ev, const uint8_t *addr)
{
	traffic_selector_t *ts;
	uint16_t port = 0;
	host_t *host;

	host = host_create_from_chunk(ev->family, chunk_create((u_char *)addr,
				      ev->family == AF_INET ? 4 : 16), 0);
	if (!host)
		return NULL;
	if (ev->ports) {
		if (ev->proto == IPPROTO_ICMP || ev->proto == IPPROTO_ICMPV6)
			port = (uint16_t)(ev->sport << 8 | (ev->dport & 0xff));
		else if (addr == ev->addr)
			port = ev->sport;
		else
			port = ev->dport;
	}
	ts = traffic_selector_create_from_subnet(host, ev->family == AF_INET ? 32 : 128,
						 ev->proto, port, port ?: 65535);
	return ts;
}

/* Called by charon's watcher thread when the event connection is readable. */
CALLBACK(on_event, bool, private_nfvpn_ipsec_t *this, int fd, watcher_event_t event)
{
	struct nfvpn_dp_event ev;
	host_t *dst = NULL, *remote;
	uint32_t spi = 0;
	enumerator_t *e;
	sa_entry_t *sa;
	bool hard;
	int ret;

	ret = nfvpn_dp_event_read(this->ev, &ev);
	if (ret < 0) {
		DBG1(DBG_KNL, "nfvpn: the dataplane's event stream ended: %s",
		     nfvpn_dp_error(this->ev));
		this->mutex->lock(this->mutex);
		this->ev_lost = TRUE;
		this->mutex->unlock(this->mutex);
		return FALSE;
	}
	if (ret == 0)
		return TRUE;
	if (ev.kind == NFVPN_DP_EV_ACQUIRE) {
		/* as XFRM's acquire: charon negotiates the trap's CHILD_SA,
		 * proposing the packet's selectors first (RFC 7296 2.9) */
		kernel_acquire_data_t data = {};

		if (ev.sel) {
			data.src = acquire_ts(&ev, ev.addr);
			data.dst = acquire_ts(&ev, ev.dst);
		}
		if (data.src && data.dst)
			DBG1(DBG_KNL, "nfvpn: acquire on policy %s (reqid %u) for %R === %R",
			     ev.name, ev.reqid, data.src, data.dst);
		else
			DBG1(DBG_KNL, "nfvpn: acquire on policy %s (reqid %u)", ev.name,
			     ev.reqid);
		charon->kernel->acquire(charon->kernel, ev.reqid, &data);
		DESTROY_IF(data.src);
		DESTROY_IF(data.dst);
		return TRUE;
	}
	hard = ev.kind == NFVPN_DP_EV_HARD;
	this->mutex->lock(this->mutex);
	e = this->sas->create_enumerator(this->sas);
	while (e->enumerate(e, &sa)) {
		if (streq(sa->name, ev.name)) {
			spi = sa->spi;
			dst = sa->dst->clone(sa->dst);
			break;
		}
	}
	e->destroy(e);
	this->mutex->unlock(this->mutex);
	/* a previous charon's: nobody will rekey it, it goes at its hard expiry */
	if (!dst) {
		if (hard)
			stale_sa_expired(this, ev.name);
		return TRUE;
	}
	if (ev.kind == NFVPN_DP_EV_MAPPING) {
		/* as XFRM_MSG_MAPPING: charon updates the IKE_SA and its CHILD_SAs */
		remote = host_create_from_chunk(ev.family, chunk_create(ev.addr,
					ev.family == AF_INET ? 4 : 16), ev.port);
		if (remote) {
			DBG1(DBG_KNL, "nfvpn: SA %s: authenticated packets come from %#H now",
			     ev.name, remote);
			charon->kernel->mapping(charon->kernel, IPPROTO_ESP, spi, dst, remote);
			remote->destroy(remote);
		}
	} else {
		DBG1(DBG_KNL, "nfvpn: SA %s reached its %s lifetime", ev.name,
		     hard ? "hard" : "soft");
		charon->kernel->expire(charon->kernel, IPPROTO_ESP, spi, dst, hard);
	}
	dst->destroy(dst);
	return TRUE;
}

/*
 * Subscribes to the dataplane's events, once, and again after the
 * connection ended (a restarted dataplane). Called with the mutex held.
 */
static void events_ensure(private_nfvpn_ipsec_t *this)
{
	int fd;

	if (this->ev && !this->ev_lost)
		return;
	/* the watcher has let go of a lost connection's socket */
	nfvpn_dp_destroy(this->ev);
	this->ev_lost = FALSE;
	this->ev = nfvpn_dp_create(this->socket);
	if (!this->ev)
		return;
	fd = nfvpn_dp_events_open(this->ev);
	if (fd < 0) {
		DBG1(DBG_KNL, "nfvpn: no lifetime events from the dataplane: %s",
		     nfvpn_dp_error(this->ev));
		nfvpn_dp_destroy(this->ev);
		this->ev = NULL;
		return;
	}
	lib->watcher->add(lib->watcher, fd, WATCHER_READ, on_event, this);
}

METHOD(kernel_ipsec_t, add_sa, status_t, private_nfvpn_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_add_sa_t *data)
{
	struct nfvpn_dp_sa sa = {
		.spi = ntohl(id->spi),
		.reqid = data->reqid,
		.inbound = data->inbound,
		.transport = data->mode == MODE_TRANSPORT,
		.esn = data->esn,
		.encap = data->encap,
		.family = id->src->get_family(id->src),
		.sport = id->src->get_port(id->src),
		.dport = id->dst->get_port(id->dst),
		.enc_alg = data->enc_alg,
		.enc_key = data->enc_key.ptr,
		.enc_key_len = data->enc_key.len,
		.int_alg = data->int_alg,
		.int_key = data->int_key.ptr,
		.int_key_len = data->int_key.len,
		.replay_window = data->replay_window,
	};
	sa_entry_t *entry;
	int ret;

	if (id->proto != IPPROTO_ESP || (data->mode != MODE_TUNNEL &&
					 data->mode != MODE_TRANSPORT) ||
	    data->ipcomp != IPCOMP_NONE) {
		DBG1(DBG_KNL, "nfvpn: SA %.8x: only ESP in tunnel or transport mode, "
		     "without IPComp", ntohl(id->spi));
		return NOT_SUPPORTED;
	}
	if (id->mark.value || id->if_id || data->label) {
		DBG1(DBG_KNL, "nfvpn: SA %.8x: marks, interface IDs and security "
		     "labels are not supported", ntohl(id->spi));
		return NOT_SUPPORTED;
	}
	host_bytes(id->src, sa.src);
	host_bytes(id->dst, sa.dst);
	if (data->lifetime) {
		sa.soft_bytes = data->lifetime->bytes.rekey;
		sa.hard_bytes = data->lifetime->bytes.life;
		sa.soft_packets = data->lifetime->packets.rekey;
		sa.hard_packets = data->lifetime->packets.life;
		/* as kernel-netlink sets XFRM's: charon's own timers act
		 * first; these expire the SAs of a charon that died */
		sa.soft_seconds = data->lifetime->time.rekey;
		sa.hard_seconds = data->lifetime->time.life;
	}
	this->mutex->lock(this->mutex);
	events_ensure(this);
	snprintf(sa.name, sizeof(sa.name), "ike-%c%08x-%u", data->inbound ? 'i' : 'o',
		 sa.spi, ++this->seq);
	ret = nfvpn_dp_sa_add(this->dp, &sa);
	if (ret < 0) {
		DBG1(DBG_KNL, "nfvpn: adding SA %.8x failed: %s", sa.spi,
		     nfvpn_dp_error(this->dp));
		this->mutex->unlock(this->mutex);
		return FAILED;
	}
	INIT(entry,
		.spi = id->spi,
		.dst = id->dst->clone(id->dst),
		.inbound = data->inbound,
	);
	memcpy(entry->name, sa.name, sizeof(entry->name));
	this->sas->insert_last(this->sas, entry);
	DBG2(DBG_KNL, "nfvpn: added SA %s (SPI %.8x, reqid %u)", entry->name, sa.spi,
	     data->reqid);
	this->mutex->unlock(this->mutex);
	return SUCCESS;
}

/*
 * NAT-T port floating and MOBIKE: the dataplane swaps the SA's outer
 * header in one step (no packet lost or sent half updated), addresses and
 * UDP encapsulation alike; keys, sequence numbers and counters stay. An
 * inbound SA whose destination moves (our address) is found by the new
 * one and, for a grace period, by the old one (kernel-netlink deletes the
 * XFRM state and adds it anew with the replay state copied: break before
 * make). The family cannot change: NOT_SUPPORTED makes charon reinstall
 * the old policies and keep the CHILD_SA where it was. Around this charon
 * reinstalls the policies with the new addresses (child_sa.c update());
 * ours name the SA, whose header is the tunnel's endpoints.
 */
METHOD(kernel_ipsec_t, update_sa, status_t, private_nfvpn_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_update_sa_t *data)
{
	uint8_t src[16], dst[16];
	status_t status = NOT_FOUND;
	sa_entry_t *sa;
	int family;

	family = data->new_src->get_family(data->new_src);
	if (family != data->new_dst->get_family(data->new_dst) ||
	    family != id->dst->get_family(id->dst)) {
		DBG1(DBG_KNL, "nfvpn: SA %.8x: the address family cannot change (%#H == %#H "
		     "to %#H == %#H)", ntohl(id->spi), id->src, id->dst, data->new_src,
		     data->new_dst);
		return NOT_SUPPORTED;
	}
	host_bytes(data->new_src, src);
	host_bytes(data->new_dst, dst);
	this->mutex->lock(this->mutex);
	sa = sa_find(this, id->spi, id->dst, -1);
	if (sa) {
		status = FAILED;
		if (nfvpn_dp_sa_update(this->dp, sa->name, family, src, dst, data->new_encap,
				       data->new_src->get_port(data->new_src),
				       data->new_dst->get_port(data->new_dst)) == 0) {
			DBG1(DBG_KNL, "nfvpn: SA %s now %#H == %#H%s", sa->name, data->new_src,
			     data->new_dst, data->new_encap ? " (UDP)" : "");
			sa->dst->destroy(sa->dst);
			sa->dst = data->new_dst->clone(data->new_dst);
			status = SUCCESS;
		} else {
			DBG1(DBG_KNL, "nfvpn: updating SA %s failed: %s", sa->name,
			     nfvpn_dp_error(this->dp));
		}
	}
	this->mutex->unlock(this->mutex);
	return status;
}

/*
 * The dataplane's use time (CLOCK_REALTIME seconds) as charon's clock,
 * the monotonic one, as kernel-netlink converts XFRM's; 0: never used.
 */
static time_t use_monotonic(uint64_t use)
{
	time_t now = time(NULL);

	if (use == 0)
		return 0;
	return time_monotonic(NULL) - (now > (time_t)use ? now - (time_t)use : 0);
}

METHOD(kernel_ipsec_t, query_sa, status_t, private_nfvpn_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_query_sa_t *data,
       uint64_t *bytes, uint64_t *packets, time_t *time)
{
	status_t status = NOT_FOUND;
	uint64_t b, p, use;
	sa_entry_t *sa;

	this->mutex->lock(this->mutex);
	sa = sa_find(this, id->spi, id->dst, -1);
	if (sa) {
		status = FAILED;
		if (nfvpn_dp_sa_query(this->dp, sa->name, &b, &p, &use) == 0) {
			if (bytes)
				*bytes = b;
			if (packets)
				*packets = p;
			/* the last packet's (kernel-netlink gives 0: XFRM's SA
			 * use_time is the first packet's); charon takes it
			 * when the bytes grew */
			if (time)
				*time = use_monotonic(use);
			status = SUCCESS;
		} else {
			DBG1(DBG_KNL, "nfvpn: querying SA %s failed: %s", sa->name,
			     nfvpn_dp_error(this->dp));
		}
	}
	this->mutex->unlock(this->mutex);
	return status;
}

/* Deletes in the dataplane, which unpublishes it and wipes its keys. */
static status_t sa_delete(private_nfvpn_ipsec_t *this, sa_entry_t *sa)
{
	status_t status = SUCCESS;

	if (nfvpn_dp_sa_del(this->dp, sa->name) < 0) {
		DBG1(DBG_KNL, "nfvpn: deleting SA %s failed: %s", sa->name,
		     nfvpn_dp_error(this->dp));
		status = FAILED;
	}
	this->sas->remove(this->sas, sa, NULL);
	sa_entry_destroy(sa);
	return status;
}

METHOD(kernel_ipsec_t, del_sa, status_t, private_nfvpn_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_del_sa_t *data)
{
	status_t status = NOT_FOUND;
	sa_entry_t *sa;

	this->mutex->lock(this->mutex);
	sa = sa_find(this, id->spi, id->dst, -1);
	if (sa) {
		DBG2(DBG_KNL, "nfvpn: deleting SA %s", sa->name);
		status = sa_delete(this, sa);
	}
	this->mutex->unlock(this->mutex);
	return status;
}

METHOD(kernel_ipsec_t, flush_sas, status_t, private_nfvpn_ipsec_t *this)
{
	status_t status = SUCCESS;
	sa_entry_t *sa;

	this->mutex->lock(this->mutex);
	while (this->sas->get_first(this->sas, (void **)&sa) == SUCCESS)
		if (sa_delete(this, sa) != SUCCESS)
			status = FAILED;
	this->mutex->unlock(this->mutex);
	return status;
}

/* A traffic selector as a prefix and port range; FALSE if nfvpn cannot match it. */
static bool ts_prefix(traffic_selector_t *ts, uint8_t addr[16], uint8_t *len,
		      uint16_t *port_min, uint16_t *port_max)
{
	uint16_t from = ts->get_from_port(ts), to = ts->get_to_port(ts);
	uint8_t proto = ts->get_protocol(ts);
	host_t *net;
	bool exact;

	exact = ts->to_subnet(ts, &net, len);
	host_bytes(net, addr);
	net->destroy(net);
	if (!exact)
		return FALSE;
	*port_min = *port_max = 0;
	if (from == 0 && to == 0xffff)
		return TRUE;
	/* ICMP's type and code ride in the ports: not a match nfvpn has */
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 || from > to)
		return FALSE;
	*port_min = from;
	*port_max = to;
	return TRUE;
}

/*
 * Lower runs first, as in XFRM and nfvpn: PASS policies before IPsec
 * ones, trap policies after, fallback last; inside a class the more
 * specific selectors first.
 */
static int32_t policy_priority(kernel_ipsec_manage_policy_t *data,
			       const struct nfvpn_dp_sp *sp)
{
	int32_t prio;

	if (data->manual_prio)
		return (int32_t)data->manual_prio;
	prio = (int32_t)data->prio * 1000;
	prio -= (sp->src_len + sp->dst_len) * 2;
	prio -= sp->proto ? 2 : 0;
	prio -= (sp->sport_min || sp->dport_min) ? 1 : 0;
	return prio;
}

static policy_entry_t *policy_find(private_nfvpn_ipsec_t *this,
				   kernel_ipsec_policy_id_t *id)
{
	enumerator_t *e = this->policies->create_enumerator(this->policies);
	policy_entry_t *p, *found = NULL;

	while (e->enumerate(e, &p)) {
		if (p->dir == id->dir && p->src_ts->equals(p->src_ts, id->src_ts) &&
		    p->dst_ts->equals(p->dst_ts, id->dst_ts)) {
			found = p;
			break;
		}
	}
	e->destroy(e);
	return found;
}

static void policy_entry_destroy(policy_entry_t *p)
{
	p->src_ts->destroy(p->src_ts);
	p->dst_ts->destroy(p->dst_ts);
	p->spis->destroy(p->spis);
	free(p);
}

/*
 * Points the dataplane's policy for p at the SA with SPI spi (0: none,
 * for PASS and DROP): the new policy first, then the old one goes.
 */
static status_t policy_install(private_nfvpn_ipsec_t *this, policy_entry_t *p,
			       uint32_t spi, host_t *sa_dst)
{
	struct nfvpn_dp_sp sp = {
		.inbound = p->dir == POLICY_IN,
		.priority = p->priority,
		.family = p->src_ts->get_type(p->src_ts) == TS_IPV4_ADDR_RANGE ?
			  AF_INET : AF_INET6,
		.proto = p->src_ts->get_protocol(p->src_ts),
	};
	char old[NFVPN_DP_NAME_MAX];
	sa_entry_t *sa = NULL;

	if (!ts_prefix(p->src_ts, sp.src, &sp.src_len, &sp.sport_min, &sp.sport_max) ||
	    !ts_prefix(p->dst_ts, sp.dst, &sp.dst_len, &sp.dport_min, &sp.dport_max)) {
		DBG1(DBG_KNL, "nfvpn: policy %R === %R: only prefixes and port "
		     "ranges are supported", p->src_ts, p->dst_ts);
		return NOT_SUPPORTED;
	}
	switch (p->type) {
	case POLICY_IPSEC:
		sp.action = NFVPN_DP_PROTECT;
		if (spi == 0) {
			/* a trap: its packets raise an acquire for reqid */
			sp.trap = TRUE;
			sp.reqid = p->reqid;
			break;
		}
		sa = sa_find(this, spi, sa_dst, p->dir == POLICY_IN);
		if (!sa) {
			DBG1(DBG_KNL, "nfvpn: policy %R === %R: no SA %.8x",
			     p->src_ts, p->dst_ts, ntohl(spi));
			return FAILED;
		}
		memcpy(sp.sa, sa->name, sizeof(sp.sa));
		break;
	case POLICY_PASS:
		sp.action = NFVPN_DP_BYPASS;
		break;
	case POLICY_DROP:
		sp.action = NFVPN_DP_DISCARD;
		break;
	}
	snprintf(sp.name, sizeof(sp.name), "ike-p%u", ++this->seq);
	if (nfvpn_dp_sp_add(this->dp, &sp) < 0) {
		DBG1(DBG_KNL, "nfvpn: adding policy %R === %R %N failed: %s",
		     p->src_ts, p->dst_ts, policy_dir_names, p->dir,
		     nfvpn_dp_error(this->dp));
		return FAILED;
	}
	memcpy(old, p->name, sizeof(old));
	memcpy(p->name, sp.name, sizeof(p->name));
	p->installed_spi = spi;
	DBG2(DBG_KNL, "nfvpn: policy %s: %R === %R %N%s%s", p->name, p->src_ts,
	     p->dst_ts, policy_dir_names, p->dir, sa ? " with SA " : sp.trap ? " (trap)" : "",
	     sa ? sa->name : "");
	if (old[0] && nfvpn_dp_sp_del(this->dp, old) < 0)
		DBG1(DBG_KNL, "nfvpn: deleting policy %s failed: %s", old,
		     nfvpn_dp_error(this->dp));
	stale_sp_replace(this, &sp);
	return SUCCESS;
}

static uint32_t policy_spi(kernel_ipsec_manage_policy_t *data)
{
	return data->type == POLICY_IPSEC && data->sa->esp.use ? data->sa->esp.spi : 0;
}

METHOD(kernel_ipsec_t, add_policy, status_t, private_nfvpn_ipsec_t *this,
       kernel_ipsec_policy_id_t *id, kernel_ipsec_manage_policy_t *data)
{
	uint32_t spi = policy_spi(data);
	status_t status = SUCCESS;
	policy_entry_t *p;
	bool new = FALSE;

	if (id->dir == POLICY_FWD)
		return SUCCESS;
	if (id->mark.value || id->if_id || id->interface || id->label) {
		DBG1(DBG_KNL, "nfvpn: policy %R === %R: marks, interface IDs, "
		     "interfaces and labels are not supported", id->src_ts, id->dst_ts);
		return NOT_SUPPORTED;
	}
	this->mutex->lock(this->mutex);
	p = policy_find(this, id);
	if (!p) {
		struct nfvpn_dp_sp tmp = {};

		INIT(p,
			.dir = id->dir,
			.src_ts = id->src_ts->clone(id->src_ts),
			.dst_ts = id->dst_ts->clone(id->dst_ts),
			.type = data->type,
			.spis = linked_list_create(),
		);
		/* the prefix lengths for the priority */
		ts_prefix(p->src_ts, tmp.src, &tmp.src_len, &tmp.sport_min, &tmp.sport_max);
		ts_prefix(p->dst_ts, tmp.dst, &tmp.dst_len, &tmp.dport_min, &tmp.dport_max);
		tmp.proto = p->src_ts->get_protocol(p->src_ts);
		p->priority = policy_priority(data, &tmp);
		new = TRUE;
	}
	if (data->type == POLICY_IPSEC && data->sa->reqid)
		p->reqid = data->sa->reqid;
	/* the newest SA protects: after a rekey, the new CHILD_SA's */
	if (new || spi != p->installed_spi || data->type != p->type) {
		p->type = data->type;
		status = policy_install(this, p, spi, data->dst);
	}
	if (status == SUCCESS) {
		p->spis->insert_last(p->spis, (void *)(uintptr_t)spi);
		if (new)
			this->policies->insert_last(this->policies, p);
	} else if (new) {
		policy_entry_destroy(p);
	}
	this->mutex->unlock(this->mutex);
	return status;
}

/*
 * The policy's last use, as XFRM's curlft.use_time: the last packet of
 * the SAs it protects with (a dataplane policy names one SA; the
 * previous ones of a rekey count until they go). FWD: the inbound
 * policy's, which checks forwarded packets in the dataplane. Used by
 * charon's inactivity timeout and DPD (child_sa.c, update_usetime).
 */
METHOD(kernel_ipsec_t, query_policy, status_t, private_nfvpn_ipsec_t *this,
       kernel_ipsec_policy_id_t *id, kernel_ipsec_query_policy_t *data,
       time_t *use_time)
{
	kernel_ipsec_policy_id_t in = *id;
	uint64_t b, p, use, last = 0;
	status_t status = NOT_FOUND;
	enumerator_t *e;
	policy_entry_t *pol;
	sa_entry_t *sa;
	void *spi;

	if (id->dir == POLICY_FWD)
		in.dir = POLICY_IN;
	this->mutex->lock(this->mutex);
	pol = policy_find(this, &in);
	if (pol) {
		status = SUCCESS;
		e = pol->spis->create_enumerator(pol->spis);
		while (e->enumerate(e, &spi)) {
			sa = sa_find(this, (uint32_t)(uintptr_t)spi, NULL, pol->dir == POLICY_IN);
			if (!sa)
				continue;
			if (nfvpn_dp_sa_query(this->dp, sa->name, &b, &p, &use) < 0) {
				DBG1(DBG_KNL, "nfvpn: querying SA %s failed: %s", sa->name,
				     nfvpn_dp_error(this->dp));
				status = FAILED;
				break;
			}
			last = max(last, use);
		}
		e->destroy(e);
	}
	this->mutex->unlock(this->mutex);
	if (status == SUCCESS)
		*use_time = use_monotonic(last);
	return status;
}

METHOD(kernel_ipsec_t, del_policy, status_t, private_nfvpn_ipsec_t *this,
       kernel_ipsec_policy_id_t *id, kernel_ipsec_manage_policy_t *data)
{
	uint32_t spi = policy_spi(data);
	status_t status = SUCCESS;
	policy_entry_t *p;
	void *last;

	if (id->dir == POLICY_FWD)
		return SUCCESS;
	this->mutex->lock(this->mutex);
	p = policy_find(this, id);
	if (!p) {
		this->mutex->unlock(this->mutex);
		return NOT_FOUND;
	}
	p->spis->remove(p->spis, (void *)(uintptr_t)spi, NULL);
	if (p->spis->get_last(p->spis, &last) == SUCCESS) {
		/* the SA that stays (the older one, when a rekey was abandoned) */
		if ((uint32_t)(uintptr_t)last != p->installed_spi)
			status = policy_install(this, p, (uint32_t)(uintptr_t)last,
						data->dst);
	} else {
		if (p->name[0] && nfvpn_dp_sp_del(this->dp, p->name) < 0) {
			DBG1(DBG_KNL, "nfvpn: deleting policy %s failed: %s", p->name,
			     nfvpn_dp_error(this->dp));
			status = FAILED;
		}
		this->policies->remove(this->policies, p, NULL);
		policy_entry_destroy(p);
	}
	this->mutex->unlock(this->mutex);
	return status;
}

METHOD(kernel_ipsec_t, flush_policies, status_t, private_nfvpn_ipsec_t *this)
{
	status_t status = SUCCESS;
	policy_entry_t *p;

	this->mutex->lock(this->mutex);
	while (this->policies->remove_first(this->policies, (void **)&p) == SUCCESS) {
		if (p->name[0] && nfvpn_dp_sp_del(this->dp, p->name) < 0)
			status = FAILED;
		policy_entry_destroy(p);
	}
	this->mutex->unlock(this->mutex);
	return status;
}

/*
 * charon's IKE sockets live in the kernel, behind the dataplane's
 * exception path; the dataplane lets UDP 500 and 4500 to its addresses
 * through its inbound check (esp_policy_in.c) and hands ESP-in-UDP to its
 * SAs itself. Outbound, IKE is not exempt from the SPD yet: a CHILD_SA
 * whose selectors cover charon's own packets would take them (docs/ike.md).
 */
METHOD(kernel_ipsec_t, bypass_socket, bool, private_nfvpn_ipsec_t *this,
       int fd, int family)
{
	return TRUE;
}

METHOD(kernel_ipsec_t, enable_udp_decap, bool, private_nfvpn_ipsec_t *this,
       int fd, int family, uint16_t port)
{
	return TRUE;
}

METHOD(kernel_ipsec_t, destroy, void, private_nfvpn_ipsec_t *this)
{
	policy_entry_t *p;
	sa_entry_t *sa;

	/* charon has flushed what it installed; what remains is forgotten */
	while (this->policies->remove_first(this->policies, (void **)&p) == SUCCESS)
		policy_entry_destroy(p);
	while (this->sas->remove_first(this->sas, (void **)&sa) == SUCCESS)
		sa_entry_destroy(sa);
	this->policies->destroy(this->policies);
	this->sas->destroy(this->sas);
	if (this->ev) {
		if (!this->ev_lost)
			lib->watcher->remove(lib->watcher, nfvpn_dp_fd(this->ev));
		nfvpn_dp_destroy(this->ev);
	}
	nfvpn_dp_destroy(this->dp);
	free(this->stale_sas);
	free(this->stale_sps);
	this->mutex->destroy(this->mutex);
	free(this);
}

nfvpn_ipsec_t *nfvpn_ipsec_create(void)
{
	private_nfvpn_ipsec_t *this;
	uint32_t r = 0;

	INIT(this,
		.public = {
			.interface = {
				.get_features = _get_features,
				.get_spi = _get_spi,
				.get_cpi = _get_cpi,
				.add_sa = _add_sa,
				.update_sa = _update_sa,
				.query_sa = _query_sa,
				.del_sa = _del_sa,
				.flush_sas = _flush_sas,
				.add_policy = _add_policy,
				.query_policy = _query_policy,
				.del_policy = _del_policy,
				.flush_policies = _flush_policies,
				.bypass_socket = _bypass_socket,
				.enable_udp_decap = _enable_udp_decap,
				.destroy = _destroy,
			},
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.sas = linked_list_create(),
		.policies = linked_list_create(),
	);
	/* NULL: $NFVPN_SOCKET, else nfvpnctl's default */
	this->socket = lib->settings->get_str(lib->settings, "%s.plugins.nfvpn.socket",
					      NULL, lib->ns);
	this->dp = nfvpn_dp_create(this->socket);
	if (!this->dp) {
		destroy(this);
		return NULL;
	}
	/* a random start, so that a restarted charon does not reuse the SPIs
	 * of SAs the dataplane may still carry */
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)time(NULL);
	this->next_spi = SPI_MIN + r % (SPI_MAX - SPI_MIN + 1);
	/* and names other than a previous charon's, whose may still be there */
	if (getrandom(&this->seq, sizeof(this->seq), 0) != sizeof(this->seq))
		this->seq = r ^ (uint32_t)getpid();
	this->seq &= 0x7fffffff;
	this->mutex->lock(this->mutex);
	events_ensure(this);
	stale_load(this);
	this->mutex->unlock(this->mutex);
	DBG1(DBG_KNL, "nfvpn: SAs and policies go to nfvpn-dataplane");
	return &this->public;
}
