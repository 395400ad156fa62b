/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the YAML policy loader and validator, then the diff of
 * what it accepted against an empty policy and itself. Anything but a
 * clean refusal or a policy that frees cleanly is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy.h"
#include "nfv_policy_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nfv_policy empty;
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	struct nfv_plan plan = { 0 };

	if (nfv_policy_parse("fuzz.yaml", (const char *)data, size, &p, &errs) == 0) {
		if (errs.n != 0 || p == NULL)
			abort();
		nfv_policy_diff(&empty, NULL, p, &plan);
		nfv_plan_fini(&plan);
		nfv_policy_diff(p, p, p, &plan);
		/* a policy never differs from itself */
		if (plan.n != 0 || plan.nb_refused != 0 || plan.steer_changed)
			abort();
		nfv_plan_fini(&plan);
		nfv_policy_free(p);
	} else {
		if (p != NULL)
			abort();
		for (unsigned int i = 0; i < errs.n; i++)
			if (memchr(errs.v[i].msg, '\0', sizeof(errs.v[i].msg)) == NULL)
				abort();
	}
	nfv_policy_errors_fini(&errs);
	return 0;
}
