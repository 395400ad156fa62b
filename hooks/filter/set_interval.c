/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sets and maps as sorted arrays of disjoint [lo, hi] keys compared with
 * memcmp (keys are in the byte order nft gave them, so that is the kernel's
 * order too): exact elements are ranges of one key, intervals come from
 * the rbtree's start/end element pairs. Lookup is a binary search,
 * O(log n) for 100,000 intervals. Concatenations with intervals (pipapo:
 * each field its own range) are scanned.
 *
 * Element timeouts: each element's expiry, in the clock of
 * nfv_hook_state.now, beside it (fset.expires); workers read the set
 * lock-free as ever and take an expired element for absent, as
 * nft_set_elem_expired() does. The time left is the dump's
 * NFTA_SET_ELEM_EXPIRATION (what the kernel had left when it dumped: the
 * mirror's dumps, nfvpn-nftc's), else the element's timeout, else the
 * set's; counted from the ruleset's build.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/set.h>

#include "filter_prog.h"

struct elem {
	const uint8_t *key;
	const uint8_t *key_end;	/* pipapo: inclusive end */
	bool end;		/* NFT_SET_ELEM_INTERVAL_END: exclusive end */
	uint32_t data[FSET_DATA_WORDS_MAX];
	const char *chain;	/* vmap jump/goto, objmap object */
	uint64_t expires;	/* 0: never */
};

static uint16_t sort_len;

static int elem_cmp(const void *a, const void *b)
{
	const struct elem *x = a, *y = b;
	int d = memcmp(x->key, y->key, sort_len);

	if (d)
		return d;
	return (int)y->end - (int)x->end;	/* ends first at equal keys */
}

static void key_dec(uint8_t *k, uint16_t len)
{
	for (int i = len - 1; i >= 0; i--)
		if (k[i]-- != 0)
			break;
}

static int elem_data(struct fset *s, struct nftnl_set_elem *e, struct elem *el,
		     char *err, size_t errlen)
{
	const void *d;
	uint32_t len;

	if (s->vmap) {
		/* libnftnl's getters read what is not there: asked first */
		if (!nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT)) {
			snprintf(err, errlen, "map %s: an element without a verdict", s->name);
			return -EINVAL;
		}
		el->data[0] = nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT);
		/* resolved by the compiler once chains are indexed */
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN))
			el->chain = nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN);
		return 0;
	}
	if (s->objmap) {
		if (!nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_OBJREF)) {
			snprintf(err, errlen, "map %s: an element without an object", s->name);
			return -EINVAL;
		}
		/* resolved by the compiler once objects are indexed */
		el->chain = nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_OBJREF);
		return 0;
	}
	if (s->data_len) {
		d = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &len);
		if (d == NULL || len > sizeof(el->data) || len != s->data_len) {
			snprintf(err, errlen, "set %s: map data of %u bytes", s->name, len);
			return -EOPNOTSUPP;
		}
		memcpy(el->data, d, len);
	}
	return 0;
}

static int emit(struct fset *s, const uint8_t *lo, const uint8_t *hi,
		const uint32_t *data, const char *chain, uint64_t expires)
{
	if (s->expires != NULL)
		s->expires[s->nb] = expires;
	if (chain != NULL) {
		s->chains[s->nb] = strdup(chain);
		if (s->chains[s->nb] == NULL)
			return -ENOMEM;
	}
	memcpy(s->lo + (size_t)s->nb * s->key_len, lo, s->key_len);
	memcpy(s->hi + (size_t)s->nb * s->key_len, hi, s->key_len);
	memcpy(s->data + (size_t)s->nb * s->data_words, data, s->data_words * 4u);
	s->nb++;
	return 0;
}

/* The catch-all sits past the elements, at index nb: fset_nb_data() counts it. */
static int emit_catchall(struct fset *s, const struct elem *c)
{
	static const uint8_t zero[64];
	int ret = emit(s, zero, zero, c->data, c->chain, c->expires);

	if (ret == 0) {
		s->nb--;
		s->catchall = true;
	}
	return ret;
}

