/* SPDX-License-Identifier: BSD-3-Clause */
/* The fake management socket server of the control tests. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fake_server.h"

static int read_all(int fd, void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void write_step(int fd, const struct fake_step *st)
{
	size_t off = 0, n;
	ssize_t w;

	while (off < st->len) {
		n = st->chunk && st->chunk < st->len - off ? st->chunk : st->len - off;
		w = send(fd, st->bytes + off, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		off += (size_t)w;
		/* Let the client see each piece on its own. */
		if (st->chunk)
			usleep(200);
	}
}

static void serve(struct fake_server *s, int fd)
{
	struct fake_req req;
	struct fake_step st;
	uint8_t skip[256];
	uint32_t left;

	for (;;) {
		memset(&req, 0, sizeof(req));
		if (read_all(fd, &req.hdr, sizeof(req.hdr)) < 0)
			return;
		left = req.hdr.len;
		if (read_all(fd, req.payload, left < FAKE_REQ_MAX ? left : FAKE_REQ_MAX) < 0)
			return;
		for (left = left > FAKE_REQ_MAX ? left - FAKE_REQ_MAX : 0; left > 0;) {
			uint32_t n = left < sizeof(skip) ? left : sizeof(skip);

			if (read_all(fd, skip, n) < 0)
				return;
			left -= n;
		}
		pthread_mutex_lock(&s->lock);
		if (s->nb_reqs < FAKE_REQS)
			s->reqs[s->nb_reqs++] = req;
		if (s->next_step == s->nb_steps) {
			pthread_mutex_unlock(&s->lock);
			return;
		}
		/* A copy: the test may reset the script while we write. */
		st = s->steps[s->next_step++];
		st.bytes = st.len ? malloc(st.len) : NULL;
		if (st.bytes != NULL)
			memcpy(st.bytes, s->steps[s->next_step - 1].bytes, st.len);
		else
			st.len = 0;
		pthread_mutex_unlock(&s->lock);
		write_step(fd, &st);
		free(st.bytes);
		if (st.close)
			return;
	}
}

static void *server_thread(void *arg)
{
	struct fake_server *s = arg;
	int fd;

	for (;;) {
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		serve(s, fd);
		close(fd);
	}
}

int fake_start(struct fake_server *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->dir, sizeof(s->dir), "/tmp/nfvctl-test.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -errno;
	snprintf(s->path, sizeof(s->path), "%s/dataplane.sock", s->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->path);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 ||
	    bind(s->lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(s->lfd, 8) < 0 ||
	    pthread_create(&s->thread, NULL, server_thread, s) != 0)
		return -errno;
	return 0;
}

void fake_reset(struct fake_server *s)
{
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nb_steps; i++)
		free(s->steps[i].bytes);
	memset(s->steps, 0, sizeof(s->steps));
	s->nb_steps = s->next_step = s->nb_reqs = 0;
	pthread_mutex_unlock(&s->lock);
}

void fake_stop(struct fake_server *s)
{
	/* Wakes accept(): the thread sees EINVAL and returns. */
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->thread, NULL);
	close(s->lfd);
	fake_reset(s);
	unlink(s->path);
	rmdir(s->dir);
}

void fake_step(struct fake_server *s, size_t chunk, bool close)
{
	pthread_mutex_lock(&s->lock);
	if (s->nb_steps < FAKE_STEPS)
		s->steps[s->nb_steps++] = (struct fake_step){ .chunk = chunk, .close = close };
	pthread_mutex_unlock(&s->lock);
}

static void append(struct fake_server *s, const void *p, size_t n)
{
	struct fake_step *st;

	pthread_mutex_lock(&s->lock);
	if (s->nb_steps == 0)
		s->steps[s->nb_steps++] = (struct fake_step){ 0 };
	st = &s->steps[s->nb_steps - 1];
	st->bytes = realloc(st->bytes, st->len + n);
	if (st->bytes != NULL && n > 0) {
		memcpy(st->bytes + st->len, p, n);
		st->len += n;
	}
	pthread_mutex_unlock(&s->lock);
}

void fake_msg_raw(struct fake_server *s, const struct nfv_msg_hdr *h,
		  const void *payload, size_t n)
{
	append(s, h, sizeof(*h));
	append(s, payload, n);
}

void fake_msg(struct fake_server *s, uint16_t type, uint32_t seq, int32_t status,
	      const void *payload, uint32_t len)
{
	struct nfv_msg_hdr h = {
		.len = len, .type = type, .version = NFV_MSG_VERSION,
		.seq = seq, .status = status,
	};

	fake_msg_raw(s, &h, payload, len);
}

void fake_reply(struct fake_server *s, uint16_t type, uint32_t seq,
		const void *payload, uint32_t len)
{
	fake_step(s, 0, false);
	fake_msg(s, type, seq, 0, payload, len);
}

void fake_reply_list(struct fake_server *s, uint16_t type, uint32_t seq,
		     const void *recs, uint32_t n, uint32_t size)
{
	struct nfv_msg_list l = { .count = n, .record_size = size };
	uint32_t len = (uint32_t)sizeof(l) + n * size;
	uint8_t *buf = malloc(len);

	memcpy(buf, &l, sizeof(l));
	if (n)
		memcpy(buf + sizeof(l), recs, (size_t)n * size);
	fake_reply(s, type, seq, buf, len);
	free(buf);
}

void fake_reply_error(struct fake_server *s, uint32_t seq, int err, const char *text)
{
	fake_step(s, 0, false);
	fake_msg(s, NFV_MSG_ERROR, seq, -err, text, (uint32_t)strlen(text) + 1);
}
