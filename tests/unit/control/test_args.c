/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command lines: each bad one says exactly what is wrong and exits 2
 * without touching the socket; good ones send the right request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_test.h"
#include "test_control.h"

struct bad_call {
	const char *args[12];
	const char *msg;	/* the first line of stderr */
};

static const struct bad_call bad_calls[] = {
	{ { NULL }, "nfvpnctl: missing command" },
	{ { "frobnicate" }, "nfvpnctl: unknown command \"frobnicate\"" },
	{ { "--bogus", "status" }, "nfvpnctl: unknown option \"--bogus\"" },
	{ { "status", "--socket" }, "nfvpnctl: --socket needs a PATH" },
	{ { "--socket=", "status" }, "nfvpnctl: --socket needs a PATH" },
	{ { "help", "nope" }, "nfvpnctl: help: no command \"nope\"" },
	{ { "help", "hook", "add", "x" }, "nfvpnctl: help: unexpected argument \"x\"" },
	{ { "status", "now" }, "nfvpnctl: status: unexpected argument \"now\"" },
	{ { "ports", "p0" }, "nfvpnctl: ports: unexpected argument \"p0\"" },
	{ { "routes", "x" }, "nfvpnctl: routes: unexpected argument \"x\"" },
	{ { "hooks", "x" }, "nfvpnctl: hooks: unexpected argument \"x\"" },
	{ { "stats", "x" }, "nfvpnctl: stats: unexpected argument \"x\"" },
	{ { "queues", "x" }, "nfvpnctl: queues: unexpected argument \"x\"" },
	{ { "neigh", "frob" }, "nfvpnctl: neigh: unknown subcommand \"frob\"; expected add or del" },
	{ { "hook", "frob" }, "nfvpnctl: hook: unknown subcommand \"frob\"; expected add or del" },
	{ { "route", "change" },
	  "nfvpnctl: route: unknown subcommand \"change\"; expected add, replace or del" },
	{ { "queue", "frob" }, "nfvpnctl: queue: unknown subcommand \"frob\"; expected listen or verdict" },
	{ { "route", "list", "x" }, "nfvpnctl: route: unexpected argument \"x\"" },
	{ { "sa", "show", "x" }, "nfvpnctl: sa: unexpected argument \"x\"" },
	{ { "reload", "show" }, "nfvpnctl: reload: unexpected argument \"show\"" },
	{ { "stats", "--al" }, "nfvpnctl: stats: unexpected argument \"--al\"" },
	{ { "clear" }, "nfvpnctl: clear: missing subcommand; expected stats" },
	{ { "clear", "stats", "now" }, "nfvpnctl: clear stats: unexpected argument \"now\"" },
	{ { "route", "replace" }, "nfvpnctl: route replace: missing argument PREFIX" },
	{ { "route", "replace", "10.0.0.0/24" },
	  "nfvpnctl: route replace: a unicast route needs via ADDR, port P or both" },

	{ { "route", "add" }, "nfvpnctl: route add: missing argument PREFIX" },
	{ { "route", "add", "10.0.0.0/33", "port", "p0" },
	  "nfvpnctl: route add: bad prefix \"10.0.0.0/33\": expected ADDR/LEN such as 10.0.0.0/24 or 2001:db8::/32" },
	{ { "route", "add", "10.0.0.1/24", "port", "p0" },
	  "nfvpnctl: route add: bad prefix \"10.0.0.1/24\": host bits are set; did you mean 10.0.0.0/24?" },
	{ { "route", "add", "10.0.0.0/24" },
	  "nfvpnctl: route add: a unicast route needs via ADDR, port P or both" },
	{ { "route", "add", "10.0.0.0/24", "via" }, "nfvpnctl: route add: via needs an ADDR" },
	{ { "route", "add", "10.0.0.0/24", "via", "2001:db8::1" },
	  "nfvpnctl: route add: gateway 2001:db8::1 is IPv6 but 10.0.0.0/24 is IPv4" },
	{ { "route", "add", "10.0.0.0/24", "via", "10.0.0.300" },
	  "nfvpnctl: route add: bad gateway address \"10.0.0.300\"" },
	{ { "route", "add", "10.0.0.0/24", "via", "224.0.0.1" },
	  "nfvpnctl: route add: gateway 224.0.0.1 is not a unicast address" },
	{ { "route", "add", "10.0.0.0/24", "blackhole", "via", "10.1.1.1" },
	  "nfvpnctl: route add: a blackhole route takes no via or port" },
	{ { "route", "add", "10.0.0.0/24", "port", "p0", "port", "p1" },
	  "nfvpnctl: route add: port given twice" },
	{ { "route", "add", "10.0.0.0/24", "dev", "p0" },
	  "nfvpnctl: route add: unknown argument \"dev\"; expected via, port or blackhole" },
	{ { "route", "add", "10.0.0.0/24", "port", "0p" },
	  "nfvpnctl: route add: bad port name \"0p\": expected a letter then up to 14 letters, digits, '_' or '-'" },
	{ { "route", "del" }, "nfvpnctl: route del: missing argument PREFIX" },
	{ { "route", "del", "10.0.0.0/8", "via", "1.1.1.1" },
	  "nfvpnctl: route del: unexpected argument \"via\"" },
	{ { "route", "del", "ten" },
	  "nfvpnctl: route del: bad prefix \"ten\": expected ADDR/LEN such as 10.0.0.0/24 or 2001:db8::/32" },

	{ { "neigh", "add" }, "nfvpnctl: neigh add: missing argument PORT" },
	{ { "neigh", "add", "p0" }, "nfvpnctl: neigh add: missing argument ADDR" },
	{ { "neigh", "add", "p0", "192.0.2.1" }, "nfvpnctl: neigh add: missing argument MAC" },
	{ { "neigh", "add", "p0", "192.0.2", "02:00:00:00:00:01" },
	  "nfvpnctl: neigh add: bad address \"192.0.2\": expected an IPv4 or IPv6 address" },
	{ { "neigh", "add", "p0", "ff02::1", "02:00:00:00:00:01" },
	  "nfvpnctl: neigh add: bad address \"ff02::1\": not a unicast address" },
	{ { "neigh", "add", "p0", "192.0.2.1", "01:00:5e:00:00:01" },
	  "nfvpnctl: neigh add: bad MAC \"01:00:5e:00:00:01\": expected a unicast address as 02:00:00:00:00:01" },
	{ { "neigh", "add", "p0", "192.0.2.1", "02:00:00:00:00" },
	  "nfvpnctl: neigh add: bad MAC \"02:00:00:00:00\": expected a unicast address as 02:00:00:00:00:01" },
	{ { "neigh", "add", "p0", "192.0.2.1", "02:00:00:00:00:01", "nud" },
	  "nfvpnctl: neigh add: unexpected argument \"nud\"" },
	{ { "neigh", "add", "a-very-long-port", "192.0.2.1", "02:00:00:00:00:01" },
	  "nfvpnctl: neigh add: bad port name \"a-very-long-port\": expected a letter then up to 14 letters, digits, '_' or '-'" },
	{ { "neigh", "del", "p0" }, "nfvpnctl: neigh del: missing argument ADDR" },

	{ { "hook", "add" }, "nfvpnctl: hook add: missing argument NAME" },
	{ { "hook", "add", "1st" },
	  "nfvpnctl: hook add: bad name \"1st\": expected a letter then up to 30 letters, digits, '_' or '-'" },
	{ { "hook", "add", "web" }, "nfvpnctl: hook add: missing argument HOOK" },
	{ { "hook", "add", "web", "INPUT_ROUTING" },
	  "nfvpnctl: hook add: unknown hook \"INPUT_ROUTING\"; expected PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT or POST_ROUTING" },
	{ { "hook", "add", "web", "input" }, "nfvpnctl: hook add: missing argument PRIORITY" },
	{ { "hook", "add", "web", "input", "high", "count" },
	  "nfvpnctl: hook add: bad priority \"high\"; expected an integer or one of raw, conntrack, mangle, dnat, filter, security, snat, first, last, optionally +N or -N" },
	{ { "hook", "add", "web", "input", "last+1", "count" },
	  "nfvpnctl: hook add: priority \"last+1\" is out of range" },
	{ { "hook", "add", "web", "input", "-2147483649", "count" },
	  "nfvpnctl: hook add: priority \"-2147483649\" is out of range" },
	{ { "hook", "add", "web", "input", "0" },
	  "nfvpnctl: hook add: missing action; expected count, drop, repeat or queue Q" },
	{ { "hook", "add", "web", "input", "0", "accept" },
	  "nfvpnctl: hook add: unknown action \"accept\"; expected count, drop, repeat or queue Q" },
	{ { "hook", "add", "web", "input", "0", "queue" },
	  "nfvpnctl: hook add: queue needs a queue number Q" },
	{ { "hook", "add", "web", "input", "0", "queue", "70000" },
	  "nfvpnctl: hook add: bad queue number \"70000\"; expected 0..65535" },
	{ { "hook", "add", "web", "input", "0", "count", "bypass" },
	  "nfvpnctl: hook add: bypass is only valid with queue Q" },
	{ { "hook", "add", "web", "input", "0", "count", "dport", "80" },
	  "nfvpnctl: hook add: dport needs proto tcp or udp" },
	{ { "hook", "add", "web", "input", "0", "count", "proto", "icmp", "dport", "80" },
	  "nfvpnctl: hook add: dport needs proto tcp or udp" },
	{ { "hook", "add", "web", "input", "0", "count", "proto", "tcp", "dport", "443-80" },
	  "nfvpnctl: hook add: bad port range \"443-80\"; expected N or N-M with 1 <= N <= M <= 65535" },
	{ { "hook", "add", "web", "input", "0", "count", "proto", "sctp" },
	  "nfvpnctl: hook add: bad protocol \"sctp\"; expected tcp, udp, icmp, icmpv6, esp or 0..255" },
	{ { "hook", "add", "web", "input", "0", "count", "proto", "tcp", "proto", "udp" },
	  "nfvpnctl: hook add: proto given twice" },
	{ { "hook", "add", "web", "input", "0", "count", "proto" },
	  "nfvpnctl: hook add: proto needs a protocol" },
	{ { "hook", "add", "web", "input", "0", "drop", "sport", "80" },
	  "nfvpnctl: hook add: unknown argument \"sport\"; expected proto or dport" },
	{ { "hook", "del" }, "nfvpnctl: hook del: missing argument NAME" },
	{ { "hook", "del", "web", "now" }, "nfvpnctl: hook del: unexpected argument \"now\"" },

	{ { "queue", "listen" }, "nfvpnctl: queue listen: missing argument N" },
	{ { "queue", "listen", "-1" },
	  "nfvpnctl: queue listen: bad queue number \"-1\"; expected 0..65535" },
	{ { "queue", "listen", "3", "--accept" }, "nfvpnctl: queue listen: unknown option \"--accept\"" },
	{ { "queue", "listen", "3", "--accept-all", "--drop-all" },
	  "nfvpnctl: queue listen: --drop-all: only one of --accept-all, --drop-all and --accept-every may be given" },
	{ { "queue", "listen", "3", "--accept-every" },
	  "nfvpnctl: queue listen: --accept-every needs a value" },
	{ { "queue", "listen", "3", "--accept-every", "0" },
	  "nfvpnctl: queue listen: bad --accept-every \"0\"; expected a number >= 1" },
	{ { "queue", "listen", "3", "--timeout" },
	  "nfvpnctl: queue listen: --timeout needs a value" },
	{ { "queue", "listen", "3", "--count", "many" },
	  "nfvpnctl: queue listen: bad --count \"many\"; expected a number >= 1" },
	{ { "queue", "listen", "3", "--timeout", "1e3" },
	  "nfvpnctl: queue listen: bad --timeout \"1e3\"; expected seconds > 0 such as 5 or 0.5" },
	{ { "queue", "listen", "3", "--timeout", "0" },
	  "nfvpnctl: queue listen: bad --timeout \"0\"; expected seconds > 0 such as 5 or 0.5" },
	{ { "queue", "verdict" }, "nfvpnctl: queue verdict: missing argument N" },
	{ { "queue", "verdict", "3" }, "nfvpnctl: queue verdict: missing argument ID" },
	{ { "queue", "verdict", "3", "x17", "accept" },
	  "nfvpnctl: queue verdict: bad packet id \"x17\"; expected a number as queue listen prints it" },
	{ { "queue", "verdict", "3", "17" },
	  "nfvpnctl: queue verdict: missing verdict; expected accept or drop" },
	{ { "queue", "verdict", "3", "17", "repeat" },
	  "nfvpnctl: queue verdict: unknown verdict \"repeat\"; expected accept or drop" },
};

