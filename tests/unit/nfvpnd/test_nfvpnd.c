/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd without a dataplane: the plans of policy differences (order,
 * requests, undo requests) and the steer section as the kernel stub's
 * selectors, checked against the text form nfvpn-steer parses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy_diff.h"
#include "nfv_policy_filter.h"
#include "nfv_policy_ipsec.h"
#include "nfv_policy_steer.h"
#include "nfv_steer.h"
#include "nfv_test.h"
#include "nfvpnd_steer.h"

static const char base[] =
	"ports:\n"
	"  - { name: p0, device: net_ring0 }\n"
	"  - { name: p1, device: net_ring1 }\n"
	"addresses:\n"
	"  - { port: p0, address: 10.0.0.1/24 }\n"
	"  - { port: p1, address: 10.1.0.1/24 }\n";

static struct nfv_policy *load(const char *tail)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	char *y;
	int ret;

	if (asprintf(&y, "%s%s", base, tail) < 0)
		return NULL;
	ret = nfv_policy_parse("t.yaml", y, strlen(y), &p, &errs);
	if (ret < 0)
		nfv_policy_errors_print(stderr, "t.yaml", &errs);
	nfv_policy_errors_fini(&errs);
	free(y);
	return p;
}

static void test_no_change(void)
{
	struct nfv_policy *a = load("routes:\n  - { dst: 10.2.0.0/16, via: 10.1.0.2 }\n");
	struct nfv_plan plan = { 0 };

	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(nfv_policy_diff(a, NULL, a, &plan), 0);
	CU_ASSERT_EQUAL(plan.n, 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 0);
	CU_ASSERT_FALSE(plan.steer_changed);
	nfv_plan_fini(&plan);
	nfv_policy_free(a);
}

