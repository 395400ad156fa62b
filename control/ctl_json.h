/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small JSON writer (RFC 8259): objects and arrays nest, strings are
 * escaped and made valid UTF-8, integers are exact. A key is NULL inside
 * an array and at the top.
 */
#ifndef NFV_CTL_JSON_H
#define NFV_CTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_JSON_DEPTH 16

struct ctl_json {
	FILE *f;
	unsigned int depth;
	bool pretty;
	bool more[CTL_JSON_DEPTH];	/* a value was written at this depth */
};

void ctl_json_init(struct ctl_json *j, FILE *f, bool pretty);
void ctl_json_obj_begin(struct ctl_json *j, const char *key);
void ctl_json_obj_end(struct ctl_json *j);
void ctl_json_arr_begin(struct ctl_json *j, const char *key);
void ctl_json_arr_end(struct ctl_json *j);
/* s NULL writes null. */
void ctl_json_str(struct ctl_json *j, const char *key, const char *s);
/* The first n bytes of s, which need not be terminated. */
void ctl_json_strn(struct ctl_json *j, const char *key, const char *s, size_t n);
void ctl_json_u64(struct ctl_json *j, const char *key, uint64_t v);
void ctl_json_i64(struct ctl_json *j, const char *key, int64_t v);
/* Not finite writes null. */
void ctl_json_double(struct ctl_json *j, const char *key, double v);
void ctl_json_bool(struct ctl_json *j, const char *key, bool v);
void ctl_json_null(struct ctl_json *j, const char *key);
/* Ends the document with a newline. */
void ctl_json_end(struct ctl_json *j);

#endif
