/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions (control/txn.c): TXN_BEGIN, undo steps (TXN_UNDO) armed
 * for the next change, TXN_COMMIT as one generation, TXN_ABORT and the
 * owner's connection closing roll back through the changes' own handlers;
 * one transaction at a time; what may be an undo step.
 */
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "ctl_fake.h"
#include "module.h"
#include "nfv_policy_ipsec.h"
#include "rib.h"
#include "txn.h"

static struct ctl_fake f;

static struct nfv_policy_address addresses[1] = { { .port = "p0" } };
static struct nfv_policy_route routes[1];

/* p0 10.0.0.1/24, default via 10.0.0.254. */
static void setup(void)
{
	ctl_fake_init(&f);
	addresses[0].prefix = ctl_prefix("10.0.0.1/24");
	f.pol.addresses = addresses;
	f.pol.nb_addresses = 1;
	routes[0] = (struct nfv_policy_route){ .has_via = true };
	routes[0].dst = ctl_prefix("0.0.0.0/0");
	routes[0].via = ctl_addr("10.0.0.254");
	f.pol.routes = routes;
	f.pol.nb_routes = 1;
	CTL_START(&f, "routes", "ipsec", "events", "transactions");
}

static struct nfv_policy_route route(const char *dst, const char *via)
{
	struct nfv_policy_route r = { .has_via = true };

	r.dst = ctl_prefix(dst);
	r.via = ctl_addr(via);
	return r;
}

/* The response of a TXN_* request that succeeded. */
static struct nfv_msg_txn txn_call(struct nfv_mgmt_conn *c, uint16_t type, uint64_t expect)
{
	struct nfv_msg_txn t = { .expect = expect };
	struct ctl_resp r;

	CU_ASSERT_EQUAL(ctl_call(&f, c, type, &t, type == NFV_MSG_TXN_BEGIN ? sizeof(t) : 0,
				 &r), 0);
	memset(&t, 0, sizeof(t));
	CU_ASSERT_EQUAL(r.h.len, sizeof(t));
	if (r.h.len == sizeof(t))
		memcpy(&t, r.p, sizeof(t));
	ctl_resp_free(&r);
	return t;
}

/* TXN_UNDO carrying type and its payload; what dispatch returned. */
static int undo(struct nfv_mgmt_conn *c, uint16_t type, const void *p, uint32_t len)
{
	uint8_t buf[sizeof(struct nfv_msg_txn_undo) + 1024];
	struct nfv_msg_txn_undo *u = (void *)buf;

	CU_ASSERT_FATAL(len <= 1024);
	memset(u, 0, sizeof(*u));
	u->type = type;
	u->len = len;
	if (len)
		memcpy(u->payload, p, len);
	return ctl_call(&f, c, NFV_MSG_TXN_UNDO, u, sizeof(*u) + len, NULL);
}

/* "route add dst via gw" with its undo "route del dst". */
static void add_with_undo(struct nfv_mgmt_conn *c, const char *dst, const char *gw)
{
	struct nfv_policy_route r = route(dst, gw);

	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_DEL, &r.dst, sizeof(r.dst)), 0);
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
}

static bool routed(const char *dst)
{
	return ctl_fib_lookup(&f, dst)->type == NFV_NH_FORWARD &&
	       ctl_fib_lookup(&f, dst)->has_gw;
}

static bool via(const char *dst, const char *gw)
{
	struct nfv_addr a = ctl_addr(gw);

	return routed(dst) && memcmp(ctl_fib_lookup(&f, dst)->gw, a.bytes, 4) == 0;
}

static void test_abort(void)
{
	struct nfv_policy_route def;
	struct nfv_mgmt_conn *c;
	struct nfv_msg_txn t;
	uint64_t g0;

	setup();
	def = routes[0];
	c = ctl_conn_open(&f);
	g0 = f.dp.generation;
	t = txn_call(c, NFV_MSG_TXN_BEGIN, 0);
	CU_ASSERT_EQUAL(t.generation, g0);

	add_with_undo(c, "172.16.0.0/12", "10.0.0.2");
	CU_ASSERT(via("172.16.1.1", "10.0.0.2"));
	/* delete the default route; its undo adds it back */
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_ADD, &def, sizeof(def)), 0);
	CTL_OK(&f, c, NFV_MSG_ROUTE_DEL, &def.dst, sizeof(def.dst));
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "198.51.100.1")->type, NFV_NH_NONE);
	CU_ASSERT_EQUAL(f.dp.generation, g0 + 2);

	t = txn_call(c, NFV_MSG_TXN_ABORT, 0);
	CU_ASSERT_EQUAL(t.changes, 2);
	CU_ASSERT_EQUAL(t.undo_failed, 0);
	CU_ASSERT_EQUAL(t.generation, g0);
	CU_ASSERT_EQUAL(f.dp.generation, g0);
	/* through the handlers: the FIB is as before BEGIN */
	CU_ASSERT(via("172.16.1.1", "10.0.0.254"));
	CU_ASSERT(via("198.51.100.1", "10.0.0.254"));
	CU_ASSERT(ctl_all_idle(&f));	/* the replays answered nobody */
	CTL_ERR(&f, c, NFV_MSG_TXN_ABORT, NULL, 0, -ENOENT, "no transaction is open");
	CTL_ERR(&f, c, NFV_MSG_TXN_COMMIT, NULL, 0, -ENOENT, "no transaction is open");
	ctl_fake_fini(&f);
}