static void test_bad_calls(void)
{
	unsigned int i, k;
	struct ctl_run r;
	char *argv[16];
	size_t len;
	int argc;

	fake_reset(&test_srv);
	for (i = 0; i < sizeof(bad_calls) / sizeof(bad_calls[0]); i++) {
		const struct bad_call *b = &bad_calls[i];

		argc = 0;
		argv[argc++] = "nfvpnctl";
		argv[argc++] = "--socket";
		argv[argc++] = test_srv.path;
		for (k = 0; b->args[k] != NULL; k++)
			argv[argc++] = (char *)b->args[k];
		argv[argc] = NULL;
		ctl_run_argv(&r, argc, argv);
		len = strlen(b->msg);
		if (r.rc != 2 || strncmp(r.err, b->msg, len) != 0 || r.err[len] != '\n')
			fprintf(stderr, "\ncase %u: rc %d, stderr:\n%sexpected:\n%s\n",
				i, r.rc, r.err, b->msg);
		CU_ASSERT_EQUAL(r.rc, 2);
		CU_ASSERT(strncmp(r.err, b->msg, len) == 0 && r.err[len] == '\n');
		/* Then how to call it right. */
		CU_ASSERT(strncmp(r.err + len + 1, "usage: nfvpnctl ", 16) == 0 ||
			  strncmp(r.err + len + 1, "Try \"nfvpnctl help", 18) == 0);
		CU_ASSERT_STRING_EQUAL(r.out, "");
		ctl_run_free(&r);
	}
	/* None of them reached the dataplane. */
	CU_ASSERT_EQUAL(test_srv.nb_reqs, 0);

	/* The whole message of one of them. */
	ctl_run(&r, "hook", "del", NULL);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: hook del: missing argument NAME\n"
				      "usage: nfvpnctl hook del NAME\n");
	ctl_run_free(&r);
	ctl_run(&r, "clear", NULL);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: clear: missing subcommand; expected stats\n"
				      "Try \"nfvpnctl help clear\".\n");
	ctl_run_free(&r);
}

