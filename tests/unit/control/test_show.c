/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The list commands against canned responses: the exact human table, and
 * JSON that parses and holds the same values.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_test.h"
#include "test_control.h"

static void addr(struct nfv_addr *a, const char *s)
{
	CU_ASSERT_FATAL(nfv_addr_parse(s, a) == 0);
}

static void prefix(struct nfv_prefix *p, const char *s)
{
	CU_ASSERT_FATAL(nfv_prefix_parse(s, p) == 0);
}

/* Runs cmd twice, as a table and as JSON, against the same response. */
static void run_both(struct ctl_run *t, struct ctl_run *j, const char *cmd)
{
	ctl_run(t, cmd, NULL);
	ctl_run(j, "--json", cmd, NULL);
}

static void test_status(void)
{
	struct nfv_msg_status s = {
		.version = "0.1.0", .policy = "/etc/nfvpn/policy.yaml",
		.uptime_s = 93784, .generation = 7, .workers = 2, .ports = 2,
		.rx_packets = 1234567, .tx_packets = 1234000, .forwarded = 1200000,
		.local_in = 30000, .local_out = 4000, .dropped = 567,
		.mempool_in_use = 1024, .mempool_size = 8192,
	};
	struct ctl_run t, j;

	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_STATUS, 1, &s, sizeof(s));
	fake_reply(&test_srv, NFV_MSG_STATUS, 1, &s, sizeof(s));
	run_both(&t, &j, "status");
	CU_ASSERT_EQUAL(t.rc, 0);
	CU_ASSERT_STRING_EQUAL(t.err, "");
	CU_ASSERT_STRING_EQUAL(t.out,
		"version         0.1.0\n"
		"policy          /etc/nfvpn/policy.yaml\n"
		"uptime          1d 02:03:04\n"
		"generation      7\n"
		"workers         2\n"
		"ports           2\n"
		"rx_packets      1,234,567\n"
		"tx_packets      1,234,000\n"
		"forwarded       1,200,000\n"
		"local_in        30,000\n"
		"local_out       4,000\n"
		"dropped         567\n"
		"mempool         1,024 of 8,192 in use\n");
	CU_ASSERT_EQUAL(j.rc, 0);
	CU_ASSERT(json_check(j.out, false,
		"d['version'] == '0.1.0' and d['policy'] == '/etc/nfvpn/policy.yaml' and "
		"d['uptime_s'] == 93784 and d['generation'] == 7 and d['workers'] == 2 and "
		"d['rx_packets'] == 1234567 and d['dropped'] == 567 and "
		"d['mempool_in_use'] == 1024 and d['mempool_size'] == 8192 and len(d) == 14"));
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_STATUS);
	ctl_run_free(&t);
	ctl_run_free(&j);
}

static struct nfv_msg_hook mkhook(const char *name, uint8_t hook, int prio,
				  uint64_t packets, uint64_t accepted,
				  uint64_t dropped, uint64_t queued, uint64_t cycles)
{
	struct nfv_msg_hook h = {
		.hook = hook, .priority = prio, .packets = packets,
		.accepted = accepted, .dropped = dropped, .queued = queued,
		.cycles = cycles,
	};

	strcpy(h.name, name);
	return h;
}

