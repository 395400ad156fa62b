/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Policies added in batches (nfv_ipsec_sp_add_bulk) and tables of a
 * remote-access concentrator's size: a batch gives the SPDs the same
 * order as single adds in the same order would, all of it or nothing,
 * one grace period for the SPDs and the cleartext check entries
 * registered once; the SAD and the SA slots hold 16,384 inbound SAs (the
 * dataplane's max_sa).
 */
#include <stdlib.h>
#include <string.h>

#include <rte_rcu_qsbr.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

#define NPOL 600

static uint32_t rnd_state = 88172645u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* A host-to-host policy of a random direction, family and priority (many ties). */
static void rnd_policy(struct nfv_ipsec_sp_conf *c, uint32_t id)
{
	uint8_t family = rnd() % 2 ? AF_INET6 : AF_INET;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->dir = rnd() % 2 ? NFV_IPSEC_DIR_IN : NFV_IPSEC_DIR_OUT;
	c->family = family;
	c->priority = (int32_t)(rnd() % 5) - 2;
	c->src.addr.family = c->dst.addr.family = family;
	c->src.addr.bytes[0] = 10;
	c->src.addr.bytes[3] = (uint8_t)id;
	c->dst.addr.bytes[0] = 172;
	c->dst.addr.bytes[2] = (uint8_t)(id >> 8);
	c->src.len = family == AF_INET ? 32 : 128;
	c->dst.len = rnd() % 25;
	c->action = rnd() % 3;
	c->sa_id = id % 64;
	c->reqid = id;
}

/* The ids of one SPD in its order, as text. */
static void spd_ids(const struct esp_spd *spd, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (uint32_t i = 0; i < esp_spd_size(spd) && o < len; i++)
		o += snprintf(out + o, len - o, "%u,", esp_spd_at(spd, i)->id);
}

static void check_same_spds(const struct nfv_ipsec *a, const struct nfv_ipsec *b)
{
	static char x[NPOL * 8], y[NPOL * 8];

	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++) {
			const struct esp_spd *sa = a->spd[d][v6], *sb = b->spd[d][v6];

			CU_ASSERT_EQUAL(esp_spd_size(sa), esp_spd_size(sb));
			spd_ids(sa, x, sizeof(x));
			spd_ids(sb, y, sizeof(y));
			CU_ASSERT_STRING_EQUAL(x, y);
			for (uint32_t i = 0; i < esp_spd_size(sa) && i < esp_spd_size(sb); i++)
				CU_ASSERT(memcmp(esp_spd_at(sa, i), esp_spd_at(sb, i),
						 offsetof(struct esp_sp, cnt)) == 0);
		}
}

/*
 * The definition, independent of the module: per SPD, the policies by
 * priority, ties in the order they were added (an insertion sort).
 */
static void expected_ids(const struct nfv_ipsec_sp_conf *c, uint32_t n, unsigned int d,
			 unsigned int v6, char *out, size_t len)
{
	static uint32_t ix[NPOL];
	uint32_t k = 0;
	size_t o = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = k++;

		if (c[i].dir != d || (c[i].family == AF_INET6) != v6) {
			k--;
			continue;
		}
		while (j > 0 && c[ix[j - 1]].priority > c[i].priority) {
			ix[j] = ix[j - 1];
			j--;
		}
		ix[j] = i;
	}
	out[0] = '\0';
	for (uint32_t i = 0; i < k && o < len; i++)
		o += snprintf(out + o, len - o, "%u,", c[ix[i]].id);
}

/*
 * The same 600 policies, one by one into a and in batches into b (a
 * first part single, the rest in two batches that merge into it): the
 * same order in every SPD, each policy compiled the same.
 */
