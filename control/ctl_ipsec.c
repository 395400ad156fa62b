/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SAs and security policies: list with counters, add from a policy file,
 * delete by name. Keys go from the file to the socket (mode 0600) and are
 * wiped here; nothing prints them.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"
#include "ctl_table.h"
#include "nfv_ipsec_alg.h"
#include "nfv_ipsec_sa.h"
#include "nfv_policy_ipsec.h"

static const struct ctl_col sa_cols[] = {
	{ "NAME", CTL_LEFT }, { "SPI", CTL_LEFT }, { "DIR", CTL_LEFT },
	{ "MODE", CTL_LEFT }, { "ALGORITHM", CTL_LEFT }, { "SRC", CTL_LEFT },
	{ "DST", CTL_LEFT }, { "PACKETS", CTL_RIGHT }, { "BYTES", CTL_RIGHT },
	{ "ERRORS", CTL_RIGHT }, { "STATE", CTL_LEFT },
};

/* Every counter but the traffic's counts a packet refused or failed. */
static uint64_t sa_errors(const struct nfv_msg_ipsec_sa *r)
{
	uint64_t n = 0;

#define SA_STAT_ADD(field, key) n += r->stats.field;
	NFV_IPSEC_SA_STATS(SA_STAT_ADD)
#undef SA_STAT_ADD
	return n - r->stats.packets - r->stats.bytes;
}

static void sa_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_ipsec_sa *r = rec;
	char name[NFV_NAME_MAX + 1], src[NFV_ADDR_FMT_MAX], dst[NFV_ADDR_FMT_MAX];

	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "name", CTL_STR(r->name, name));
	ctl_json_u64(j, "spi", r->spi);
	ctl_json_u64(j, "reqid", r->reqid);
	ctl_json_str(j, "direction", nfv_ipsec_dir_name(r->dir));
	ctl_json_str(j, "mode", nfv_ipsec_mode_name(r->mode));
	ctl_json_str(j, "algorithm", nfv_ipsec_cipher_name(r->cipher));
	ctl_json_str(j, "auth", nfv_ipsec_auth_name(r->auth));
	ctl_json_str(j, "src", nfv_addr_fmt(&r->src, src, sizeof(src)));
	ctl_json_str(j, "dst", nfv_addr_fmt(&r->dst, dst, sizeof(dst)));
	ctl_json_bool(j, "esn", r->esn);
	ctl_json_bool(j, "natt", r->natt);
	if (r->natt) {
		ctl_json_u64(j, "natt_sport", r->natt_sport);
		ctl_json_u64(j, "natt_dport", r->natt_dport);
	}
	ctl_json_u64(j, "replay_window", r->replay_window);
	ctl_json_str(j, "state", nfv_ipsec_sa_state_name(r->state));
	ctl_json_obj_begin(j, "lifetime");
	ctl_json_obj_begin(j, "soft");
	ctl_json_u64(j, "bytes", r->soft.bytes);
	ctl_json_u64(j, "packets", r->soft.packets);
	ctl_json_u64(j, "seconds", r->soft.seconds);
	ctl_json_obj_end(j);
	ctl_json_obj_begin(j, "hard");
	ctl_json_u64(j, "bytes", r->hard.bytes);
	ctl_json_u64(j, "packets", r->hard.packets);
	ctl_json_u64(j, "seconds", r->hard.seconds);
	ctl_json_obj_end(j);
	ctl_json_obj_end(j);
	ctl_json_obj_begin(j, "counters");
#define SA_STAT_JSON(field, key) ctl_json_u64(j, key, r->stats.field);
	NFV_IPSEC_SA_STATS(SA_STAT_JSON)
#undef SA_STAT_JSON
	ctl_json_obj_end(j);
	ctl_json_obj_end(j);
}

