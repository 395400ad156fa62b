/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd: the control daemon. It loads the policy, reads back what the
 * dataplane runs, applies the difference in one transaction, programs the
 * kernel stub, logs the dataplane's events and serves its own control
 * socket (nfvpnctl reload, diff) and, when asked, OpenMetrics.
 */
#ifndef NFVPND_H
#define NFVPND_H

#include <stdarg.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <syslog.h>

#include "nfv_client.h"
#include "nfv_policy.h"
#include "nfv_policy_diff.h"
#include "nfv_sock_lock.h"
#include "nfvpnd_msg.h"

/* An inbound SA that a rekey replaced, kept until its peer has switched. */
struct nfvpnd_retiring {
	char name[48];		/* struct nfv_msg_name */
	int64_t deadline_ms;	/* CLOCK_MONOTONIC */
};

#define NFVPND_RETIRING_MAX 64
#define NFVPND_CTL_MAX 64		/* control clients at once */
#define NFVPND_CTL_TIMEOUT_MS 5000	/* to send a request and read its answer */
#define NFVPND_CTL_PAYLOAD_MAX 8192

/* A client of the control socket: one request, one answer. */
struct nfvpnd_ctl_conn {
	int fd;
	bool answered;		/* the answer is queued in out */
	int64_t since_ms;	/* accepted, CLOCK_MONOTONIC */
	uint8_t *out;
	size_t out_off, out_len;
	size_t rlen;
	uint8_t rbuf[sizeof(struct nfv_msg_hdr) + NFVPND_CTL_PAYLOAD_MAX + 1];
};
#define NFVPND_GRACE_DEFAULT_S 30

struct nfvpnd {
	/* options */
	const char *policy_path;
	const char *dp_socket;
	const char *ctl_path;
	const char *steer_target_override;
	const char *metrics_arg;	/* --metrics [ADDR:]PORT; NULL: off */
	struct sockaddr_storage metrics_sa;	/* where it listens */
	unsigned int grace_s;		/* --rekey-grace: old inbound SAs live on */
	bool steer;			/* program the kernel stub */
	bool allow_core_dumps;		/* --allow-core-dumps */
	bool make_keys;			/* --make-keys: --check names the policy */
	/* the dataplane */
	struct nfv_client dp;		/* requests */
	struct nfv_client ev;		/* the events subscription */
	bool dp_up;
	uint64_t dp_generation;		/* after our last commit */
	/* what we applied last; NULL before the first apply */
	struct nfv_policy *applied;
	bool steer_programmed;
	/* old inbound SAs of rekeys, deleted by the apply after their deadline */
	struct nfvpnd_retiring retiring[NFVPND_RETIRING_MAX];
	unsigned int nb_retiring;
	/* sockets */
	int ctl_lfd;
	struct nfv_sock_lock ctl_lock;	/* ctl_path.lock: one nfvpnd per socket */
	struct nfvpnd_ctl_conn ctl_conns[NFVPND_CTL_MAX];
	unsigned int nb_ctl_conns;
	uint64_t ctl_timeouts, ctl_evicted;
	struct MHD_Daemon *metrics;	/* NULL: off */
	int metrics_fd;			/* its epoll fd, for poll(); -1: off */
	int sigfd;
	/* counters */
	uint64_t reloads, reload_failures, applies, events;
	volatile bool quit;
	bool hup_pending;	/* a SIGHUP read while applying: reload next */
};

/* nfvpnd_log.c: one message, one journal entry with its priority when
 * stderr is the journal; "nfvpnd: LEVEL: message" on stderr otherwise. */
void nfvpnd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Chooses, from $JOURNAL_STREAM and stderr. */
void nfvpnd_log_init(void);
/* Whether journal_stream ("DEV:INODE", or NULL) names the file dev:ino. */
bool nfvpnd_log_is_journal(const char *journal_stream, uint64_t dev, uint64_t ino);
/* sd_notify without libsystemd: one datagram to $NOTIFY_SOCKET. */
int nfvpnd_notify(const char *state);

