/* SPDX-License-Identifier: BSD-3-Clause */
/* The management socket: accept, peer check, framing. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "dp.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "txn.h"

static const struct nfv_mgmt_handler *handlers[NFV_MGMT_MAX_TYPES];

void nfv_mgmt_register(const struct nfv_mgmt_handler *h, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		/* a constructor: a clash is a build mistake, stop at once */
		if (h[i].type >= NFV_MGMT_MAX_TYPES || handlers[h[i].type] != NULL ||
		    h[i].fn == NULL || (h[i].fn == nfv_mgmt_list) != (h[i].list != NULL)) {
			fprintf(stderr, "nfvpn: message type %u (%s) registered twice, out of "
				"range, or without its function\n", h[i].type, h[i].name);
			abort();
		}
		handlers[h[i].type] = &h[i];
	}
}

const struct nfv_mgmt_handler *nfv_mgmt_handler(uint16_t type)
{
	return type < NFV_MGMT_MAX_TYPES ? handlers[type] : NULL;
}

int nfv_mgmt_dispatch(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload)
{
	const struct nfv_mgmt_handler *hd = nfv_mgmt_handler(h->type);

	if (hd == NULL)
		return nfv_mgmt_error(c, h->seq, -EOPNOTSUPP, "unknown request type %u", h->type);
	if (c == NULL && !hd->changes)
		return nfv_mgmt_error(c, h->seq, -EPERM, "%s cannot be replayed", hd->name);
	if (h->len < hd->min_len)
		return nfv_mgmt_error(c, h->seq, -EINVAL, "%s: payload of %u bytes is too short",
				      hd->name, h->len);
	if (hd->changes && nfv_txn_expired(dp, c))
		return nfv_mgmt_error(c, h->seq, -ETIMEDOUT, "%s refused: this connection's "
				      "transaction timed out and was rolled back", hd->name);
	return hd->fn(dp, c, h, payload);
}

int nfv_mgmt_reply(struct nfv_mgmt_conn *c, const struct nfv_msg_hdr *h,
		   struct nfv_buf *b, int ret)
{
	if (ret == 0 && b->err)
		ret = b->err;
	if (ret < 0) {
		nfv_buf_fini(b);
		return nfv_mgmt_error(c, h->seq, ret, "%s",
				      ret == -ENOMEM ? "out of memory" : strerror(-ret));
	}
	ret = nfv_mgmt_send(c, h->type, h->seq, 0, b->p, b->len);
	nfv_buf_fini(b);
	return ret;
}

void *nfv_buf_put(struct nfv_buf *b, size_t len)
{
	void *p;

	if (b->err)
		return NULL;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *np;

		while (cap < b->len + len)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->err = -ENOMEM;
			return NULL;
		}
		b->p = np;
		b->cap = cap;
	}
	p = b->p + b->len;
	memset(p, 0, len);
	b->len += len;
	return p;
}