/* The changes are one generation; subscribers hear of it once. */
static void test_commit(void)
{
	struct nfv_mgmt_conn *c, *sub;
	struct nfv_msg_event e;
	struct nfv_msg_txn t;
	struct ctl_resp r;
	uint64_t g0;

	setup();
	sub = ctl_conn_open(&f);
	c = ctl_conn_open(&f);
	CTL_OK(&f, sub, NFV_MSG_EVENTS, NULL, 0);
	g0 = f.dp.generation;
	txn_call(c, NFV_MSG_TXN_BEGIN, g0);
	add_with_undo(c, "172.16.0.0/12", "10.0.0.2");
	add_with_undo(c, "172.32.0.0/12", "10.0.0.3");
	add_with_undo(c, "172.48.0.0/12", "10.0.0.4");
	t = txn_call(c, NFV_MSG_TXN_COMMIT, 0);
	CU_ASSERT_EQUAL(t.changes, 3);
	CU_ASSERT_EQUAL(t.generation, g0 + 1);
	CU_ASSERT_EQUAL(f.dp.generation, g0 + 1);
	CU_ASSERT(via("172.48.0.1", "10.0.0.4"));
	nfv_ctl_module_find("events")->timer(&f.dp, 0);
	CU_ASSERT_FATAL(ctl_read_push(&f, sub, &r));
	CU_ASSERT_EQUAL_FATAL(r.h.len, sizeof(e));
	memcpy(&e, r.p, sizeof(e));
	CU_ASSERT_EQUAL(e.type, NFV_EVENT_GENERATION);
	CU_ASSERT_EQUAL(e.value, g0 + 1);
	ctl_resp_free(&r);
	CU_ASSERT(ctl_all_idle(&f));
	/* committed: an abort finds nothing to undo */
	CTL_ERR(&f, c, NFV_MSG_TXN_ABORT, NULL, 0, -ENOENT, "no transaction is open");
	CU_ASSERT(via("172.48.0.1", "10.0.0.4"));
	ctl_fake_fini(&f);
}

static void test_refused(void)
{
	struct nfv_msg_queue_listen ql = { .num = 1 };
	struct nfv_msg_txn_undo u = { .type = NFV_MSG_ROUTE_DEL, .len = 100 };
	struct nfv_mgmt_conn *a, *b;
	struct nfv_prefix p = ctl_prefix("172.16.0.0/12");
	struct nfv_msg_txn t = { .expect = 12345 };

	setup();
	a = ctl_conn_open(&f);
	b = ctl_conn_open(&f);
	CTL_ERR(&f, a, NFV_MSG_TXN_UNDO, &u, sizeof(u), -ENOENT, "no transaction is open");
	CTL_ERR(&f, a, NFV_MSG_TXN_BEGIN, &t, sizeof(t), -ESTALE, "diff again");
	txn_call(a, NFV_MSG_TXN_BEGIN, 0);
	/* one transaction at a time */
	CTL_ERR(&f, b, NFV_MSG_TXN_BEGIN, NULL, 0, -EBUSY, "another transaction is open");
	CTL_ERR(&f, a, NFV_MSG_TXN_BEGIN, NULL, 0, -EBUSY, "another transaction is open");
	CTL_ERR(&f, b, NFV_MSG_TXN_UNDO, &u, sizeof(u), -ENOENT, "no transaction is open");
	CTL_ERR(&f, b, NFV_MSG_TXN_COMMIT, NULL, 0, -ENOENT, "no transaction is open");
	/* only a change request can be an undo step */
	CU_ASSERT_EQUAL(undo(a, NFV_MSG_QUEUE_LISTEN, &ql, sizeof(ql)), -EPERM);
	CU_ASSERT_EQUAL(undo(a, NFV_MSG_ROUTES, NULL, 0), -EPERM);
	CU_ASSERT_EQUAL(undo(a, NFV_MSG_TXN_ABORT, NULL, 0), -EPERM);
	CU_ASSERT_EQUAL(undo(a, 200, NULL, 0), -EPERM);
	u.type = NFV_MSG_QUEUE_LISTEN;
	u.len = 0;
	CTL_ERR(&f, a, NFV_MSG_TXN_UNDO, &u, sizeof(u), -EPERM,
		"an undo step must be a change request");
	/* a step longer than the message, or no step at all */
	u.type = NFV_MSG_ROUTE_DEL;
	u.len = sizeof(p) + 1;
	CU_ASSERT_EQUAL(ctl_call(&f, a, NFV_MSG_TXN_UNDO, &u, sizeof(u), NULL), -EINVAL);
	CU_ASSERT_EQUAL(ctl_call(&f, a, NFV_MSG_TXN_UNDO, &u, 3, NULL), -EINVAL);
	/* none of these was armed: the abort undoes nothing */
	t = txn_call(a, NFV_MSG_TXN_ABORT, 0);
	CU_ASSERT_EQUAL(t.changes, 0);
	CU_ASSERT_EQUAL(t.undo_failed, 0);
	/* b may begin now */
	txn_call(b, NFV_MSG_TXN_BEGIN, f.dp.generation);
	ctl_fake_fini(&f);
}

