/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON output for scripts. Names and text come from the dataplane and may
 * hold any byte: control characters are escaped and bytes that are not
 * UTF-8 become U+FFFD, so the document always parses.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_json.h"

void ctl_json_init(struct ctl_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

static void put_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;

	fputc('"', f);
	while (i < n && s[i] != '\0') {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c == '\b') {
			fputs("\\b", f);
		} else if (c == '\f') {
			fputs("\\f", f);
		} else if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
		} else if (c < 0x80) {
			fputc(c, f);
		} else if ((len = utf8_len(s + i, n - i)) != 0 &&
			   memchr(s + i, '\0', len) == NULL) {
			fwrite(s + i, 1, len, f);
			i += len;
			continue;
		} else {
			fputs("\\ufffd", f);
		}
		i++;
	}
	fputc('"', f);
}

static void newline(struct ctl_json *j)
{
	unsigned int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* The comma, indentation and key before a value. */
static void before(struct ctl_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->more[j->depth])
			fputc(',', j->f);
		newline(j);
	}
	j->more[j->depth] = true;
	if (key != NULL) {
		put_string(j->f, key, strlen(key));
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void json_open(struct ctl_json *j, const char *key, char c)
{
	before(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < CTL_JSON_DEPTH)
		j->depth++;
	j->more[j->depth] = false;
}

static void json_close(struct ctl_json *j, char c)
{
	bool had = j->more[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		newline(j);
	fputc(c, j->f);
}

void ctl_json_obj_begin(struct ctl_json *j, const char *key)
{
	json_open(j, key, '{');
}

void ctl_json_obj_end(struct ctl_json *j)
{
	json_close(j, '}');
}

void ctl_json_arr_begin(struct ctl_json *j, const char *key)
{
	json_open(j, key, '[');
}

void ctl_json_arr_end(struct ctl_json *j)
{
	json_close(j, ']');
}

void ctl_json_strn(struct ctl_json *j, const char *key, const char *s, size_t n)
{
	before(j, key);
	if (s == NULL)
		fputs("null", j->f);
	else
		put_string(j->f, s, n);
}

void ctl_json_str(struct ctl_json *j, const char *key, const char *s)
{
	ctl_json_strn(j, key, s, s != NULL ? strlen(s) : 0);
}

void ctl_json_u64(struct ctl_json *j, const char *key, uint64_t v)
{
	before(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void ctl_json_i64(struct ctl_json *j, const char *key, int64_t v)
{
	before(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void ctl_json_double(struct ctl_json *j, const char *key, double v)
{
	char buf[32];

	before(j, key);
	if (isfinite(v)) {
		/* The shortest form that reads back as the same value. */
		snprintf(buf, sizeof(buf), "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, sizeof(buf), "%.17g", v);
		fputs(buf, j->f);
	} else {
		fputs("null", j->f);
	}
}

void ctl_json_bool(struct ctl_json *j, const char *key, bool v)
{
	before(j, key);
	fputs(v ? "true" : "false", j->f);
}

void ctl_json_null(struct ctl_json *j, const char *key)
{
	before(j, key);
	fputs("null", j->f);
}

void ctl_json_end(struct ctl_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
