/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stub's selector matcher (kernel/selector.c), built for userspace
 * through kernel/selector_compat.h: validation, prefixes, ranges, v4/v6,
 * hooks, marks and first-match order.
 */
#include <arpa/inet.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "nfv_test.h"
#include "selector.h"

static struct nfvpn_sel sel_new(uint8_t family, uint32_t id)
{
	struct nfvpn_sel s;

	memset(&s, 0, sizeof(s));
	s.family = family;
	s.id = id;
	s.sport_max = 0xffff;
	s.dport_max = 0xffff;
	return s;
}

static void set_addr(uint8_t family, const char *txt, __be32 *addr)
{
	CU_ASSERT_FATAL(inet_pton(family, txt, addr) == 1);
}

static struct nfvpn_key key_new(uint8_t family, const char *src, const char *dst,
				uint8_t proto, int sport, int dport)
{
	struct nfvpn_key k;

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.proto = proto;
	k.hook = NFVPN_HOOK_LOCAL_OUT;
	set_addr(family, src, k.src);
	set_addr(family, dst, k.dst);
	if (sport >= 0) {
		k.sport = sport;
		k.dport = dport;
		k.has_ports = true;
	}
	return k;
}

static int prep(struct nfvpn_sel *s)
{
	const char *why = NULL;
	int rc = nfvpn_sel_prepare(s, &why);

	if (rc)
		CU_ASSERT_PTR_NOT_NULL(why);
	return rc;
}

static void test_prepare_rejects(void)
{
	struct nfvpn_sel s;

	s = sel_new(7, 1);
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET, 1);
	s.dst_plen = 33;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET6, 1);
	s.src_plen = 129;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET6, 1);
	s.dst_plen = 128;
	CU_ASSERT_EQUAL(prep(&s), 0);
	s = sel_new(AF_INET, 1);
	s.proto = IPPROTO_UDP;
	s.dport_min = 10;
	s.dport_max = 9;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET, 1);
	s.proto = IPPROTO_ICMP;
	s.dport_min = 5;
	s.dport_max = 5;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET, 1);
	s.sport_min = 5;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);	/* ports, any protocol */
	s = sel_new(AF_INET, 1);
	s.mark = 0x3;
	s.mark_mask = 0x1;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET, 1);
	s.iif = 3;
	s.hooks = NFVPN_HOOK_LOCAL_OUT;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET, 1);
	s.hooks = 0x4;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
	s = sel_new(AF_INET, 1);
	s.action = NFVPN_ACT_MAX + 1;
	CU_ASSERT_EQUAL(prep(&s), -EINVAL);
}

static void test_prepare_normalises(void)
{
	struct nfvpn_sel s = sel_new(AF_INET, 1);
	__be32 want;

	set_addr(AF_INET, "10.1.2.3", s.dst);
	s.dst_plen = 16;
	CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
	set_addr(AF_INET, "10.1.0.0", &want);
	CU_ASSERT_EQUAL(s.dst[0], want);
	CU_ASSERT_EQUAL(s.dst_mask[0], htonl(0xffff0000));
	CU_ASSERT_EQUAL(s.dst_mask[1], 0);
	CU_ASSERT_EQUAL(s.hooks, NFVPN_HOOK_ALL);
	CU_ASSERT_FALSE(s.need_ports);
}

static void test_v4_prefixes(void)
{
	static const struct { const char *net; int plen; const char *addr; bool hit; } c[] = {
		{ "0.0.0.0", 0, "203.0.113.9", true },
		{ "10.0.0.0", 8, "10.255.255.255", true },
		{ "10.0.0.0", 8, "11.0.0.0", false },
		{ "10.99.0.0", 24, "10.99.0.255", true },
		{ "10.99.0.0", 24, "10.99.1.0", false },
		{ "10.99.0.4", 31, "10.99.0.5", true },
		{ "10.99.0.4", 31, "10.99.0.6", false },
		{ "10.99.0.5", 32, "10.99.0.5", true },
		{ "10.99.0.5", 32, "10.99.0.4", false },
	};
	struct nfvpn_key k;
	struct nfvpn_sel s;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		s = sel_new(AF_INET, i);
		set_addr(AF_INET, c[i].net, s.dst);
		s.dst_plen = c[i].plen;
		CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
		k = key_new(AF_INET, "192.0.2.1", c[i].addr, IPPROTO_UDP, 1, 2);
		CU_ASSERT_EQUAL(nfvpn_sel_match(&s, &k), c[i].hit);
		/* the same prefix as a source selector */
		s = sel_new(AF_INET, i);
		set_addr(AF_INET, c[i].net, s.src);
		s.src_plen = c[i].plen;
		CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
		k = key_new(AF_INET, c[i].addr, "192.0.2.1", IPPROTO_UDP, 1, 2);
		CU_ASSERT_EQUAL(nfvpn_sel_match(&s, &k), c[i].hit);
	}
}

