/* SPDX-License-Identifier: BSD-3-Clause */
/* The lock beside a Unix socket: see nfv_sock_lock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfv_sock_lock.h"

/* Creates the directory of the socket, root-only, when it is missing. */
static void mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0700);
}

/* Whether fd is still the file at path (not one removed and made again). */
static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static pid_t read_pid(int fd)
{
	char buf[24];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || *end == '\0') && pid > 0 ? (pid_t)pid : 0;
}

int nfv_sock_lock(struct nfv_sock_lock *l, const char *sock_path)
{
	char pid[24];
	int fd = -1, n, ret;

	l->fd = -1;
	l->holder = 0;
	snprintf(l->path, sizeof(l->path), "%s.lock", sock_path);
	if (strlen(sock_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	mkdir_parent(sock_path);
	/*
	 * A holder removes the file before it lets go: if we got the lock of
	 * a file that is no longer at the path, try again on the new one.
	 */
	for (unsigned int tries = 0; tries < 8; tries++) {
		fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			ret = errno == EWOULDBLOCK ? -EADDRINUSE : -errno;
			if (ret == -EADDRINUSE)
				l->holder = read_pid(fd);
			close(fd);
			return ret;
		}
		if (same_file(fd, l->path))
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return -EAGAIN;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	errno = EIO;	/* what a short write leaves */
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, n, 0) != n) {
		ret = -errno;
		close(fd);
		return ret;
	}
	l->fd = fd;
	return 0;
}

void nfv_sock_lock_why(const struct nfv_sock_lock *l, int err, char *buf, size_t size)
{
	if (err == -EADDRINUSE && l->holder > 0)
		snprintf(buf, size, "in use by pid %d, which holds %s", (int)l->holder, l->path);
	else if (err == -EADDRINUSE)
		snprintf(buf, size, "in use by another process, which holds %s", l->path);
	else
		snprintf(buf, size, "cannot lock %s: %s", l->path, strerror(-err));
}

void nfv_sock_unlock(struct nfv_sock_lock *l)
{
	if (l->fd < 0)
		return;
	/* removed while still held: whoever waits on it then sees it gone */
	if (same_file(l->fd, l->path))
		unlink(l->path);
	close(l->fd);
	l->fd = -1;
}
