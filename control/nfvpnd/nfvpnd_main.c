/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd [--config FILE] [--socket PATH] [--control PATH] [--metrics [ADDR:]PORT]
 *        [--no-steer]          run (foreground, or Type=notify under systemd)
 * nfvpnd --check FILE          validate; exit 0, or 2 with file:line:column errors
 * nfvpnd --make-keys FILE      write FILE's ipsec.key_file with random keys (0600)
 */
#include <errno.h>
#include <getopt.h>
#include <sys/prctl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "nfv_build.h"
#include "nfvpnd.h"

#define RETRY_MS 500
#define POLICY_DEFAULT NFV_SYSCONFDIR "/nfvpn/policy.yaml"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nfvpnd [--config FILE] [--socket PATH] [--control PATH]\n"
		"              [--metrics [ADDR:]PORT] [--no-steer] [--rekey-grace SECONDS]\n"
		"              [--allow-core-dumps]\n"
		"       nfvpnd --check FILE\n"
		"       nfvpnd --make-keys FILE\n"
		"       nfvpnd --version\n"
		"  --config FILE   the policy (default " POLICY_DEFAULT ")\n"
		"  --socket PATH   the dataplane's socket (default $NFVPN_SOCKET or %s)\n"
		"  --control PATH  nfvpnd's own socket (default $NFVPND_SOCKET or %s)\n"
		"  --metrics [ADDR:]PORT  OpenMetrics on http://ADDR:PORT/metrics (default\n"
		"                  off; ADDR 127.0.0.1, or an IPv4 address, or [IPv6])\n"
		"  --no-steer      do not program the kernel stub (nfvpn_stub.ko)\n"
		"  --rekey-grace S an inbound SA that a rekey replaced lives S more seconds\n"
		"                  (default %d; 0: deleted at once)\n"
		"  --allow-core-dumps  stay dumpable (policies hold keys: for debugging only)\n"
		"  --check FILE    validate FILE and exit: 0 valid, 2 invalid\n"
		"  --make-keys FILE  write the file FILE's ipsec.key_file names, with random\n"
		"                  keys for its SAs, mode 0600 (never replaces one)\n",
		NFV_MSG_SOCKET_DEFAULT, NFVPND_SOCKET_DEFAULT, NFVPND_GRACE_DEFAULT_S);
}

