/* SPDX-License-Identifier: BSD-3-Clause */
/* Loading a policy for nfvpnd: every error as file:line:column. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfvpnd.h"

int nfvpnd_load(const char *path, struct nfv_policy **out, struct nfvpnd_text *errs)
{
	struct nfv_policy_errors pe = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	ret = nfv_policy_load(path, out, &pe);
	if (ret < 0) {
		f = open_memstream(&buf, &len);
		if (f != NULL) {
			nfv_policy_errors_print(f, path, &pe);
			fclose(f);
			nfvpnd_printf(errs, "%s", buf ? buf : "");
			free(buf);
		}
		if (pe.n == 0)
			nfvpnd_printf(errs, "%s: %s\n", path, strerror(-ret));
	}
	nfv_policy_errors_fini(&pe);
	return ret;
}
