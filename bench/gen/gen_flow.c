/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flows and frame templates. A flow template holds the Ethernet, IP and UDP
 * headers of one 5-tuple with zero lengths and checksums, and the partial
 * one's complement sums of its constant fields; a size template holds the
 * length fields and the sum of the payload. Building a packet is then two
 * copies, three length stores and a fold (gen_tx.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "nfv_gen.h"

typedef unsigned __int128 u128;

static u128 addr_load(const uint8_t *a, int family)
{
	unsigned int n = family == AF_INET6 ? 16 : 4, i;
	u128 v = 0;

	for (i = 0; i < n; i++)
		v = v << 8 | a[i];
	return v;
}

static void addr_store(uint8_t *a, int family, u128 v)
{
	unsigned int n = family == AF_INET6 ? 16 : 4, i;

	for (i = n; i-- > 0; v >>= 8)
		a[i] = (uint8_t)v;
}

int nfv_gen_addr_range_parse(const char *s, int family, struct nfv_gen_addr_range *r)
{
	unsigned int bits = family == AF_INET6 ? 128 : 32;
	char buf[INET6_ADDRSTRLEN * 2 + 2];
	uint8_t last[16];
	char *sep, kind = 0;
	u128 a, b;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	memset(r, 0, sizeof(*r));
	sep = strpbrk(buf, "/-");
	if (sep != NULL) {
		kind = *sep;
		*sep++ = '\0';
	}
	if (inet_pton(family, buf, r->base) != 1)
		return -EINVAL;
	a = addr_load(r->base, family);
	if (sep == NULL) {
		r->count = 1;
	} else if (kind == '/') {
		char *end;
		unsigned long plen = strtoul(sep, &end, 10);
		unsigned int host;

		if (*sep == '\0' || *end != '\0' || plen > bits)
			return -EINVAL;
		host = bits - plen;
		if (host < 128)
			a &= ~(((u128)1 << host) - 1);
		else
			a = 0;
		addr_store(r->base, family, a);
		r->count = host >= 64 ? UINT64_MAX : UINT64_C(1) << host;
	} else {
		if (inet_pton(family, sep, last) != 1)
			return -EINVAL;
		b = addr_load(last, family);
		if (b < a)
			return -EINVAL;
		/* b - a + 1 would wrap for the whole IPv6 space */
		r->count = b - a >= UINT64_MAX ? UINT64_MAX : (uint64_t)(b - a) + 1;
	}
	return 0;
}

int nfv_gen_port_range_parse(const char *s, struct nfv_gen_port_range *r)
{
	unsigned long first, last;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	first = strtoul(s, &end, 10);
	last = first;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		last = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || first > UINT16_MAX || last > UINT16_MAX || last < first)
		return -EINVAL;
	r->first = first;
	r->count = last - first + 1;
	return 0;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Offset in a range of size s for flow i, given the period p of the ranges
 * walked before (their product). Flow i takes (i + j) mod s where j counts
 * the full lcm(p, s) periods mod gcd(p, s): within one lcm the pairs
 * (i mod p, i mod s) are distinct (CRT), and each shift j reaches another
 * residue class of (value - prefix) mod gcd, so p * s flows give every
 * combination once, and i < s gives every value of the range (j = 0).
 */
static uint64_t walk(uint64_t i, uint64_t *p, uint64_t s)
{
	uint64_t g, l, j = 0;

	if (*p != UINT64_MAX) {
		g = gcd64(*p, s);
		if (!__builtin_mul_overflow(*p / g, s, &l))
			j = (i / l) % g;
	}
	if (__builtin_mul_overflow(*p, s, p))
		*p = UINT64_MAX;	/* larger than any flow index */
	return (i + j) % s;
}

void nfv_gen_flow_tuple(const struct nfv_gen_flow_conf *fc, uint32_t i,
			struct nfv_gen_tuple *t)
{
	uint64_t p = 1;

	memset(t, 0, sizeof(*t));
	addr_store(t->src, fc->family, addr_load(fc->src.base, fc->family) +
		   walk(i, &p, fc->src.count));
	addr_store(t->dst, fc->family, addr_load(fc->dst.base, fc->family) +
		   walk(i, &p, fc->dst.count));
	t->sport = fc->sport.first + walk(i, &p, fc->sport.count);
	t->dport = fc->dport.first + walk(i, &p, fc->dport.count);
}

static void flow_build(struct nfv_gen_flow *f, const struct nfv_gen_flow_conf *fc,
		       const struct nfv_gen_tuple *t)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f->hdr;
	uint16_t proto_be = rte_cpu_to_be_16(IPPROTO_UDP);
	struct rte_udp_hdr *udp;
	unsigned int alen;

	memset(f, 0, sizeof(*f));
	rte_ether_addr_copy(&fc->dmac, &eth->dst_addr);
	rte_ether_addr_copy(&fc->smac, &eth->src_addr);
	if (fc->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, t->src, 4);
		memcpy(&ip->dst_addr, t->dst, 4);
		f->ip_sum = rte_raw_cksum(ip, sizeof(*ip));
		udp = (struct rte_udp_hdr *)(ip + 1);
		alen = 4;
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, t->src, 16);
		memcpy(ip->dst_addr, t->dst, 16);
		udp = (struct rte_udp_hdr *)(ip + 1);
		alen = 16;
	}
	udp->src_port = rte_cpu_to_be_16(t->sport);
	udp->dst_port = rte_cpu_to_be_16(t->dport);
	f->l4_sum = rte_raw_cksum(t->src, alen) + rte_raw_cksum(t->dst, alen) +
		    rte_raw_cksum(&proto_be, 2) + rte_raw_cksum(udp, sizeof(*udp));
}