static int build_ranges(struct fset *s, struct elem *v, uint32_t n, bool interval)
{
	uint8_t hi[64], max[64];
	const struct elem *open = NULL;

	memset(max, 0xff, sizeof(max));
	for (uint32_t i = 0; i < n; i++) {
		if (!interval) {
			if (emit(s, v[i].key, v[i].key, v[i].data, v[i].chain,
				 v[i].expires))
				return -ENOMEM;
			continue;
		}
		if (v[i].end) {
			if (open != NULL && memcmp(v[i].key, open->key, s->key_len) > 0) {
				memcpy(hi, v[i].key, s->key_len);
				key_dec(hi, s->key_len);
				if (emit(s, open->key, hi, open->data, open->chain,
				 open->expires))
					return -ENOMEM;
			}
			open = NULL;
			continue;
		}
		if (open != NULL) {	/* a start with no end: up to this one */
			memcpy(hi, v[i].key, s->key_len);
			key_dec(hi, s->key_len);
			if (emit(s, open->key, hi, open->data, open->chain,
				 open->expires))
				return -ENOMEM;
		}
		open = &v[i];
	}
	if (open != NULL)
		return emit(s, open->key, max, open->data, open->chain, open->expires);
	return 0;
}

/* ms the element has left: the dump's expiration, its timeout, the set's */
static uint64_t elem_ttl_ms(struct nftnl_set *ns, struct nftnl_set_elem *e)
{
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_EXPIRATION))
		return nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_EXPIRATION);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT))
		return nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT);
	if (nftnl_set_is_set(ns, NFTNL_SET_TIMEOUT))
		return nftnl_set_get_u64(ns, NFTNL_SET_TIMEOUT);
	return 0;
}