static void test_hooks(void)
{
	struct nfv_msg_hook h[] = {
		mkhook("ipsec-out", 4, INT_MAX, 10, 0, 0, 0, 2500),
		mkhook("count-all", 0, -300, 1234567, 1234567, 0, 0, 1234567ull * 42),
		mkhook("web-q", 0, 0, 1000, 900, 0, 100, 50000),
		mkhook("ct-in", 0, -200, 1234567, 1234560, 7, 0, 0),
		mkhook("odd", 2, 10, 3, 0, 3, 0, 100),
		mkhook("local", 1, -150, 0, 0, 0, 0, 0),
	};
	struct ctl_run t, j;

	h[0].stolen = 10;
	h[5].repeated = 4;
	h[5].repeat_limit = 1;
	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_HOOKS, 1, h, 6, sizeof(h[0]));
	fake_reply_list(&test_srv, NFV_MSG_HOOKS, 1, h, 6, sizeof(h[0]));
	run_both(&t, &j, "hooks");
	CU_ASSERT_EQUAL(t.rc, 0);
	CU_ASSERT_STRING_EQUAL(t.out,
		"HOOK          PRIORITY   NAME         PACKETS   ACCEPTED  DROPPED  STOLEN  QUEUED  REPEATED  REPEAT-LIMIT  CYCLES/PKT\n"
		"PRE_ROUTING   raw        count-all  1,234,567  1,234,567        0       0       0         0             0        42.0\n"
		"PRE_ROUTING   conntrack  ct-in      1,234,567  1,234,560        7       0       0         0             0         0.0\n"
		"PRE_ROUTING   filter     web-q          1,000        900        0       0     100         0             0        50.0\n"
		"LOCAL_IN      mangle     local              0          0        0       0       0         4             1           -\n"
		"FORWARD       10         odd                3          0        3       0       0         0             0        33.3\n"
		"POST_ROUTING  last       ipsec-out         10          0        0      10       0         0             0       250.0\n");
	CU_ASSERT_EQUAL(j.rc, 0);
	CU_ASSERT(json_check(j.out, false,
		"[x['name'] for x in d['hooks']] == ['count-all', 'ct-in', 'web-q', 'local', 'odd', 'ipsec-out'] and "
		"d['hooks'][0] == {'hook': 'PRE_ROUTING', 'priority': -300, 'priority_name': 'raw', "
		"'name': 'count-all', 'packets': 1234567, 'accepted': 1234567, 'dropped': 0, "
		"'stolen': 0, 'queued': 0, 'repeated': 0, 'repeat_limit': 0, "
		"'cycles': 51851814, 'cycles_per_packet': 42} and "
		"d['hooks'][3]['cycles_per_packet'] is None and d['hooks'][3]['repeated'] == 4 and "
		"d['hooks'][4]['priority_name'] is None and d['hooks'][4]['priority'] == 10 and "
		"abs(d['hooks'][4]['cycles_per_packet'] - 100 / 3) < 1e-9 and "
		"d['hooks'][5]['priority'] == 2147483647 and d['hooks'][5]['stolen'] == 10"));
	ctl_run_free(&t);
	ctl_run_free(&j);

	/* No entries: the header alone, and an empty list. */
	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_HOOKS, 1, NULL, 0, sizeof(h[0]));
	fake_reply_list(&test_srv, NFV_MSG_HOOKS, 1, NULL, 0, sizeof(h[0]));
	run_both(&t, &j, "hooks");
	CU_ASSERT_STRING_EQUAL(t.out,
		"HOOK  PRIORITY  NAME  PACKETS  ACCEPTED  DROPPED  STOLEN  QUEUED  REPEATED  REPEAT-LIMIT  CYCLES/PKT\n");
	CU_ASSERT(json_check(j.out, false, "d == {'hooks': []}"));
	ctl_run_free(&t);
	ctl_run_free(&j);
}

static void test_ports(void)
{
	struct nfv_msg_port p[2] = {
		{ .name = "p0", .device = "0000:01:00.0", .exception_ifname = "nfv-p0",
		  .mac = { 2, 0, 0, 0, 0, 1 }, .port_id = 0, .mtu = 1500, .link_up = 1,
		  .speed_mbps = 10000, .rx_packets = 1234567, .tx_packets = 1200000,
		  .rx_bytes = 1234567890123ull, .tx_bytes = 99, .rx_missed = 5,
		  .punted = 17, .from_kernel = 3 },
		{ .name = "uplink", .device = "net_tap0,iface=tap0",
		  .mac = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff }, .port_id = 1,
		  .mtu = 9000, .link_up = 0, .rx_errors = 1, .tx_errors = 2 },
	};
	struct ctl_run t, j;

	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_PORTS, 1, p, 2, sizeof(p[0]));
	fake_reply_list(&test_srv, NFV_MSG_PORTS, 1, p, 2, sizeof(p[0]));
	run_both(&t, &j, "ports");
	CU_ASSERT_EQUAL(t.rc, 0);
	CU_ASSERT_STRING_EQUAL(t.out,
		"NAME    ID  DEVICE               LINK  SPEED   MTU  MAC                KERNEL-IF  RX-PACKETS           RX-BYTES  TX-PACKETS  TX-BYTES  RX-MISSED  RX-ERRORS  TX-ERRORS  PUNTED  FROM-KERNEL\n"
		"p0       0  0000:01:00.0         up      10G  1500  02:00:00:00:00:01  nfv-p0      1,234,567  1,234,567,890,123   1,200,000        99          5          0          0      17            3\n"
		"uplink   1  net_tap0,iface=tap0  down      -  9000  aa:bb:cc:dd:ee:ff  -                   0                  0           0         0          0          1          2       0            0\n");
	CU_ASSERT(json_check(j.out, false,
		"len(d['ports']) == 2 and d['ports'][0]['name'] == 'p0' and "
		"d['ports'][0]['rx_bytes'] == 1234567890123 and d['ports'][0]['link_up'] is True and "
		"d['ports'][0]['speed_mbps'] == 10000 and d['ports'][0]['mac'] == '02:00:00:00:00:01' and "
		"d['ports'][0]['exception_ifname'] == 'nfv-p0' and d['ports'][0]['punted'] == 17 and "
		"d['ports'][1]['device'] == 'net_tap0,iface=tap0' and d['ports'][1]['link_up'] is False and "
		"d['ports'][1]['tx_errors'] == 2 and d['ports'][1]['exception_ifname'] == ''"));
	ctl_run_free(&t);
	ctl_run_free(&j);
}