static void size_build(struct nfv_gen_size *sz, const struct nfv_gen_tmpl *t,
		       uint16_t size)
{
	uint16_t l3 = RTE_ETHER_HDR_LEN;
	uint16_t l4 = t->hdr_len - sizeof(struct rte_udp_hdr);

	sz->frame_len = size - NFV_GEN_FCS_LEN;
	sz->l4_len_be = rte_cpu_to_be_16(sz->frame_len - l4);
	if (t->family == AF_INET) {
		sz->l3_len_be = rte_cpu_to_be_16(sz->frame_len - l3);
		sz->ip_sum = rte_raw_cksum(&sz->l3_len_be, 2);
	} else {
		sz->l3_len_be = sz->l4_len_be;	/* IPv6 payload = UDP */
		sz->ip_sum = 0;
	}
	sz->l4_sum = 2 * (uint32_t)rte_raw_cksum(&sz->l4_len_be, 2) +
		     rte_raw_cksum(t->payload + t->hdr_len, sz->frame_len - t->hdr_len);
}

int nfv_gen_tmpl_init(struct nfv_gen_tmpl *t, const struct nfv_gen_flow_conf *fc,
		      const struct nfv_gen_sizes *sizes)
{
	struct nfv_gen_tuple tuple;
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if ((fc->family != AF_INET && fc->family != AF_INET6) || fc->nflows == 0 ||
	    fc->nflows > NFV_GEN_MAX_FLOWS || sizes->n == 0 || sizes->nsched == 0 ||
	    fc->src.count == 0 || fc->dst.count == 0 || fc->sport.count == 0 ||
	    fc->dport.count == 0)
		return -EINVAL;
	for (i = 0; i < sizes->n; i++)
		if (sizes->len[i] < nfv_gen_min_frame(fc->family) ||
		    sizes->len[i] > NFV_GEN_MAX_FRAME)
			return -ERANGE;
	t->family = fc->family;
	t->hdr_len = RTE_ETHER_HDR_LEN + sizeof(struct rte_udp_hdr) +
		     (fc->family == AF_INET ? sizeof(struct rte_ipv4_hdr) :
		      sizeof(struct rte_ipv6_hdr));
	t->payload = rte_zmalloc("nfv_gen_payload", NFV_GEN_MAX_FRAME, 0);
	t->flows = rte_zmalloc("nfv_gen_flows", sizeof(*t->flows) * fc->nflows, 0);
	if (t->payload == NULL || t->flows == NULL) {
		nfv_gen_tmpl_fini(t);
		return -ENOMEM;
	}
	/* a pattern keyed on the offset, so a corrupted payload shows */
	for (i = t->hdr_len + NFV_GEN_SIG_LEN; i < NFV_GEN_MAX_FRAME; i++)
		t->payload[i] = (uint8_t)i;
	t->nflows = fc->nflows;
	for (i = 0; i < fc->nflows; i++) {
		nfv_gen_flow_tuple(fc, i, &tuple);
		flow_build(&t->flows[i], fc, &tuple);
	}
	t->nsizes = sizes->n;
	for (i = 0; i < sizes->n; i++)
		size_build(&t->size[i], t, sizes->len[i]);
	t->nsched = sizes->nsched;
	memcpy(t->sched, sizes->sched, sizes->nsched);
	return 0;
}

void nfv_gen_tmpl_fini(struct nfv_gen_tmpl *t)
{
	rte_free(t->flows);
	rte_free(t->payload);
	t->flows = NULL;
	t->payload = NULL;
}
