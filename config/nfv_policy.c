/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy model: loading a file, freeing, the error list and lookups.
 * The YAML walk is in nfv_policy_yaml.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "nfv_policy.h"
#include "nfv_policy_filter.h"
#include "nfv_policy_steer.h"
#include "nfv_policy_ipsec.h"
#include "nfv_policy_priv.h"

int nfv_policy_error_add(struct nfv_policy_errors *errs, struct nfv_mark mark,
			 const char *fmt, ...)
{
	struct nfv_policy_error *e;
	va_list ap;

	if (errs->n >= NFV_POLICY_ERRORS_MAX) {
		if (errs->dropped++ == 0)
			errs->dropped_mark = mark;
		return 0;
	}
	if (errs->n == errs->cap) {
		unsigned int cap = errs->cap ? errs->cap * 2 : 16;

		e = realloc(errs->v, cap * sizeof(*e));
		if (e == NULL)
			return -ENOMEM;
		errs->v = e;
		errs->cap = cap;
	}
	e = &errs->v[errs->n++];
	e->mark = mark;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return 0;
}

static int mark_cmp(struct nfv_mark a, struct nfv_mark b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.column != b.column)
		return a.column < b.column ? -1 : 1;
	return 0;
}

/* File order; stable, so errors at one mark keep the order they were found in. */
void nfv_policy_errors_sort(struct nfv_policy_errors *errs)
{
	struct nfv_policy_error *a = errs->v, *b, *t;
	unsigned int w, i, l, m, r;

	if (errs->n < 2)
		return;
	b = malloc(errs->n * sizeof(*b));
	if (b == NULL)
		return;	/* unsorted but complete */
	/* Bottom-up merge sort: n log n even when the walk went back and forth. */
	for (w = 1; w < errs->n; w *= 2) {
		for (i = 0; i < errs->n; i += 2 * w) {
			l = i;
			m = i + w < errs->n ? i + w : errs->n;
			r = i + 2 * w < errs->n ? i + 2 * w : errs->n;
			unsigned int x = l, y = m, k = l;

			while (x < m && y < r)
				b[k++] = mark_cmp(a[y].mark, a[x].mark) < 0 ? a[y++] : a[x++];
			while (x < m)
				b[k++] = a[x++];
			while (y < r)
				b[k++] = a[y++];
		}
		t = a;
		a = b;
		b = t;
	}
	if (a != errs->v) {
		memcpy(errs->v, a, errs->n * sizeof(*a));
		free(a);
	} else {
		free(b);
	}
}

/* After the sort: one last line for the errors past NFV_POLICY_ERRORS_MAX. */
void nfv_policy_errors_close(struct nfv_policy_errors *errs)
{
	unsigned int dropped = errs->dropped;

	if (dropped == 0)
		return;
	errs->n = NFV_POLICY_ERRORS_MAX - 1 < errs->n ? NFV_POLICY_ERRORS_MAX - 1 : errs->n;
	errs->dropped = 0;
	nfv_policy_error_add(errs, errs->dropped_mark,
			     "too many errors: %u more not shown (at most %u are)",
			     dropped + 1, NFV_POLICY_ERRORS_MAX - 1);
	errs->dropped = dropped;
}

void nfv_policy_errors_print(FILE *f, const char *path,
			     const struct nfv_policy_errors *errs)
{
	const struct nfv_policy_error *e;
	unsigned int i;

	for (i = 0; i < errs->n; i++) {
		e = &errs->v[i];
		if (e->mark.line == 0)
			fprintf(f, "%s: %s\n", path, e->msg);
		else
			fprintf(f, "%s:%u:%u: %s\n", path, e->mark.line,
				e->mark.column, e->msg);
	}
}

void nfv_policy_errors_fini(struct nfv_policy_errors *errs)
{
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
	errs->cap = 0;
	errs->dropped = 0;
}

void nfv_policy_free(struct nfv_policy *p)
{
	if (p == NULL)
		return;
	free(p->ports);
	free(p->addresses);
	free(p->routes);
	free(p->neighbours);
	free(p->queues);
	free(p->hooks);
	nfv_policy_filter_free(p->filter);
	nfv_policy_steer_free(p->steer);
	nfv_policy_ipsec_free(p->ipsec);
	free(p);
}

