/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command table and its manual: `help` lists the commands, `help CMD`
 * prints a man-page-style page, and usage errors end with the synopsis.
 */
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"

const struct ctl_cmd ctl_cmds[] = {
	{ "help", "[COMMAND]", "show this list or the manual of a command",
	  "Without COMMAND, lists the commands and the global options. With a\n"
	  "command (or a group such as \"hook\"), prints its manual.",
	  "nfvpnctl help route add", ctl_help },
	{ "status", "", "version, policy, uptime and packet totals",
	  "Shows what the dataplane runs: its version, the policy file, the\n"
	  "generation (bumped on every applied change), its workers and ports,\n"
	  "packet totals over all ports and workers, and mempool usage.",
	  "nfvpnctl status", ctl_cmd_status },
	{ "ports", "", "ports with link state and counters",
	  "Lists the DPDK ports: name, DPDK port id, device, link, MTU, MAC, the\n"
	  "exception interface to the kernel, and their counters. PUNTED counts\n"
	  "packets sent to the kernel, FROM-KERNEL packets received from it.",
	  "nfvpnctl ports", ctl_cmd_ports },
	{ "routes", "", "the routing table",
	  "Lists routes: destination prefix, type (unicast, blackhole, connected\n"
	  "for the prefix of an address, local for an address of ours), gateway\n"
	  "and output port. \"-\" means none.",
	  "nfvpnctl routes", ctl_cmd_routes },
	{ "route", "", "the routing table (as routes)",
	  "The same as routes, as ip route lists without a subcommand; route list\n"
	  "and route show too.",
	  "nfvpnctl route", ctl_cmd_routes },
	{ "route add", "PREFIX [via ADDR] [port P] [blackhole]", "add a route",
	  "Adds a route to PREFIX (ADDR/LEN; a bare address is a host route;\n"
	  "\"default\" is 0.0.0.0/0, write ::/0 for IPv6). Host bits must be\n"
	  "clear. A unicast route needs a gateway (via ADDR, same family), an\n"
	  "output port (port P), or both; the port may be inferred from the\n"
	  "gateway. A blackhole route drops what it matches and takes neither.\n"
	  "A PREFIX that has a route is refused (exit 1): route replace changes it.",
	  "nfvpnctl route add 10.2.0.0/16 via 192.0.2.1 port p0", ctl_cmd_route_add },
	{ "route replace", "PREFIX [via ADDR] [port P] [blackhole]",
	  "add a route, or replace the route to PREFIX",
	  "Sets the route to PREFIX, whether there is one or not, in one step:\n"
	  "traffic to PREFIX is never without a route. Arguments as for route add,\n"
	  "which refuses a PREFIX that has a route.",
	  "nfvpnctl route replace 10.2.0.0/16 via 192.0.2.9", ctl_cmd_route_replace },
	{ "route del", "PREFIX", "delete a route",
	  "Deletes the route to PREFIX, written as for route add.",
	  "nfvpnctl route del 10.2.0.0/16", ctl_cmd_route_del },
	{ "neigh", "", "the neighbour (ARP and NDP) table",
	  "Lists neighbours: address, MAC, port, state as ip-neighbour(8) names\n"
	  "them, seconds since last confirmed, and packets held waiting for\n"
	  "resolution.",
	  "nfvpnctl neigh", ctl_cmd_neigh },
	{ "neigh add", "PORT ADDR MAC", "add a permanent neighbour",
	  "Adds a permanent neighbour ADDR with link-layer address MAC\n"
	  "(xx:xx:xx:xx:xx:xx, unicast) on PORT.",
	  "nfvpnctl neigh add p0 192.0.2.1 02:00:00:00:00:01", ctl_cmd_neigh_add },
	{ "neigh del", "PORT ADDR", "delete a neighbour",
	  "Deletes the neighbour ADDR of PORT.",
	  "nfvpnctl neigh del p0 192.0.2.1", ctl_cmd_neigh_del },
	{ "hooks", "", "hook entries with their counters",
	  "Lists the hook entries grouped by hook in pipeline order (PRE_ROUTING,\n"
	  "LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING), by priority within a hook.\n"
	  "A priority equal to one of netfilter's is shown by name: raw,\n"
	  "conntrack, mangle, dnat, filter, security, snat, first, last.\n"
	  "PACKETS went in; ACCEPTED, DROPPED, STOLEN and QUEUED are verdicts;\n"
	  "REPEATED counts REPEAT verdicts and REPEAT-LIMIT the packets that hit\n"
	  "the limit; CYCLES/PKT is the entry's mean cost in TSC cycles.",
	  "nfvpnctl hooks", ctl_cmd_hooks },
	{ "hook", "", "hook entries (as hooks)",
	  "The same as hooks; hook list and hook show too.",
	  "nfvpnctl hook", ctl_cmd_hooks },
	{ "hook add",
	  "NAME HOOK PRIORITY count|drop|repeat|queue Q [bypass] [proto P] [dport A[-B]]",
	  "add a built-in hook entry",
	  "Adds the built-in entry NAME (a letter, then letters, digits, '_' or\n"
	  "'-', at most 31) at HOOK (PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT,\n"
	  "POST_ROUTING, or nft's prerouting, input, forward, output, postrouting)\n"
	  "and PRIORITY: an integer, or one of raw, conntrack, mangle, dnat,\n"
	  "filter, security, snat, first, last, optionally with an offset as in\n"
	  "filter+10 or mangle-5.\n"
	  "The action applies to matching packets: count accepts them, drop\n"
	  "drops them, repeat asks for the entry to run again, and queue Q hands\n"
	  "them to queue Q (0..65535); bypass accepts them when the queue has no\n"
	  "listener or is full. proto P (tcp, udp, icmp, icmpv6, esp or 0..255)\n"
	  "and dport A or A-B (1..65535, needs proto tcp or udp) narrow the\n"
	  "match; without them every packet matches.",
	  "nfvpnctl hook add web-in PRE_ROUTING filter queue 3 proto tcp dport 80-443",
	  ctl_cmd_hook_add },
	{ "hook del", "NAME", "delete a hook entry",
	  "Deletes the hook entry NAME.",
	  "nfvpnctl hook del web-in", ctl_cmd_hook_del },
	{ "sa", "", "IPsec SAs with their counters",
	  "Lists the security associations: name, SPI, direction, mode (+natt\n"
	  "for UDP encapsulation), algorithm, outer addresses, packets and bytes\n"
	  "protected, ERRORS (replay, ICV, padding, next header, policy, NAT-T,\n"
	  "expired, sequence overflow, crypto, headroom; --json splits them) and\n"
	  "state: active, soft-expired (rekey now) or expired. Keys are never shown.",
	  "nfvpnctl sa", ctl_cmd_sa },
	{ "sa add", "FILE", "add the SAs and policies of a policy file",
	  "Loads FILE as a policy (same validation as the dataplane's, so it needs\n"
	  "ports too, and mode 0600 when it holds keys) and adds every SA, then\n"
	  "every policy, of its ipsec section to the running dataplane. Stops at\n"
	  "the first that fails (a name in use, an SPI and destination in use).",
	  "nfvpnctl sa add rekey.yaml", ctl_cmd_sa_add },
	{ "sa del", "NAME", "delete an SA",
	  "Deletes SA NAME; its keys are wiped after the grace period. Outbound\n"
	  "policies that name it drop their packets (esp-unknown-spi) until\n"
	  "replaced.",
	  "nfvpnctl sa del tun-out-1", ctl_cmd_sa_del },
	{ "sp", "", "IPsec security policies",
	  "Lists the security policies: name, direction, priority (lower first),\n"
	  "selectors, action (protect, bypass, discard) and the SA of protect.",
	  "nfvpnctl sp", ctl_cmd_sp },
	{ "sp del", "NAME", "delete a security policy",
	  "Deletes the security policy NAME.",
	  "nfvpnctl sp del out-0", ctl_cmd_sp_del },
	{ "stats", "[-a|--all]", "named counters that are not 0 (-a: all)",
	  "Lists the dataplane's named counters: totals, and one \"drop.<reason>\"\n"
	  "counter per drop reason, as counted since the last clear stats (since\n"
	  "the start before any). The table shows the counters that are not 0,\n"
	  "unless -a or --all; --json lists them all, for scripts. Gauges\n"
	  "(mempool.in_use, mgmt.clients) show their level.",
	  "nfvpnctl stats -a", ctl_cmd_stats },
	{ "clear stats", "", "start the counters of stats from 0",
	  "Records the counters' values now as the base of stats: the dataplane\n"
	  "subtracts it from what stats lists afterwards. The workers' counters,\n"
	  "the status totals, the metrics and telemetry are left as they are.",
	  "nfvpnctl clear stats", ctl_cmd_clear_stats },
	{ "queues", "", "packet queues and their counters",
	  "Lists the queues that hook entries hand packets to: size, verdict\n"
	  "timeout, default verdict (what a timeout does), bypass, listeners,\n"
	  "and counters: ENQUEUED, verdicts ACCEPTED and DROPPED, TIMEOUTS,\n"
	  "PENDING (waiting for a verdict), FULL, NO-LISTENER and BYPASSED.",
	  "nfvpnctl queues", ctl_cmd_queues },
	{ "queue", "", "packet queues (as queues)",
	  "The same as queues; queue list and queue show too.",
	  "nfvpnctl queue", ctl_cmd_queues },
	{ "queue listen",
	  "N [--accept-all|--drop-all|--accept-every K] [--count N] [--timeout S] [--delay S]",
	  "print the packets of queue N and answer them",
	  "Listens on queue N and prints one line per packet: its id, hook,\n"
	  "length and a decode of its IPv4/IPv6 and TCP/UDP/ICMP headers.\n"
	  "--accept-all and --drop-all answer every packet; --accept-every K\n"
	  "accepts the K-th, 2K-th, ... packets and drops the others. Without one\n"
	  "of these nothing is answered and packets get the queue's default\n"
	  "verdict when they time out. --count N stops after N packets,\n"
	  "--timeout S after S seconds (a decimal number); otherwise it runs\n"
	  "until interrupted. --delay S holds each answer S seconds, as a slow\n"
	  "listener would. With --json it prints one JSON object per line.",
	  "nfvpnctl queue listen 3 --accept-every 2 --count 3", ctl_cmd_queue_listen },
	{ "queue verdict", "N ID accept|drop", "answer one packet of queue N",
	  "Gives the verdict for the packet ID (as printed by queue listen) of\n"
	  "queue N.",
	  "nfvpnctl queue verdict 3 17 accept", ctl_cmd_queue_verdict },
	/* filter: ctl_filter.c */
	{ "ruleset", "[-a] [--netlink]", "the nftables ruleset with its counters",
	  "Lists the ruleset the dataplane runs, from the policy (filter.nft,\n"
	  "filter.file) or from the mirror of a kernel table, in nft's own words:\n"
	  "what nft list ruleset prints for the same objects, with each counter\n"
	  "statement showing the dataplane's packets and bytes (libnftables prints\n"
	  "it, through nfvpn-nftc --list, in a network namespace of its own:\n"
	  "root or user namespaces are needed).\n"
	  "  -a, --handle  each object's handle, as nft -a (those of nfvpnctl trace)\n"
	  "  --netlink     the tree of tables, sets, chains and rules, each rule as\n"
	  "                its expressions (nft --debug=netlink) with its counter\n"
	  "                and handle, without libnftables; --json gives this too",
	  "nfvpnctl ruleset", ctl_cmd_ruleset },
	{ "reset", "counters|quotas", "zero the named counters or quotas, as nft reset",
	  "Takes off the values of the ruleset's named counters (packets, bytes)\n"
	  "or quotas (bytes used) and prints them as they were, in nft's own\n"
	  "words, as nft reset counters and nft reset quotas do (what packets add\n"
	  "meanwhile is kept). Counters of rules are not named objects and stay.",
	  "nfvpnctl reset counters", ctl_cmd_reset },
	{ "filter", "", "where the ruleset comes from, loads, conntrack totals",
	  "Shows the source of the ruleset (policy or mirror) and its origin, the\n"
	  "number of rules, rulesets applied and refused with the last error,\n"
	  "log records received, and the connection tracker's totals.",
	  "nfvpnctl filter", ctl_cmd_filter },
	{ "conntrack", "", "list tracked connections",
	  "Lists connections as conntrack -L does: protocol, seconds left, TCP\n"
	  "state, original and reply tuples, [UNREPLIED], [ASSURED] and mark;\n"
	  "a connection the flowtable offloaded (flow add) shows [OFFLOAD] in\n"
	  "place of [ASSURED] and what the fast path forwarded, per direction:\n"
	  "offloaded=ORIG/REPLY bytes=ORIG/REPLY.",
	  "nfvpnctl conntrack", ctl_cmd_conntrack },
	{ "conntrack list", "", "list tracked connections",
	  "The same as conntrack.",
	  "nfvpnctl conntrack list", ctl_cmd_conntrack },
	{ "conntrack count", "", "number of tracked connections",
	  "Prints the number of connections; with --json also the maximum and the\n"
	  "new, invalid, related and table-full totals.",
	  "nfvpnctl conntrack count", ctl_cmd_conntrack_count },
	{ "conntrack flush", "", "delete every tracked connection",
	  "Deletes every connection, as conntrack -F does.",
	  "nfvpnctl conntrack flush", ctl_cmd_conntrack_flush },
	/* nfvpnd: ctl_daemon.c */
	{ "reload", "", "make nfvpnd apply its policy file again",
	  "Asks nfvpnd (over its socket, NFVPND_SOCKET or /run/nfvpn/nfvpnd.sock)\n"
	  "to load its policy file again and apply the difference to the\n"
	  "dataplane in one transaction, as SIGHUP does. Prints the changes and\n"
	  "the new generation; when anything fails (a bad policy, a change the\n"
	  "dataplane refuses) nothing changes and the errors are printed.",
	  "nfvpnctl reload", ctl_cmd_reload },
	{ "diff", "[FILE]", "what a reload with FILE would change",
	  "Asks nfvpnd what applying FILE (default: its policy file) would do:\n"
	  "one line per change, + added or replaced, - removed, ~ kernel stub,\n"
	  "and changes that need a dataplane restart. Changes nothing.",
	  "nfvpnctl diff /etc/nfvpn/policy.yaml", ctl_cmd_diff },
	{ "daemon", "", "nfvpnd's status",
	  "Policy file, dataplane connection, generation, reload counters.",
	  "nfvpnctl daemon", ctl_cmd_daemon },
	{ "events", "[--count N]", "follow the dataplane's events live",
	  "Prints events as they happen: SA soft and hard expiry, queue\n"
	  "overflows, neighbour resolution failures, new generations. Stops\n"
	  "after N events with --count, or at Ctrl-C. --json: one object a line.",
	  "nfvpnctl events", ctl_cmd_events },
	{ "steer", "", "the kernel stub's selectors and counters",
	  "Shows the target interface of nfvpn_stub.ko, its steering counters\n"
	  "and its selectors in order with their packets and bytes, as nfvpnd\n"
	  "programmed them from the policy's steer section.",
	  "nfvpnctl steer", ctl_cmd_steer },
	{ "trace", "N [src P] [dst P] [proto X] [dport N]", "the path of N packets through the hooks",
	  "Like nftrace: the dataplane marks the first N matching packets (N per\n"
	  "worker) and reports every hook entry each meets, with its hook,\n"
	  "priority and verdict (a drop with its reason), in order; a packet keeps\n"
	  "its id through every later hook. A traced packet that the dataplane\n"
	  "drops outside an entry (no route, MTU, a failed decryption after\n"
	  "STOLEN) gets a last line from \"dataplane\" with the reason. Untraced\n"
	  "packets pay one branch per burst. Ends after N packets, or after 60 s.\n"
	  "--json: one object a line.",
	  "nfvpnctl trace 5 dst 10.2.0.0/16 proto udp", ctl_cmd_trace },
	{ "capture",
	  "PORT [file PATH] [count N] [duration S] [filter EXPR] [snaplen N] [dry-run]",
	  "pcapng of a port, with dpdk-dumpcap",
	  "Runs dpdk-dumpcap (Debian package dpdk-dev; $NFVPN_DUMPCAP names another)\n"
	  "against the running dataplane on PORT, as the policy names it: what the\n"
	  "port receives and sends, as pcapng, into file PATH (default: a file\n"
	  "that dumpcap names), until count N packets, duration S seconds or\n"
	  "Ctrl-C; filter EXPR is a pcap-filter(7) expression, snaplen N the bytes\n"
	  "kept of each packet. nfvpnctl asks the dataplane for its --file-prefix\n"
	  "and the port's DPDK id; dry-run prints the dumpcap command instead of\n"
	  "running it. The dataplane must run with hugepages and without\n"
	  "--huge-unlink or --in-memory (dumpcap attaches to its memory); as root.\n"
	  "Exit status 1: no such port, nothing can attach, or dumpcap failed.",
	  "nfvpnctl capture wan file /tmp/wan.pcapng count 100 filter esp", ctl_cmd_capture },
};

