/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a policy for nfvpnd: every error as file:line:column, nft text
 * compiled (a forked child) so that a syntax error stops here too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_nftc_compile.h"
#include "nfv_policy_filter.h"
#include "nfvpnd.h"

int nfvpnd_load(const char *path, struct nfv_policy **out, struct nfvpnd_text *errs)
{
	return nfvpnd_load_flags(path, 0, out, errs);
}

int nfvpnd_load_flags(const char *path, unsigned int flags, struct nfv_policy **out,
		      struct nfvpnd_text *errs)
{
	struct nfv_policy_errors pe = { 0 };
	char *buf = NULL, why[1280];
	size_t len = 0;
	FILE *f;
	int ret;

	ret = nfv_policy_load_flags(path, flags, out, &pe);
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
	if (ret < 0)
		return ret;
	ret = nfv_policy_filter_compile(*out, nfv_nftc_compile, why, sizeof(why));
	if (ret < 0) {
		nfvpnd_printf(errs, "%s\n", why);
		nfv_policy_free(*out);
		*out = NULL;
	}
	return ret;
}
