/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the nft netlink message parser (nfv_nft_objs_add_stream)
 * and the compiler behind it (nfv_filter_ruleset_check, the same code as
 * the dataplane's, without the run time), fed netlink streams: the seeds
 * are real rulesets compiled by nfvpn-nftc (tests/interop/fuzz/
 * nft_fuzz_test.sh), which the fuzzer mutates into valid-looking objects.
 * A refusal must come with a message; anything else (a crash, a sanitizer
 * report, a leak, an accepted ruleset with an error text) is a bug.
 *
 * libnftnl exits the process on some malformed attributes (abi_breakage());
 * the dataplane therefore has nfvpn-nftc --validate parse a load in a child
 * first and refuses what it refuses; libnftnl also crashes on some (a rule
 * expression without a name: a NULL strcmp), which the child's death
 * refuses too. This target does the same with a fork: an input the child
 * does not parse to its end is refused; one it does is parsed again here,
 * then compiled (the compiler, ours, runs in-process only).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nfv_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* false when libnftnl, in a child, exits or dies on the input: the dataplane
 * (nfvpn-nftc --validate) refuses it */
static bool parses_apart(const uint8_t *data, size_t size)
{
	struct nfv_nft_objs objs;
	char err[256];
	int status;
	pid_t pid = fork();

	if (pid < 0)
		abort();
	if (pid == 0) {
		if (nfv_nft_objs_init(&objs) == 0)
			nfv_nft_objs_add_stream(&objs, data, size, err, sizeof(err));
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nfv_filter_ifaces ifaces = {
		.nb_ports = 2,
		.port = { { "p0", 1, 1, 1500 }, { "p1", 2, 1, 1500 } },
	};
	struct nfv_filter_config cfg = {
		.nb_workers = 2, .hz = 1000, .ifaces = &ifaces,
	};
	struct nfv_nft_objs objs;
	char err[512];
	int ret;

	if (!parses_apart(data, size))
		return 0;
	if (nfv_nft_objs_init(&objs) != 0)
		abort();
	err[0] = '\0';
	ret = nfv_nft_objs_add_stream(&objs, data, size, err, sizeof(err));
	if (ret == 0) {
		err[0] = '\0';
		ret = nfv_filter_ruleset_check(&objs, &cfg, err, sizeof(err));
	}
	/* a refusal says why; an acceptance says nothing */
	if (memchr(err, '\0', sizeof(err)) == NULL || (ret != 0 && err[0] == '\0' &&
						       ret != -ENOMEM))
		abort();
	nfv_nft_objs_fini(&objs);
	return 0;
}