/* Another connection's changes are not the transaction's: an abort leaves them. */
static void test_other_connection(void)
{
	struct nfv_policy_route r = route("192.0.2.0/24", "10.0.0.9");
	struct nfv_mgmt_conn *a, *b;

	setup();
	a = ctl_conn_open(&f);
	b = ctl_conn_open(&f);
	txn_call(a, NFV_MSG_TXN_BEGIN, 0);
	add_with_undo(a, "172.16.0.0/12", "10.0.0.2");
	/* b's undo is refused (no transaction of b's); its change applies */
	CU_ASSERT_EQUAL(undo(b, NFV_MSG_ROUTE_DEL, &r.dst, sizeof(r.dst)), -ENOENT);
	CTL_OK(&f, b, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(txn_call(a, NFV_MSG_TXN_ABORT, 0).changes, 1);
	CU_ASSERT(via("172.16.1.1", "10.0.0.254"));
	CU_ASSERT(via("192.0.2.1", "10.0.0.9"));
	ctl_fake_fini(&f);
}

/* The owner goes away inside its transaction: rolled back, and free for others. */
static void test_owner_closes(void)
{
	struct nfv_mgmt_conn *a, *b;
	uint64_t g0;

	setup();
	b = ctl_conn_open(&f);
	a = ctl_conn_open(&f);
	g0 = f.dp.generation;
	txn_call(a, NFV_MSG_TXN_BEGIN, 0);
	add_with_undo(a, "172.16.0.0/12", "10.0.0.2");
	add_with_undo(a, "172.32.0.0/12", "10.0.0.3");
	CU_ASSERT(via("172.32.0.1", "10.0.0.3"));
	ctl_conn_close(&f, a);
	CU_ASSERT_EQUAL(f.dp.generation, g0);
	CU_ASSERT(via("172.16.1.1", "10.0.0.254"));
	CU_ASSERT(via("172.32.0.1", "10.0.0.254"));
	CU_ASSERT_EQUAL(txn_call(b, NFV_MSG_TXN_BEGIN, g0).generation, g0);
	ctl_fake_fini(&f);
}

/*
 * Armed steps belong to the next change message: a failed change drops
 * them, a request that changes nothing (a listing) leaves them armed, and
 * the steps of one group run in the order sent; a failing step is counted.
 */
static void test_arming(void)
{
	struct nfv_policy_route r, gone = route("203.0.113.0/24", "10.0.0.7");
	struct nfv_mgmt_conn *c;
	struct nfv_prefix p;
	struct nfv_msg_txn t;

	setup();
	c = ctl_conn_open(&f);
	txn_call(c, NFV_MSG_TXN_BEGIN, 0);

	/* "del 203.0.113.0/24", which does not exist, armed with its "add": dropped */
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_ADD, &gone, sizeof(gone)), 0);
	CTL_ERR(&f, c, NFV_MSG_ROUTE_DEL, &gone.dst, sizeof(gone.dst), -ENOENT, "no such route");
	/* armed, then a listing, then the change fails: still nothing to undo */
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_ADD, &gone, sizeof(gone)), 0);
	CTL_OK(&f, c, NFV_MSG_ROUTES, NULL, 0);
	CTL_OK(&f, c, NFV_MSG_STATUS, NULL, 0);
	CTL_ERR(&f, c, NFV_MSG_ROUTE_DEL, &gone.dst, sizeof(gone.dst), -ENOENT, "no such route");

	/* armed, a listing, then the change succeeds: its undo is kept */
	r = route("172.16.0.0/12", "10.0.0.2");
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_DEL, &r.dst, sizeof(r.dst)), 0);
	CTL_OK(&f, c, NFV_MSG_ROUTES, NULL, 0);
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));

	/* a group of two, run in order: add via .5, then replace via .6 */
	r = route("172.32.0.0/12", "10.0.0.5");
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_ADD, &r, sizeof(r)), 0);
	r = route("172.32.0.0/12", "10.0.0.6");
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_REPLACE, &r, sizeof(r)), 0);
	p = ctl_prefix("172.64.0.0/12");
	r = route("172.64.0.0/12", "10.0.0.8");
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));

	/* a step that fails when run: counted, the others still run */
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_DEL, &gone.dst, sizeof(gone.dst)), 0);
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_DEL, &p, sizeof(p)), 0);
	r = route("172.80.0.0/12", "10.0.0.9");
	CTL_OK(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r));

	t = txn_call(c, NFV_MSG_TXN_ABORT, 0);
	CU_ASSERT_EQUAL(t.changes, 3);
	CU_ASSERT_EQUAL(t.undo_failed, 1);
	CU_ASSERT_FALSE(via("203.0.113.1", "10.0.0.7"));	/* never re-added */
	CU_ASSERT(via("172.16.1.1", "10.0.0.254"));
	CU_ASSERT(via("172.32.0.1", "10.0.0.6"));
	CU_ASSERT(via("172.64.0.1", "10.0.0.254"));
	/* the last change's step list did not include its own route: it stays */
	CU_ASSERT(via("172.80.0.1", "10.0.0.9"));
	ctl_fake_fini(&f);
}

