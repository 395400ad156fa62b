/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The formatting pieces on their own: JSON strings that always parse,
 * table alignment, exact counts, netfilter names, the packet decode.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_decode.h"
#include "ctl_json.h"
#include "ctl_table.h"
#include "nfv_test.h"
#include "test_control.h"
#include "test_pkt.h"

static void test_json_strings(void)
{
	/* Quotes, backslash, control bytes, valid UTF-8, and bytes that are
	 * not UTF-8 (a lone continuation, an overlong form, a surrogate). */
	static const char nasty[] = "a\"b\\c\n\t\x01\x7f \xc3\xa9 \xe2\x82\xac \x80 \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80 \xe2\x82";
	char *doc;
	size_t len;
	struct ctl_json j;
	FILE *f = open_memstream(&doc, &len);

	ctl_json_init(&j, f, false);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_str(&j, "s", nasty);
	ctl_json_strn(&j, "cut", "abcdef", 3);
	ctl_json_str(&j, "k\"ey", "v");
	ctl_json_str(&j, "none", NULL);
	ctl_json_arr_begin(&j, "a");
	ctl_json_u64(&j, NULL, UINT64_MAX);
	ctl_json_i64(&j, NULL, INT64_MIN);
	ctl_json_double(&j, NULL, 0.1);
	ctl_json_double(&j, NULL, 1.0 / 0.0);
	ctl_json_bool(&j, NULL, false);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_obj_end(&j);
	ctl_json_arr_begin(&j, NULL);
	ctl_json_arr_end(&j);
	ctl_json_arr_end(&j);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(doc,
		"{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\x7f \xc3\xa9 \xe2\x82\xac \\ufffd \\ufffd\\ufffd "
		"\\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80 \\ufffd\\ufffd\",\"cut\":\"abc\","
		"\"k\\\"ey\":\"v\",\"none\":null,\"a\":[18446744073709551615,"
		"-9223372036854775808,0.1,null,false,{},[]]}\n");
	CU_ASSERT(json_check(doc, false,
		"d['s'] == 'a\"b\\\\c\\n\\t\\x01\\x7f \\u00e9 \\u20ac \\ufffd \\ufffd\\ufffd "
		"\\ufffd\\ufffd\\ufffd \\U0001f600 \\ufffd\\ufffd' and "
		"d['a'][0] == 18446744073709551615 and d['k\"ey'] == 'v' and d['none'] is None"));
	free(doc);

	/* Pretty output parses the same. */
	f = open_memstream(&doc, &len);
	ctl_json_init(&j, f, true);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_arr_begin(&j, "x");
	ctl_json_obj_begin(&j, NULL);
	ctl_json_u64(&j, "n", 1);
	ctl_json_obj_end(&j);
	ctl_json_arr_end(&j);
	ctl_json_arr_begin(&j, "empty");
	ctl_json_arr_end(&j);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(doc,
		"{\n  \"x\": [\n    {\n      \"n\": 1\n    }\n  ],\n  \"empty\": []\n}\n");
	free(doc);
}

static void test_table(void)
{
	static const struct ctl_col cols[] = {
		{ "NAME", CTL_LEFT }, { "N", CTL_RIGHT }, { "NOTE", CTL_LEFT },
	};
	struct ctl_table *t = ctl_table_new(cols, 3);
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	ctl_table_add(t, "a");
	ctl_table_add(t, "%d", 12345);
	ctl_table_add(t, "x");
	ctl_table_add(t, "longer-name");
	ctl_table_add(t, "1");
	ctl_table_add(t, "%s", "");
	CU_ASSERT_EQUAL(ctl_table_print(t, f), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(out,
		"NAME             N  NOTE\n"
		"a            12345  x\n"
		"longer-name      1\n");
	free(out);
	/* A row left unfinished is a bug of the caller, not output. */
	ctl_table_add(t, "half");
	f = open_memstream(&out, &len);
	CU_ASSERT_EQUAL(ctl_table_print(t, f), -EINVAL);
	fclose(f);
	free(out);
	ctl_table_free(t);
}

static void test_names(void)
{
	char buf[CTL_NUM_MAX];
	int prio;
	uint8_t proto;
	uint16_t lo, hi;

	CU_ASSERT_STRING_EQUAL(ctl_fmt_count(0, buf), "0");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_count(999, buf), "999");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_count(1000, buf), "1,000");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_count(UINT64_MAX, buf), "18,446,744,073,709,551,615");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_duration(59, buf), "00:00:59");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_duration(86400 * 3 + 3723, buf), "3d 01:02:03");

	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(-300, buf), "raw");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(-200, buf), "conntrack");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(-150, buf), "mangle");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(-100, buf), "dnat");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(0, buf), "filter");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(50, buf), "security");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(100, buf), "snat");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(INT_MIN, buf), "first");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(INT_MAX, buf), "last");
	CU_ASSERT_STRING_EQUAL(ctl_fmt_priority(-299, buf), "-299");

	CU_ASSERT(ctl_parse_priority("mangle-5", &prio) == 0 && prio == -155);
	CU_ASSERT(ctl_parse_priority("SNAT", &prio) == 0 && prio == 100);
	CU_ASSERT(ctl_parse_priority("+7", &prio) == 0 && prio == 7);
	CU_ASSERT(ctl_parse_priority("-2147483648", &prio) == 0 && prio == INT_MIN);
	CU_ASSERT_EQUAL(ctl_parse_priority("2147483648", &prio), -ERANGE);
	CU_ASSERT_EQUAL(ctl_parse_priority("first-1", &prio), -ERANGE);
	CU_ASSERT_EQUAL(ctl_parse_priority("filter+", &prio), -EINVAL);
	CU_ASSERT_EQUAL(ctl_parse_priority("filters", &prio), -EINVAL);
	CU_ASSERT_EQUAL(ctl_parse_priority("", &prio), -EINVAL);

	CU_ASSERT_EQUAL(ctl_parse_hook("PRE_ROUTING"), 0);
	CU_ASSERT_EQUAL(ctl_parse_hook("output"), 3);
	CU_ASSERT_EQUAL(ctl_parse_hook("PostRouting"), 4);
	CU_ASSERT_EQUAL(ctl_parse_hook("ingress"), -1);
	CU_ASSERT(ctl_parse_proto("ICMPv6", &proto) == 0 && proto == 58);
	CU_ASSERT(ctl_parse_proto("255", &proto) == 0 && proto == 255);
	CU_ASSERT(ctl_parse_proto("256", &proto) < 0);
	CU_ASSERT(ctl_parse_ports("65535", &lo, &hi) == 0 && lo == 65535 && hi == 65535);
	CU_ASSERT(ctl_parse_ports("0", &lo, &hi) < 0);
	CU_ASSERT(ctl_parse_ports("1-65536", &lo, &hi) < 0);
	CU_ASSERT(ctl_parse_ports("1-", &lo, &hi) < 0);
	CU_ASSERT(ctl_name_ok("a", 31) && ctl_name_ok("a-b_9", 31));
	CU_ASSERT(!ctl_name_ok("", 31) && !ctl_name_ok("a b", 31) && !ctl_name_ok("ab", 1));
}

