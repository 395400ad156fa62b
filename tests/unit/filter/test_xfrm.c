/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nft's "ipsec in" (hooks/filter/expr/xfrm.c): reqid, spi and addresses
 * of the SA a decrypted packet came out of, asked of a stand-in for the
 * dataplane's IPsec module (nfv_filter_config.xfrm); a packet without a
 * secpath, with an SA gone since, or a tunnel SA of the other family does
 * not match; "ipsec out" (the SA the module's output would take) and
 * "rt ipsec exists|missing" (whether it would take one); a secpath index
 * past 0 is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

static const char ruleset[] =
	"table inet t {\n"
	"  chain c {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	"    udp dport 1 ipsec in reqid 5 drop\n"
	"    udp dport 2 ipsec in spi 0x100 drop\n"
	"    udp dport 3 ipsec in ip saddr 192.0.2.1 drop\n"
	"    udp dport 4 ipsec in ip6 daddr 2001:db8::2 drop\n"
	"    udp dport 5 ipsec out reqid 5 drop\n"
	"    udp dport 6 ipsec out spi 0x200 drop\n"
	"    udp dport 7 ipsec out ip daddr 192.0.2.2 drop\n"
	"    udp dport 8 ipsec out ip6 saddr 2001:db8::1 drop\n"
	"    udp dport 9 rt ipsec exists drop\n"
	"    udp dport 10 rt ipsec missing drop\n"
	"  }\n"
	"  chain i {\n"
	"    type filter hook input priority 0; policy accept;\n"
	"    udp dport 9 rt ipsec exists drop\n"
	"    udp dport 10 rt ipsec missing drop\n"
	"  }\n"
	"  chain p {\n"
	"    type filter hook prerouting priority 0; policy accept;\n"
	"    udp dport 9 rt ipsec exists drop\n"
	"    udp dport 10 rt ipsec missing drop\n"
	"  }\n"
	"}\n";

/* SA 3: IPv4 tunnel 192.0.2.1 > 192.0.2.2, reqid 5, spi 0x100; SA 4: IPv6
 * tunnel 2001:db8::1 > 2001:db8::2, reqid 6, spi 0x200; no other */
static int fake_sa(const void *ctx, uint32_t id, struct nfv_filter_sa *out)
{
	memset(out, 0, sizeof(*out));
	out->tunnel = true;
	if (id == 3) {
		out->reqid = 5;
		out->spi = 0x100;
		out->family = AF_INET;
		inet_pton(AF_INET, "192.0.2.1", out->src);
		inet_pton(AF_INET, "192.0.2.2", out->dst);
		return 0;
	}
	if (id == 4) {
		out->reqid = 6;
		out->spi = 0x200;
		out->family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::1", out->src);
		inet_pton(AF_INET6, "2001:db8::2", out->dst);
		return 0;
	}
	return -1;
}

/* "ipsec out": the IPsec module's pick, here the packet's mark (3 or 4) */
static int fake_sa_out(const void *ctx, struct rte_mbuf *m, struct nfv_filter_sa *out)
{
	return fake_sa(ctx, nfv_mbuf_meta(m)->mark, out);
}

static const struct nfv_filter_xfrm xfrm = { .sa_get = fake_sa, .sa_out = fake_sa_out };
static struct nfv_filter_ruleset *rs;

/* true when the packet to dport, out of SA sa (or of none, -1), or for
 * dports 5-10 to be sealed with SA sa, is dropped at hook */
static bool dropped_at(unsigned int hook, uint16_t dport, int sa)
{
	bool out = dport >= 5;
	struct rte_mbuf *m = tp_build(&(struct tp){ .proto = IPPROTO_UDP, .sport = 9,
		.dport = dport, .mark = out && sa >= 0 ? (uint32_t)sa : 0,
		.meta_flags = !out && sa >= 0 ? NFV_MBUF_F_SECPATH : 0 });
	uint32_t v;

	CU_ASSERT_FATAL(m != NULL);
	nfv_mbuf_meta(m)->sa_index = sa >= 0 ? (uint32_t)sa : 0;
	v = ft_run(rs, hook, 0, m, 0);
	rte_pktmbuf_free(m);
	return NFV_VERDICT(v) == NFV_DROP;
}

static bool dropped(uint16_t dport, int sa)
{
	return dropped_at(NFV_INET_FORWARD, dport, sa);
}

static void test_keys(void)
{
	CU_ASSERT(dropped(1, 3));	/* reqid 5 */
	CU_ASSERT(!dropped(1, 4));	/* reqid 6 */
	CU_ASSERT(dropped(2, 3));	/* spi 0x100 */
	CU_ASSERT(!dropped(2, 4));
	CU_ASSERT(dropped(3, 3));	/* ip saddr 192.0.2.1 */
	CU_ASSERT(!dropped(3, 4));	/* an IPv6 tunnel SA: no IPv4 address */
	CU_ASSERT(dropped(4, 4));	/* ip6 daddr 2001:db8::2 */
	CU_ASSERT(!dropped(4, 3));
}

/* ipsec out: the SA the packet would be sealed with */
static void test_out(void)
{
	CU_ASSERT(dropped(5, 3));	/* reqid 5 */
	CU_ASSERT(!dropped(5, 4));
	CU_ASSERT(!dropped(5, -1));	/* no SA would take it */
	CU_ASSERT(dropped(6, 4));	/* spi 0x200 */
	CU_ASSERT(!dropped(6, 3));
	CU_ASSERT(dropped(7, 3));	/* ip daddr 192.0.2.2 */
	CU_ASSERT(!dropped(7, 4));	/* an IPv6 tunnel SA: no IPv4 address */
	CU_ASSERT(dropped(8, 4));	/* ip6 saddr 2001:db8::1 */
	CU_ASSERT(!dropped(8, 3));
}

/*
 * rt ipsec exists/missing: the route is a bundle when esp-output would
 * seal the packet; an input route never is; before routing no rule of
 * them matches (the kernel's skb has no dst yet)
 */
static void test_rt_ipsec(void)
{
	CU_ASSERT(dropped(9, 3));
	CU_ASSERT(!dropped(9, -1));
	CU_ASSERT(dropped(10, -1));
	CU_ASSERT(!dropped(10, 3));
	CU_ASSERT(!dropped_at(NFV_INET_LOCAL_IN, 9, 3));
	CU_ASSERT(dropped_at(NFV_INET_LOCAL_IN, 10, 3));
	CU_ASSERT(!dropped_at(NFV_INET_PRE_ROUTING, 9, 3));
	CU_ASSERT(!dropped_at(NFV_INET_PRE_ROUTING, 10, -1));
}

static void test_no_secpath(void)
{
	CU_ASSERT(!dropped(1, -1));	/* not decrypted */
	CU_ASSERT(!dropped(1, 7));	/* an SA deleted since */
}

static void test_refused(void)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *bad = NULL;
	char err[512];

	cfg.xfrm = &xfrm;
	CU_ASSERT_EQUAL(ft_ruleset_from_text("table inet t {\n chain c {\n"
					     "  type filter hook postrouting priority 0;\n"
					     "  ipsec out spnum 1 reqid 1 drop\n }\n}\n", &cfg, &bad,
					     err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "ipsec out spnum 1") != NULL);
	/* the hooks the kernel allows (nft_xfrm_validate()): not input */
	CU_ASSERT_NOT_EQUAL(ft_ruleset_from_text("table inet t {\n chain c {\n"
						 "  type filter hook input priority 0;\n"
						 "  ipsec out reqid 1 drop\n }\n}\n", &cfg, &bad,
						 err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(bad);
	CU_ASSERT_EQUAL(ft_ruleset_from_text("table inet t {\n chain c {\n"
					     "  type filter hook forward priority 0;\n"
					     "  ipsec in spnum 1 reqid 1 drop\n }\n}\n", &cfg, &bad,
					     err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT(strstr(err, "spnum 1") != NULL);
	/* no way to ask for the outbound SA: ipsec out refused */
	{
		static const struct nfv_filter_xfrm in_only = { .sa_get = fake_sa };

		cfg.xfrm = &in_only;
		CU_ASSERT_EQUAL(ft_ruleset_from_text(ruleset, &cfg, &bad, err, sizeof(err)),
				-EOPNOTSUPP);
		CU_ASSERT(strstr(err, "no IPsec") != NULL);
	}
	/* a dataplane without IPsec says so */
	cfg.xfrm = NULL;
	CU_ASSERT_EQUAL(ft_ruleset_from_text(ruleset, &cfg, &bad, err, sizeof(err)),
			-EOPNOTSUPP);
	CU_ASSERT(strstr(err, "no IPsec") != NULL);
}

static int setup(void)
{
	struct nfv_filter_config cfg = ft_config();

	cfg.xfrm = &xfrm;
	return ft_suite_ruleset(ruleset, &cfg, &rs);
}

static int teardown(void)
{
	return ft_suite_free(&rs);
}

int main(int argc, char **argv)
{
	(void)argc;
	ft_init(argv[0]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("filter_xfrm", setup, teardown,
		{ "ipsec in: reqid, spi, addresses of the packet's SA", test_keys },
		{ "ipsec out: reqid, spi, addresses of the SA it would take", test_out },
		{ "rt ipsec exists/missing: forward, input, before routing", test_rt_ipsec },
		{ "no secpath, an SA gone: no match", test_no_secpath },
		{ "spnum past 0, ipsec out at input, no IPsec: refused", test_refused });
	return nfv_test_run();
}
