/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fake dataplane for the unit tests of dataplane/control/: the state
 * the control modules work on (hook table, ports without a DPDK device,
 * one worker with its rings, a policy the test fills in), the modules a
 * test starts by name, and management connections that are real
 * socketpairs: a request goes through nfv_mgmt_dispatch as the socket's
 * reader sends it, and its response is read and parsed from the peer.
 *
 * Failed checks inside the helpers are reported at the caller's line.
 */
#ifndef CTL_FAKE_H
#define CTL_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp.h"
#include "mgmt.h"
#include "nfv_msg.h"
#include "nfv_test.h"

#define CTL_FAKE_PORTS 2
#define CTL_FAKE_MAX_MODULES 16

struct nfv_ctl_module;

struct ctl_fake {
	struct nfv_dp dp;
	struct nfv_policy pol;		/* dp.policy; empty until the test fills it */
	struct nfv_mgmt mgmt;		/* dp.mgmt: only conns; no listening socket */
	int peer[NFV_MGMT_MAX_CONNS];	/* the client's end of mgmt.conns[i] */
	uint32_t seq;
	unsigned int nb_started;
	struct nfv_ctl_module *started[CTL_FAKE_MAX_MODULES];
};

/* EAL and the CUnit registry; once per test program. */
void ctl_test_init(const char *prog);

/*
 * Ports "p0" (MAC 02:00:00:00:00:01) and "p1" (02:00:00:00:00:02), MTU
 * 1500, port_id and tun_id UINT16_MAX; one worker; a mempool; an empty
 * policy named "fake.yaml".
 */
void ctl_fake_init(struct ctl_fake *f);
/* Runs init of the named modules (nfv_ctl_module_find) in this order. */
void ctl_fake_start(struct ctl_fake *f, const char *const names[]);
#define CTL_START(f, ...) ctl_fake_start(f, (const char *const[]){ __VA_ARGS__, NULL })
/* Closes every connection, stop and fini of the started modules, frees. */
void ctl_fake_fini(struct ctl_fake *f);

/* A management connection: its fd is one end of a socketpair. */
struct nfv_mgmt_conn *ctl_conn_open(struct ctl_fake *f);
/*
 * As the socket does: every module's conn_closed, then the last
 * connection moves into the freed slot (a pointer to it changes).
 */
void ctl_conn_close(struct ctl_fake *f, struct nfv_mgmt_conn *c);
/* The test's end of c's socket. */
int ctl_peer(struct ctl_fake *f, const struct nfv_mgmt_conn *c);
/* ctl_conn_close for a connection whose peer end the test closed. */
void ctl_conn_close_peerless(struct ctl_fake *f, struct nfv_mgmt_conn *c);

struct ctl_resp {
	struct nfv_msg_hdr h;
	uint8_t *p;			/* h.len bytes and a NUL; NULL when none */
};

/*
 * Sends one request on c as the socket's reader does (nfv_mgmt_dispatch on
 * a copy of exactly len bytes, then nfv_txn_after) and reads its response
 * into r (NULL: checked and dropped). Checks the framing: one response,
 * the request's seq, NFV_MSG_ERROR with the returned status and a text
 * when dispatch failed, the request's type and status 0 otherwise.
 * Returns what dispatch returned.
 */
int ctl_call_at(struct ctl_fake *f, struct nfv_mgmt_conn *c, uint16_t type,
		const void *payload, uint32_t len, struct ctl_resp *r,
		const char *file, unsigned int line);
#define ctl_call(f, c, type, p, len, r) \
	ctl_call_at(f, c, type, p, len, r, __FILE__, __LINE__)
void ctl_resp_free(struct ctl_resp *r);

/* Checks that the request succeeds. */
#define CTL_OK(f, c, type, p, len) \
	CU_ASSERT_EQUAL(ctl_call(f, c, type, p, len, NULL), 0)
/* Checks that it fails with err and a message that holds needle. */
void ctl_err_at(struct ctl_fake *f, struct nfv_mgmt_conn *c, uint16_t type,
		const void *payload, uint32_t len, int err, const char *needle,
		const char *file, unsigned int line);
#define CTL_ERR(f, c, type, p, len, err, needle) \
	ctl_err_at(f, c, type, p, len, err, needle, __FILE__, __LINE__)

/*
 * A list response: checks its header against record_size and its length
 * against the count; returns the first record (NULL on a bad frame).
 */
const void *ctl_list_at(const struct ctl_resp *r, uint32_t record_size,
			uint32_t *count, const char *file, unsigned int line);
#define ctl_list(r, size, count) ctl_list_at(r, size, count, __FILE__, __LINE__)

/* A transaction's undo replaying a request: no connection, nothing sent. */
int ctl_replay(struct ctl_fake *f, uint16_t type, const void *payload, uint32_t len);
/* True when nothing waits to be read on any connection. */
bool ctl_all_idle(struct ctl_fake *f);
/* Reads one unsolicited message (seq 0) waiting on c; false when none. */
bool ctl_read_push(struct ctl_fake *f, struct nfv_mgmt_conn *c, struct ctl_resp *r);

/* Parses text (an address, a prefix) or fails the test. */
struct nfv_addr ctl_addr(const char *s);
struct nfv_prefix ctl_prefix(const char *s);
/* The next hop that the published FIB gives dst. */
const struct nfv_nexthop *ctl_fib_lookup(const struct ctl_fake *f, const char *dst);

#endif
