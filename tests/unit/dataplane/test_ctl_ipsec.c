/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPsec on the control side (control/ipsec.c): SAs and policies from the
 * policy and by request (IPSEC_SA_ADD/DEL, IPSEC_SP_ADD/DEL), their
 * listings (never a key byte), the module's entries appearing with the
 * first object, and malformed requests.
 */
#include <string.h>

#include <rte_ip.h>

#include "ctl_fake.h"
#include "ipsec.h"
#include "module.h"
#include "nfv_ipsec.h"
#include "nfv_policy_ipsec.h"

#define KEY_BYTE 0xa5
#define AUTH_KEY_BYTE 0x5a

static struct ctl_fake f;
static struct nfv_mgmt_conn *c;

static struct nfv_policy_address addresses[1] = { { .port = "p0" } };

static void setup(struct nfv_policy_ipsec *pi)
{
	ctl_fake_init(&f);
	addresses[0].prefix = ctl_prefix("10.0.0.1/24");
	f.pol.addresses = addresses;
	f.pol.nb_addresses = RTE_DIM(addresses);
	f.pol.ipsec = pi;
	CTL_START(&f, "routes", "ipsec");
	c = ctl_conn_open(&f);
}

/* An AES-GCM-128 tunnel SA between 10.0.0.1 and 10.0.0.2. */
static struct nfv_policy_sa sa(const char *name, uint32_t spi, uint8_t dir)
{
	struct nfv_policy_sa s = {
		.spi = spi, .reqid = spi, .dir = dir, .mode = NFV_IPSEC_MODE_TUNNEL,
		.cipher = NFV_IPSEC_AES_GCM_128, .auth = NFV_IPSEC_AUTH_NONE, .key_len = 20,
	};

	strcpy(s.name, name);
	s.src = ctl_addr(dir == NFV_IPSEC_DIR_OUT ? "10.0.0.1" : "10.0.0.2");
	s.dst = ctl_addr(dir == NFV_IPSEC_DIR_OUT ? "10.0.0.2" : "10.0.0.1");
	memset(s.key, KEY_BYTE, s.key_len);
	return s;
}

/* AES-CBC-128 with HMAC-SHA-256: a cipher key and an auth key. */
static struct nfv_policy_sa sa_cbc(const char *name, uint32_t spi)
{
	struct nfv_policy_sa s = sa(name, spi, NFV_IPSEC_DIR_OUT);

	s.cipher = NFV_IPSEC_AES_CBC_128;
	s.auth = NFV_IPSEC_HMAC_SHA256_128;
	s.key_len = 16;
	s.auth_key_len = 32;
	memset(s.auth_key, AUTH_KEY_BYTE, s.auth_key_len);
	return s;
}

static struct nfv_msg_ipsec_sp_add sp(const char *name, uint8_t dir, uint8_t action,
				      const char *sa_name)
{
	struct nfv_msg_ipsec_sp_add r = { 0 };

	strcpy(r.sp.name, name);
	r.sp.dir = dir;
	r.sp.action = action;
	r.sp.src = ctl_prefix(dir == NFV_IPSEC_DIR_OUT ? "192.168.1.0/24" : "172.16.0.0/16");
	r.sp.dst = ctl_prefix(dir == NFV_IPSEC_DIR_OUT ? "172.16.0.0/16" : "192.168.1.0/24");
	r.sp.sa = -1;
	strcpy(r.sa, sa_name);
	return r;
}

static struct nfv_msg_name name(const char *s)
{
	struct nfv_msg_name n = { 0 };

	strcpy(n.name, s);
	return n;
}

/* A run of 4 key bytes anywhere in the response. */
static bool holds_key(const struct ctl_resp *r, uint8_t b)
{
	for (uint32_t i = 0; i + 4 <= r->h.len; i++)
		if (r->p[i] == b && r->p[i + 1] == b && r->p[i + 2] == b && r->p[i + 3] == b)
			return true;
	return false;
}

static bool hook_listed(const char *entry)
{
	const struct nfv_msg_hook *l;
	struct ctl_resp r;
	bool found = false;
	uint32_t n;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_HOOKS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &n);
	for (uint32_t i = 0; l != NULL && i < n; i++)
		found |= strcmp(l[i].name, entry) == 0;
	ctl_resp_free(&r);
	return found;
}

