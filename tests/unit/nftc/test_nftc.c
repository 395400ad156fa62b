/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The nft compiler, the way the dataplane and nfvpnd use it: text in,
 * nf_tables netlink messages out (nfvpn-nftc, and the same code forked by
 * nfv_nftc_compile()), parsed into libnftnl objects by hooks/filter; nft's
 * errors with their position; the policy's errors at its nft value. Needs
 * nf_tables and root (a network namespace per compile, and a user that
 * has no CAP_SYS_ADMIN to become); no EAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which clashes otherwise */

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nfv_filter.h"
#include "nfv_nftc_compile.h"
#include "nfv_policy_filter.h"
#include "nfv_test.h"

static const char text[] =
	"table inet t {\n"
	"  set allow { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.0.2.7 }; }\n"
	"  chain filt {\n"
	"    type filter hook forward priority 0; policy drop;\n"
	"    ip saddr @allow counter accept\n"
	"    tcp dport { 22, 443 } accept\n"
	"    jump more\n"
	"  }\n"
	"  chain more { udp dport 53 accept; }\n"
	"}\n";

static const char bad[] =
	"table ip t {\n"
	"  chain c {\n"
	"    bogus\n"
	"  }\n"
	"}\n";

/* The message types in order; seq and port id zeroed. */
static unsigned int walk(const struct nfv_nftc_out *o, uint16_t *types, unsigned int max)
{
	const struct nlmsghdr *nlh;
	int left = (int)o->len;
	unsigned int n = 0;

	for (nlh = (const void *)o->msgs; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		CU_ASSERT(nlh->nlmsg_seq == 0 && nlh->nlmsg_pid == 0);
		if (n < max)
			types[n] = NFNL_MSG_TYPE(nlh->nlmsg_type);
		n++;
	}
	CU_ASSERT_EQUAL(left, 0);
	return n;
}

static unsigned int count_rules(const struct nfv_nft_objs *o, const char *chain)
{
	struct nftnl_rule_list_iter *it = nftnl_rule_list_iter_create(o->rules);
	struct nftnl_rule *r;
	unsigned int n = 0;

	while ((r = nftnl_rule_list_iter_next(it)) != NULL)
		n += strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), chain) == 0;
	nftnl_rule_list_iter_destroy(it);
	return n;
}

/* Text in, messages out, objects parsed: what the dataplane gets. */
static void test_text_to_objs(void)
{
	struct nfv_nftc_out out = { 0 };
	struct nfv_nft_objs o;
	struct nftnl_chain *c;
	struct nftnl_set *s;
	uint16_t types[32];
	unsigned int n;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(nfv_nftc_spawn(text, "t.nft", &out, err, sizeof(err)), 0);
	n = walk(&out, types, 32);
	/* a dump's order: table, chains, the set (anonymous ones too) and
	 * its elements, then the rules that use them */
	CU_ASSERT_FATAL(n >= 6 && n <= 32);
	CU_ASSERT_EQUAL(types[0], NFT_MSG_NEWTABLE);
	CU_ASSERT(types[1] == NFT_MSG_NEWCHAIN && types[2] == NFT_MSG_NEWCHAIN);
	CU_ASSERT_EQUAL(types[3], NFT_MSG_NEWSET);
	CU_ASSERT_EQUAL(types[n - 1], NFT_MSG_NEWRULE);
	for (unsigned int i = 1; i < n; i++)
		CU_ASSERT(types[i] != NFT_MSG_NEWSET || types[i - 1] != NFT_MSG_NEWRULE);

	CU_ASSERT_FATAL(nfv_nft_objs_init(&o) == 0);
	CU_ASSERT_EQUAL_FATAL(nfv_nft_objs_add_stream(&o, out.msgs, out.len, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(nftnl_table_list_is_empty(o.tables), 0);
	c = nftnl_chain_list_lookup_byname(o.chains, "filt");
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), NF_INET_FORWARD);
	CU_ASSERT_EQUAL(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_DROP);
	CU_ASSERT_EQUAL(count_rules(&o, "filt"), 3);
	CU_ASSERT_EQUAL(count_rules(&o, "more"), 1);
	s = nftnl_set_list_lookup_byname(o.sets, "allow");
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(nftnl_set_get_u32(s, NFTNL_SET_FLAGS) & NFT_SET_INTERVAL);
	nfv_nft_objs_fini(&o);

	/* a message cut short is an error, not a smaller ruleset */
	CU_ASSERT_FATAL(nfv_nft_objs_init(&o) == 0);
	CU_ASSERT_EQUAL(nfv_nft_objs_add_stream(&o, out.msgs, out.len - 3, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "trailing bytes"));
	nfv_nft_objs_fini(&o);
	nfv_nftc_out_fini(&out);
}