/* A group alone, or with list or show, is its listing, as with ip route. */
static void test_group_lists(void)
{
	static const struct {
		const char *args[3];
		uint16_t type;
	} lists[] = {
		{ { "route" }, NFV_MSG_ROUTES },
		{ { "route", "list" }, NFV_MSG_ROUTES },
		{ { "route", "show" }, NFV_MSG_ROUTES },
		{ { "neigh", "show" }, NFV_MSG_NEIGH },
		{ { "hook" }, NFV_MSG_HOOKS },
		{ { "hook", "list" }, NFV_MSG_HOOKS },
		{ { "queue" }, NFV_MSG_QUEUES },
		{ { "sa", "list" }, NFV_MSG_IPSEC_SAS },
		{ { "sp", "show" }, NFV_MSG_IPSEC_SPS },
		{ { "conntrack", "show" }, NFV_MSG_CT_LIST },
	};
	static const uint8_t none[8];
	char *argv[8];
	struct ctl_run r;
	unsigned int i;
	int argc, k;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		fake_reset(&test_srv);
		fake_reply_list(&test_srv, lists[i].type, 1, none, 0, sizeof(none));
		argc = 0;
		argv[argc++] = "nfvpnctl";
		argv[argc++] = "--socket";
		argv[argc++] = test_srv.path;
		argv[argc++] = "--json";
		for (k = 0; k < 3 && lists[i].args[k] != NULL; k++)
			argv[argc++] = (char *)lists[i].args[k];
		argv[argc] = NULL;
		ctl_run_argv(&r, argc, argv);
		if (r.rc != 0)
			fprintf(stderr, "\ncase %u: rc %d: %s", i, r.rc, r.err);
		CU_ASSERT_EQUAL(r.rc, 0);
		CU_ASSERT(json_check(r.out, false, "len(list(d.values())[0]) == 0"));
		CU_ASSERT_EQUAL_FATAL(test_srv.nb_reqs, 1);
		CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, lists[i].type);
		ctl_run_free(&r);
	}
}

