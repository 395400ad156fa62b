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
 *   nfvpn-nftc rules.nft | xxd | head
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfv_nftc_compile.h"
#include "nfv_policy_filter.h"

static char *read_text(FILE *f, const char *name)
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
	return buf;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s [--name NAME] [FILE]\n"
		"  nft text (FILE or standard input) in, netlink messages out;\n"
		"  --name NAME  what nft's error messages call the text (default FILE)\n",
		NFV_NFTC_NAME);
	return NFV_NFTC_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = "-", *name = NULL;
	FILE *f = stdin;
	char *text;
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'n')
			return usage();
		name = optarg;
	}
	if (optind < argc - 1)
		return usage();
	if (optind == argc - 1)
		file = argv[optind];
	if (name == NULL)
		name = strcmp(file, "-") != 0 ? file : "stdin";
	if (isatty(STDOUT_FILENO)) {
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
	text = read_text(f, file);
	if (f != stdin)
		fclose(f);
	if (text == NULL)
		return NFV_NFTC_FAILED;
	ret = nfv_nftc_run(text, name, STDOUT_FILENO, STDERR_FILENO);
	free(text);
	return ret;
}
