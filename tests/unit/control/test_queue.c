/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * queue listen and queue verdict against the fake server: the lines
 * printed, the verdicts sent, packets that arrive between responses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_test.h"
#include "test_control.h"
#include "test_pkt.h"

/* Appends a queue packet of queue 3 to the step being built. */
static void push(uint64_t id, uint8_t hook, uint16_t iport, const uint8_t *data,
		 size_t cap, uint32_t len)
{
	uint8_t buf[sizeof(struct nfv_msg_queue_packet) + 256];
	struct nfv_msg_queue_packet *p = (void *)buf;

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->num = 3;
	p->hook = hook;
	p->iport = iport;
	p->len = len;
	p->cap_len = (uint32_t)cap;
	memcpy(p->data, data, cap);
	fake_msg(&test_srv, NFV_MSG_QUEUE_PACKET, 0, 0, buf, (uint32_t)(sizeof(*p) + cap));
}

static size_t icmp4(uint8_t *b)
{
	uint8_t l4[8];

	pkt_icmp(l4, 8, 0, 7, 1);
	return pkt_ipv4(b, "10.0.0.1", "10.0.0.2", 1, l4, 8, 84);
}

static size_t tcp6(uint8_t *b)
{
	uint8_t l4[20];

	pkt_tcp(l4, 40000, 443, 1000, 0, 0x02, 64240);
	return pkt_ipv6(b, "2001:db8::1", "2001:db8::2", 6, l4, 20, 80);
}

static size_t udp4(uint8_t *b)
{
	uint8_t l4[8];

	pkt_udp(l4, 5353, 53, 28);
	return pkt_ipv4(b, "10.0.0.1", "10.0.0.2", 17, l4, 8, 48);
}

static void test_listen_answers(void)
{
	const struct nfv_msg_queue_listen *l;
	const struct nfv_msg_queue_verdict *v;
	uint8_t b[128];
	struct ctl_run r;
	unsigned int i;

	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_QUEUE_LISTEN, 1, 0, NULL, 0);
	push(1, 0, 0, b, icmp4(b), 84);
	push(2, 2, 1, b, tcp6(b), 80);
	/* Packet 3 comes before the answer to the first verdict. */
	fake_step(&test_srv, 3, false);
	push(3, 1, 0, b, udp4(b), 48);
	fake_msg(&test_srv, NFV_MSG_QUEUE_VERDICT, 2, 0, NULL, 0);
	fake_reply(&test_srv, NFV_MSG_QUEUE_VERDICT, 3, NULL, 0);
	fake_reply(&test_srv, NFV_MSG_QUEUE_VERDICT, 4, NULL, 0);
	ctl_run(&r, "queue", "listen", "3", "--accept-every", "2", "--count", "3", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	CU_ASSERT_STRING_EQUAL(r.out,
		"id 1 hook PRE_ROUTING port 0 len 84: IP 10.0.0.1 > 10.0.0.2: icmp echo request id 7 seq 1 -> drop\n"
		"id 2 hook FORWARD port 1 len 80: IP6 2001:db8::1.40000 > 2001:db8::2.443: tcp [S] seq 1000 win 64240 len 20 -> accept\n"
		"id 3 hook LOCAL_IN port 0 len 48: IP 10.0.0.1.5353 > 10.0.0.2.53: udp len 20 -> drop\n"
		"3 packets, 1 accepted, 2 dropped, 0 unanswered\n");
	CU_ASSERT_EQUAL_FATAL(test_srv.nb_reqs, 4);
	l = (const void *)test_srv.reqs[0].payload;
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_QUEUE_LISTEN);
	CU_ASSERT_EQUAL(l->num, 3);
	CU_ASSERT_EQUAL(l->copy_range, 128);
	for (i = 1; i <= 3; i++) {
		v = (const void *)test_srv.reqs[i].payload;
		CU_ASSERT_EQUAL(test_srv.reqs[i].hdr.type, NFV_MSG_QUEUE_VERDICT);
		CU_ASSERT_EQUAL(test_srv.reqs[i].hdr.seq, i + 1);
		CU_ASSERT_EQUAL(test_srv.reqs[i].hdr.len, sizeof(*v));
		CU_ASSERT_EQUAL(v->id, i);
		CU_ASSERT_EQUAL(v->num, 3);
		CU_ASSERT_EQUAL(v->verdict, i == 2 ? 1u : 0u);
	}
	ctl_run_free(&r);
}