/* 3 when nothing listens: the dataplane, nfvpnd or the kernel stub. */
static void test_cannot_connect(void)
{
	char *argv[] = { "nfvpnctl", "--socket", "/nonexistent/nfvpn.sock", "stats", NULL };
	char *dargv[] = { "nfvpnctl", "daemon", NULL };
	struct ctl_run r;

	ctl_run_argv(&r, 4, argv);
	CU_ASSERT_EQUAL(r.rc, 3);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "is nfvpn-dataplane running?"));
	ctl_run_free(&r);
	setenv("NFVPND_SOCKET", "/nonexistent/nfvpnd.sock", 1);
	ctl_run_argv(&r, 2, dargv);
	unsetenv("NFVPND_SOCKET");
	CU_ASSERT_EQUAL(r.rc, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "is nfvpnd running?"));
	ctl_run_free(&r);
}

/* Runs a command that the fake server acknowledges; returns its request. */
static const struct fake_req *run_ok(uint16_t type, const char *const *args)
{
	char *argv[20] = { "nfvpnctl", "--socket", test_srv.path };
	struct ctl_run r;
	int argc = 3;

	fake_reset(&test_srv);
	fake_reply(&test_srv, type, 1, NULL, 0);
	for (; *args != NULL; args++)
		argv[argc++] = (char *)*args;
	ctl_run_argv(&r, argc, argv);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT_STRING_EQUAL(r.err, "");
	ctl_run_free(&r);
	CU_ASSERT_EQUAL_FATAL(test_srv.nb_reqs, 1);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, type);
	return &test_srv.reqs[0];
}

