/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The charon plugin's dataplane side (control/charon/nfvpn_dp.c) against
 * the fake server: charon's SAs as NFV_MSG_IPSEC_SA_ADD (IKEv2 transform
 * IDs and key lengths to nfvpn's rows, refusals that send nothing),
 * policies as SP_ADD, counters from the SA list, the IKE name prefix,
 * lifetime events, and a reconnect after the dataplane hung up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nfv_event.h"
#include "nfv_test.h"
#include "nfvpn_dp.h"
#include "test_control.h"

static const uint8_t keymat[128] = {	/* enc from 0, integrity from 32 */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
};

/* An inbound tunnel SA 192.0.2.2 -> 192.0.2.1 in UDP 4500, as charon gives it. */
static void sa_init(struct nfvpn_dp_sa *sa, uint16_t enc, size_t enc_len,
		    uint16_t integ, size_t int_len)
{
	memset(sa, 0, sizeof(*sa));
	snprintf(sa->name, sizeof(sa->name), "ike-ic0000001-7");
	sa->spi = 0xc0000001;
	sa->reqid = 3;
	sa->inbound = true;
	sa->encap = true;
	sa->family = AF_INET;
	memcpy(sa->src, "\xc0\x00\x02\x02", 4);
	memcpy(sa->dst, "\xc0\x00\x02\x01", 4);
	sa->sport = 4500;
	sa->dport = 4501;
	sa->enc_alg = enc;
	sa->enc_key = keymat;
	sa->enc_key_len = enc_len;
	sa->int_alg = integ;
	sa->int_key = keymat + 32;
	sa->int_key_len = int_len;
	sa->replay_window = 32;
	sa->soft_bytes = 1000;
	sa->hard_bytes = 2000;
	sa->soft_packets = 10;
	sa->hard_packets = 20;
	sa->soft_seconds = 3000;
	sa->hard_seconds = 3300;
}

static struct nfvpn_dp *dp_open(void)
{
	struct nfvpn_dp *dp = nfvpn_dp_create(test_srv.path);

	CU_ASSERT_FATAL(dp != NULL);
	return dp;
}

static void test_sa_add(void)
{
	const struct nfv_policy_sa *p = (const void *)test_srv.reqs[0].payload;
	struct nfvpn_dp_sa sa;
	struct nfvpn_dp *dp;

	CU_ASSERT_FATAL(sizeof(*p) <= FAKE_REQ_MAX);
	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_IPSEC_SA_ADD, 1, NULL, 0);
	dp = dp_open();
	/* AES-GCM with a 16-byte ICV (20), 16-byte key and 4-byte salt;
	 * AUTH_UNDEFINED (1024): what charon gives with an AEAD */
	sa_init(&sa, 20, 20, 1024, 0);
	CU_ASSERT_EQUAL(nfvpn_dp_sa_add(dp, &sa), 0);
	nfvpn_dp_destroy(dp);
	CU_ASSERT_FATAL(test_srv.nb_reqs == 1);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_IPSEC_SA_ADD);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.len, sizeof(*p));
	CU_ASSERT_STRING_EQUAL(p->name, "ike-ic0000001-7");
	CU_ASSERT_EQUAL(p->spi, 0xc0000001);
	CU_ASSERT_EQUAL(p->reqid, 3);
	CU_ASSERT_EQUAL(p->dir, NFV_IPSEC_DIR_IN);
	CU_ASSERT_EQUAL(p->mode, NFV_IPSEC_MODE_TUNNEL);
	CU_ASSERT_EQUAL(p->cipher, NFV_IPSEC_AES_GCM_128);
	CU_ASSERT_EQUAL(p->auth, NFV_IPSEC_AUTH_NONE);
	CU_ASSERT_EQUAL(p->key_len, 20);
	CU_ASSERT(memcmp(p->key, keymat, 20) == 0);
	CU_ASSERT_EQUAL(p->auth_key_len, 0);
	CU_ASSERT_EQUAL(p->src.family, AF_INET);
	CU_ASSERT(memcmp(p->src.bytes, "\xc0\x00\x02\x02", 4) == 0);
	CU_ASSERT(memcmp(p->dst.bytes, "\xc0\x00\x02\x01", 4) == 0);
	CU_ASSERT(p->natt && p->natt_sport == 4500 && p->natt_dport == 4501);
	CU_ASSERT(p->replay_window == 32 && !p->replay_off);
	CU_ASSERT(p->soft.bytes == 1000 && p->hard.bytes == 2000);
	CU_ASSERT(p->soft.packets == 10 && p->hard.packets == 20);
	CU_ASSERT(p->soft.seconds == 3000 && p->hard.seconds == 3300);
}