static void test_v6_prefixes(void)
{
	static const struct { const char *net; int plen; const char *addr; bool hit; } c[] = {
		{ "::", 0, "2001:db8::1", true },
		{ "8000::", 1, "fd99::1", true },
		{ "8000::", 1, "7fff::1", false },
		{ "2001:db8::", 33, "2001:db8:7fff::1", true },
		{ "2001:db8::", 33, "2001:db8:8000::1", false },
		{ "fd99::", 64, "fd99::ffff:ffff:ffff:ffff", true },
		{ "fd99::", 64, "fd99:0:0:1::", false },
		{ "fd99::", 65, "fd99::7fff:0:0:1", true },
		{ "fd99::", 65, "fd99::8000:0:0:1", false },
		{ "fd99::4", 127, "fd99::5", true },
		{ "fd99::4", 127, "fd99::6", false },
		{ "fd99::5", 128, "fd99::5", true },
		{ "fd99::5", 128, "fd99::4", false },
	};
	struct nfvpn_key k;
	struct nfvpn_sel s;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		s = sel_new(AF_INET6, i);
		set_addr(AF_INET6, c[i].net, s.dst);
		s.dst_plen = c[i].plen;
		CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
		k = key_new(AF_INET6, "2001:db8::2", c[i].addr, IPPROTO_TCP, 1, 2);
		CU_ASSERT_EQUAL(nfvpn_sel_match(&s, &k), c[i].hit);
	}
}

static void test_family(void)
{
	struct nfvpn_sel s4 = sel_new(AF_INET, 1), s6 = sel_new(AF_INET6, 2);
	struct nfvpn_key k4 = key_new(AF_INET, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, 1, 2);
	struct nfvpn_key k6 = key_new(AF_INET6, "::1", "::2", IPPROTO_UDP, 1, 2);

	CU_ASSERT_EQUAL_FATAL(prep(&s4), 0);
	CU_ASSERT_EQUAL_FATAL(prep(&s6), 0);
	CU_ASSERT_TRUE(nfvpn_sel_match(&s4, &k4));
	CU_ASSERT_FALSE(nfvpn_sel_match(&s4, &k6));
	CU_ASSERT_TRUE(nfvpn_sel_match(&s6, &k6));
	CU_ASSERT_FALSE(nfvpn_sel_match(&s6, &k4));
}

static void test_ports(void)
{
	struct nfvpn_sel s = sel_new(AF_INET, 1);
	struct nfvpn_key k;

	s.proto = IPPROTO_UDP;
	s.dport_min = 5000;
	s.dport_max = 5010;
	s.sport_min = 1024;
	CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
	CU_ASSERT_TRUE(s.need_ports);
	k = key_new(AF_INET, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, 1024, 5000);
	CU_ASSERT_TRUE(nfvpn_sel_match(&s, &k));
	k.dport = 5010;
	CU_ASSERT_TRUE(nfvpn_sel_match(&s, &k));
	k.dport = 5011;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));
	k.dport = 4999;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));
	k.dport = 5005;
	k.sport = 1023;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));
	k.sport = 65535;
	CU_ASSERT_TRUE(nfvpn_sel_match(&s, &k));
	/* a non-first fragment has no ports: never matches a port range */
	k.has_ports = false;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));
	k.has_ports = true;
	k.proto = IPPROTO_TCP;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));

	/* without a range, packets without ports match too */
	s = sel_new(AF_INET, 2);
	s.proto = IPPROTO_UDP;
	CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
	k = key_new(AF_INET, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, -1, -1);
	CU_ASSERT_TRUE(nfvpn_sel_match(&s, &k));
}