static void test_routes(void)
{
	struct nfv_msg_route r[4];
	struct ctl_run t, j;

	memset(r, 0, sizeof(r));
	prefix(&r[0].dst, "0.0.0.0/0");
	addr(&r[0].via, "192.0.2.1");
	r[0].has_via = 1;
	strcpy(r[0].port, "p0");
	prefix(&r[1].dst, "192.0.2.0/24");
	r[1].type = NFV_ROUTE_CONNECTED;
	strcpy(r[1].port, "p0");
	prefix(&r[2].dst, "2001:db8:1::/48");
	r[2].type = NFV_ROUTE_BLACKHOLE;
	prefix(&r[3].dst, "192.0.2.10/32");
	r[3].type = NFV_ROUTE_LOCAL;
	strcpy(r[3].port, "p0");
	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_ROUTES, 1, r, 4, sizeof(r[0]));
	fake_reply_list(&test_srv, NFV_MSG_ROUTES, 1, r, 4, sizeof(r[0]));
	run_both(&t, &j, "routes");
	CU_ASSERT_EQUAL(t.rc, 0);
	CU_ASSERT_STRING_EQUAL(t.out,
		"DESTINATION      TYPE       GATEWAY    PORT\n"
		"0.0.0.0/0        unicast    192.0.2.1  p0\n"
		"192.0.2.0/24     connected  -          p0\n"
		"2001:db8:1::/48  blackhole  -          -\n"
		"192.0.2.10/32    local      -          p0\n");
	CU_ASSERT(json_check(j.out, false,
		"d['routes'][0] == {'dst': '0.0.0.0/0', 'type': 'unicast', 'via': '192.0.2.1', 'port': 'p0'} and "
		"d['routes'][2] == {'dst': '2001:db8:1::/48', 'type': 'blackhole', 'via': None, 'port': None} and "
		"d['routes'][3]['type'] == 'local' and len(d['routes']) == 4"));
	ctl_run_free(&t);
	ctl_run_free(&j);
}

static void test_neigh(void)
{
	struct nfv_msg_neigh n[2];
	struct ctl_run t, j;

	memset(n, 0, sizeof(n));
	addr(&n[0].addr, "192.0.2.1");
	memcpy(n[0].mac, "\x02\x00\x00\x00\x00\x01", 6);
	n[0].state = NFV_NEIGH_REACHABLE;
	strcpy(n[0].port, "p0");
	n[0].age_s = 12;
	addr(&n[1].addr, "fe80::1");
	n[1].state = NFV_NEIGH_INCOMPLETE;
	strcpy(n[1].port, "uplink");
	n[1].held = 1003;
	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_NEIGH, 1, n, 2, sizeof(n[0]));
	fake_reply_list(&test_srv, NFV_MSG_NEIGH, 1, n, 2, sizeof(n[0]));
	run_both(&t, &j, "neigh");
	CU_ASSERT_EQUAL(t.rc, 0);
	CU_ASSERT_STRING_EQUAL(t.out,
		"ADDRESS    MAC                PORT    STATE       AGE   HELD\n"
		"192.0.2.1  02:00:00:00:00:01  p0      REACHABLE   12s      0\n"
		"fe80::1    00:00:00:00:00:00  uplink  INCOMPLETE   0s  1,003\n");
	CU_ASSERT(json_check(j.out, false,
		"d['neigh'][0] == {'addr': '192.0.2.1', 'mac': '02:00:00:00:00:01', 'port': 'p0', "
		"'state': 'REACHABLE', 'age_s': 12, 'held': 0} and d['neigh'][1]['held'] == 1003 and "
		"d['neigh'][1]['addr'] == 'fe80::1'"));
	ctl_run_free(&t);
	ctl_run_free(&j);
}

