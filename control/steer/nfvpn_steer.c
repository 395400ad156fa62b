/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-steer: a tiny CLI over nfv_steer, for tests and for hands on a
 * host before nfvpnd programs the stub itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_build.h"
#include "nfv_steer.h"

#define NFV_MAX_WORDS	64

static void usage_to(FILE *f)
{
	fprintf(f,
		"usage: nfvpn-steer target IFNAME [lladdr MAC] | target none\n"
		"       nfvpn-steer add [pos N] SELECTOR\n"
		"       nfvpn-steer del ID | flush | list | stats\n"
		"       nfvpn-steer replace FILE|-   (one SELECTOR a line)\n"
		"SELECTOR: id N [family inet|inet6] [proto P] [src A[/L]] [dst A[/L]]\n"
		"          [sport A[-B]] [dport A[-B]] [iif IFNAME] [mark M[/MASK]]\n"
		"          [hook pre|out|all] [action steer|pass]\n"
		"       nfvpn-steer --help | --version\n");
}

static void usage(void)
{
	usage_to(stderr);
	exit(2);
}

static int fail(struct nfv_steer *st, const char *what, int err)
{
	const char *msg = st ? nfv_steer_errmsg(st) : "";

	fprintf(stderr, "nfvpn-steer: %s: %s%s%s\n", what, strerror(-err),
		*msg ? ": " : "", msg);
	return 1;
}

static int print_sel(const struct nfv_steer_sel *sel, void *arg)
{
	char line[512];

	(void)arg;
	nfv_steer_sel_format(sel, line, sizeof(line));
	printf("%s\n", line);
	return 0;
}

static int cmd_replace(struct nfv_steer *st, const char *path)
{
	struct nfv_steer_sel *sels = NULL, *tmp;
	char line[1024], err[128], *words[NFV_MAX_WORDS], *tok;
	unsigned int n = 0, lineno = 0;
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int nw, rc = 1;

	if (!f) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		nw = 0;
		for (tok = strtok(line, " \t\r\n"); tok && nw < NFV_MAX_WORDS;
		     tok = strtok(NULL, " \t\r\n"))
			words[nw++] = tok;
		if (!nw || words[0][0] == '#')
			continue;
		tmp = realloc(sels, (n + 1) * sizeof(*sels));
		if (!tmp)
			goto out;
		sels = tmp;
		if (nfv_steer_sel_parse(&sels[n], nw, words, err, sizeof(err))) {
			fprintf(stderr, "%s:%u: %s\n", path, lineno, err);
			goto out;
		}
		n++;
	}
	rc = nfv_steer_replace(st, sels, n);
	rc = rc ? fail(st, "replace", rc) : 0;
out:
	if (f != stdin)
		fclose(f);
	free(sels);
	return rc;
}

static int cmd_target(struct nfv_steer *st, int argc, char **argv)
{
	unsigned int m[6];
	uint8_t mac[6];
	int i, rc;

	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "lladdr")))
		usage();
	if (argc == 3) {
		if (sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			   &m[3], &m[4], &m[5]) != 6)
			usage();
		for (i = 0; i < 6; i++)
			mac[i] = m[i];
	}
	rc = nfv_steer_set_target(st, strcmp(argv[0], "none") ? argv[0] : NULL,
				  argc == 3 ? mac : NULL);
	return rc ? fail(st, "target", rc) : 0;
}

static int cmd_add(struct nfv_steer *st, int argc, char **argv)
{
	struct nfv_steer_sel sel;
	char err[128];
	int pos = -1, rc;

	if (argc >= 2 && !strcmp(argv[0], "pos")) {
		pos = atoi(argv[1]);
		argc -= 2;
		argv += 2;
	}
	if (nfv_steer_sel_parse(&sel, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "nfvpn-steer: %s\n", err);
		return 2;
	}
	rc = nfv_steer_add(st, &sel, pos);
	return rc ? fail(st, "add", rc) : 0;
}

static int cmd_stats(struct nfv_steer *st)
{
	struct nfv_steer_stats s;
	int rc;

	rc = nfv_steer_stats(st, &s);
	if (rc)
		return fail(st, "stats", rc);
	printf("target %s ifindex %u generation %u count %u steered %llu steered_bytes %llu "
	       "no_target %llu target_down %llu no_headroom %llu xmit_err %llu loop %llu\n",
	       s.target[0] ? s.target : "none", s.target_ifindex, s.generation,
	       s.count, (unsigned long long)s.steered,
	       (unsigned long long)s.steered_bytes, (unsigned long long)s.no_target,
	       (unsigned long long)s.target_down, (unsigned long long)s.no_headroom,
	       (unsigned long long)s.xmit_err, (unsigned long long)s.loop);
	return 0;
}

int main(int argc, char **argv)
{
	struct nfv_steer *st;
	const char *cmd;
	int rc;

	if (argc < 2)
		usage();
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage_to(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("nfvpn-steer (nfvpn) %s\n", NFV_VERSION);
		return 0;
	}
	rc = nfv_steer_open(&st);
	if (rc)
		return fail(NULL, "open", rc);

	if (!strcmp(cmd, "target") && argc >= 3)
		rc = cmd_target(st, argc - 2, argv + 2);
	else if (!strcmp(cmd, "add"))
		rc = cmd_add(st, argc - 2, argv + 2);
	else if (!strcmp(cmd, "del") && argc == 3)
		rc = (rc = nfv_steer_del(st, strtoul(argv[2], NULL, 0))) ?
		     fail(st, "del", rc) : 0;
	else if (!strcmp(cmd, "flush"))
		rc = (rc = nfv_steer_flush(st)) ? fail(st, "flush", rc) : 0;
	else if (!strcmp(cmd, "replace") && argc == 3)
		rc = cmd_replace(st, argv[2]);
	else if (!strcmp(cmd, "list"))
		rc = (rc = nfv_steer_dump(st, print_sel, NULL)) ?
		     fail(st, "list", rc) : 0;
	else if (!strcmp(cmd, "stats"))
		rc = cmd_stats(st);
	else
		usage();
	nfv_steer_close(st);
	return rc;
}
