/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * queue listen: prints each packet of a queue on one line and answers it
 * as told. Runs until --count packets, --timeout seconds, or a signal.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctl_decode.h"
#include "ctl_json.h"

#define CTL_LISTEN_COPY_RANGE 128	/* the headers the line shows */

enum answer {
	ANSWER_NONE,	/* print only: packets get the queue's timeout verdict */
	ANSWER_ACCEPT,
	ANSWER_DROP,
	ANSWER_EVERY,	/* accept every K-th, drop the others */
};

struct listen {
	uint16_t num;
	enum answer answer;
	uint64_t every;
	uint64_t count;		/* 0: no limit */
	double timeout_s;	/* 0: no limit */
	double delay_s;		/* hold each answer this long (a slow listener) */
	uint64_t seen, accepted, dropped, failed;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* A positive decimal number of seconds: digits with at most one '.'. */
static int parse_seconds(const char *s, double *v)
{
	size_t digits = strspn(s, "0123456789");
	char *end;

	if (s[digits] == '.')
		digits += 1 + strspn(s + digits + 1, "0123456789");
	if (digits == 0 || s[digits] != '\0' || strcmp(s, ".") == 0)
		return -EINVAL;
	*v = strtod(s, &end);
	if (*end != '\0' || !(*v > 0) || *v > 1e9)
		return -EINVAL;
	return 0;
}

static int listen_opts(struct ctl *ctl, int argc, char **argv, struct listen *l)
{
	uint64_t v;
	int i;

	if (argc < 1)
		return ctl_usage(ctl, "missing argument N");
	if (ctl_parse_uint(argv[0], UINT16_MAX, &v) < 0)
		return ctl_usage(ctl, "bad queue number \"%s\"; expected 0..65535", argv[0]);
	l->num = (uint16_t)v;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		enum answer a = ANSWER_NONE;

		if (strcmp(o, "--accept-all") == 0)
			a = ANSWER_ACCEPT;
		else if (strcmp(o, "--drop-all") == 0)
			a = ANSWER_DROP;
		else if (strcmp(o, "--accept-every") == 0)
			a = ANSWER_EVERY;
		if (a != ANSWER_NONE && l->answer != ANSWER_NONE)
			return ctl_usage(ctl, "%s: only one of --accept-all, --drop-all and --accept-every may be given",
					 o);
		if (a == ANSWER_ACCEPT || a == ANSWER_DROP) {
			l->answer = a;
			continue;
		}
		if (a == ANSWER_NONE && strcmp(o, "--count") != 0 &&
		    strcmp(o, "--timeout") != 0 && strcmp(o, "--delay") != 0)
			return ctl_usage(ctl, "unknown option \"%s\"", o);
		if (i + 1 == argc)
			return ctl_usage(ctl, "%s needs a value", o);
		if (strcmp(o, "--delay") == 0) {
			if (parse_seconds(argv[++i], &l->delay_s) < 0 || l->delay_s > 3600)
				return ctl_usage(ctl, "bad --delay \"%s\"; expected seconds > 0 and <= 3600 such as 2 or 0.5",
						 argv[i]);
			continue;
		}
		if (strcmp(o, "--timeout") == 0) {
			if (parse_seconds(argv[++i], &l->timeout_s) < 0)
				return ctl_usage(ctl, "bad --timeout \"%s\"; expected seconds > 0 such as 5 or 0.5",
						 argv[i]);
			continue;
		}
		if (ctl_parse_uint(argv[++i], UINT64_MAX, &v) < 0 || v == 0)
			return ctl_usage(ctl, "bad %s \"%s\"; expected a number >= 1", o, argv[i]);
		if (a == ANSWER_EVERY) {
			l->answer = a;
			l->every = v;
		} else {
			l->count = v;
		}
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_packet(struct ctl *ctl, const struct nfv_msg_queue_packet *p,
			 const struct ctl_decoded *d, const char *verdict)
{
	struct ctl_json j;

	if (!ctl->json) {
		fprintf(ctl->out, "id %llu hook %s port %u len %u: %s%s%s\n",
			(unsigned long long)p->id, ctl_fmt_hook(p->hook), p->iport,
			p->len, d->line, verdict ? " -> " : "", verdict ? verdict : "");
		fflush(ctl->out);
		return;
	}
	/* One object per line, so a script can read the stream line by line. */
	ctl_json_init(&j, ctl->out, false);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_u64(&j, "id", p->id);
	ctl_json_u64(&j, "queue", p->num);
	ctl_json_str(&j, "hook", ctl_fmt_hook(p->hook));
	ctl_json_u64(&j, "port", p->iport);
	ctl_json_u64(&j, "len", p->len);
	ctl_json_u64(&j, "cap_len", p->cap_len);
	ctl_json_str(&j, "src", d->ip ? d->src : NULL);
	ctl_json_str(&j, "dst", d->ip ? d->dst : NULL);
	if (d->proto >= 0)
		ctl_json_i64(&j, "proto", d->proto);
	else
		ctl_json_null(&j, "proto");
	if (d->sport >= 0) {
		ctl_json_i64(&j, "sport", d->sport);
		ctl_json_i64(&j, "dport", d->dport);
	} else {
		ctl_json_null(&j, "sport");
		ctl_json_null(&j, "dport");
	}
	ctl_json_str(&j, "summary", d->line);
	ctl_json_str(&j, "verdict", verdict);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
}

/* Decides, answers and prints one packet; 0, or 1 when the link is gone. */
static int handle(struct ctl *ctl, struct listen *l,
		  const struct nfv_msg_queue_packet *p)
{
	const char *verdict = NULL;
	struct ctl_decoded d;
	uint32_t v = NFV_QUEUE_DEFAULT_DROP;

	l->seen++;
	ctl_decode(p->data, p->cap_len, &d);
	if (l->answer == ANSWER_ACCEPT ||
	    (l->answer == ANSWER_EVERY && l->seen % l->every == 0))
		v = NFV_QUEUE_DEFAULT_ACCEPT;
	if (l->answer != ANSWER_NONE && l->delay_s > 0) {
		struct timespec ts = {
			.tv_sec = (time_t)l->delay_s,
			.tv_nsec = (long)((l->delay_s - (double)(time_t)l->delay_s) * 1e9),
		};

		/* the packet waits in its queue meanwhile, as behind a slow listener */
		while (!stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	if (l->answer != ANSWER_NONE) {
		if (ctl_queue_verdict(ctl, p->num, p->id, v) < 0) {
			fprintf(ctl->err, "nfvpnctl: %s: verdict for packet %llu: %s\n",
				ctl->cmd->name, (unsigned long long)p->id, ctl->client.err);
			l->failed++;
			if (ctl->client.broken)
				return CTL_EXIT_FAIL;
		} else {
			verdict = v == NFV_QUEUE_DEFAULT_ACCEPT ? "accept" : "drop";
			*(v == NFV_QUEUE_DEFAULT_ACCEPT ? &l->accepted : &l->dropped) += 1;
		}
	}
	print_packet(ctl, p, &d, verdict);
	return 0;
}

static int listen_loop(struct ctl *ctl, struct listen *l)
{
	int64_t deadline = l->timeout_s > 0 ? now_ms() + (int64_t)(l->timeout_s * 1000 + 0.5) : 0;
	struct nfv_msg_queue_packet *p;
	int ret, wait;
	uint32_t len;

	while (!stop && (l->count == 0 || l->seen < l->count)) {
		wait = -1;
		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left > INT32_MAX ? INT32_MAX : (int)left;
		}
		ret = nfv_client_recv_packet(&ctl->client, wait, &p, &len);
		if (ret == -ETIMEDOUT || ret == -EINTR)
			continue;
		if (ret < 0)
			return ctl_fail(ctl);
		ret = handle(ctl, l, p);
		free(p);
		if (ret != 0)
			return ret;
	}
	return l->failed ? CTL_EXIT_FAIL : 0;
}

int ctl_cmd_queue_listen(struct ctl *ctl, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct nfv_msg_queue_listen req = { .copy_range = CTL_LISTEN_COPY_RANGE };
	struct listen l = { 0 };
	int ret;

	ret = listen_opts(ctl, argc, argv, &l);
	if (ret != 0)
		return ret;
	req.num = l.num;
	ret = ctl_request(ctl, NFV_MSG_QUEUE_LISTEN, &req, sizeof(req));
	if (ret != 0)
		return ret;
	/* No SA_RESTART: a signal ends the wait and the loop. */
	stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = listen_loop(ctl, &l);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (!ctl->json)
		fprintf(ctl->out, "%llu packets, %llu accepted, %llu dropped, %llu unanswered\n",
			(unsigned long long)l.seen, (unsigned long long)l.accepted,
			(unsigned long long)l.dropped,
			(unsigned long long)(l.seen - l.accepted - l.dropped));
	return ret;
}