static void test_bulk_order(void)
{
	static struct nfv_ipsec_sp_conf c[NPOL];
	struct test_esp a, b;

	CU_ASSERT_FATAL(test_esp_setup(&a) == 0);
	CU_ASSERT_FATAL(test_esp_setup(&b) == 0);
	for (uint32_t i = 0; i < NPOL; i++)
		rnd_policy(&c[i], i + 1);
	for (uint32_t i = 0; i < NPOL; i++)
		CU_ASSERT_FATAL(nfv_ipsec_sp_add(a.ips, &c[i]) == 0);
	for (uint32_t i = 0; i < 50; i++)
		CU_ASSERT_FATAL(nfv_ipsec_sp_add(b.ips, &c[i]) == 0);
	CU_ASSERT_FATAL(nfv_ipsec_sp_add_bulk(b.ips, &c[50], 250) == 0);
	CU_ASSERT_FATAL(nfv_ipsec_sp_add_bulk(b.ips, &c[300], NPOL - 300) == 0);
	check_same_spds(a.ips, b.ips);
	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++) {
			static char x[NPOL * 8], y[NPOL * 8];

			expected_ids(c, NPOL, d, v6, x, sizeof(x));
			spd_ids(b.ips->spd[d][v6], y, sizeof(y));
			CU_ASSERT_STRING_EQUAL(x, y);
		}
	/* the classifiers built from both give the same answers as well */
	nfv_ipsec_spd_sync(a.ips);
	nfv_ipsec_spd_sync(b.ips);
	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++)
			CU_ASSERT(esp_spd_acl_ready(b.ips->spd[d][v6]));
	/* an empty batch changes nothing */
	CU_ASSERT(nfv_ipsec_sp_add_bulk(b.ips, c, 0) == 0);
	check_same_spds(a.ips, b.ips);
	/* deleting from a batch's SPD: its counters were its own */
	for (uint32_t i = 0; i < NPOL; i += 3) {
		CU_ASSERT(nfv_ipsec_sp_del(a.ips, c[i].dir, c[i].id) == 0);
		CU_ASSERT(nfv_ipsec_sp_del(b.ips, c[i].dir, c[i].id) == 0);
	}
	check_same_spds(a.ips, b.ips);
	test_esp_teardown(&a);
	test_esp_teardown(&b);
}

/* Everything about the SPDs that a failed batch must leave as it was. */
struct spd_state {
	const struct esp_spd *spd[2][2];
	uint32_t n[2][2];
};

static void spd_state(const struct nfv_ipsec *ips, struct spd_state *s)
{
	for (unsigned int d = 0; d < 2; d++)
		for (unsigned int v6 = 0; v6 < 2; v6++) {
			s->spd[d][v6] = ips->spd[d][v6];
			s->n[d][v6] = esp_spd_size(ips->spd[d][v6]);
		}
}

static bool spd_unchanged(const struct nfv_ipsec *ips, const struct spd_state *s)
{
	struct spd_state now;

	spd_state(ips, &now);
	return memcmp(&now, s, sizeof(now)) == 0;
}

/* Duplicate ids and bad policies: -EEXIST / -EINVAL, and none is added. */
static void test_bulk_all_or_nothing(void)
{
	struct nfv_ipsec_sp_conf c[40];
	struct spd_state before;
	struct test_esp t;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	for (uint32_t i = 0; i < 40; i++)
		rnd_policy(&c[i], i + 1);
	c[7].dir = c[8].dir = NFV_IPSEC_DIR_OUT;
	CU_ASSERT_FATAL(nfv_ipsec_sp_add_bulk(t.ips, c, 10) == 0);
	spd_state(t.ips, &before);

	/* an id of the batch twice in one direction */
	c[30].dir = c[31].dir = NFV_IPSEC_DIR_IN;
	c[31].id = c[30].id;
	CU_ASSERT(nfv_ipsec_sp_add_bulk(t.ips, &c[10], 30) == -EEXIST);
	CU_ASSERT(spd_unchanged(t.ips, &before));
	/* the same id in the other direction is another policy */
	c[31].dir = NFV_IPSEC_DIR_OUT;
	c[31].action = NFV_IPSEC_BYPASS;
	/* an id in place already (c[7], outbound) */
	c[39].dir = NFV_IPSEC_DIR_OUT;
	c[39].id = c[7].id;
	CU_ASSERT(nfv_ipsec_sp_add_bulk(t.ips, &c[10], 30) == -EEXIST);
	CU_ASSERT(spd_unchanged(t.ips, &before));
	/* in place already but in the other direction: fine */
	c[39].dir = NFV_IPSEC_DIR_IN;
	/* a bad policy last: not even the first of the batch is added */
	c[39].family = 0;
	CU_ASSERT(nfv_ipsec_sp_add_bulk(t.ips, &c[10], 30) == -EINVAL);
	CU_ASSERT(spd_unchanged(t.ips, &before));
	c[39].family = c[39].src.addr.family;
	c[39].sport_min = 2;
	c[39].sport_max = 1;
	CU_ASSERT(nfv_ipsec_sp_add_bulk(t.ips, &c[10], 30) == -EINVAL);
	CU_ASSERT(spd_unchanged(t.ips, &before));
	c[39].sport_min = c[39].sport_max = 0;
	c[39].dir = NFV_IPSEC_DIR_OUT;
	c[39].id = 1000;
	c[39].action = NFV_IPSEC_PROTECT;
	c[39].sa_id = 64;	/* max_sa of test_esp_setup */
	CU_ASSERT(nfv_ipsec_sp_add_bulk(t.ips, &c[10], 30) == -EINVAL);
	CU_ASSERT(spd_unchanged(t.ips, &before));
	/* all well now: all 40 */
	c[39].sa_id = 63;
	CU_ASSERT(nfv_ipsec_sp_add_bulk(t.ips, &c[10], 30) == 0);
	CU_ASSERT_EQUAL(esp_spd_size(t.ips->spd[0][0]) + esp_spd_size(t.ips->spd[0][1]) +
			esp_spd_size(t.ips->spd[1][0]) + esp_spd_size(t.ips->spd[1][1]), 40);
	test_esp_teardown(&t);
}