static void test_hooks_iif_mark(void)
{
	struct nfvpn_sel s = sel_new(AF_INET, 1);
	struct nfvpn_key k = key_new(AF_INET, "10.0.0.1", "10.0.0.2", IPPROTO_ICMP, -1, -1);

	s.hooks = NFVPN_HOOK_PRE_ROUTING;
	s.iif = 4;
	CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));	/* LOCAL_OUT */
	k.hook = NFVPN_HOOK_PRE_ROUTING;
	k.iif = 4;
	CU_ASSERT_TRUE(nfvpn_sel_match(&s, &k));
	k.iif = 5;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));

	s = sel_new(AF_INET, 2);
	s.mark = 0x10;
	s.mark_mask = 0xf0;
	CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
	k.mark = 0x1f;
	CU_ASSERT_TRUE(nfvpn_sel_match(&s, &k));
	k.mark = 0x2f;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));
	k.mark = 0;
	CU_ASSERT_FALSE(nfvpn_sel_match(&s, &k));
	/* no mask: any mark */
	s = sel_new(AF_INET, 3);
	CU_ASSERT_EQUAL_FATAL(prep(&s), 0);
	k.mark = 0xdead;
	CU_ASSERT_TRUE(nfvpn_sel_match(&s, &k));
}

static void test_order(void)
{
	struct nfvpn_sel t[3];
	struct nfvpn_key k;

	/* 0: pass one host; 1: steer its /24; 2: steer everything v4 UDP */
	t[0] = sel_new(AF_INET, 10);
	set_addr(AF_INET, "10.99.0.77", t[0].dst);
	t[0].dst_plen = 32;
	t[0].action = NFVPN_ACT_PASS;
	t[1] = sel_new(AF_INET, 11);
	set_addr(AF_INET, "10.99.0.0", t[1].dst);
	t[1].dst_plen = 24;
	t[2] = sel_new(AF_INET, 12);
	t[2].proto = IPPROTO_UDP;
	CU_ASSERT_EQUAL_FATAL(prep(&t[0]), 0);
	CU_ASSERT_EQUAL_FATAL(prep(&t[1]), 0);
	CU_ASSERT_EQUAL_FATAL(prep(&t[2]), 0);

	k = key_new(AF_INET, "10.0.0.1", "10.99.0.77", IPPROTO_UDP, 1, 2);
	CU_ASSERT_EQUAL(nfvpn_sel_lookup(t, 3, &k), 0);
	k = key_new(AF_INET, "10.0.0.1", "10.99.0.78", IPPROTO_UDP, 1, 2);
	CU_ASSERT_EQUAL(nfvpn_sel_lookup(t, 3, &k), 1);
	k = key_new(AF_INET, "10.0.0.1", "10.98.0.1", IPPROTO_UDP, 1, 2);
	CU_ASSERT_EQUAL(nfvpn_sel_lookup(t, 3, &k), 2);
	k = key_new(AF_INET, "10.0.0.1", "10.98.0.1", IPPROTO_TCP, 1, 2);
	CU_ASSERT_EQUAL(nfvpn_sel_lookup(t, 3, &k), -1);
	CU_ASSERT_EQUAL(nfvpn_sel_lookup(t, 0, &k), -1);
	/* the order, not the specificity, decides */
	k = key_new(AF_INET, "10.0.0.1", "10.99.0.77", IPPROTO_UDP, 1, 2);
	CU_ASSERT_EQUAL(nfvpn_sel_lookup(&t[1], 2, &k), 0);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("kernel_selector", NULL, NULL,
		{ "prepare_rejects", test_prepare_rejects },
		{ "prepare_normalises", test_prepare_normalises },
		{ "v4_prefixes", test_v4_prefixes },
		{ "v6_prefixes", test_v6_prefixes },
		{ "family", test_family },
		{ "ports", test_ports },
		{ "hooks_iif_mark", test_hooks_iif_mark },
		{ "order", test_order });
	return nfv_test_run();
}