/* Transform IDs and key lengths to rows; a refusal sends nothing. */
static void test_sa_rows(void)
{
	static const struct {
		uint16_t enc;
		size_t enc_len;
		uint16_t integ;
		size_t int_len;
		int ret, cipher, auth;
	} cases[] = {
		{ 20, 36, 1024, 0, 0, NFV_IPSEC_AES_GCM_256, NFV_IPSEC_AUTH_NONE },
		{ 28, 36, 0, 0, 0, NFV_IPSEC_CHACHA20_POLY1305, NFV_IPSEC_AUTH_NONE },
		{ 16, 19, 1024, 0, 0, NFV_IPSEC_AES_CCM_128, NFV_IPSEC_AUTH_NONE },
		{ 16, 35, 1024, 0, 0, NFV_IPSEC_AES_CCM_256, NFV_IPSEC_AUTH_NONE },
		{ 12, 16, 12, 32, 0, NFV_IPSEC_AES_CBC_128, NFV_IPSEC_HMAC_SHA256_128 },
		{ 12, 32, 13, 48, 0, NFV_IPSEC_AES_CBC_256, NFV_IPSEC_HMAC_SHA384_192 },
		{ 12, 32, 14, 64, 0, NFV_IPSEC_AES_CBC_256, NFV_IPSEC_HMAC_SHA512_256 },
		/* AES-192-GCM: no row */
		{ 20, 28, 1024, 0, -ENOTSUP, 0, 0 },
		/* AES-GCM with an 8-byte ICV (18), 3DES (3): no row */
		{ 18, 20, 1024, 0, -ENOTSUP, 0, 0 },
		{ 3, 24, 12, 32, -ENOTSUP, 0, 0 },
		/* HMAC-SHA1-96 (2): no row */
		{ 12, 16, 2, 20, -ENOTSUP, 0, 0 },
		/* an AEAD with integrity, CBC without */
		{ 20, 20, 12, 32, -EINVAL, 0, 0 },
		{ 12, 16, 0, 0, -EINVAL, 0, 0 },
		/* an integrity key of the wrong length */
		{ 12, 16, 12, 20, -EINVAL, 0, 0 },
	};
	const struct nfv_policy_sa *p = (const void *)test_srv.reqs[0].payload;
	struct nfvpn_dp_sa sa;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nfvpn_dp *dp;
		int ret;

		fake_reset(&test_srv);
		fake_reply(&test_srv, NFV_MSG_IPSEC_SA_ADD, 1, NULL, 0);
		dp = dp_open();
		sa_init(&sa, cases[i].enc, cases[i].enc_len, cases[i].integ, cases[i].int_len);
		ret = nfvpn_dp_sa_add(dp, &sa);
		nfvpn_dp_destroy(dp);
		CU_ASSERT_EQUAL(ret, cases[i].ret);
		if (ret != cases[i].ret)
			fprintf(stderr, "\ncase %u: %d\n", i, ret);
		if (cases[i].ret != 0) {
			CU_ASSERT_EQUAL(test_srv.nb_reqs, 0);
			continue;
		}
		CU_ASSERT_FATAL(test_srv.nb_reqs == 1);
		CU_ASSERT_EQUAL(p->cipher, cases[i].cipher);
		CU_ASSERT_EQUAL(p->auth, cases[i].auth);
		CU_ASSERT_EQUAL(p->key_len, cases[i].enc_len);
		CU_ASSERT_EQUAL(p->auth_key_len, cases[i].int_len);
		if (cases[i].int_len)
			CU_ASSERT(memcmp(p->auth_key, keymat + 32, cases[i].int_len) == 0);
	}
}