static int check(const char *path)
{
	struct nfvpnd_text errs = { 0 };
	struct nfv_policy *p = NULL;
	int ret = nfvpnd_load_flags(path, NFV_POLICY_NO_KEYS, &p, &errs);

	if (ret < 0) {
		fprintf(stderr, "%.*s", (int)errs.len, errs.p ? errs.p : "");
		nfvpnd_text_fini(&errs);
		return 2;
	}
	/* the keys are the place's, as its devices: their absence is no error here */
	if (p->ipsec != NULL && p->ipsec->key_file_missing)
		fprintf(stderr, "%s: note: ipsec.key_file %s does not exist yet: its keys are checked once it does (nfvpnd --make-keys %s writes one)\n",
			path, p->ipsec->key_file, path);
	nfv_policy_free(p);
	printf("%s: valid\n", path);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Applies the policy file; logs and reports readiness. */
static int apply(struct nfvpnd *d, const char *why)
{
	struct nfvpnd_text out = { 0 };
	char status[160];
	int ret;

	ret = nfvpnd_apply(d, d->policy_path, false, &out);
	nfvpnd_log(ret < 0 ? LOG_ERR : LOG_NOTICE, "%s: apply %s: %s%.*s", why, d->policy_path,
		   ret < 0 ? "failed, running policy kept\n" : "", (int)out.len, out.p ? out.p : "");
	nfvpnd_text_fini(&out);
	snprintf(status, sizeof(status), "STATUS=%s generation %lu%s",
		 d->dp_up ? "dataplane connected," : "waiting for the dataplane,",
		 (unsigned long)d->dp_generation, ret < 0 ? " (last apply failed)" : "");
	nfvpnd_notify(status);
	return ret;
}

static int parse_args(struct nfvpnd *d, int argc, char **argv, const char **check_path)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "control", required_argument, NULL, 'C' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "no-steer", no_argument, NULL, 'n' },
		{ "rekey-grace", required_argument, NULL, 'g' },
		{ "check", required_argument, NULL, 'k' },
		{ "make-keys", required_argument, NULL, 'K' },
		{ "allow-core-dumps", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': d->policy_path = optarg; break;
		case 's': d->dp_socket = optarg; break;
		case 'C': d->ctl_path = optarg; break;
		case 'n': d->steer = false; break;
		case 'D': d->allow_core_dumps = true; break;
		case 'k': *check_path = optarg; break;
		case 'K': *check_path = optarg; d->make_keys = true; break;
		case 'g':
			d->grace_s = (unsigned int)strtoul(optarg, &end, 10);
			if (*end != '\0' || optarg[0] == '-' || d->grace_s > 86400) {
				fprintf(stderr, "nfvpnd: --rekey-grace: %s is not 0..86400 seconds\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			d->metrics_arg = optarg;
			if (nfvpnd_metrics_parse(optarg, &d->metrics_sa) < 0) {
				fprintf(stderr, "nfvpnd: --metrics: %s is not PORT, IPV4:PORT or [IPV6]:PORT\n",
					optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("nfvpnd (nfvpn) %s\n", NFV_VERSION); exit(0);
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return 0;
}

static int setup(struct nfvpnd *d)
{
	sigset_t set;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sigfd < 0)
		return -errno;
	ret = nfvpnd_ctl_init(d);	/* it says why it failed */
	if (ret < 0)
		return ret;
	if (d->metrics_arg != NULL) {
		char url[80];

		nfvpnd_metrics_url(&d->metrics_sa, url, sizeof(url));
		ret = nfvpnd_metrics_init(d);
		if (ret < 0) {
			nfvpnd_log(LOG_ERR, "metrics on %s: cannot listen", url);
			return ret;
		}
		nfvpnd_log(LOG_INFO, "metrics on %s", url);
	}
	return 0;
}

static void reload(struct nfvpnd *d)
{
	nfvpnd_notify("RELOADING=1");
	d->reloads++;
	if (apply(d, "reload (SIGHUP)") < 0)
		d->reload_failures++;
	nfvpnd_notify("READY=1");
}

static void on_signal(struct nfvpnd *d)
{
	struct signalfd_siginfo si;

	while (!d->quit && read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else
			d->quit = true;
	}
}

static void run(struct nfvpnd *d)
{
	int64_t next_try = 0;

	while (!d->quit) {
		struct pollfd pfd[4 + NFVPND_CTL_MAX];
		unsigned int n = 0, nctl;
		int timeout = -1, mt;

		if (!d->dp_up) {
			int64_t now = now_ms();

			if (now >= next_try) {
				/* (re)connected: the dataplane may have restarted, apply again */
				if (nfvpnd_dp_connect(d) == 0) {
					nfvpnd_log(LOG_NOTICE, "connected to the dataplane at %s",
						   d->dp_socket);
					d->steer_programmed = false;
					apply(d, "dataplane connected");
				}
				next_try = now + RETRY_MS;
			}
			if (!d->dp_up)
				timeout = RETRY_MS;
		}
		if (d->hup_pending) {
			d->hup_pending = false;
			reload(d);
			continue;
		}
		if (d->dp_up && d->nb_retiring) {
			int64_t left = nfvpnd_grace_next(d) - now_ms();

			if (left <= 0) {
				apply(d, "rekey grace period over");
				continue;
			}
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}
		pfd[n++] = (struct pollfd){ .fd = d->sigfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->metrics_fd, .events = POLLIN };
		mt = nfvpnd_metrics_timeout(d);
		if (mt >= 0 && (timeout < 0 || mt < timeout))
			timeout = mt;
		pfd[n++] = (struct pollfd){ .fd = d->dp_up ? d->ev.fd : -1, .events = POLLIN };
		nctl = nfvpnd_ctl_pollfds(d, &pfd[n]);
		/* control clients time out: look at them at least once a second */
		if (nctl > 1 && (timeout < 0 || timeout > 1000))
			timeout = 1000;
		if (poll(pfd, n + nctl, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			on_signal(d);
		/* whatever woke the loop: libmicrohttpd also has timeouts and
		 * work that its epoll fd does not signal again */
		nfvpnd_metrics_run(d);
		nfvpnd_ctl_run(d, &pfd[n], now_ms());
		if (d->dp_up && pfd[2].revents && nfvpnd_events_read(d) < 0) {
			nfvpnd_log(LOG_WARNING, "the dataplane went away; waiting for it");
			nfvpnd_dp_disconnect(d);
			nfvpnd_notify("STATUS=waiting for the dataplane");
			next_try = now_ms() + RETRY_MS;
		}
	}
}

int main(int argc, char **argv)
{
	struct nfvpnd d = {
		.policy_path = POLICY_DEFAULT,
		.steer = true, .grace_s = NFVPND_GRACE_DEFAULT_S, .ctl_lfd = -1, .metrics_fd = -1, .sigfd = -1,
	};
	const char *check_path = NULL;
	struct nfvpnd_text errs = { 0 };
	struct nfv_policy *p = NULL;
	int ret;

	nfvpnd_log_init();
	d.dp_socket = nfv_client_socket_path(NULL);
	d.ctl_path = getenv("NFVPND_SOCKET") ? getenv("NFVPND_SOCKET") : NFVPND_SOCKET_DEFAULT;
	d.dp.fd = d.ev.fd = -1;
	ret = parse_args(&d, argc, argv, &check_path);
	if (ret)
		return ret;
	/* every policy read holds keys: no core dump shows them */
	if (!d.allow_core_dumps && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		fprintf(stderr, "nfvpnd: cannot make the process non-dumpable: %s\n",
			strerror(errno));
		return 1;
	}
	if (check_path != NULL)
		return d.make_keys ? nfvpnd_make_keys(check_path) : check(check_path);
	/* refuse to start on a policy that would not apply */
	if (nfvpnd_load(d.policy_path, &p, &errs) < 0) {
		fprintf(stderr, "%.*s", (int)errs.len, errs.p ? errs.p : "");
		nfvpnd_text_fini(&errs);
		return 2;
	}
	nfv_policy_free(p);
	if (setup(&d) < 0) {
		nfvpnd_metrics_fini(&d);
		nfvpnd_ctl_fini(&d);
		return 1;
	}
	nfvpnd_log(LOG_INFO, "started: policy %s, dataplane %s, control %s", d.policy_path,
		   d.dp_socket, d.ctl_path);
	if (nfvpnd_dp_connect(&d) == 0)
		apply(&d, "start");
	else
		nfvpnd_log(LOG_WARNING, "dataplane %s: %s; will retry", d.dp_socket, d.dp.err);
	nfvpnd_notify("READY=1");
	run(&d);
	nfvpnd_notify("STOPPING=1");
	nfvpnd_log(LOG_INFO, "stopping");
	nfvpnd_metrics_fini(&d);
	nfvpnd_dp_disconnect(&d);
	nfvpnd_ctl_fini(&d);
	nfv_policy_free(d.applied);
	return 0;
}
