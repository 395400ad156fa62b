/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management socket client: framing (header + len bytes, short reads and
 * writes), request/response matching by seq, and the unsolicited queue
 * packets that a listening connection receives between responses.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "nfv_client.h"

/* Once a message has begun, the rest must follow within this time. */
#define NFV_CLIENT_MSG_TIMEOUT_MS 10000

__attribute__((format(printf, 3, 4)))
static int client_err(struct nfv_client *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return err;
}

/* A protocol error: the byte stream can no longer be trusted. */
#define client_broken(c, err, ...) \
	((c)->broken = true, client_err((c), (err), __VA_ARGS__))

const char *nfv_client_socket_path(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	env = getenv("NFVPN_SOCKET");
	if (env != NULL && env[0] != '\0')
		return env;
	return NFV_MSG_SOCKET_DEFAULT;
}

int nfv_client_open(struct nfv_client *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (strlen(path) >= sizeof(sun.sun_path))
		return client_err(c, -ENAMETOOLONG, "cannot connect to %s: %s",
				  path, strerror(ENAMETOOLONG));
	memcpy(sun.sun_path, path, strlen(path) + 1);

	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto err;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		goto err_close;
	return 0;

err_close:
	err = errno;
	close(c->fd);
	c->fd = -1;
	errno = err;
err:
	err = errno;
	return client_err(c, -err, "cannot connect to %s: %s", path,
			  strerror(err));
}

void nfv_client_close(struct nfv_client *c)
{
	struct nfv_client_pkt *p;

	while ((p = c->pkt_head) != NULL) {
		c->pkt_head = p->next;
		free(p->pkt);
		free(p);
	}
	c->pkt_tail = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/*
 * A server that refuses a peer sends one NFV_MSG_ERROR and closes, which can
 * happen before our request is written: the reason is still in our receive
 * buffer. Its status when it was there (c->err holds its text), else 0.
 */
static int client_refused(struct nfv_client *c)
{
	struct nfv_msg_hdr hdr;
	char text[sizeof(c->err)];
	ssize_t r;

	r = recv(c->fd, &hdr, sizeof(hdr), MSG_DONTWAIT);
	if (r != (ssize_t)sizeof(hdr) || hdr.type != NFV_MSG_ERROR || hdr.status >= 0 ||
	    hdr.len == 0 || hdr.len >= sizeof(text))
		return 0;
	r = recv(c->fd, text, hdr.len, MSG_DONTWAIT);
	if (r != (ssize_t)hdr.len)
		return 0;
	text[r] = '\0';
	return client_broken(c, hdr.status, "%s", text);
}

int nfv_client_send(struct nfv_client *c, uint16_t type, uint32_t seq,
		    const void *payload, uint32_t len)
{
	struct nfv_msg_hdr hdr = {
		.len = len, .type = type, .version = NFV_MSG_VERSION, .seq = seq,
	};
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)(uintptr_t)payload, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;
	int err;

	if (c->broken || c->fd < 0)
		return client_err(c, -EPIPE, "connection to %s is unusable", c->path);
	if (len > NFV_MSG_PAYLOAD_MAX)
		return client_err(c, -EMSGSIZE, "request of %u bytes exceeds the limit of %u",
				  len, NFV_MSG_PAYLOAD_MAX);
	/* A stream socket may take part of it; go on from where it stopped. */
	while (mh.msg_iovlen > 0) {
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE && (err = client_refused(c)) < 0)
				return err;
			return client_broken(c, -errno, "cannot send to %s: %s",
					     c->path, strerror(errno));
		}
		while (mh.msg_iovlen > 0 && (size_t)n >= mh.msg_iov->iov_len) {
			n -= (ssize_t)mh.msg_iov->iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen > 0) {
			mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + n;
			mh.msg_iov->iov_len -= (size_t)n;
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

/*
 * Reads exactly n bytes. The first byte may take timeout_ms (-1: forever);
 * the rest of a begun message is bounded so a stalled server cannot hang us.
 * Returns 0, -ETIMEDOUT or -EINTR before the first byte, or another -errno.
 */
static int read_full(struct nfv_client *c, void *buf, size_t n, int timeout_ms,
		     bool begun)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int64_t deadline = 0;
	size_t got = 0;
	ssize_t r;
	int wait, pr;

	if (begun)
		timeout_ms = NFV_CLIENT_MSG_TIMEOUT_MS;
	if (timeout_ms >= 0)
		deadline = now_ms() + timeout_ms;
	while (got < n) {
		wait = -1;
		if (timeout_ms >= 0) {
			int64_t left = deadline - now_ms();

			wait = left > 0 ? (int)left : 0;
		}
		pr = poll(&pfd, 1, wait);
		if (pr < 0 && errno == EINTR && !begun && got == 0)
			return client_err(c, -EINTR, "interrupted");
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return client_broken(c, -errno, "poll: %s", strerror(errno));
		if (pr == 0) {
			if (!begun && got == 0)
				return client_err(c, -ETIMEDOUT, "timed out waiting for %s",
						  c->path);
			return client_broken(c, -ETIMEDOUT,
					     "%s stopped in the middle of a message", c->path);
		}
		r = read(c->fd, (char *)buf + got, n - got);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return client_broken(c, -errno, "cannot read from %s: %s",
					     c->path, strerror(errno));
		if (r == 0 && !begun && got == 0)
			return client_broken(c, -ECONNRESET,
					     "the dataplane closed the connection");
		if (r == 0)
			return client_broken(c, -EPROTO,
					     "the dataplane closed the connection in the middle of a message");
		/* Further timeouts belong to the message, not to the wait. */
		got += (size_t)r;
		begun = true;
		timeout_ms = NFV_CLIENT_MSG_TIMEOUT_MS;
		deadline = now_ms() + timeout_ms;
	}
	return 0;
}

int nfv_client_recv(struct nfv_client *c, int timeout_ms, struct nfv_client_msg *m)
{
	int ret;

	memset(m, 0, sizeof(*m));
	if (c->broken || c->fd < 0)
		return client_err(c, -EPIPE, "connection to %s is unusable", c->path);
	ret = read_full(c, &m->hdr, sizeof(m->hdr), timeout_ms, false);
	if (ret < 0)
		return ret;
	if (m->hdr.version != NFV_MSG_VERSION)
		return client_broken(c, -EPROTO,
				     "the dataplane speaks protocol version %u, this nfvpnctl %u",
				     m->hdr.version, NFV_MSG_VERSION);
	if (m->hdr.len > NFV_MSG_PAYLOAD_MAX)
		return client_broken(c, -EMSGSIZE,
				     "message of %u bytes exceeds the limit of %u",
				     m->hdr.len, NFV_MSG_PAYLOAD_MAX);
	if (m->hdr.len == 0)
		return 0;
	m->payload = malloc(m->hdr.len);
	if (m->payload == NULL)
		return client_broken(c, -ENOMEM, "out of memory");
	ret = read_full(c, m->payload, m->hdr.len, -1, true);
	if (ret < 0) {
		free(m->payload);
		m->payload = NULL;
	}
	return ret;
}
