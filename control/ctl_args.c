/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict parsers for command arguments: a value that could mean something
 * else than the user meant is refused, never guessed.
 */
#include <errno.h>
#include <string.h>

#include "ctl.h"

/* Decimal digits only: no sign, no blanks, no base prefix. */
int ctl_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t r = 0, d;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (uint64_t)(*s - '0');
		if (d > max || r > (max - d) / 10)
			return -ERANGE;
		r = r * 10 + d;
	}
	*v = r;
	return 0;
}

/* "N" or "N-M" with 1 <= N <= M <= 65535, as the policy's match.dport. */
int ctl_parse_ports(const char *s, uint16_t *min, uint16_t *max)
{
	const char *dash = strchr(s, '-');
	char lo[8];
	uint64_t a, b;

	if (dash != NULL) {
		if ((size_t)(dash - s) >= sizeof(lo))
			return -EINVAL;
		memcpy(lo, s, (size_t)(dash - s));
		lo[dash - s] = '\0';
		if (ctl_parse_uint(lo, UINT16_MAX, &a) < 0 ||
		    ctl_parse_uint(dash + 1, UINT16_MAX, &b) < 0)
			return -EINVAL;
	} else {
		if (ctl_parse_uint(s, UINT16_MAX, &a) < 0)
			return -EINVAL;
		b = a;
	}
	if (a < 1 || a > b)
		return -EINVAL;
	*min = (uint16_t)a;
	*max = (uint16_t)b;
	return 0;
}

/* The policy's rule: a letter, then letters, digits, '_' or '-'. */
bool ctl_name_ok(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = (char)(s[i] | 0x20);
		bool letter = c >= 'a' && c <= 'z';

		if (i == 0 ? !letter :
		    !(letter || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	}
	return i > 0 && i <= max;
}

/*
 * ADDR/LEN, a bare ADDR (a host route) or "default" (0.0.0.0/0). Host bits
 * are refused as ip-route(8) does. Prints the error; returns 0 or 2.
 */
int ctl_parse_prefix(struct ctl *ctl, const char *s, struct nfv_prefix *p)
{
	char buf[NFV_PREFIX_FMT_MAX];
	struct nfv_prefix net;

	if (strcmp(s, "default") == 0)
		s = "0.0.0.0/0";
	if (nfv_prefix_parse(s, p) < 0)
		return ctl_usage(ctl, "bad prefix \"%s\": expected ADDR/LEN such as 10.0.0.0/24 or 2001:db8::/32",
				 s);
	net = *p;
	if (nfv_prefix_clear_host(&net))
		return ctl_usage(ctl, "bad prefix \"%s\": host bits are set; did you mean %s?",
				 s, nfv_prefix_fmt(&net, buf, sizeof(buf)));
	return 0;
}