static void test_stats_queues(void)
{
	struct nfv_msg_counter c[3] = {
		{ "rx", 1234567 }, { "drop.no_route", 12 }, { "drop.queue_full", 0 },
	};
	struct nfv_msg_queue q[2] = {
		{ .num = 3, .default_verdict = 0, .bypass = 0, .size = 1024,
		  .timeout_ms = 1000, .listeners = 1, .enqueued = 1500,
		  .verdict_accept = 1000, .verdict_drop = 400, .timeouts = 90,
		  .pending = 10 },
		{ .num = 65535, .default_verdict = 1, .bypass = 1, .size = 65536,
		  .timeout_ms = 250, .no_listener = 7, .bypassed = 7, .full = 2 },
	};
	struct ctl_run t, j;

	/* the counters since clear stats; not 0 only, unless -a */
	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_STATS_DELTA, 1, c, 3, sizeof(c[0]));
	fake_reply_list(&test_srv, NFV_MSG_STATS_DELTA, 1, c, 3, sizeof(c[0]));
	run_both(&t, &j, "stats");
	CU_ASSERT_STRING_EQUAL(t.out,
		"COUNTER            VALUE\n"
		"rx             1,234,567\n"
		"drop.no_route         12\n");
	/* JSON: every counter, for scripts that look one up by name */
	CU_ASSERT(json_check(j.out, false,
		"d == {'counters': [{'name': 'rx', 'value': 1234567}, "
		"{'name': 'drop.no_route', 'value': 12}, {'name': 'drop.queue_full', 'value': 0}]}"));
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_STATS_DELTA);
	ctl_run_free(&t);
	ctl_run_free(&j);

	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_STATS_DELTA, 1, c, 3, sizeof(c[0]));
	fake_reply_list(&test_srv, NFV_MSG_STATS_DELTA, 1, c, 3, sizeof(c[0]));
	ctl_run(&t, "stats", "-a", NULL);
	ctl_run(&j, "--json", "stats", "--all", NULL);
	CU_ASSERT_STRING_EQUAL(t.out,
		"COUNTER              VALUE\n"
		"rx               1,234,567\n"
		"drop.no_route           12\n"
		"drop.queue_full          0\n");
	CU_ASSERT(json_check(j.out, false,
		"d == {'counters': [{'name': 'rx', 'value': 1234567}, "
		"{'name': 'drop.no_route', 'value': 12}, {'name': 'drop.queue_full', 'value': 0}]}"));
	ctl_run_free(&t);
	ctl_run_free(&j);

	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_QUEUES, 1, q, 2, sizeof(q[0]));
	fake_reply_list(&test_srv, NFV_MSG_QUEUES, 1, q, 2, sizeof(q[0]));
	run_both(&t, &j, "queues");
	CU_ASSERT_STRING_EQUAL(t.out,
		"QUEUE    SIZE  TIMEOUT  DEFAULT  BYPASS  LISTENERS  ENQUEUED  ACCEPTED  DROPPED  TIMEOUTS  PENDING  FULL  NO-LISTENER  BYPASSED\n"
		"    3   1,024   1000ms  drop     no              1     1,500     1,000      400        90       10     0            0         0\n"
		"65535  65,536    250ms  accept   yes             0         0         0        0         0        0     2            7         7\n");
	CU_ASSERT(json_check(j.out, false,
		"d['queues'][0] == {'num': 3, 'size': 1024, 'timeout_ms': 1000, 'default_verdict': 'drop', "
		"'bypass': False, 'listeners': 1, 'enqueued': 1500, 'verdict_accept': 1000, "
		"'verdict_drop': 400, 'timeouts': 90, 'pending': 10, 'full': 0, 'no_listener': 0, "
		"'bypassed': 0} and d['queues'][1]['default_verdict'] == 'accept' and "
		"d['queues'][1]['bypass'] is True and d['queues'][1]['num'] == 65535"));
	ctl_run_free(&t);
	ctl_run_free(&j);
}

/* A request that fails shows the server's text and exits 1. */
static void test_failures(void)
{
	struct ctl_run r;

	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, EAGAIN, "the dataplane is starting");
	ctl_run(&r, "hooks", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: hooks: the dataplane is starting\n");
	ctl_run_free(&r);

	/* A broken frame is reported the same way. */
	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_ROUTES, 2, NULL, 0);
	ctl_run(&r, "routes", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: routes: response has seq 2, expected 1\n");
	ctl_run_free(&r);

	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_STATUS, 1, "short", 5);
	ctl_run(&r, "status", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: status: status response of 5 bytes, expected 360\n");
	ctl_run_free(&r);
}

