/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libyaml document walk: mappings checked against a key table, typed
 * getters that record an error at the offending node and go on, so that
 * one load reports every mistake of a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nfv_policy_priv.h"

void nfv_yerror(struct nfv_ploader *ld, struct nfv_mark mark,
		const char *fmt, ...)
{
	char msg[sizeof(((struct nfv_policy_error *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (nfv_policy_error_add(ld->errs, mark, "%s", msg) < 0)
		ld->err = -ENOMEM;
}

struct nfv_mark nfv_ymark(const yaml_node_t *n)
{
	struct nfv_mark m = {
		.line = (uint32_t)n->start_mark.line + 1,
		.column = (uint32_t)n->start_mark.column + 1,
	};

	return m;
}

bool nfv_yis_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* What a node is, for "expected X, got Y". */
static const char *describe(const yaml_node_t *n, char *buf, size_t len)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a sequence";
	if (nfv_yis_null(n))
		return "null";
	snprintf(buf, len, "%s\"%.40s\"",
		 n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "" :
		 "the quoted string ", (const char *)n->data.scalar.value);
	return buf;
}

const char *nfv_ypath(const struct nfv_yitem *it, unsigned int k,
		      char *buf, size_t len)
{
	if (it->path[0] == '\0')
		snprintf(buf, len, "%s", it->schema->keys[k]);
	else
		snprintf(buf, len, "%s.%s", it->path, it->schema->keys[k]);
	return buf;
}

static const char *item_name(const struct nfv_yitem *it)
{
	return it->path[0] == '\0' ? "policy" : it->path;
}

static void expected_keys(const struct nfv_yschema *s, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int k;

	buf[0] = '\0';
	for (k = 0; k < s->n && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					k ? ", " : "", s->keys[k]);
}

bool nfv_ymap_read(struct nfv_ploader *ld, yaml_node_t *n,
		   struct nfv_yitem *it)
{
	const struct nfv_yschema *s = it->schema;
	char d[64], path[96], keys[160];
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	unsigned int k;

	memset(it->val, 0, sizeof(it->val));
	memset(it->m, 0, sizeof(*it->m));
	it->m->map = nfv_ymark(n);
	if (n->type != YAML_MAPPING_NODE) {
		nfv_yerror(ld, nfv_ymark(n), "%s: expected a mapping, got %s",
			   item_name(it), describe(n, d, sizeof(d)));
		return false;
	}
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		key = yaml_document_get_node(ld->doc, pair->key);
		if (key->type != YAML_SCALAR_NODE) {
			nfv_yerror(ld, nfv_ymark(key),
				   "%s: expected a string key, got %s",
				   item_name(it), describe(key, d, sizeof(d)));
			continue;
		}
		for (k = 0; k < s->n; k++)
			if (strcmp(s->keys[k], (char *)key->data.scalar.value) == 0)
				break;
		if (k == s->n) {
			expected_keys(s, keys, sizeof(keys));
			nfv_yerror(ld, nfv_ymark(key),
				   "%s%s%.40s: unknown key; expected one of %s",
				   it->path, it->path[0] ? "." : "",
				   (char *)key->data.scalar.value, keys);
			continue;
		}
		if (it->val[k] != NULL) {
			nfv_yerror(ld, nfv_ymark(key),
				   "%s: duplicate key; first at %u:%u",
				   nfv_ypath(it, k, path, sizeof(path)),
				   it->m->key[k].line, it->m->key[k].column);
			continue;
		}
		it->val[k] = yaml_document_get_node(ld->doc, pair->value);
		it->m->key[k] = nfv_ymark(key);
		it->m->val[k] = nfv_ymark(it->val[k]);
	}
	for (k = 0; k < s->n; k++)
		if ((s->required >> k & 1u) && it->val[k] == NULL)
			nfv_yerror(ld, it->m->map,
				   "%s: missing required key \"%s\"",
				   item_name(it), s->keys[k]);
	return true;
}

const char *nfv_yget_scalar(struct nfv_ploader *ld, struct nfv_yitem *it,
			    unsigned int k, const char *what)
{
	yaml_node_t *n = it->val[k];
	char d[64], path[96];

	if (n == NULL)
		return NULL;
	if (n->type != YAML_SCALAR_NODE || nfv_yis_null(n)) {
		nfv_yerror(ld, nfv_ymark(n), "%s: expected %s, got %s",
			   nfv_ypath(it, k, path, sizeof(path)), what,
			   describe(n, d, sizeof(d)));
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

/* Decimal only: YAML's 010 is ten, C's is eight; better refuse both. */
static bool parse_int(const char *s, int64_t *v, bool *overflow)
{
	const char *d = s + (*s == '-' || *s == '+');
	char *end;

	*overflow = false;
	if (*d < '0' || *d > '9')
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (*end != '\0')
		return false;
	*overflow = errno == ERANGE;
	return true;
}

bool nfv_yis_int(const yaml_node_t *n)
{
	bool overflow;
	int64_t v;

	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       parse_int((const char *)n->data.scalar.value, &v, &overflow);
}

bool nfv_yget_int(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
		  int64_t min, int64_t max, int64_t *out)
{
	const char *s = nfv_yget_scalar(ld, it, k, "an integer");
	yaml_node_t *n = it->val[k];
	char d[64], path[96];
	bool overflow;
	int64_t v;

	if (s == NULL)
		return false;
	nfv_ypath(it, k, path, sizeof(path));
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !parse_int(s, &v, &overflow)) {
		nfv_yerror(ld, nfv_ymark(n), "%s: expected an integer, got %s",
			   path, describe(n, d, sizeof(d)));
		return false;
	}
	if (overflow || v < min || v > max) {
		nfv_yerror(ld, nfv_ymark(n), "%s: %.40s is out of range %lld..%lld",
			   path, s, (long long)min, (long long)max);
		return false;
	}
	*out = v;
	nfv_yok(it, k);
	return true;
}

bool nfv_yget_bool(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, bool *out)
{
	const char *s = nfv_yget_scalar(ld, it, k, "true or false");
	yaml_node_t *n = it->val[k];
	char d[64], path[96];

	if (s == NULL)
		return false;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
			*out = true;
			nfv_yok(it, k);
			return true;
		}
		if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
			*out = false;
			nfv_yok(it, k);
			return true;
		}
	}
	nfv_yerror(ld, nfv_ymark(n), "%s: expected true or false, got %s",
		   nfv_ypath(it, k, path, sizeof(path)), describe(n, d, sizeof(d)));
	return false;
}

