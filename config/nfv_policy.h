/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy model: what a YAML policy file says, validated. No DPDK here;
 * the dataplane and nfvpnd both use it.
 *
 * Every object keeps the mark (line, column) of its YAML node so that a
 * later check (a reference, a duplicate) can point at the right place.
 */
#ifndef NFV_POLICY_H
#define NFV_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "nfv_netfilter.h"

#define NFV_NAME_MAX 32
#define NFV_DEVARGS_MAX 256

struct nfv_policy_filter;
struct nfv_policy_steer;
struct nfv_policy_ipsec;

struct nfv_mark {
	uint32_t line;	/* 1-based */
	uint32_t column;	/* 1-based */
};

/* An IPv4 or IPv6 address; IPv4 lives in the first 4 bytes. */
struct nfv_addr {
	uint8_t family;	/* AF_INET or AF_INET6 */
	uint8_t bytes[16];
};

struct nfv_prefix {
	struct nfv_addr addr;
	uint8_t len;
};

struct nfv_policy_port {
	struct nfv_mark mark;
	char name[NFV_NAME_MAX];	/* "p0": the name used everywhere else */
	char device[NFV_DEVARGS_MAX];	/* a PCI address or vdev devargs */
	uint16_t mtu;			/* default 1500 */
	uint16_t rx_desc;		/* default 1024 */
	uint16_t tx_desc;		/* default 1024 */
	bool has_mac;
	uint8_t mac[6];			/* overrides the port's own MAC */
	bool promiscuous;		/* default false */
	bool exception;			/* exception TUN to the kernel, default true */
	char exception_ifname[16];	/* default "nfv-<name>" */
};

struct nfv_policy_address {
	struct nfv_mark mark;
	char port[NFV_NAME_MAX];
	uint16_t vlan;			/* 0: untagged */
	struct nfv_prefix prefix;	/* the address and its on-link prefix */
};

enum nfv_route_type {
	NFV_ROUTE_UNICAST = 0,
	NFV_ROUTE_BLACKHOLE,
};

struct nfv_policy_route {
	struct nfv_mark mark;
	struct nfv_prefix dst;		/* "default" is 0.0.0.0/0 or ::/0 */
	enum nfv_route_type type;
	bool has_via;
	struct nfv_addr via;		/* gateway; none means on-link */
	char port[NFV_NAME_MAX];	/* output port; may be inferred from via */
};

struct nfv_policy_neighbour {
	struct nfv_mark mark;
	char port[NFV_NAME_MAX];
	struct nfv_addr addr;
	uint8_t mac[6];
};

enum nfv_queue_default {
	NFV_QUEUE_DEFAULT_DROP = NFV_DROP,
	NFV_QUEUE_DEFAULT_ACCEPT = NFV_ACCEPT,
};

struct nfv_policy_queue {
	struct nfv_mark mark;
	uint16_t num;			/* 0..65535 as in NFQUEUE */
	uint32_t size;			/* power of two, default 1024 */
	uint32_t timeout_ms;		/* default 1000 */
	enum nfv_queue_default default_verdict;	/* default drop */
	bool bypass;			/* accept when no listener or full */
};

/*
 * Built-in hook entries for tests, demos and benchmarks: they count, queue,
 * drop or repeat packets that match a simple selector.
 */
enum nfv_builtin_action {
	NFV_BUILTIN_COUNT = 0,
	NFV_BUILTIN_QUEUE,
	NFV_BUILTIN_DROP,
	NFV_BUILTIN_REPEAT,
	NFV_BUILTIN_MAX
};

/* Indexed by enum nfv_builtin_action: as the policy and nfvpnctl write them. */
extern const char *const nfv_builtin_action_names[NFV_BUILTIN_MAX];

struct nfv_policy_hook {
	struct nfv_mark mark;
	char name[NFV_NAME_MAX];
	int hook;			/* enum nfv_hook */
	int priority;
	enum nfv_builtin_action action;
	uint16_t queue;			/* for NFV_BUILTIN_QUEUE */
	bool queue_bypass;
	/* selector: zero means any */
	uint8_t proto;
	uint16_t dport_min, dport_max;
};

struct nfv_policy {
	char path[4096];
	uint32_t neigh_timeout_s;	/* dynamic neighbour aging, default 300 */
	uint32_t icmp_rate;		/* ICMP errors per second, default 100 */
	uint32_t ike_rate;		/* IKE packets to the kernel per second and
					 * kind, per worker; 0: unlimited */

	struct nfv_policy_port *ports;
	unsigned int nb_ports;
	struct nfv_policy_address *addresses;
	unsigned int nb_addresses;
	struct nfv_policy_route *routes;
	unsigned int nb_routes;
	struct nfv_policy_neighbour *neighbours;
	unsigned int nb_neighbours;
	struct nfv_policy_queue *queues;
	unsigned int nb_queues;
	struct nfv_policy_hook *hooks;
	unsigned int nb_hooks;
	struct nfv_policy_filter *filter;	/* NULL: no filter section */
	struct nfv_policy_steer *steer;		/* NULL: no steer section */
	struct nfv_policy_ipsec *ipsec;		/* NULL: no ipsec section */
};