static void sa_row(struct ctl_table *t, const void *rec)
{
	char name[NFV_NAME_MAX + 1], src[NFV_ADDR_FMT_MAX], dst[NFV_ADDR_FMT_MAX];
	char n1[CTL_NUM_MAX], n2[CTL_NUM_MAX], n3[CTL_NUM_MAX];
	const struct nfv_msg_ipsec_sa *r = rec;

	ctl_table_add(t, "%s", CTL_STR(r->name, name));
	ctl_table_add(t, "0x%08x", r->spi);
	ctl_table_add(t, "%s", nfv_ipsec_dir_name(r->dir));
	ctl_table_add(t, "%s%s", nfv_ipsec_mode_name(r->mode), r->natt ? "+natt" : "");
	if (r->auth)
		ctl_table_add(t, "%s/%s", nfv_ipsec_cipher_name(r->cipher),
			      nfv_ipsec_auth_name(r->auth));
	else
		ctl_table_add(t, "%s", nfv_ipsec_cipher_name(r->cipher));
	ctl_table_add(t, "%s", nfv_addr_fmt(&r->src, src, sizeof(src)));
	ctl_table_add(t, "%s", nfv_addr_fmt(&r->dst, dst, sizeof(dst)));
	ctl_table_add(t, "%s", ctl_fmt_count(r->stats.packets, n1));
	ctl_table_add(t, "%s", ctl_fmt_count(r->stats.bytes, n2));
	ctl_table_add(t, "%s", ctl_fmt_count(sa_errors(r), n3));
	ctl_table_add(t, "%s", nfv_ipsec_sa_state_name(r->state));
}

int ctl_cmd_sa(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec sas = {
		.type = NFV_MSG_IPSEC_SAS, .rec_size = sizeof(struct nfv_msg_ipsec_sa),
		.key = "sas", .json = sa_json, .row = sa_row,
		.cols = sa_cols, .ncols = sizeof(sa_cols) / sizeof(sa_cols[0]),
	};

	return ctl_show_list(ctl, argc, argv, &sas);
}

static const struct ctl_col sp_cols[] = {
	{ "NAME", CTL_LEFT }, { "DIR", CTL_LEFT }, { "PRIORITY", CTL_RIGHT },
	{ "SRC", CTL_LEFT }, { "DST", CTL_LEFT }, { "PROTO", CTL_LEFT },
	{ "SPORT", CTL_LEFT }, { "DPORT", CTL_LEFT }, { "ACTION", CTL_LEFT },
	{ "SA", CTL_LEFT }, { "REFUSED", CTL_RIGHT },
};

static const char *ports_fmt(uint16_t min, uint16_t max, char *buf, size_t len)
{
	if (min == 0 && max == 0)
		return "any";
	if (min == max)
		snprintf(buf, len, "%u", min);
	else
		snprintf(buf, len, "%u-%u", min, max);
	return buf;
}

/* The text of a policy's fields, the same in JSON and in the table. */
struct sp_text {
	char name[NFV_NAME_MAX + 1], sa[NFV_NAME_MAX + 1], p1[16], p2[16];
	char src[NFV_PREFIX_FMT_MAX], dst[NFV_PREFIX_FMT_MAX], pn[8];
	const char *proto, *sport, *dport, *dir, *action;
};

static void sp_text(struct sp_text *x, const struct nfv_msg_ipsec_sp *r)
{
	const struct nfv_policy_sp *sp = &r->sp;

	x->proto = sp->proto ? ctl_fmt_proto(sp->proto) : "any";
	if (x->proto == NULL) {
		snprintf(x->pn, sizeof(x->pn), "%u", sp->proto);
		x->proto = x->pn;
	}
	nfv_prefix_fmt(&sp->src, x->src, sizeof(x->src));
	nfv_prefix_fmt(&sp->dst, x->dst, sizeof(x->dst));
	CTL_STR(r->sa, x->sa);
	CTL_STR(sp->name, x->name);
	x->sport = ports_fmt(sp->sport_min, sp->sport_max, x->p1, sizeof(x->p1));
	x->dport = ports_fmt(sp->dport_min, sp->dport_max, x->p2, sizeof(x->p2));
	x->dir = nfv_ipsec_dir_name(sp->dir);
	x->action = nfv_ipsec_action_name(sp->action);
}

static void sp_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_ipsec_sp *r = rec;
	struct sp_text x;

	sp_text(&x, r);
	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "name", x.name);
	ctl_json_str(j, "direction", x.dir);
	ctl_json_i64(j, "priority", r->sp.priority);
	ctl_json_str(j, "src", x.src);
	ctl_json_str(j, "dst", x.dst);
	ctl_json_str(j, "proto", x.proto);
	ctl_json_str(j, "sport", x.sport);
	ctl_json_str(j, "dport", x.dport);
	ctl_json_str(j, "action", x.action);
	ctl_json_str(j, "sa", x.sa[0] ? x.sa : NULL);
	ctl_json_u64(j, "refused", r->refused);
	ctl_json_obj_end(j);
}

