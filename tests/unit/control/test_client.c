/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfv_client against the fake server: framing (short reads, oversized and
 * truncated messages), seq and version checks, server error text, list
 * records of another size, and queue packets between responses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_client.h"
#include "nfv_test.h"
#include "test_control.h"

static struct nfv_client c;

static void open_client(void)
{
	CU_ASSERT_FATAL(nfv_client_open(&c, test_srv.path) == 0);
}

static void test_chunked_response(void)
{
	struct nfv_msg_status st = { .version = "0.1.0", .workers = 2, .dropped = 99 };
	struct nfv_msg_status *got;
	uint32_t len;

	fake_reset(&test_srv);
	/* One byte at a time: the header and the payload come in pieces. */
	fake_step(&test_srv, 1, false);
	fake_msg(&test_srv, NFV_MSG_STATUS, 1, 0, &st, sizeof(st));
	fake_step(&test_srv, 7, false);
	fake_msg(&test_srv, NFV_MSG_STATUS, 2, 0, &st, sizeof(st));
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_STATUS, NULL, 0, (void **)&got, &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(st));
	CU_ASSERT(memcmp(got, &st, sizeof(st)) == 0);
	free(got);
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_STATUS, NULL, 0, (void **)&got, &len), 0);
	CU_ASSERT_EQUAL(got->dropped, 99);
	free(got);
	nfv_client_close(&c);
	CU_ASSERT_EQUAL(test_srv.nb_reqs, 2);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_STATUS);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.version, NFV_MSG_VERSION);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.seq, 1);
	CU_ASSERT_EQUAL(test_srv.reqs[1].hdr.seq, 2);
}

static void test_oversized(void)
{
	struct nfv_msg_hdr h = {
		.len = NFV_MSG_PAYLOAD_MAX + 1, .type = NFV_MSG_HOOKS,
		.version = NFV_MSG_VERSION, .seq = 1,
	};

	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg_raw(&test_srv, &h, "xxxx", 4);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_HOOKS, NULL, 0, NULL, NULL), -EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(c.err, "message of 16777217 bytes exceeds the limit of 16777216");
	/* The stream is lost: nothing more goes over this connection. */
	CU_ASSERT(c.broken);
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_HOOKS, NULL, 0, NULL, NULL), -EPIPE);
	nfv_client_close(&c);
}

static void test_wrong_seq(void)
{
	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_HOOK_DEL, 7, NULL, 0);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_HOOK_DEL, "x", 2, NULL, NULL), -EPROTO);
	CU_ASSERT_STRING_EQUAL(c.err, "response has seq 7, expected 1");
	nfv_client_close(&c);
}

static void test_wrong_version(void)
{
	struct nfv_msg_hdr h = { .type = NFV_MSG_STATUS, .version = 2, .seq = 1 };

	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg_raw(&test_srv, &h, NULL, 0);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_STATUS, NULL, 0, NULL, NULL), -EPROTO);
	CU_ASSERT_STRING_EQUAL(c.err, "the dataplane speaks protocol version 2, this nfvpnctl 1");
	nfv_client_close(&c);
}

static void test_wrong_type(void)
{
	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_HOOKS, 1, NULL, 0);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_STATUS, NULL, 0, NULL, NULL), -EPROTO);
	CU_ASSERT_STRING_EQUAL(c.err, "response of type 5, status 0 to a request of type 1");
	nfv_client_close(&c);
}

static void test_server_error(void)
{
	fake_reset(&test_srv);
	fake_reply_error(&test_srv, 1, ENOENT, "no hook named \"web\"");
	/* Without text the client falls back to strerror. */
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_ERROR, 2, -EBUSY, NULL, 0);
	/* Text without its NUL is cut at the payload's end. */
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_ERROR, 3, -EINVAL, "bad", 3);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_HOOK_DEL, "web", 4, NULL, NULL), -ENOENT);
	CU_ASSERT_STRING_EQUAL(c.err, "no hook named \"web\"");
	CU_ASSERT_FALSE(c.broken);
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_HOOK_DEL, "web", 4, NULL, NULL), -EBUSY);
	CU_ASSERT_STRING_EQUAL(c.err, "Device or resource busy");
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_HOOK_DEL, "web", 4, NULL, NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(c.err, "bad");
	nfv_client_close(&c);
}