static void test_sa_refused(void)
{
	struct nfvpn_dp_sa sa;
	struct nfvpn_dp *dp;

	fake_reset(&test_srv);
	dp = dp_open();
	/* a name nfvpnd would take for its own */
	sa_init(&sa, 20, 20, 1024, 0);
	snprintf(sa.name, sizeof(sa.name), "c0000001");
	CU_ASSERT_EQUAL(nfvpn_dp_sa_add(dp, &sa), -EINVAL);
	sa_init(&sa, 20, 20, 1024, 0);
	sa.replay_window = NFV_IPSEC_REPLAY_MAX + 1;
	CU_ASSERT_EQUAL(nfvpn_dp_sa_add(dp, &sa), -ERANGE);
	CU_ASSERT_STRING_EQUAL(nfvpn_dp_error(dp), "replay window 4097: nfvpn's largest is 4096");
	/* no window: no anti-replay, as XFRM's replay-window 0 */
	fake_reply(&test_srv, NFV_MSG_IPSEC_SA_ADD, 1, NULL, 0);
	sa.replay_window = 0;
	sa.encap = false;
	CU_ASSERT_EQUAL(nfvpn_dp_sa_add(dp, &sa), 0);
	nfvpn_dp_destroy(dp);
	CU_ASSERT_FATAL(test_srv.nb_reqs == 1);
	{
		const struct nfv_policy_sa *p = (const void *)test_srv.reqs[0].payload;

		CU_ASSERT(p->replay_off && p->replay_window == 0);
		CU_ASSERT(!p->natt && p->natt_sport == 0 && p->natt_dport == 0);
	}
}

static void test_sp_add(void)
{
	const struct nfv_msg_ipsec_sp_add *m = (const void *)test_srv.reqs[0].payload;
	struct nfvpn_dp_sp sp = {
		.name = "ike-p12", .sa = "ike-oc0000002-9", .inbound = false,
		.action = NFVPN_DP_PROTECT, .priority = 904, .family = AF_INET,
		.src = { 10, 1, 0, 0 }, .dst = { 10, 2, 0, 0 }, .src_len = 24, .dst_len = 24,
		.proto = 6, .dport_min = 443, .dport_max = 443,
	};
	struct nfvpn_dp_sp bypass = sp;
	struct nfvpn_dp *dp;

	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_IPSEC_SP_ADD, 1, NULL, 0);
	fake_reply(&test_srv, NFV_MSG_IPSEC_SP_ADD, 2, NULL, 0);
	dp = dp_open();
	CU_ASSERT_EQUAL(nfvpn_dp_sp_add(dp, &sp), 0);
	snprintf(bypass.name, sizeof(bypass.name), "ike-p13");
	bypass.action = NFVPN_DP_BYPASS;
	CU_ASSERT_EQUAL(nfvpn_dp_sp_add(dp, &bypass), 0);
	snprintf(bypass.name, sizeof(bypass.name), "p14");
	CU_ASSERT_EQUAL(nfvpn_dp_sp_add(dp, &bypass), -EINVAL);
	nfvpn_dp_destroy(dp);
	CU_ASSERT_FATAL(test_srv.nb_reqs == 2);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_IPSEC_SP_ADD);
	CU_ASSERT_STRING_EQUAL(m->sp.name, "ike-p12");
	CU_ASSERT_STRING_EQUAL(m->sa, "ike-oc0000002-9");
	CU_ASSERT_EQUAL(m->sp.dir, NFV_IPSEC_DIR_OUT);
	CU_ASSERT_EQUAL(m->sp.action, NFV_IPSEC_PROTECT);
	CU_ASSERT_EQUAL(m->sp.priority, 904);
	CU_ASSERT(m->sp.src.addr.family == AF_INET && m->sp.src.len == 24 &&
		  memcmp(m->sp.src.addr.bytes, "\x0a\x01\x00\x00", 4) == 0);
	CU_ASSERT(m->sp.dst.len == 24 && memcmp(m->sp.dst.addr.bytes, "\x0a\x02\x00\x00", 4) == 0);
	CU_ASSERT(m->sp.proto == 6 && m->sp.sport_min == 0 && m->sp.sport_max == 0 &&
		  m->sp.dport_min == 443 && m->sp.dport_max == 443);
	m = (const void *)test_srv.reqs[1].payload;
	CU_ASSERT_EQUAL(m->sp.action, NFV_IPSEC_BYPASS);
	CU_ASSERT_EQUAL(m->sa[0], '\0');
	/* the same selectors, whatever the name, SA and action */
	CU_ASSERT(nfvpn_dp_sp_same(&sp, &bypass));
	bypass.dport_max = 444;
	CU_ASSERT(!nfvpn_dp_sp_same(&sp, &bypass));
	bypass = sp;
	bypass.inbound = true;
	CU_ASSERT(!nfvpn_dp_sp_same(&sp, &bypass));
}

