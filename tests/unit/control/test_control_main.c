/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control suites: nfvpnctl and its client against a fake dataplane socket.
 * No EAL: the control side does not use DPDK.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfv_test.h"
#include "ctl.h"
#include "test_control.h"

struct fake_server test_srv;

void ctl_run_argv(struct ctl_run *r, int argc, char **argv)
{
	size_t olen, elen;
	FILE *out, *err;

	out = open_memstream(&r->out, &olen);
	err = open_memstream(&r->err, &elen);
	CU_ASSERT_FATAL(out != NULL && err != NULL);
	r->rc = nfv_ctl_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

void ctl_run(struct ctl_run *r, const char *arg, ...)
{
	char *argv[64] = { (char *)"nfvpnctl", (char *)"--socket", test_srv.path };
	int argc = 3;
	va_list ap;

	va_start(ap, arg);
	for (; arg != NULL && argc < 63; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;
	ctl_run_argv(r, argc, argv);
}

void ctl_run_free(struct ctl_run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

bool json_check(const char *doc, bool lines, const char *expr)
{
	char dir[] = "/tmp/nfvctl-json.XXXXXX", doc_path[64], py_path[64], cmd[256];
	FILE *f;
	int st;

	if (mkdtemp(dir) == NULL)
		return false;
	snprintf(doc_path, sizeof(doc_path), "%s/doc.json", dir);
	snprintf(py_path, sizeof(py_path), "%s/check.py", dir);
	f = fopen(doc_path, "w");
	if (f == NULL)
		return false;
	fputs(doc, f);
	fclose(f);
	f = fopen(py_path, "w");
	if (f == NULL)
		return false;
	fprintf(f, "import json, sys\n"
		"text = open(sys.argv[1]).read()\n"
		"d = [json.loads(l) for l in text.splitlines()] if %s else json.loads(text)\n"
		"sys.exit(0 if (%s) else 3)\n", lines ? "True" : "False", expr);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s", py_path, doc_path);
	st = system(cmd);
	unlink(doc_path);
	unlink(py_path);
	rmdir(dir);
	if (st != 0)
		fprintf(stderr, "\njson_check failed (%d) on: %s\nexpr: %s\n", st, doc, expr);
	return st == 0;
}

int main(void)
{
	int ret;

	/* The client must not pick up a socket from the environment. */
	unsetenv("NFVPN_SOCKET");
	if (fake_start(&test_srv) < 0) {
		perror("fake server");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (test_client_register() || test_show_register() ||
	    test_args_register() || test_queue_register() || test_fmt_register() ||
	    test_charon_dp_register())
		return 1;
	ret = nfv_test_run();
	fake_stop(&test_srv);
	return ret;
}
