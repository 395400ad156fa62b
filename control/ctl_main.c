/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnctl's front: global options, command lookup, the messages every
 * command shares and the connection, opened on the first request.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "nfv_build.h"

int ctl_usage(struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	fputs("nfvpnctl: ", ctl->err);
	if (ctl->cmd != NULL)
		fprintf(ctl->err, "%s: ", ctl->cmd->name);
	va_start(ap, fmt);
	vfprintf(ctl->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctl->err);
	if (ctl->cmd != NULL)
		ctl_print_usage(ctl, ctl->cmd);
	else
		fputs("Try \"nfvpnctl help\".\n", ctl->err);
	return CTL_EXIT_USAGE;
}

int ctl_fail(struct ctl *ctl)
{
	fprintf(ctl->err, "nfvpnctl: %s: %s\n", ctl->cmd->name, ctl->client.err);
	return CTL_EXIT_FAIL;
}

int ctl_no_args(struct ctl *ctl, int argc, char **argv)
{
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument \"%s\"", argv[0]);
	return 0;
}

int ctl_connect(struct ctl *ctl)
{
	int ret;

	if (ctl->connected)
		return 0;
	ret = nfv_client_open(&ctl->client, ctl->socket);
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: %s\n", ctl->client.err);
		if (ret == -ENOENT || ret == -ECONNREFUSED)
			fputs("nfvpnctl: is nfvpn-dataplane running? --socket PATH or NFVPN_SOCKET selects another socket\n",
			      ctl->err);
		return CTL_EXIT_CONNECT;
	}
	ctl->connected = true;
	return 0;
}

int ctl_request(struct ctl *ctl, uint16_t type, const void *req, uint32_t len)
{
	int ret = ctl_connect(ctl);

	if (ret != 0)
		return ret;
	if (nfv_client_request(&ctl->client, type, req, len, NULL, NULL) < 0)
		return ctl_fail(ctl);
	return 0;
}

static const struct ctl_cmd *find_cmd(const char *name)
{
	unsigned int i;

	for (i = 0; i < ctl_nb_cmds; i++)
		if (strcmp(ctl_cmds[i].name, name) == 0)
			return &ctl_cmds[i];
	return NULL;
}

/* "hook add" from two words; NULL when there is no such pair. */
static const struct ctl_cmd *find_sub(const char *group, const char *sub)
{
	char name[64];

	if (snprintf(name, sizeof(name), "%s %s", group, sub) >= (int)sizeof(name))
		return NULL;
	return find_cmd(name);
}

/* The subcommands of group ("add or del"), for messages. */
static void print_subs(struct ctl *ctl, const char *group)
{
	size_t len = strlen(group);
	unsigned int i, n = 0, total = 0;

	for (i = 0; i < ctl_nb_cmds; i++)
		total += strncmp(ctl_cmds[i].name, group, len) == 0 &&
			 ctl_cmds[i].name[len] == ' ';
	for (i = 0; i < ctl_nb_cmds; i++) {
		if (strncmp(ctl_cmds[i].name, group, len) != 0 ||
		    ctl_cmds[i].name[len] != ' ')
			continue;
		n++;
		fprintf(ctl->err, "%s%s", n == 1 ? "" : n == total ? " or " : ", ",
			ctl_cmds[i].name + len + 1);
	}
}

static bool is_group(const char *word)
{
	size_t len = strlen(word);
	unsigned int i;

	for (i = 0; i < ctl_nb_cmds; i++)
		if (strncmp(ctl_cmds[i].name, word, len) == 0 &&
		    ctl_cmds[i].name[len] == ' ')
			return true;
	return false;
}

static int dispatch(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *cmd = NULL;
	int used = 1;

	if (argc == 0)
		return ctl_usage(ctl, "missing command");
	if (argc > 1)
		cmd = find_sub(argv[0], argv[1]);
	/* "route list", "sa show": a group's listing by ip(8)'s words */
	if (cmd == NULL && argc > 1 && is_group(argv[0]) &&
	    (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "show") == 0)) {
		cmd = find_cmd(argv[0]);
		if (cmd != NULL && cmd->args[0] != '\0')
			cmd = NULL;
	}
	if (cmd != NULL) {
		used = 2;
	} else if (is_group(argv[0]) &&
		   (argc > 1 || find_cmd(argv[0]) == NULL)) {
		fprintf(ctl->err, "nfvpnctl: %s: ", argv[0]);
		if (argc > 1)
			fprintf(ctl->err, "unknown subcommand \"%s\"", argv[1]);
		else
			fputs("missing subcommand", ctl->err);
		fputs("; expected ", ctl->err);
		print_subs(ctl, argv[0]);
		fprintf(ctl->err, "\nTry \"nfvpnctl help %s\".\n", argv[0]);
		return CTL_EXIT_USAGE;
	} else {
		cmd = find_cmd(argv[0]);
	}
	if (cmd == NULL)
		return ctl_usage(ctl, "unknown command \"%s\"", argv[0]);
	ctl->cmd = cmd;
	return cmd->run(ctl, argc - used, argv + used);
}

int nfv_ctl_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl ctl = { .out = out, .err = err };
	const char *sock = NULL;
	char **args;
	int i, n = 0, ret;
	bool plain = false;

	args = calloc((size_t)argc + 1, sizeof(*args));
	if (args == NULL) {
		fputs("nfvpnctl: out of memory\n", err);
		return CTL_EXIT_FAIL;
	}
	/* Global options go anywhere before "--"; the rest is the command's. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (plain) {
			args[n++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			plain = true;
		} else if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
			ctl.json = true;
		} else if (strcmp(a, "--socket") == 0 || strcmp(a, "-s") == 0) {
			if (i + 1 == argc || argv[i + 1][0] == '\0') {
				ret = ctl_usage(&ctl, "%s needs a PATH", a);
				goto out;
			}
			sock = argv[++i];
		} else if (strncmp(a, "--socket=", 9) == 0) {
			if (a[9] == '\0') {
				ret = ctl_usage(&ctl, "--socket needs a PATH");
				goto out;
			}
			sock = a + 9;
		} else if ((strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) && n == 0) {
			args[n++] = (char *)"help";
		} else if (strcmp(a, "--version") == 0 && n == 0) {
			fprintf(out, "nfvpnctl (nfvpn) %s\n", NFV_VERSION);
			ret = 0;
			goto out;
		} else if (a[0] == '-' && a[1] != '\0' && n == 0) {
			ret = ctl_usage(&ctl, "unknown option \"%s\"", a);
			goto out;
		} else {
			args[n++] = argv[i];
		}
	}
	ctl.socket = nfv_client_socket_path(sock);
	ret = dispatch(&ctl, n, args);
	if (ctl.connected)
		nfv_client_close(&ctl.client);
out:
	fflush(out);
	free(args);
	return ret;
}
