/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running the nft compiler and reading what it says. The text goes in
 * through a memfd, so nothing is written to a pipe that a child which
 * died early no longer reads (no SIGPIPE, no deadlock); the messages and
 * the errors come back through two pipes read together.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nfv_nftc.h"

#ifndef NFV_NFTC_INSTALLED
#define NFV_NFTC_INSTALLED "/usr/local/libexec/nfvpn/" NFV_NFTC_NAME
#endif

extern char **environ;

void nfv_nftc_out_fini(struct nfv_nftc_out *o)
{
	free(o->msgs);
	*o = (struct nfv_nftc_out){ 0 };
}

const char *nfv_nftc_path(char *buf, size_t len)
{
	const char *env = getenv(NFV_NFTC_ENV);
	char self[PATH_MAX];
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		snprintf(buf, len, "%s/%s", dirname(self), NFV_NFTC_NAME);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NFV_NFTC_INSTALLED;
}

static int out_append(struct nfv_nftc_out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1u << 16;
		uint8_t *m;

		while (cap < o->len + n)
			cap *= 2;
		if (cap > NFV_NFTC_OUT_MAX)
			return -EFBIG;
		m = realloc(o->msgs, cap);
		if (m == NULL)
			return -ENOMEM;
		o->msgs = m;
		o->cap = cap;
	}
	memcpy(o->msgs + o->len, p, n);
	o->len += n;
	return 0;
}

/* The child's message without its trailing newlines. */
static void err_trim(char *err, size_t elen)
{
	while (elen > 0 && (err[elen - 1] == '\n' || err[elen - 1] == '\r'))
		err[--elen] = '\0';
}

int nfv_nftc_collect(pid_t pid, int out_fd, int err_fd, struct nfv_nftc_out *out,
		     char *err, size_t errlen)
{
	struct pollfd pfd[2] = { { .fd = out_fd, .events = POLLIN },
				 { .fd = err_fd, .events = POLLIN } };
	size_t elen = 0;
	char buf[65536];
	int ret = 0, status = 0, left_ms = NFV_NFTC_TIMEOUT_MS, n;

	out->len = 0;
	if (errlen)
		err[0] = '\0';
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		/* a compiler that hangs must not hang its caller (the dataplane) */
		n = poll(pfd, 2, left_ms < 100 ? left_ms : 100);
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (n <= 0) {
			left_ms -= 100;
			if (left_ms <= 0) {
				kill(pid, SIGKILL);
				ret = -ETIMEDOUT;
				snprintf(err, errlen, "%s took more than %u s: killed", NFV_NFTC_NAME,
					 NFV_NFTC_TIMEOUT_MS / 1000);
				elen = strlen(err);
				break;
			}
			continue;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;
			size_t k;

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			/* past an error, keep reading: a child must never block on us */
			if (i == 0 && ret == 0)
				ret = out_append(out, buf, n);
			if (i == 1 && errlen > elen + 1) {
				k = (size_t)n < errlen - 1 - elen ? (size_t)n : errlen - 1 - elen;
				memcpy(err + elen, buf, k);
				elen += k;
				err[elen] = '\0';
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	err_trim(err, elen);
	if (status == 0 && ret == 0)
		return 0;
	if (ret == -EFBIG)
		snprintf(err, errlen, "the compiled ruleset is over %u MiB", NFV_NFTC_OUT_MAX >> 20);
	if (ret < 0)
		return ret;
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == NFV_NFTC_REFUSED)
		ret = -EINVAL;
	else
		ret = -EIO;
	if (elen == 0 && status != -1 && WIFSIGNALED(status))
		snprintf(err, errlen, "%s killed by signal %d", NFV_NFTC_NAME, WTERMSIG(status));
	else if (elen == 0 && status != -1)
		snprintf(err, errlen, "%s exited with status %d", NFV_NFTC_NAME,
			 WEXITSTATUS(status));
	return ret;
}

static int bytes_memfd(const void *p, size_t len)
{
	const char *text = p;
	int fd = memfd_create("nft", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return (int)n;
		}
		off += n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/*
 * Runs nfvpn-nftc with argv, in on its standard input and extra (or -1)
 * as its descriptor 3; reads what it says with nfv_nftc_collect().
 */
static int spawn(char *const argv[], int in, int extra, struct nfv_nftc_out *out,
		 char *err, size_t errlen)
{
	char path[PATH_MAX];
	const char *prog = nfv_nftc_path(path, sizeof(path));
	posix_spawn_file_actions_t fa;
	int po[2], pe[2], ret;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) < 0) {
		ret = -errno;
		goto err_po;
	}
	if (pipe2(pe, O_CLOEXEC) < 0) {
		ret = -errno;
		goto err_pe;
	}
	ret = -posix_spawn_file_actions_init(&fa);
	if (ret < 0)
		goto err_fa;
	/* stdin, stdout, stderr and nothing else of ours (EAL files, sockets) */
	ret = -posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (ret == 0)
		ret = -posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	if (ret == 0)
		ret = -posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	if (ret == 0 && extra >= 0)
		ret = -posix_spawn_file_actions_adddup2(&fa, extra, 3);
	if (ret == 0)
		ret = -posix_spawn_file_actions_addclosefrom_np(&fa, extra >= 0 ? 4 : 3);
	if (ret == 0)
		ret = -posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret < 0) {
		snprintf(err, errlen, "cannot run %s: %s (set %s to its path)", prog,
			 strerror(-ret), NFV_NFTC_ENV);
		goto err_fa;
	}
	close(po[1]);
	close(pe[1]);
	return nfv_nftc_collect(pid, po[0], pe[0], out, err, errlen);
