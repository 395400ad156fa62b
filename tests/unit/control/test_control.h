/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the control suites: the fake server and running nfvpnctl. */
#ifndef TEST_CONTROL_H
#define TEST_CONTROL_H

#include "fake_server.h"

extern struct fake_server test_srv;

struct ctl_run {
	int rc;
	char *out;	/* what went to stdout */
	char *err;	/* ... and to stderr */
};

/*
 * Runs nfvpnctl --socket <fake server> with the NULL-terminated arguments
 * and captures its output; free with ctl_run_free().
 */
void ctl_run(struct ctl_run *r, const char *arg, ...) __attribute__((sentinel));
/* The same without --socket. */
void ctl_run_argv(struct ctl_run *r, int argc, char **argv);
void ctl_run_free(struct ctl_run *r);

/*
 * Parses doc with Python's json module (each line when lines is true) and
 * evaluates expr with the result as d (a list of lines' values when lines);
 * true when the document is valid JSON and expr holds.
 */
bool json_check(const char *doc, bool lines, const char *expr);

int test_client_register(void);
int test_show_register(void);
int test_args_register(void);
int test_queue_register(void);
int test_fmt_register(void);
int test_charon_dp_register(void);

#endif
