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
#include "ctl_json.h"
#include "nfv_event.h"
#include "nfv_steer.h"
#include "nfvpnd/nfvpnd_msg.h"

static const char *daemon_socket(void)
{
	const char *s = getenv("NFVPND_SOCKET");

	return s != NULL && s[0] != '\0' ? s : NFVPND_SOCKET_DEFAULT;
}

/*
 * One request to nfvpnd, one answer: its status (0 or -errno) in *status
 * and its whole text in *text (free() it; NULL when none). Returns 0, or
 * the exit code when there was no answer (printed).
 */
static int daemon_call(struct ctl *ctl, uint16_t type, const char *arg, int *status,
		       char **text)
{
	struct nfv_client c = { .fd = -1 };
	struct nfv_client_msg m = { 0 };
	int ret;

	*text = NULL;
	ret = nfv_client_open(&c, daemon_socket());
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: %s\nnfvpnctl: is nfvpnd running? NFVPND_SOCKET selects another socket\n",
			c.err);
		return CTL_EXIT_CONNECT;
	}
	ret = nfv_client_send(&c, type, 1, arg, arg ? strlen(arg) + 1 : 0);
	if (ret == 0)
		do
			ret = nfv_client_recv(&c, -1, &m);
		while (ret == -EINTR);
	/* a refusal at accept time answers with seq 0 before the request is read */
	if (ret == 0 && m.hdr.seq != 1 && m.hdr.status >= 0)
		ret = -EPROTO;
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: %s: %s\n", ctl->cmd->name,
			c.err[0] ? c.err : strerror(-ret));
		free(m.payload);
		nfv_client_close(&c);
		return CTL_EXIT_FAIL;
	}
	nfv_client_close(&c);
	*status = m.hdr.status;
	if (m.payload != NULL) {
		*text = m.payload;
		(*text)[m.hdr.len - 1] = '\0';	/* it is; never trust it */
	}
	return 0;
}

/* "key value" lines as one object; a value of digits only is a number. */
void ctl_daemon_status_json(struct ctl_json *j, const char *text)
{
	char key[64], val[512];

	ctl_json_obj_begin(j, NULL);
	while (*text != '\0') {
		const char *nl = strchr(text, '\n'), *sp;
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		uint64_t v;

		sp = memchr(text, ' ', len);
		if (sp != NULL && (size_t)(sp - text) < sizeof(key) && sp > text) {
			memcpy(key, text, (size_t)(sp - text));
			key[sp - text] = '\0';
			snprintf(val, sizeof(val), "%.*s", (int)(len - (size_t)(sp - text) - 1), sp + 1);
			if (ctl_parse_uint(val, UINT64_MAX, &v) == 0)
				ctl_json_u64(j, key, v);
			else
				ctl_json_str(j, key, val);
		}
		text += len + (nl != NULL);
	}
	ctl_json_obj_end(j);
}

/* reload's and diff's text: {"ok", "changes": [{"op", "what"}], "notes"}. */
void ctl_daemon_plan_json(struct ctl_json *j, const char *text, bool ok)
{
	const char *t;
	int pass;

	ctl_json_obj_begin(j, NULL);
	ctl_json_bool(j, "ok", ok);
	for (pass = 0; pass < 2; pass++) {
		ctl_json_arr_begin(j, pass == 0 ? "changes" : "notes");
		for (t = text; *t != '\0';) {
			const char *nl = strchr(t, '\n');
			size_t len = nl ? (size_t)(nl - t) : strlen(t);
			bool change = len > 2 && strchr("+-~", t[0]) != NULL && t[1] == ' ';
			char op[2] = { t[0], '\0' };

			if (change && pass == 0) {
				ctl_json_obj_begin(j, NULL);
				ctl_json_str(j, "op", op);
				ctl_json_strn(j, "what", t + 2, len - 2);
				ctl_json_obj_end(j);
			} else if (!change && pass == 1 && len > 0) {
				ctl_json_strn(j, NULL, t, len);
			}
			t += len + (nl != NULL);
		}
		ctl_json_arr_end(j);
	}
	ctl_json_obj_end(j);
}

/* The first line of text, for a message. */
static int first_line(const char *text)
{
	const char *nl = strchr(text, '\n');

	return nl ? (int)(nl - text) : (int)strlen(text);
}

/*
 * A request to nfvpnd, printed: the text (or its JSON) on stdout when it
 * answered; why it failed on stderr. A diff whose plan nfvpnd refuses
 * (-EPERM: a change that needs a restart) prints the plan and fails.
 */
