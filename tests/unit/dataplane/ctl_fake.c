/* SPDX-License-Identifier: BSD-3-Clause */
/* The fake dataplane of the control-side tests; see ctl_fake.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "ctl_fake.h"
#include "module.h"
#include "txn.h"

/* A check reported at the test's line rather than the helper's. */
#define CHECK_AT(cond, file, line) \
	CU_assertImplementation((cond), (line), #cond, (file), "", CU_FALSE)

static unsigned int fake_names;	/* rings and pools need unique names */
/* The fixture not torn down yet: a fatal check leaves its test early. */
static struct ctl_fake *live;

void ctl_test_init(const char *prog)
{
	nfv_test_eal_init(prog);
	/*
	 * The handlers log what they refuse and ethdev what it cannot find
	 * (the fake ports have no device): quiet unless CTL_TEST_LOG is set.
	 */
	if (getenv("CTL_TEST_LOG") == NULL) {
		rte_log_set_level_pattern("nfvpn.*", RTE_LOG_CRIT);
		rte_log_set_level_pattern("lib.ethdev", RTE_LOG_CRIT);
	}
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "%s: CUnit registry\n", prog);
		exit(1);
	}
}

void ctl_fake_init(struct ctl_fake *f)
{
	struct nfv_dp *dp = &f->dp;
	char name[RTE_RING_NAMESIZE];

	/* what a test left behind (named rings and pools) would clash */
	if (live != NULL)
		ctl_fake_fini(live);
	memset(f, 0, sizeof(*f));
	live = f;
	snprintf(f->pol.path, sizeof(f->pol.path), "fake.yaml");
	f->pol.neigh_timeout_s = NFV_POLICY_DEFAULT_NEIGH_TIMEOUT;
	f->pol.icmp_rate = NFV_POLICY_DEFAULT_ICMP_RATE;
	f->pol.ike_rate = NFV_POLICY_DEFAULT_IKE_RATE;
	dp->policy = &f->pol;
	dp->policy_path = f->pol.path;
	dp->socket_path = "/nonexistent/fake.sock";
	dp->mgmt = &f->mgmt;
	f->mgmt.lfd = -1;

	dp->nb_ports = CTL_FAKE_PORTS;
	for (unsigned int i = 0; i < CTL_FAKE_PORTS; i++) {
		struct nfv_dp_port *p = &dp->ports[i];

		snprintf(p->name, sizeof(p->name), "p%u", i);
		snprintf(p->device, sizeof(p->device), "fake%u", i);
		p->idx = i;
		/* no DPDK device: what touches one must cope with an invalid id */
		p->port_id = UINT16_MAX;
		p->tun_id = UINT16_MAX;
		p->mtu = NFV_POLICY_DEFAULT_MTU;
		p->mac.addr_bytes[0] = 0x02;
		p->mac.addr_bytes[5] = i + 1;
	}

	dp->hooks = nfv_hook_table_create(1);
	CU_ASSERT_FATAL(dp->hooks != NULL);
	dp->nb_workers = 1;
	dp->workers = rte_zmalloc("ctl_fake_workers", sizeof(dp->workers[0]),
				  RTE_CACHE_LINE_SIZE);
	CU_ASSERT_FATAL(dp->workers != NULL);
	dp->workers[0].dp = dp;
	snprintf(name, sizeof(name), "fake_ctltx_%u", ++fake_names);
	dp->workers[0].ctl_tx = rte_ring_create(name, NFV_CTL_RING, SOCKET_ID_ANY,
						RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "fake_ctl_%u", fake_names);
	dp->ctl_ring = rte_ring_create(name, NFV_CTL_RING, SOCKET_ID_ANY, RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "fake_pool_%u", fake_names);
	dp->pool = nfv_test_pool(name, 255);
	CU_ASSERT_FATAL(dp->workers[0].ctl_tx != NULL && dp->ctl_ring != NULL &&
			dp->pool != NULL);
	dp->pool_size = 255;
	dp->generation = 1;
}

void ctl_fake_start(struct ctl_fake *f, const char *const names[])
{
	for (unsigned int i = 0; names[i] != NULL; i++) {
		struct nfv_ctl_module *m = nfv_ctl_module_find(names[i]);
		int ret;

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_FATAL(f->nb_started < CTL_FAKE_MAX_MODULES);
		/* counted first, as nfv_ctl_modules_init: a failed init cleans up in fini */
		f->started[f->nb_started++] = m;
		ret = m->init != NULL ? m->init(&f->dp) : 0;
		if (ret < 0)
			fprintf(stderr, "module %s: %s\n", names[i], strerror(-ret));
		CU_ASSERT_EQUAL_FATAL(ret, 0);
	}
}

