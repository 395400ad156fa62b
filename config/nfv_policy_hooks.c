/* SPDX-License-Identifier: BSD-3-Clause */
/* The queues section and the built-in hook entries. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nfv_netfilter.h"
#include "nfv_policy_priv.h"

static const char *const queue_keys[NFV_QUEUE_K_MAX] = {
	"num", "size", "timeout_ms", "default", "bypass",
};

static const struct nfv_yschema queue_schema = {
	queue_keys, NFV_QUEUE_K_MAX, 1u << NFV_QUEUE_K_NUM,
};

static const char *const queue_defaults[] = {
	[NFV_QUEUE_DEFAULT_DROP] = "drop", [NFV_QUEUE_DEFAULT_ACCEPT] = "accept",
};

static const char *const hook_keys[NFV_HOOK_K_MAX] = {
	"name", "hook", "priority", "action", "queue", "bypass", "match",
};

static const struct nfv_yschema hook_schema = {
	hook_keys, NFV_HOOK_K_MAX,
	1u << NFV_HOOK_K_NAME | 1u << NFV_HOOK_K_HOOK | 1u << NFV_HOOK_K_ACTION,
};

const char *const nfv_builtin_action_names[NFV_BUILTIN_MAX] = {
	[NFV_BUILTIN_COUNT] = "count", [NFV_BUILTIN_QUEUE] = "queue",
	[NFV_BUILTIN_DROP] = "drop", [NFV_BUILTIN_REPEAT] = "repeat",
};

enum { MATCH_K_PROTO, MATCH_K_DPORT, MATCH_K_MAX };

static const char *const match_keys[MATCH_K_MAX] = { "proto", "dport" };

static const struct nfv_yschema match_schema = { match_keys, MATCH_K_MAX, 0 };

static const struct { const char *name; uint8_t value; } protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "esp", 50 },
	{ "icmpv6", 58 },
};

static void read_queue(struct nfv_ploader *ld, struct nfv_yitem *it, void *obj)
{
	struct nfv_policy_queue *q = obj;
	char path[96];
	unsigned int d;
	int64_t v;

	q->mark = it->m->map;
	q->size = NFV_POLICY_DEFAULT_QUEUE_SIZE;
	q->timeout_ms = NFV_POLICY_DEFAULT_QUEUE_TIMEOUT;
	if (nfv_yget_int(ld, it, NFV_QUEUE_K_NUM, 0, UINT16_MAX, &v))
		q->num = (uint16_t)v;
	if (nfv_yget_int(ld, it, NFV_QUEUE_K_SIZE, 16, 65536, &v)) {
		if (v & (v - 1)) {
			nfv_ynok(it, NFV_QUEUE_K_SIZE);
			nfv_yerror(ld, it->m->val[NFV_QUEUE_K_SIZE],
				   "%s: %lld is not a power of two in 16..65536",
				   nfv_ypath(it, NFV_QUEUE_K_SIZE, path, sizeof(path)),
				   (long long)v);
		} else {
			q->size = (uint32_t)v;
		}
	}
	if (nfv_yget_int(ld, it, NFV_QUEUE_K_TIMEOUT, 1, 60000, &v))
		q->timeout_ms = (uint32_t)v;
	if (nfv_yget_enum(ld, it, NFV_QUEUE_K_DEFAULT, queue_defaults, 2, &d))
		q->default_verdict = (enum nfv_queue_default)d;
	nfv_yget_bool(ld, it, NFV_QUEUE_K_BYPASS, &q->bypass);
}

void nfv_read_queues(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_policy *p = ld->p;

	p->queues = nfv_yread_seq(ld, n, "queues", NFV_SEC_QUEUES, &queue_schema,
				  sizeof(*p->queues), &p->nb_queues, read_queue);
}

/* An integer, or netfilter's name for one. */
static void read_priority(struct nfv_ploader *ld, struct nfv_yitem *it,
			  int *out)
{
	const char *s = nfv_yget_scalar(ld, it, NFV_HOOK_K_PRIORITY, "an integer");
	char path[96];
	int64_t v;

	if (s == NULL)
		return;
	if (nfv_yis_int(it->val[NFV_HOOK_K_PRIORITY])) {
		if (nfv_yget_int(ld, it, NFV_HOOK_K_PRIORITY, INT_MIN, INT_MAX, &v))
			*out = (int)v;
		return;
	}
	if (nfv_priority_from_name(s, out) == 0) {
		nfv_yok(it, NFV_HOOK_K_PRIORITY);
		return;
	}
	nfv_yerror(ld, it->m->val[NFV_HOOK_K_PRIORITY],
		   "%s: \"%.40s\" is not a priority; expected an integer or one of "
		   NFV_IP_PRI_NAMES_TEXT,
		   nfv_ypath(it, NFV_HOOK_K_PRIORITY, path, sizeof(path)), s);
}

static void read_proto(struct nfv_ploader *ld, struct nfv_yitem *it,
		       struct nfv_policy_hook *h)
{
	const char *s = nfv_yget_scalar(ld, it, MATCH_K_PROTO, "a protocol");
	char path[96];
	unsigned int i;
	int64_t v;