int nfv_policy_port_index(const struct nfv_policy *p, const char *name)
{
	unsigned int i;

	for (i = 0; i < p->nb_ports; i++)
		if (strcmp(p->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

int nfv_policy_queue_index(const struct nfv_policy *p, uint16_t num)
{
	unsigned int i;

	for (i = 0; i < p->nb_queues; i++)
		if (p->queues[i].num == num)
			return (int)i;
	return -1;
}

/*
 * A file the loader reads: opened without blocking (a FIFO or a tty must
 * not hang `nfvpnd --check` or a start), without following a final symbolic
 * link when asked, and judged on the open fd, so that what is checked is
 * what is read: a regular file (not on procfs or sysfs, whose "files" are
 * the kernel's state), at most max bytes, and with NFV_RF_OWNER owned by
 * root or the user we run as. *why says what is wrong.
 */
int nfv_policy_read_file(const char *path, unsigned int flags, size_t max,
			 char **buf, size_t *len, struct stat *st,
			 char *why, size_t whylen)
{
	struct statfs sfs;
	size_t n = 0;
	ssize_t r;
	char *b;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
		  (flags & NFV_RF_NOFOLLOW ? O_NOFOLLOW : 0));
	if (fd < 0) {
		ret = -errno;
		if (ret == -ELOOP && (flags & NFV_RF_NOFOLLOW))
			snprintf(why, whylen, "a symbolic link; name the file itself");
		else
			snprintf(why, whylen, "%s", strerror(errno));
		return ret;
	}
	if (fstat(fd, st) < 0 || fstatfs(fd, &sfs) < 0) {
		ret = -errno;
		snprintf(why, whylen, "%s", strerror(errno));
		goto err_close;
	}
	if (!S_ISREG(st->st_mode) || sfs.f_type == PROC_SUPER_MAGIC ||
	    sfs.f_type == SYSFS_MAGIC) {
		ret = S_ISDIR(st->st_mode) ? -EISDIR : -ENOTSUP;
		snprintf(why, whylen, "not a regular file (%s)",
			 S_ISDIR(st->st_mode) ? "a directory" :
			 S_ISFIFO(st->st_mode) ? "a FIFO" :
			 S_ISSOCK(st->st_mode) ? "a socket" :
			 S_ISCHR(st->st_mode) ? "a character device" :
			 S_ISBLK(st->st_mode) ? "a block device" :
			 S_ISREG(st->st_mode) ? "on procfs or sysfs" : "unknown type");
		goto err_close;
	}
	if ((flags & NFV_RF_OWNER) && st->st_uid != 0 && st->st_uid != geteuid()) {
		ret = -EPERM;
		snprintf(why, whylen, "owned by uid %u, neither root nor the user we run as (uid %u); run chown root on it",
			 (unsigned int)st->st_uid, (unsigned int)geteuid());
		goto err_close;
	}
	if ((uint64_t)st->st_size > max) {
		ret = -EFBIG;
		snprintf(why, whylen, "larger than %zu bytes (%llu)", max,
			 (unsigned long long)st->st_size);
		goto err_close;
	}
	b = malloc((size_t)st->st_size + 1);
	if (b == NULL) {
		ret = -ENOMEM;
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		goto err_close;
	}
	while (n < (size_t)st->st_size) {
		r = read(fd, b + n, (size_t)st->st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? -errno : -EIO;
			snprintf(why, whylen, "%s", r < 0 ? strerror(errno) :
				 "shorter than its size; changed while read");
			goto err_free;
		}
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;

err_free:
	explicit_bzero(b, (size_t)st->st_size);
	free(b);
err_close:
	close(fd);
	return ret;
}

int nfv_policy_load(const char *path, struct nfv_policy **out,
		    struct nfv_policy_errors *errs)
{
	return nfv_policy_load_flags(path, 0, out, errs);
}

int nfv_policy_load_flags(const char *path, unsigned int flags,
			  struct nfv_policy **out, struct nfv_policy_errors *errs)
{
	struct nfv_mark none = { 0, 0 };
	char *buf = NULL, why[160];
	struct stat st;
	size_t len = 0;
	int ret;

	*out = NULL;
	errs->n = 0;
	errs->dropped = 0;
	ret = nfv_policy_read_file(path, 0, NFV_POLICY_FILE_MAX, &buf, &len, &st,
				   why, sizeof(why));
	if (ret < 0) {
		nfv_policy_error_add(errs, none, "cannot read the policy: %s", why);
		return ret;
	}
	ret = nfv_policy_parse_file(path, buf, len, flags, &st, out, errs);
	/* It may hold keys. */
	explicit_bzero(buf, len);
	free(buf);
	return ret;
}