static uint32_t count_of(uint16_t type, uint32_t size)
{
	struct ctl_resp r;
	uint32_t n;

	CU_ASSERT_EQUAL(ctl_call(&f, c, type, NULL, 0, &r), 0);
	ctl_list(&r, size, &n);
	ctl_resp_free(&r);
	return n;
}

static void test_sa(void)
{
	const struct nfv_msg_ipsec_sa *l;
	struct nfv_policy_sa s;
	struct nfv_msg_name n;
	struct ctl_resp r;
	uint64_t gen;
	uint32_t cnt;

	setup(NULL);
	/* nothing yet: empty lists, and no entry in POST_ROUTING */
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(*l)), 0);
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SPS, sizeof(struct nfv_msg_ipsec_sp)), 0);
	CU_ASSERT_FALSE(hook_listed("esp-output"));

	gen = f.dp.generation;
	s = sa("out1", 0x1001, NFV_IPSEC_DIR_OUT);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	s = sa("in1", 0x2001, NFV_IPSEC_DIR_IN);
	s.replay_window = 64;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	s = sa_cbc("cbc", 0x3001);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 3);
	CU_ASSERT(hook_listed("esp-output"));
	CU_ASSERT(hook_listed("esp-input"));

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SAS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &cnt);
	CU_ASSERT_EQUAL_FATAL(cnt, 3);
	for (uint32_t i = 0; i < cnt; i++) {
		if (strcmp(l[i].name, "out1") == 0) {
			CU_ASSERT_EQUAL(l[i].spi, 0x1001);
			CU_ASSERT_EQUAL(l[i].dir, NFV_IPSEC_DIR_OUT);
			CU_ASSERT_EQUAL(l[i].cipher, NFV_IPSEC_AES_GCM_128);
			CU_ASSERT_EQUAL(l[i].replay_window, 0);	/* outbound has none */
			CU_ASSERT_EQUAL(l[i].state, NFV_IPSEC_SA_ACTIVE);
			CU_ASSERT_EQUAL(l[i].stats.packets, 0);
		} else if (strcmp(l[i].name, "in1") == 0) {
			CU_ASSERT_EQUAL(l[i].dir, NFV_IPSEC_DIR_IN);
			CU_ASSERT_EQUAL(l[i].replay_window, 64);
			CU_ASSERT(nfv_addr_equal(&l[i].dst, &(struct nfv_addr){ 0 }) == false);
		} else {
			CU_ASSERT_STRING_EQUAL(l[i].name, "cbc");
			CU_ASSERT_EQUAL(l[i].auth, NFV_IPSEC_HMAC_SHA256_128);
		}
	}
	/* the listing never carries a key */
	CU_ASSERT_FALSE(holds_key(&r, KEY_BYTE));
	CU_ASSERT_FALSE(holds_key(&r, AUTH_KEY_BYTE));
	ctl_resp_free(&r);

	/* refused: a name in use, an SPI and destination in use */
	s = sa("out1", 0x1002, NFV_IPSEC_DIR_OUT);
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EEXIST, "SA \"out1\" exists");
	s = sa("in2", 0x2001, NFV_IPSEC_DIR_IN);
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EEXIST,
		"this SPI and destination are in use");
	/* the module's checks: a key of the wrong length */
	s = sa("short-key", 0x1003, NFV_IPSEC_DIR_OUT);
	s.key_len = 16;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EINVAL, "SA \"short-key\"");
	CU_ASSERT_EQUAL(f.dp.generation, gen + 3);

	gen = f.dp.generation;
	n = name("out1");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 1);
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n), -ENOENT, "no SA \"out1\"");
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(*l)), 2);
	/* the name and the slot can be used again */
	s = sa("out1", 0x1001, NFV_IPSEC_DIR_OUT);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(*l)), 3);
	ctl_fake_fini(&f);
}

