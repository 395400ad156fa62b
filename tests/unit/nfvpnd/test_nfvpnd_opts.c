/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd's choices made from its environment and options: where its log
 * goes ($JOURNAL_STREAM against stderr) and where --metrics listens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfv_test.h"
#include "nfvpnd.h"

static void test_log_target(void)
{
	struct stat st;
	char js[64];

	/* not under systemd, or a stream that is not this one: stderr */
	CU_ASSERT_FALSE(nfvpnd_log_is_journal(NULL, 1, 2));
	CU_ASSERT_FALSE(nfvpnd_log_is_journal("", 1, 2));
	CU_ASSERT_FALSE(nfvpnd_log_is_journal("1:3", 1, 2));
	CU_ASSERT_FALSE(nfvpnd_log_is_journal("2:2", 1, 2));
	/* malformed: stderr */
	CU_ASSERT_FALSE(nfvpnd_log_is_journal("1", 1, 2));
	CU_ASSERT_FALSE(nfvpnd_log_is_journal("1:2x", 1, 2));
	CU_ASSERT_FALSE(nfvpnd_log_is_journal("1:2:3", 1, 2));
	CU_ASSERT_FALSE(nfvpnd_log_is_journal("x:2", 1, 2));
	/* the stream stderr is: the journal */
	CU_ASSERT_TRUE(nfvpnd_log_is_journal("1:2", 1, 2));
	CU_ASSERT_TRUE(nfvpnd_log_is_journal("64768:18446744073709551615", 64768,
					     18446744073709551615ull));
	/* against a real file, as nfvpnd_log_init() does with stderr */
	CU_ASSERT_EQUAL_FATAL(fstat(STDIN_FILENO, &st), 0);
	snprintf(js, sizeof(js), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	CU_ASSERT_TRUE(nfvpnd_log_is_journal(js, st.st_dev, st.st_ino));
	CU_ASSERT_FALSE(nfvpnd_log_is_journal(js, st.st_dev, st.st_ino + 1));
}

static void check_addr(const char *arg, int family, const char *addr, unsigned int port,
		       const char *url)
{
	struct sockaddr_storage ss;
	char buf[80], a[INET6_ADDRSTRLEN];
	const void *ap;
	uint16_t p;

	CU_ASSERT_EQUAL_FATAL(nfvpnd_metrics_parse(arg, &ss), 0);
	CU_ASSERT_EQUAL(ss.ss_family, family);
	if (family == AF_INET6) {
		ap = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		p = ((struct sockaddr_in6 *)&ss)->sin6_port;
	} else {
		ap = &((struct sockaddr_in *)&ss)->sin_addr;
		p = ((struct sockaddr_in *)&ss)->sin_port;
	}
	CU_ASSERT_STRING_EQUAL(inet_ntop(family, ap, a, sizeof(a)), addr);
	CU_ASSERT_EQUAL(ntohs(p), port);
	CU_ASSERT_STRING_EQUAL(nfvpnd_metrics_url(&ss, buf, sizeof(buf)), url);
}

static void test_metrics_addr(void)
{
	static const char *const bad[] = {
		"", "0", "65536", "-1", "9100x", "x", ":9100", "localhost:9100", "::1:9100",
		"[::1]", "[::1]:", "[::1:9100", "::1]:9100", "[10.0.0.1]:9100", "10.0.0.1:",
		"10.0.0.256:80", "[fe80::1%eth0]:9100",
	};
	struct sockaddr_storage ss;

	check_addr("9100", AF_INET, "127.0.0.1", 9100, "http://127.0.0.1:9100/metrics");
	check_addr("0.0.0.0:1", AF_INET, "0.0.0.0", 1, "http://0.0.0.0:1/metrics");
	check_addr("192.0.2.7:65535", AF_INET, "192.0.2.7", 65535,
		   "http://192.0.2.7:65535/metrics");
	check_addr("[::1]:9100", AF_INET6, "::1", 9100, "http://[::1]:9100/metrics");
	check_addr("[::]:80", AF_INET6, "::", 80, "http://[::]:80/metrics");
	check_addr("[2001:db8::1]:9100", AF_INET6, "2001:db8::1", 9100,
		   "http://[2001:db8::1]:9100/metrics");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = nfvpnd_metrics_parse(bad[i], &ss);

		if (ret != -EINVAL)
			fprintf(stderr, "--metrics %s: %d\n", bad[i], ret);
		CU_ASSERT_EQUAL(ret, -EINVAL);
	}
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("nfvpnd options", NULL, NULL,
		{ "log: the journal only when stderr is its stream", test_log_target },
		{ "--metrics [ADDR:]PORT", test_metrics_addr });
	return nfv_test_run();
}