int fset_build(struct fset *s, struct nftnl_set *ns, uint64_t now, uint64_t hz,
	       char *err, size_t errlen)
{
	uint32_t flags = nftnl_set_get_u32(ns, NFTNL_SET_FLAGS), n = 0, len;
	bool timeouts = false, have_catchall = false;
	struct elem catchall = { 0 };
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;
	struct elem *v = NULL;
	uint64_t ttl;
	int ret = 0;

	snprintf(s->name, sizeof(s->name), "%s", nftnl_set_get_str(ns, NFTNL_SET_NAME));
	snprintf(s->table, sizeof(s->table), "%s", nftnl_set_get_str(ns, NFTNL_SET_TABLE));
	s->family = nftnl_set_get_u32(ns, NFTNL_SET_FAMILY);
	s->key_len = nftnl_set_get_u32(ns, NFTNL_SET_KEY_LEN);
	if (flags & NFT_SET_MAP) {
		s->vmap = nftnl_set_get_u32(ns, NFTNL_SET_DATA_TYPE) == NFT_DATA_VERDICT;
		s->data_len = s->vmap ? 0 : nftnl_set_get_u32(ns, NFTNL_SET_DATA_LEN);
	}
	/* two words at least: a verdict map's {code, target}; an IPv6
	 * address and port (NAT) take five */
	if (s->data_len > FSET_DATA_WORDS_MAX * 4) {
		snprintf(err, errlen, "table %s: set %s: map data of %u bytes not supported",
			 s->table, s->name, s->data_len);
		return -EOPNOTSUPP;
	}
	s->data_words = RTE_MAX(2u, (s->data_len + 3u) / 4);
	if (flags & NFT_SET_OBJECT) {
		/* a map of named objects: "counter name ip saddr map { ... }" */
		s->objmap = true;
		s->obj_type = nftnl_set_get_u32(ns, NFTNL_SET_OBJ_TYPE);
	}
	if (s->key_len == 0 || s->key_len > 64 ||
	    ((flags & NFT_SET_OBJECT) && (flags & NFT_SET_EVAL))) {
		snprintf(err, errlen, "table %s: set %s: key length %u or flags 0x%x not supported",
			 s->table, s->name, s->key_len, flags);
		return -EOPNOTSUPP;
	}
	if (flags & NFT_SET_EVAL) {
		/* packets add to it: a hash of exact keys (set_dynamic.c) */
		if (flags & (NFT_SET_INTERVAL | NFT_SET_MAP)) {
			snprintf(err, errlen, "table %s: set %s: a dynamic %s is not supported",
				 s->table, s->name, flags & NFT_SET_MAP ? "map" : "interval set");
			return -EOPNOTSUPP;
		}
		s->dynamic = true;
		s->dyn_max = nftnl_set_is_set(ns, NFTNL_SET_DESC_SIZE) &&
			     nftnl_set_get_u32(ns, NFTNL_SET_DESC_SIZE) != 0 ?
			     nftnl_set_get_u32(ns, NFTNL_SET_DESC_SIZE) : FDYN_MAX_DEFAULT;
		if (nftnl_set_is_set(ns, NFTNL_SET_TIMEOUT)) {
			uint64_t ms = nftnl_set_get_u64(ns, NFTNL_SET_TIMEOUT);

			s->dyn_timeout = ms / 1000 * hz + ms % 1000 * hz / 1000;
		}
	}
	if (nftnl_set_is_set(ns, NFTNL_SET_DESC_CONCAT)) {
		const uint8_t *fl = nftnl_set_get_data(ns, NFTNL_SET_DESC_CONCAT, &len);

		/* field lengths in bytes; each takes whole 4-byte registers */
		for (uint32_t f = 0; fl != NULL && f < len && f < sizeof(s->field_len); f++)
			s->field_len[s->nb_fields++] = (fl[f] + 3) & ~3;
	}
	it = nftnl_set_elems_iter_create(ns);
	if (it == NULL)
		return -ENOMEM;
	while ((e = nftnl_set_elems_iter_next(it)) != NULL) {
		struct elem *nv;

		if (n % 1024 == 0) {
			nv = realloc(v, (n + 1024) * sizeof(*v));
			if (nv == NULL) {
				ret = -ENOMEM;
				break;
			}
			v = nv;
		}
		memset(&v[n], 0, sizeof(v[n]));
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
		    (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_CATCHALL)) {
			/* "*": what a lookup finds when no element holds the key */
			if (s->dynamic || have_catchall) {
				snprintf(err, errlen, "table %s: set %s: a catch-all element %s",
					 s->table, s->name, s->dynamic ? "in a dynamic set is not "
					 "supported" : "twice");
				ret = -EOPNOTSUPP;
				break;
			}
			ret = elem_data(s, e, &catchall, err, errlen);
			if (ret)
				break;
			ttl = elem_ttl_ms(ns, e);
			if (ttl != 0) {
				catchall.expires = now + ttl / 1000 * hz + ttl % 1000 * hz / 1000 + 1;
				timeouts = true;
			}
			have_catchall = true;
			continue;
		}
		v[n].key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
		/* keys are compared key_len bytes at a time: exactly that long */
		if (v[n].key != NULL && len != s->key_len)
			v[n].key = NULL;
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_KEY_END)) {
			v[n].key_end = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY_END, &len);
			if (len != s->key_len)
				v[n].key = NULL;
		}
		v[n].end = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
			   (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) &
			    NFT_SET_ELEM_INTERVAL_END);
		if (v[n].key == NULL) {
			snprintf(err, errlen, "table %s: set %s: an element without a key of %u bytes",
				 s->table, s->name, s->key_len);
			ret = -EINVAL;
			break;
		}
		if (!v[n].end && (ret = elem_data(s, e, &v[n], err, errlen)))
			break;
		ttl = elem_ttl_ms(ns, e);
		if (ttl != 0) {
			/* +1: never a tick early; at least 1 so that 0 stays "never" */
			v[n].expires = now + ttl / 1000 * hz + ttl % 1000 * hz / 1000 + 1;
			timeouts = true;
		}
		n++;
	}
	nftnl_set_elems_iter_destroy(it);
	if (ret == 0 && e != NULL)
		ret = -EINVAL;
	s->lo = malloc((size_t)(n + 1) * s->key_len);
	s->hi = malloc((size_t)(n + 1) * s->key_len);
	s->data = malloc((size_t)(n + 1) * s->data_words * 4);
	if (s->vmap || s->objmap)
		s->chains = calloc(n + 1, sizeof(char *));
	if (timeouts)
		s->expires = calloc(n + 1, sizeof(*s->expires));
	if (ret == 0 && (s->lo == NULL || s->hi == NULL || s->data == NULL ||
			 ((s->vmap || s->objmap) && s->chains == NULL) || (timeouts && s->expires == NULL)))
		ret = -ENOMEM;
	if (ret == 0) {
		s->kind = n && v[0].key_end ? FSET_CONCAT_RANGES : FSET_RANGES;
		if (s->kind == FSET_CONCAT_RANGES) {
			for (uint32_t i = 0; ret == 0 && i < n; i++)
				ret = emit(s, v[i].key, v[i].key_end ? v[i].key_end : v[i].key,
					   v[i].data, v[i].chain, v[i].expires);
		} else {
			sort_len = s->key_len;
			if (n > 1)	/* an empty set (a dynamic one) has no v */
				qsort(v, n, sizeof(*v), elem_cmp);
			ret = build_ranges(s, v, n, flags & NFT_SET_INTERVAL);
		}
	}
	if (ret == 0 && have_catchall)
		ret = emit_catchall(s, &catchall);
	free(v);
	if (ret)
		fset_free(s);
	return ret;
}