static void test_malformed_sa(void)
{
	struct nfv_policy_sa s;
	struct nfv_msg_name n = name("x");
	uint64_t gen;

	setup(NULL);
	gen = f.dp.generation;
	s = sa("x", 0x1001, NFV_IPSEC_DIR_OUT);
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s) - 1, -EINVAL, "short SA request");
	s.key_len = NFV_IPSEC_KEY_MAX + 1;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EINVAL, "malformed SA request");
	s = sa("x", 0x1001, NFV_IPSEC_DIR_OUT);
	s.auth_key_len = NFV_IPSEC_KEY_MAX + 1;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EINVAL, "malformed SA request");
	s = sa("x", 0x1001, NFV_IPSEC_DIR_OUT);
	s.cipher = NFV_IPSEC_CIPHER_MAX;	/* one past the last row */
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EINVAL, "malformed SA request");
	s = sa("x", 0x1001, NFV_IPSEC_DIR_OUT);
	s.auth = NFV_IPSEC_AUTH_MAX;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EINVAL, "malformed SA request");
	s = sa("x", 0x1001, NFV_IPSEC_DIR_OUT);
	s.dir = 2;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EINVAL, "malformed SA request");
	s = sa("x", 0x1001, NFV_IPSEC_DIR_OUT);
	s.mode = 2;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EINVAL, "malformed SA request");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n) - 1, -EINVAL, "short delete request");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n) - 1, -EINVAL, "short delete request");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n), -ENOENT, "no SA \"x\"");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n), -ENOENT, "no policy \"x\"");
	CU_ASSERT_EQUAL(f.dp.generation, gen);
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(struct nfv_msg_ipsec_sa)), 0);
	ctl_fake_fini(&f);
}

static void test_sp(void)
{
	const struct nfv_msg_ipsec_sp *l;
	struct nfv_msg_ipsec_sp_add r;
	struct nfv_policy_sa s;
	struct nfv_msg_name n;
	struct ctl_resp resp;
	uint64_t gen;
	uint32_t cnt;

	setup(NULL);
	s = sa("out1", 0x1001, NFV_IPSEC_DIR_OUT);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	s = sa("in1", 0x2001, NFV_IPSEC_DIR_IN);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));

	gen = f.dp.generation;
	r = sp("sp-out", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "out1");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	r = sp("sp-in", NFV_IPSEC_DIR_IN, NFV_IPSEC_PROTECT, "in1");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	r = sp("sp-bypass", NFV_IPSEC_DIR_OUT, NFV_IPSEC_BYPASS, "");
	r.sp.priority = -5;
	r.sp.proto = IPPROTO_UDP;
	r.sp.dport_min = r.sp.dport_max = 500;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 3);
	/* an inbound PROTECT policy brings the cleartext check */
	CU_ASSERT(hook_listed("esp-policy-in"));

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SPS, NULL, 0, &resp), 0);
	l = ctl_list(&resp, sizeof(*l), &cnt);
	CU_ASSERT_EQUAL_FATAL(cnt, 3);
	for (uint32_t i = 0; i < cnt; i++) {
		if (strcmp(l[i].sp.name, "sp-out") == 0) {
			CU_ASSERT_STRING_EQUAL(l[i].sa, "out1");
			CU_ASSERT_EQUAL(l[i].sp.action, NFV_IPSEC_PROTECT);
			CU_ASSERT_EQUAL(l[i].sp.dst.len, 16);
		} else if (strcmp(l[i].sp.name, "sp-bypass") == 0) {
			CU_ASSERT_STRING_EQUAL(l[i].sa, "");
			CU_ASSERT_EQUAL(l[i].sp.priority, -5);
			CU_ASSERT_EQUAL(l[i].sp.dport_max, 500);
			CU_ASSERT_EQUAL(l[i].refused, 0);
		} else {
			CU_ASSERT_STRING_EQUAL(l[i].sp.name, "sp-in");
			CU_ASSERT_EQUAL(l[i].sp.dir, NFV_IPSEC_DIR_IN);
		}
	}
	ctl_resp_free(&resp);

	/* refused */
	gen = f.dp.generation;
	r = sp("sp-out", NFV_IPSEC_DIR_OUT, NFV_IPSEC_DISCARD, "");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -EEXIST, "policy \"sp-out\" exists");
	r = sp("sp2", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "nosa");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -ENOENT, "no outbound SA \"nosa\"");
	r = sp("sp2", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "in1");	/* the wrong way */
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -ENOENT, "no outbound SA \"in1\"");
	r = sp("sp2", NFV_IPSEC_DIR_OUT, NFV_IPSEC_BYPASS, "");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r) - 1, -EINVAL, "short policy request");
	r.sp.dst = ctl_prefix("2001:db8::/32");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -EINVAL, "malformed policy request");
	r = sp("sp2", NFV_IPSEC_DIR_OUT, NFV_IPSEC_BYPASS, "");
	r.sp.src.addr.family = r.sp.dst.addr.family = 0;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -EINVAL, "malformed policy request");
	r = sp("sp2", 2, NFV_IPSEC_BYPASS, "");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -EINVAL, "malformed policy request");
	r = sp("sp2", NFV_IPSEC_DIR_OUT, NFV_IPSEC_DISCARD + 1, "");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -EINVAL, "malformed policy request");
	CU_ASSERT_EQUAL(f.dp.generation, gen);

	/* an SA a policy names can go (XFRM does too); the policy stays */
	n = name("out1");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	n = name("sp-out");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n), -ENOENT, "no policy \"sp-out\"");
	n = name("sp-in");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	CU_ASSERT_FALSE(hook_listed("esp-policy-in"));
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SPS, sizeof(*l)), 1);
	CU_ASSERT_EQUAL(f.dp.generation, gen + 3);
	ctl_fake_fini(&f);
}

