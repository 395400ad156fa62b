/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload, diff, daemon, events, steer: the commands that talk to nfvpnd
 * (its own socket), follow the dataplane's events, or read the kernel
 * stub's selectors and counters (control/steer).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "nfv_event.h"
#include "nfv_steer.h"
#include "nfvpnd/nfvpnd_msg.h"

static const char *daemon_socket(void)
{
	const char *s = getenv("NFVPND_SOCKET");

	return s != NULL && s[0] != '\0' ? s : NFVPND_SOCKET_DEFAULT;
}

/* One request to nfvpnd; prints its text to out (ok) or err (failed). */
static int daemon_request(struct ctl *ctl, uint16_t type, const char *arg)
{
	struct nfv_client c = { .fd = -1 };
	char *text = NULL;
	uint32_t len = 0;
	int ret;

	ret = nfv_client_open(&c, daemon_socket());
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: %s\nnfvpnctl: is nfvpnd running? NFVPND_SOCKET selects another socket\n",
			c.err);
		return CTL_EXIT_FAIL;
	}
	ret = nfv_client_request(&c, type, arg, arg ? strlen(arg) + 1 : 0, (void **)&text, &len);
	if (ret < 0)
		fprintf(ctl->err, "nfvpnctl: %s%s", c.err,
			c.err[0] && c.err[strlen(c.err) - 1] == '\n' ? "" : "\n");
	else if (text != NULL && len > 0)
		fprintf(ctl->out, "%.*s", (int)strnlen(text, len), text);
	free(text);
	nfv_client_close(&c);
	return ret < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}

int ctl_cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	int ret = ctl_no_args(ctl, argc, argv);

	return ret ? ret : daemon_request(ctl, NFVPND_REQ_RELOAD, NULL);
}

int ctl_cmd_daemon(struct ctl *ctl, int argc, char **argv)
{
	int ret = ctl_no_args(ctl, argc, argv);

	return ret ? ret : daemon_request(ctl, NFVPND_REQ_STATUS, NULL);
}

int ctl_cmd_diff(struct ctl *ctl, int argc, char **argv)
{
	char path[PATH_MAX];

	if (argc > 1)
		return ctl_usage(ctl, "diff takes one file");
	/* nfvpnd runs elsewhere: give it an absolute path */
	if (argc == 1 && realpath(argv[0], path) == NULL) {
		fprintf(ctl->err, "nfvpnctl: %s: %s\n", argv[0], strerror(errno));
		return CTL_EXIT_FAIL;
	}
	return daemon_request(ctl, NFVPND_REQ_DIFF, argc == 1 ? path : "");
}

/* events [--count N]: follows the dataplane's events until N or a signal. */
int ctl_cmd_events(struct ctl *ctl, int argc, char **argv)
{
	uint64_t max = 0, seen = 0;
	int ret;

	if (argc == 2 && strcmp(argv[0], "--count") == 0) {
		if (ctl_parse_uint(argv[1], UINT32_MAX, &max) < 0 || max == 0)
			return ctl_usage(ctl, "--count takes a positive number");
	} else if (argc != 0) {
		return ctl_usage(ctl, "events takes only --count N");
	}
	ret = ctl_request(ctl, NFV_MSG_EVENTS, NULL, 0);
	if (ret)
		return ret;
	fflush(ctl->out);
	while (max == 0 || seen < max) {
		struct nfv_client_msg m;
		struct nfv_msg_event *e;
		char when[32];
		struct tm tm;
		time_t t;

		ret = nfv_client_recv(&ctl->client, -1, &m);
		if (ret == -EINTR)
			return CTL_EXIT_OK;
		if (ret < 0)
			return ctl_fail(ctl);
		e = m.payload;
		if (m.hdr.type != NFV_MSG_EVENT || m.hdr.len < sizeof(*e)) {
			free(m.payload);
			continue;
		}
		e->object[sizeof(e->object) - 1] = e->text[sizeof(e->text) - 1] = '\0';
		t = e->time_ns / 1000000000ull;
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		if (ctl->json)
			fprintf(ctl->out, "{\"time_ns\":%lu,\"event\":\"%s\",\"object\":\"%s\",\"value\":%lu,\"worker\":%d}\n",
				(unsigned long)e->time_ns, nfv_event_name(e->type), e->object,
				(unsigned long)e->value, e->worker == UINT16_MAX ? -1 : e->worker);
		else
			fprintf(ctl->out, "%s.%03u %s %s value %lu%s: %s\n", when,
				(unsigned int)(e->time_ns / 1000000 % 1000), nfv_event_name(e->type),
				e->object, (unsigned long)e->value,
				e->worker == UINT16_MAX ? "" : " (worker)", e->text);
		fflush(ctl->out);
		free(m.payload);
		seen++;
	}
	return CTL_EXIT_OK;
}

static int print_sel(const struct nfv_steer_sel *sel, void *arg)
{
	struct ctl *ctl = arg;
	char line[512];

	nfv_steer_sel_format(sel, line, sizeof(line));
	fprintf(ctl->out, "  %s\n", line);
	return 0;
}

/* steer: the stub's target, counters and selectors with their counters. */
int ctl_cmd_steer(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_steer_stats st;
	struct nfv_steer *h;
	int ret = ctl_no_args(ctl, argc, argv);

	if (ret)
		return ret;
	ret = nfv_steer_open(&h);
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: kernel stub: %s (is nfvpn_stub.ko loaded?)\n",
			strerror(-ret));
		return CTL_EXIT_FAIL;
	}
	ret = nfv_steer_stats(h, &st);
	if (ret == 0) {
		fprintf(ctl->out, "target %s (ifindex %u) generation %u selectors %u\n",
			st.target[0] ? st.target : "none", st.target_ifindex, st.generation,
			st.count);
		fprintf(ctl->out, "steered %lu packets %lu bytes; no_target %lu target_down %lu "
			"no_headroom %lu xmit_err %lu loop %lu\n",
			(unsigned long)st.steered, (unsigned long)st.steered_bytes,
			(unsigned long)st.no_target, (unsigned long)st.target_down,
			(unsigned long)st.no_headroom, (unsigned long)st.xmit_err,
			(unsigned long)st.loop);
		fprintf(ctl->out, "selectors:\n");
		ret = nfv_steer_dump(h, print_sel, ctl);
	}
	if (ret < 0)
		fprintf(ctl->err, "nfvpnctl: kernel stub: %s\n",
			nfv_steer_errmsg(h) ? nfv_steer_errmsg(h) : strerror(-ret));
	nfv_steer_close(h);
	return ret < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
