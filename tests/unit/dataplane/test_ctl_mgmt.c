/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registry of message handlers (control/mgmt.c): every request type of
 * config/nfv_msg.h has exactly one handler, the server's own types none;
 * dispatch refuses an unknown type, a short payload and the replay of a
 * request that changes nothing; the listings answer on a fake dataplane,
 * each through the one listing helper (nfv_mgmt_list, nfv_mgmt_row).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_fake.h"
#include "events.h"
#include "module.h"

/* The request types a client sends, and whether each may be an undo step. */
static const struct {
	uint16_t type;
	bool changes;
	uint16_t size;	/* a fixed-size request: its payload, else 0 */
} requests[] = {
	{ NFV_MSG_STATUS, false, 0 },
	{ NFV_MSG_PORTS, false, 0 },
	{ NFV_MSG_ROUTES, false, 0 },
	{ NFV_MSG_NEIGH, false, 0 },
	{ NFV_MSG_HOOKS, false, 0 },
	{ NFV_MSG_STATS, false, 0 },
	{ NFV_MSG_QUEUES, false, 0 },
	{ NFV_MSG_QUEUE_LISTEN, false, sizeof(struct nfv_msg_queue_listen) },
	{ NFV_MSG_QUEUE_VERDICT, false, sizeof(struct nfv_msg_queue_verdict) },
	{ NFV_MSG_HOOK_ADD, true, sizeof(struct nfv_policy_hook) },
	{ NFV_MSG_HOOK_DEL, true, sizeof(struct nfv_msg_name) },
	{ NFV_MSG_ROUTE_ADD, true, sizeof(struct nfv_policy_route) },
	{ NFV_MSG_ROUTE_DEL, true, sizeof(struct nfv_prefix) },
	{ NFV_MSG_NEIGH_ADD, true, sizeof(struct nfv_policy_neighbour) },
	{ NFV_MSG_NEIGH_DEL, true, sizeof(struct nfv_msg_neigh_key) },
	{ NFV_MSG_ROUTE_REPLACE, true, sizeof(struct nfv_policy_route) },
	{ NFV_MSG_STATS_CLEAR, false, 0 },
	{ NFV_MSG_STATS_DELTA, false, 0 },
	{ NFV_MSG_CAPTURE_INFO, false, 0 },
	{ NFV_MSG_IPSEC_SAS, false, 0 },
	{ NFV_MSG_IPSEC_SPS, false, 0 },
	{ NFV_MSG_IPSEC_SA_ADD, true, 0 },
	{ NFV_MSG_IPSEC_SA_DEL, true, 0 },
	{ NFV_MSG_IPSEC_SP_ADD, true, 0 },
	{ NFV_MSG_IPSEC_SP_DEL, true, 0 },
	{ NFV_MSG_IPSEC_SA_UPDATE, true, sizeof(struct nfv_msg_ipsec_sa_update) },
	{ NFV_MSG_FILTER_RULESET, false, 0 },
	{ NFV_MSG_FILTER_INFO, false, 0 },
	{ NFV_MSG_FILTER_LOAD_BEGIN, true, 0 },
	{ NFV_MSG_FILTER_LOAD_DATA, true, 0 },
	{ NFV_MSG_FILTER_LOAD_COMMIT, true, 0 },
	{ NFV_MSG_CT_LIST, false, 0 },
	{ NFV_MSG_CT_FLUSH, false, 0 },
	{ NFV_MSG_FILTER_NLMSGS, false, 0 },
	{ NFV_MSG_FILTER_OBJ_RESET, false, sizeof(struct nfv_msg_filter_reset) },
	{ NFV_MSG_TXN_BEGIN, false, 0 },
	{ NFV_MSG_TXN_UNDO, false, 0 },
	{ NFV_MSG_TXN_COMMIT, false, 0 },
	{ NFV_MSG_TXN_ABORT, false, 0 },
	{ NFV_MSG_EVENTS, false, 0 },
	{ NFV_MSG_BUILTINS, false, 0 },
	{ NFV_MSG_TRACE, false, 0 },
};