/* The policy's SAs and policies at start-up. */
static void test_from_policy(void)
{
	/* built as the loader builds it: the ipsec module frees it */
	struct nfv_policy_ipsec *pi = calloc(1, sizeof(*pi));
	struct nfv_policy_sa *sas = calloc(2, sizeof(*sas));
	struct nfv_policy_sp *sps = calloc(1, sizeof(*sps));
	struct nfv_msg_ipsec_sp_add r = sp("pol-sp", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "");
	struct ctl_resp resp;
	uint32_t cnt;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sas);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sps);
	sas[0] = sa("pol-out", 0x1001, NFV_IPSEC_DIR_OUT);
	sas[1] = sa("pol-in", 0x2001, NFV_IPSEC_DIR_IN);
	sps[0] = r.sp;
	sps[0].sa = 0;
	pi->sas = sas;
	pi->nb_sas = 2;
	pi->sps = sps;
	pi->nb_sps = 1;
	setup(pi);
	/* installed: the start-up policy keeps no key */
	CU_ASSERT_PTR_NULL(f.pol.ipsec);
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SAS, NULL, 0, &resp), 0);
	ctl_list(&resp, sizeof(struct nfv_msg_ipsec_sa), &cnt);
	CU_ASSERT_EQUAL(cnt, 2);
	CU_ASSERT_FALSE(holds_key(&resp, KEY_BYTE));
	ctl_resp_free(&resp);
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SPS, NULL, 0, &resp), 0);
	CU_ASSERT(ctl_list(&resp, sizeof(struct nfv_msg_ipsec_sp), &cnt) != NULL && cnt == 1 &&
		  strcmp(((const struct nfv_msg_ipsec_sp *)(resp.p + 8))->sa, "pol-out") == 0);
	ctl_resp_free(&resp);
	ctl_fake_fini(&f);
}

/*
 * What esp-output does with a UDP packet from 192.168.1.5 to 172.16.0.9
 * (sp-out's selector), run as a worker runs POST_ROUTING: the outer
 * destination of the ESP packet it makes, or 0 when it makes none.
 */
static uint32_t protect_to(void)
{
	struct nfv_hook_state st = {
		.table = f.dp.hooks, .worker = 0, .hook = NFV_INET_POST_ROUTING,
	};
	struct nfv_inject_queue *q = &f.dp.hooks->inject[0][NFV_INJECT_LOCAL_OUT];
	uint8_t pkt[64] = { 0x45, 0, 0, 64, 0, 0, 0, 0, 64, IPPROTO_UDP };
	struct nfv_addr src = ctl_addr("192.168.1.5"), dst = ctl_addr("172.16.0.9");
	struct rte_mbuf *m;
	uint32_t outer = 0;
	uint16_t n;

	memcpy(pkt + 12, src.bytes, 4);
	memcpy(pkt + 16, dst.bytes, 4);
	pkt[20] = 0x13;		/* UDP 5000 -> 5000, 44 bytes */
	pkt[21] = 0x88;
	pkt[22] = 0x13;
	pkt[23] = 0x88;
	pkt[25] = 44;
	((struct rte_ipv4_hdr *)pkt)->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)pkt)->hdr_checksum = rte_ipv4_cksum((void *)pkt);
	m = nfv_test_mbuf(f.dp.pool, pkt, sizeof(pkt));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	nfv_mbuf_meta(m)->family = AF_INET;
	nfv_mbuf_meta(m)->oport = 0;
	/* the SPD's classifier after the changes, as the control loop does */
	nfv_ctl_module_find("ipsec")->poll(&f.dp, 0);
	nfv_hook_worker_online(f.dp.hooks, 0);
	n = nfv_hook_run(f.dp.hooks, &m, 1, &st, NFV_HOOK_FROM_START);
	nfv_hook_worker_quiescent(f.dp.hooks, 0);
	nfv_hook_worker_offline(f.dp.hooks, 0);
	CU_ASSERT_EQUAL(n, 0);		/* taken: protected or dropped */
	if (n > 0)
		rte_pktmbuf_free(m);
	if (q->n > 0) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(q->pkts[0],
								const struct rte_ipv4_hdr *);

		CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ESP);
		outer = ip->dst_addr;
		for (uint16_t i = 0; i < q->n; i++)
			rte_pktmbuf_free(q->pkts[i]);
		q->n = 0;
	}
	return outer;
}

