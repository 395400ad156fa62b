/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnctl internals: the command table, argument parsers and value
 * formatters shared by the command files. Exit codes: 0 done, 1 the request
 * failed (refused, or the answer says it would fail), 2 the command line is
 * wrong, 3 no connection to the dataplane, nfvpnd or the kernel stub.
 */
#ifndef NFV_CTL_H
#define NFV_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nfv_client.h"

enum {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAIL = 1,
	CTL_EXIT_USAGE = 2,
	CTL_EXIT_CONNECT = 3,
};

struct ctl_cmd;

struct ctl {
	FILE *out;
	FILE *err;
	bool json;
	const char *socket;
	const struct ctl_cmd *cmd;	/* running */
	bool connected;
	struct nfv_client client;
};

struct ctl_cmd {
	const char *name;	/* "hook add" */
	const char *args;	/* synopsis after the name */
	const char *summary;	/* one line */
	const char *text;	/* DESCRIPTION and OPTIONS of `help CMD` */
	const char *example;	/* what it prints */
	int (*run)(struct ctl *ctl, int argc, char **argv);
};

/* Runs nfvpnctl with argv as given to main(); returns the exit code. */
int nfv_ctl_main(int argc, char **argv, FILE *out, FILE *err);

/* ctl_help.c */
extern const struct ctl_cmd ctl_cmds[];
extern const unsigned int ctl_nb_cmds;
int ctl_help(struct ctl *ctl, int argc, char **argv);
void ctl_print_usage(struct ctl *ctl, const struct ctl_cmd *cmd);

/* ctl_main.c: messages and the connection. */
int ctl_usage(struct ctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ctl_fail(struct ctl *ctl);
int ctl_connect(struct ctl *ctl);
int ctl_no_args(struct ctl *ctl, int argc, char **argv);
/* A request of the running command; prints the error and returns 1. */
int ctl_request(struct ctl *ctl, uint16_t type, const void *req, uint32_t len);

/* ctl_list.c: the list commands. */
struct ctl_json;
struct ctl_table;
struct ctl_col;

struct ctl_list_spec {
	uint16_t type;		/* the request */
	size_t rec_size;	/* of its records */
	const char *key;	/* of the --json array */
	/* When set, the order shown; equal records keep the server's order. */
	int (*cmp)(const void *a, const void *b);
	void (*json)(struct ctl_json *j, const void *rec);	/* one object */
	/* Text: a table of these columns, a row a record... */
	const struct ctl_col *cols;
	unsigned int ncols;
	void (*row)(struct ctl_table *t, const void *rec);
	/* ...or, when cols is NULL, the command's own text of them all. */
	void (*text)(FILE *f, const void *recs, uint32_t n);
};

/* Prints n records of spec as the list commands do; returns the exit code. */
int ctl_show_recs(struct ctl *ctl, const struct ctl_list_spec *spec, void *recs,
		  uint32_t n);
/* Fetches the records of a request; prints the error and returns 1. */
int ctl_list(struct ctl *ctl, uint16_t type, size_t rec_size, void **recs,
	     uint32_t *count);
/* A list command: no arguments, fetch, print; returns the exit code. */
int ctl_show_list(struct ctl *ctl, int argc, char **argv,
		  const struct ctl_list_spec *spec);

/* ctl_args.c: strict parsers; 0, -EINVAL, or -ERANGE when out of range. */
int ctl_parse_uint(const char *s, uint64_t max, uint64_t *v);
int ctl_parse_ports(const char *s, uint16_t *min, uint16_t *max);
bool ctl_name_ok(const char *s, size_t max);
/* Prints what is wrong; returns 0 or CTL_EXIT_USAGE. */
int ctl_parse_prefix(struct ctl *ctl, const char *s, struct nfv_prefix *p);

/* ctl_fmt.c: names both ways, and the text forms of values. */
#define CTL_NUM_MAX 32	/* buf of the functions below */
int ctl_parse_hook(const char *s);	/* enum nfv_hook, or -1 */
int ctl_parse_priority(const char *s, int *prio);
int ctl_parse_proto(const char *s, uint8_t *proto);
const char *ctl_fmt_count(uint64_t v, char *buf);
const char *ctl_fmt_hook(unsigned int hook);
const char *ctl_fmt_priority(int prio, char *buf);
const char *ctl_fmt_proto(uint8_t proto);	/* NULL when unnamed */
const char *ctl_fmt_duration(uint64_t s, char *buf);
const char *ctl_fmt_route_type(uint8_t type);
const char *ctl_fmt_neigh_state(uint8_t state);
const char *ctl_fmt_action(unsigned int action);
/* A fixed-size string field of a message, cut at its size if unterminated;
 * buf holds size + 1 bytes. */
const char *ctl_str(const char *field, size_t size, char *buf);
#define CTL_STR(field, buf) ctl_str((field), sizeof(field), (buf))

/* Commands, one file per group. */
int ctl_cmd_status(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_ports(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_stats(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_clear_stats(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_routes(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_route_add(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_route_replace(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_route_del(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_neigh(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_neigh_add(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_neigh_del(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_hooks(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_hook_add(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_hook_del(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_queues(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_queue_listen(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_queue_verdict(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_ruleset(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_reset(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_filter(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_conntrack(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_conntrack_count(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_conntrack_flush(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_sa(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_sa_add(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_sa_del(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_sp(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_sp_del(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_reload(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_diff(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_daemon(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_events(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_steer(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_trace(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_capture(struct ctl *ctl, int argc, char **argv);
/*
 * ctl_daemon.c: nfvpnd's text answers as JSON. status: "key value" lines,
 * an object of them (numbers as numbers); reload and diff: the plan, "+",
 * "-" and "~" lines as changes, the other lines as notes.
 */
struct ctl_json;
void ctl_daemon_status_json(struct ctl_json *j, const char *text);
void ctl_daemon_plan_json(struct ctl_json *j, const char *text, bool ok);
/* ctl_queue.c, for the listener: answers packet id of queue num. */
int ctl_queue_verdict(struct ctl *ctl, uint16_t num, uint64_t id, uint32_t verdict);

#endif
