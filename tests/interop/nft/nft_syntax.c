/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nft_syntax FILE...: each file an nft ruleset, loaded by nfvpn-nftc (nft
 * into a kernel of its own network namespace, as the dataplane's control
 * side does) and compiled by hooks/filter; one line per file on stdout:
 *
 *   FILE<TAB>ok
 *   FILE<TAB>kernel<TAB>what nft or the kernel said      (not ours to count)
 *   FILE<TAB>refused<TAB>what the compiler said
 *
 * For syntax_share.sh. Needs root (the namespace).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_filter.h"
#include "nfv_nftc.h"
#include "nfv_test.h"

static uint64_t clock_zero(void)
{
	return 0;
}

/* The dataplane always has a routing table for fib; compiling asks none */
static uint8_t no_route(const void *ctx, uint8_t nfproto, const uint8_t *addr, uint16_t *port)
{
	return 0;	/* RTN_UNSPEC */
}

/* The first line of s, tabs made spaces: one field of the output */
static void print_field(const char *s)
{
	for (; *s != '\0' && *s != '\n'; s++)
		putchar(*s == '\t' ? ' ' : *s);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *b = realloc(buf, cap + 65536);

			if (b == NULL)
				break;
			buf = b;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	struct nfv_filter_ifaces ifaces = { 0 };
	struct nfv_filter_fib fib = { .route = no_route };
	struct nfv_filter_config cfg = {
		.nb_workers = 1, .hz = 1000, .ifaces = &ifaces, .clock = clock_zero, .fib = &fib,
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s ruleset.nft...\n", argv[0]);
		return 2;
	}
	nfv_test_eal_init(argv[0]);
	for (int i = 1; i < argc; i++) {
		struct nfv_filter_ruleset *rs = NULL;
		struct nfv_nftc_out msgs = { 0 };
		struct nfv_nft_objs objs;
		char err[1024] = "";
		char *text = read_file(argv[i]);
		int ret;

		printf("%s\t", argv[i]);
		if (text == NULL) {
			printf("kernel\tcannot read the file\n");
			continue;
		}
		ret = nfv_nftc_spawn(text, "nft", &msgs, err, sizeof(err));
		free(text);
		if (ret < 0) {
			printf("kernel\t");
			print_field(err);
			putchar('\n');
			nfv_nftc_out_fini(&msgs);
			continue;
		}
		ret = nfv_nft_objs_init(&objs);
		if (ret == 0) {
			ret = nfv_nft_objs_add_stream(&objs, msgs.msgs, msgs.len, err, sizeof(err));
			if (ret == 0)
				ret = nfv_filter_ruleset_build(&objs, &cfg, &rs, err, sizeof(err));
			nfv_nft_objs_fini(&objs);
		}
		nfv_nftc_out_fini(&msgs);
		if (ret == 0) {
			printf("ok\n");
			nfv_filter_ruleset_free(rs);
		} else {
			printf("refused\t");
			print_field(err[0] ? err : "(no message)");
			putchar('\n');
		}
		fflush(stdout);
	}
	return 0;
}
