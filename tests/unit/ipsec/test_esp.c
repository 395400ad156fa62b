/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_udp.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

int test_esp_setup(struct test_esp *t)
{
	struct nfv_ipsec_conf conf = { .nb_workers = 1, .max_sa = 64 };
	size_t sz = rte_rcu_qsbr_get_memsize(1);

	memset(t, 0, sizeof(*t));
	t->qsbr = rte_zmalloc("test_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (t->qsbr == NULL || rte_rcu_qsbr_init(t->qsbr, 1) != 0)
		return -1;
	conf.qsbr = t->qsbr;
	if (nfv_ipsec_init(&t->ips, &conf) < 0)
		return -1;
	t->table = calloc(1, sizeof(*t->table));
	if (t->table == NULL)
		return -1;
	t->table->nb_workers = 1;
	t->state.worker = 0;
	t->state.table = t->table;
	t->state.now = rte_get_tsc_cycles();
	return 0;
}

void test_esp_teardown(struct test_esp *t)
{
	struct rte_mbuf *m;

	for (unsigned int p = 0; p < NFV_INJECT_MAX; p++)
		while ((m = test_take(t, p)) != NULL)
			rte_pktmbuf_free(m);
	nfv_ipsec_fini(t->ips);
	free(t->table);
	rte_free(t->qsbr);
}

size_t test_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n < max)
			out[n++] = hi << 4 | v;
		hi = -1;
	}
	return n;
}

static void test_addr(struct nfv_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->bytes) == 1)
		a->family = AF_INET6;
}

void test_sa_conf(struct nfv_ipsec_sa_conf *c, uint32_t id, uint32_t spi,
		  enum nfv_ipsec_dir dir, enum nfv_ipsec_mode mode,
		  enum nfv_ipsec_cipher cipher, enum nfv_ipsec_auth auth,
		  const char *src, const char *dst)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->spi = spi;
	c->reqid = id;
	c->dir = dir;
	c->mode = mode;
	c->cipher = cipher;
	c->auth = auth;
	/* the row's KEYMAT: key || salt */
	c->key_len = nfv_ipsec_ciphers[cipher].key_len + nfv_ipsec_ciphers[cipher].salt_len;
	c->auth_key_len = nfv_ipsec_auths[auth].key_len;
	for (unsigned int i = 0; i < NFV_IPSEC_KEY_MAX; i++) {
		c->key[i] = 0x11 + i;
		c->auth_key[i] = 0x77 ^ i;
	}
	test_addr(&c->src, src);
	test_addr(&c->dst, dst);
}

int test_sp_any(struct test_esp *t, uint32_t id, enum nfv_ipsec_dir dir,
		uint8_t family, enum nfv_ipsec_action action, uint32_t sa_or_reqid)
{
	struct nfv_ipsec_sp_conf c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.dir = dir;
	c.family = family;
	c.src.addr.family = c.dst.addr.family = family;
	c.action = action;
	c.sa_id = sa_or_reqid;
	c.reqid = sa_or_reqid;
	return nfv_ipsec_sp_add(t->ips, &c);
}

int test_pair_add(struct test_esp *t, const struct nfv_ipsec_sa_conf *out,
		  const struct nfv_ipsec_sa_conf *in, uint8_t family)
{
	struct nfv_ipsec_sa_conf c = *out;
	int bad = 0;

	c.id = 1;
	bad += nfv_ipsec_sa_add(t->ips, &c) != 0;
	c = in != NULL ? *in : *out;
	c.id = c.reqid = 2;
	c.dir = NFV_IPSEC_DIR_IN;
	bad += nfv_ipsec_sa_add(t->ips, &c) != 0;
	bad += test_sp_any(t, 1, NFV_IPSEC_DIR_OUT, family, NFV_IPSEC_PROTECT, 1) != 0;
	bad += test_sp_any(t, 2, NFV_IPSEC_DIR_IN, family, NFV_IPSEC_PROTECT, 2) != 0;
	return bad;
}

static uint32_t test_run(struct test_esp *t, struct rte_mbuf *m, bool out)
{
	uint32_t v = UINT32_MAX;

	t->state.now = rte_get_tsc_cycles();
	t->state.hook = out ? NFV_INET_POST_ROUTING : NFV_INET_LOCAL_IN;
	if (out)
		esp_output_ops.fn(t->ips, &m, 1, &v, &t->state);
	else
		esp_input_ops.fn(t->ips, &m, 1, &v, &t->state);
	return v;
}

