/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnctl capture PORT [file PATH] [count N] [duration S] [filter EXPR]
 * [snaplen N] [dry-run]: pcapng of a port of the running dataplane, named
 * as the policy names it. A thin wrapper: dpdk-dumpcap does the capture, as
 * a DPDK secondary process of the dataplane; nfvpnctl asks the dataplane
 * for what dumpcap must be told (its --file-prefix, NFV_MSG_CAPTURE_INFO,
 * and the port's DPDK id, NFV_MSG_PORTS) and runs it. $NFVPN_DUMPCAP names
 * another dumpcap than the one on PATH.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_json.h"

#define CAPTURE_ARGV_MAX 16

struct capture_args {
	const char *port;
	const char *file;
	const char *filter;
	uint64_t count;		/* 0: until Ctrl-C (or duration) */
	uint64_t duration;	/* seconds; 0: none */
	uint64_t snaplen;	/* 0: dumpcap's */
	bool dry_run;
};

static int parse_args(struct ctl *ctl, int argc, char **argv, struct capture_args *a)
{
	if (argc == 0)
		return ctl_usage(ctl, "missing PORT");
	a->port = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t *n = NULL;

		if (strcmp(k, "dry-run") == 0) {
			a->dry_run = true;
			continue;
		}
		if (v == NULL)
			return ctl_usage(ctl, "%s needs a value", k);
		i++;
		if (strcmp(k, "file") == 0)
			a->file = v;
		else if (strcmp(k, "filter") == 0)
			a->filter = v;
		else if (strcmp(k, "count") == 0)
			n = &a->count;
		else if (strcmp(k, "duration") == 0)
			n = &a->duration;
		else if (strcmp(k, "snaplen") == 0)
			n = &a->snaplen;
		else
			return ctl_usage(ctl, "unknown option %s", k);
		if (n != NULL && (ctl_parse_uint(v, UINT32_MAX, n) < 0 || *n == 0))
			return ctl_usage(ctl, "%s: %s is not a number from 1 to %" PRIu32, k, v,
					 UINT32_MAX);
		if (v[0] == '\0')
			return ctl_usage(ctl, "%s: empty", k);
	}
	return 0;
}

/* The DPDK port id of the port the policy names name. */
static int find_port(struct ctl *ctl, const char *name, uint16_t *port_id)
{
	struct nfv_msg_port *ports;
	uint32_t n, i;
	int ret = ctl_list(ctl, NFV_MSG_PORTS, sizeof(*ports), (void **)&ports, &n);

	if (ret != 0)
		return ret;
	for (i = 0; i < n; i++)
		if (strncmp(ports[i].name, name, sizeof(ports[i].name)) == 0)
			break;
	if (i < n)
		*port_id = ports[i].port_id;
	free(ports);
	if (i == n) {
		fprintf(ctl->err, "nfvpnctl: capture: no port %s (nfvpnctl ports lists them)\n", name);
		return CTL_EXIT_FAIL;
	}
	return 0;
}

static int capture_info(struct ctl *ctl, struct nfv_msg_capture_info *ci)
{
	uint32_t len;
	void *resp;
	int ret = ctl_connect(ctl);

	if (ret != 0)
		return ret;
	if (nfv_client_request(&ctl->client, NFV_MSG_CAPTURE_INFO, NULL, 0, &resp, &len) < 0)
		return ctl_fail(ctl);
	if (len < sizeof(*ci)) {
		snprintf(ctl->client.err, sizeof(ctl->client.err),
			 "capture info of %u bytes, expected %zu", len, sizeof(*ci));
		free(resp);
		return ctl_fail(ctl);
	}
	memcpy(ci, resp, sizeof(*ci));
	free(resp);
	ci->file_prefix[sizeof(ci->file_prefix) - 1] = '\0';
	if (!ci->hugepages || !ci->served) {
		fprintf(ctl->err, "nfvpnctl: capture: the dataplane %s: no DPDK secondary process "
			"can attach to it (docs/dataplane.md, \"Packet capture\")\n",
			!ci->hugepages ? "runs without hugepages (--no-huge)" :
			"serves no packet capture (rte_pdump_init failed: see its log)");
		return CTL_EXIT_FAIL;
	}
	return 0;
}

