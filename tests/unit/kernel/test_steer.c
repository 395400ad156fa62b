/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/steer without a kernel: the selector text form both ways and
 * the netlink attribute encoder/decoder the client sends the table with.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "nfv_test.h"
#include "nfv_steer.h"
#include "nfv_steer_msg.h"

static int parse_line(struct nfv_steer_sel *sel, const char *line, char *err,
		      size_t errlen)
{
	static char buf[512];
	char *words[32], *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok(buf, " "); tok && n < 32; tok = strtok(NULL, " "))
		words[n++] = tok;
	return nfv_steer_sel_parse(sel, n, words, err, errlen);
}

static void test_parse_full(void)
{
	struct nfv_steer_sel s;
	char err[128], out[512];
	uint8_t want[4];

	CU_ASSERT_EQUAL_FATAL(parse_line(&s, "id 5 dst 10.99.0.0/24 proto udp "
					 "dport 5000-5010 sport 7 hook out action pass "
					 "mark 0x10/0xf0", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.id, 5);
	CU_ASSERT_EQUAL(s.family, AF_INET);
	CU_ASSERT_EQUAL(s.proto, IPPROTO_UDP);
	inet_pton(AF_INET, "10.99.0.0", want);
	CU_ASSERT_EQUAL(memcmp(s.dst, want, 4), 0);
	CU_ASSERT_EQUAL(s.dst_plen, 24);
	CU_ASSERT_EQUAL(s.src_plen, 0);
	CU_ASSERT_EQUAL(s.dport_min, 5000);
	CU_ASSERT_EQUAL(s.dport_max, 5010);
	CU_ASSERT_EQUAL(s.sport_min, 7);
	CU_ASSERT_EQUAL(s.sport_max, 7);
	CU_ASSERT_EQUAL(s.hooks, NFVPN_HOOK_LOCAL_OUT);
	CU_ASSERT_EQUAL(s.action, NFVPN_ACT_PASS);
	CU_ASSERT_EQUAL(s.mark, 0x10);
	CU_ASSERT_EQUAL(s.mark_mask, 0xf0);

	CU_ASSERT_EQUAL(nfv_steer_sel_format(&s, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "id 5 family inet proto 17 dst 10.99.0.0/24 "
			       "sport 7-7 dport 5000-5010 mark 0x10/0xf0 hook out "
			       "action pass packets 0 bytes 0");
}

static void test_parse_v6_defaults(void)
{
	struct nfv_steer_sel s;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(parse_line(&s, "id 1 src fd00::2 dst fd99::/64",
					 err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.family, AF_INET6);
	CU_ASSERT_EQUAL(s.src_plen, 128);
	CU_ASSERT_EQUAL(s.dst_plen, 64);
	CU_ASSERT_EQUAL(s.sport_min, 0);
	CU_ASSERT_EQUAL(s.sport_max, 65535);
	CU_ASSERT_EQUAL(s.hooks, 0);
	CU_ASSERT_EQUAL(s.mark_mask, 0);
	CU_ASSERT_EQUAL(parse_line(&s, "id 2 family inet6", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.family, AF_INET6);
}

static void test_parse_errors(void)
{
	static const char *bad[] = {
		"id 1",				/* no family */
		"dst 10.0.0.0/8",		/* no id */
		"id 1 dst 10.0.0.0/33",
		"id 1 src 10.0.0.1 dst fd99::1",
		"id 1 family inet6 dst 10.0.0.1",
		"id 1 dst 10.0.0.1 dport 70000",
		"id 1 dst 10.0.0.1 hook sideways",
		"id 1 dst 10.0.0.1 action drop",
		"id 1 dst 10.0.0.1 colour blue",
		"id 1 dst",
		"id x family inet",
	};
	struct nfv_steer_sel s;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_NOT_EQUAL(parse_line(&s, bad[i], err, sizeof(err)), 0);
		CU_ASSERT_NOT_EQUAL(err[0], '\0');
	}
}

static void test_msg_roundtrip(void)
{
	const struct nlattr *tb[NFVPN_A_MAX + 1], *sb[NFVPN_SEL_A_MAX + 1];
	struct nfv_nlmsg m;
	size_t nest, hdr = NLMSG_HDRLEN + 4;	/* + genlmsghdr */
	uint8_t addr[3] = { 1, 2, 3 };

	CU_ASSERT_EQUAL_FATAL(nfv_nlmsg_init(&m, 0x20, 0, NFVPN_CMD_ADD_SEL, 1), 0);
	nest = nfv_nlmsg_nest_start(&m, NFVPN_A_SEL);
	nfv_nlmsg_put_u32(&m, NFVPN_SEL_A_ID, 77);
	nfv_nlmsg_put(&m, NFVPN_SEL_A_DST, addr, sizeof(addr));	/* padded */
	nfv_nlmsg_put_u8(&m, NFVPN_SEL_A_DST_PLEN, 24);
	nfv_nlmsg_nest_end(&m, nest);
	nfv_nlmsg_put_u32(&m, NFVPN_A_POSITION, 3);
	CU_ASSERT_EQUAL_FATAL(m.err, 0);
	CU_ASSERT_EQUAL(nfv_nlmsg_hdr(&m)->nlmsg_len, m.len);
	CU_ASSERT_EQUAL(m.len % 4, 0);

	CU_ASSERT_EQUAL_FATAL(nfv_nla_parse(tb, NFVPN_A_MAX, m.buf + hdr,
					    m.len - hdr), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tb[NFVPN_A_SEL]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tb[NFVPN_A_POSITION]);
	CU_ASSERT_EQUAL(nfv_nla_u32(tb[NFVPN_A_POSITION]), 3);
	CU_ASSERT(tb[NFVPN_A_SEL]->nla_type & NLA_F_NESTED);
	CU_ASSERT_EQUAL_FATAL(nfv_nla_parse(sb, NFVPN_SEL_A_MAX,
					    nfv_nla_data(tb[NFVPN_A_SEL]),
					    nfv_nla_len(tb[NFVPN_A_SEL])), 0);
	CU_ASSERT_EQUAL(nfv_nla_u32(sb[NFVPN_SEL_A_ID]), 77);
	CU_ASSERT_EQUAL(nfv_nla_len(sb[NFVPN_SEL_A_DST]), 3);
	CU_ASSERT_EQUAL(memcmp(nfv_nla_data(sb[NFVPN_SEL_A_DST]), addr, 3), 0);
	CU_ASSERT_EQUAL(nfv_nla_u8(sb[NFVPN_SEL_A_DST_PLEN]), 24);
	CU_ASSERT_PTR_NULL(sb[NFVPN_SEL_A_SRC]);
	nfv_nlmsg_fini(&m);
}

static void test_msg_limits(void)
{
	const struct nlattr *tb[4];
	static uint8_t big[70000];
	uint8_t bad[8] = { 0xff, 0x00, 0x01, 0x00 };	/* nla_len 255 > stream */
	struct nfv_nlmsg m;
	size_t nest;
	int i;

	CU_ASSERT_EQUAL_FATAL(nfv_nlmsg_init(&m, 0x20, 0, 1, 1), 0);
	nfv_nlmsg_put(&m, 1, big, sizeof(big));
	CU_ASSERT_EQUAL(m.err, -EMSGSIZE);
	nfv_nlmsg_fini(&m);

	/* a nest cannot outgrow 64 KiB: the client sends tables flat */
	CU_ASSERT_EQUAL_FATAL(nfv_nlmsg_init(&m, 0x20, 0, 1, 1), 0);
	nest = nfv_nlmsg_nest_start(&m, 1);
	for (i = 0; i < 3; i++)
		nfv_nlmsg_put(&m, 2, big, 30000);
	nfv_nlmsg_nest_end(&m, nest);
	CU_ASSERT_EQUAL(m.err, -EMSGSIZE);
	nfv_nlmsg_fini(&m);

	CU_ASSERT_EQUAL(nfv_nla_parse(tb, 3, bad, sizeof(bad)), -EINVAL);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("kernel_steer_client", NULL, NULL,
		{ "parse_full", test_parse_full },
		{ "parse_v6_defaults", test_parse_v6_defaults },
		{ "parse_errors", test_parse_errors },
		{ "msg_roundtrip", test_msg_roundtrip },
		{ "msg_limits", test_msg_limits });
	return nfv_test_run();
}