static uint64_t grace_periods(const struct nfv_hook_table *t)
{
	return __atomic_load_n(&t->qsbr->token, __ATOMIC_RELAXED);
}

static unsigned int entries_named(const struct nfv_hook_table *t, enum nfv_hook h,
				  const char *name)
{
	const struct nfv_hook_entries *es = t->hooks[h];
	unsigned int n = 0;

	for (uint16_t i = 0; es != NULL && i < es->num; i++)
		n += strcmp(es->regs[i]->name, name) == 0;
	return n;
}

/*
 * In a real hook table: 1,000 policies of both directions in one batch
 * cost one grace period for the SPDs and one for the cleartext check
 * entries, registered once; a failed batch leaves no entry behind.
 */
static void test_bulk_grace_periods(void)
{
	static struct nfv_ipsec_sp_conf c[1000];
	struct nfv_ipsec_conf conf = { .nb_workers = 1 };
	struct nfv_hook_table *t = nfv_hook_table_create(1);
	struct nfv_ipsec *ips;
	uint64_t g;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_FATAL(nfv_ipsec_init(&ips, &conf) == 0);
	CU_ASSERT_FATAL(nfv_ipsec_register(t, ips) == 0);
	for (uint32_t i = 0; i < 1000; i++) {
		rnd_policy(&c[i], i + 1);
		c[i].sa_id = 0;
	}
	/* a failed batch with inbound policies: no entry, no grace period */
	c[999].id = c[998].id;
	c[999].dir = c[998].dir;
	g = grace_periods(t);
	CU_ASSERT(nfv_ipsec_sp_add_bulk(ips, c, 1000) == -EEXIST);
	CU_ASSERT_EQUAL(grace_periods(t), g);
	CU_ASSERT_PTR_NULL(nfv_hook_find(t, "esp-policy-fwd"));
	CU_ASSERT_PTR_NULL(nfv_hook_find(t, "esp-policy-in"));

	c[999].id = 1000;
	CU_ASSERT(nfv_ipsec_sp_add_bulk(ips, c, 1000) == 0);
	CU_ASSERT_EQUAL(grace_periods(t), g + 2);
	CU_ASSERT_EQUAL(entries_named(t, NFV_INET_FORWARD, "esp-policy-fwd"), 1);
	CU_ASSERT_EQUAL(entries_named(t, NFV_INET_LOCAL_IN, "esp-policy-in"), 1);
	CU_ASSERT_EQUAL(esp_spd_size(ips->spd[0][0]) + esp_spd_size(ips->spd[0][1]) +
			esp_spd_size(ips->spd[1][0]) + esp_spd_size(ips->spd[1][1]), 1000);
	/* more inbound policies: the entries are there, one grace period */
	for (uint32_t i = 0; i < 10; i++) {
		rnd_policy(&c[i], 2000 + i);
		c[i].dir = NFV_IPSEC_DIR_IN;
	}
	g = grace_periods(t);
	CU_ASSERT(nfv_ipsec_sp_add_bulk(ips, c, 10) == 0);
	CU_ASSERT_EQUAL(grace_periods(t), g + 1);
	CU_ASSERT_EQUAL(entries_named(t, NFV_INET_FORWARD, "esp-policy-fwd"), 1);
	nfv_ipsec_unregister(t, ips);
	nfv_ipsec_fini(ips);
	nfv_hook_table_destroy(t);
}

/*
 * The dataplane's size: max_sa 16,384, every slot an inbound SA (all in
 * the SAD, one destination, SPIs in a row), found by SPI; the slots
 * past the end are refused.
 */