/* What only the server sends. */
static const uint16_t pushes[] = { NFV_MSG_ERROR, NFV_MSG_QUEUE_PACKET, NFV_MSG_EVENT };

/* A new type in nfv_msg.h lands here first: add it to the tables above. */
_Static_assert(NFV_MSG_TYPE_MAX == NFV_MSG_TRACE + 1, "a new message type: list it here");
_Static_assert(NFV_MSG_TYPE_MAX <= NFV_MGMT_MAX_TYPES, "the registry is too small");

static struct ctl_fake f;

/* Every module that starts without devices or sockets, on an empty policy. */
static void start_all(void)
{
	ctl_fake_init(&f);
	CTL_START(&f, "filter", "routes", "neighbours", "queues", "hook entries", "ipsec",
		  "events", "trace", "transactions", "counters");
}

static int request_index(unsigned int type)
{
	for (unsigned int i = 0; i < RTE_DIM(requests); i++)
		if (requests[i].type == type)
			return i;
	return -1;
}

static void test_registry(void)
{
	unsigned int handled = 0;

	for (unsigned int t = 0; t < NFV_MGMT_MAX_TYPES; t++) {
		const struct nfv_mgmt_handler *h = nfv_mgmt_handler(t);
		int i = request_index(t);

		if (i < 0) {
			/* a server-to-client type, or no type at all */
			if (h != NULL)
				fprintf(stderr, "\ntype %u has handler \"%s\"\n", t, h->name);
			CU_ASSERT_PTR_NULL(h);
			continue;
		}
		if (h == NULL) {
			fprintf(stderr, "\nrequest type %u has no handler\n", t);
			CU_FAIL("a request type without a handler");
			continue;
		}
		handled++;
		CU_ASSERT_EQUAL(h->type, t);
		CU_ASSERT_PTR_NOT_NULL(h->fn);
		CU_ASSERT(h->name != NULL && h->name[0] != '\0');
		/* a listing is a walk and a record size, nothing else */
		if (h->list != NULL) {
			CU_ASSERT(h->fn == nfv_mgmt_list && h->record_size > 0 &&
				  h->min_len == 0 && !h->changes);
		} else {
			CU_ASSERT(h->fn != nfv_mgmt_list);
		}
		/* only what changes state may be replayed as an undo */
		CU_ASSERT_EQUAL(h->changes, requests[i].changes);
		/* a fixed-size request is refused short, before its handler copies it */
		if (requests[i].size)
			CU_ASSERT_EQUAL(h->min_len, requests[i].size);
	}
	CU_ASSERT_EQUAL(handled, RTE_DIM(requests));
	for (unsigned int i = 0; i < RTE_DIM(pushes); i++)
		CU_ASSERT_PTR_NULL(nfv_mgmt_handler(pushes[i]));
	CU_ASSERT_PTR_NULL(nfv_mgmt_handler(NFV_MGMT_MAX_TYPES));
	CU_ASSERT_PTR_NULL(nfv_mgmt_handler(UINT16_MAX));
}

/* A type registered twice stops the program at once (a constructor's clash). */
static void test_registered_twice(void)
{
	struct nfv_mgmt_handler dup = *nfv_mgmt_handler(NFV_MSG_ROUTES);
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDERR_FILENO);
		nfv_mgmt_register(&dup, 1);
		_exit(0);
	}
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	/* the registry of this process is as it was */
	CU_ASSERT_EQUAL(nfv_mgmt_handler(NFV_MSG_ROUTES)->fn, dup.fn);
}