bool nfv_yget_str(struct nfv_ploader *ld, struct nfv_yitem *it, unsigned int k,
		  char *out, size_t size)
{
	const char *s = nfv_yget_scalar(ld, it, k, "a string");
	char path[96];
	size_t len;

	if (s == NULL)
		return false;
	nfv_ypath(it, k, path, sizeof(path));
	len = strlen(s);
	if (len == 0) {
		nfv_yerror(ld, nfv_ymark(it->val[k]),
			   "%s: expected a non-empty string", path);
		return false;
	}
	if (len >= size) {
		nfv_yerror(ld, nfv_ymark(it->val[k]),
			   "%s: \"%.40s%s\" is too long; at most %zu characters",
			   path, s, len > 40 ? "..." : "", size - 1);
		return false;
	}
	memcpy(out, s, len + 1);
	nfv_yok(it, k);
	return true;
}

bool nfv_yget_enum(struct nfv_ploader *ld, struct nfv_yitem *it,
		   unsigned int k, const char *const *names, unsigned int n,
		   unsigned int *out)
{
	const char *s = nfv_yget_scalar(ld, it, k, "a string");
	char path[96], list[160];
	size_t off = 0;
	unsigned int i;

	if (s == NULL)
		return false;
	for (i = 0; i < n; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*out = i;
			nfv_yok(it, k);
			return true;
		}
	}
	for (i = 0; i < n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i ? ", " : "", names[i]);
	nfv_yerror(ld, nfv_ymark(it->val[k]), "%s: \"%.40s\" is not one of %s",
		   nfv_ypath(it, k, path, sizeof(path)), s, list);
	return false;
}

void *nfv_yread_seq(struct nfv_ploader *ld, yaml_node_t *n, const char *name,
		    enum nfv_section sec, const struct nfv_yschema *schema,
		    size_t sz, unsigned int *nb, nfv_yitem_fn fn)
{
	struct nfv_yitem it = { .schema = schema };
	unsigned int i, count;
	yaml_node_item_t *item;
	char d[64];
	void *arr;

	*nb = 0;
	if (n == NULL || nfv_yis_null(n))
		return NULL;
	if (n->type != YAML_SEQUENCE_NODE) {
		nfv_yerror(ld, nfv_ymark(n), "%s: expected a sequence, got %s",
			   name, describe(n, d, sizeof(d)));
		return NULL;
	}
	item = n->data.sequence.items.start;
	count = (unsigned int)(n->data.sequence.items.top - item);
	if (count == 0)
		return NULL;
	arr = calloc(count, sz);
	ld->marks[sec] = calloc(count, sizeof(struct nfv_ymarks));
	if (arr == NULL || ld->marks[sec] == NULL) {
		ld->err = -ENOMEM;
		free(arr);
		return NULL;
	}
	*nb = count;
	for (i = 0; i < count; i++) {
		it.m = &ld->marks[sec][i];
		snprintf(it.path, sizeof(it.path), "%s[%u]", name, i);
		if (nfv_ymap_read(ld, yaml_document_get_node(ld->doc, item[i]), &it))
			fn(ld, &it, (char *)arr + i * sz);
	}
	return arr;
}

/*
 * A policy may hold keys: what libyaml copied of it is wiped before
 * libyaml frees it. The parser's input buffers (raw and decoded) and the
 * tokens it still holds; then the document's scalars; events one by one.
 */
void nfv_ywipe_parser(yaml_parser_t *parser)
{
	yaml_token_t *t;

	if (parser->raw_buffer.start != NULL)
		explicit_bzero(parser->raw_buffer.start,
			       (size_t)(parser->raw_buffer.end - parser->raw_buffer.start));
	if (parser->buffer.start != NULL)
		explicit_bzero(parser->buffer.start,
			       (size_t)(parser->buffer.end - parser->buffer.start));
	for (t = parser->tokens.head; t != NULL && t < parser->tokens.tail; t++)
		if (t->type == YAML_SCALAR_TOKEN && t->data.scalar.value != NULL)
			explicit_bzero(t->data.scalar.value, t->data.scalar.length);
}

void nfv_ywipe_document(yaml_document_t *doc)
{
	yaml_node_t *n;

	for (n = doc->nodes.start; n != NULL && n < doc->nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE && n->data.scalar.value != NULL)
			explicit_bzero(n->data.scalar.value, n->data.scalar.length);
}

void nfv_ywipe_event(yaml_event_t *ev)
{
	if (ev->type == YAML_SCALAR_EVENT && ev->data.scalar.value != NULL)
		explicit_bzero(ev->data.scalar.value, ev->data.scalar.length);
}