static int daemon_request(struct ctl *ctl, uint16_t type, const char *arg)
{
	bool plan = type != NFVPND_REQ_STATUS;
	struct ctl_json j;
	char *text;
	int status, ret;

	ret = daemon_call(ctl, type, arg, &status, &text);
	if (ret != 0)
		return ret;
	if (ctl->json && (status == 0 || plan)) {
		ctl_json_init(&j, ctl->out, true);
		if (plan)
			ctl_daemon_plan_json(&j, text ? text : "", status == 0);
		else
			ctl_daemon_status_json(&j, text ? text : "");
		ctl_json_end(&j);
	} else if (text != NULL && (status == 0 || (type == NFVPND_REQ_DIFF && status == -EPERM))) {
		fputs(text, ctl->out);
	}
	if (status < 0) {
		if (type == NFVPND_REQ_DIFF && status == -EPERM)
			fprintf(ctl->err, "nfvpnctl: diff: a reload of this policy would fail: %.*s\n",
				text ? first_line(text) : 0, text ? text : "");
		else if (ctl->json || text == NULL || text[0] == '\0')
			fprintf(ctl->err, "nfvpnctl: %s: %.*s\n", ctl->cmd->name,
				text && text[0] ? first_line(text) : (int)strlen(strerror(-status)),
				text && text[0] ? text : strerror(-status));
		else
			fprintf(ctl->err, "nfvpnctl: %s: %s%s", ctl->cmd->name, text,
				text[strlen(text) - 1] == '\n' ? "" : "\n");
	}
	free(text);
	return status < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
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

/* One compact object a line: time_ns, event, object, value, worker (-1: none). */
static void event_json(struct ctl *ctl, const struct nfv_msg_event *e)
{
	struct ctl_json j;

	ctl_json_init(&j, ctl->out, false);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_u64(&j, "time_ns", e->time_ns);
	ctl_json_str(&j, "event", nfv_event_name(e->type));
	ctl_json_strn(&j, "object", e->object, strnlen(e->object, sizeof(e->object)));
	ctl_json_u64(&j, "value", e->value);
	ctl_json_i64(&j, "worker", e->worker == UINT16_MAX ? -1 : e->worker);
	ctl_json_strn(&j, "text", e->text, strnlen(e->text, sizeof(e->text)));
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
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
			event_json(ctl, e);
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

struct steer_out {
	struct ctl *ctl;
	struct ctl_json j;
};

static int print_sel(const struct nfv_steer_sel *sel, void *arg)
{
	struct steer_out *o = arg;
	char line[512];

	nfv_steer_sel_format(sel, line, sizeof(line));
	if (o->ctl->json)
		ctl_json_str(&o->j, NULL, line);
	else
		fprintf(o->ctl->out, "  %s\n", line);
	return 0;
}

static void steer_json_stats(struct ctl_json *j, const struct nfv_steer_stats *st)
{
	if (st->target[0] != '\0')
		ctl_json_strn(j, "target", st->target, strnlen(st->target, sizeof(st->target)));
	else
		ctl_json_null(j, "target");
	ctl_json_u64(j, "target_ifindex", st->target_ifindex);
	ctl_json_u64(j, "generation", st->generation);
	ctl_json_u64(j, "count", st->count);
	ctl_json_u64(j, "steered", st->steered);
	ctl_json_u64(j, "steered_bytes", st->steered_bytes);
	ctl_json_u64(j, "no_target", st->no_target);
	ctl_json_u64(j, "target_down", st->target_down);
	ctl_json_u64(j, "no_headroom", st->no_headroom);
	ctl_json_u64(j, "xmit_err", st->xmit_err);
	ctl_json_u64(j, "loop", st->loop);
}

/* steer: the stub's target, counters and selectors with their counters. */
int ctl_cmd_steer(struct ctl *ctl, int argc, char **argv)
{
	struct steer_out o = { .ctl = ctl };
	struct nfv_steer_stats st;
	struct nfv_steer *h;
	FILE *out = NULL;
	char *doc = NULL;
	size_t doc_len = 0;
	int ret = ctl_no_args(ctl, argc, argv);

	if (ret)
		return ret;
	if (ctl->json) {
		out = open_memstream(&doc, &doc_len);
		if (out == NULL) {
			fprintf(ctl->err, "nfvpnctl: steer: %s\n", strerror(errno));
			return CTL_EXIT_FAIL;
		}
	}
	ret = nfv_steer_open(&h);
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: kernel stub: %s (is nfvpn_stub.ko loaded?)\n",
			strerror(-ret));
		if (out != NULL)
			fclose(out);
		free(doc);
		return CTL_EXIT_CONNECT;
	}
	ret = nfv_steer_stats(h, &st);
	if (ret == 0 && ctl->json) {
		/* the document is printed whole only when the dump worked */
		ctl_json_init(&o.j, out, true);
		ctl_json_obj_begin(&o.j, NULL);
		steer_json_stats(&o.j, &st);
		ctl_json_arr_begin(&o.j, "selectors");
		ret = nfv_steer_dump(h, print_sel, &o);
		ctl_json_arr_end(&o.j);
		ctl_json_obj_end(&o.j);
		ctl_json_end(&o.j);
	} else if (ret == 0) {
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
		ret = nfv_steer_dump(h, print_sel, &o);
	}
	if (ret < 0)
		fprintf(ctl->err, "nfvpnctl: kernel stub: %s\n",
			nfv_steer_errmsg(h) ? nfv_steer_errmsg(h) : strerror(-ret));
	nfv_steer_close(h);
	if (out != NULL) {
		fclose(out);
		if (ret >= 0)
			fwrite(doc, 1, doc_len, ctl->out);
		free(doc);
	}
	return ret < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