void fset_chains_free(struct fset *s)
{
	for (uint32_t i = 0; s->chains != NULL && i < fset_nb_data(s); i++)
		free(s->chains[i]);
	free(s->chains);
	s->chains = NULL;
}

void fset_free(struct fset *s)
{
	fdyn_free(s);
	fset_chains_free(s);
	free(s->lo);
	free(s->hi);
	free(s->data);
	free(s->expires);
	s->lo = s->hi = NULL;
	s->data = NULL;
	s->expires = NULL;
}

static inline bool elem_expired(const struct fset *s, uint32_t i, uint64_t now)
{
	return s->expires != NULL && s->expires[i] != 0 && now >= s->expires[i];
}

/* No element holds the key: the catch-all's data, if the set has a live one. */
static inline const uint32_t *fset_catchall(const struct fset *s, uint64_t now)
{
	if (!s->catchall || elem_expired(s, s->nb, now))
		return NULL;
	return &s->data[s->nb * s->data_words];
}

/*
 * Each field of the concatenation compared as a whole (pipapo: an IPv6
 * range may cross a 32-bit word); without the set's field lengths, each
 * 4-byte register on its own.
 */
static bool concat_in(const struct fset *s, const uint8_t *k, uint32_t i)
{
	const uint8_t *lo = s->lo + (size_t)i * s->key_len;
	const uint8_t *hi = s->hi + (size_t)i * s->key_len;
	uint16_t off = 0;

	for (uint8_t f = 0; off < s->key_len; f++) {
		uint16_t l = f < s->nb_fields ? s->field_len[f] : 4;

		if (l > s->key_len - off)
			l = s->key_len - off;
		if (memcmp(k + off, lo + off, l) < 0 || memcmp(k + off, hi + off, l) > 0)
			return false;
		off += l;
	}
	return true;
}

const uint32_t *fset_lookup(const struct fset *s, const void *key, uint64_t now)
{
	uint32_t lo = 0, hi = s->nb, mid;

	/* a dynamic set holds no data: any pointer says "found" */
	if (s->dyn != NULL)
		return (const uint32_t *)fdyn_lookup(s->dyn, key, now);

	if (s->kind == FSET_CONCAT_RANGES) {
		for (uint32_t i = 0; i < s->nb; i++)
			if (concat_in(s, key, i) && !elem_expired(s, i, now))
				return &s->data[i * s->data_words];
		return fset_catchall(s, now);
	}
	/* last element whose lo <= key */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(s->lo + (size_t)mid * s->key_len, key, s->key_len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return fset_catchall(s, now);
	lo--;
	if (memcmp(key, s->hi + (size_t)lo * s->key_len, s->key_len) > 0 ||
	    elem_expired(s, lo, now))
		return fset_catchall(s, now);
	return &s->data[lo * s->data_words];
}