static void free_mbufs(struct rte_ring *r)
{
	struct rte_mbuf *m;

	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

void ctl_fake_fini(struct ctl_fake *f)
{
	struct nfv_dp *dp = &f->dp;

	while (f->mgmt.nb_conns > 0)
		ctl_conn_close(f, &f->mgmt.conns[f->mgmt.nb_conns - 1]);
	/* in reverse, as main() tears down: stop all, then fini all */
	for (unsigned int i = f->nb_started; i-- > 0;)
		if (f->started[i]->stop != NULL)
			f->started[i]->stop(dp);
	for (unsigned int i = f->nb_started; i-- > 0;)
		if (f->started[i]->fini != NULL)
			f->started[i]->fini(dp);
	f->nb_started = 0;
	free_mbufs(dp->workers[0].ctl_tx);
	free_mbufs(dp->ctl_ring);
	rte_free(dp->workers);
	nfv_hook_table_destroy(dp->hooks);
	rte_mempool_free(dp->pool);
	memset(f, 0, sizeof(*f));
	live = NULL;
}

struct nfv_mgmt_conn *ctl_conn_open(struct ctl_fake *f)
{
	struct nfv_mgmt *mg = &f->mgmt;
	struct nfv_mgmt_conn *c;
	int sv[2];

	CU_ASSERT_FATAL(mg->nb_conns < NFV_MGMT_MAX_CONNS);
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	c = &mg->conns[mg->nb_conns];
	memset(c, 0, offsetof(struct nfv_mgmt_conn, rbuf));
	c->fd = sv[0];
	c->listen_queue = -1;
	f->peer[mg->nb_conns++] = sv[1];
	return c;
}

void ctl_conn_close(struct ctl_fake *f, struct nfv_mgmt_conn *c)
{
	struct nfv_mgmt *mg = &f->mgmt;
	unsigned int i = c - mg->conns;

	CU_ASSERT_FATAL(i < mg->nb_conns);
	nfv_ctl_modules_conn_closed(&f->dp, c);
	close(c->fd);
	close(f->peer[i]);
	free(c->out);	/* the output queue, as mgmt.c's conn_close frees it */
	mg->nb_conns--;
	mg->conns[i] = mg->conns[mg->nb_conns];
	f->peer[i] = f->peer[mg->nb_conns];
}

static int peer_of(struct ctl_fake *f, const struct nfv_mgmt_conn *c)
{
	unsigned int i = c - f->mgmt.conns;

	CU_ASSERT_FATAL(i < f->mgmt.nb_conns);
	return f->peer[i];
}

int ctl_peer(struct ctl_fake *f, const struct nfv_mgmt_conn *c)
{
	return peer_of(f, c);
}

void ctl_conn_close_peerless(struct ctl_fake *f, struct nfv_mgmt_conn *c)
{
	struct nfv_mgmt *mg = &f->mgmt;
	unsigned int i = c - mg->conns;

	CU_ASSERT_FATAL(i < mg->nb_conns);
	nfv_ctl_modules_conn_closed(&f->dp, c);
	close(c->fd);
	free(c->out);
	mg->nb_conns--;
	mg->conns[i] = mg->conns[mg->nb_conns];
	f->peer[i] = f->peer[mg->nb_conns];
}

/* A connection holds output that its socket's buffer could not take. */
static bool backlog(const struct ctl_fake *f)
{
	for (unsigned int i = 0; i < f->mgmt.nb_conns; i++)
		if (f->mgmt.conns[i].out_len > f->mgmt.conns[i].out_off)
			return true;
	return false;
}

/*
 * Reads exactly len bytes that are there already, or that a connection
 * holds (a response bigger than the socket's buffer: the socket's loop,
 * nfv_mgmt_poll, sends it as the peer reads); false when short.
 */
static bool read_all(struct ctl_fake *f, int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, (uint8_t *)buf + got, len - got, MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN && backlog(f)) {
			nfv_mgmt_poll(&f->dp, 0);
			continue;
		}
		if (n <= 0)
			return false;
		got += n;
	}
	return true;
}

static bool idle(int fd)
{
	uint8_t b;

	return recv(fd, &b, 1, MSG_DONTWAIT | MSG_PEEK) < 0 && errno == EAGAIN;
}

static bool read_msg(struct ctl_fake *f, int fd, struct ctl_resp *r)
{
	memset(r, 0, sizeof(*r));
	if (!read_all(f, fd, &r->h, sizeof(r->h)))
		return false;
	if (r->h.len == 0)
		return true;
	r->p = malloc(r->h.len + 1);
	if (r->p == NULL || !read_all(f, fd, r->p, r->h.len)) {
		ctl_resp_free(r);
		return false;
	}
	r->p[r->h.len] = '\0';
	return true;
}

void ctl_resp_free(struct ctl_resp *r)
{
	free(r->p);
	memset(r, 0, sizeof(*r));
}