static void test_hook_requests(void)
{
	const struct nfv_policy_hook *h;
	const struct nfv_msg_name *m;
	const struct fake_req *q;

	q = run_ok(NFV_MSG_HOOK_ADD, (const char *[]){ "hook", "add", "web-in", "input",
		"filter+10", "queue", "3", "bypass", "proto", "tcp", "dport", "80-443", NULL });
	CU_ASSERT_EQUAL(q->hdr.len, sizeof(*h));
	h = (const void *)q->payload;
	CU_ASSERT_STRING_EQUAL(h->name, "web-in");
	CU_ASSERT_EQUAL(h->hook, 1);
	CU_ASSERT_EQUAL(h->priority, 10);
	CU_ASSERT_EQUAL(h->action, NFV_BUILTIN_QUEUE);
	CU_ASSERT_EQUAL(h->queue, 3);
	CU_ASSERT(h->queue_bypass);
	CU_ASSERT_EQUAL(h->proto, 6);
	CU_ASSERT(h->dport_min == 80 && h->dport_max == 443);

	q = run_ok(NFV_MSG_HOOK_ADD, (const char *[]){ "hook", "add", "D", "POST_ROUTING",
		"-150", "drop", "proto", "50", NULL });
	h = (const void *)q->payload;
	CU_ASSERT(h->hook == 4 && h->priority == -150 && h->action == NFV_BUILTIN_DROP);
	CU_ASSERT(h->proto == 50 && h->dport_min == 0 && !h->queue_bypass);

	q = run_ok(NFV_MSG_HOOK_ADD, (const char *[]){ "hook", "add", "first-one",
		"prerouting", "first", "count", NULL });
	h = (const void *)q->payload;
	CU_ASSERT(h->hook == 0 && h->priority == INT32_MIN && h->action == NFV_BUILTIN_COUNT);

	q = run_ok(NFV_MSG_HOOK_DEL, (const char *[]){ "hook", "del", "web-in", NULL });
	m = (const void *)q->payload;
	CU_ASSERT_EQUAL(q->hdr.len, sizeof(*m));
	CU_ASSERT_STRING_EQUAL(m->name, "web-in");
}

