/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD's rte_acl classifier (esp_spd_acl.c) against the walk of every
 * policy (esp_spd.c), which is the definition: random policies of both
 * families (prefixes of every length, protocols, port and ICMP ranges,
 * equal priorities), random selectors near them, with and without ports
 * (later fragments); every answer must be the same policy.
 */
#include <string.h>

#include "nfv_test.h"
#include "test_esp.h"

#define NPOL 300
#define NSEL 4000

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Addresses from a few /16s (IPv4) or /32s (IPv6), so that policies overlap. */
static void rnd_addr(uint8_t family, uint8_t *a)
{
	memset(a, 0, 16);
	if (family == AF_INET) {
		a[0] = 10;
		a[1] = rnd() % 4;
		a[2] = rnd() % 8;
		a[3] = rnd();
		return;
	}
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8 + rnd() % 2;
	for (unsigned int i = 4; i < 16; i++)
		a[i] = rnd() % 4;
}

static const uint8_t protos[] = { 0, 6, 17, 1, 58, 50 };

static void rnd_range(uint16_t *lo, uint16_t *hi, uint16_t span)
{
	*lo = rnd() % span;
	*hi = *lo + rnd() % (span / 4 + 1);
}

static void rnd_policy(struct nfv_ipsec_sp_conf *c, uint32_t id, uint8_t family)
{
	unsigned int bits = family == AF_INET ? 32 : 128;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->dir = NFV_IPSEC_DIR_IN;
	c->family = family;
	c->priority = rnd() % 8;	/* many ties: insertion order decides */
	c->src.addr.family = c->dst.addr.family = family;
	rnd_addr(family, c->src.addr.bytes);
	rnd_addr(family, c->dst.addr.bytes);
	/* lengths from 0 to the full address, most around the /16 and /24 */
	c->src.len = rnd() % 4 == 0 ? rnd() % (bits + 1) : (family == AF_INET ? 16 + rnd() % 13 : 32 + rnd() % 97);
	c->dst.len = rnd() % 4 == 0 ? rnd() % (bits + 1) : (family == AF_INET ? 16 + rnd() % 13 : 32 + rnd() % 97);
	c->proto = protos[rnd() % sizeof(protos)];
	if ((c->proto == 6 || c->proto == 17) && rnd() % 2) {
		rnd_range(&c->sport_min, &c->sport_max, 2000);
		rnd_range(&c->dport_min, &c->dport_max, 2000);
		if (rnd() % 3 == 0)
			c->sport_min = c->sport_max = 0;	/* dport only */
	} else if ((c->proto == 1 || c->proto == 58) && rnd() % 2) {
		rnd_range(&c->sport_min, &c->sport_max, 16);	/* ICMP type */
		c->dport_max = rnd() % 4;			/* code */
	}
	c->action = rnd() % 3;
	c->reqid = id;
}

struct sel_buf {
	uint8_t src[16], dst[16];
};

static void rnd_sel(struct esp_sel *s, struct sel_buf *b, uint8_t family)
{
	rnd_addr(family, b->src);
	rnd_addr(family, b->dst);
	s->family = family;
	s->src = b->src;
	s->dst = b->dst;
	s->proto = protos[rnd() % sizeof(protos)];
	s->ports = rnd() % 8 != 0;	/* some later fragments */
	s->sport = s->ports ? rnd() % 2100 : 0;
	s->dport = s->ports ? rnd() % 2100 : 0;
	if (s->ports && (s->proto == 1 || s->proto == 58)) {
		s->sport = rnd() % 20;
		s->dport = rnd() % 5;
	}
}