/*
 * nfvpnd's answers (the fake serves as nfvpnd too: the same framing):
 * status as an object, a plan as changes and notes, and a diff that
 * nfvpnd refuses prints its plan and exits 1.
 */
static void test_daemon(void)
{
	static const char status[] = "policy /etc/nfvpn/policy.yaml\ndataplane /run/x.sock (connected)\n"
				     "generation 7\nreloads 2\n";
	static const char plan[] = "+ route replace 10.2.0.0/16 via 10.0.0.3 port p0\n"
				   "- hook del old FORWARD priority 0 count\nno change here\n";
	static const char refused[] = "port p0: device or mtu changed (restart to apply)\n"
				      "+ route add 10.3.0.0/16 blackhole\n";
	struct ctl_run r;

	setenv("NFVPND_SOCKET", test_srv.path, 1);
	fake_reset(&test_srv);
	fake_reply(&test_srv, 3, 1, status, sizeof(status));
	ctl_run(&r, "--json", "daemon", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(json_check(r.out, false,
		"d == {'policy': '/etc/nfvpn/policy.yaml', 'dataplane': '/run/x.sock (connected)', "
		"'generation': 7, 'reloads': 2}"));
	ctl_run_free(&r);

	fake_reset(&test_srv);
	fake_reply(&test_srv, 1, 1, plan, sizeof(plan));
	ctl_run(&r, "--json", "reload", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(json_check(r.out, false,
		"d == {'ok': True, 'changes': [{'op': '+', 'what': "
		"'route replace 10.2.0.0/16 via 10.0.0.3 port p0'}, {'op': '-', 'what': "
		"'hook del old FORWARD priority 0 count'}], 'notes': ['no change here']}"));
	ctl_run_free(&r);

	/* the plan on stdout, why it fails on stderr, exit 1 */
	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, EPERM, refused);
	ctl_run(&r, "diff", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.out, refused);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: diff: a reload of this policy would fail: "
				      "port p0: device or mtu changed (restart to apply)\n");
	ctl_run_free(&r);
	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, EPERM, refused);
	ctl_run(&r, "--json", "diff", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(json_check(r.out, false,
		"d['ok'] is False and d['changes'] == [{'op': '+', 'what': "
		"'route add 10.3.0.0/16 blackhole'}] and len(d['notes']) == 1"));
	ctl_run_free(&r);

	/* a failed reload: its whole text on stderr */
	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, EINVAL, "policy.yaml:3:1: bad key\n");
	ctl_run(&r, "reload", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: reload: policy.yaml:3:1: bad key\n");
	ctl_run_free(&r);
	unsetenv("NFVPND_SOCKET");
}

static void test_connect_failure(void)
{
	char *argv[] = { "nfvpnctl", "--socket", "/nonexistent/dp.sock", "status", NULL };
	char *argv_env[] = { "nfvpnctl", "routes", NULL };
	struct ctl_run r;

	ctl_run_argv(&r, 4, argv);
	CU_ASSERT_EQUAL(r.rc, 3);
	CU_ASSERT_STRING_EQUAL(r.err,
		"nfvpnctl: cannot connect to /nonexistent/dp.sock: No such file or directory\n"
		"nfvpnctl: is nfvpn-dataplane running? --socket PATH or NFVPN_SOCKET selects another socket\n");
	ctl_run_free(&r);

	/* NFVPN_SOCKET is where a run without --socket goes. */
	setenv("NFVPN_SOCKET", test_srv.path, 1);
	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_ROUTES, 1, NULL, 0, sizeof(struct nfv_msg_route));
	ctl_run_argv(&r, 2, argv_env);
	unsetenv("NFVPN_SOCKET");
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "DESTINATION  TYPE  GATEWAY  PORT\n");
	ctl_run_free(&r);
}

int test_show_register(void)
{
	NFV_TEST_SUITE("show", NULL, NULL,
		{ "status", test_status },
		{ "hooks", test_hooks },
		{ "ports", test_ports },
		{ "routes", test_routes },
		{ "neigh", test_neigh },
		{ "stats and queues", test_stats_queues },
		{ "request failures", test_failures },
		{ "nfvpnd commands", test_daemon },
		{ "connection failure", test_connect_failure });
	return 0;
}
