/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd's control socket: nfvpnctl reload, diff and status. Root (or our
 * own user) only, as the dataplane's: the socket is created 0600 and the
 * peer's credentials are checked on every connection. One request per
 * connection. Clients are served from the main poll loop without waiting
 * for any of them: a silent or slow one costs a slot, never the loop, and
 * is closed after NFVPND_CTL_TIMEOUT_MS. Requests run one at a time, so
 * reloads never overlap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "nfvpnd.h"

int nfvpnd_ctl_init(struct nfvpnd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char why[256];
	mode_t old;
	int ret;

	if (strlen(d->ctl_path) >= sizeof(sa.sun_path)) {
		nfvpnd_log(LOG_ERR, "control socket %s: %s", d->ctl_path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, d->ctl_path);
	/* a second nfvpnd must not take the socket of one that runs */
	ret = nfv_sock_lock(&d->ctl_lock, d->ctl_path);
	if (ret < 0) {
		nfv_sock_lock_why(&d->ctl_lock, ret, why, sizeof(why));
		nfvpnd_log(LOG_ERR, "control socket %s: %s; not starting", d->ctl_path, why);
		return ret;
	}
	d->ctl_lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->ctl_lfd < 0) {
		ret = -errno;
		goto err_lock;
	}
	unlink(d->ctl_path);
	old = umask(0177);	/* 0600 from the start: no window for others */
	ret = bind(d->ctl_lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || chmod(d->ctl_path, 0600) < 0 || listen(d->ctl_lfd, 64) < 0) {
		ret = -errno;
		goto err_socket;
	}
	return 0;

err_socket:
	close(d->ctl_lfd);
	d->ctl_lfd = -1;
err_lock:
	nfv_sock_unlock(&d->ctl_lock);
	nfvpnd_log(LOG_ERR, "control socket %s: %s", d->ctl_path, strerror(-ret));
	return ret;
}

static void conn_close(struct nfvpnd *d, unsigned int i)
{
	struct nfvpnd_ctl_conn *c = &d->ctl_conns[i];

	close(c->fd);
	free(c->out);
	d->ctl_conns[i] = d->ctl_conns[--d->nb_ctl_conns];
}

void nfvpnd_ctl_fini(struct nfvpnd *d)
{
	while (d->nb_ctl_conns > 0)
		conn_close(d, d->nb_ctl_conns - 1);
	if (d->ctl_lfd < 0)
		return;
	close(d->ctl_lfd);
	unlink(d->ctl_path);
	d->ctl_lfd = -1;
	/* the socket went while we held the lock: no one else took it */
	nfv_sock_unlock(&d->ctl_lock);
}

/* Queues the answer; the poll loop sends it and closes the connection. */
static void reply(struct nfvpnd_ctl_conn *c, const struct nfv_msg_hdr *req, int status,
		  const char *text)
{
	struct nfv_msg_hdr h = {
		.len = text ? strlen(text) + 1 : 0, .version = NFV_MSG_VERSION,
		.seq = req ? req->seq : 0, .status = status,
		.type = status < 0 || req == NULL ? NFV_MSG_ERROR : req->type,
	};

	c->out = malloc(sizeof(h) + h.len);
	c->answered = true;
	if (c->out == NULL)
		return;
	memcpy(c->out, &h, sizeof(h));
	if (h.len)
		memcpy(c->out + sizeof(h), text, h.len);
	c->out_len = sizeof(h) + h.len;
}