int ctl_call_at(struct ctl_fake *f, struct nfv_mgmt_conn *c, uint16_t type,
		const void *payload, uint32_t len, struct ctl_resp *r,
		const char *file, unsigned int line)
{
	struct nfv_msg_hdr h = {
		.len = len, .type = type, .version = NFV_MSG_VERSION, .seq = ++f->seq,
	};
	int fd = peer_of(f, c);
	struct ctl_resp tmp;
	uint8_t *copy;
	bool got;
	int ret;

	/* exactly len bytes: a handler that reads past them trips ASan */
	copy = malloc(len ? len : 1);
	CU_ASSERT_FATAL(copy != NULL);
	if (len)
		memcpy(copy, payload, len);
	ret = nfv_mgmt_dispatch(&f->dp, c, &h, copy);
	nfv_txn_after(&f->dp, c, &h, ret);
	nfv_ctl_modules_batch_end(&f->dp);	/* each call is a batch of its own */
	free(copy);

	if (r == NULL)
		r = &tmp;
	got = read_msg(f, fd, r);
	CHECK_AT(got, file, line);
	CHECK_AT(idle(fd), file, line);		/* exactly one response */
	if (got) {
		CHECK_AT(r->h.seq == h.seq, file, line);
		CHECK_AT(r->h.version == NFV_MSG_VERSION, file, line);
		if (ret < 0) {
			CHECK_AT(r->h.type == NFV_MSG_ERROR, file, line);
			CHECK_AT(r->h.status == ret, file, line);
			/* a message, NUL-terminated */
			CHECK_AT(r->h.len > 1 && r->p[r->h.len - 1] == '\0', file, line);
		} else {
			CHECK_AT(r->h.type == type, file, line);
			CHECK_AT(r->h.status == 0, file, line);
		}
	}
	if (r == &tmp)
		ctl_resp_free(&tmp);
	return ret;
}

void ctl_err_at(struct ctl_fake *f, struct nfv_mgmt_conn *c, uint16_t type,
		const void *payload, uint32_t len, int err, const char *needle,
		const char *file, unsigned int line)
{
	struct ctl_resp r;
	int ret = ctl_call_at(f, c, type, payload, len, &r, file, line);
	bool found = r.p != NULL && strstr((const char *)r.p, needle) != NULL;

	CHECK_AT(ret == err, file, line);
	CHECK_AT(found, file, line);
	if (ret != err || !found)
		fprintf(stderr, "\n%s:%u: type %u: got %d \"%s\", wanted %d \"...%s...\"\n",
			file, line, type, ret, r.p ? (const char *)r.p : "", err, needle);
	ctl_resp_free(&r);
}

const void *ctl_list_at(const struct ctl_resp *r, uint32_t record_size,
			uint32_t *count, const char *file, unsigned int line)
{
	struct nfv_msg_list l;

	*count = 0;
	CHECK_AT(r->h.type != NFV_MSG_ERROR && r->h.len >= sizeof(l), file, line);
	if (r->h.type == NFV_MSG_ERROR || r->h.len < sizeof(l))
		return NULL;
	memcpy(&l, r->p, sizeof(l));
	CHECK_AT(l.record_size == record_size, file, line);
	CHECK_AT(r->h.len == sizeof(l) + (uint64_t)l.count * record_size, file, line);
	if (l.record_size != record_size ||
	    r->h.len != sizeof(l) + (uint64_t)l.count * record_size)
		return NULL;
	*count = l.count;
	return r->p + sizeof(l);
}

int ctl_replay(struct ctl_fake *f, uint16_t type, const void *payload, uint32_t len)
{
	struct nfv_msg_hdr h = {
		.len = len, .type = type, .version = NFV_MSG_VERSION, .seq = ++f->seq,
	};
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	CU_ASSERT_FATAL(copy != NULL);
	if (len)
		memcpy(copy, payload, len);
	ret = nfv_mgmt_dispatch(&f->dp, NULL, &h, copy);
	nfv_ctl_modules_batch_end(&f->dp);
	free(copy);
	return ret;
}

bool ctl_all_idle(struct ctl_fake *f)
{
	for (unsigned int i = 0; i < f->mgmt.nb_conns; i++)
		if (!idle(f->peer[i]))
			return false;
	return true;
}

bool ctl_read_push(struct ctl_fake *f, struct nfv_mgmt_conn *c, struct ctl_resp *r)
{
	int fd = peer_of(f, c);

	if (idle(fd))
		return false;
	return read_msg(f, fd, r);
}

struct nfv_addr ctl_addr(const char *s)
{
	struct nfv_addr a;

	CU_ASSERT_FATAL(nfv_addr_parse(s, &a) == 0);
	return a;
}

struct nfv_prefix ctl_prefix(const char *s)
{
	struct nfv_prefix p;

	CU_ASSERT_FATAL(nfv_prefix_parse(s, &p) == 0);
	return p;
}

const struct nfv_nexthop *ctl_fib_lookup(const struct ctl_fake *f, const char *dst)
{
	const struct nfv_fib_snap *s = __atomic_load_n(&f->dp.fib, __ATOMIC_ACQUIRE);
	struct nfv_addr a = ctl_addr(dst);
	uint64_t nh = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (a.family == AF_INET) {
		uint32_t d;

		memcpy(&d, a.bytes, 4);
		nfv_fib4_lookup(s, &d, &nh, 1);
	} else {
		nfv_fib6_lookup(s, (const uint8_t (*)[16])a.bytes, &nh, 1);
	}
	CU_ASSERT_FATAL(nh < s->nb_nh);
	return &s->nh[nh];
}
