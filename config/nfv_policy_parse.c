/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One policy load: libyaml builds the document (or reports the syntax
 * error), the section readers walk it, the cross checks run, and the
 * errors are put in file order. Nothing survives a load that failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy_priv.h"
#include "nfv_policy_ipsec.h"

enum { TOP_K_DATAPLANE, TOP_K_PORTS, TOP_K_ADDRESSES, TOP_K_ROUTES,
       TOP_K_NEIGHBOURS, TOP_K_QUEUES, TOP_K_HOOKS, TOP_K_FILTER, TOP_K_STEER,
       TOP_K_IPSEC, TOP_K_MAX };

static const char *const top_keys[TOP_K_MAX] = {
	"dataplane", "ports", "addresses", "routes", "neighbours", "queues",
	"hooks", "filter", "steer", "ipsec",
};

static const struct nfv_yschema top_schema = {
	top_keys, TOP_K_MAX, 1u << TOP_K_PORTS,
};

/* Reader errors carry a byte offset only; find its line and column. */
static struct nfv_mark offset_mark(const char *buf, size_t len, size_t off)
{
	struct nfv_mark m = { 1, 1 };
	size_t i;

	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			m.line++;
			m.column = 1;
		} else {
			m.column++;
		}
	}
	return m;
}

static void syntax_error(struct nfv_ploader *ld, const yaml_parser_t *parser,
			 const char *buf, size_t len)
{
	struct nfv_mark m = {
		.line = (uint32_t)parser->problem_mark.line + 1,
		.column = (uint32_t)parser->problem_mark.column + 1,
	};
	const char *problem = parser->problem ? parser->problem : "unknown error";

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		ld->err = -ENOMEM;
		return;
	case YAML_READER_ERROR:
		m = offset_mark(buf, len, parser->problem_offset);
		nfv_yerror(ld, m, "invalid YAML: %s", problem);
		return;
	default:
		break;
	}
	if (parser->context != NULL)
		nfv_yerror(ld, m, "invalid YAML: %s (%s at %u:%u)", problem,
			   parser->context,
			   (unsigned int)parser->context_mark.line + 1,
			   (unsigned int)parser->context_mark.column + 1);
	else
		nfv_yerror(ld, m, "invalid YAML: %s", problem);
}

static void read_root(struct nfv_ploader *ld, yaml_node_t *root)
{
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &top_schema, .m = &m };

	if (!nfv_ymap_read(ld, root, &it))
		return;
	nfv_read_dataplane(ld, it.val[TOP_K_DATAPLANE]);
	nfv_read_ports(ld, it.val[TOP_K_PORTS]);
	nfv_read_addresses(ld, it.val[TOP_K_ADDRESSES]);
	nfv_read_routes(ld, it.val[TOP_K_ROUTES]);
	nfv_read_neighbours(ld, it.val[TOP_K_NEIGHBOURS]);
	nfv_read_queues(ld, it.val[TOP_K_QUEUES]);
	nfv_read_hooks(ld, it.val[TOP_K_HOOKS]);
	nfv_read_filter(ld, it.val[TOP_K_FILTER]);
	nfv_read_steer(ld, it.val[TOP_K_STEER]);
	nfv_read_ipsec(ld, it.val[TOP_K_IPSEC]);
}

/* A second document would be silently ignored by yaml_parser_load. */
static void check_single_document(struct nfv_ploader *ld, yaml_parser_t *parser,
				  const char *buf, size_t len)
{
	yaml_document_t extra;
	yaml_node_t *root;

	if (!yaml_parser_load(parser, &extra)) {
		syntax_error(ld, parser, buf, len);
		return;
	}
	root = yaml_document_get_root_node(&extra);
	if (root != NULL)
		nfv_yerror(ld, nfv_ymark(root),
			   "a policy is a single YAML document; found a second one");
	nfv_ywipe_document(&extra);
	yaml_document_delete(&extra);
}

static struct nfv_policy *policy_alloc(const char *name)
{
	struct nfv_policy *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	snprintf(p->path, sizeof(p->path), "%s", name);
	p->neigh_timeout_s = NFV_POLICY_DEFAULT_NEIGH_TIMEOUT;
	p->icmp_rate = NFV_POLICY_DEFAULT_ICMP_RATE;
	p->ike_rate = NFV_POLICY_DEFAULT_IKE_RATE;
	return p;
}

int nfv_policy_parse(const char *name, const char *buf, size_t len,
		     struct nfv_policy **out, struct nfv_policy_errors *errs)
{
	return nfv_policy_parse_file(name, buf, len, 0, NULL, out, errs);
}

int nfv_policy_parse_file(const char *name, const char *buf, size_t len, unsigned int flags,
			  const struct stat *st, struct nfv_policy **out,
			  struct nfv_policy_errors *errs)
{
	struct nfv_ploader ld = { .errs = errs, .st = st, .flags = flags };
	struct nfv_mark start = { 1, 1 };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	unsigned int i;

	*out = NULL;
	errs->n = 0;
	errs->dropped = 0;
	ld.p = policy_alloc(name);
	if (ld.p == NULL)
		return -ENOMEM;
	if (!nfv_policy_scan(&ld, buf, len)) {
		nfv_policy_free(ld.p);
		return ld.err != 0 ? ld.err : -EINVAL;
	}
	if (!yaml_parser_initialize(&parser)) {
		nfv_policy_free(ld.p);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(&ld, &parser, buf, len);
		goto out_parser;
	}
	ld.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		nfv_yerror(&ld, start,
			   "the policy is empty; expected a mapping with at least ports");
	} else {
		read_root(&ld, root);
		if (ld.err == 0)
			nfv_policy_check(&ld);
		check_single_document(&ld, &parser, buf, len);
	}
	nfv_ywipe_document(&doc);
	yaml_document_delete(&doc);
out_parser:
	nfv_ywipe_parser(&parser);
	yaml_parser_delete(&parser);
	for (i = 0; i < NFV_SEC_MAX; i++)
		free(ld.marks[i]);
	nfv_policy_errors_sort(errs);
	nfv_policy_errors_close(errs);
	if (ld.err != 0 || errs->n != 0) {
		nfv_policy_free(ld.p);
		return ld.err != 0 ? ld.err : -EINVAL;
	}
	*out = ld.p;
	return 0;
}