static void test_truncated(void)
{
	struct nfv_msg_hdr h = {
		.len = 100, .type = NFV_MSG_STATUS, .version = NFV_MSG_VERSION, .seq = 1,
	};

	fake_reset(&test_srv);
	fake_step(&test_srv, 3, true);
	fake_msg_raw(&test_srv, &h, "0123456789", 10);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_STATUS, NULL, 0, NULL, NULL), -EPROTO);
	CU_ASSERT_STRING_EQUAL(c.err, "the dataplane closed the connection in the middle of a message");
	nfv_client_close(&c);

	/* A hang-up instead of an answer. */
	fake_reset(&test_srv);
	fake_step(&test_srv, 0, true);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_STATUS, NULL, 0, NULL, NULL), -ECONNRESET);
	CU_ASSERT_STRING_EQUAL(c.err, "the dataplane closed the connection");
	nfv_client_close(&c);
}

static void push_packet(uint64_t id, uint32_t cap, uint32_t claimed_cap)
{
	uint8_t buf[sizeof(struct nfv_msg_queue_packet) + 64] = { 0 };
	struct nfv_msg_queue_packet *p = (void *)buf;

	p->id = id;
	p->num = 3;
	p->len = 1000;
	p->cap_len = claimed_cap;
	memset(p->data, (int)id, cap);
	fake_msg(&test_srv, NFV_MSG_QUEUE_PACKET, 0, 0, buf, (uint32_t)(sizeof(*p) + cap));
}

static void test_interleaved_packets(void)
{
	struct nfv_msg_queue_listen l = { .num = 3 };
	struct nfv_msg_queue_packet *p;
	uint32_t len;
	uint64_t id;

	fake_reset(&test_srv);
	fake_step(&test_srv, 5, false);
	push_packet(1, 20, 20);
	push_packet(2, 0, 0);
	fake_msg(&test_srv, NFV_MSG_QUEUE_LISTEN, 1, 0, NULL, 0);
	push_packet(3, 40, 40);
	open_client();
	CU_ASSERT_EQUAL_FATAL(nfv_client_request(&c, NFV_MSG_QUEUE_LISTEN, &l, sizeof(l), NULL, NULL), 0);
	/* Kept ones first, in order, then the one read from the socket. */
	for (id = 1; id <= 3; id++) {
		CU_ASSERT_EQUAL_FATAL(nfv_client_recv_packet(&c, 1000, &p, &len), 0);
		CU_ASSERT_EQUAL(p->id, id);
		CU_ASSERT_EQUAL(p->cap_len, id == 1 ? 20 : id == 2 ? 0 : 40);
		CU_ASSERT_EQUAL(len, sizeof(*p) + p->cap_len);
		if (p->cap_len)
			CU_ASSERT_EQUAL(p->data[p->cap_len - 1], id);
		free(p);
	}
	CU_ASSERT_EQUAL(nfv_client_recv_packet(&c, 50, &p, &len), -ETIMEDOUT);
	nfv_client_close(&c);

	/* cap_len beyond the message is a protocol error. */
	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_QUEUE_LISTEN, 1, 0, NULL, 0);
	push_packet(9, 8, 9);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_request(&c, NFV_MSG_QUEUE_LISTEN, &l, sizeof(l), NULL, NULL), 0);
	CU_ASSERT_EQUAL(nfv_client_recv_packet(&c, 1000, &p, &len), -EPROTO);
	CU_ASSERT_STRING_EQUAL(c.err, "malformed queue packet: 32 bytes, 9 captured");
	nfv_client_close(&c);
}