static void test_sa_scale(void)
{
	struct nfv_ipsec_conf conf = { .nb_workers = 1, .max_sa = 16384 };
	struct nfv_ipsec_sa_conf c;
	struct nfv_ipsec *ips;
	uint8_t dst[16] = { 198, 51, 100, 10 };
	uint32_t found = 0, failed = 0;

	CU_ASSERT_FATAL(nfv_ipsec_init(&ips, &conf) == 0);
	test_sa_conf(&c, 0, 0, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "100.64.0.1", "198.51.100.10");
	c.replay_window = 64;
	for (uint32_t id = 0; id < 16384; id++) {
		c.id = id;
		c.spi = 0x10000 + id;
		failed += nfv_ipsec_sa_add(ips, &c) != 0;
	}
	CU_ASSERT_EQUAL(failed, 0);
	c.id = 16384;
	c.spi = 0x10000 + 16384;
	CU_ASSERT(nfv_ipsec_sa_add(ips, &c) == -EINVAL);
	for (uint32_t id = 0; id < 16384; id++) {
		const struct esp_sa *sa = esp_sad_lookup(ips->sad, 0x10000 + id, AF_INET, dst);

		found += sa != NULL && sa == ips->sas[id] && sa->id == id;
	}
	CU_ASSERT_EQUAL(found, 16384);
	/*
	 * Rekeys of a full table: each deleted SA's slot takes its new SA
	 * (with the SAD sized to max_sa, the first of these was -ENOSPC)
	 */
	failed = 0;
	for (uint32_t id = 0; id < 16384; id += 97) {
		failed += nfv_ipsec_sa_del(ips, id) != 0;
		failed += esp_sad_lookup(ips->sad, 0x10000 + id, AF_INET, dst) != NULL;
		c.id = id;
		c.spi = 0x90000 + id;
		failed += nfv_ipsec_sa_add(ips, &c) != 0;
		failed += esp_sad_lookup(ips->sad, 0x90000 + id, AF_INET, dst) != ips->sas[id];
	}
	CU_ASSERT_EQUAL(failed, 0);
	nfv_ipsec_fini(ips);
}

static void prefix4(struct nfv_prefix *p, uint8_t a, uint8_t b, uint8_t c, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = AF_INET;
	p->addr.bytes[0] = a;
	p->addr.bytes[1] = b;
	p->addr.bytes[2] = c;
	p->len = len;
}

/* peer i: SA 2i out (to 198.51.100.i+1), its inbound twin 2i+1; 10.1/16 <-> 10.2.i/24 */
#define MANY 30	/* test_esp_setup has 64 SA slots */

static void many_setup(struct test_esp *t)
{
	static struct nfv_ipsec_sp_conf sp[2 * MANY + 1];
	struct nfv_ipsec_sa_conf c;
	char dst[32];

	CU_ASSERT_FATAL(test_esp_setup(t) == 0);
	for (uint32_t i = 0; i <= MANY; i++) {
		/* the last one, 10.9/16 -> 10.2.6/24, has no inbound policy */
		snprintf(dst, sizeof(dst), "198.51.100.%u", i + 1);
		test_sa_conf(&c, 2 * i, 0x3000 + i, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
			     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", dst);
		c.key[0] = (uint8_t)i;
		CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &c) == 0);
		c.id = c.reqid = 2 * i + 1;
		c.dir = NFV_IPSEC_DIR_IN;
		CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &c) == 0);
		memset(&sp[2 * i], 0, sizeof(sp[0]));
		sp[2 * i].id = 2 * i + 1;
		sp[2 * i].dir = NFV_IPSEC_DIR_OUT;
		sp[2 * i].family = AF_INET;
		sp[2 * i].action = NFV_IPSEC_PROTECT;
		sp[2 * i].sa_id = 2 * i;
		prefix4(&sp[2 * i].src, 10, i == MANY ? 9 : 1, 0, 16);
		prefix4(&sp[2 * i].dst, 10, 2, i == MANY ? 6 : (uint8_t)i, 24);
		if (i == MANY)
			break;
		sp[2 * i + 1] = sp[2 * i];
		sp[2 * i + 1].id = 2 * i + 2;
		sp[2 * i + 1].dir = NFV_IPSEC_DIR_IN;
		sp[2 * i + 1].reqid = 2 * i + 1;
	}
	CU_ASSERT_FATAL(nfv_ipsec_sp_add_bulk(t->ips, sp, 2 * MANY + 1) == 0);
	nfv_ipsec_spd_sync(t->ips);
}