/* nfvpnd's way (a forked child) and the dataplane's give the same bytes. */
static void test_fork_same_bytes(void)
{
	struct nfv_nftc_out a = { 0 }, b = { 0 };
	char err[512];

	CU_ASSERT_EQUAL_FATAL(nfv_nftc_spawn(text, "t.nft", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(nfv_nftc_compile(text, "t.nft", &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.len, b.len);
	CU_ASSERT(a.len == b.len && memcmp(a.msgs, b.msgs, a.len) == 0);
	/* and an empty text, an empty ruleset */
	CU_ASSERT_EQUAL(nfv_nftc_compile("# nothing\n", "t.nft", &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(b.len, 0);
	nfv_nftc_out_fini(&a);
	nfv_nftc_out_fini(&b);
}

/* nft's own message: the name, line and column, the line, a caret. */
static void test_errors(void)
{
	struct nfv_nftc_out out = { 0 };
	char err[512];

	for (int fork = 0; fork < 2; fork++) {
		nfv_nftc_fn *fn = fork ? nfv_nftc_compile : nfv_nftc_spawn;

		CU_ASSERT_EQUAL(fn(bad, "rules.nft", &out, err, sizeof(err)), -EINVAL);
		CU_ASSERT_EQUAL(strncmp(err, "rules.nft:3:10-10: Error: syntax error", 38), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "\n    bogus\n         ^"));
		CU_ASSERT_EQUAL(out.len, 0);
		/* valid syntax that nf_tables refuses */
		CU_ASSERT_EQUAL(fn("add rule ip nosuch c accept\n", "r.nft", &out, err, sizeof(err)),
				-EINVAL);
		CU_ASSERT_EQUAL(strncmp(err, "r.nft:1:", 8), 0);
	}
	nfv_nftc_out_fini(&out);
}

static void test_no_compiler(void)
{
	struct nfv_nftc_out out = { 0 };
	char *saved = getenv(NFV_NFTC_ENV) ? strdup(getenv(NFV_NFTC_ENV)) : NULL;
	char err[512];

	setenv(NFV_NFTC_ENV, "/nonexistent/nfvpn-nftc", 1);
	CU_ASSERT_EQUAL(nfv_nftc_spawn(text, "t.nft", &out, err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "cannot run /nonexistent/nfvpn-nftc: No such file or "
			       "directory (set NFVPN_NFTC to its path)");
	if (saved != NULL)
		setenv(NFV_NFTC_ENV, saved, 1);
	else
		unsetenv(NFV_NFTC_ENV);
	free(saved);
}

/* Without CAP_SYS_ADMIN (nfvpnd under systemd, --check as a user): the
 * compiler's namespace is in a user namespace of its own; same bytes. */
static void test_unprivileged(void)
{
	struct nfv_nftc_out a = { 0 }, b = { 0 };
	char err[512];
	int status = -1;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(nfv_nftc_compile(text, "t.nft", &a, err, sizeof(err)), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(2);
		if (nfv_nftc_compile(text, "t.nft", &b, err, sizeof(err)) != 0) {
			fprintf(stderr, "as nobody: %s\n", err);
			_exit(1);
		}
		_exit(b.len == a.len && memcmp(a.msgs, b.msgs, a.len) == 0 ? 0 : 3);
	}
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	nfv_nftc_out_fini(&a);
}

static struct nfv_policy *policy(const char *nft)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	char *y;

	if (asprintf(&y, "ports:\n  - { name: p0, device: net_ring0 }\n"
		     "filter:\n  conntrack: false\n  nft: |\n%s", nft) < 0)
		return NULL;
	if (nfv_policy_parse("x.yaml", y, strlen(y), &p, &errs) < 0)
		nfv_policy_errors_print(stderr, "x.yaml", &errs);
	nfv_policy_errors_fini(&errs);
	free(y);
	return p;
}

/* A policy's text: compiled where it is, or refused at its nft value. */
static void test_policy(void)
{
	struct nfv_policy *ok = policy("    table ip t { chain c { accept; }; }\n");
	struct nfv_policy *ko = policy("    table ip t {\n      bogus\n    }\n");
	char err[1024];

	CU_ASSERT_FATAL(ok != NULL && ko != NULL);
	CU_ASSERT_EQUAL(nfv_policy_filter_compile(ok, nfv_nftc_spawn, err, sizeof(err)), 0);
	CU_ASSERT(ok->filter->compiled && ok->filter->nlmsgs.len > 0);
	CU_ASSERT_EQUAL(nfv_policy_filter_compile(ko, nfv_nftc_spawn, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(strncmp(err, "x.yaml:5:8: filter: filter.nft:2:", 33), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Error: syntax error"));
	CU_ASSERT_FALSE(ko->filter->compiled);
	nfv_policy_free(ok);
	nfv_policy_free(ko);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("nftc", NULL, NULL,
		{ "text to messages to objects", test_text_to_objs },
		{ "forked and spawned: the same bytes", test_fork_same_bytes },
		{ "nft's errors with their position", test_errors },
		{ "no compiler", test_no_compiler },
		{ "without CAP_SYS_ADMIN", test_unprivileged },
		{ "a policy's nft text", test_policy });
	return nfv_test_run();
}