/* Validation errors, all of them, in file order. */
struct nfv_policy_error {
	struct nfv_mark mark;
	char msg[240];
};

/*
 * At most NFV_POLICY_ERRORS_MAX are kept: past it they are counted in
 * dropped, and the load ends the list with "too many errors: N more".
 */
#define NFV_POLICY_ERRORS_MAX 1000

struct nfv_policy_errors {
	struct nfv_policy_error *v;
	unsigned int n;
	unsigned int cap;
	unsigned int dropped;		/* past NFV_POLICY_ERRORS_MAX */
	struct nfv_mark dropped_mark;	/* the first of them */
};

/*
 * Loads and validates path. errs starts zeroed (or as a previous load left
 * it: each load empties it first). On success returns 0 and *out; otherwise
 * -EINVAL with every error in errs (or another -errno when the file cannot
 * be read, with one error at 0:0). Nothing is allocated on failure but errs.
 */
int nfv_policy_load(const char *path, struct nfv_policy **out,
		    struct nfv_policy_errors *errs);
/*
 * NFV_POLICY_NO_KEYS: an ipsec.key_file that does not exist is no error;
 * its SAs then have no keys (key_len 0) and key_file_missing is set: for
 * `nfvpnd --check` and `nfvpnd --make-keys`, never for a policy to run.
 */
#define NFV_POLICY_NO_KEYS	1u
int nfv_policy_load_flags(const char *path, unsigned int flags,
			  struct nfv_policy **out, struct nfv_policy_errors *errs);
/* The same from a buffer; name is used in messages. */
int nfv_policy_parse(const char *name, const char *buf, size_t len,
		     struct nfv_policy **out, struct nfv_policy_errors *errs);
void nfv_policy_free(struct nfv_policy *p);

/* Prints "file:line:column: message" for each error. */
void nfv_policy_errors_print(FILE *f, const char *path,
			     const struct nfv_policy_errors *errs);
void nfv_policy_errors_fini(struct nfv_policy_errors *errs);

/* Lookups used by validation and the dataplane; NULL or -1 when absent. */
int nfv_policy_port_index(const struct nfv_policy *p, const char *name);

/* Text forms shared by the policy, the CLI and the tests. */
int nfv_addr_parse(const char *s, struct nfv_addr *a);
int nfv_prefix_parse(const char *s, struct nfv_prefix *p);
int nfv_mac_parse(const char *s, uint8_t mac[6]);
const char *nfv_addr_fmt(const struct nfv_addr *a, char *buf, size_t len);
const char *nfv_prefix_fmt(const struct nfv_prefix *p, char *buf, size_t len);

/* Extensions used by validation, the CLI and the tests. */

/* Policy defaults and limits, documented in docs/policy.md. */
#define NFV_POLICY_PORT_NAME_MAX	15	/* an interface name */
#define NFV_POLICY_HOOK_NAME_MAX	(NFV_NAME_MAX - 1)
#define NFV_POLICY_DEFAULT_MTU		1500
#define NFV_POLICY_DEFAULT_DESC		1024
#define NFV_POLICY_DEFAULT_NEIGH_TIMEOUT 300
#define NFV_POLICY_DEFAULT_ICMP_RATE	100
#define NFV_POLICY_DEFAULT_IKE_RATE	2000
#define NFV_POLICY_DEFAULT_QUEUE_SIZE	1024
#define NFV_POLICY_DEFAULT_QUEUE_TIMEOUT 1000

/* Room for nfv_addr_fmt, nfv_prefix_fmt and nfv_mac_fmt output. */
#define NFV_ADDR_FMT_MAX	INET6_ADDRSTRLEN
#define NFV_PREFIX_FMT_MAX	(INET6_ADDRSTRLEN + 4)
#define NFV_MAC_FMT_MAX		18

/* Appends an error; returns 0 or -ENOMEM. */
int nfv_policy_error_add(struct nfv_policy_errors *errs, struct nfv_mark mark,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Index of queue num, -1 when absent. */
int nfv_policy_queue_index(const struct nfv_policy *p, uint16_t num);

bool nfv_addr_equal(const struct nfv_addr *a, const struct nfv_addr *b);
/* a is in p (same family, first p->len bits equal). */
bool nfv_prefix_contains(const struct nfv_prefix *p, const struct nfv_addr *a);
/* Zeroes the bits past p->len; returns true when some were set. */
bool nfv_prefix_clear_host(struct nfv_prefix *p);
/* Neither unspecified nor multicast (nor IPv4 broadcast). */
bool nfv_addr_is_unicast(const struct nfv_addr *a);
const char *nfv_mac_fmt(const uint8_t mac[6], char *buf, size_t len);

#endif