	if (s == NULL)
		return;
	if (nfv_yis_int(it->val[MATCH_K_PROTO])) {
		if (nfv_yget_int(ld, it, MATCH_K_PROTO, 0, 255, &v))
			h->proto = (uint8_t)v;
		return;
	}
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcasecmp(s, protos[i].name) == 0) {
			h->proto = protos[i].value;
			nfv_yok(it, MATCH_K_PROTO);
			return;
		}
	}
	nfv_yerror(ld, it->m->val[MATCH_K_PROTO],
		   "%s: \"%.40s\" is not a protocol; expected tcp, udp, icmp, icmpv6, esp or a number 0..255",
		   nfv_ypath(it, MATCH_K_PROTO, path, sizeof(path)), s);
}

/* "N" or "N-M", 1 <= N <= M <= 65535. */
static bool parse_ports(const char *s, uint16_t *min, uint16_t *max)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		s = end + 1;
		if (*s < '0' || *s > '9')
			return false;
		b = strtoul(s, &end, 10);
	}
	if (*end != '\0' || a < 1 || a > b || b > UINT16_MAX)
		return false;
	*min = (uint16_t)a;
	*max = (uint16_t)b;
	return true;
}

static void read_match(struct nfv_ploader *ld, struct nfv_yitem *hit,
		       struct nfv_policy_hook *h)
{
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &match_schema, .m = &m };
	char path[96];
	const char *s;

	if (hit->val[NFV_HOOK_K_MATCH] == NULL ||
	    nfv_yis_null(hit->val[NFV_HOOK_K_MATCH]))
		return;
	nfv_ypath(hit, NFV_HOOK_K_MATCH, it.path, sizeof(it.path));
	if (!nfv_ymap_read(ld, hit->val[NFV_HOOK_K_MATCH], &it))
		return;
	read_proto(ld, &it, h);
	s = nfv_yget_scalar(ld, &it, MATCH_K_DPORT, "a port or port range");
	if (s == NULL)
		return;
	nfv_ypath(&it, MATCH_K_DPORT, path, sizeof(path));
	if (!parse_ports(s, &h->dport_min, &h->dport_max)) {
		nfv_yerror(ld, m.val[MATCH_K_DPORT],
			   "%s: \"%.40s\" is not a port or port range; expected N or N-M with 1 <= N <= M <= 65535",
			   path, s);
		return;
	}
	/* An absent or bad proto already has its error. */
	if (it.val[MATCH_K_PROTO] == NULL ||
	    (NFV_YOK(&m, MATCH_K_PROTO) && h->proto != 6 && h->proto != 17))
		nfv_yerror(ld, m.val[MATCH_K_DPORT],
			   "%s: a port match needs proto tcp or udp", path);
}

static void read_hook(struct nfv_ploader *ld, struct nfv_yitem *it, void *obj)
{
	struct nfv_policy_hook *h = obj;
	unsigned int v, k;
	char path[96];
	int64_t q;

	h->mark = it->m->map;
	nfv_yget_name(ld, it, NFV_HOOK_K_NAME, NFV_POLICY_HOOK_NAME_MAX, h->name);
	if (nfv_yget_enum(ld, it, NFV_HOOK_K_HOOK, nfv_hook_names, NFV_INET_NUMHOOKS, &v))
		h->hook = (int)v;
	read_priority(ld, it, &h->priority);
	if (nfv_yget_enum(ld, it, NFV_HOOK_K_ACTION, nfv_builtin_action_names,
			  NFV_BUILTIN_MAX, &v))
		h->action = (enum nfv_builtin_action)v;
	if (nfv_yget_int(ld, it, NFV_HOOK_K_QUEUE, 0, UINT16_MAX, &q))
		h->queue = (uint16_t)q;
	nfv_yget_bool(ld, it, NFV_HOOK_K_BYPASS, &h->queue_bypass);
	read_match(ld, it, h);

	if (!NFV_YOK(it->m, NFV_HOOK_K_ACTION))
		return;
	if (h->action == NFV_BUILTIN_QUEUE) {
		if (it->val[NFV_HOOK_K_QUEUE] == NULL)
			nfv_yerror(ld, it->m->map,
				   "%s: missing required key \"queue\" for action queue",
				   it->path);
		return;
	}
	for (k = NFV_HOOK_K_QUEUE; k <= NFV_HOOK_K_BYPASS; k++) {
		if (it->val[k] == NULL)
			continue;
		nfv_ynok(it, k);
		nfv_yerror(ld, it->m->key[k], "%s: only valid with action queue",
			   nfv_ypath(it, k, path, sizeof(path)));
	}
}

void nfv_read_hooks(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_policy *p = ld->p;

	p->hooks = nfv_yread_seq(ld, n, "hooks", NFV_SEC_HOOKS, &hook_schema,
				 sizeof(*p->hooks), &p->nb_hooks, read_hook);
}