static void sp_row(struct ctl_table *t, const void *rec)
{
	const struct nfv_msg_ipsec_sp *r = rec;
	struct sp_text x;

	sp_text(&x, r);
	ctl_table_add(t, "%s", x.name);
	ctl_table_add(t, "%s", x.dir);
	ctl_table_add(t, "%d", r->sp.priority);
	ctl_table_add(t, "%s", x.src);
	ctl_table_add(t, "%s", x.dst);
	ctl_table_add(t, "%s", x.proto);
	ctl_table_add(t, "%s", x.sport);
	ctl_table_add(t, "%s", x.dport);
	ctl_table_add(t, "%s", x.action);
	ctl_table_add(t, "%s", x.sa[0] ? x.sa : "-");
	ctl_table_add(t, "%" PRIu64, r->refused);
}

int ctl_cmd_sp(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec sps = {
		.type = NFV_MSG_IPSEC_SPS, .rec_size = sizeof(struct nfv_msg_ipsec_sp),
		.key = "policies", .json = sp_json, .row = sp_row,
		.cols = sp_cols, .ncols = sizeof(sp_cols) / sizeof(sp_cols[0]),
	};

	return ctl_show_list(ctl, argc, argv, &sps);
}

/* Every SA, then every policy, of FILE's ipsec section; stops at the first error. */
int ctl_cmd_sa_add(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	const struct nfv_policy_ipsec *ips;
	unsigned int i;
	int ret;

	if (argc < 1)
		return ctl_usage(ctl, "missing argument FILE");
	ret = ctl_no_args(ctl, argc - 1, argv + 1);
	if (ret != 0)
		return ret;
	if (nfv_policy_load(argv[0], &p, &errs) < 0) {
		nfv_policy_errors_print(ctl->err, argv[0], &errs);
		nfv_policy_errors_fini(&errs);
		return CTL_EXIT_FAIL;
	}
	nfv_policy_errors_fini(&errs);
	ips = p->ipsec;
	for (i = 0; ret == 0 && ips != NULL && i < ips->nb_sas; i++)
		ret = ctl_request(ctl, NFV_MSG_IPSEC_SA_ADD, &ips->sas[i], sizeof(ips->sas[i]));
	for (i = 0; ret == 0 && ips != NULL && i < ips->nb_sps; i++) {
		struct nfv_msg_ipsec_sp_add m;

		memset(&m, 0, sizeof(m));
		m.sp = ips->sps[i];
		if (m.sp.sa >= 0)
			memcpy(m.sa, ips->sas[m.sp.sa].name, sizeof(m.sa));
		ret = ctl_request(ctl, NFV_MSG_IPSEC_SP_ADD, &m, sizeof(m));
	}
	nfv_policy_free(p);	/* wipes the keys */
	return ret;
}

static int del_name(struct ctl *ctl, int argc, char **argv, uint16_t type)
{
	struct nfv_msg_name m;
	int ret;

	memset(&m, 0, sizeof(m));
	if (argc < 1)
		return ctl_usage(ctl, "missing argument NAME");
	if (argv[0][0] == '\0' || strlen(argv[0]) >= NFV_NAME_MAX)
		return ctl_usage(ctl, "bad name \"%s\": expected 1 to %d characters",
				 argv[0], NFV_NAME_MAX - 1);
	strcpy(m.name, argv[0]);
	ret = ctl_no_args(ctl, argc - 1, argv + 1);
	if (ret == 0)
		ret = ctl_request(ctl, type, &m, sizeof(m));
	return ret;
}

int ctl_cmd_sa_del(struct ctl *ctl, int argc, char **argv)
{
	return del_name(ctl, argc, argv, NFV_MSG_IPSEC_SA_DEL);
}

int ctl_cmd_sp_del(struct ctl *ctl, int argc, char **argv)
{
	return del_name(ctl, argc, argv, NFV_MSG_IPSEC_SP_DEL);
}
