/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to config/: the state of one policy load, shared by the YAML
 * walk, the section readers and the cross checks.
 */
#ifndef NFV_POLICY_PRIV_H
#define NFV_POLICY_PRIV_H

#include <sys/stat.h>
#include <yaml.h>

#include "nfv_policy.h"

/*
 * The loader's limits: what a policy may cost before it is refused, each
 * with its own message at the place it was crossed. A concentrator's
 * 100,000 routes are 500,000 nodes at depth 4, 6 MB of YAML.
 */
#define NFV_POLICY_FILE_MAX	(64u << 20)	/* bytes of the policy file */
#define NFV_POLICY_DEPTH_MAX	64		/* nested sequences and mappings */
#define NFV_POLICY_NODES_MAX	2000000u	/* YAML nodes, aliases expanded */
#define NFV_POLICY_ALIAS_NODES_MAX 200000u	/* of them reached through aliases */

#define NFV_YKEYS_MAX 16

/* The keys a mapping may hold; bit k of required: keys[k] must be given. */
struct nfv_yschema {
	const char *const *keys;
	unsigned int n;
	uint32_t required;
};

/*
 * Where one mapping, its keys and its values were, and which values were
 * valid: the cross checks point at them and skip what already failed.
 */
struct nfv_ymarks {
	struct nfv_mark map;
	struct nfv_mark key[NFV_YKEYS_MAX];
	struct nfv_mark val[NFV_YKEYS_MAX];
	uint32_t ok;		/* bit k: keys[k] given and valid */
};

/* One mapping being read; path names it in messages ("ports[1]"). */
struct nfv_yitem {
	const struct nfv_yschema *schema;
	struct nfv_ymarks *m;
	yaml_node_t *val[NFV_YKEYS_MAX];
	char path[64];
};

enum nfv_section {
	NFV_SEC_PORTS,
	NFV_SEC_ADDRESSES,
	NFV_SEC_ROUTES,
	NFV_SEC_NEIGHBOURS,
	NFV_SEC_QUEUES,
	NFV_SEC_HOOKS,
	NFV_SEC_STEER,
	NFV_SEC_MAX
};

struct nfv_ploader {
	yaml_document_t *doc;
	const struct stat *st;			/* the policy file; NULL: a buffer */
	struct nfv_policy *p;
	struct nfv_policy_errors *errs;
	struct nfv_ymarks *marks[NFV_SEC_MAX];	/* one per object */
	int err;				/* -ENOMEM once out of memory */
	unsigned int flags;			/* NFV_POLICY_NO_KEYS */
	struct nfv_keyfile *keys;		/* ipsec.key_file while the SAs are read */
};

/* Key indexes, in the order of each section's key table. */
enum { NFV_PORT_K_NAME, NFV_PORT_K_DEVICE, NFV_PORT_K_MTU, NFV_PORT_K_MAC,
       NFV_PORT_K_PROMISC, NFV_PORT_K_EXCEPTION, NFV_PORT_K_EXC_IFNAME,
       NFV_PORT_K_RX_DESC, NFV_PORT_K_TX_DESC, NFV_PORT_K_MAX };
enum { NFV_ADDR_K_PORT, NFV_ADDR_K_ADDRESS, NFV_ADDR_K_VLAN, NFV_ADDR_K_MAX };
enum { NFV_ROUTE_K_DST, NFV_ROUTE_K_VIA, NFV_ROUTE_K_PORT, NFV_ROUTE_K_TYPE,
       NFV_ROUTE_K_MAX };
enum { NFV_NEIGH_K_PORT, NFV_NEIGH_K_ADDRESS, NFV_NEIGH_K_MAC,
       NFV_NEIGH_K_MAX };
enum { NFV_QUEUE_K_NUM, NFV_QUEUE_K_SIZE, NFV_QUEUE_K_TIMEOUT,
       NFV_QUEUE_K_DEFAULT, NFV_QUEUE_K_BYPASS, NFV_QUEUE_K_MAX };
enum { NFV_HOOK_K_NAME, NFV_HOOK_K_HOOK, NFV_HOOK_K_PRIORITY,
       NFV_HOOK_K_ACTION, NFV_HOOK_K_QUEUE, NFV_HOOK_K_BYPASS,
       NFV_HOOK_K_MATCH, NFV_HOOK_K_MAX };

#define NFV_YOK(m, k)	(((m)->ok >> (k)) & 1u)