err_fa:
	close(pe[0]);
	close(pe[1]);
err_pe:
	close(po[0]);
	close(po[1]);
err_po:
	if (errlen && err[0] == '\0')
		snprintf(err, errlen, "running %s: %s", prog, strerror(-ret));
	return ret;
}

/*
 * spawn() with in (len bytes) on standard input and, when extra is not
 * NULL, extra_len bytes on descriptor 3; what says which is which in err.
 */
static int spawn_bytes(char *const argv[], const void *in, size_t len, const void *extra,
		       size_t extra_len, const char *what, struct nfv_nftc_out *out,
		       char *err, size_t errlen)
{
	int fd, xfd = -1, ret;

	if (errlen)
		err[0] = '\0';
	fd = bytes_memfd(in, len);
	if (fd >= 0 && extra != NULL) {
		xfd = bytes_memfd(extra, extra_len);
		if (xfd < 0) {
			close(fd);
			fd = xfd;
		}
	}
	if (fd < 0) {
		snprintf(err, errlen, "memfd for the %s: %s", what, strerror(-fd));
		return fd;
	}
	ret = spawn(argv, fd, xfd, out, err, errlen);
	if (xfd >= 0)
		close(xfd);
	close(fd);
	return ret;
}

int nfv_nftc_spawn(const char *text, const char *name, struct nfv_nftc_out *out,
		   char *err, size_t errlen)
{
	char *const argv[] = { (char *)NFV_NFTC_NAME, (char *)"--name", (char *)name, NULL };

	return spawn_bytes(argv, text, strlen(text), NULL, 0, "nft text", out, err, errlen);
}

int nfv_nftc_spawn_list(const void *msgs, size_t len, const void *ctrs, size_t ctrs_len,
			bool handles, struct nfv_nftc_out *out, char *err, size_t errlen)
{
	char *argv[] = { (char *)NFV_NFTC_NAME, (char *)"--list", (char *)"--counters",
			 (char *)"3", handles ? (char *)"--handles" : NULL, NULL };

	/* ctrs never NULL: a ruleset without rules has an empty memfd */
	return spawn_bytes(argv, msgs, len, ctrs != NULL ? ctrs : "", ctrs_len,
			   "ruleset and its counters", out, err, errlen);
}

int nfv_nftc_spawn_validate(const void *msgs, size_t len, char *err, size_t errlen)
{
	char *const argv[] = { (char *)NFV_NFTC_NAME, (char *)"--validate", NULL };
	struct nfv_nftc_out out = { 0 };
	int ret = spawn_bytes(argv, msgs, len, NULL, 0, "ruleset", &out, err, errlen);

	nfv_nftc_out_fini(&out);
	return ret;
}