/* An SA's undo carries keys: replayed through the IPsec handler as well. */
static void test_ipsec_undo(void)
{
	struct nfv_policy_sa sa = {
		.spi = 0x1001, .reqid = 1, .dir = NFV_IPSEC_DIR_OUT, .mode = NFV_IPSEC_MODE_TUNNEL,
		.cipher = NFV_IPSEC_AES_GCM_128, .key_len = 20,
	};
	struct nfv_msg_name n = { "t1" };
	struct nfv_mgmt_conn *c;
	struct ctl_resp r;
	uint32_t cnt;

	setup();
	c = ctl_conn_open(&f);
	strcpy(sa.name, "t1");
	sa.src = ctl_addr("10.0.0.1");
	sa.dst = ctl_addr("10.0.0.2");
	memset(sa.key, 0xa5, sa.key_len);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &sa, sizeof(sa));
	txn_call(c, NFV_MSG_TXN_BEGIN, 0);
	/* delete it, with the add (and its keys) as the undo */
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_IPSEC_SA_ADD, &sa, sizeof(sa)), 0);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SAS, NULL, 0, &r), 0);
	ctl_list(&r, sizeof(struct nfv_msg_ipsec_sa), &cnt);
	CU_ASSERT_EQUAL(cnt, 0);
	ctl_resp_free(&r);
	CU_ASSERT_EQUAL(txn_call(c, NFV_MSG_TXN_ABORT, 0).undo_failed, 0);
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SAS, NULL, 0, &r), 0);
	CU_ASSERT(ctl_list(&r, sizeof(struct nfv_msg_ipsec_sa), &cnt) != NULL && cnt == 1 &&
		  strcmp((const char *)r.p + sizeof(struct nfv_msg_list), "t1") == 0);
	ctl_resp_free(&r);
	ctl_fake_fini(&f);
}

/*
 * The owner dies with changes in flight (kill -9 of nfvpnd): a change whose
 * answer cannot be sent any more was made, and keeps its undo; closing the
 * connection rolls every change back, in one publish.
 */
