/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfv_sock_lock: one holder per socket path, the holder's pid for the one
 * refused, a stale lock file taken over, and only our own file removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfv_sock_lock.h"
#include "nfv_test.h"

static char dir[64];
static char sock[128];

static int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nfv-sock-lock.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* a directory below: nfv_sock_lock creates it, 0700 */
	snprintf(sock, sizeof(sock), "%s/run/test.sock", dir);
	return 0;
}

static int suite_fini(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s.lock", sock);
	unlink(p);
	snprintf(p, sizeof(p), "%s/run", dir);
	rmdir(p);
	rmdir(dir);
	return 0;
}

static pid_t file_pid(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return (pid_t)atoi(buf);
}

static void test_second_refused(void)
{
	struct nfv_sock_lock a, b;
	char why[256], want[256];
	struct stat st;
	char run[96];

	CU_ASSERT_EQUAL_FATAL(nfv_sock_lock(&a, sock), 0);
	snprintf(run, sizeof(run), "%s/run", dir);
	CU_ASSERT(stat(run, &st) == 0 && (st.st_mode & 0777) == 0700);
	CU_ASSERT(stat(a.path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CU_ASSERT_EQUAL(file_pid(a.path), getpid());
	/* flock() is per open file: a second open in this process conflicts too */
	CU_ASSERT_EQUAL(nfv_sock_lock(&b, sock), -EADDRINUSE);
	CU_ASSERT_EQUAL(b.holder, getpid());
	CU_ASSERT_EQUAL(b.fd, -1);
	nfv_sock_lock_why(&b, -EADDRINUSE, why, sizeof(why));
	snprintf(want, sizeof(want), "in use by pid %d, which holds %s", (int)getpid(), a.path);
	CU_ASSERT_STRING_EQUAL(why, want);
	nfv_sock_unlock(&b);	/* not held: nothing happens */
	CU_ASSERT_EQUAL(access(a.path, F_OK), 0);
	nfv_sock_unlock(&a);
	CU_ASSERT_EQUAL(access(a.path, F_OK), -1);
	CU_ASSERT_EQUAL(nfv_sock_lock(&b, sock), 0);
	nfv_sock_unlock(&b);
}

static void test_stale_taken_over(void)
{
	struct nfv_sock_lock a;
	char path[160];
	FILE *f;

	/* what a killed holder leaves: the file with its pid, no lock */
	snprintf(path, sizeof(path), "%s.lock", sock);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "999999\n");
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(nfv_sock_lock(&a, sock), 0);
	CU_ASSERT_EQUAL(file_pid(path), getpid());
	nfv_sock_unlock(&a);
}

static void test_unlock_keeps_others(void)
{
	struct nfv_sock_lock a, b;

	CU_ASSERT_EQUAL_FATAL(nfv_sock_lock(&a, sock), 0);
	/* someone removed our file and another process took a new one */
	unlink(a.path);
	CU_ASSERT_EQUAL_FATAL(nfv_sock_lock(&b, sock), 0);
	nfv_sock_unlock(&a);
	CU_ASSERT_EQUAL(access(b.path, F_OK), 0);
	nfv_sock_unlock(&b);
	CU_ASSERT_EQUAL(access(b.path, F_OK), -1);
}

static void test_too_long(void)
{
	struct nfv_sock_lock a;
	char p[200];

	memset(p, 'a', sizeof(p) - 1);
	p[0] = '/';
	p[sizeof(p) - 1] = '\0';
	CU_ASSERT_EQUAL(nfv_sock_lock(&a, p), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(a.fd, -1);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("config_sock_lock", suite_init, suite_fini,
		{ "second_refused", test_second_refused },
		{ "stale_taken_over", test_stale_taken_over },
		{ "unlock_keeps_others", test_unlock_keeps_others },
		{ "too_long", test_too_long });
	return nfv_test_run();
}
