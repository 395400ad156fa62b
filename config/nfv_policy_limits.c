/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader's first pass: libyaml's events, counted before a document is
 * built. libyaml has no limit of its own: 100,000 nested flow sequences
 * cost its scanner minutes (each token looks at every open level), and
 * aliases let a few bytes stand for billions of nodes that the walk would
 * visit. Here the depth, the nodes (each alias counted as the nodes it
 * stands for) and the nodes reached through aliases are bounded, and the
 * pass stops at the first event past a limit, so its cost is bounded too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy_priv.h"

struct anchor {
	char *name;
	uint64_t nodes;		/* what an alias of it stands for */
};

struct anchors {
	struct anchor *v;
	uint32_t mask;
	uint32_t n;
};

struct level {
	uint64_t first;		/* the node count at its start */
	char *anchor;
};

static void anchors_free(struct anchors *t)
{
	for (uint32_t i = 0; t->v != NULL && i <= t->mask; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static struct anchor *anchor_slot(const struct anchors *t, const char *name)
{
	uint32_t i = (uint32_t)nfv_hash_str(0, name) & t->mask;

	while (t->v[i].name != NULL && strcmp(t->v[i].name, name) != 0)
		i = (i + 1) & t->mask;
	return &t->v[i];
}

static int anchors_grow(struct anchors *t)
{
	struct anchors nt = { .mask = t->mask ? t->mask * 2 + 1 : 63 };
	struct anchor *a;

	nt.v = calloc((size_t)nt.mask + 1, sizeof(*nt.v));
	if (nt.v == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; t->v != NULL && i <= t->mask; i++) {
		if (t->v[i].name == NULL)
			continue;
		a = anchor_slot(&nt, t->v[i].name);
		*a = t->v[i];
		nt.n++;
	}
	free(t->v);
	*t = nt;
	return 0;
}

/* An anchor defined (again: YAML lets the later one win) with its size. */
static int anchor_set(struct anchors *t, const char *name, uint64_t nodes)
{
	struct anchor *a;

	if (2 * (t->n + 1) > t->mask && anchors_grow(t) < 0)
		return -ENOMEM;
	a = anchor_slot(t, name);
	if (a->name == NULL) {
		a->name = strdup(name);
		if (a->name == NULL)
			return -ENOMEM;
		t->n++;
	}
	a->nodes = nodes;
	return 0;
}

static const char *event_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

struct scan {
	struct nfv_ploader *ld;
	struct anchors anchors;
	struct level stack[NFV_POLICY_DEPTH_MAX];
	unsigned int depth;
	uint64_t nodes, alias_nodes;
};

static struct nfv_mark ev_mark(const yaml_event_t *ev)
{
	struct nfv_mark m = {
		.line = (uint32_t)ev->start_mark.line + 1,
		.column = (uint32_t)ev->start_mark.column + 1,
	};

	return m;
}

/* One event; 1 to go on, 0 to stop (limit crossed, error recorded), -1 to leave it to the load. */
static int scan_event(struct scan *sc, const yaml_event_t *ev)
{
	struct nfv_ploader *ld = sc->ld;
	const char *anchor = event_anchor(ev);
	struct level *lv;
	struct anchor *a;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		anchors_free(&sc->anchors);	/* anchors are per document */
		return 1;
	case YAML_ALIAS_EVENT:
		if (sc->anchors.v == NULL)
			return -1;
		a = anchor_slot(&sc->anchors, (const char *)ev->data.alias.anchor);
		if (a->name == NULL)
			return -1;	/* undefined: libyaml says so */
		sc->nodes += a->nodes;
		sc->alias_nodes += a->nodes;
		if (sc->alias_nodes > NFV_POLICY_ALIAS_NODES_MAX) {
			nfv_yerror(ld, ev_mark(ev), "alias *%.40s: aliases expand to more than %u nodes (a limit of the loader)",
				   a->name, NFV_POLICY_ALIAS_NODES_MAX);
			return 0;
		}
		break;
	case YAML_SCALAR_EVENT:
		sc->nodes++;
		if (anchor != NULL && anchor_set(&sc->anchors, anchor, 1) < 0)
			goto err_nomem;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (sc->depth == NFV_POLICY_DEPTH_MAX) {
			nfv_yerror(ld, ev_mark(ev), "nesting deeper than %u levels of sequences and mappings (a limit of the loader)",
				   NFV_POLICY_DEPTH_MAX);
			return 0;
		}
		lv = &sc->stack[sc->depth++];
		lv->first = sc->nodes++;
		lv->anchor = NULL;
		if (anchor != NULL && (lv->anchor = strdup(anchor)) == NULL)
			goto err_nomem;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (sc->depth == 0)
			return -1;
		lv = &sc->stack[--sc->depth];
		if (lv->anchor != NULL) {
			int ret = anchor_set(&sc->anchors, lv->anchor, sc->nodes - lv->first);

			free(lv->anchor);
			lv->anchor = NULL;
			if (ret < 0)
				goto err_nomem;
		}
		return 1;
	default:
		return 1;
	}
	if (sc->nodes > NFV_POLICY_NODES_MAX) {
		nfv_yerror(ld, ev_mark(ev), "more than %u YAML nodes, aliases expanded (a limit of the loader)",
			   NFV_POLICY_NODES_MAX);
		return 0;
	}
	return 1;

err_nomem:
	ld->err = -ENOMEM;
	return 0;
}

bool nfv_policy_scan(struct nfv_ploader *ld, const char *buf, size_t len)
{
	struct scan *sc;
	yaml_parser_t parser;
	yaml_event_t ev;
	int go = 1;
	bool end;

	sc = calloc(1, sizeof(*sc));
	if (sc == NULL || !yaml_parser_initialize(&parser)) {
		free(sc);
		ld->err = -ENOMEM;
		return false;
	}
	sc->ld = ld;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (go > 0) {
		if (!yaml_parser_parse(&parser, &ev))
			break;	/* a syntax error: the load reports it */
		go = scan_event(sc, &ev);
		end = ev.type == YAML_STREAM_END_EVENT;
		nfv_ywipe_event(&ev);
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	nfv_ywipe_parser(&parser);
	yaml_parser_delete(&parser);
	while (sc->depth > 0)
		free(sc->stack[--sc->depth].anchor);
	anchors_free(&sc->anchors);
	free(sc);
	return go != 0;
}