static void test_owner_killed(void)
{
	struct nfv_policy_route def, r;
	struct nfv_msg_txn_undo *u;
	struct nfv_mgmt_conn *c;
	uint8_t buf[sizeof(*u) + sizeof(def)];
	struct nfv_msg_hdr h = {
		.type = NFV_MSG_ROUTE_ADD, .version = NFV_MSG_VERSION, .seq = 99,
	};
	uint64_t g0, commits;
	char dst[32];
	int ret;

	setup();
	def = routes[0];
	c = ctl_conn_open(&f);
	g0 = f.dp.generation;
	txn_call(c, NFV_MSG_TXN_BEGIN, 0);
	for (unsigned int i = 0; i < 200; i++) {
		snprintf(dst, sizeof(dst), "172.16.%u.0/24", i);
		add_with_undo(c, dst, "10.0.0.2");
	}
	/* the default route replaced: its undo puts the old one back */
	CU_ASSERT_EQUAL(undo(c, NFV_MSG_ROUTE_REPLACE, &def, sizeof(def)), 0);
	r = route("0.0.0.0/0", "10.0.0.3");
	CTL_OK(&f, c, NFV_MSG_ROUTE_REPLACE, &r, sizeof(r));
	CU_ASSERT(via("198.51.100.1", "10.0.0.3"));

	/* the peer is gone before this change is answered */
	close(ctl_peer(&f, c));
	u = (void *)buf;
	memset(u, 0, sizeof(*u));
	r = route("172.31.0.0/16", "10.0.0.2");
	u->type = NFV_MSG_ROUTE_DEL;
	u->len = sizeof(r.dst);
	memcpy(u->payload, &r.dst, sizeof(r.dst));
	CU_ASSERT_EQUAL(nfv_txn_undo(&f.dp, c, u, sizeof(*u) + u->len), 0);
	h.len = sizeof(r);
	ret = nfv_mgmt_dispatch(&f.dp, c, &h, &r);
	CU_ASSERT_EQUAL(ret, 0);	/* the change's status, not the send's */
	nfv_txn_after(&f.dp, c, &h, ret);
	CU_ASSERT(c->dead);

	commits = f.dp.rib->commits;
	ctl_conn_close_peerless(&f, c);
	CU_ASSERT_EQUAL(f.dp.rib->commits, commits + 1);	/* one publish */
	CU_ASSERT_EQUAL(f.dp.generation, g0);
	CU_ASSERT(via("172.31.1.1", "10.0.0.254"));
	CU_ASSERT(via("172.16.5.1", "10.0.0.254"));
	CU_ASSERT(via("198.51.100.1", "10.0.0.254"));
	CU_ASSERT_EQUAL(f.dp.rib->nb_routes, 3);	/* local, connected, default */
	ctl_fake_fini(&f);
}

/*
 * A transaction that timed out: the connection's next changes (pipelined
 * behind the undo steps the timeout made useless) are refused until it
 * begins again.
 */
static void test_expired(void)
{
	struct nfv_policy_route r = route("172.16.0.0/12", "10.0.0.2");
	struct nfv_mgmt_conn *c;

	setup();
	c = ctl_conn_open(&f);
	f.dp.txn_timeout_s = 1;
	txn_call(c, NFV_MSG_TXN_BEGIN, 0);
	add_with_undo(c, "172.32.0.0/12", "10.0.0.3");
	nfv_ctl_module_find("transactions")->timer(&f.dp, rte_rdtsc() + 2 * rte_get_tsc_hz());
	CU_ASSERT(via("172.32.0.1", "10.0.0.254"));	/* rolled back */
	CTL_ERR(&f, c, NFV_MSG_ROUTE_ADD, &r, sizeof(r), -ETIMEDOUT, "transaction timed out");
	CU_ASSERT(via("172.16.0.1", "10.0.0.254"));
	/* what changes nothing is still served; a new transaction clears it */
	CTL_OK(&f, c, NFV_MSG_ROUTES, NULL, 0);
	txn_call(c, NFV_MSG_TXN_BEGIN, 0);
	add_with_undo(c, "172.16.0.0/12", "10.0.0.2");
	CU_ASSERT(via("172.16.0.1", "10.0.0.2"));
	txn_call(c, NFV_MSG_TXN_COMMIT, 0);
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_txn", NULL, NULL,
		{ "BEGIN, changes with undo steps, ABORT rolls back by the handlers", test_abort },
		{ "COMMIT: one generation, one event", test_commit },
		{ "stale, busy, no transaction, undo steps that are not changes", test_refused },
		{ "another connection's changes are not undone", test_other_connection },
		{ "the owner closing rolls back", test_owner_closes },
		{ "undo steps belong to the next change request", test_arming },
		{ "an SA's undo replays through the IPsec handler", test_ipsec_undo },
		{ "the owner killed mid-batch: every change undone, one publish", test_owner_killed },
		{ "after a timeout, the connection's changes are refused", test_expired });
	return nfv_test_run();
}