const unsigned int ctl_nb_cmds = sizeof(ctl_cmds) / sizeof(ctl_cmds[0]);

void ctl_print_usage(struct ctl *ctl, const struct ctl_cmd *cmd)
{
	fprintf(ctl->err, "usage: nfvpnctl %s%s%s\n", cmd->name,
		cmd->args[0] ? " " : "", cmd->args);
}

static void print_indented(FILE *f, const char *text)
{
	const char *nl;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		fprintf(f, "    %.*s\n", (int)(nl - text), text);
		text = *nl ? nl + 1 : nl;
	}
}

static void print_page(FILE *f, const struct ctl_cmd *cmd)
{
	fprintf(f, "NAME\n    nfvpnctl %s - %s\n\n", cmd->name, cmd->summary);
	fprintf(f, "SYNOPSIS\n    nfvpnctl [--json] [--socket PATH] %s%s%s\n\n",
		cmd->name, cmd->args[0] ? " " : "", cmd->args);
	fputs("DESCRIPTION\n", f);
	print_indented(f, cmd->text);
	fprintf(f, "\nEXAMPLE\n    %s\n", cmd->example);
}

static void print_list(FILE *f)
{
	unsigned int i;

	fputs("usage: nfvpnctl [--json] [--socket PATH] COMMAND [ARGS]\n\n"
	      "Commands:\n", f);
	for (i = 0; i < ctl_nb_cmds; i++)
		fprintf(f, "  %-15s %s\n", ctl_cmds[i].name, ctl_cmds[i].summary);
	fputs("\nOptions:\n"
	      "  -j, --json         print JSON for scripts instead of tables\n"
	      "  -s, --socket PATH  the dataplane's socket (default $NFVPN_SOCKET, else\n"
	      "                     " NFV_MSG_SOCKET_DEFAULT ")\n"
	      "  --version          print nfvpnctl's version (status: the dataplane's)\n"
	      "\nExit status: 0 done, 1 the request failed (or diff: the reload\n"
	      "would fail), 2 the command line is wrong, 3 cannot connect.\n"
	      "Run \"nfvpnctl help COMMAND\" for a command's manual.\n", f);
}

