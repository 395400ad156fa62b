/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The choice of a NAT binding, as nf_nat_core.c's get_unique_tuple() and
 * nf_nat_setup_info(): keep the tuple when it is in the range and unique,
 * else the address from the range (hashed over source and destination, as
 * find_best_ips_proto()), else the port (echo id) moved through the range
 * until the tuple is unique (nf_nat_l4proto_unique_tuple()).
 *
 * A new connection from a source (address, port, protocol) that source
 * NAT already maps gets the same mapping when it fits the range and is
 * free (find_appropriate_src(), through ct_bysrc_find()): the
 * endpoint-independent mapping that NAT traversal relies on.
 *
 * Differences from the kernel, on purpose: the port search starts at an
 * offset hashed from the connection's original tuple, not a random one, so that the choice is
 * reproducible (the differential test allows any free port); the index
 * by source holds one connection per source, not all of them, so when
 * its mapping does not fit a new range, the kernel may find another
 * connection's that does; a tuple still in use after the search is not
 * taken and the packet is dropped (nat-no-free-tuple), where the kernel
 * takes it and its confirm drops the packet.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_jhash.h>

#include "nat_priv.h"

/* NF_NAT_MAX_ATTEMPTS */
#define NAT_MAX_ATTEMPTS 128

/* the address the manip changes: 16 bytes, an IPv4 one zero padded */
static uint8_t *addr_of(struct nfv_ct_tuple *t, enum nat_manip manip)
{
	return manip == NAT_MANIP_SRC ? t->src : t->dst;
}

static bool is_icmp(const struct nfv_ct_tuple *t)
{
	return t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6;
}

static bool has_ports(const struct nfv_ct_tuple *t)
{
	return t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP ||
	       t->proto == IPPROTO_UDPLITE;
}

/* the port (echo id) that the manip changes; NULL: the protocol has none
 * that nat_manip.c rewrites (SCTP and DCCP: the kernel's, not ours) */
static uint16_t *key_of(struct nfv_ct_tuple *t, enum nat_manip manip)
{
	if (is_icmp(t))
		return &t->sport;	/* the id, the same in both directions */
	if (has_ports(t))
		return manip == NAT_MANIP_SRC ? &t->sport : &t->dport;
	return NULL;
}

/* nf_nat_l4proto_in_range() */
static bool l4_in_range(const struct nfv_ct_tuple *t, enum nat_manip manip,
			const struct nat_range *r)
{
	uint16_t *k = key_of((struct nfv_ct_tuple *)(uintptr_t)t, manip);
	uint16_t v;

	if (k == NULL)
		return true;
	v = rte_be_to_cpu_16(*k);
	return v >= rte_be_to_cpu_16(r->min_proto) && v <= rte_be_to_cpu_16(r->max_proto);
}

/* in_range(): the source part of t is within r */
static bool src_in_range(const struct nfv_ct_tuple *t, const struct nat_range *r)
{
	/* network order, zero padded: memcmp() orders both families */
	if (r->flags & NF_NAT_RANGE_MAP_IPS &&
	    (memcmp(t->src, r->min_addr, 16) < 0 || memcmp(t->src, r->max_addr, 16) > 0))
		return false;
	if (!(r->flags & NF_NAT_RANGE_PROTO_SPECIFIED))
		return true;
	return l4_in_range(t, NAT_MANIP_SRC, r);
}

/* nf_nat_used_tuple(): would the reply of t be another connection's key */
static bool used_tuple(struct nfv_ct_table *t, const struct nfv_ct_tuple *tuple,
		       const struct nfv_ct *ct)
{
	struct nfv_ct_tuple reply;

	ct_tuple_invert(tuple, &reply);
	if (ct != NULL)	/* the reply direction's zone */
		reply.zone = ct->tuple[IP_CT_DIR_REPLY].zone;
	return ct_tuple_taken(t, &reply, ct);
}

/*
 * find_best_ips_proto(): one address, or one hashed from the tuple into
 * the range, a 32-bit word at a time (one for IPv4, four for IPv6); once
 * a word is below the range's maximum, the words after it take any value.
 */
static void best_ip(struct nfv_ct_tuple *tuple, const struct nat_range *r,
		    enum nat_manip manip)
{
	unsigned int words = tuple->family == AF_INET6 ? 4 : 1;
	bool persistent = r->flags & NF_NAT_RANGE_PERSISTENT;
	uint8_t *var = addr_of(tuple, manip);
	uint32_t src[4], w, lo, hi, j, minip = 0, dist = ~0u;
	bool full = false;

