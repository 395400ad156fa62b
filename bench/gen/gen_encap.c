/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encapsulations applied to built frames before transmit. They register
 * from constructors, so the library does not depend on their modules: ESP
 * (gen_esp.c, hooks/ipsec) is linked into nfvpn-gen whole, not into the
 * unit tests of the generator's core.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "nfv_gen.h"

#define GEN_ENCAP_MAX 4

static const struct nfv_gen_encap *gen_encaps[GEN_ENCAP_MAX];

int nfv_gen_encap_register(const struct nfv_gen_encap *e)
{
	unsigned int i;

	for (i = 0; i < GEN_ENCAP_MAX; i++) {
		if (gen_encaps[i] == NULL) {
			gen_encaps[i] = e;
			return 0;
		}
	}
	return -ENOSPC;
}

const struct nfv_gen_encap *nfv_gen_encap_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < GEN_ENCAP_MAX && gen_encaps[i] != NULL; i++)
		if (strcmp(gen_encaps[i]->name, name) == 0)
			return gen_encaps[i];
	return NULL;
}