static void test_l3_requests(void)
{
	const struct nfv_policy_neighbour *nb;
	const struct nfv_msg_neigh_key *k;
	const struct nfv_policy_route *r;
	const struct nfv_prefix *p;
	const struct fake_req *q;
	char buf[NFV_PREFIX_FMT_MAX];

	q = run_ok(NFV_MSG_ROUTE_ADD, (const char *[]){ "route", "add", "default",
		"via", "192.0.2.1", NULL });
	r = (const void *)q->payload;
	CU_ASSERT_EQUAL(q->hdr.len, sizeof(*r));
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&r->dst, buf, sizeof(buf)), "0.0.0.0/0");
	CU_ASSERT(r->has_via && r->type == NFV_ROUTE_UNICAST && r->port[0] == '\0');
	CU_ASSERT_STRING_EQUAL(nfv_addr_fmt(&r->via, buf, sizeof(buf)), "192.0.2.1");

	q = run_ok(NFV_MSG_ROUTE_ADD, (const char *[]){ "route", "add", "2001:db8::/32",
		"blackhole", NULL });
	r = (const void *)q->payload;
	CU_ASSERT(r->type == NFV_ROUTE_BLACKHOLE && !r->has_via);
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&r->dst, buf, sizeof(buf)), "2001:db8::/32");

	q = run_ok(NFV_MSG_ROUTE_ADD, (const char *[]){ "route", "add", "10.9.9.9",
		"port", "p1", NULL });
	r = (const void *)q->payload;
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&r->dst, buf, sizeof(buf)), "10.9.9.9/32");
	CU_ASSERT_STRING_EQUAL(r->port, "p1");

	q = run_ok(NFV_MSG_ROUTE_REPLACE, (const char *[]){ "route", "replace", "10.9.0.0/16",
		"via", "192.0.2.7", "port", "p1", NULL });
	r = (const void *)q->payload;
	CU_ASSERT_EQUAL(q->hdr.len, sizeof(*r));
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&r->dst, buf, sizeof(buf)), "10.9.0.0/16");
	CU_ASSERT(r->has_via && r->type == NFV_ROUTE_UNICAST);
	CU_ASSERT_STRING_EQUAL(r->port, "p1");

	run_ok(NFV_MSG_STATS_CLEAR, (const char *[]){ "clear", "stats", NULL });
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.len, 0);

	q = run_ok(NFV_MSG_ROUTE_DEL, (const char *[]){ "route", "del", "10.0.0.0/8", NULL });
	p = (const void *)q->payload;
	CU_ASSERT_EQUAL(q->hdr.len, sizeof(*p));
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(p, buf, sizeof(buf)), "10.0.0.0/8");

	q = run_ok(NFV_MSG_NEIGH_ADD, (const char *[]){ "neigh", "add", "p0", "192.0.2.1",
		"02:00:00:00:00:0A", NULL });
	nb = (const void *)q->payload;
	CU_ASSERT_EQUAL(q->hdr.len, sizeof(*nb));
	CU_ASSERT_STRING_EQUAL(nb->port, "p0");
	CU_ASSERT(memcmp(nb->mac, "\x02\x00\x00\x00\x00\x0a", 6) == 0);
	CU_ASSERT_STRING_EQUAL(nfv_addr_fmt(&nb->addr, buf, sizeof(buf)), "192.0.2.1");

	q = run_ok(NFV_MSG_NEIGH_DEL, (const char *[]){ "neigh", "del", "p0", "fe80::1", NULL });
	k = (const void *)q->payload;
	CU_ASSERT_EQUAL(q->hdr.len, sizeof(*k));
	CU_ASSERT_STRING_EQUAL(k->port, "p0");
	CU_ASSERT_STRING_EQUAL(nfv_addr_fmt(&k->addr, buf, sizeof(buf)), "fe80::1");
}

