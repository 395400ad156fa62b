/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The list commands' common part: fetch the records of one request, then
 * print them as {"KEY": [ ... ]} with --json, else as a table (or the
 * command's own text), one record after another.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"
#include "ctl_table.h"

int ctl_list(struct ctl *ctl, uint16_t type, size_t rec_size, void **recs,
	     uint32_t *count)
{
	int ret = ctl_connect(ctl);

	if (ret != 0)
		return ret;
	if (nfv_client_list(&ctl->client, type, rec_size, recs, count) < 0)
		return ctl_fail(ctl);
	return 0;
}

/* Insertion sort: stable, so equal keys keep the server's order; lists are short. */
static int sort_recs(char *recs, size_t size, uint32_t n,
		     int (*cmp)(const void *a, const void *b))
{
	char *tmp;
	uint32_t i, k;

	if (n < 2)
		return 0;
	tmp = malloc(size);
	if (tmp == NULL)
		return -ENOMEM;
	for (i = 1; i < n; i++) {
		for (k = i; k > 0 && cmp(recs + (k - 1) * size, recs + i * size) > 0; k--)
			;
		if (k == i)
			continue;
		memcpy(tmp, recs + i * size, size);
		memmove(recs + (k + 1) * size, recs + k * size, (i - k) * size);
		memcpy(recs + k * size, tmp, size);
	}
	free(tmp);
	return 0;
}

static void show_json(struct ctl *ctl, const struct ctl_list_spec *s,
		      const char *recs, uint32_t n)
{
	struct ctl_json j;
	uint32_t i;

	ctl_json_init(&j, ctl->out, true);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_arr_begin(&j, s->key);
	for (i = 0; i < n; i++)
		s->json(&j, recs + i * s->rec_size);
	ctl_json_arr_end(&j);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
}

static int show_table(struct ctl *ctl, const struct ctl_list_spec *s,
		      const char *recs, uint32_t n)
{
	struct ctl_table *t = ctl_table_new(s->cols, s->ncols);
	uint32_t i;
	int ret;

	if (t == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		s->row(t, recs + i * s->rec_size);
	ret = ctl_table_print(t, ctl->out);
	ctl_table_free(t);
	return ret < 0 ? -EIO : 0;
}

int ctl_show_recs(struct ctl *ctl, const struct ctl_list_spec *s, void *recs, uint32_t n)
{
	int ret = 0;

	if (s->cmp != NULL && sort_recs(recs, s->rec_size, n, s->cmp) < 0)
		ret = -ENOMEM;
	else if (ctl->json)
		show_json(ctl, s, recs, n);
	else if (s->cols == NULL)
		s->text(ctl->out, recs, n);
	else
		ret = show_table(ctl, s, recs, n);
	if (ret == -ENOMEM)
		fprintf(ctl->err, "nfvpnctl: %s: out of memory\n", ctl->cmd->name);
	return ret == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

int ctl_show_list(struct ctl *ctl, int argc, char **argv,
		  const struct ctl_list_spec *s)
{
	uint32_t n;
	void *recs;
	int ret;

	ret = ctl_no_args(ctl, argc, argv);
	if (ret == 0)
		ret = ctl_list(ctl, s->type, s->rec_size, &recs, &n);
	if (ret != 0)
		return ret;
	ret = ctl_show_recs(ctl, s, recs, n);
	free(recs);
	return ret;
}