struct rec_small { uint32_t a; };
struct rec_big { uint32_t a; uint32_t b; uint64_t c; };

static void test_list_record_size(void)
{
	struct rec_big big[2] = { { 1, 2, 3 }, { 4, 5, 6 } }, *gb;
	struct rec_small small[3] = { { 7 }, { 8 }, { 9 } };
	struct nfv_msg_list bad = { .count = 3, .record_size = 8 };
	struct rec_small *gs;
	uint32_t n;

	fake_reset(&test_srv);
	/* A newer server's longer records are cut to ours... */
	fake_reply_list(&test_srv, NFV_MSG_ROUTES, 1, big, 2, sizeof(big[0]));
	/* ... an older one's shorter records are zero-filled. */
	fake_reply_list(&test_srv, NFV_MSG_ROUTES, 2, small, 3, sizeof(small[0]));
	fake_reply(&test_srv, NFV_MSG_ROUTES, 3, &bad, sizeof(bad));
	open_client();
	CU_ASSERT_EQUAL_FATAL(nfv_client_list(&c, NFV_MSG_ROUTES, sizeof(*gs), (void **)&gs, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(gs[0].a, 1);
	CU_ASSERT_EQUAL(gs[1].a, 4);
	free(gs);
	CU_ASSERT_EQUAL_FATAL(nfv_client_list(&c, NFV_MSG_ROUTES, sizeof(*gb), (void **)&gb, &n), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT(gb[2].a == 9 && gb[2].b == 0 && gb[2].c == 0);
	free(gb);
	CU_ASSERT_EQUAL(nfv_client_list(&c, NFV_MSG_ROUTES, sizeof(*gb), (void **)&gb, &n), -EPROTO);
	CU_ASSERT_STRING_EQUAL(c.err, "list response of 8 bytes cannot hold 3 records of 8 bytes");
	CU_ASSERT_PTR_NULL(gb);
	nfv_client_close(&c);
}

static void test_connect(void)
{
	char path[200];

	CU_ASSERT_EQUAL(nfv_client_open(&c, "/nonexistent/nfvpn.sock"), -ENOENT);
	CU_ASSERT_STRING_EQUAL(c.err, "cannot connect to /nonexistent/nfvpn.sock: No such file or directory");
	nfv_client_close(&c);
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	CU_ASSERT_EQUAL(nfv_client_open(&c, path), -ENAMETOOLONG);
	nfv_client_close(&c);

	CU_ASSERT_STRING_EQUAL(nfv_client_socket_path(NULL), NFV_MSG_SOCKET_DEFAULT);
	setenv("NFVPN_SOCKET", "/tmp/env.sock", 1);
	CU_ASSERT_STRING_EQUAL(nfv_client_socket_path(NULL), "/tmp/env.sock");
	CU_ASSERT_STRING_EQUAL(nfv_client_socket_path("/tmp/opt.sock"), "/tmp/opt.sock");
	unsetenv("NFVPN_SOCKET");
}

/* A ruleset in chunks, with the transaction number and the source. */
static void test_filter_load(void)
{
	struct nfv_msg_filter_txn t = { .txn = 7 };
	const struct nfv_msg_filter_commit *cm;
	const struct nfv_msg_filter_data *d;
	static uint8_t msgs[NFV_MSG_FILTER_CHUNK_MAX + 100];

	for (size_t i = 0; i < sizeof(msgs); i++)
		msgs[i] = (uint8_t)i;
	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_FILTER_LOAD_BEGIN, 1, &t, sizeof(t));
	for (uint32_t seq = 2; seq <= 4; seq++)
		fake_reply(&test_srv, seq == 4 ? NFV_MSG_FILTER_LOAD_COMMIT : NFV_MSG_FILTER_LOAD_DATA,
			   seq, NULL, 0);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_filter_load(&c, msgs, sizeof(msgs), NFV_FILTER_SOURCE_POLICY,
					       "policy"), 0);
	nfv_client_close(&c);
	CU_ASSERT_EQUAL_FATAL(test_srv.nb_reqs, 4);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_FILTER_LOAD_BEGIN);
	d = (const void *)test_srv.reqs[1].payload;
	CU_ASSERT_EQUAL(test_srv.reqs[1].hdr.type, NFV_MSG_FILTER_LOAD_DATA);
	CU_ASSERT_EQUAL(test_srv.reqs[1].hdr.len, sizeof(*d) + NFV_MSG_FILTER_CHUNK_MAX);
	CU_ASSERT(d->txn == 7 && d->len == NFV_MSG_FILTER_CHUNK_MAX);
	CU_ASSERT(memcmp(d->data, msgs, FAKE_REQ_MAX - sizeof(*d)) == 0);
	d = (const void *)test_srv.reqs[2].payload;
	CU_ASSERT(d->txn == 7 && d->len == 100);
	CU_ASSERT(memcmp(d->data, msgs + NFV_MSG_FILTER_CHUNK_MAX, 100) == 0);
	cm = (const void *)test_srv.reqs[3].payload;
	CU_ASSERT_EQUAL(test_srv.reqs[3].hdr.type, NFV_MSG_FILTER_LOAD_COMMIT);
	CU_ASSERT(cm->txn == 7 && cm->source == NFV_FILTER_SOURCE_POLICY);
	CU_ASSERT_STRING_EQUAL(cm->origin, "policy");
}