static void cmd_json(struct ctl_json *j, const struct ctl_cmd *cmd, bool page)
{
	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "name", cmd->name);
	ctl_json_str(j, "args", cmd->args);
	ctl_json_str(j, "summary", cmd->summary);
	if (page) {
		ctl_json_str(j, "description", cmd->text);
		ctl_json_str(j, "example", cmd->example);
	}
	ctl_json_obj_end(j);
}

/* help --json: {"commands": [...]}, each with its page when one was asked. */
static int help_json(struct ctl *ctl, const char *name)
{
	size_t len = name ? strlen(name) : 0;
	unsigned int i, found = 0;
	struct ctl_json j;

	for (i = 0; name != NULL && i < ctl_nb_cmds; i++)
		found += strcmp(ctl_cmds[i].name, name) == 0 ||
			 (strncmp(ctl_cmds[i].name, name, len) == 0 && ctl_cmds[i].name[len] == ' ');
	if (name != NULL && found == 0)
		return ctl_usage(ctl, "no command \"%s\"", name);
	ctl_json_init(&j, ctl->out, true);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_arr_begin(&j, "commands");
	for (i = 0; i < ctl_nb_cmds; i++)
		if (name == NULL || strcmp(ctl_cmds[i].name, name) == 0 ||
		    (strncmp(ctl_cmds[i].name, name, len) == 0 && ctl_cmds[i].name[len] == ' '))
			cmd_json(&j, &ctl_cmds[i], name != NULL);
	ctl_json_arr_end(&j);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
	return 0;
}

int ctl_help(struct ctl *ctl, int argc, char **argv)
{
	char name[64];
	size_t len;
	unsigned int i, found = 0;

	if (argc == 0 && ctl->json)
		return help_json(ctl, NULL);
	if (argc == 0) {
		print_list(ctl->out);
		return 0;
	}
	if (argc > 2)
		return ctl_usage(ctl, "unexpected argument \"%s\"", argv[2]);
	snprintf(name, sizeof(name), "%s%s%s", argv[0], argc > 1 ? " " : "",
		 argc > 1 ? argv[1] : "");
	if (ctl->json)
		return help_json(ctl, name);
	len = strlen(name);
	/* An exact name, or every command of a group ("hook"). */
	for (i = 0; i < ctl_nb_cmds; i++) {
		if (strcmp(ctl_cmds[i].name, name) == 0 ||
		    (strncmp(ctl_cmds[i].name, name, len) == 0 &&
		     ctl_cmds[i].name[len] == ' ')) {
			if (found++)
				fputc('\n', ctl->out);
			print_page(ctl->out, &ctl_cmds[i]);
		}
	}
	if (found == 0)
		return ctl_usage(ctl, "no command \"%s\"", name);
	return 0;
}
