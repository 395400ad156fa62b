/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-nftc [--name NAME] [FILE]: compiles nft text (FILE, or standard
 * input) into the nf_tables netlink messages of the ruleset, written to
 * standard output; nft's error message, which calls the text NAME, goes
 * to standard error. Exit status: 0, 1 when nft
 * refused the text, 2 usage, 3 when it could not compile (no namespace,
 * no nf_tables). The dataplane runs it before the EAL starts, so that the
 * DPDK process neither links libnftables nor forks itself.
 *
 * nfvpn-nftc --validate [FILE]: netlink messages in; exit 0 when libnftnl
 * parses every one (it exits 1 itself on some malformed attributes).
 *
 * nfvpn-nftc --list [--handles] [--counters FD] [FILE]: the way back,
 * netlink messages in (as compiled, or as the dataplane holds them), nft
 * text out, as nft list ruleset prints it; rule counters from the
 * struct nfv_msg_filter_obj records readable on FD (nfvpnctl ruleset).
 *
 *   nfvpn-nftc rules.nft | xxd | head
 *   nfvpn-nftc rules.nft | nfvpn-nftc --list
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfv_build.h"

#include "nfv_nftc_compile.h"
#include "nfv_policy_filter.h"

static char *read_text(FILE *f, const char *name, size_t *lenp)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *nb;
	size_t n;

	while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 < cap)
			continue;
		if (cap >= NFV_POLICY_FILTER_NFT_MAX) {
			fprintf(stderr, "%s: %s is over %u MiB\n", NFV_NFTC_NAME, name,
				NFV_POLICY_FILTER_NFT_MAX >> 20);
			free(buf);
			return NULL;
		}
		nb = realloc(buf, cap * 2);
		if (nb == NULL)
			free(buf);
		buf = nb;
		cap *= 2;
	}
	if (buf == NULL || ferror(f)) {
		fprintf(stderr, "%s: reading %s: %s\n", NFV_NFTC_NAME, name,
			strerror(buf ? errno : ENOMEM));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

static int usage(FILE *out)
{
	fprintf(out, "usage: %s [--name NAME] [FILE]\n"
		"       %s --validate [FILE]\n"
		"       %s --list [--handles] [--counters FD] [FILE]\n"
		"       %s --help | --version\n"
		"  nft text (FILE or standard input) in, netlink messages out;\n"
		"  nfvpn-dataplane runs it for a policy's filter.nft and filter.file\n"
		"  --name NAME    what nft's error messages call the text (default FILE)\n"
		"  --validate     netlink messages in: exit 0 when libnftnl parses them all\n"
		"  --list         netlink messages in, nft text out (nft list ruleset)\n"
		"  --handles      with the input's handles (nft -a)\n"
		"  --counters FD  rule counters: struct nfv_msg_filter_obj records on FD\n",
		NFV_NFTC_NAME, NFV_NFTC_NAME, NFV_NFTC_NAME, NFV_NFTC_NAME);
	return out == stdout ? 0 : NFV_NFTC_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "list", no_argument, NULL, 'l' },
		{ "validate", no_argument, NULL, 'v' },
		{ "handles", no_argument, NULL, 'a' },
		{ "counters", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = "-", *name = NULL;
	bool list = false, handles = false, validate = false;
	char *text, *ctrs = NULL, *end;
	size_t len = 0, clen = 0;
	int c, ret, cfd = -1;
	FILE *f = stdin;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'v':
			validate = true;
			break;
		case 'a':
			handles = true;
			break;
		case 'c':
			cfd = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || cfd < 0)
				return usage(stderr);
			break;
		case 'h':
			return usage(stdout);
		case 'V':
			printf("%s (nfvpn) %s\n", NFV_NFTC_NAME, NFV_VERSION);
			return 0;
		default:
			return usage(stderr);
		}
	}
	if ((!list && (handles || cfd >= 0)) || (list && validate))
		return usage(stderr);
	if (optind < argc - 1)
		return usage(stderr);
	if (optind == argc - 1)
		file = argv[optind];
	if (name == NULL)
		name = strcmp(file, "-") != 0 ? file : "stdin";
	if (!list && !validate && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: the output is binary; pipe it (e.g. | xxd)\n", NFV_NFTC_NAME);
		return NFV_NFTC_USAGE;
	}
	if (strcmp(file, "-") != 0) {
		f = fopen(file, "r");
		if (f == NULL) {
			fprintf(stderr, "%s: %s: %s\n", NFV_NFTC_NAME, file, strerror(errno));
			return NFV_NFTC_USAGE;
		}
	}
	text = read_text(f, file, &len);
	if (f != stdin)
		fclose(f);
	if (text == NULL)
		return NFV_NFTC_FAILED;
	if (validate) {
		ret = nfv_nftc_validate(text, len, STDERR_FILENO);
		free(text);
		return ret;
	}
	if (!list) {
		ret = nfv_nftc_run(text, name, STDOUT_FILENO, STDERR_FILENO);
		free(text);
		return ret;
	}
	if (cfd >= 0) {
		FILE *cf = fdopen(cfd, "r");

		ctrs = cf ? read_text(cf, "the counters", &clen) : NULL;
		if (cf != NULL)
			fclose(cf);
		if (ctrs == NULL) {
			free(text);
			return NFV_NFTC_FAILED;
		}
	}
	ret = nfv_nftc_list(text, len, ctrs, clen, handles, STDOUT_FILENO, STDERR_FILENO);
	free(ctrs);
	free(text);
	return ret;
}