/* Writes dumpcap's command line into argv (words holds the numbers). */
static void build_argv(const struct capture_args *a, const struct nfv_msg_capture_info *ci,
		       uint16_t port_id, char words[5][80], const char **argv)
{
	const char *dumpcap = getenv("NFVPN_DUMPCAP");
	unsigned int n = 0;

	argv[n++] = dumpcap != NULL && dumpcap[0] != '\0' ? dumpcap : "dpdk-dumpcap";
	snprintf(words[0], sizeof(words[0]), "--file-prefix=%s", ci->file_prefix);
	argv[n++] = words[0];
	argv[n++] = "-i";
	snprintf(words[1], sizeof(words[1]), "%u", port_id);
	argv[n++] = words[1];
	if (a->file != NULL) {
		argv[n++] = "-w";
		argv[n++] = a->file;
	}
	if (a->count) {
		snprintf(words[2], sizeof(words[2]), "%" PRIu64, a->count);
		argv[n++] = "-c";
		argv[n++] = words[2];
	}
	if (a->duration) {
		snprintf(words[3], sizeof(words[3]), "duration:%" PRIu64, a->duration);
		argv[n++] = "-a";
		argv[n++] = words[3];
	}
	if (a->snaplen) {
		snprintf(words[4], sizeof(words[4]), "%" PRIu64, a->snaplen);
		argv[n++] = "-s";
		argv[n++] = words[4];
	}
	if (a->filter != NULL) {
		argv[n++] = "-f";
		argv[n++] = a->filter;
	}
	argv[n] = NULL;
}

/* A word as sh reads it back: quoted unless plain. */
static void print_word(FILE *f, const char *w)
{
	if (w[0] != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789-_=:/.,+@%") == strlen(w)) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w != '\0'; w++)
		if (*w == '\'')
			fputs("'\\''", f);
		else
			fputc(*w, f);
	fputc('\'', f);
}

static void print_json(struct ctl *ctl, const struct capture_args *a,
		       const struct nfv_msg_capture_info *ci, uint16_t port_id,
		       const char **argv, int status)
{
	struct ctl_json j;

	ctl_json_init(&j, ctl->out, true);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_str(&j, "port", a->port);
	ctl_json_u64(&j, "port_id", port_id);
	ctl_json_str(&j, "file_prefix", ci->file_prefix);
	if (a->file != NULL)
		ctl_json_str(&j, "file", a->file);
	else
		ctl_json_null(&j, "file");
	ctl_json_arr_begin(&j, "command");
	for (unsigned int i = 0; argv[i] != NULL; i++)
		ctl_json_str(&j, NULL, argv[i]);
	ctl_json_arr_end(&j);
	if (a->dry_run)
		ctl_json_null(&j, "status");
	else
		ctl_json_i64(&j, "status", status);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
}

/*
 * Runs argv and waits. Ctrl-C reaches dumpcap too (same process group):
 * it ends the capture and closes the file; nfvpnctl waits for that. With
 * --json, what dumpcap prints goes to stderr: stdout is the JSON's.
 */
static int run_dumpcap(struct ctl *ctl, const char **argv)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_term;
	int status = 0;
	pid_t pid;

	fflush(ctl->out);
	fflush(ctl->err);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &ign, &old_term);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		if (ctl->json && dup2(fileno(ctl->err), STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		fprintf(ctl->err, "nfvpnctl: capture: cannot run %s: %s%s\n", argv[0],
			strerror(errno), errno == ENOENT ? " (Debian package dpdk-dev; or set NFVPN_DUMPCAP)" : "");
		_exit(127);
	}
	if (pid < 0) {
		fprintf(ctl->err, "nfvpnctl: capture: fork: %s\n", strerror(errno));
		status = -1;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (pid < 0)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int ctl_cmd_capture(struct ctl *ctl, int argc, char **argv)
{
	struct capture_args a = { 0 };
	struct nfv_msg_capture_info ci;
	const char *cmd[CAPTURE_ARGV_MAX];
	char words[5][80];
	uint16_t port_id = 0;
	int ret, status = 0;

	ret = parse_args(ctl, argc, argv, &a);
	if (ret == 0)
		ret = find_port(ctl, a.port, &port_id);
	if (ret == 0)
		ret = capture_info(ctl, &ci);
	if (ret != 0)
		return ret;
	/* dumpcap talks to the dataplane itself: this connection is done */
	nfv_client_close(&ctl->client);
	ctl->connected = false;
	build_argv(&a, &ci, port_id, words, cmd);
	if (!a.dry_run) {
		status = run_dumpcap(ctl, cmd);
		if (status != 0 && status != 127)
			fprintf(ctl->err, "nfvpnctl: capture: %s exited with status %d. It attaches "
				"only to a dataplane that runs without --huge-unlink or --in-memory, and "
				"at the same addresses: where it says \"Cannot get a virtual area\", start "
				"the dataplane with --base-virtaddr (docs/dataplane.md, \"Packet "
				"capture\")\n", cmd[0], status);
	}
	if (ctl->json) {
		print_json(ctl, &a, &ci, port_id, cmd, status);
	} else if (a.dry_run) {
		for (unsigned int i = 0; cmd[i] != NULL; i++) {
			if (i > 0)
				fputc(' ', ctl->out);
			print_word(ctl->out, cmd[i]);
		}
		fputc('\n', ctl->out);
	}
	return status == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}