static void sa_rec(struct nfv_msg_ipsec_sa *r, const char *name, uint32_t spi,
		   uint64_t bytes, uint64_t packets)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->spi = spi;
	r->stats.bytes = bytes;
	r->stats.packets = packets;
}

/* Counters, SPIs in use and a previous charon's objects, from the lists. */
static void test_lists(void)
{
	struct nfv_msg_ipsec_sa sas[3];
	struct nfv_msg_ipsec_sp sps[2];
	char (*names)[NFVPN_DP_NAME_MAX];
	struct nfvpn_dp_sp *old;
	uint32_t nsa, nsp;
	uint64_t b = 0, p = 0, u = 0;
	bool *expired;
	struct nfvpn_dp *dp;

	sa_rec(&sas[0], "static-out", 0x1000, 5, 1);
	sa_rec(&sas[1], "ike-ic0000010-1", 0xc0000010, 840, 10);
	sa_rec(&sas[2], "ike-o12345678-2", 0x12345678, 1680, 20);
	sas[2].state = NFV_IPSEC_SA_EXPIRED;
	sas[2].use_time = 1765130000;
	memset(sps, 0, sizeof(sps));
	snprintf(sps[0].sp.name, sizeof(sps[0].sp.name), "lan-out");
	snprintf(sps[1].sp.name, sizeof(sps[1].sp.name), "ike-p3");
	sps[1].sp.dir = NFV_IPSEC_DIR_IN;
	sps[1].sp.src.addr.family = sps[1].sp.dst.addr.family = AF_INET;
	sps[1].sp.src.len = 16;
	sps[1].sp.dst.len = 24;
	fake_reset(&test_srv);
	fake_reply_list(&test_srv, NFV_MSG_IPSEC_SAS, 1, sas, 3, sizeof(sas[0]));
	fake_reply_list(&test_srv, NFV_MSG_IPSEC_SAS, 2, sas, 3, sizeof(sas[0]));
	fake_reply_list(&test_srv, NFV_MSG_IPSEC_SAS, 3, sas, 3, sizeof(sas[0]));
	fake_reply_list(&test_srv, NFV_MSG_IPSEC_SAS, 4, sas, 3, sizeof(sas[0]));
	fake_reply_list(&test_srv, NFV_MSG_IPSEC_SAS, 5, sas, 3, sizeof(sas[0]));
	fake_reply_list(&test_srv, NFV_MSG_IPSEC_SPS, 6, sps, 2, sizeof(sps[0]));
	dp = dp_open();
	CU_ASSERT_EQUAL(nfvpn_dp_sa_query(dp, "ike-o12345678-2", &b, &p, &u), 0);
	CU_ASSERT(b == 1680 && p == 20);
	/* the last packet's time, for charon's query_sa and query_policy */
	CU_ASSERT_EQUAL(u, 1765130000);
	CU_ASSERT_EQUAL(nfvpn_dp_sa_query(dp, "ike-gone", &b, &p, &u), -ENOENT);
	/* the YAML's SAs count too */
	CU_ASSERT_EQUAL(nfvpn_dp_spi_used(dp, 0x1000), 1);
	CU_ASSERT_EQUAL(nfvpn_dp_spi_used(dp, 0xc0000011), 0);
	CU_ASSERT_EQUAL(nfvpn_dp_list_ike(dp, &names, &expired, &nsa, &old, &nsp), 0);
	nfvpn_dp_destroy(dp);
	CU_ASSERT_FATAL(nsa == 2 && nsp == 1);
	CU_ASSERT_STRING_EQUAL(names[0], "ike-ic0000010-1");
	CU_ASSERT_STRING_EQUAL(names[1], "ike-o12345678-2");
	/* past its hard lifetime: the new charon deletes it at once */
	CU_ASSERT(!expired[0] && expired[1]);
	CU_ASSERT_STRING_EQUAL(old[0].name, "ike-p3");
	CU_ASSERT(old[0].inbound && old[0].src_len == 16 && old[0].dst_len == 24);
	free(names);
	free(expired);
	free(old);
}

