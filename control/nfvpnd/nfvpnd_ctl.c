/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd's control socket: nfvpnctl reload, diff and status. Root (or our
 * own user) only, as the dataplane's: the socket is created 0600 and the
 * peer's credentials are checked on every connection. One request per
 * connection, answered in turn: reloads never overlap.
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
	d->ctl_lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->ctl_lfd < 0) {
		ret = -errno;
		goto err_lock;
	}
	unlink(d->ctl_path);
	old = umask(0177);	/* 0600 from the start: no window for others */
	ret = bind(d->ctl_lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || chmod(d->ctl_path, 0600) < 0 || listen(d->ctl_lfd, 8) < 0) {
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

void nfvpnd_ctl_fini(struct nfvpnd *d)
{
	if (d->ctl_lfd < 0)
		return;
	close(d->ctl_lfd);
	unlink(d->ctl_path);
	d->ctl_lfd = -1;
	/* the socket went while we held the lock: no one else took it */
	nfv_sock_unlock(&d->ctl_lock);
}

static void reply(int fd, const struct nfv_msg_hdr *req, int status, const char *text)
{
	struct nfv_msg_hdr h = {
		.len = text ? strlen(text) + 1 : 0, .version = NFV_MSG_VERSION,
		.seq = req ? req->seq : 0, .status = status,
		.type = status < 0 ? NFV_MSG_ERROR : req->type,
	};

	if (send(fd, &h, sizeof(h), MSG_NOSIGNAL) == sizeof(h) && h.len)
		send(fd, text, h.len, MSG_NOSIGNAL);
}

static void handle(struct nfvpnd *d, int fd, const struct nfv_msg_hdr *h, char *payload)
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
		ret = nfvpnd_apply(d, payload[0] ? payload : d->policy_path, true, &out);
		/* a plan that cannot be applied is an answer, not a failure */
		if (ret == -EPERM)
			ret = 0;
		break;
	case NFVPND_REQ_STATUS:
		nfvpnd_printf(&out, "policy %s\ndataplane %s (%s)\ngeneration %lu\napplies %lu\n"
			      "reloads %lu\nreload_failures %lu\nevents %lu\nsteer %s\n",
			      d->policy_path, d->dp_socket, d->dp_up ? "connected" : "not connected",
			      (unsigned long)d->dp_generation, (unsigned long)d->applies,
			      (unsigned long)d->reloads, (unsigned long)d->reload_failures,
			      (unsigned long)d->events,
			      !d->steer ? "off" : d->steer_programmed ? "programmed" : "not programmed");
		break;
	default:
		ret = -EOPNOTSUPP;
		nfvpnd_printf(&out, "unknown request %u", h->type);
	}
	reply(fd, h, ret, out.p ? out.p : "");
	nfvpnd_text_fini(&out);
}

void nfvpnd_ctl_accept(struct nfvpnd *d)
{
	struct timeval tv = { .tv_sec = 5 };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct nfv_msg_hdr h;
	char *payload = NULL;
	int fd;

	fd = accept4(d->ctl_lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		nfvpnd_log(LOG_WARNING, "control: refused peer pid %d uid %u", (int)cred.pid,
			   (unsigned int)cred.uid);
		reply(fd, NULL, -EPERM, "permission denied: only root may control nfvpnd");
		goto out;
	}
	if (recv(fd, &h, sizeof(h), MSG_WAITALL) != sizeof(h) ||
	    h.version != NFV_MSG_VERSION || h.len > 8192)
		goto out;
	payload = calloc(1, h.len + 1);
	if (payload == NULL || (h.len && recv(fd, payload, h.len, MSG_WAITALL) != (ssize_t)h.len))
		goto out;
	handle(d, fd, &h, payload);
out:
	free(payload);
	close(fd);
}