static void test_unknown_and_short(void)
{
	struct nfv_mgmt_conn *c;
	uint8_t zero[1024] = { 0 };

	ctl_fake_init(&f);
	c = ctl_conn_open(&f);
	CTL_ERR(&f, c, 31, NULL, 0, -EOPNOTSUPP, "unknown request type 31");
	CTL_ERR(&f, c, NFV_MSG_QUEUE_PACKET, zero, 16, -EOPNOTSUPP, "unknown request type 9");
	CTL_ERR(&f, c, NFV_MSG_ERROR, NULL, 0, -EOPNOTSUPP, "unknown request type 0");
	CTL_ERR(&f, c, 1000, NULL, 0, -EOPNOTSUPP, "unknown request type 1000");
	/* every handler that wants a payload refuses one byte less, by name */
	for (unsigned int t = 0; t < NFV_MGMT_MAX_TYPES; t++) {
		const struct nfv_mgmt_handler *h = nfv_mgmt_handler(t);
		char text[96];

		if (h == NULL || h->min_len == 0)
			continue;
		CU_ASSERT_FATAL(h->min_len - 1u <= sizeof(zero));
		snprintf(text, sizeof(text), "%s: payload of %u bytes is too short", h->name,
			 h->min_len - 1u);
		CTL_ERR(&f, c, t, zero, h->min_len - 1u, -EINVAL, text);
	}
	ctl_fake_fini(&f);
}

/* With c NULL (a transaction's undo) only a change request runs. */
static void test_replay(void)
{
	struct nfv_policy_route r = { .has_via = true };
	struct nfv_mgmt_conn *c;

	start_all();
	c = ctl_conn_open(&f);
	for (unsigned int t = 0; t < NFV_MGMT_MAX_TYPES; t++) {
		const struct nfv_mgmt_handler *h = nfv_mgmt_handler(t);

		if (h != NULL && !h->changes)
			CU_ASSERT_EQUAL(ctl_replay(&f, t, NULL, 0), -EPERM);
	}
	/* no open transaction came of TXN_BEGIN, nothing was sent */
	CU_ASSERT_PTR_NULL(f.dp.txn);
	CU_ASSERT(ctl_all_idle(&f));

	/* a change runs, answering nobody */
	r.dst = ctl_prefix("198.51.100.0/24");
	r.via = ctl_addr("192.0.2.1");
	strcpy(r.port, "p1");
	CU_ASSERT_EQUAL(ctl_replay(&f, NFV_MSG_ROUTE_ADD, &r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "198.51.100.7")->type, NFV_NH_FORWARD);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "198.51.100.7")->port, 1);
	/* an add of a prefix that has a route is refused; a replace is explicit */
	strcpy(r.port, "p0");
	CU_ASSERT_EQUAL(ctl_replay(&f, NFV_MSG_ROUTE_ADD, &r, sizeof(r)), -EEXIST);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "198.51.100.7")->port, 1);
	CU_ASSERT_EQUAL(ctl_replay(&f, NFV_MSG_ROUTE_REPLACE, &r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(ctl_fib_lookup(&f, "198.51.100.7")->port, 0);
	/* and its failure is returned, not sent */
	strcpy(r.port, "nope");
	CU_ASSERT_EQUAL(ctl_replay(&f, NFV_MSG_ROUTE_ADD, &r, sizeof(r)), -ENOENT);
	CU_ASSERT(ctl_all_idle(&f));
	(void)c;
	ctl_fake_fini(&f);
}

/*
 * Every request with an empty payload, on every module that runs on the
 * fake: one response each (a copy of exactly 0 bytes: ASan sees an
 * over-read), and a second pass finds the dataplane still answering.
 */
static void test_empty_payloads(void)
{
	struct nfv_mgmt_conn *c;

	start_all();
	c = ctl_conn_open(&f);
	for (unsigned int pass = 0; pass < 2; pass++)
		for (unsigned int i = 0; i < RTE_DIM(requests); i++)
			ctl_call(&f, c, requests[i].type, NULL, 0, NULL);
	ctl_fake_fini(&f);
}

/* The value of counter name in the listing type; UINT64_MAX when missing. */
static uint64_t counter(struct nfv_mgmt_conn *c, uint16_t type, const char *name)
{
	const struct nfv_msg_counter *cnt;
	uint64_t v = UINT64_MAX;
	struct ctl_resp r;
	uint32_t n;

	CU_ASSERT_EQUAL_FATAL(ctl_call(&f, c, type, NULL, 0, &r), 0);
	cnt = ctl_list(&r, sizeof(*cnt), &n);
	for (uint32_t i = 0; cnt != NULL && i < n; i++)
		if (strcmp(cnt[i].name, name) == 0)
			v = cnt[i].value;
	ctl_resp_free(&r);
	return v;
}

/*
 * CAPTURE_INFO: the --file-prefix of this process (nfv_test_eal_init's),
 * and why dumpcap could not attach here: no hugepages, no rte_pdump.
 */
static void test_capture_info(void)
{
	struct nfv_msg_capture_info ci;
	struct nfv_mgmt_conn *c;
	struct ctl_resp r;
	char want[64];

	snprintf(want, sizeof(want), "nfvtest%d", (int)getpid());
	start_all();
	c = ctl_conn_open(&f);
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_CAPTURE_INFO, NULL, 0, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.h.len, sizeof(ci));
	memcpy(&ci, r.p, sizeof(ci));
	CU_ASSERT_STRING_EQUAL(ci.file_prefix, want);
	CU_ASSERT_EQUAL(ci.hugepages, 0);	/* --no-huge */
	CU_ASSERT_EQUAL(ci.served, 0);		/* the capture module did not start */
	ctl_resp_free(&r);
	ctl_fake_fini(&f);
}