	if (!(r->flags & NF_NAT_RANGE_MAP_IPS))
		return;
	if (memcmp(r->min_addr, r->max_addr, 16) == 0) {
		memcpy(var, r->min_addr, 16);
		return;
	}
	memcpy(src, tuple->src, sizeof(src));
	memcpy(&w, tuple->dst + 4 * (words - 1), 4);
	j = rte_jhash_32b(src, 4, persistent ? 0 : w);
	for (unsigned int k = 0; k < words; k++) {
		memcpy(&lo, r->min_addr + 4 * k, 4);
		memcpy(&hi, r->max_addr + 4 * k, 4);
		if (!full) {
			minip = rte_be_to_cpu_32(lo);
			dist = rte_be_to_cpu_32(hi) - minip + 1;
		} else {
			minip = 0;
			dist = ~0u;
		}
		/* reciprocal_scale(); a word of all values (dist 0) wraps to all */
		w = rte_cpu_to_be_32(minip + (dist ? (uint32_t)(((uint64_t)j * dist) >> 32) : j));
		memcpy(var + 4 * k, &w, 4);
		if (w != hi)
			full = true;
		if (!persistent) {
			memcpy(&w, tuple->dst + 4 * k, 4);
			j ^= w;
		}
	}
}

/* nf_nat_l4proto_unique_tuple(), the start of the search hashed (see above) */
static void l4_unique(struct nfv_ct_table *t, struct nfv_ct_tuple *tuple,
		      const struct nat_range *r, enum nat_manip manip,
		      const struct nfv_ct *ct)
{
	uint16_t *key = key_of(tuple, manip);
	const struct nfv_ct_tuple *seed;
	uint32_t min, size, off, attempts;

	if (key == NULL)
		return;
	if (is_icmp(tuple)) {
		if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
			min = rte_be_to_cpu_16(r->min_proto);
			size = rte_be_to_cpu_16(r->max_proto) - min + 1;
		} else {
			min = 0;
			size = 65536;
		}
	} else if (!(r->flags & NF_NAT_RANGE_PROTO_SPECIFIED)) {
		if (manip == NAT_MANIP_DST)
			return;		/* a destination port is never moved */
		/* the kernel's loose convention: privileged ports stay so */
		if (rte_be_to_cpu_16(*key) < 512) {
			min = 1;
			size = 511;
		} else if (rte_be_to_cpu_16(*key) < 1024) {
			min = 600;
			size = 1023 - 600 + 1;
		} else {
			min = 1024;
			size = 65535 - 1024 + 1;
		}
	} else {
		uint32_t lo = rte_be_to_cpu_16(r->min_proto), hi = rte_be_to_cpu_16(r->max_proto);

		if (hi < lo) {
			uint32_t x = lo;

			lo = hi;
			hi = x;
		}
		min = lo;
		size = hi - lo + 1;
	}
	/*
	 * The kernel starts at a random offset; ours is hashed from the
	 * connection's original tuple, which differs between connections
	 * where the tuple being chosen may not (many inside hosts, one
	 * masquerade address, one server): as spread, and reproducible.
	 */
	seed = ct != NULL ? &ct->tuple[IP_CT_DIR_ORIGINAL] : tuple;
	if (manip == NAT_MANIP_DST && !(r->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL))
		off = 0;
	else
		off = rte_jhash(seed, sizeof(*seed), 0);
	attempts = RTE_MIN(size, (uint32_t)NAT_MAX_ATTEMPTS);
	for (;;) {
		for (uint32_t i = 0; i < attempts; i++, off++) {
			*key = rte_cpu_to_be_16(min + off % size);
			if (!used_tuple(t, tuple, ct))
				return;
		}
		if (attempts >= size || attempts < 16)
			return;
		attempts /= 2;
		off = rte_jhash(seed, sizeof(*seed), attempts);
	}
}

/*
 * find_appropriate_src(): the mapping of a live connection from the same
 * source, with orig's destination, when it is in the range.
 */