/*
 * A policy whose SA was deleted drops its packets until it is replaced:
 * an SA added afterwards (here to another peer) must not protect them,
 * even where it takes the deleted SA's place in the module.
 */
static void test_policy_of_deleted_sa(void)
{
	struct nfv_msg_ipsec_sp_add r;
	struct nfv_policy_sa s;
	struct nfv_msg_name n;
	struct nfv_addr peer2 = ctl_addr("10.0.0.3"), peer1 = ctl_addr("10.0.0.2");
	uint32_t p1, p2;

	memcpy(&p1, peer1.bytes, 4);
	memcpy(&p2, peer2.bytes, 4);
	setup(NULL);
	s = sa("out1", 0x1001, NFV_IPSEC_DIR_OUT);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	r = sp("sp-out", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "out1");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(protect_to(), p1);

	n = name("out1");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	CU_ASSERT_EQUAL(protect_to(), 0);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.dp.hooks, NFV_DR_ESP_NO_SA), 1);

	s = sa("other", 0x1002, NFV_IPSEC_DIR_OUT);
	s.dst = peer2;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	CU_ASSERT_EQUAL(protect_to(), 0);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.dp.hooks, NFV_DR_ESP_NO_SA), 2);

	/* replaced: the policy protects with the SA it names now */
	n = name("sp-out");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	r = sp("sp-out", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "other");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(protect_to(), p2);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(f.dp.pool), 0);
	ctl_fake_fini(&f);
}