/* The counters' listings need no device: the fake's ports have none. */
static void test_status_stats_ports(void)
{
	const struct nfv_msg_counter *cnt;
	const struct nfv_msg_port *p;
	struct nfv_msg_status st;
	struct nfv_mgmt_conn *c;
	struct ctl_resp r;
	uint32_t n;
	bool seen = false;

	start_all();
	c = ctl_conn_open(&f);
	f.dp.workers[0].stats.rx = 7;
	f.dp.workers[0].stats.port_rx[1] = 7;
	f.dp.workers[0].stats.punted[1] = 3;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_STATUS, NULL, 0, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.h.len, sizeof(st));
	memcpy(&st, r.p, sizeof(st));
	CU_ASSERT_STRING_EQUAL(st.policy, "fake.yaml");
	CU_ASSERT_EQUAL(st.generation, f.dp.generation);
	CU_ASSERT_EQUAL(st.workers, 1);
	CU_ASSERT_EQUAL(st.ports, CTL_FAKE_PORTS);
	CU_ASSERT_EQUAL(st.rx_packets, 7);
	CU_ASSERT_EQUAL(st.mempool_size, 255);
	ctl_resp_free(&r);

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_STATS, NULL, 0, &r), 0);
	cnt = ctl_list(&r, sizeof(*cnt), &n);
	for (uint32_t i = 0; cnt != NULL && i < n; i++)
		if (strcmp(cnt[i].name, "rx") == 0) {
			CU_ASSERT_EQUAL(cnt[i].value, 7);
			seen = true;
		}
	CU_ASSERT(seen);
	ctl_resp_free(&r);

	/* clear: the delta starts from 0, the raw list goes on; gauges stay */
	CTL_OK(&f, c, NFV_MSG_STATS_CLEAR, NULL, 0);
	f.dp.workers[0].stats.rx = 10;
	CU_ASSERT_EQUAL(counter(c, NFV_MSG_STATS_DELTA, "rx"), 3);
	CU_ASSERT_EQUAL(counter(c, NFV_MSG_STATS, "rx"), 10);
	CU_ASSERT_EQUAL(counter(c, NFV_MSG_STATS_DELTA, "mgmt.clients"), 1);
	CTL_OK(&f, c, NFV_MSG_STATS_CLEAR, NULL, 0);
	CU_ASSERT_EQUAL(counter(c, NFV_MSG_STATS_DELTA, "rx"), 0);

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_PORTS, NULL, 0, &r), 0);
	p = ctl_list(&r, sizeof(*p), &n);
	CU_ASSERT_EQUAL_FATAL(n, CTL_FAKE_PORTS);
	CU_ASSERT_STRING_EQUAL(p[1].name, "p1");
	CU_ASSERT_STRING_EQUAL(p[1].device, "fake1");
	CU_ASSERT_EQUAL(p[1].mac[5], 2);
	CU_ASSERT_EQUAL(p[1].mtu, 1500);
	CU_ASSERT_EQUAL(p[1].port_id, UINT16_MAX);
	CU_ASSERT_EQUAL(p[1].link_up, 0);
	CU_ASSERT_EQUAL(p[1].punted, 3);
	ctl_resp_free(&r);
	ctl_fake_fini(&f);
}

