/* SPDX-License-Identifier: BSD-3-Clause */
/* hooks: the entries of the pipeline and their verdict counters; add, del. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"
#include "ctl_table.h"
#include "nfv_netfilter.h"

/* Pipeline order, then priority; equal keys keep the server's (run) order. */
static int hook_cmp(const void *a, const void *b)
{
	const struct nfv_msg_hook *x = a, *y = b;

	if (x->hook != y->hook)
		return x->hook < y->hook ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return 0;
}

static const struct ctl_col hook_cols[] = {
	{ "HOOK", CTL_LEFT }, { "PRIORITY", CTL_LEFT }, { "NAME", CTL_LEFT },
	{ "PACKETS", CTL_RIGHT }, { "ACCEPTED", CTL_RIGHT },
	{ "DROPPED", CTL_RIGHT }, { "STOLEN", CTL_RIGHT },
	{ "QUEUED", CTL_RIGHT }, { "REPEATED", CTL_RIGHT },
	{ "REPEAT-LIMIT", CTL_RIGHT }, { "CYCLES/PKT", CTL_RIGHT },
};

static void hook_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_hook *h = rec;

	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "hook", ctl_fmt_hook(h->hook));
	ctl_json_i64(j, "priority", h->priority);
	ctl_json_str(j, "priority_name", nfv_priority_name(h->priority));
	ctl_json_strn(j, "name", h->name, sizeof(h->name));
	ctl_json_u64(j, "packets", h->packets);
	ctl_json_u64(j, "accepted", h->accepted);
	ctl_json_u64(j, "dropped", h->dropped);
	ctl_json_u64(j, "stolen", h->stolen);
	ctl_json_u64(j, "queued", h->queued);
	ctl_json_u64(j, "repeated", h->repeated);
	ctl_json_u64(j, "repeat_limit", h->repeat_limit);
	ctl_json_u64(j, "cycles", h->cycles);
	if (h->packets)
		ctl_json_double(j, "cycles_per_packet", (double)h->cycles / (double)h->packets);
	else
		ctl_json_null(j, "cycles_per_packet");
	ctl_json_obj_end(j);
}

static void hook_row(struct ctl_table *t, const void *rec)
{
	const struct nfv_msg_hook *h = rec;
	char buf[sizeof(h->name) + 1], num[CTL_NUM_MAX];
	const uint64_t v[] = {
		h->packets, h->accepted, h->dropped, h->stolen, h->queued,
		h->repeated, h->repeat_limit,
	};
	unsigned int k;

	ctl_table_add(t, "%s", ctl_fmt_hook(h->hook));
	ctl_table_add(t, "%s", ctl_fmt_priority(h->priority, num));
	ctl_table_add(t, "%s", CTL_STR(h->name, buf));
	for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		ctl_table_add(t, "%s", ctl_fmt_count(v[k], num));
	if (h->packets)
		ctl_table_add(t, "%.1f", (double)h->cycles / (double)h->packets);
	else
		ctl_table_add(t, "-");
}

int ctl_cmd_hooks(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec hooks = {
		.type = NFV_MSG_HOOKS, .rec_size = sizeof(struct nfv_msg_hook),
		.key = "hooks", .cmp = hook_cmp, .json = hook_json, .row = hook_row,
		.cols = hook_cols, .ncols = 11,
	};

	return ctl_show_list(ctl, argc, argv, &hooks);
}

#define NAME_RULE "expected a letter then up to 30 letters, digits, '_' or '-'"

/* [bypass] [proto P] [dport A[-B]] after the action. */
static int hook_match(struct ctl *ctl, int argc, char **argv,
		      struct nfv_policy_hook *h)
{
	bool has_bypass = false, has_proto = false, has_dport = false;
	int i;

