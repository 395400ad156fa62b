/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * queues, queue listen and queue verdict: nfvpnctl as a small NFQUEUE
 * program. A listener prints the packets of a queue and, when told,
 * answers them; verdicts go over the same connection as the packets.
 */
#include <errno.h>
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"
#include "ctl_table.h"

static const struct ctl_col queue_cols[] = {
	{ "QUEUE", CTL_RIGHT }, { "SIZE", CTL_RIGHT }, { "TIMEOUT", CTL_RIGHT },
	{ "DEFAULT", CTL_LEFT }, { "BYPASS", CTL_LEFT },
	{ "LISTENERS", CTL_RIGHT }, { "ENQUEUED", CTL_RIGHT },
	{ "ACCEPTED", CTL_RIGHT }, { "DROPPED", CTL_RIGHT },
	{ "TIMEOUTS", CTL_RIGHT }, { "PENDING", CTL_RIGHT }, { "FULL", CTL_RIGHT },
	{ "NO-LISTENER", CTL_RIGHT }, { "BYPASSED", CTL_RIGHT },
};

static const char *verdict_name(unsigned int v)
{
	return v == NFV_QUEUE_DEFAULT_ACCEPT ? "accept" : "drop";
}

static void queue_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_queue *q = rec;

	ctl_json_obj_begin(j, NULL);
	ctl_json_u64(j, "num", q->num);
	ctl_json_u64(j, "size", q->size);
	ctl_json_u64(j, "timeout_ms", q->timeout_ms);
	ctl_json_str(j, "default_verdict", verdict_name(q->default_verdict));
	ctl_json_bool(j, "bypass", q->bypass);
	ctl_json_u64(j, "listeners", q->listeners);
	ctl_json_u64(j, "enqueued", q->enqueued);
	ctl_json_u64(j, "verdict_accept", q->verdict_accept);
	ctl_json_u64(j, "verdict_drop", q->verdict_drop);
	ctl_json_u64(j, "timeouts", q->timeouts);
	ctl_json_u64(j, "pending", q->pending);
	ctl_json_u64(j, "full", q->full);
	ctl_json_u64(j, "no_listener", q->no_listener);
	ctl_json_u64(j, "bypassed", q->bypassed);
	ctl_json_obj_end(j);
}

static void queue_row(struct ctl_table *t, const void *rec)
{
	const struct nfv_msg_queue *q = rec;
	const uint64_t v[] = {
		q->listeners, q->enqueued, q->verdict_accept, q->verdict_drop,
		q->timeouts, q->pending, q->full, q->no_listener, q->bypassed,
	};
	char num[CTL_NUM_MAX];
	unsigned int k;

	ctl_table_add(t, "%u", q->num);
	ctl_table_add(t, "%s", ctl_fmt_count(q->size, num));
	ctl_table_add(t, "%ums", q->timeout_ms);
	ctl_table_add(t, "%s", verdict_name(q->default_verdict));
	ctl_table_add(t, "%s", q->bypass ? "yes" : "no");
	for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		ctl_table_add(t, "%s", ctl_fmt_count(v[k], num));
}

int ctl_cmd_queues(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec queues = {
		.type = NFV_MSG_QUEUES, .rec_size = sizeof(struct nfv_msg_queue),
		.key = "queues", .json = queue_json, .row = queue_row,
		.cols = queue_cols, .ncols = 14,
	};

	return ctl_show_list(ctl, argc, argv, &queues);
}

int ctl_queue_verdict(struct ctl *ctl, uint16_t num, uint64_t id, uint32_t verdict)
{
	struct nfv_msg_queue_verdict v = { .id = id, .num = num, .verdict = verdict };

	return nfv_client_request(&ctl->client, NFV_MSG_QUEUE_VERDICT, &v,
				  sizeof(v), NULL, NULL);
}

int ctl_cmd_queue_verdict(struct ctl *ctl, int argc, char **argv)
{
	uint64_t num, id;
	uint32_t verdict;
	int ret;

	if (argc < 1)
		return ctl_usage(ctl, "missing argument N");
	if (ctl_parse_uint(argv[0], UINT16_MAX, &num) < 0)
		return ctl_usage(ctl, "bad queue number \"%s\"; expected 0..65535", argv[0]);
	if (argc < 2)
		return ctl_usage(ctl, "missing argument ID");
	if (ctl_parse_uint(argv[1], UINT64_MAX, &id) < 0)
		return ctl_usage(ctl, "bad packet id \"%s\"; expected a number as queue listen prints it",
				 argv[1]);
	if (argc < 3)
		return ctl_usage(ctl, "missing verdict; expected accept or drop");
	if (strcmp(argv[2], "accept") == 0)
		verdict = NFV_QUEUE_DEFAULT_ACCEPT;
	else if (strcmp(argv[2], "drop") == 0)
		verdict = NFV_QUEUE_DEFAULT_DROP;
	else
		return ctl_usage(ctl, "unknown verdict \"%s\"; expected accept or drop", argv[2]);
	ret = ctl_no_args(ctl, argc - 3, argv + 3);
	if (ret == 0)
		ret = ctl_connect(ctl);
	if (ret != 0)
		return ret;
	if (ctl_queue_verdict(ctl, (uint16_t)num, id, verdict) < 0)
		return ctl_fail(ctl);
	return 0;
}