uint32_t test_run_output(struct test_esp *t, struct rte_mbuf *m)
{
	return test_run(t, m, true);
}

uint32_t test_run_input(struct test_esp *t, struct rte_mbuf *m)
{
	return test_run(t, m, false);
}

struct rte_mbuf *test_take(struct test_esp *t, enum nfv_inject_point p)
{
	struct nfv_inject_queue *q = &t->table->inject[0][p];
	struct rte_mbuf *m;

	if (q->n == 0)
		return NULL;
	m = q->pkts[0];
	memmove(q->pkts, q->pkts + 1, (q->n - 1) * sizeof(q->pkts[0]));
	q->n--;
	return m;
}

uint64_t test_drops(struct test_esp *t, unsigned int reason)
{
	return t->table->drops[0].count[reason];
}

struct rte_mbuf *test_pkt(const uint8_t *data, uint16_t len, uint8_t family)
{
	struct rte_mbuf *m = nfv_test_mbuf(test_pool, data, len);

	if (m != NULL)
		nfv_mbuf_meta(m)->family = family;
	return m;
}

struct rte_mbuf *test_pkt_copy4(const struct rte_mbuf *m)
{
	return test_pkt(rte_pktmbuf_mtod(m, const uint8_t *), m->pkt_len, AF_INET);
}

void test_gcm_pair(struct test_esp *t, uint32_t spi, const char *src, const char *dst,
		   bool natt)
{
	struct nfv_ipsec_sa_conf c;

	CU_ASSERT_FATAL(test_esp_setup(t) == 0);
	test_sa_conf(&c, 1, spi, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, src, dst);
	c.natt = natt;
	CU_ASSERT_FATAL(test_pair_add(t, &c, NULL, AF_INET) == 0);
}

/* Accepted: the inner packet reaches PRE_ROUTING. */
void test_in_accept(struct test_esp *t, struct rte_mbuf *m)
{
	CU_ASSERT_EQUAL_FATAL(test_run_input(t, m), NFV_STOLEN);
	m = test_take(t, NFV_INJECT_PRE_ROUTING);
	CU_ASSERT_FATAL(m != NULL);
	rte_pktmbuf_free(m);
}

void test_in_refuse(struct test_esp *t, struct rte_mbuf *m, unsigned int reason)
{
	uint64_t before = test_drops(t, reason);
	uint32_t v = test_run_input(t, m);

	if (v == NFV_STOLEN) {
		CU_ASSERT_EQUAL(test_drops(t, reason), before + 1);
	} else {
		CU_ASSERT_EQUAL(v, NFV_DROP_REASON(reason));
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(t->table->inject[0][NFV_INJECT_PRE_ROUTING].n, 0);
}

struct rte_mbuf *test_esp_sealed(struct test_esp *t)
{
	uint8_t buf[128];
	uint16_t len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 1000, 2000, 0);
	struct rte_mbuf *m = test_pkt(buf, len, AF_INET);

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_FATAL(test_run_output(t, m) == NFV_STOLEN);
	m = test_take(t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT_FATAL(m != NULL);
	return m;
}

uint16_t test_build_udp(uint8_t *buf, uint8_t family, const char *src,
			const char *dst, uint16_t sport, uint16_t dport,
			uint16_t payload_len)
{
	uint16_t l3 = family == AF_INET ? 20 : 40, len = l3 + 8 + payload_len;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(buf + l3);

	memset(buf, 0, len);
	if (family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

		ip->version_ihl = 0x45;
		ip->total_length = htons(len);
		ip->time_to_live = 64;
		ip->next_proto_id = 17;
		inet_pton(AF_INET, src, &ip->src_addr);
		inet_pton(AF_INET, dst, &ip->dst_addr);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)buf;

		ip->vtc_flow = htonl(6u << 28);
		ip->payload_len = htons(len - 40);
		ip->proto = 17;
		ip->hop_limits = 64;
		inet_pton(AF_INET6, src, ip->src_addr);
		inet_pton(AF_INET6, dst, ip->dst_addr);
	}
	udp->src_port = htons(sport);
	udp->dst_port = htons(dport);
	udp->dgram_len = htons(8 + payload_len);
	for (uint16_t i = 0; i < payload_len; i++)
		buf[l3 + 8 + i] = (uint8_t)(i * 7 + 3);
	return len;
}
