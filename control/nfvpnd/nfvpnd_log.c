/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging and readiness. One message, one call: to the journal through
 * libsystemd (sd_journal_send, with its PRIORITY) when stderr is the
 * journal's stream, so that a multi-line message (an apply's plan) stays
 * one entry; as "nfvpnd: LEVEL: message" lines on stderr otherwise (a
 * terminal, a file, a pipe). stderr is the journal when $JOURNAL_STREAM,
 * "DEV:INODE", names the very file stderr is (systemd.exec(5)): a child
 * that inherited the variable but not the stream logs to its stderr.
 */
#define SD_JOURNAL_SUPPRESS_LOCATION	/* the location would be this file's */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "nfvpnd.h"

static bool journal;	/* set once, before anything logs */

bool nfvpnd_log_is_journal(const char *journal_stream, uint64_t dev, uint64_t ino)
{
	uintmax_t d, i;
	int end = 0;

	if (journal_stream == NULL ||
	    sscanf(journal_stream, "%ju:%ju%n", &d, &i, &end) != 2 ||
	    journal_stream[end] != '\0')
		return false;
	return d == dev && i == ino;
}

void nfvpnd_log_init(void)
{
	struct stat st;

	journal = fstat(STDERR_FILENO, &st) == 0 &&
		  nfvpnd_log_is_journal(getenv("JOURNAL_STREAM"), st.st_dev, st.st_ino);
}

void nfvpnd_log(int prio, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	char small[1024], *msg = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	/* a plan can be longer than a line: the whole message, in one piece */
	if (n >= (int)sizeof(small)) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = small;	/* truncated, then */
		va_end(ap);
	}
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (!journal || sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio & 7,
					"SYSLOG_IDENTIFIER=nfvpnd", NULL) < 0) {
		fprintf(stderr, "nfvpnd: %s: %s\n", names[prio & 7], msg);
		fflush(stderr);
	}
	if (msg != small)
		free(msg);
}

int nfvpnd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	size_t len;
	int fd, ret = 0;

	if (path == NULL || path[0] == '\0')
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	/* "@name" is an abstract socket: a leading NUL, no terminator */
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = offsetof(struct sockaddr_un, sun_path) + len;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

void nfvpnd_printf(struct nfvpnd_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->p ? t->p + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			t->len += n;
			return;
		}
		size_t cap = t->cap ? t->cap * 2 : 1024;
		while (cap - t->len <= (size_t)n)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (p == NULL)
			return;
		t->p = p;
		t->cap = cap;
	}
}

void nfvpnd_text_fini(struct nfvpnd_text *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}