/* nfv_policy_yaml.c: the walk and typed getters; each records its errors. */
void nfv_yerror(struct nfv_ploader *ld, struct nfv_mark mark,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
struct nfv_mark nfv_ymark(const yaml_node_t *n);
/* "path.key", or "key" at the top level. */
const char *nfv_ypath(const struct nfv_yitem *it, unsigned int k,
		      char *buf, size_t len);
/* Fills it from mapping node n; false (error recorded) when not a mapping. */
bool nfv_ymap_read(struct nfv_ploader *ld, yaml_node_t *n,
		   struct nfv_yitem *it);
/* The scalar at key k, or NULL with "expected <what>" recorded. */
const char *nfv_yget_scalar(struct nfv_ploader *ld, struct nfv_yitem *it,
			    unsigned int k, const char *what);
/* A plain empty, ~ or null scalar. */
bool nfv_yis_null(const yaml_node_t *n);
/* A plain scalar that reads as a decimal integer. */
bool nfv_yis_int(const yaml_node_t *n);
/* Getters: true and *out set when key k is given and valid. */
bool nfv_yget_int(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
		  int64_t min, int64_t max, int64_t *out);
bool nfv_yget_bool(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, bool *out);
bool nfv_yget_str(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
		  char *out, size_t size);
/* Case-insensitive choice among names[0..n-1]; *out is the index. */
bool nfv_yget_enum(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, const char *const *names, unsigned int n,
		   unsigned int *out);
bool nfv_yget_addr(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, struct nfv_addr *out);
bool nfv_yget_prefix(struct nfv_ploader *ld, struct nfv_yitem *it,
		     unsigned int k, struct nfv_prefix *out);
bool nfv_yget_mac(struct nfv_ploader *ld, struct nfv_yitem *it,
		  unsigned int k, uint8_t out[6]);
/* [A-Za-z][A-Za-z0-9_-]{0,max-1} */
bool nfv_yget_name(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, size_t max, char *out);
/* Wipe what libyaml holds of the policy (keys) before it frees it. */
void nfv_ywipe_parser(yaml_parser_t *parser);
void nfv_ywipe_document(yaml_document_t *doc);
void nfv_ywipe_event(yaml_event_t *ev);
/* Marks key k valid once a reader checked more than the getter did. */
static inline void nfv_yok(struct nfv_yitem *it, unsigned int k)
{
	it->m->ok |= 1u << k;
}

static inline void nfv_ynok(struct nfv_yitem *it, unsigned int k)
{
	it->m->ok &= ~(1u << k);
}

/*
 * Reads a sequence of mappings into a new array of *nb objects of size sz
 * (and ld->marks[sec]), calling fn on each item that is a mapping.
 */
typedef void (*nfv_yitem_fn)(struct nfv_ploader *ld, struct nfv_yitem *it,
			     void *obj);
void *nfv_yread_seq(struct nfv_ploader *ld, yaml_node_t *n, const char *name,
		    enum nfv_section sec, const struct nfv_yschema *schema,
		    size_t sz, unsigned int *nb, nfv_yitem_fn fn);

/* The section readers. */
void nfv_read_dataplane(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_ports(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_addresses(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_routes(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_neighbours(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_queues(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_hooks(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_filter(struct nfv_ploader *ld, yaml_node_t *n);
void nfv_read_steer(struct nfv_ploader *ld, yaml_node_t *n);

/* nfv_policy_check.c: duplicates and references across sections. */
void nfv_policy_check(struct nfv_ploader *ld);

/* nfv_policy.c */
void nfv_policy_errors_sort(struct nfv_policy_errors *errs);
void nfv_policy_errors_close(struct nfv_policy_errors *errs);
#define NFV_RF_NOFOLLOW	1u	/* refuse a symbolic link */
#define NFV_RF_OWNER	2u	/* owned by root or the user we run as */
int nfv_policy_read_file(const char *path, unsigned int flags, size_t max,
			 char **buf, size_t *len, struct stat *st,
			 char *why, size_t whylen);

/* nfv_policy_parse.c: nfv_policy_parse of a file read with its fstat. */
int nfv_policy_parse_file(const char *name, const char *buf, size_t len, unsigned int flags,
			  const struct stat *st, struct nfv_policy **out,
			  struct nfv_policy_errors *errs);

/*
 * nfv_policy_limits.c: a first pass over the events of buf, before libyaml
 * builds a document: false, with the error recorded, when a limit above is
 * crossed. Syntax errors are left to the load that follows.
 */
bool nfv_policy_scan(struct nfv_ploader *ld, const char *buf, size_t len);

/*
 * nfv_policy_hash.c: a set of entry indexes for the duplicate checks,
 * sized once for n entries (it never grows). eq(ctx, key, idx): entry idx
 * has key. nfv_dupset_add returns the index of the first entry with key,
 * or -1 after adding idx; nfv_dupset_find returns it, or -1.
 */
struct nfv_dupset {
	uint32_t *slot;		/* entry index + 1; 0: empty */
	uint32_t mask;
};
typedef bool (*nfv_dup_eq)(const void *ctx, const void *key, uint32_t idx);
int nfv_dupset_init(struct nfv_dupset *s, unsigned int n);
void nfv_dupset_fini(struct nfv_dupset *s);
int nfv_dupset_add(struct nfv_dupset *s, uint64_t hash, const void *key,
		   uint32_t idx, nfv_dup_eq eq, const void *ctx);
int nfv_dupset_find(const struct nfv_dupset *s, uint64_t hash, const void *key,
		    nfv_dup_eq eq, const void *ctx);
/* Seeded hashes; h is 0 to start, or a previous hash to chain fields. */
uint64_t nfv_hash(uint64_t h, const void *p, size_t len);
uint64_t nfv_hash_str(uint64_t h, const char *s);

#endif
