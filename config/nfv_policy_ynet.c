/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Getters for the network types and names of the policy: a scalar in the
 * text forms of nfv_addr.c, an error at its mark otherwise.
 */
#include <string.h>

#include "nfv_policy_priv.h"

bool nfv_yget_addr(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, struct nfv_addr *out)
{
	const char *s = nfv_yget_scalar(ld, it, k, "an IP address");
	char path[96];

	if (s == NULL)
		return false;
	if (nfv_addr_parse(s, out) < 0) {
		nfv_yerror(ld, nfv_ymark(it->val[k]),
			   "%s: \"%.40s\" is not an IPv4 or IPv6 address",
			   nfv_ypath(it, k, path, sizeof(path)), s);
		return false;
	}
	nfv_yok(it, k);
	return true;
}

bool nfv_yget_prefix(struct nfv_ploader *ld, struct nfv_yitem *it,
		     unsigned int k, struct nfv_prefix *out)
{
	const char *s = nfv_yget_scalar(ld, it, k, "an IP prefix");
	char path[96];

	if (s == NULL)
		return false;
	if (nfv_prefix_parse(s, out) < 0) {
		nfv_yerror(ld, nfv_ymark(it->val[k]),
			   "%s: \"%.40s\" is not an IP prefix; expected ADDRESS/LENGTH as 10.0.0.1/24 or 2001:db8::1/64",
			   nfv_ypath(it, k, path, sizeof(path)), s);
		return false;
	}
	nfv_yok(it, k);
	return true;
}

bool nfv_yget_mac(struct nfv_ploader *ld, struct nfv_yitem *it,
		  unsigned int k, uint8_t out[6])
{
	const char *s = nfv_yget_scalar(ld, it, k, "a MAC address");
	char path[96];

	if (s == NULL)
		return false;
	nfv_ypath(it, k, path, sizeof(path));
	if (nfv_mac_parse(s, out) < 0) {
		nfv_yerror(ld, nfv_ymark(it->val[k]),
			   "%s: \"%.40s\" is not a MAC address; expected six hex bytes as 02:00:00:00:00:01",
			   path, s);
		return false;
	}
	if ((out[0] & 1) || !(out[0] | out[1] | out[2] | out[3] | out[4] | out[5])) {
		nfv_yerror(ld, nfv_ymark(it->val[k]),
			   "%s: %s is not a unicast MAC address", path, s);
		return false;
	}
	nfv_yok(it, k);
	return true;
}

bool nfv_yget_name(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, size_t max, char *out)
{
	char buf[NFV_DEVARGS_MAX], path[96];
	size_t i;

	if (!nfv_yget_str(ld, it, k, buf, sizeof(buf)))
		return false;
	nfv_ynok(it, k);
	for (i = 0; buf[i] != '\0'; i++) {
		if (i == 0 ? !((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z') :
		    !(((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z') ||
		      (buf[i] >= '0' && buf[i] <= '9') ||
		      buf[i] == '_' || buf[i] == '-'))
			break;
	}
	if (buf[i] != '\0' || i > max) {
		nfv_yerror(ld, nfv_ymark(it->val[k]),
			   "%s: \"%.40s\" is not a valid name; expected a letter then up to %zu letters, digits, '_' or '-'",
			   nfv_ypath(it, k, path, sizeof(path)), buf, max - 1);
		return false;
	}
	memcpy(out, buf, i + 1);
	nfv_yok(it, k);
	return true;
}
