/* SPDX-License-Identifier: BSD-3-Clause */
/* A column-aligned text table: cells are added row by row, widths at print. */
#ifndef NFV_CTL_TABLE_H
#define NFV_CTL_TABLE_H

#include <stdio.h>

enum ctl_align {
	CTL_LEFT,
	CTL_RIGHT,	/* numbers */
};

struct ctl_col {
	const char *name;
	enum ctl_align align;
};

struct ctl_table;

struct ctl_table *ctl_table_new(const struct ctl_col *cols, unsigned int ncols);
/* Appends the next cell, starting a new row after the last column. */
int ctl_table_add(struct ctl_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Header and rows, two spaces between columns, no trailing blanks. */
int ctl_table_print(const struct ctl_table *t, FILE *f);
void ctl_table_free(struct ctl_table *t);

#endif
