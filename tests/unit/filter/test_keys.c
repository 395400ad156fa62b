/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * meta priority (skb->priority) and ct expiration, as the kernel reads
 * them: priority is what a rule set on this packet, else for a forwarded
 * IPv4 packet at forward and postrouting ip_forward()'s rt_tos2priority()
 * of its TOS, else 0; ct expiration is the connection's time left in ms,
 * 0 before its first packet is confirmed. HZ ticks a second.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_mbuf.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

#define HZ 1000

static const char ruleset[] =
	"table inet t {\n"
	"  chain f {\n"
	"    type filter hook forward priority 0; policy accept;\n"
	"    udp dport 1 meta priority 0:6 meta mark set 6 accept\n"
	"    udp dport 1 meta priority 0:4 meta mark set 4 accept\n"
	"    udp dport 1 meta priority 0:2 meta mark set 2 accept\n"
	"    udp dport 1 meta priority none meta mark set 100 accept\n"
	"    udp dport 2 meta priority set 1:2\n"
	"    udp dport 2 meta priority 1:2 meta mark set 12 accept\n"
	"    udp dport 3 ct expiration 0 meta mark set 1 accept\n"
	"    udp dport 3 ct expiration 25s-30s meta mark set 2 accept\n"
	"  }\n"
	"  chain p {\n"
	"    type filter hook prerouting priority 0; policy accept;\n"
	"    udp dport 1 meta priority none meta mark set 100 accept\n"
	"  }\n"
	"}\n";

static struct nfv_filter_ruleset *rs;

static struct rte_mbuf *udp(uint16_t dport, uint8_t tos, int family)
{
	struct rte_mbuf *m = tp_build(&(struct tp){ .family = family, .proto = IPPROTO_UDP,
						   .sport = 9, .dport = dport, .payload = 8 });

	CU_ASSERT_FATAL(m != NULL);
	if (family != AF_INET6)
		rte_pktmbuf_mtod(m, uint8_t *)[1] = tos;
	return m;
}

/* the mark the rules leave: the priority read (100 for 0), 0 for none */
static uint32_t mark_at(struct rte_mbuf *m, enum nfv_hook hook, uint64_t now)
{
	uint32_t mark;

	CU_ASSERT_EQUAL(NFV_VERDICT(ft_run(rs, hook, 0, m, now)), NFV_ACCEPT);
	mark = nfv_mbuf_meta(m)->mark;
	nfv_mbuf_meta(m)->mark = 0;
	return mark;
}

static uint32_t fwd_priority(uint8_t tos, int family, enum nfv_hook hook, uint16_t flags)
{
	struct rte_mbuf *m = udp(1, tos, family);
	uint32_t mark;

	nfv_mbuf_meta(m)->flags |= flags;
	mark = mark_at(m, hook, 1);
	rte_pktmbuf_free(m);
	return mark == 100 ? 0 : mark;
}

static void test_priority(void)
{
	struct rte_mbuf *m;

	/* rt_tos2priority(): TOS bits 0x1e, ip_tos2prio[] */
	CU_ASSERT_EQUAL(fwd_priority(0x00, AF_INET, NFV_INET_FORWARD, 0), 0);
	CU_ASSERT_EQUAL(fwd_priority(0x08, AF_INET, NFV_INET_FORWARD, 0), 2);	/* throughput */
	CU_ASSERT_EQUAL(fwd_priority(0x10, AF_INET, NFV_INET_FORWARD, 0), 6);	/* low delay */
	CU_ASSERT_EQUAL(fwd_priority(0xb8, AF_INET, NFV_INET_FORWARD, 0), 4);	/* EF: 0x18 */
	CU_ASSERT_EQUAL(fwd_priority(0x03, AF_INET, NFV_INET_FORWARD, 0), 0);	/* ECN only */
	/* not forwarded, or IPv6: 0 */
	CU_ASSERT_EQUAL(fwd_priority(0x10, AF_INET, NFV_INET_FORWARD, NFV_MBUF_F_LOCAL_OUT), 0);
	CU_ASSERT_EQUAL(fwd_priority(0x10, AF_INET6, NFV_INET_FORWARD, 0), 0);
	/* before routing: 0 */
	m = udp(1, 0x10, AF_INET);
	CU_ASSERT_EQUAL(mark_at(m, NFV_INET_PRE_ROUTING, 1), 100);
	rte_pktmbuf_free(m);
	/* set, then read by the next rule, kept in the metadata */
	m = udp(2, 0, AF_INET);
	CU_ASSERT_EQUAL(mark_at(m, NFV_INET_FORWARD, 1), 12);
	CU_ASSERT(nfv_mbuf_meta(m)->flags & NFV_MBUF_F_PRIORITY);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->priority, 0x00010002);
	rte_pktmbuf_free(m);
}

/* One packet through conntrack, the forward chain and confirm: its mark. */
static uint32_t tracked(struct nfv_ct_table *ct, uint64_t now)
{
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = now,
				     .table = ft_table };
	struct rte_mbuf *m = udp(3, 0, AF_INET);
	uint32_t v, c, mark;

	nfv_conntrack_in_process(ct, &m, 1, &v, &st);
	CU_ASSERT_FATAL(NFV_VERDICT(v) == NFV_ACCEPT);
	mark = mark_at(m, NFV_INET_FORWARD, now);
	st.hook = NFV_INET_POST_ROUTING;
	nfv_conntrack_confirm_process(ct, &m, 1, &c, &st);
	rte_pktmbuf_free(m);
	return mark;
}

/* ct expiration of a UDP connection: 0 until confirmed, then 30 s unreplied */
static void test_expiration(void)
{
	struct nfv_ct_config cc = { .max = 64, .hz = HZ, .socket = 0 };
	struct nfv_ct_table *ct = nfv_ct_table_create("ct_keys", &cc);
	uint64_t t = 100 * HZ;

	CU_ASSERT_FATAL(ct != NULL);
	CU_ASSERT_EQUAL(tracked(ct, t), 1);		/* new: 0 */
	CU_ASSERT_EQUAL(tracked(ct, t + 2 * HZ), 2);	/* 28 s left */
	CU_ASSERT_EQUAL(tracked(ct, t + 4 * HZ), 2);	/* refreshed: 30 s */
	/* each packet refreshes it before the rules read it */
	CU_ASSERT_EQUAL(tracked(ct, t + 33 * HZ + HZ / 2), 2);
	/* 31 s without a packet: expired, and the next one is new again */
	CU_ASSERT_EQUAL(tracked(ct, t + 65 * HZ), 1);
	nfv_ct_table_destroy(ct);
}

static int setup(void)
{
	return ft_suite_ruleset(ruleset, NULL, &rs);
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
	NFV_TEST_SUITE("filter_keys", setup, teardown,
		{ "meta priority: set, TOS of forwarded IPv4, else 0", test_priority },
		{ "ct expiration: 0, then the time left", test_expiration });
	return nfv_test_run();
}