static void event(struct fake_server *s, uint16_t type, const char *object)
{
	struct nfv_msg_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.worker = UINT16_MAX;
	snprintf(e.object, sizeof(e.object), "%s", object);
	fake_msg(s, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
}

static void test_events(void)
{
	struct nfvpn_dp_event ev;
	struct nfv_msg_event e;
	struct nfvpn_dp *dp;
	int fd;

	fake_reset(&test_srv);
	fake_step(&test_srv, 0, false);
	fake_msg(&test_srv, NFV_MSG_EVENTS, 1, 0, NULL, 0);
	event(&test_srv, NFV_EVENT_SA_SOFT, "ike-ic0000010-1");
	event(&test_srv, NFV_EVENT_QUEUE_OVERFLOW, "queue 1");
	event(&test_srv, NFV_EVENT_SA_HARD, "ike-o12345678-2");
	/* NAT-T: the port in value, the address in text */
	memset(&e, 0, sizeof(e));
	e.type = NFV_EVENT_SA_MAPPING;
	e.value = 31000;
	snprintf(e.object, sizeof(e.object), "ike-ic0000010-1");
	snprintf(e.text, sizeof(e.text), "198.51.100.7");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	snprintf(e.text, sizeof(e.text), "2001:db8::7");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	/* not an address: nothing for charon */
	snprintf(e.text, sizeof(e.text), "elsewhere");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	/* acquire: the policy, its reqid; reqid 0 (not charon's) is nothing */
	memset(&e, 0, sizeof(e));
	e.type = NFV_EVENT_SP_ACQUIRE;
	e.value = 5;
	snprintf(e.object, sizeof(e.object), "ike-p77");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	e.value = 0;
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	/* with the packet's selectors in text; ICMP's type and code as ports */
	e.value = 6;
	snprintf(e.text, sizeof(e.text), "src 10.1.0.2 dst 10.2.0.8 proto 1 sport 8 dport 0");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	/* no ports (a later fragment) */
	snprintf(e.text, sizeof(e.text), "src 2001:db8::1 dst 2001:db8::2 proto 47");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	/* unreadable selectors: an acquire without them */
	snprintf(e.text, sizeof(e.text), "src 10.1.0.2 dst elsewhere proto 6 sport 1 dport 2");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	snprintf(e.text, sizeof(e.text), "src 10.1.0.2 dst 10.2.0.1 proto 6 sport 70000 dport 2");
	fake_msg(&test_srv, NFV_MSG_EVENT, 0, 0, &e, sizeof(e));
	dp = dp_open();
	fd = nfvpn_dp_events_open(dp);
	CU_ASSERT(fd >= 0 && fd == nfvpn_dp_fd(dp));
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_EVENTS);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT_EQUAL(ev.kind, NFVPN_DP_EV_SOFT);
	CU_ASSERT_STRING_EQUAL(ev.name, "ike-ic0000010-1");
	/* not an SA's: nothing for charon */
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 0);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT_EQUAL(ev.kind, NFVPN_DP_EV_HARD);
	CU_ASSERT_STRING_EQUAL(ev.name, "ike-o12345678-2");
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT_EQUAL(ev.kind, NFVPN_DP_EV_MAPPING);
	CU_ASSERT_STRING_EQUAL(ev.name, "ike-ic0000010-1");
	CU_ASSERT_EQUAL(ev.family, AF_INET);
	CU_ASSERT_EQUAL(memcmp(ev.addr, "\xc6\x33\x64\x07", 4), 0);
	CU_ASSERT_EQUAL(ev.port, 31000);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT_EQUAL(ev.family, AF_INET6);
	CU_ASSERT_EQUAL(ev.addr[15], 7);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 0);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT_EQUAL(ev.kind, NFVPN_DP_EV_ACQUIRE);
	CU_ASSERT_STRING_EQUAL(ev.name, "ike-p77");
	CU_ASSERT_EQUAL(ev.reqid, 5);
	CU_ASSERT(!ev.sel);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 0);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT_EQUAL(ev.kind, NFVPN_DP_EV_ACQUIRE);
	CU_ASSERT_EQUAL(ev.reqid, 6);
	CU_ASSERT(ev.sel && ev.ports);
	CU_ASSERT_EQUAL(ev.family, AF_INET);
	CU_ASSERT_EQUAL(memcmp(ev.addr, "\x0a\x01\x00\x02", 4), 0);
	CU_ASSERT_EQUAL(memcmp(ev.dst, "\x0a\x02\x00\x08", 4), 0);
	CU_ASSERT_EQUAL(ev.proto, 1);
	CU_ASSERT_EQUAL(ev.sport, 8);
	CU_ASSERT_EQUAL(ev.dport, 0);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT(ev.sel && !ev.ports);
	CU_ASSERT_EQUAL(ev.family, AF_INET6);
	CU_ASSERT_EQUAL(ev.addr[15], 1);
	CU_ASSERT_EQUAL(ev.dst[15], 2);
	CU_ASSERT_EQUAL(ev.proto, 47);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT_EQUAL(ev.kind, NFVPN_DP_EV_ACQUIRE);
	CU_ASSERT(!ev.sel);
	CU_ASSERT_EQUAL(nfvpn_dp_event_read(dp, &ev), 1);
	CU_ASSERT(!ev.sel);
	nfvpn_dp_destroy(dp);
}