static struct nfv_prefix host4(uint8_t a, uint32_t i)
{
	struct nfv_prefix p = { .len = 32 };
	uint8_t b[4] = { a, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

	p.addr.family = AF_INET;
	memcpy(p.addr.bytes, b, 4);
	return p;
}

/*
 * More than the old limit of 1,024 by request: 3,000 SAs and 3,000
 * policies, listed whole (responses bigger than the socket's buffer),
 * names found among them, and an SA slot that a policy still names is not
 * given to a new SA.
 */
static void test_many_by_request(void)
{
	struct nfv_msg_ipsec_sp_add r;
	struct nfv_policy_sa s;
	struct nfv_msg_name n;
	struct nfv_addr peer2 = ctl_addr("10.0.0.3"), peer1 = ctl_addr("10.0.0.2");
	char nm[NFV_NAME_MAX];
	uint32_t p1, p2;

	memcpy(&p1, peer1.bytes, 4);
	memcpy(&p2, peer2.bytes, 4);
	setup(NULL);
	for (uint32_t i = 0; i < 1500; i++) {
		snprintf(nm, sizeof(nm), "o%u", i);
		s = sa(nm, 0x20000 + i, NFV_IPSEC_DIR_OUT);
		CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
		snprintf(nm, sizeof(nm), "i%u", i);
		s = sa(nm, 0x10000 + i, NFV_IPSEC_DIR_IN);
		CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	}
	for (uint32_t i = 0; i < 1500; i++) {
		snprintf(nm, sizeof(nm), "o%u", i);
		r = sp("", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, nm);
		snprintf(r.sp.name, sizeof(r.sp.name), "po%u", i);
		r.sp.dst = host4(172, 0x100000 + i);
		CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
		snprintf(nm, sizeof(nm), "i%u", i);
		r = sp("", NFV_IPSEC_DIR_IN, NFV_IPSEC_PROTECT, nm);
		snprintf(r.sp.name, sizeof(r.sp.name), "pi%u", i);
		r.sp.src = host4(172, 0x100000 + i);
		CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	}
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(struct nfv_msg_ipsec_sa)), 3000);
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SPS, sizeof(struct nfv_msg_ipsec_sp)), 3000);
	/* names, deep in the tables */
	s = sa("i1234", 0x30000, NFV_IPSEC_DIR_IN);
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EEXIST, "SA \"i1234\" exists");
	r = sp("pi1499", NFV_IPSEC_DIR_OUT, NFV_IPSEC_BYPASS, "");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -EEXIST,
		"policy \"pi1499\" exists");
	r = sp("x", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "i77");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -ENOENT, "no outbound SA \"i77\"");
	/* names deleted in the middle of runs: the others are still found */
	for (uint32_t i = 0; i < 1500; i += 7) {
		snprintf(n.name, sizeof(n.name), "pi%u", i);
		CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
		snprintf(n.name, sizeof(n.name), "i%u", i);
		CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	}
	for (uint32_t i = 0; i < 1500; i++) {
		snprintf(nm, sizeof(nm), "i%u", i);
		s = sa(nm, 0x40000 + i, NFV_IPSEC_DIR_IN);
		if (i % 7 == 0) {
			CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
		} else {
			CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -EEXIST, "exists");
		}
	}
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(struct nfv_msg_ipsec_sa)), 3000);
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SPS, sizeof(struct nfv_msg_ipsec_sp)),
			3000 - 215);

	/* the slot of a deleted SA that a policy names is not reused */
	s = sa("target", 0x1001, NFV_IPSEC_DIR_OUT);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	r = sp("sp-out", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "target");
	r.sp.priority = -1;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(protect_to(), p1);
	n = name("target");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	for (uint32_t i = 0; i < 10; i++) {
		snprintf(nm, sizeof(nm), "other%u", i);
		s = sa(nm, 0x50000 + i, NFV_IPSEC_DIR_OUT);
		s.dst = peer2;
		CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	}
	CU_ASSERT_EQUAL(protect_to(), 0);
	n = name("sp-out");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	r = sp("sp-out", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "other9");
	r.sp.priority = -1;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(protect_to(), p2);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(f.dp.pool), 0);
	ctl_fake_fini(&f);
}

/*
 * The limits, from a start-up policy in one batch: 16,384 SAs (8,192
 * peers) and 32,768 policies (two networks each way per peer), all
 * listed; one more of either is refused; a policy slot freed takes a new
 * policy, and a deleted SA's slot waits for its last policy to go.
 */
static void test_limits_from_policy(void)
{
	enum { PEERS = 8192, SAS = 2 * PEERS, SPS = 4 * PEERS };
	struct nfv_policy_ipsec *pi = calloc(1, sizeof(*pi));
	struct nfv_policy_sa *sas = calloc(SAS, sizeof(*sas));
	struct nfv_policy_sp *sps = calloc(SPS, sizeof(*sps));
	struct nfv_msg_ipsec_sp_add r;
	struct nfv_policy_sa s;
	struct nfv_msg_name n;
	char nm[NFV_NAME_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sas);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sps);
	for (uint32_t i = 0; i < PEERS; i++) {
		snprintf(nm, sizeof(nm), "o%u", i);
		sas[2 * i] = sa(nm, 0x20000 + i, NFV_IPSEC_DIR_OUT);
		snprintf(nm, sizeof(nm), "i%u", i);
		sas[2 * i + 1] = sa(nm, 0x10000 + i, NFV_IPSEC_DIR_IN);
		for (uint32_t k = 0; k < 2; k++) {
			struct nfv_policy_sp *o = &sps[4 * i + 2 * k], *in = o + 1;

			*o = sp("", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "").sp;
			snprintf(o->name, sizeof(o->name), "po%u-%u", i, k);
			o->src = ctl_prefix(k ? "172.16.0.0/12" : "10.0.0.0/8");
			o->dst = host4(100, 0x800000 + i);
			o->sa = (int32_t)(2 * i);
			*in = sp("", NFV_IPSEC_DIR_IN, NFV_IPSEC_PROTECT, "").sp;
			snprintf(in->name, sizeof(in->name), "pi%u-%u", i, k);
			in->src = o->dst;
			in->dst = o->src;
			in->sa = (int32_t)(2 * i + 1);
		}
	}
	pi->sas = sas;
	pi->nb_sas = SAS;
	pi->sps = sps;
	pi->nb_sps = SPS;
	setup(pi);
	CU_ASSERT_PTR_NULL(f.pol.ipsec);
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(struct nfv_msg_ipsec_sa)), SAS);
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SPS, sizeof(struct nfv_msg_ipsec_sp)), SPS);
	CU_ASSERT(hook_listed("esp-policy-in"));

	s = sa("one-more", 0x1001, NFV_IPSEC_DIR_OUT);
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -ENOSPC, "no free SA slot (16384)");
	r = sp("one-more", NFV_IPSEC_DIR_OUT, NFV_IPSEC_BYPASS, "");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r), -ENOSPC,
		"no free policy slot (32768)");
	n = name("po0-0");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &r, sizeof(r));
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SPS, sizeof(struct nfv_msg_ipsec_sp)), SPS);

	/* o0's slot: po0-1 still names it */
	n = name("o0");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s), -ENOSPC, "no free SA slot (16384)");
	n = name("po0-1");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	/* the last SA of the policy, found by name */
	n = name("i8191");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_DEL, &n, sizeof(n));
	CU_ASSERT_EQUAL(count_of(NFV_MSG_IPSEC_SAS, sizeof(struct nfv_msg_ipsec_sa)), SAS - 1);
	ctl_fake_fini(&f);
}