static const char *decode(const uint8_t *b, size_t cap, struct ctl_decoded *d)
{
	ctl_decode(b, (uint32_t)cap, d);
	return d->line;
}

static void test_decode(void)
{
	struct ctl_decoded d;
	uint8_t b[256], l4[64], ext[8 + 20];
	size_t n;

	pkt_tcp(l4, 443, 51000, 7, 99, 0x12, 512);
	n = pkt_ipv4(b, "192.0.2.1", "198.51.100.7", 6, l4, 20, 40);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d),
		"IP 192.0.2.1.443 > 198.51.100.7.51000: tcp [S.] seq 7 ack 99 win 512 len 0");
	CU_ASSERT(d.ip == 4 && d.proto == 6 && d.sport == 443 && d.dport == 51000);
	/* Cut inside the TCP header. */
	CU_ASSERT_STRING_EQUAL(decode(b, 30, &d), "IP 192.0.2.1 > 198.51.100.7: tcp [truncated]");
	CU_ASSERT_EQUAL(d.sport, -1);
	CU_ASSERT_STRING_EQUAL(decode(b, 12, &d), "IP [truncated]");
	CU_ASSERT_EQUAL(d.ip, 0);

	pkt_icmp(l4, 3, 1, 0, 0);
	n = pkt_ipv4(b, "10.0.0.1", "10.0.0.2", 1, l4, 8, 56);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP 10.0.0.1 > 10.0.0.2: icmp unreachable code 1");
	pkt_icmp(l4, 42, 0, 0, 0);
	n = pkt_ipv4(b, "10.0.0.1", "10.0.0.2", 1, l4, 8, 28);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP 10.0.0.1 > 10.0.0.2: icmp type 42 code 0");

	/* A later fragment has no L4 header to show. */
	n = pkt_ipv4(b, "10.0.0.1", "10.0.0.2", 17, l4, 8, 100);
	b[6] = 0x00;
	b[7] = 0xb9;
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP 10.0.0.1 > 10.0.0.2: proto 17 fragment offset 1480");

	memcpy(l4, "\x00\x00\x10\x01\x00\x00\x00\x05", 8);
	n = pkt_ipv4(b, "10.0.0.1", "10.0.0.2", 50, l4, 8, 120);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP 10.0.0.1 > 10.0.0.2: esp spi 0x00001001 seq 5");
	n = pkt_ipv4(b, "10.0.0.1", "10.0.0.2", 47, l4, 8, 120);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP 10.0.0.1 > 10.0.0.2: proto 47 len 100");

	pkt_icmp(l4, 135, 0, 0, 0);
	n = pkt_ipv6(b, "fe80::1", "ff02::1:ff00:2", 58, l4, 8, 72);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP6 fe80::1 > ff02::1:ff00:2: icmpv6 neighbor solicitation");
	pkt_icmp(l4, 129, 0, 3, 4);
	n = pkt_ipv6(b, "2001:db8::2", "2001:db8::1", 58, l4, 8, 104);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP6 2001:db8::2 > 2001:db8::1: icmpv6 echo reply id 3 seq 4");

	/* Hop-by-hop options, then UDP. */
	memset(ext, 0, sizeof(ext));
	ext[0] = 17;
	pkt_udp(ext + 8, 500, 4500, 20);
	n = pkt_ipv6(b, "2001:db8::2", "2001:db8::1", 0, ext, 16, 68);
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "IP6 2001:db8::2.500 > 2001:db8::1.4500: udp len 12");
	CU_ASSERT(d.ip == 6 && d.proto == 17 && d.dport == 4500);

	b[0] = 0x50;
	CU_ASSERT_STRING_EQUAL(decode(b, n, &d), "not IP (version 5)");
	CU_ASSERT_STRING_EQUAL(decode(b, 0, &d), "empty");
}

int test_fmt_register(void)
{
	NFV_TEST_SUITE("fmt", NULL, NULL,
		{ "json strings", test_json_strings },
		{ "table", test_table },
		{ "names and numbers", test_names },
		{ "packet decode", test_decode });
	return 0;
}