/* A trap: PROTECT without an SA, with charon's reqid. */
static void test_sp_trap(void)
{
	const struct nfv_msg_ipsec_sp_add *m = (const void *)test_srv.reqs[0].payload;
	struct nfvpn_dp_sp sp = {
		.name = "ike-p20", .inbound = false, .action = NFVPN_DP_PROTECT,
		.priority = 1904, .family = AF_INET, .src = { 10, 1, 0, 0 },
		.dst = { 10, 2, 0, 0 }, .src_len = 24, .dst_len = 24, .trap = true, .reqid = 3,
	};
	struct nfvpn_dp *dp;

	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_IPSEC_SP_ADD, 1, NULL, 0);
	dp = dp_open();
	CU_ASSERT_EQUAL(nfvpn_dp_sp_add(dp, &sp), 0);
	nfvpn_dp_destroy(dp);
	CU_ASSERT_FATAL(test_srv.nb_reqs == 1);
	CU_ASSERT(m->trap);
	CU_ASSERT_EQUAL(m->reqid, 3);
	CU_ASSERT_STRING_EQUAL(m->sa, "");
	CU_ASSERT_EQUAL(m->sp.action, NFV_IPSEC_PROTECT);
}

/* NAT-T port floating: the SA's new addresses and ports, by name. */
static void test_sa_update(void)
{
	static const uint8_t src[16] = { 192, 0, 2, 1 }, dst[16] = { 198, 51, 100, 7 };
	const struct nfv_msg_ipsec_sa_update *u;
	struct nfvpn_dp *dp;

	fake_reset(&test_srv);
	fake_reply(&test_srv, NFV_MSG_IPSEC_SA_UPDATE, 1, NULL, 0);
	dp = dp_open();
	CU_ASSERT_EQUAL(nfvpn_dp_sa_update(dp, "ike-o12345678-2", AF_INET, src, dst, true,
					   4500, 31000), 0);
	nfvpn_dp_destroy(dp);
	CU_ASSERT_FATAL(test_srv.nb_reqs == 1);
	CU_ASSERT_EQUAL(test_srv.reqs[0].hdr.type, NFV_MSG_IPSEC_SA_UPDATE);
	CU_ASSERT_FATAL(test_srv.reqs[0].hdr.len == sizeof(*u));
	u = (const void *)test_srv.reqs[0].payload;
	CU_ASSERT_STRING_EQUAL(u->name, "ike-o12345678-2");
	CU_ASSERT_EQUAL(u->src.family, AF_INET);
	CU_ASSERT_EQUAL(memcmp(u->src.bytes, src, 4), 0);
	CU_ASSERT_EQUAL(memcmp(u->dst.bytes, dst, 4), 0);
	CU_ASSERT(u->natt);
	CU_ASSERT_EQUAL(u->natt_sport, 4500);
	CU_ASSERT_EQUAL(u->natt_dport, 31000);
}