/*
 * One burst of 32 through esp-input, in its passes: runs of one SA and
 * packets of many, a packet that is not ESP, an unknown SPI, and an inner
 * packet that no inbound policy covers; each gets its verdict, the good
 * ones come out whole and in order.
 */
static void test_input_burst_many_sas(void)
{
	static const int peer_of[NFV_BURST] = {
		0, 0, 0, 0, 7, -1, 12, 12, -2, 29, 3, -3, 5, 6, 6, 0,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15,
	};
	static uint8_t clear[NFV_BURST][128];
	struct rte_mbuf *pk[NFV_BURST], *m;
	uint16_t len[NFV_BURST];
	uint32_t v[NFV_BURST];
	uint64_t no_sa, policy;
	unsigned int bad = 0;
	struct test_esp t;
	char src[32], dst[32];

	many_setup(&t);
	for (unsigned int i = 0; i < NFV_BURST; i++) {
		int p = peer_of[i];

		/* -1: UDP to us, not ESP; -2: peer 3's with an SPI nobody has;
		 * -3: sealed by the SA no inbound policy covers */
		snprintf(src, sizeof(src), "10.%u.0.%u", p == -3 ? 9 : 1, i + 1);
		snprintf(dst, sizeof(dst), "10.2.%u.%u", p == -3 ? 6 : p == -2 ? 3 : p < 0 ? 0 : p,
			 i + 1);
		len[i] = test_build_udp(clear[i], AF_INET, src, dst, 1000 + i, 9, i);
		pk[i] = test_pkt(clear[i], len[i], AF_INET);
		CU_ASSERT_FATAL(pk[i] != NULL);
		if (p == -1)
			continue;
		CU_ASSERT_FATAL(test_run_output(&t, pk[i]) == NFV_STOLEN);
		pk[i] = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(pk[i] != NULL);
		if (p == -2)
			rte_pktmbuf_mtod(pk[i], uint8_t *)[20 + 3] ^= 0x80;
	}
	no_sa = test_drops(&t, NFV_DR_ESP_NO_SA);
	policy = test_drops(&t, NFV_DR_ESP_POLICY);
	esp_input_ops.fn(t.ips, pk, NFV_BURST, v, &t.state);
	for (unsigned int i = 0; i < NFV_BURST; i++) {
		int p = peer_of[i];

		if (p == -1) {
			bad += v[i] != NFV_ACCEPT;
			rte_pktmbuf_free(pk[i]);
		} else if (p == -2) {
			bad += v[i] != NFV_DROP_REASON(NFV_DR_ESP_NO_SA);
			rte_pktmbuf_free(pk[i]);
		} else {
			bad += v[i] != NFV_STOLEN;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* the runner counts the drops it frees; the policy drop is the entry's */
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_NO_SA), no_sa);
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_POLICY), policy + 1);
	for (unsigned int i = 0; i < NFV_BURST; i++) {
		if (peer_of[i] < 0)
			continue;
		m = test_take(&t, NFV_INJECT_PRE_ROUTING);
		CU_ASSERT_FATAL(m != NULL);
		bad += m->pkt_len != len[i] ||
		       memcmp(rte_pktmbuf_mtod(m, uint8_t *), clear[i], len[i]) != 0;
		bad += nfv_mbuf_meta(m)->sa_index != 2u * peer_of[i] + 1;
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_PTR_NULL(test_take(&t, NFV_INJECT_PRE_ROUTING));
	/* runs of one SA were one lookup, but every packet is counted on its SA */
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, 1)->stats[0].packets, 5);
	CU_ASSERT_EQUAL(esp_sa_get(t.ips, 2 * MANY + 1)->stats[0].policy, 1);
	test_esp_teardown(&t);
}

int test_bulk_register(void)
{
	NFV_TEST_SUITE("esp_bulk", NULL, NULL,
		{ "a batch orders the SPDs as single adds in its order", test_bulk_order },
		{ "a batch with a duplicate or a bad policy adds none", test_bulk_all_or_nothing },
		{ "a batch: one grace period, cleartext check entries once",
		  test_bulk_grace_periods },
		{ "16,384 inbound SAs in the SAD and the SA slots", test_sa_scale },
		{ "esp-input: one burst of many SAs, runs, strays, a policy miss",
		  test_input_burst_many_sas });
	return 0;
}
