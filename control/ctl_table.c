/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tables as ip(8) and ss(8) print them: a header, one row per object,
 * columns as wide as their widest cell, numbers right-aligned.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_table.h"

struct ctl_table {
	const struct ctl_col *cols;
	unsigned int ncols;
	char **cells;		/* row-major */
	size_t n, cap;
	int err;		/* first failure, reported at print */
};

struct ctl_table *ctl_table_new(const struct ctl_col *cols, unsigned int ncols)
{
	struct ctl_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->cols = cols;
	t->ncols = ncols;
	return t;
}

int ctl_table_add(struct ctl_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **c = realloc(t->cells, cap * sizeof(*c));

		if (c == NULL)
			return t->err = -ENOMEM;
		t->cells = c;
		t->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return t->err = -ENOMEM;
	t->cells[t->n++] = s;
	return 0;
}

/* Pads into line (room for every width), then cuts trailing blanks. */
static void print_row(const struct ctl_table *t, FILE *f, const size_t *w,
		      const char *const *row, char *line)
{
	size_t len, o = 0;
	unsigned int i;

	for (i = 0; i < t->ncols; i++) {
		len = strlen(row[i]);
		if (i > 0) {
			memcpy(line + o, "  ", 2);
			o += 2;
		}
		if (t->cols[i].align == CTL_RIGHT) {
			memset(line + o, ' ', w[i] - len);
			memcpy(line + o + w[i] - len, row[i], len);
		} else {
			memcpy(line + o, row[i], len);
			memset(line + o + len, ' ', w[i] - len);
		}
		o += w[i];
	}
	while (o > 0 && line[o - 1] == ' ')
		o--;
	line[o++] = '\n';
	fwrite(line, 1, o, f);
}

int ctl_table_print(const struct ctl_table *t, FILE *f)
{
	const char *head[64];
	size_t w[64], i, len;
	char *line;

	if (t->err)
		return t->err;
	if (t->ncols > 64 || t->n % t->ncols != 0)
		return -EINVAL;
	for (i = 0; i < t->ncols; i++) {
		head[i] = t->cols[i].name;
		w[i] = strlen(head[i]);
	}
	for (i = 0; i < t->n; i++) {
		len = strlen(t->cells[i]);
		if (len > w[i % t->ncols])
			w[i % t->ncols] = len;
	}
	for (i = 0, len = 1; i < t->ncols; i++)
		len += w[i] + 2;
	line = malloc(len);
	if (line == NULL)
		return -ENOMEM;
	print_row(t, f, w, head, line);
	for (i = 0; i < t->n; i += t->ncols)
		print_row(t, f, w, (const char *const *)&t->cells[i], line);
	free(line);
	return 0;
}

void ctl_table_free(struct ctl_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