/* The dataplane hung up (a restart): the next request opens a new connection. */
static void test_reconnect(void)
{
	struct nfvpn_dp *dp;

	fake_reset(&test_srv);
	fake_step(&test_srv, 0, true);
	fake_msg(&test_srv, NFV_MSG_IPSEC_SA_DEL, 1, 0, NULL, 0);
	fake_reply(&test_srv, NFV_MSG_IPSEC_SA_DEL, 1, NULL, 0);
	dp = dp_open();
	CU_ASSERT_EQUAL(nfvpn_dp_sa_del(dp, "ike-ic0000010-1"), 0);
	CU_ASSERT_EQUAL(nfvpn_dp_sa_del(dp, "ike-o12345678-2"), 0);
	nfvpn_dp_destroy(dp);
	CU_ASSERT_FATAL(test_srv.nb_reqs == 2);
	CU_ASSERT_STRING_EQUAL((const char *)test_srv.reqs[1].payload, "ike-o12345678-2");
	CU_ASSERT_EQUAL(test_srv.reqs[1].hdr.seq, 1);
}

int test_charon_dp_register(void)
{
	NFV_TEST_SUITE("charon plugin, dataplane side", NULL, NULL,
		{ "SA add: fields, keys, NAT-T, lifetimes", test_sa_add },
		{ "SA add: transform IDs to rows", test_sa_rows },
		{ "SA add: refusals", test_sa_refused },
		{ "policy add, same selectors", test_sp_add },
		{ "counters, SPIs, a previous charon's", test_lists },
		{ "lifetime and NAT-T mapping events", test_events },
		{ "SA update (NAT-T port floating)", test_sa_update },
		{ "trap policy", test_sp_trap },
		{ "reconnect", test_reconnect });
	return 0;
}