/* EVENTS subscribes; the timer streams what was pushed; closing unsubscribes. */
static void test_events(void)
{
	struct nfv_ctl_module *ev = nfv_ctl_module_find("events");
	struct nfv_mgmt_conn *sub, *other;
	struct nfv_msg_event e;
	struct ctl_resp r;

	start_all();
	other = ctl_conn_open(&f);
	sub = ctl_conn_open(&f);
	CTL_OK(&f, sub, NFV_MSG_EVENTS, NULL, 0);
	CTL_OK(&f, sub, NFV_MSG_EVENTS, NULL, 0);	/* once is enough */
	CU_ASSERT_EQUAL(nfv_event_push(&f.dp, NFV_EVENT_QUEUE_OVERFLOW, 0, 5, "queue 3"), 0);
	ev->timer(&f.dp, 0);
	CU_ASSERT_FATAL(ctl_read_push(&f, sub, &r));
	CU_ASSERT_EQUAL(r.h.type, NFV_MSG_EVENT);
	CU_ASSERT_EQUAL(r.h.seq, 0);
	CU_ASSERT_EQUAL_FATAL(r.h.len, sizeof(e));
	memcpy(&e, r.p, sizeof(e));
	CU_ASSERT_EQUAL(e.type, NFV_EVENT_QUEUE_OVERFLOW);
	CU_ASSERT_EQUAL(e.value, 5);
	CU_ASSERT_STRING_EQUAL(e.object, "queue 3");
	CU_ASSERT(strlen(e.text) > 0);
	ctl_resp_free(&r);
	CU_ASSERT(ctl_all_idle(&f));	/* one event, to the subscriber only */

	ctl_conn_close(&f, sub);
	CU_ASSERT_EQUAL(nfv_event_push(&f.dp, NFV_EVENT_GENERATION, UINT16_MAX, 2, "x"), 0);
	ev->timer(&f.dp, 0);
	CU_ASSERT(ctl_all_idle(&f));

	/* NFV_EVENTS_SUBS subscribers at most; a closed one makes room */
	for (unsigned int i = 0; i < NFV_EVENTS_SUBS; i++)
		CTL_OK(&f, ctl_conn_open(&f), NFV_MSG_EVENTS, NULL, 0);
	CTL_ERR(&f, other, NFV_MSG_EVENTS, NULL, 0, -EBUSY, "too many event subscribers");
	ctl_conn_close(&f, &f.mgmt.conns[f.mgmt.nb_conns - 1]);
	other = &f.mgmt.conns[0];
	CTL_OK(&f, other, NFV_MSG_EVENTS, NULL, 0);
	ctl_fake_fini(&f);
}

/*
 * Every listing of the tree, on an empty fake dataplane: a list of its
 * record size, whose length is its count of records (the filter's: the
 * empty policy has no filter section, an error with its text).
 */
static void test_listings(void)
{
	struct nfv_mgmt_conn *c;
	unsigned int listings = 0;

	start_all();
	c = ctl_conn_open(&f);
	for (unsigned int t = 0; t < NFV_MGMT_MAX_TYPES; t++) {
		const struct nfv_mgmt_handler *h = nfv_mgmt_handler(t);
		struct ctl_resp r;
		uint32_t n;

		if (h == NULL || h->list == NULL)
			continue;
		listings++;
		if (t == NFV_MSG_FILTER_RULESET || t == NFV_MSG_CT_LIST) {
			/* the walk's own error (test_ctl_filter lists a ruleset) */
			CTL_ERR(&f, c, t, NULL, 0, -ENOTSUP, "the policy has no filter section");
			continue;
		}
		CU_ASSERT_EQUAL(ctl_call(&f, c, t, NULL, 0, &r), 0);
		CU_ASSERT_PTR_NOT_NULL(ctl_list(&r, h->record_size, &n));
		ctl_resp_free(&r);
	}
	/* routes, neigh, hooks, built-ins, stats, stats delta, queues, ports, SAs,
	 * SPs, ruleset, conntrack */
	CU_ASSERT_EQUAL(listings, 12);
	ctl_fake_fini(&f);
}

