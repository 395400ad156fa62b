/* SPDX-License-Identifier: BSD-3-Clause */
/* nfvpn-gen options: the documented command lines parse, bad ones do not. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nfv_gen.h"
#include "nfv_test.h"

#define ARGV(...) ((char *[]){ "nfvpn-gen", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "nfvpn-gen", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(c, ...) nfv_gen_args_parse(c, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), errf)

static FILE *errf;
static struct nfv_gen_conf c;

static void test_full(void)
{
	CU_ASSERT_EQUAL_FATAL(PARSE(&c, "--port", "net_ring0", "--rx-port", "net_ring1",
		"--dst-mac", "02:aa:bb:cc:dd:ee", "--src-mac", "02:00:00:00:00:09",
		"--flows", "1000", "--src", "10.0.0.0/24", "--dst", "10.1.0.0/24",
		"--sport", "1024-65535", "--dport", "5000-5099", "--size", "imix",
		"--rate", "1.5M", "--duration", "2.5", "--json", "/tmp/x.json"), 0);
	CU_ASSERT_STRING_EQUAL(c.port, "net_ring0");
	CU_ASSERT_STRING_EQUAL(c.rx_port, "net_ring1");
	CU_ASSERT_EQUAL(c.flow.dmac.addr_bytes[5], 0xee);
	CU_ASSERT(c.smac_set);
	CU_ASSERT_EQUAL(c.flow.nflows, 1000);
	CU_ASSERT_EQUAL(c.flow.family, AF_INET);
	CU_ASSERT_EQUAL(c.flow.src.count, 256);
	CU_ASSERT_EQUAL(c.flow.sport.count, 64512);
	CU_ASSERT_EQUAL(c.flow.dport.count, 100);
	CU_ASSERT_EQUAL(c.sizes.n, 3);
	CU_ASSERT_EQUAL(c.rate, 1500000);
	CU_ASSERT_DOUBLE_EQUAL(c.duration, 2.5, 1e-9);
	CU_ASSERT_EQUAL(c.count, 0);
	CU_ASSERT_STRING_EQUAL(c.json, "/tmp/x.json");
}

static void test_defaults(void)
{
	CU_ASSERT_EQUAL_FATAL(nfv_gen_args_parse(&c, 1, ARGV(NULL), errf), 0);
	/* memif to the device under test, as a client */
	CU_ASSERT_STRING_EQUAL(c.port, "net_memif0,role=client,socket=/run/memif.sock");
	CU_ASSERT_PTR_NULL(c.rx_port);
	CU_ASSERT_EQUAL(c.rate, 0);
	CU_ASSERT_DOUBLE_EQUAL(c.duration, 10, 1e-9);
	CU_ASSERT_FALSE(c.smac_set);

	CU_ASSERT_EQUAL_FATAL(PARSE(&c, "--memif-role", "server", "--memif-socket",
				    "/tmp/g.sock", "--count", "100", "--ipv6",
				    "--size", "84,1518"), 0);
	CU_ASSERT_STRING_EQUAL(c.port, "net_memif0,role=server,socket=/tmp/g.sock");
	CU_ASSERT_EQUAL(c.count, 100);
	CU_ASSERT_DOUBLE_EQUAL(c.duration, 0, 1e-9);	/* a count alone */
	CU_ASSERT_EQUAL(c.flow.family, AF_INET6);
	CU_ASSERT_EQUAL(c.flow.src.count, 1);
}

static void test_bad(void)
{
	CU_ASSERT(PARSE(&c, "--rate", "0") < 0);
	CU_ASSERT(PARSE(&c, "--rate", "fast") < 0);
	CU_ASSERT(PARSE(&c, "--flows", "0") < 0);
	CU_ASSERT(PARSE(&c, "--flows", "2000000") < 0);
	CU_ASSERT(PARSE(&c, "--dst-mac", "02:00:00") < 0);
	CU_ASSERT(PARSE(&c, "--src", "10.0.0.0/40") < 0);
	CU_ASSERT(PARSE(&c, "--ipv6", "--src", "10.0.0.1") < 0);
	CU_ASSERT(PARSE(&c, "--ipv6", "--size", "imix") < 0);	/* 64 is too small */
	CU_ASSERT(PARSE(&c, "--sport", "70000") < 0);
	CU_ASSERT(PARSE(&c, "--duration", "-1") < 0);
	CU_ASSERT(PARSE(&c, "--memif-role", "master") < 0);
	CU_ASSERT(PARSE(&c, "--no-such-option") < 0);
	CU_ASSERT(PARSE(&c, "stray") < 0);
	CU_ASSERT_EQUAL(PARSE(&c, "--rate", "max"), 0);
}

/* --trials lines, as nfvpn-bench writes them */
static void test_trial_lines(void)
{
	char json[32];
	uint64_t rate = 7;
	double dur = 0;

	CU_ASSERT(PARSE(&c, "--trials") == 0 && c.trials);
	CU_ASSERT_EQUAL(nfv_gen_trial_parse("1500000 0.5 /tmp/t1.json\n", &rate, &dur,
					    json, sizeof(json)), 0);
	CU_ASSERT_EQUAL(rate, 1500000);
	CU_ASSERT_DOUBLE_EQUAL(dur, 0.5, 1e-12);
	CU_ASSERT_STRING_EQUAL(json, "/tmp/t1.json");
	CU_ASSERT_EQUAL(nfv_gen_trial_parse("max 2 a.json", &rate, &dur, json, sizeof(json)), 0);
	CU_ASSERT_EQUAL(rate, 0);
	CU_ASSERT_EQUAL(nfv_gen_trial_parse("1.5M 1 b", &rate, &dur, json, sizeof(json)), 0);
	CU_ASSERT_EQUAL(rate, 1500000);
	CU_ASSERT(nfv_gen_trial_parse("", &rate, &dur, json, sizeof(json)) < 0);
	CU_ASSERT(nfv_gen_trial_parse("max 1\n", &rate, &dur, json, sizeof(json)) < 0);
	CU_ASSERT(nfv_gen_trial_parse("fast 1 a", &rate, &dur, json, sizeof(json)) < 0);
	CU_ASSERT(nfv_gen_trial_parse("max 0 a", &rate, &dur, json, sizeof(json)) < 0);
	CU_ASSERT(nfv_gen_trial_parse("max -1 a", &rate, &dur, json, sizeof(json)) < 0);
	CU_ASSERT(nfv_gen_trial_parse("max 1s a", &rate, &dur, json, sizeof(json)) < 0);
	CU_ASSERT(nfv_gen_trial_parse("max 1 a b", &rate, &dur, json, sizeof(json)) < 0);
	/* a path that does not fit is refused, not cut */
	CU_ASSERT(nfv_gen_trial_parse("max 1 /a/path/longer/than/thirty-two/bytes.json",
				      &rate, &dur, json, sizeof(json)) < 0);
}

int main(int argc, char **argv)
{
	errf = fopen("/dev/null", "w");
	if (errf == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("gen_args", NULL, NULL,
		{ "documented command line", test_full },
		{ "defaults", test_defaults },
		{ "bad values", test_bad },
		{ "--trials lines", test_trial_lines });
	return nfv_test_run();
}
