/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a policy for nfvpnd: every error as file:line:column, nft text
 * compiled (a forked child) so that a syntax error stops here too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "nfv_filter.h"
#include "nfv_nftc_compile.h"
#include "nfv_policy_filter.h"
#include "nfvpnd.h"

/* The dataplane's fib answers from its routes; compiling needs none. */
static uint8_t no_route(const void *ctx, uint8_t nfproto, const uint8_t *addr,
			uint16_t *port)
{
	return RTN_UNSPEC;
}

/* Nor its SAs ("ipsec in"): the dataplane always has an IPsec module. */
static int no_sa(const void *ctx, uint32_t id, struct nfv_filter_sa *out)
{
	return -1;
}

/* nor the SA its output would pick ("ipsec out") */
static int no_sa_out(const void *ctx, struct rte_mbuf *m, struct nfv_filter_sa *out)
{
	return -1;
}

static uint64_t zero_clock(void)
{
	return 0;
}

/*
 * The compiled ruleset through the dataplane's own compiler, with the
 * policy's ports as its interfaces (filter.c's ifaces_fill()): refused
 * here, with the dataplane's message, what its load would refuse.
 */
static int filter_check(const struct nfv_policy *p, char *why, size_t len)
{
	const struct nfv_policy_filter *pf = p->filter;
	static struct nfv_filter_ifaces ifs;
	struct nfv_filter_fib fib = { .route = no_route };
	struct nfv_filter_xfrm xfrm = { .sa_get = no_sa, .sa_out = no_sa_out };
	struct nfv_filter_config cfg = {
		.nb_workers = 1, .hz = 1000000000, .ifaces = &ifs, .clock = zero_clock,
		.fib = &fib, .xfrm = &xfrm,
	};
	struct nfv_nft_objs objs;
	char err[512] = "";
	int ret;

	if (pf == NULL || !pf->compiled)
		return 0;
	memset(&ifs, 0, sizeof(ifs));
	ifs.nb_ports = p->nb_ports < NFV_FILTER_MAX_PORTS ? p->nb_ports : NFV_FILTER_MAX_PORTS;
	for (unsigned int i = 0; i < ifs.nb_ports; i++) {
		/* zero padded and cut as the kernel's, as the dataplane's strlcpy */
		memcpy(ifs.port[i].name, p->ports[i].name,
		       strnlen(p->ports[i].name, sizeof(ifs.port[i].name) - 1));
		ifs.port[i].ifindex = i + 1;
		ifs.port[i].type = 1;	/* ARPHRD_ETHER */
	}
	ret = nfv_nft_objs_init(&objs);
	if (ret < 0)
		return ret;
	ret = nfv_nft_objs_add_stream(&objs, pf->nlmsgs.msgs, pf->nlmsgs.len, err, sizeof(err));
	if (ret == 0)
		ret = nfv_filter_ruleset_check(&objs, &cfg, err, sizeof(err));
	nfv_nft_objs_fini(&objs);
	if (ret < 0 && snprintf(why, len, "%s:%u:%u: filter: %s", p->path, pf->src_mark.line,
				pf->src_mark.column, err[0] ? err : strerror(-ret)) < 0)
		why[0] = '\0';
	return ret;
}

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
	if (ret == 0)
		ret = filter_check(*out, why, sizeof(why));
	if (ret < 0) {
		nfvpnd_printf(errs, "%s\n", why);
		nfv_policy_free(*out);
		*out = NULL;
	}
	return ret;
}