void nfv_buf_fini(struct nfv_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void *nfv_mgmt_row(struct nfv_mgmt_rows *rows)
{
	struct nfv_buf *b = &rows->b;
	void *r;

	/* the header is there: nfv_mgmt_list put it before the walk */
	r = nfv_buf_put(b, ((const struct nfv_msg_list *)b->p)->record_size);
	if (r != NULL)
		((struct nfv_msg_list *)b->p)->count++;	/* b->p may have moved */
	return r;
}

int nfv_mgmt_list(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		  const struct nfv_msg_hdr *h, const void *payload)
{
	const struct nfv_mgmt_handler *hd = nfv_mgmt_handler(h->type);
	struct nfv_mgmt_rows rows = { 0 };
	struct nfv_msg_list *l;
	int ret;

	if (hd == NULL || hd->list == NULL)
		return nfv_mgmt_error(c, h->seq, -EOPNOTSUPP, "type %u is no listing", h->type);
	l = nfv_buf_put(&rows.b, sizeof(*l));
	if (l == NULL)
		return nfv_mgmt_reply(c, h, &rows.b, -ENOMEM);
	l->record_size = hd->record_size;
	ret = hd->list(dp, &rows);
	if (ret < 0 && rows.why[0] != '\0') {
		nfv_buf_fini(&rows.b);
		return nfv_mgmt_error(c, h->seq, ret, "%s", rows.why);
	}
	return nfv_mgmt_reply(c, h, &rows.b, ret);
}

static int mgmt_bind(struct nfv_dp *dp, const char *path)
{
	struct nfv_mgmt *mg = dp->mgmt;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strlcpy(mg->path, path, sizeof(mg->path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	mg->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (mg->lfd < 0)
		return -errno;
	/* ours to replace: main() holds the socket's lock (nfv_sock_lock) */
	unlink(path);
	/* created 0600 at once: never a window in which others may connect */
	old = umask(0177);
	ret = bind(mg->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || chmod(path, 0600) < 0 || listen(mg->lfd, 16) < 0) {
		ret = -errno;
		close(mg->lfd);
		mg->lfd = -1;
		return ret;
	}
	return 0;
}

static void conn_close(struct nfv_dp *dp, unsigned int i)
{
	struct nfv_mgmt *mg = dp->mgmt;
	struct nfv_mgmt_conn *c = &mg->conns[i];

	if (c->dead) {
		mg->slow_dropped++;
		NFV_LOG(WARNING, "management: a client fell %zu bytes behind, dropped",
			c->out_len - c->out_off);
	}
	nfv_ctl_modules_conn_closed(dp, c);
	close(c->fd);
	free(c->out);
	mg->conns[i] = mg->conns[--mg->nb_conns];
}

static void mgmt_stop(struct nfv_dp *dp)
{
	struct nfv_mgmt *mg = dp->mgmt;

	if (mg == NULL)
		return;
	while (mg->nb_conns > 0)
		conn_close(dp, mg->nb_conns - 1);
	if (mg->lfd >= 0) {
		close(mg->lfd);
		unlink(mg->path);
		mg->lfd = -1;
	}
}

/* Sends what the socket takes now; -errno when the peer is gone. */
static int out_flush(struct nfv_mgmt_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		c->out_off += n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

static int out_append(struct nfv_mgmt_conn *c, const void *p, size_t len)
{
	if (c->out_off > 0 && c->out_len + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		uint8_t *np;

		while (cap < c->out_len + len)
			cap *= 2;
		np = realloc(c->out, cap);
		if (np == NULL)
			return -ENOMEM;
		c->out = np;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
	return 0;
}

int nfv_mgmt_send(struct nfv_mgmt_conn *c, uint16_t type, uint32_t seq,
		  int32_t status, const void *payload, size_t len)
{
	struct nfv_msg_hdr h = {
		.len = len, .type = type, .version = NFV_MSG_VERSION,
		.seq = seq, .status = status,
	};
	int ret;

	if (c == NULL)	/* a replayed request: nobody to answer */
		return 0;
	if (c->dead)
		return -ENOBUFS;
	if (c->out_len - c->out_off + sizeof(h) + len > NFV_MGMT_OUT_MAX) {
		/* it stopped reading: the whole message or nothing, then close */
		c->dead = true;
		return -ENOBUFS;
	}
	ret = out_append(c, &h, sizeof(h));
	if (ret == 0 && len > 0)
		ret = out_append(c, payload, len);
	if (ret == 0 && !c->corked)
		ret = out_flush(c);
	if (ret < 0)
		c->dead = true;
	return ret;
}

int nfv_mgmt_ok(struct nfv_mgmt_conn *c, const struct nfv_msg_hdr *h)
{
	nfv_mgmt_send(c, h->type, h->seq, 0, NULL, 0);
	return 0;
}

int nfv_mgmt_error(struct nfv_mgmt_conn *c, uint32_t seq, int err, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (c == NULL)
		NFV_LOG(ERR, "replayed request: %s", text);
	nfv_mgmt_send(c, NFV_MSG_ERROR, seq, err, text, strlen(text) + 1);
	return err;
}

/* Refuses fd with an error; best effort, the peer is not kept. */
static void refuse(int fd, int err, const char *text)
{
	struct nfv_mgmt_conn tmp = { .fd = fd };

	nfv_mgmt_error(&tmp, 0, err, "%s", text);
	free(tmp.out);
	close(fd);
}

/* A plain client (no transaction, no subscription) idle the longest. */
static int idlest(struct nfv_dp *dp, uint64_t min_idle, uint64_t now)
{
	struct nfv_mgmt *mg = dp->mgmt;
	int best = -1;

	for (unsigned int i = 0; i < mg->nb_conns; i++) {
		const struct nfv_mgmt_conn *c = &mg->conns[i];

		if (c->subscribed || c->listen_queue >= 0 || nfv_txn_owner(dp, c) ||
		    now - c->last_tsc < min_idle)
			continue;
		if (best < 0 || c->last_tsc < mg->conns[best].last_tsc)
			best = i;
	}
	return best;
}

static void mgmt_accept(struct nfv_dp *dp)
{
	struct nfv_mgmt *mg = dp->mgmt;
	uint64_t now = rte_rdtsc();
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct nfv_mgmt_conn *c;
	int fd, victim;

	fd = accept4(mg->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		mg->refused++;
		NFV_LOG(WARNING, "management: refused peer pid %d uid %u", (int)cred.pid,
			(unsigned int)cred.uid);
		refuse(fd, -EPERM, "permission denied: only root may manage the dataplane");
		return;
	}
	if (mg->nb_conns == NFV_MGMT_MAX_CONNS) {
		/* idle clients must not lock the others out: the idlest goes */
		victim = idlest(dp, rte_get_tsc_hz(), now);
		if (victim < 0) {
			mg->over_limit++;
			refuse(fd, -EBUSY, "too many management connections");
			return;
		}
		mg->evicted++;
		NFV_LOG(NOTICE, "management: %u connections, closing the idlest",
			NFV_MGMT_MAX_CONNS);
		conn_close(dp, victim);
	}
	c = &mg->conns[mg->nb_conns++];
	memset(c, 0, offsetof(struct nfv_mgmt_conn, rbuf));
	c->fd = fd;
	c->listen_queue = -1;
	c->last_tsc = now;
}

/*
 * Handles the whole messages in rbuf while the client reads its answers.
 * They are one batch: what they changed is published once at its end
 * (nfv_ctl_modules_batch_end), and their answers go out after that, so a
 * client that got one finds its change in the workers' tables.
 */
static bool conn_process(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	bool ok = true, handled = false;

	c->corked = true;
	while (c->rlen >= sizeof(struct nfv_msg_hdr) && !c->dead &&
	       c->out_len - c->out_off < NFV_MGMT_OUT_SOFT) {
		struct nfv_msg_hdr h;
		size_t total;

		memcpy(&h, c->rbuf, sizeof(h));
		total = sizeof(h) + h.len;
		if (h.version != NFV_MSG_VERSION || total > sizeof(c->rbuf)) {
			nfv_mgmt_error(c, h.seq, -EPROTO, "bad message (version %u, %u bytes)",
				       h.version, h.len);
			ok = false;
			break;
		}
		if (c->rlen < total)
			break;
		c->last_tsc = rte_rdtsc();
		nfv_txn_after(dp, c, &h, nfv_mgmt_dispatch(dp, c, &h, c->rbuf + sizeof(h)));
		handled = true;
		memmove(c->rbuf, c->rbuf + total, c->rlen - total);
		c->rlen -= total;
	}
	if (handled)
		nfv_ctl_modules_batch_end(dp);
	c->corked = false;
	if (!c->dead && out_flush(c) < 0)
		c->dead = true;
	return ok && !c->dead;
}

/* Reads what is there and handles it; false to close. */
static bool conn_read(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	ssize_t n = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return false;
	if (n > 0)
		c->rlen += n;
	return conn_process(dp, c);
}

/* Closes what fell behind and what idled past the timeout. */
static void conns_reap(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_mgmt *mg = dp->mgmt;

	for (unsigned int i = mg->nb_conns; i-- > 0;) {
		struct nfv_mgmt_conn *c = &mg->conns[i];

		if (c->dead) {
			conn_close(dp, i);
		} else if (mg->idle_tsc != 0 && now - c->last_tsc > mg->idle_tsc &&
			   !c->subscribed && c->listen_queue < 0 && !nfv_txn_owner(dp, c)) {
			mg->idle_closed++;
			conn_close(dp, i);
		}
	}
}

void nfv_mgmt_poll(struct nfv_dp *dp, int timeout_ms)
{
	struct nfv_mgmt *mg = dp->mgmt;
	struct pollfd pfd[NFV_MGMT_MAX_CONNS + 1];
	unsigned int n = 0;

	conns_reap(dp, rte_rdtsc());
	pfd[n++] = (struct pollfd){ .fd = mg->lfd, .events = POLLIN };
	for (unsigned int i = 0; i < mg->nb_conns; i++) {
		const struct nfv_mgmt_conn *c = &mg->conns[i];
		bool backlog = c->out_len > c->out_off;

		/* one that does not read its answers is not read either */
		pfd[n++] = (struct pollfd){
			.fd = c->fd,
			.events = (backlog ? POLLOUT : 0) |
				  (c->out_len - c->out_off < NFV_MGMT_OUT_SOFT ? POLLIN : 0),
		};
	}
	if (poll(pfd, n, timeout_ms) <= 0)
		return;
	/* backwards: closing swaps the last connection into slot i */
	for (unsigned int i = mg->nb_conns; i-- > 0;) {
		struct nfv_mgmt_conn *c = &mg->conns[i];
		bool ok = true;

		if (pfd[i + 1].revents == 0)
			continue;
		if (pfd[i + 1].revents & POLLOUT) {
			ok = out_flush(c) == 0;
			/* requests left waiting while it was behind */
			if (ok)
				ok = conn_process(dp, c);
		}
		if (ok && (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
			ok = conn_read(dp, c);
		if (!ok)
			conn_close(dp, i);
	}
	if (pfd[0].revents & POLLIN)
		mgmt_accept(dp);
}

struct nfv_mgmt_conn *nfv_mgmt_conn_by_fd(struct nfv_dp *dp, int fd)
{
	struct nfv_mgmt *mg = dp->mgmt;

	for (unsigned int i = 0; mg != NULL && i < mg->nb_conns; i++)
		if (mg->conns[i].fd == fd)
			return &mg->conns[i];
	return NULL;
}

/* Last at start-up: clients see a dataplane with everything applied. */
static int mgmt_init(struct nfv_dp *dp)
{
	int ret;

	dp->mgmt = calloc(1, sizeof(*dp->mgmt));
	if (dp->mgmt == NULL)
		return -ENOMEM;
	dp->mgmt->lfd = -1;
	dp->mgmt->idle_tsc = dp->idle_timeout_s * rte_get_tsc_hz();
	ret = mgmt_bind(dp, dp->socket_path);
	if (ret < 0)
		NFV_LOG(ERR, "management socket %s: %s", dp->socket_path, strerror(-ret));
	return ret;
}

static void mgmt_fini(struct nfv_dp *dp)
{
	mgmt_stop(dp);
	free(dp->mgmt);
	dp->mgmt = NULL;
}

static struct nfv_ctl_module mgmt_module = {
	.name = "management socket",
	.order = NFV_CTL_ORDER_MGMT,
	.init = mgmt_init,
	.stop = mgmt_stop,
	.fini = mgmt_fini,
};
NFV_CTL_MODULE(mgmt_module);