static bool appropriate_src(struct nfv_ct_table *t, const struct nfv_ct_tuple *orig,
			    const struct nat_range *r, struct nfv_ct_tuple *res)
{
	const struct nfv_ct *other = ct_bysrc_find(t, orig);

	if (other == NULL)
		return false;
	ct_tuple_invert(&other->tuple[IP_CT_DIR_REPLY], res);
	res->zone = orig->zone;
	/* orig's destination part: address, and port or ICMP type and code
	 * (an echo id is the source part: the mapping's) */
	memcpy(res->dst, orig->dst, sizeof(res->dst));
	res->dport = orig->dport;
	return src_in_range(res, r);
}

void nat_unique_tuple(struct nfv_ct_table *t, struct nfv_ct_tuple *tuple,
		      const struct nfv_ct_tuple *orig, const struct nat_range *r,
		      const struct nfv_ct *ct, enum nat_manip manip)
{
	/* 1. a source mapping keeps the tuple when it fits and is free, or
	 * takes the mapping another connection from the source has */
	if (manip == NAT_MANIP_SRC && !(r->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (src_in_range(orig, r)) {
			if (!used_tuple(t, orig, ct)) {
				*tuple = *orig;
				return;
			}
		} else if (appropriate_src(t, orig, r, tuple) && !used_tuple(t, tuple, ct)) {
			return;
		}
	}
	/* 2. the address */
	*tuple = *orig;
	best_ip(tuple, r, manip);
	/* 3. the port, only where it is out of range or the tuple is used */
	if (!(r->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
			if (!(r->flags & NF_NAT_RANGE_PROTO_OFFSET) &&
			    l4_in_range(tuple, manip, r) &&
			    (r->min_proto == r->max_proto || !used_tuple(t, tuple, ct)))
				return;
		} else if (!used_tuple(t, tuple, ct)) {
			return;
		}
	}
	l4_unique(t, tuple, r, manip, ct);
}

static uint32_t done_bit(enum nat_manip manip)
{
	return manip == NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
}

uint32_t nat_setup(struct nfv_ct_table *t, struct nfv_ct *ct,
		   const struct nat_range *r, enum nat_manip manip)
{
	struct nfv_ct_tuple curr, new, reply;
	uint32_t verdict = NFV_ACCEPT;

	/* a second worker with a packet of the same new flow waits, then
	 * finds the binding made */
	rte_spinlock_lock(&ct->lock);
	/* confirmed before NAT was there (a reload added it): left alone,
	 * as nf_nat_setup_info() leaves a confirmed connection */
	if (__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & (done_bit(manip) | IPS_CONFIRMED))
		goto out;
	/* tuples of a direction carry its zone (ct original zone set) */
	ct_tuple_invert(&ct->tuple[IP_CT_DIR_REPLY], &curr);
	curr.zone = ct->tuple[IP_CT_DIR_ORIGINAL].zone;
	nat_unique_tuple(t, &new, &curr, r, ct, manip);
	if (ct_tuple_cmp(&new, &curr) != 0) {
		ct_tuple_invert(&new, &reply);
		reply.zone = ct->tuple[IP_CT_DIR_REPLY].zone;
		if (ct_alter_reply(t, ct, &reply, manip) != 0) {
			verdict = NFV_DROP_REASON(NFV_DR_NAT_NO_TUPLE);
			goto out;
		}
		__atomic_or_fetch(&ct->status, manip == NAT_MANIP_SRC ? IPS_SRC_NAT :
				  IPS_DST_NAT, __ATOMIC_RELEASE);
	}
	/* after the tuple: a worker that sees the bit reads the new reply */
	__atomic_or_fetch(&ct->status, done_bit(manip), __ATOMIC_RELEASE);
	if (manip == NAT_MANIP_SRC)
		ct_bysrc_add(t, ct);	/* after the bit: ct_kill() looks for it */
out:
	rte_spinlock_unlock(&ct->lock);
	return verdict;
}

uint32_t nat_null_binding(struct nfv_ct_table *t, struct nfv_ct *ct, enum nat_manip manip)
{
	/* the address the other manip left: of the reply, inverted */
	const struct nfv_ct_tuple *rep = &ct->tuple[IP_CT_DIR_REPLY];
	struct nat_range r = { .flags = NF_NAT_RANGE_MAP_IPS };

	memcpy(r.min_addr, manip == NAT_MANIP_SRC ? rep->dst : rep->src, 16);
	memcpy(r.max_addr, r.min_addr, 16);
	return nat_setup(t, ct, &r, manip);
}