/* The same as an undo group: TXN_UNDO each, "the open load" as txn. */
static void test_filter_load_undo(void)
{
	const struct nfv_msg_filter_commit *cm;
	const struct nfv_msg_filter_data *d;
	const struct nfv_msg_txn_undo *u[3];
	uint8_t msgs[64] = { 1, 2, 3 };

	fake_reset(&test_srv);
	for (uint32_t seq = 1; seq <= 3; seq++)
		fake_reply(&test_srv, NFV_MSG_TXN_UNDO, seq, NULL, 0);
	open_client();
	CU_ASSERT_EQUAL(nfv_client_filter_load_undo(&c, msgs, sizeof(msgs),
						    NFV_FILTER_SOURCE_POLICY, "policy"), 0);
	nfv_client_close(&c);
	CU_ASSERT_EQUAL_FATAL(test_srv.nb_reqs, 3);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(test_srv.reqs[i].hdr.type, NFV_MSG_TXN_UNDO);
		u[i] = (const void *)test_srv.reqs[i].payload;
	}
	CU_ASSERT(u[0]->type == NFV_MSG_FILTER_LOAD_BEGIN && u[0]->len == 0);
	d = (const void *)u[1]->payload;
	CU_ASSERT_EQUAL(u[1]->type, NFV_MSG_FILTER_LOAD_DATA);
	CU_ASSERT(d->txn == NFV_MSG_FILTER_TXN_OPEN && d->len == sizeof(msgs));
	CU_ASSERT(memcmp(d->data, msgs, sizeof(msgs)) == 0);
	cm = (const void *)u[2]->payload;
	CU_ASSERT_EQUAL(u[2]->type, NFV_MSG_FILTER_LOAD_COMMIT);
	CU_ASSERT(cm->txn == NFV_MSG_FILTER_TXN_OPEN && cm->source == NFV_FILTER_SOURCE_POLICY);
}

int test_client_register(void)
{
	NFV_TEST_SUITE("client",  NULL, NULL,
		{ "chunked response", test_chunked_response },
		{ "oversized len", test_oversized },
		{ "wrong seq", test_wrong_seq },
		{ "wrong version", test_wrong_version },
		{ "wrong type", test_wrong_type },
		{ "server error text", test_server_error },
		{ "truncated message", test_truncated },
		{ "queue packets between responses", test_interleaved_packets },
		{ "list record size", test_list_record_size },
		{ "connect and socket path", test_connect },
		{ "filter load in chunks", test_filter_load },
		{ "filter load as an undo group", test_filter_load_undo });
	return 0;
}