	for (i = 0; i < argc; i++) {
		const char *k = argv[i];

		if (strcmp(k, "bypass") == 0) {
			if (h->action != NFV_BUILTIN_QUEUE)
				return ctl_usage(ctl, "bypass is only valid with queue Q");
			if (has_bypass)
				return ctl_usage(ctl, "bypass given twice");
			has_bypass = h->queue_bypass = true;
			continue;
		}
		if (strcmp(k, "proto") != 0 && strcmp(k, "dport") != 0)
			return ctl_usage(ctl, "unknown argument \"%s\"; expected %sproto or dport",
					 k, h->action == NFV_BUILTIN_QUEUE ? "bypass, " : "");
		if ((k[0] == 'p' && has_proto) || (k[0] == 'd' && has_dport))
			return ctl_usage(ctl, "%s given twice", k);
		if (i + 1 == argc)
			return ctl_usage(ctl, "%s needs %s", k,
					 k[0] == 'p' ? "a protocol" : "a port or port range");
		if (k[0] == 'p') {
			if (ctl_parse_proto(argv[++i], &h->proto) < 0)
				return ctl_usage(ctl, "bad protocol \"%s\"; expected tcp, udp, icmp, icmpv6, esp or 0..255",
						 argv[i]);
			has_proto = true;
		} else {
			if (ctl_parse_ports(argv[++i], &h->dport_min, &h->dport_max) < 0)
				return ctl_usage(ctl, "bad port range \"%s\"; expected N or N-M with 1 <= N <= M <= 65535",
						 argv[i]);
			has_dport = true;
		}
	}
	if (has_dport && h->proto != IPPROTO_TCP && h->proto != IPPROTO_UDP)
		return ctl_usage(ctl, "dport needs proto tcp or udp");
	return 0;
}

static int hook_action(struct ctl *ctl, int argc, char **argv,
		       struct nfv_policy_hook *h)
{
	unsigned int a;
	uint64_t q;

	if (argc < 1)
		return ctl_usage(ctl, "missing action; expected count, drop, repeat or queue Q");
	for (a = 0; a < NFV_BUILTIN_MAX; a++)
		if (strcmp(argv[0], nfv_builtin_action_names[a]) == 0)
			break;
	if (a == NFV_BUILTIN_MAX)
		return ctl_usage(ctl, "unknown action \"%s\"; expected count, drop, repeat or queue Q",
				 argv[0]);
	h->action = (enum nfv_builtin_action)a;
	if (a != NFV_BUILTIN_QUEUE)
		return hook_match(ctl, argc - 1, argv + 1, h);
	if (argc < 2)
		return ctl_usage(ctl, "queue needs a queue number Q");
	if (ctl_parse_uint(argv[1], UINT16_MAX, &q) < 0)
		return ctl_usage(ctl, "bad queue number \"%s\"; expected 0..65535", argv[1]);
	h->queue = (uint16_t)q;
	return hook_match(ctl, argc - 2, argv + 2, h);
}

int ctl_cmd_hook_add(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_policy_hook h;
	int ret;

	memset(&h, 0, sizeof(h));
	if (argc < 1)
		return ctl_usage(ctl, "missing argument NAME");
	if (!ctl_name_ok(argv[0], NFV_POLICY_HOOK_NAME_MAX))
		return ctl_usage(ctl, "bad name \"%s\": " NAME_RULE, argv[0]);
	strcpy(h.name, argv[0]);
	if (argc < 2)
		return ctl_usage(ctl, "missing argument HOOK");
	h.hook = ctl_parse_hook(argv[1]);
	if (h.hook < 0)
		return ctl_usage(ctl, "unknown hook \"%s\"; expected PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT or POST_ROUTING",
				 argv[1]);
	if (argc < 3)
		return ctl_usage(ctl, "missing argument PRIORITY");
	ret = ctl_parse_priority(argv[2], &h.priority);
	if (ret == -ERANGE)
		return ctl_usage(ctl, "priority \"%s\" is out of range", argv[2]);
	if (ret < 0)
		return ctl_usage(ctl, "bad priority \"%s\"; expected an integer or one of "
				 NFV_IP_PRI_NAMES_TEXT ", optionally +N or -N",
				 argv[2]);
	ret = hook_action(ctl, argc - 3, argv + 3, &h);
	if (ret == 0)
		ret = ctl_request(ctl, NFV_MSG_HOOK_ADD, &h, sizeof(h));
	return ret;
}

int ctl_cmd_hook_del(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_msg_name m;
	int ret;

	memset(&m, 0, sizeof(m));
	if (argc < 1)
		return ctl_usage(ctl, "missing argument NAME");
	if (argv[0][0] == '\0' || strlen(argv[0]) >= sizeof(m.name))
		return ctl_usage(ctl, "bad name \"%s\": expected 1 to %zu characters",
				 argv[0], sizeof(m.name) - 1);
	strcpy(m.name, argv[0]);
	ret = ctl_no_args(ctl, argc - 1, argv + 1);
	if (ret == 0)
		ret = ctl_request(ctl, NFV_MSG_HOOK_DEL, &m, sizeof(m));
	return ret;
}