/* A growable text buffer for replies. */
struct nfvpnd_text {
	char *p;
	size_t len, cap;
};
void nfvpnd_printf(struct nfvpnd_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nfvpnd_text_fini(struct nfvpnd_text *t);

/* nfvpnd_check.c: loads and validates; errors as file:line:column. */
int nfvpnd_load(const char *path, struct nfv_policy **out, struct nfvpnd_text *errs);
/* flags: NFV_POLICY_NO_KEYS (--check, --make-keys) */
int nfvpnd_load_flags(const char *path, unsigned int flags, struct nfv_policy **out,
		      struct nfvpnd_text *errs);
/* nfvpnd --make-keys FILE: writes the policy's ipsec.key_file (0600). */
int nfvpnd_make_keys(const char *path);

/* nfvpnd_running.c: what the dataplane runs, as a policy. */
/* applied: our last policy, for the keys of the SAs we installed (or NULL). */
int nfvpnd_running_read(struct nfv_client *c, const struct nfv_policy *applied,
			struct nfv_policy **out, uint64_t *generation);

/* nfvpnd_apply.c */
int nfvpnd_dp_connect(struct nfvpnd *d);
void nfvpnd_dp_disconnect(struct nfvpnd *d);
/* Loads path, diffs, and (unless dry) applies; says what it did in out. */
int nfvpnd_apply(struct nfvpnd *d, const char *path, bool dry, struct nfvpnd_text *out);
void nfvpnd_plan_print(const struct nfv_plan *plan, struct nfvpnd_text *out);
int64_t nfvpnd_now_ms(void);
/* The earliest deadline of a retiring SA, or -1. */
int64_t nfvpnd_grace_next(const struct nfvpnd *d);

/* nfvpnd_steer.c */
struct nfv_policy_steer;
int nfvpnd_steer_program(const struct nfv_policy_steer *st, struct nfvpnd_text *out);

/* nfvpnd_ctl.c: the daemon's control socket. */
int nfvpnd_ctl_init(struct nfvpnd *d);
/* The control socket's fds for poll(): the listener first, then clients. */
unsigned int nfvpnd_ctl_pollfds(struct nfvpnd *d, struct pollfd *pfd);
/* Serves what poll() reported in pfd (as nfvpnd_ctl_pollfds filled it). */
void nfvpnd_ctl_run(struct nfvpnd *d, const struct pollfd *pfd, int64_t now);
void nfvpnd_ctl_fini(struct nfvpnd *d);

/* nfvpnd_events.c */
int nfvpnd_events_subscribe(struct nfvpnd *d);
/* Reads and logs what arrived; -errno when the dataplane went away. */
int nfvpnd_events_read(struct nfvpnd *d);

/* nfvpnd_metrics.c: libmicrohttpd, run from the poll loop. */
struct MHD_Daemon;
/* --metrics [ADDR:]PORT: PORT alone is 127.0.0.1:PORT; [IPV6]:PORT. */
int nfvpnd_metrics_parse(const char *arg, struct sockaddr_storage *ss);
/* "http://ADDR:PORT/metrics" */
const char *nfvpnd_metrics_url(const struct sockaddr_storage *ss, char *buf, size_t len);
/* Listens on d->metrics_sa; -errno (libmicrohttpd logged why). */
int nfvpnd_metrics_init(struct nfvpnd *d);
/* The poll() timeout libmicrohttpd needs in ms, or -1 for none. */
int nfvpnd_metrics_timeout(struct nfvpnd *d);
/* Serves what is ready: after each poll(), whatever it reported. */
void nfvpnd_metrics_run(struct nfvpnd *d);
void nfvpnd_metrics_fini(struct nfvpnd *d);
/* nfvpnd_metrics_text.c: the scrape's body in *t (the caller frees t->p). */
void nfvpnd_metrics_render(struct nfvpnd *d, struct nfvpnd_text *t, bool om);

#endif