/* Whether SA name is listed with UDP encapsulation; -1: not listed. */
static int sa_natt_of(const char *name)
{
	const struct nfv_msg_ipsec_sa *l;
	struct ctl_resp r;
	int natt = -1;
	uint32_t n;

	CU_ASSERT_EQUAL_FATAL(ctl_call(&f, c, NFV_MSG_IPSEC_SAS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &n);
	for (uint32_t i = 0; l != NULL && i < n; i++)
		if (strcmp(l[i].name, name) == 0)
			natt = l[i].natt;
	ctl_resp_free(&r);
	return natt;
}

/* NFV_MSG_IPSEC_SA_UPDATE: the new addresses and ports, listed; refusals. */
static void test_sa_update(void)
{
	const struct nfv_msg_ipsec_sa *l;
	struct nfv_msg_ipsec_sa_update u;
	struct nfv_policy_sa s;
	struct ctl_resp r;
	uint64_t gen;
	uint32_t n;

	setup(NULL);
	s = sa("out-natt", 0x3001, NFV_IPSEC_DIR_OUT);
	s.natt = true;
	s.natt_sport = s.natt_dport = 4500;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	s = sa("in-natt", 0x3002, NFV_IPSEC_DIR_IN);
	s.natt = true;
	s.natt_sport = s.natt_dport = 4500;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	s = sa("plain", 0x3003, NFV_IPSEC_DIR_OUT);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));

	gen = f.dp.generation;
	memset(&u, 0, sizeof(u));
	strcpy(u.name, "out-natt");
	u.src = ctl_addr("10.0.0.1");
	u.dst = ctl_addr("10.0.0.9");
	u.natt = 1;
	u.natt_sport = 4500;
	u.natt_dport = 31000;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 1);
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SAS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &n);
	CU_ASSERT_FATAL(l != NULL && n == 3);
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(l[i].name, "out-natt") != 0)
			continue;
		CU_ASSERT_EQUAL(memcmp(&l[i].dst, &u.dst, sizeof(u.dst)), 0);
		CU_ASSERT_EQUAL(l[i].natt_dport, 31000);
		CU_ASSERT_EQUAL(l[i].spi, 0x3001);
	}
	ctl_resp_free(&r);

	/* the inbound SA: its peer moves, and its own address (the SAD key, MOBIKE) */
	strcpy(u.name, "in-natt");
	u.src = ctl_addr("10.0.0.9");
	u.dst = ctl_addr("10.0.0.1");
	u.natt_sport = 31000;
	u.natt_dport = 4500;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u));
	u.dst = ctl_addr("10.0.0.3");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u));
	/* another inbound SA with that SPI at the new destination: refused */
	s = sa("in-twin", 0x3002, NFV_IPSEC_DIR_IN);
	s.dst = ctl_addr("10.0.0.4");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	u.dst = ctl_addr("10.0.0.4");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u), -EADDRINUSE,
		"another inbound SA has SPI 0x3002 to 10.0.0.4");
	/* UDP encapsulation turned on, then off again, listed */
	strcpy(u.name, "plain");
	u.src = ctl_addr("10.0.0.1");
	u.dst = ctl_addr("10.0.0.2");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u));
	CU_ASSERT_EQUAL(sa_natt_of("plain"), 1);
	u.natt = 0;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u));
	CU_ASSERT_EQUAL(sa_natt_of("plain"), 0);
	u.natt = 1;
	/* the family stays; a name */
	strcpy(u.name, "out-natt");
	u.src = ctl_addr("2001:db8::1");
	u.dst = ctl_addr("2001:db8::2");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u), -EAFNOSUPPORT,
		"the address family cannot change");
	u.dst = ctl_addr("10.0.0.2");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u), -EINVAL, "malformed SA update");
	strcpy(u.name, "nope");
	u.src = ctl_addr("10.0.0.1");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u), -ENOENT, "no SA \"nope\"");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SA_UPDATE, &u, sizeof(u) - 1, -EINVAL, "");
	ctl_fake_fini(&f);
}

