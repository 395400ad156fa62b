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
#include <sys/stat.h>
#include <unistd.h>

#include "nfv_policy.h"
#include "nfv_policy_filter.h"
#include "nfv_policy_steer.h"
#include "nfv_policy_ipsec.h"
#include "nfv_policy_priv.h"

/* Larger policies are a mistake (or /dev/zero), not a configuration. */
#define NFV_POLICY_FILE_MAX (64u << 20)

int nfv_policy_error_add(struct nfv_policy_errors *errs, struct nfv_mark mark,
			 const char *fmt, ...)
{
	struct nfv_policy_error *e;
	va_list ap;

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

/*
 * File order; stable, so errors at one mark keep the order they were
 * found in. Insertion sort: the walk already emits them nearly sorted.
 */
void nfv_policy_errors_sort(struct nfv_policy_errors *errs)
{
	struct nfv_policy_error tmp;
	unsigned int i, j;

	for (i = 1; i < errs->n; i++) {
		if (mark_cmp(errs->v[i - 1].mark, errs->v[i].mark) <= 0)
			continue;
		tmp = errs->v[i];
		for (j = i; j > 0 && mark_cmp(errs->v[j - 1].mark, tmp.mark) > 0; j--)
			errs->v[j] = errs->v[j - 1];
		errs->v[j] = tmp;
	}
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

static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	ssize_t r;
	size_t n = 0;
	char *b;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -ENOTSUP;
		goto err_close;
	}
	if ((uint64_t)st.st_size > NFV_POLICY_FILE_MAX) {
		ret = -EFBIG;
		goto err_close;
	}
	b = malloc((size_t)st.st_size + 1);
	if (b == NULL) {
		ret = -ENOMEM;
		goto err_close;
	}
	while (n < (size_t)st.st_size) {
		r = read(fd, b + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? -errno : -EIO;
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
	free(b);
err_close:
	close(fd);
	return ret;
}

int nfv_policy_load(const char *path, struct nfv_policy **out,
		    struct nfv_policy_errors *errs)
{
	struct nfv_mark none = { 0, 0 };
	char *buf = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	errs->n = 0;
	ret = read_file(path, &buf, &len);
	if (ret < 0) {
		nfv_policy_error_add(errs, none, "cannot read the policy: %s",
				     ret == -ENOTSUP ? "not a regular file" :
				     strerror(-ret));
		return ret;
	}
	ret = nfv_policy_parse(path, buf, len, out, errs);
	free(buf);
	return ret;
}