/* The helper itself, on a walk of its own: rows skipped, counted, an error's text. */
#define TEST_LIST_TYPE (NFV_MGMT_MAX_TYPES - 1)
#define TEST_FAIL_TYPE (NFV_MGMT_MAX_TYPES - 2)

struct test_rec {
	uint32_t row;
	uint8_t zero[13];	/* 20 bytes: records on no 8-byte boundary */
};

static int test_walk(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	for (uint32_t i = 0; i < 1000; i++) {
		struct test_rec *r;

		if (i % 3 != 0)
			continue;
		r = nfv_mgmt_row(rows);	/* grows the buffer past 4 KiB */
		if (r == NULL)
			return -ENOMEM;
		r->row = i;
	}
	return 0;
}

static int test_walk_fail(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	nfv_mgmt_row(rows);
	snprintf(rows->why, sizeof(rows->why), "no table of that kind");
	return -ENOENT;
}

static const struct nfv_mgmt_handler test_handlers[] = {
	NFV_MGMT_LISTING(TEST_LIST_TYPE, "test rows", struct test_rec, test_walk),
	NFV_MGMT_LISTING(TEST_FAIL_TYPE, "test failure", struct test_rec, test_walk_fail),
};

static void test_list_helper(void)
{
	const struct test_rec *rec;
	struct nfv_mgmt_conn *c;
	struct ctl_resp r;
	uint32_t n;

	CU_ASSERT_PTR_NULL_FATAL(nfv_mgmt_handler(TEST_LIST_TYPE));
	CU_ASSERT_PTR_NULL_FATAL(nfv_mgmt_handler(TEST_FAIL_TYPE));
	nfv_mgmt_register(test_handlers, RTE_DIM(test_handlers));
	start_all();
	c = ctl_conn_open(&f);
	CU_ASSERT_EQUAL(ctl_call(&f, c, TEST_LIST_TYPE, NULL, 0, &r), 0);
	rec = ctl_list(&r, sizeof(*rec), &n);
	CU_ASSERT_EQUAL_FATAL(n, 334);
	for (uint32_t i = 0; rec != NULL && i < n; i++) {
		struct test_rec x;

		memcpy(&x, &rec[i], sizeof(x));
		CU_ASSERT_EQUAL(x.row, i * 3);
		CU_ASSERT_EQUAL(x.zero[12], 0);
	}
	ctl_resp_free(&r);
	CTL_ERR(&f, c, TEST_FAIL_TYPE, NULL, 0, -ENOENT, "no table of that kind");
	/* the walk's rows are not sent with the error, and nothing else is */
	CU_ASSERT(ctl_all_idle(&f));
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_mgmt", NULL, NULL,
		{ "every request type has one handler, server types none", test_registry },
		{ "a type registered twice aborts", test_registered_twice },
		{ "unknown type, short payload: an error with a message", test_unknown_and_short },
		{ "replay (c NULL): changes only, nothing sent", test_replay },
		{ "every request with an empty payload gets one response", test_empty_payloads },
		{ "STATUS, STATS, PORTS on ports without a device", test_status_stats_ports },
		{ "CAPTURE_INFO: the file prefix, no hugepages, not served", test_capture_info },
		{ "EVENTS: subscribe, stream, unsubscribe on close, limit", test_events },
		{ "every listing: a list of its record size", test_listings },
		/* last: it registers types of its own */
		{ "the listing helper: rows, growth, an error's text", test_list_helper });
	return nfv_test_run();
}