/* Trap policies: PROTECT without an SA, listed so; their slot is no SA's. */
static void test_trap(void)
{
	const struct nfv_msg_ipsec_sp *l;
	struct nfv_msg_ipsec_sp_add p;
	struct nfv_policy_sa s;
	struct nfv_msg_name n;
	struct ctl_resp r;
	uint32_t cnt;

	setup(NULL);
	p = sp("trap-out", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "");
	p.trap = 1;
	p.reqid = 7;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &p, sizeof(p));
	p = sp("trap-in", NFV_IPSEC_DIR_IN, NFV_IPSEC_PROTECT, "");
	p.trap = 1;
	p.reqid = 7;
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_ADD, &p, sizeof(p));
	/* a trap names no SA; a PROTECT policy without the trap flag must */
	p = sp("trap-bad", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "x");
	p.trap = 1;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &p, sizeof(p), -EINVAL, "a trap protects");
	p = sp("trap-bad", NFV_IPSEC_DIR_OUT, NFV_IPSEC_BYPASS, "");
	p.trap = 1;
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &p, sizeof(p), -EINVAL, "a trap protects");
	p = sp("no-sa", NFV_IPSEC_DIR_OUT, NFV_IPSEC_PROTECT, "");
	CTL_ERR(&f, c, NFV_MSG_IPSEC_SP_ADD, &p, sizeof(p), -ENOENT, "no outbound SA");
	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_IPSEC_SPS, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &cnt);
	CU_ASSERT_FATAL(l != NULL && cnt == 2);
	CU_ASSERT_STRING_EQUAL(l[0].sa, "");
	CU_ASSERT_EQUAL(l[0].sp.action, NFV_IPSEC_PROTECT);
	ctl_resp_free(&r);
	/* the SA negotiated for the trap goes to a slot of its own */
	s = sa("negotiated", 0x4001, NFV_IPSEC_DIR_OUT);
	CTL_OK(&f, c, NFV_MSG_IPSEC_SA_ADD, &s, sizeof(s));
	CU_ASSERT_FATAL(f.dp.ipsec->sps[0].trap && f.dp.ipsec->sps[0].sa_slot >= 0);
	CU_ASSERT(!f.dp.ipsec->sas[f.dp.ipsec->sps[0].sa_slot].used);
	CU_ASSERT_EQUAL(f.dp.ipsec->sps[0].reqid, 7);
	n = name("trap-out");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	n = name("trap-in");
	CTL_OK(&f, c, NFV_MSG_IPSEC_SP_DEL, &n, sizeof(n));
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_ipsec", NULL, NULL,
		{ "SA_ADD, SAS (no key bytes), SA_DEL; names and SPIs in use", test_sa },
		{ "malformed and short SA and delete requests", test_malformed_sa },
		{ "SP_ADD, SPS, SP_DEL; no such SA, malformed policies", test_sp },
		{ "the policy's SAs and policies at start-up", test_from_policy },
		{ "a policy whose SA was deleted protects with no other SA",
		  test_policy_of_deleted_sa },
		{ "3,000 SAs and policies by request: lists, names, slots",
		  test_many_by_request },
		{ "16,384 SAs and 32,768 policies at start-up: the limits",
		  test_limits_from_policy },
		{ "SA_UPDATE: addresses and NAT-T ports; refusals", test_sa_update },
		{ "trap policies: PROTECT without an SA", test_trap });
	return nfv_test_run();
}