static void test_acl_equals_walk(void)
{
	static struct sel_buf bufs[NSEL];
	static struct esp_sel sels[NSEL];
	static const struct esp_sp *walk[NSEL];
	struct test_esp t;
	uint32_t same = 0, matched = 0;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	for (uint32_t i = 0; i < NPOL; i++) {
		struct nfv_ipsec_sp_conf c;

		rnd_policy(&c, i + 1, i % 2 ? AF_INET6 : AF_INET);
		CU_ASSERT_FATAL(nfv_ipsec_sp_add(t.ips, &c) == 0);
	}
	for (uint32_t i = 0; i < NSEL; i++)
		rnd_sel(&sels[i], &bufs[i], i % 2 ? AF_INET6 : AF_INET);
	for (unsigned int v6 = 0; v6 < 2; v6++)
		CU_ASSERT(!esp_spd_acl_ready(t.ips->spd[NFV_IPSEC_DIR_IN][v6]));
	for (uint32_t i = 0; i < NSEL; i++)
		walk[i] = esp_spd_lookup(t.ips->spd[NFV_IPSEC_DIR_IN][sels[i].family == AF_INET6],
					 &sels[i]);

	nfv_ipsec_spd_sync(t.ips);
	for (unsigned int v6 = 0; v6 < 2; v6++)
		CU_ASSERT_FATAL(esp_spd_acl_ready(t.ips->spd[NFV_IPSEC_DIR_IN][v6]));
	/* bursts of one family, as esp_spd_classify() makes them */
	for (unsigned int v6 = 0; v6 < 2; v6++) {
		uint16_t idx[NFV_BURST], k = 0;
		const struct esp_sp *out[NFV_BURST];

		for (uint32_t i = v6; i < NSEL; i += 2) {
			idx[k++] = (uint16_t)i;
			if (k < NFV_BURST && i + 2 < NSEL)
				continue;
			esp_spd_lookup_bulk(t.ips->spd[NFV_IPSEC_DIR_IN][v6], sels, idx, k, out);
			for (uint16_t j = 0; j < k; j++) {
				same += out[j] == walk[idx[j]];
				matched += out[j] != NULL;
			}
			k = 0;
		}
	}
	CU_ASSERT_EQUAL(same, NSEL);
	/* the test means something only if many selectors match something */
	CU_ASSERT(matched > NSEL / 4);
	/* one at a time too (the inbound check after decryption) */
	for (uint32_t i = 0; i < NSEL; i += 7)
		CU_ASSERT(esp_spd_lookup(t.ips->spd[NFV_IPSEC_DIR_IN][sels[i].family == AF_INET6],
					 &sels[i]) == walk[i]);

	/* a change publishes a new SPD: walked until the next sync, same answers */
	CU_ASSERT(nfv_ipsec_sp_del(t.ips, NFV_IPSEC_DIR_IN, 1) == 0);
	CU_ASSERT(!esp_spd_acl_ready(t.ips->spd[NFV_IPSEC_DIR_IN][0]));
	nfv_ipsec_spd_sync(t.ips);
	CU_ASSERT(esp_spd_acl_ready(t.ips->spd[NFV_IPSEC_DIR_IN][0]));
	test_esp_teardown(&t);
}

/*
 * A later fragment (no ports, so sport = dport = 0 in the key) must pass
 * over a policy with ports whose ranges hold 0 and find the "any port"
 * policy after it, as the walk does; a packet with port 0 must not.
 */
static void test_acl_fragment_skips_port_policy(void)
{
	struct sel_buf b = { { 10, 0, 0, 1 }, { 10, 9, 0, 1 } };
	struct esp_sel frag = { .family = AF_INET, .src = b.src, .dst = b.dst,
				.proto = 17, .ports = false };
	struct esp_sel port0 = frag, port53 = frag, port200 = frag;
	const struct esp_sel *sels[] = { &frag, &port0, &port53, &port200 };
	const uint32_t want[] = { 2, 1, 1, 2 };
	const struct esp_spd *spd;
	struct test_esp t;

	port0.ports = port53.ports = port200.ports = true;
	port53.dport = 53;
	port200.dport = 200;
	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	for (uint32_t id = 1; id <= 20; id++) {
		struct nfv_ipsec_sp_conf c;

		memset(&c, 0, sizeof(c));
		c.id = id;
		c.dir = NFV_IPSEC_DIR_IN;
		c.family = AF_INET;
		c.priority = id;
		c.src.addr.family = c.dst.addr.family = AF_INET;
		memcpy(c.src.addr.bytes, b.src, 4);
		memcpy(c.dst.addr.bytes, b.dst, 4);
		c.src.len = c.dst.len = 32;
		c.proto = 17;
		c.action = NFV_IPSEC_PROTECT;
		c.reqid = id;
		if (id == 1) {
			c.dport_max = 100;	/* 0-100, any source port */
			c.action = NFV_IPSEC_DISCARD;
		} else if (id > 2) {
			c.dst.addr.bytes[2] = (uint8_t)id;	/* fillers: ACL from 16 */
		}
		CU_ASSERT_FATAL(nfv_ipsec_sp_add(t.ips, &c) == 0);
	}
	for (unsigned int pass = 0; pass < 2; pass++) {
		spd = t.ips->spd[NFV_IPSEC_DIR_IN][0];
		/* first the walk (the definition), then the trie */
		CU_ASSERT(esp_spd_acl_ready(spd) == (pass == 1));
		for (unsigned int i = 0; i < RTE_DIM(sels); i++) {
			uint16_t idx = 0;
			const struct esp_sp *sp;

			esp_spd_lookup_bulk(spd, sels[i], &idx, 1, &sp);
			CU_ASSERT_FATAL(sp != NULL);
			CU_ASSERT_EQUAL(sp->id, want[i]);
		}
		nfv_ipsec_spd_sync(t.ips);
	}
	test_esp_teardown(&t);
}

int test_spd_acl_register(void)
{
	NFV_TEST_SUITE("esp_spd_acl", NULL, NULL,
		{ "rte_acl answers as the walk of every policy", test_acl_equals_walk },
		{ "a later fragment skips a policy with ports that holds 0",
		  test_acl_fragment_skips_port_policy });
	return 0;
}
