/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Policies on disk, table driven:
 *   test_policy_files bad DIR       each .yaml file of DIR opens with one or more
 *                                   "# expect: LINE:COLUMN: message" lines;
 *                                   loading it must give exactly those errors,
 *                                   in that order. At least NFV_BAD_MIN files.
 *   test_policy_files examples DIR  each .yaml file of DIR loads with no error.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfv_policy.h"
#include "nfv_policy_ipsec.h"
#include "nfv_test.h"

#define NFV_BAD_MIN 30
#define EXPECT "# expect: "

static const char *dir;
static char **files;
static unsigned int nb_files;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_yaml(const char *d)
{
	struct dirent *e;
	size_t len;
	DIR *dh;

	dh = opendir(d);
	if (dh == NULL)
		return -errno;
	while ((e = readdir(dh)) != NULL) {
		len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		files = realloc(files, (nb_files + 1) * sizeof(*files));
		if (files == NULL || asprintf(&files[nb_files], "%s/%s", d, e->d_name) < 0)
			abort();
		nb_files++;
	}
	closedir(dh);
	qsort(files, nb_files, sizeof(*files), cmp_str);
	return 0;
}

/* The "# expect:" lines at the top of path; returns how many, -1 on error. */
static int read_expect(const char *path, char exp[][400], int max)
{
	char line[400];
	int n = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL &&
	       strncmp(line, EXPECT, strlen(EXPECT)) == 0) {
		if (n == max) {
			n = -1;
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		snprintf(exp[n++], sizeof(exp[0]), "%s", line + strlen(EXPECT));
	}
	fclose(f);
	return n;
}

static bool check_bad_file(const char *path)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	char exp[16][400], got[400];
	unsigned int i;
	bool ok = true;
	int n, ret;

	n = read_expect(path, exp, 16);
	if (n <= 0) {
		printf("\n%s: no \"" EXPECT "LINE:COLUMN: message\" first line\n", path);
		return false;
	}
	ret = nfv_policy_load(path, &p, &errs);
	if (ret != -EINVAL || p != NULL) {
		printf("\n%s: load returned %d, expected -EINVAL\n", path, ret);
		ok = false;
	}
	for (i = 0; i < errs.n || i < (unsigned int)n; i++) {
		if (i < errs.n)
			snprintf(got, sizeof(got), "%u:%u: %s", errs.v[i].mark.line,
				 errs.v[i].mark.column, errs.v[i].msg);
		if (i < errs.n && i < (unsigned int)n && strcmp(got, exp[i]) == 0)
			continue;
		printf("\n%s: error %u\n  expected: %s\n  got:      %s\n", path, i,
		       i < (unsigned int)n ? exp[i] : "(nothing)",
		       i < errs.n ? got : "(nothing)");
		ok = false;
	}
	nfv_policy_free(p);
	nfv_policy_errors_fini(&errs);
	return ok;
}

static void test_bad(void)
{
	unsigned int i, failed = 0;

	if (nb_files < NFV_BAD_MIN)
		printf("\n%s: %u policies, expected at least %u\n", dir, nb_files, NFV_BAD_MIN);
	CU_ASSERT(nb_files >= NFV_BAD_MIN);
	for (i = 0; i < nb_files; i++)
		if (!check_bad_file(files[i]))
			failed++;
	CU_ASSERT_EQUAL(failed, 0);
}

static void test_examples(void)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p;
	unsigned int i;
	int ret;

	CU_ASSERT(nb_files >= 1);
	for (i = 0; i < nb_files; i++) {
		/*
		 * As shipped: git checks files out 0644, so an example holds no
		 * key itself; those with SAs name an ipsec.key_file, which
		 * nfvpnd --make-keys writes (tests/smoke/examples_test.sh), and
		 * which may not exist here: loaded as nfvpnd --check does.
		 */
		ret = nfv_policy_load_flags(files[i], NFV_POLICY_NO_KEYS, &p, &errs);
		if (ret != 0) {
			printf("\n");
			nfv_policy_errors_print(stdout, files[i], &errs);
		}
		CU_ASSERT_EQUAL(ret, 0);
		CU_ASSERT_EQUAL(errs.n, 0);
		if (ret == 0 && p->ipsec != NULL) {
			if (p->ipsec->inline_keys != 0)
				printf("\n%s: %u SA(s) with keys in the policy\n", files[i],
				       p->ipsec->inline_keys);
			CU_ASSERT_EQUAL(p->ipsec->inline_keys, 0);
			CU_ASSERT(p->ipsec->nb_sas == 0 || p->ipsec->key_file[0] != '\0');
		}
		nfv_policy_free(p);
	}
	nfv_policy_errors_fini(&errs);
}

int main(int argc, char **argv)
{
	unsigned int i;
	int ret;

	if (argc != 3 || (strcmp(argv[1], "bad") && strcmp(argv[1], "examples"))) {
		fprintf(stderr, "usage: %s bad|examples DIR\n", argv[0]);
		return 2;
	}
	dir = argv[2];
	if (list_yaml(dir) < 0) {
		fprintf(stderr, "%s: cannot read %s\n", argv[0], dir);
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (strcmp(argv[1], "bad") == 0)
		NFV_TEST_SUITE("config_bad_policies", NULL, NULL,
			{ "bad", test_bad });
	else
		NFV_TEST_SUITE("config_example_policies", NULL, NULL,
			{ "examples", test_examples });
	ret = nfv_test_run();
	for (i = 0; i < nb_files; i++)
		free(files[i]);
	free(files);
	return ret;
}