static void test_listen_print_only(void)
{
	uint8_t b[128];
	struct ctl_run r;

	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_QUEUE_LISTEN, 1, 0, NULL, 0);
	push(41, 0, 2, b, icmp4(b), 84);
	push(42, 4, 2, b, tcp6(b), 80);
	ctl_run(&r, "queue", "listen", "3", "--timeout", "0.2", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out,
		"id 41 hook PRE_ROUTING port 2 len 84: IP 10.0.0.1 > 10.0.0.2: icmp echo request id 7 seq 1\n"
		"id 42 hook POST_ROUTING port 2 len 80: IP6 2001:db8::1.40000 > 2001:db8::2.443: tcp [S] seq 1000 win 64240 len 20\n"
		"2 packets, 0 accepted, 0 dropped, 2 unanswered\n");
	/* Nothing answered: the packets are left to the queue's timeout. */
	CU_ASSERT_EQUAL(test_srv.nb_reqs, 1);
	ctl_run_free(&r);

	/* The same as JSON lines, answered. */
	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_QUEUE_LISTEN, 1, 0, NULL, 0);
	push(41, 0, 2, b, icmp4(b), 84);
	push(42, 4, 2, b, tcp6(b), 80);
	fake_reply(&test_srv, NFV_MSG_QUEUE_VERDICT, 2, NULL, 0);
	fake_reply(&test_srv, NFV_MSG_QUEUE_VERDICT, 3, NULL, 0);
	ctl_run(&r, "--json", "queue", "listen", "3", "--drop-all", "--count", "2", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(json_check(r.out, true,
		"len(d) == 2 and d[0] == {'id': 41, 'queue': 3, 'hook': 'PRE_ROUTING', 'port': 2, "
		"'len': 84, 'cap_len': 28, 'src': '10.0.0.1', 'dst': '10.0.0.2', 'proto': 1, "
		"'sport': None, 'dport': None, "
		"'summary': 'IP 10.0.0.1 > 10.0.0.2: icmp echo request id 7 seq 1', 'verdict': 'drop'} and "
		"d[1]['sport'] == 40000 and d[1]['dport'] == 443 and d[1]['proto'] == 6 and "
		"d[1]['src'] == '2001:db8::1' and d[1]['verdict'] == 'drop'"));
	ctl_run_free(&r);
}

static void test_listen_errors(void)
{
	uint8_t b[128];
	struct ctl_run r;

	/* The server refuses the listener. */
	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, ENOENT, "no queue 3");
	ctl_run(&r, "queue", "listen", "3", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: queue listen: no queue 3\n");
	CU_ASSERT_STRING_EQUAL(r.out, "");
	ctl_run_free(&r);

	/* A verdict that comes too late is reported, and listening goes on. */
	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_QUEUE_LISTEN, 1, 0, NULL, 0);
	push(5, 0, 0, b, udp4(b), 48);
	push(6, 0, 0, b, udp4(b), 48);
	fake_reply_error(&test_srv, 2, ENOENT, "packet 5 is no longer queued");
	fake_reply(&test_srv, NFV_MSG_QUEUE_VERDICT, 3, NULL, 0);
	ctl_run(&r, "queue", "listen", "3", "--accept-all", "--count", "2", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err,
		"nfvpnctl: queue listen: verdict for packet 5: packet 5 is no longer queued\n");
	CU_ASSERT_STRING_EQUAL(r.out,
		"id 5 hook PRE_ROUTING port 0 len 48: IP 10.0.0.1.5353 > 10.0.0.2.53: udp len 20\n"
		"id 6 hook PRE_ROUTING port 0 len 48: IP 10.0.0.1.5353 > 10.0.0.2.53: udp len 20 -> accept\n"
		"2 packets, 1 accepted, 0 dropped, 1 unanswered\n");
	ctl_run_free(&r);

	/* The dataplane goes away while we listen. */
	fake_reset(&test_srv);
	fake_step(&test_srv, 0, true);
	fake_msg(&test_srv, NFV_MSG_QUEUE_LISTEN, 1, 0, NULL, 0);
	ctl_run(&r, "queue", "listen", "3", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: queue listen: the dataplane closed the connection\n");
	ctl_run_free(&r);
}

static void test_verdict(void)
{
	const struct nfv_msg_queue_verdict *v;
	struct ctl_run r;

	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_QUEUE_VERDICT, 1, NULL, 0);
	ctl_run(&r, "queue", "verdict", "3", "18446744073709551615", "accept", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT_EQUAL_FATAL(test_srv.nb_reqs, 1);
	v = (const void *)test_srv.reqs[0].payload;
	CU_ASSERT(v->id == UINT64_MAX && v->num == 3 && v->verdict == 1);
	ctl_run_free(&r);

	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, ENOENT, "packet 17 is no longer queued");
	ctl_run(&r, "queue", "verdict", "3", "17", "drop", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "nfvpnctl: queue verdict: packet 17 is no longer queued\n");
	v = (const void *)test_srv.reqs[0].payload;
	CU_ASSERT(v->id == 17 && v->verdict == 0);
	ctl_run_free(&r);
}

int test_queue_register(void)
{
	NFV_TEST_SUITE("queue", NULL, NULL,
		{ "listen answers", test_listen_answers },
		{ "listen prints only", test_listen_print_only },
		{ "listen errors", test_listen_errors },
		{ "verdict", test_verdict });
	return 0;
}