static void handle(struct nfvpnd *d, struct nfvpnd_ctl_conn *c, const struct nfv_msg_hdr *h,
		   char *payload)
{
	struct nfvpnd_text out = { 0 };
	int ret = 0;

	switch (h->type) {
	case NFVPND_REQ_RELOAD:
		d->reloads++;
		ret = nfvpnd_apply(d, d->policy_path, false, &out);
		if (ret < 0)
			d->reload_failures++;
		nfvpnd_log(ret < 0 ? LOG_ERR : LOG_NOTICE, "reload (nfvpnctl) of %s: %s%.*s",
			   d->policy_path, ret < 0 ? "failed, running policy kept\n" : "",
			   (int)out.len, out.p ? out.p : "");
		break;
	case NFVPND_REQ_DIFF:
		if (h->len == 0 || payload[h->len - 1] != '\0') {
			ret = -EINVAL;
			nfvpnd_printf(&out, "diff needs a file name");
			break;
		}
		/* a plan that cannot be applied fails (-EPERM) with the plan as
		 * its text: nfvpnctl diff prints it and exits 1 */
		ret = nfvpnd_apply(d, payload[0] ? payload : d->policy_path, true, &out);
		break;
	case NFVPND_REQ_STATUS:
		nfvpnd_printf(&out, "policy %s\ndataplane %s (%s)\ngeneration %lu\napplies %lu\n"
			      "reloads %lu\nreload_failures %lu\nevents %lu\nsteer %s\n"
			      "control_clients %u\ncontrol_timeouts %lu\ncontrol_evicted %lu\n",
			      d->policy_path, d->dp_socket, d->dp_up ? "connected" : "not connected",
			      (unsigned long)d->dp_generation, (unsigned long)d->applies,
			      (unsigned long)d->reloads, (unsigned long)d->reload_failures,
			      (unsigned long)d->events,
			      !d->steer ? "off" : d->steer_programmed ? "programmed" : "not programmed",
			      d->nb_ctl_conns, (unsigned long)d->ctl_timeouts,
			      (unsigned long)d->ctl_evicted);
		break;
	default:
		ret = -EOPNOTSUPP;
		nfvpnd_printf(&out, "unknown request %u", h->type);
	}
	reply(c, h, ret, out.p ? out.p : "");
	nfvpnd_text_fini(&out);
}

static void ctl_accept(struct nfvpnd *d, int64_t now)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct nfvpnd_ctl_conn *c;
	int fd;

	fd = accept4(d->ctl_lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (d->nb_ctl_conns == NFVPND_CTL_MAX) {
		/* silent clients must not lock the others out: the oldest goes */
		unsigned int old = 0;

		for (unsigned int i = 1; i < d->nb_ctl_conns; i++)
			if (d->ctl_conns[i].since_ms < d->ctl_conns[old].since_ms)
				old = i;
		d->ctl_evicted++;
		conn_close(d, old);
	}
	c = &d->ctl_conns[d->nb_ctl_conns++];
	memset(c, 0, offsetof(struct nfvpnd_ctl_conn, rbuf));
	c->fd = fd;
	c->since_ms = now;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		nfvpnd_log(LOG_WARNING, "control: refused peer pid %d uid %u", (int)cred.pid,
			   (unsigned int)cred.uid);
		reply(c, NULL, -EPERM, "permission denied: only root may control nfvpnd");
	}
}

/* Reads what is there; a whole request is handled. False to close. */
static bool conn_read(struct nfvpnd *d, struct nfvpnd_ctl_conn *c)
{
	struct nfv_msg_hdr h;
	ssize_t n = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, 0);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return false;
	if (n > 0)
		c->rlen += n;
	if (c->rlen < sizeof(h))
		return true;
	memcpy(&h, c->rbuf, sizeof(h));
	if (h.version != NFV_MSG_VERSION || h.len > NFVPND_CTL_PAYLOAD_MAX)
		return false;
	if (c->rlen < sizeof(h) + h.len)
		return true;
	c->rbuf[sizeof(h) + h.len] = '\0';
	handle(d, c, &h, (char *)c->rbuf + sizeof(h));
	return true;
}

/* Sends the answer; false once it is all out (or cannot be). */
static bool conn_write(struct nfvpnd_ctl_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_off += n;
	}
	return false;
}

unsigned int nfvpnd_ctl_pollfds(struct nfvpnd *d, struct pollfd *pfd)
{
	unsigned int n = 0;

	pfd[n++] = (struct pollfd){ .fd = d->ctl_lfd, .events = POLLIN };
	for (unsigned int i = 0; i < d->nb_ctl_conns; i++)
		pfd[n++] = (struct pollfd){
			.fd = d->ctl_conns[i].fd,
			.events = d->ctl_conns[i].answered ? POLLOUT : POLLIN,
		};
	return n;
}

void nfvpnd_ctl_run(struct nfvpnd *d, const struct pollfd *pfd, int64_t now)
{
	/* backwards: closing swaps the last connection into slot i */
	for (unsigned int i = d->nb_ctl_conns; i-- > 0;) {
		struct nfvpnd_ctl_conn *c = &d->ctl_conns[i];
		bool keep = true;

		if (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR) && !c->answered)
			keep = conn_read(d, c);
		if (keep && c->answered)
			keep = conn_write(c);
		if (keep && now - c->since_ms > NFVPND_CTL_TIMEOUT_MS) {
			d->ctl_timeouts++;
			keep = false;
		}
		if (!keep)
			conn_close(d, i);
	}
	if (pfd[0].revents & POLLIN)
		ctl_accept(d, now);
}
