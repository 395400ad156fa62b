/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame sizes: one size, a round-robin list, or weighted sizes such as the
 * simple IMIX (7 x 64, 4 x 570, 1 x 1518). The weights become a schedule of
 * sum(weights) slots in which the sizes are interleaved, so that any window
 * of a run has about the mix, not 7 small frames in a row then 4 mid ones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nfv_gen.h"

static const char imix_spec[] = "64:7,570:4,1518:1";

uint16_t nfv_gen_min_frame(int family)
{
	uint16_t hdr = RTE_ETHER_HDR_LEN + 8 + (family == AF_INET6 ? 40 : 20);

	return RTE_MAX(hdr + NFV_GEN_SIG_LEN + NFV_GEN_FCS_LEN, NFV_GEN_MIN_FRAME);
}

static int parse_uint(const char *s, char **end, unsigned long max, unsigned long *v)
{
	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	*v = strtoul(s, end, 10);
	if (errno != 0 || *v > max)
		return -EINVAL;
	return 0;
}

/* Smooth weighted round robin: exact counts per round, spread evenly. */
static void sizes_schedule(struct nfv_gen_sizes *out, const unsigned long *w)
{
	long cur[NFV_GEN_MAX_SIZES] = { 0 };
	long total = 0;
	uint16_t i, k;

	for (i = 0; i < out->n; i++)
		total += w[i];
	out->nsched = total;
	for (k = 0; k < out->nsched; k++) {
		uint16_t best = 0;

		for (i = 0; i < out->n; i++) {
			cur[i] += w[i];
			if (cur[i] > cur[best])
				best = i;
		}
		cur[best] -= total;
		out->sched[k] = best;
	}
}

int nfv_gen_sizes_parse(const char *s, struct nfv_gen_sizes *out)
{
	unsigned long w[NFV_GEN_MAX_SIZES];
	unsigned long total = 0;
	const char *p;

	if (s == NULL)
		return -EINVAL;
	if (strcmp(s, "imix") == 0)
		s = imix_spec;
	memset(out, 0, sizeof(*out));
	for (p = s; ; p++) {
		unsigned long len, weight = 1;
		char *end;

		if (out->n == NFV_GEN_MAX_SIZES)
			return -E2BIG;
		if (parse_uint(p, &end, NFV_GEN_MAX_FRAME, &len) < 0 ||
		    len < NFV_GEN_MIN_FRAME)
			return -EINVAL;
		if (*end == ':') {
			if (parse_uint(end + 1, &end, NFV_GEN_MAX_SCHED, &weight) < 0 ||
			    weight == 0)
				return -EINVAL;
		}
		total += weight;
		if (total > NFV_GEN_MAX_SCHED)
			return -E2BIG;
		out->len[out->n] = len;
		w[out->n++] = weight;
		if (*end == '\0')
			break;
		if (*end != ',')
			return -EINVAL;
		p = end;
	}
	sizes_schedule(out, w);
	return 0;
}