/* A refused change: the server's text, exit 1. */
static void test_refused(void)
{
	struct ctl_run r;

	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, ENOENT, "queue 9 is not in the policy");
	ctl_run(&r, "hook", "add", "q9", "forward", "filter", "queue", "9", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: hook add: queue 9 is not in the policy\n");
	ctl_run_free(&r);

	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, EEXIST, "route 10.0.0.0/8 exists");
	ctl_run(&r, "--json", "route", "add", "10.0.0.0/8", "port", "p0", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: route add: route 10.0.0.0/8 exists\n");
	ctl_run_free(&r);
}

static void test_help(void)
{
	struct ctl_run r;
	unsigned int i;
	static const char *const cmds[] = {
		"status", "ports", "routes", "neigh", "hooks", "stats", "queues",
		"route add", "route replace", "route del", "clear stats", "route",
		"neigh add", "neigh del", "hook add",
		"hook del", "queue listen", "queue verdict",
	};

	fake_reset(&test_srv);
	ctl_run(&r, "help", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strncmp(r.out, "usage: nfvpnctl [--json] [--socket PATH] COMMAND [ARGS]\n\n",
			  strlen("usage: nfvpnctl [--json] [--socket PATH] COMMAND [ARGS]\n\n")) == 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char line[64];

		snprintf(line, sizeof(line), "\n  %-15s ", cmds[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, line));
	}
	ctl_run_free(&r);

	ctl_run(&r, "help", "route", "del", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out,
		"NAME\n"
		"    nfvpnctl route del - delete a route\n\n"
		"SYNOPSIS\n"
		"    nfvpnctl [--json] [--socket PATH] route del PREFIX\n\n"
		"DESCRIPTION\n"
		"    Deletes the route to PREFIX, written as for route add.\n\n"
		"EXAMPLE\n"
		"    nfvpnctl route del 10.2.0.0/16\n");
	ctl_run_free(&r);

	/* A group prints each of its commands; --help is help. */
	ctl_run(&r, "help", "queue", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "nfvpnctl queue listen - "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "nfvpnctl queue verdict - "));
	ctl_run_free(&r);
	ctl_run(&r, "--help", NULL);
	CU_ASSERT(r.rc == 0 && strncmp(r.out, "usage: nfvpnctl", 15) == 0);
	ctl_run_free(&r);
	/* --json: the commands, or the pages of one group */
	ctl_run(&r, "--json", "help", NULL);
	CU_ASSERT(r.rc == 0 && json_check(r.out, false,
		"any(c['name'] == 'clear stats' for c in d['commands'])"));
	ctl_run_free(&r);
	ctl_run(&r, "--json", "help", "route", NULL);
	CU_ASSERT(r.rc == 0 && json_check(r.out, false,
		"[c['name'] for c in d['commands']] == ['route', 'route add', 'route replace', "
		"'route del'] and d['commands'][2]['example'].startswith('nfvpnctl route replace')"));
	ctl_run_free(&r);
	CU_ASSERT_EQUAL(test_srv.nb_reqs, 0);
}

int test_args_register(void)
{
	NFV_TEST_SUITE("args", NULL, NULL,
		{ "bad calls exit 2", test_bad_calls },
		{ "hook requests", test_hook_requests },
		{ "route and neigh requests", test_l3_requests },
		{ "refused changes", test_refused },
		{ "a group lists", test_group_lists },
		{ "cannot connect exits 3", test_cannot_connect },
		{ "help", test_help });
	return 0;
}