/* Additions before replacements before removals; each with its undo. */
static void test_routes_hooks_neigh(void)
{
	struct nfv_policy *a = load(
		"neighbours:\n  - { port: p1, address: 10.1.0.9, mac: \"02:00:00:00:00:09\" }\n"
		"routes:\n  - { dst: 10.2.0.0/16, via: 10.1.0.2 }\n  - { dst: 10.3.0.0/16, via: 10.1.0.2 }\n"
		"hooks:\n  - { name: keep, hook: FORWARD, action: count }\n"
		"  - { name: chg, hook: FORWARD, action: count }\n"
		"  - { name: gone, hook: LOCAL_IN, action: drop }\n");
	struct nfv_policy *b = load(
		"neighbours:\n  - { port: p1, address: 10.1.0.8, mac: \"02:00:00:00:00:08\" }\n"
		"routes:\n  - { dst: 10.2.0.0/16, via: 10.1.0.3 }\n  - { dst: 10.4.0.0/16, type: blackhole }\n"
		"hooks:\n  - { name: keep, hook: FORWARD, action: count }\n"
		"  - { name: chg, hook: FORWARD, priority: 10, action: count }\n");
	struct nfv_plan plan = { 0 };
	const struct nfv_plan_op *op;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	CU_ASSERT_EQUAL_FATAL(nfv_policy_diff(a, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 0);
	CU_ASSERT_EQUAL_FATAL(plan.n, 8);
	/* neighbour add first, its undo deletes it */
	op = &plan.ops[0];
	CU_ASSERT_EQUAL(op->req.type, NFV_MSG_NEIGH_ADD);
	CU_ASSERT_EQUAL_FATAL(op->nb_undo, 1);
	CU_ASSERT_EQUAL(op->undo[0].type, NFV_MSG_NEIGH_DEL);
	/* route replace (one request: never without a route), undo restores the old */
	op = &plan.ops[1];
	CU_ASSERT_EQUAL(op->req.type, NFV_MSG_ROUTE_REPLACE);
	CU_ASSERT_STRING_EQUAL(op->what, "route replace 10.2.0.0/16 via 10.1.0.3 port p1");
	CU_ASSERT_EQUAL(op->undo[0].type, NFV_MSG_ROUTE_REPLACE);
	CU_ASSERT_EQUAL(((struct nfv_policy_route *)op->undo[0].payload)->via.bytes[3], 2);
	op = &plan.ops[2];
	CU_ASSERT_EQUAL(op->req.type, NFV_MSG_ROUTE_ADD);
	CU_ASSERT_STRING_EQUAL(op->what, "route add 10.4.0.0/16 blackhole");
	CU_ASSERT_EQUAL(op->undo[0].type, NFV_MSG_ROUTE_DEL);
	/* a changed entry: del then add, each undoable */
	CU_ASSERT_EQUAL(plan.ops[3].req.type, NFV_MSG_HOOK_DEL);
	CU_ASSERT_EQUAL(plan.ops[3].undo[0].type, NFV_MSG_HOOK_ADD);
	CU_ASSERT_EQUAL(((struct nfv_policy_hook *)plan.ops[3].undo[0].payload)->priority, 0);
	CU_ASSERT_EQUAL(plan.ops[4].req.type, NFV_MSG_HOOK_ADD);
	CU_ASSERT_EQUAL(((struct nfv_policy_hook *)plan.ops[4].req.payload)->priority, 10);
	CU_ASSERT_STRING_EQUAL(plan.ops[5].what, "hook del gone LOCAL_IN priority 0 drop");
	CU_ASSERT_EQUAL(plan.ops[6].req.type, NFV_MSG_ROUTE_DEL);
	CU_ASSERT_EQUAL(plan.ops[6].undo[0].type, NFV_MSG_ROUTE_ADD);
	CU_ASSERT_EQUAL(plan.ops[7].req.type, NFV_MSG_NEIGH_DEL);
	CU_ASSERT_EQUAL(plan.ops[7].undo[0].type, NFV_MSG_NEIGH_ADD);
	for (unsigned int i = 1; i < plan.n; i++)
		CU_ASSERT(plan.ops[i - 1].stage <= plan.ops[i].stage);
	nfv_plan_fini(&plan);
	nfv_policy_free(a);
	nfv_policy_free(b);
}

static void test_fixed_refused(void)
{
	struct nfv_policy *a = load("queues:\n  - { num: 1 }\n");
	struct nfv_policy *b = load("queues:\n  - { num: 1, size: 512 }\n");
	struct nfv_plan plan = { 0 };

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	b->ports[1].mtu = 9000;
	CU_ASSERT_EQUAL(nfv_policy_diff(a, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(plan.refused, "port p1: device or mtu changed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(plan.refused, "queue 1: changed"));
	nfv_plan_fini(&plan);
	nfv_policy_free(a);
	nfv_policy_free(b);
}

static const char steer_yaml[] =
	"steer:\n"
	"  target: nfv0\n"
	"  lladdr: \"02:00:00:00:00:10\"\n"
	"  selectors:\n"
	"    - { id: 1, dst: 10.99.0.77/32, action: pass }\n"
	"    - { id: 2, dst: 10.99.0.0/24, proto: udp, dport: 5000-5010 }\n"
	"    - { id: 3, dst: \"fd99::/64\", hook: out }\n"
	"    - { id: 4, src: 192.0.2.0/24, iif: lo, hook: pre, sport: 1024-65535, proto: tcp }\n"
	"    - { id: 5, family: inet, fwmark: 0x10/0xf0 }\n"
	"    - { id: 6, family: inet6, proto: 58, fwmark: 7 }\n";

/* The text nfvpn-steer would be given for the same selector. */
static const char *const steer_text[] = {
	"id 1 dst 10.99.0.77/32 action pass",
	"id 2 dst 10.99.0.0/24 proto udp dport 5000-5010",
	"id 3 dst fd99::/64 hook out",
	"id 4 src 192.0.2.0/24 iif lo hook pre sport 1024-65535 proto tcp",
	"id 5 family inet mark 0x10/0xf0",
	"id 6 family inet6 proto 58 mark 7",
};

static void test_steer_translation(void)
{
	struct nfv_policy *p = load(steer_yaml);
	char err[128], words[256], *argv[32];

	CU_ASSERT_FATAL(p != NULL && p->steer != NULL);
	CU_ASSERT_STRING_EQUAL(p->steer->target, "nfv0");
	CU_ASSERT_TRUE(p->steer->has_lladdr);
	CU_ASSERT_EQUAL_FATAL(p->steer->nb_sels, 6);
	for (unsigned int i = 0; i < 6; i++) {
		struct nfv_steer_sel got, want;
		int argc = 0;

		memset(&got, 0xa5, sizeof(got));
		CU_ASSERT_EQUAL_FATAL(nfvpnd_steer_sel(&p->steer->sels[i], &got), 0);
		snprintf(words, sizeof(words), "%s", steer_text[i]);
		for (char *w = strtok(words, " "); w != NULL && argc < 32; w = strtok(NULL, " "))
			argv[argc++] = w;
		CU_ASSERT_EQUAL_FATAL(nfv_steer_sel_parse(&want, argc, argv, err, sizeof(err)), 0);
		got.packets = got.bytes = want.packets = want.bytes = 0;
		if (memcmp(&got, &want, sizeof(got)) != 0) {
			char a[256], b[256];

			nfv_steer_sel_format(&got, a, sizeof(a));
			nfv_steer_sel_format(&want, b, sizeof(b));
			fprintf(stderr, "selector %u:\n  policy: %s\n  steer:  %s\n", i, a, b);
		}
		CU_ASSERT_EQUAL(memcmp(&got, &want, sizeof(got)), 0);
	}
	CU_ASSERT_EQUAL(p->steer->sels[3].iif[0], 'l');
	nfv_policy_free(p);
}

static void test_steer_missing_iif(void)
{
	struct nfv_policy *p = load("steer:\n  target: nfv0\n  selectors:\n"
				    "    - { id: 1, family: inet, iif: nfvnosuch0 }\n");
	struct nfv_steer_sel s;

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(nfvpnd_steer_sel(&p->steer->sels[0], &s), -ENODEV);
	nfv_policy_free(p);
}

static void test_steer_diff(void)
{
	struct nfv_policy *a = load(steer_yaml), *b = load(steer_yaml), *c;
	struct nfv_plan plan = { 0 };

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	CU_ASSERT_EQUAL(nfv_policy_diff(a, a, b, &plan), 0);
	CU_ASSERT_FALSE(plan.steer_changed);
	nfv_plan_fini(&plan);
	b->steer->sels[1].dport_max = 5011;
	CU_ASSERT_EQUAL(nfv_policy_diff(a, a, b, &plan), 0);
	CU_ASSERT_TRUE(plan.steer_changed);
	CU_ASSERT_EQUAL(plan.n, 0);
	nfv_plan_fini(&plan);
	c = load("");
	CU_ASSERT_EQUAL(nfv_policy_diff(c, a, c, &plan), 0);
	CU_ASSERT_TRUE(plan.steer_changed);
	nfv_plan_fini(&plan);
	nfv_policy_free(a);
	nfv_policy_free(b);
	nfv_policy_free(c);
}

#define KEY "\"000102030405060708090a0b0c0d0e0f\", salt: \"01020304\""
#define SA(name, spi, dir, src, dst, key) \
	"    - { name: " name ", spi: " spi ", direction: " dir ", src: " src \
	", dst: " dst ", algorithm: aes-gcm-128, key: " key ", reqid: 7 }\n"
#define SP(name, dir, src, dst, sa) \
	"    - { name: " name ", direction: " dir ", src: " src ", dst: " dst \
	", action: protect, sa: " sa " }\n"

static struct nfv_policy *ipsec_policy(const char *in_sa, const char *in_spi,
				       const char *out_sa, const char *out_spi)
{
	char *y;
	struct nfv_policy *p;

	if (asprintf(&y, "ipsec:\n  sas:\n"
		     SA("%s", "%s", "in", "10.0.0.2", "10.0.0.1", KEY)
		     SA("%s", "%s", "out", "10.1.0.1", "10.1.0.9", KEY)
		     "  policies:\n"
		     SP("sp-in", "in", "10.0.0.0/24", "10.2.0.0/16", "%s")
		     SP("sp-out", "out", "10.0.0.0/24", "10.2.0.0/16", "%s"),
		     in_sa, in_spi, out_sa, out_spi, in_sa, out_sa) < 0)
		return NULL;
	p = load(y);
	free(y);
	return p;
}

static const struct nfv_plan_op *find_op(const struct nfv_plan *plan, const char *what,
					 unsigned int *at)
{
	for (unsigned int i = 0; i < plan->n; i++)
		if (strncmp(plan->ops[i].what, what, strlen(what)) == 0) {
			*at = i;
			return &plan->ops[i];
		}
	return NULL;
}

/*
 * A rekey of both directions: new SAs first, each policy swapped so that
 * one always matches, old SAs last; the old inbound SA waits for its grace
 * period, the outbound one does not.
 */
static void test_ipsec_rekey(void)
{
	struct nfv_policy *a = ipsec_policy("in-1", "0x1001", "out-1", "0x2001");
	struct nfv_policy *b = ipsec_policy("in-2", "0x1002", "out-2", "0x2002");
	static const char *const order[] = {
		"sa add in-2", "sa add out-2", "sp add sp-in~", "sp del sp-in (swap 2/4)",
		"sp add sp-in in sa in-2 (swap 3/4)", "sp del sp-in~", "sp add sp-out~",
		"sp del sp-out (swap 2/4)", "sp add sp-out out sa out-2 (swap 3/4)", "sp del sp-out~",
		"sa del in-1", "sa del out-1",
	};
	const struct nfv_plan_op *op;
	struct nfv_plan plan = { 0 };
	const struct nfv_msg_ipsec_sp_add *spa;
	unsigned int at;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	CU_ASSERT_EQUAL_FATAL(nfv_policy_diff(a, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 0);
	CU_ASSERT_EQUAL_FATAL(plan.n, (sizeof(order) / sizeof(order[0])));
	for (unsigned int i = 0; i < plan.n; i++) {
		if (strncmp(plan.ops[i].what, order[i], strlen(order[i])) != 0)
			fprintf(stderr, "op %u: %s, expected %s\n", i, plan.ops[i].what, order[i]);
		CU_ASSERT_EQUAL(strncmp(plan.ops[i].what, order[i], strlen(order[i])), 0);
	}
	/* the SA add carries the keys; its undo deletes it */
	op = find_op(&plan, "sa add in-2", &at);
	CU_ASSERT_FATAL(op != NULL);
	CU_ASSERT_EQUAL(op->req.type, NFV_MSG_IPSEC_SA_ADD);
	CU_ASSERT_EQUAL(((const struct nfv_policy_sa *)op->req.payload)->key_len, 20);
	CU_ASSERT_EQUAL(op->nb_undo, 1);
	CU_ASSERT_EQUAL(op->undo[0].type, NFV_MSG_IPSEC_SA_DEL);
	/* swap step 1 names the new SA; step 2's undo brings back the old one */
	op = find_op(&plan, "sp add sp-out~", &at);
	spa = op->req.payload;
	CU_ASSERT_STRING_EQUAL(spa->sa, "out-2");
	CU_ASSERT_STRING_EQUAL(spa->sp.name, "sp-out~");
	op = find_op(&plan, "sp del sp-out (swap 2/4)", &at);
	CU_ASSERT_EQUAL_FATAL(op->nb_undo, 1);
	spa = op->undo[0].payload;
	CU_ASSERT_EQUAL(op->undo[0].type, NFV_MSG_IPSEC_SP_ADD);
	CU_ASSERT_STRING_EQUAL(spa->sa, "out-1");
	/* grace for the inbound SA only; both can be added back */
	op = find_op(&plan, "sa del in-1", &at);
	CU_ASSERT_TRUE(op->flags & NFV_PLAN_F_GRACE);
	CU_ASSERT_EQUAL(op->undo[0].type, NFV_MSG_IPSEC_SA_ADD);
	op = find_op(&plan, "sa del out-1", &at);
	CU_ASSERT_FALSE(op->flags & NFV_PLAN_F_GRACE);
	CU_ASSERT_EQUAL(op->nb_undo, 1);
	/* nfvpnd holds the inbound one back: the plan without it */
	nfv_plan_drop(&plan, plan.n - 2);
	CU_ASSERT_EQUAL(plan.n, (sizeof(order) / sizeof(order[0])) - 1);
	CU_ASSERT_EQUAL(strncmp(plan.ops[plan.n - 1].what, "sa del out-1", 12), 0);
	nfv_plan_fini(&plan);
	/* nothing changed: nothing to do */
	CU_ASSERT_EQUAL(nfv_policy_diff(b, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.n, 0);
	nfv_plan_fini(&plan);
	nfv_policy_free(a);
	nfv_policy_free(b);
}

/* Same name, other SPI (or keys): refused, a rekey needs a new SA. */
static void test_ipsec_in_place(void)
{
	struct nfv_policy *a = ipsec_policy("in-1", "0x1001", "out-1", "0x2001");
	struct nfv_policy *b = ipsec_policy("in-1", "0x1001", "out-1", "0x2009");
	struct nfv_plan plan = { 0 };

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	CU_ASSERT_EQUAL(nfv_policy_diff(a, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(plan.refused, "sa out-1: changed in place"));
	nfv_plan_fini(&plan);
	/* a read-back SA has no keys: it equals the policy's */
	b->ipsec->sas[1].spi = 0x2001;
	a->ipsec->sas[1].key_len = 0;
	CU_ASSERT_EQUAL(nfv_policy_diff(a, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 0);
	CU_ASSERT_EQUAL(plan.n, 0);
	nfv_plan_fini(&plan);
	/* but a known, different key is a change */
	a->ipsec->sas[1].key_len = b->ipsec->sas[1].key_len;
	a->ipsec->sas[1].key[0] ^= 1;
	CU_ASSERT_EQUAL(nfv_policy_diff(a, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 1);
	nfv_plan_fini(&plan);
	nfv_policy_free(a);
	nfv_policy_free(b);
}

/* A stand-in for the compiler: "nl:" and the text, or nft's refusal. */
static int fake_compile(const char *text, const char *name, struct nfv_nftc_out *out,
			char *err, size_t errlen)
{
	if (strstr(text, "bogus") != NULL) {
		snprintf(err, errlen, "%s:2:3-7: Error: syntax error", name);
		return -EINVAL;
	}
	free(out->msgs);
	if (asprintf((char **)&out->msgs, "nl:%s", text) < 0)
		return -ENOMEM;
	out->len = out->cap = strlen((char *)out->msgs);
	return 0;
}

static struct nfv_policy *filter_policy(const char *nft)
{
	char *y;
	struct nfv_policy *p;

	if (asprintf(&y, "filter:\n  nft: |\n    %s\n", nft) < 0)
		return NULL;
	p = load(y);
	free(y);
	return p;
}

/* The ruleset goes compiled; its undo is the previous text's ruleset. */
static void test_filter_load(void)
{
	struct nfv_policy *a = filter_policy("table ip a { }");
	struct nfv_policy *b = filter_policy("table ip b { }");
	struct nfv_policy *c = filter_policy("table ip bogus { }");
	struct nfv_plan plan = { 0 };
	const struct nfv_plan_op *op;
	char err[256];

	CU_ASSERT_FATAL(a != NULL && b != NULL && c != NULL);
	/* not compiled: refused, nothing sent */
	CU_ASSERT_EQUAL(nfv_policy_diff(a, a, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 1);
	CU_ASSERT_EQUAL(plan.n, 0);
	nfv_plan_fini(&plan);
	CU_ASSERT_EQUAL(nfv_policy_filter_compile(a, fake_compile, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(nfv_policy_filter_compile(b, fake_compile, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(nfv_policy_diff(a, a, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.nb_refused, 0);
	CU_ASSERT_EQUAL_FATAL(plan.n, 1);
	op = &plan.ops[0];
	CU_ASSERT_EQUAL(op->req.type, NFV_MSG_FILTER_LOAD_COMMIT);
	CU_ASSERT(op->req.len == b->filter->nlmsgs.len &&
		  memcmp(op->req.payload, "nl:table ip b { }", op->req.len - 1) == 0);
	CU_ASSERT_EQUAL_FATAL(op->nb_undo, 1);
	CU_ASSERT_EQUAL(op->undo[0].type, NFV_MSG_FILTER_LOAD_COMMIT);
	CU_ASSERT(memcmp(op->undo[0].payload, "nl:table ip a { }", op->undo[0].len - 1) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(op->what, "filter load filter.nft"));
	nfv_plan_fini(&plan);
	/* the same text: nothing */
	CU_ASSERT_EQUAL(nfv_policy_diff(b, b, b, &plan), 0);
	CU_ASSERT_EQUAL(plan.n, 0);
	nfv_plan_fini(&plan);
	/* what runs, read back, has no text: the first load has no undo */
	free(a->filter->nft);
	a->filter->nft = NULL;
	CU_ASSERT_EQUAL(nfv_policy_diff(a, NULL, b, &plan), 0);
	CU_ASSERT_EQUAL_FATAL(plan.n, 1);
	CU_ASSERT_EQUAL(plan.ops[0].nb_undo, 0);
	nfv_plan_fini(&plan);
	/* nft's refusal, at the nft value of the policy */
	CU_ASSERT_EQUAL(nfv_policy_filter_compile(c, fake_compile, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "t.yaml:8:8: filter: filter.nft:2:3-7: Error: syntax error");
	CU_ASSERT_FALSE(c->filter->compiled);
	nfv_policy_free(a);
	nfv_policy_free(b);
	nfv_policy_free(c);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("nfvpnd", NULL, NULL,
		{ "no change, no operation", test_no_change },
		{ "routes, hooks, neighbours: order and undo", test_routes_hooks_neigh },
		{ "ports and queues are refused", test_fixed_refused },
		{ "steer: policy to selectors = nfvpn-steer's text", test_steer_translation },
		{ "steer: missing input interface", test_steer_missing_iif },
		{ "steer: changes", test_steer_diff },
		{ "ipsec: rekey, make before break", test_ipsec_rekey },
		{ "ipsec: SAs never change in place", test_ipsec_in_place },
		{ "filter: compiled rulesets and their undo", test_filter_load });
	return nfv_test_run();
}
