#!/usr/bin/env bash
# The run of install_lib.sh's inst_run, inside the dataplane's network
# namespace and a mount namespace of its own:
#   install_run.sh ROOT UNITDIR BINDIR WORK CLIENT [charon]
#   (environment: INST_NS_IN, INST_NS_OUT: two more network namespaces;
#   INST_PREFIX: the dataplane's --file-prefix; INST_CAPTURE: 1 to capture)
# ROOT's usr and etc are laid over the host's (read-only overlays), /run is
# a fresh tmpfs, so the units' command lines run as they are written:
# their programs, policy, EAL options file and sockets where an installed
# system has them.
#
#   unit_run.py nfvpn-dataplane.service --READY=1--> unit_run.py nfvpnd.service
#   nfvpnctl status / daemon, the client of libnfvpn-client
#   README's first run with firewall.yaml:
#     INST_NS_IN 192.168.10.2 fw-inside -- p0 [dataplane] p1 -- fw-outside 203.0.113.1 INST_NS_OUT
#     ping -c 10 ->; nfvpnctl capture p1, dpdk-dumpcap -i net_tap_fw0 -> tshark;
#     nfvpnctl stats, hooks, ports, conntrack, ruleset
#   reload, stop
#   charon: /usr/lib/ipsec/charon with /etc/strongswan.conf as installed
#   (Debian's, with nfvpn-strongswan-plugin's strongswan.d/nfvpn.conf)
set -u
root=$1 unitdir=$2 bindir=$3 work=$4 client=$5 charon=${6:-}
run=$(dirname "$0")/unit_run.py
# the programs as installed, nfvpn-nftc too (beside nfvpn-dataplane and
# nfvpnctl): not the build tree's that lib.sh names for the other tests
unset NFVPN_NFTC
declare -A pid	# a unit's runner

fail() {
	echo "FAIL: install_run: $*" >&2
	for f in "$work"/*.run "$work"/*.log; do
		[ -f "$f" ] && { echo "--- $f" >&2; tail -30 "$f" >&2; }
	done
	for p in ${captures:-} "${pid[@]}"; do kill -TERM "$p" 2>/dev/null; done
	wait
	exit 1
}

for d in usr etc; do
	[ -d "$root/$d" ] || continue
	mount -t overlay overlay -o "lowerdir=$root/$d:/$d" "/$d" || fail "overlay on /$d"
done
# the host's named network namespaces stay in sight (ip netns, ip -n)
mkdir -p "$work/netns" && mount --rbind /run/netns "$work/netns" || fail "bind of /run/netns"
mount -t tmpfs -o mode=0755 tmpfs /run || fail "tmpfs on /run"
mkdir /run/netns && mount --move "$work/netns" /run/netns || fail "/run/netns back"

# the devices the dataplane makes here (TAP ports, exception TUNs) without
# IPv6 of the kernel's own: no router solicitation or MLD report in the
# ports' counts of the first run
sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || fail "sysctl"

# unit_start NAME: the unit's runner in the background; waits until ready
unit_start() {
	/usr/bin/python3 "$run" "$root$unitdir/$1.service" "$work/$1.state" "$work/$1.log" \
		> "$work/$1.run" 2>&1 &
	pid[$1]=$!
	for _ in $(seq 300); do
		grep -q '^ready' "$work/$1.state" 2>/dev/null && return 0
		kill -0 "${pid[$1]}" 2>/dev/null || break
		sleep 0.1
	done
	fail "$1.service did not become ready"
}

# unit_stop NAME: SIGTERM to its runner, which stops the service; status 0
unit_stop() {
	kill -TERM "${pid[$1]}"
	wait "${pid[$1]}" || fail "$1.service did not stop cleanly"
	grep -q '^stopped 0$' "$work/$1.state" || fail "$1.service: $(cat "$work/$1.state")"
}

unit_start nfvpn-dataplane
unit_start nfvpnd
# the defaults of the installed programs: /run/nfvpn/dataplane.sock, nfvpnd.sock
"$bindir/nfvpnctl" status > "$work/status.txt" 2>&1 || fail "nfvpnctl status: $(cat "$work/status.txt")"
grep -q "^policy .*/nfvpn/policy.yaml$" "$work/status.txt" || fail "nfvpnctl status: $(cat "$work/status.txt")"
"$bindir/nfvpnctl" daemon > "$work/daemon.txt" 2>&1 || fail "nfvpnctl daemon: $(cat "$work/daemon.txt")"
"$client" > "$work/client.txt" 2>&1 || fail "install_client: $(cat "$work/client.txt")"
grep -q '^version .* ports 2 listed 2 .* drop reasons [1-9][0-9]*$' "$work/client.txt" || fail "install_client: $(cat "$work/client.txt")"

# README's first run, "Traffic through the example policy": firewall.yaml's
# TAP ports each into a namespace of its own, with a host on either side;
# pings from inside to outside through the firewall while nfvpnctl capture
# (p1) and Debian's dpdk-dumpcap (p0, by device name) capture them; then
# the pcapng files hold exactly those frames (tshark), and nfvpnctl stats,
# hooks, ports, conntrack and ruleset count exactly them.
first_run() {
	local in=$INST_NS_IN out=$INST_NS_OUT ctl=$bindir/nfvpnctl n=10 ns c f
	for ns in "$in" "$out"; do	# (quiet ports: no IPv6 of the kernel's own)
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	{ ip link set fw-inside netns "$in" &&
	  ip -n "$in" addr add 192.168.10.2/24 dev fw-inside &&
	  ip -n "$in" link set fw-inside up &&
	  ip -n "$in" route add default via 192.168.10.1 &&
	  ip link set fw-outside netns "$out" &&
	  ip -n "$out" addr add 203.0.113.1/30 dev fw-outside &&
	  ip -n "$out" link set fw-outside up &&
	  ip -n "$out" route add 192.168.10.0/24 via 203.0.113.2; } > "$work/ip.log" 2>&1 ||
		fail "the hosts on fw-inside, fw-outside: $(cat "$work/ip.log")"
	# the neighbours learnt on every side, so that what follows is the pings
	# alone: the dataplane's by a first ping, the hosts' for good (no ARP
	# probe of theirs in the ports' counts)
	ip -n "$in" neigh replace 192.168.10.1 lladdr 02:00:00:00:10:01 dev fw-inside nud permanent &&
		ip -n "$out" neigh replace 203.0.113.2 lladdr 02:00:00:00:20:01 dev fw-outside nud permanent ||
		fail "ip neigh replace"
	ip netns exec "$in" ping -c 3 -i 0.2 -W 1 203.0.113.1 > "$work/ping0.txt" 2>&1 ||
		fail "no ping through the firewall: $(cat "$work/ping0.txt")"
	"$ctl" clear stats || fail "nfvpnctl clear stats"
	"$ctl" --json hooks > "$work/hooks0.json" || fail "nfvpnctl hooks"
	"$ctl" --json ports > "$work/ports0.json" || fail "nfvpnctl ports"
	"$ctl" ruleset > "$work/ruleset0.txt" 2>&1 || fail "nfvpnctl ruleset: $(cat "$work/ruleset0.txt")"

	local capture=$INST_CAPTURE cap0 cap1
	if [ -n "$capture" ]; then
		# both end by count: the n requests and n replies that cross each port
		timeout 30 "$ctl" capture p1 file "$work/p1.pcapng" count $((2 * n)) filter icmp \
			> "$work/capture.log" 2>&1 &
		cap1=$!
		timeout 30 dpdk-dumpcap --file-prefix "$INST_PREFIX" -i net_tap_fw0 -f icmp \
			-c $((2 * n)) -w "$work/p0.pcapng" > "$work/dumpcap.log" 2>&1 &
		cap0=$!
		captures="$cap0 $cap1"
		# dumpcap says "Packets captured: " once the dataplane has enabled
		# its capture (the rte_pdump request is answered)
		for _ in $(seq 150); do
			[ "$(grep -l '^Packets captured' "$work/capture.log" "$work/dumpcap.log" 2>/dev/null |
				wc -l)" = 2 ] && break
			kill -0 "$cap0" 2>/dev/null && kill -0 "$cap1" 2>/dev/null || break
			sleep 0.1
		done
		[ "$(grep -l '^Packets captured' "$work/capture.log" "$work/dumpcap.log" 2>/dev/null |
			wc -l)" = 2 ] || fail "the captures did not start: $(cat "$work/capture.log" "$work/dumpcap.log")"
	fi
	ip netns exec "$in" ping -c $n -i 0.1 -W 1 203.0.113.1 > "$work/ping.txt" 2>&1
	grep -q "^$n packets transmitted, $n received" "$work/ping.txt" ||
		fail "ping through the firewall: $(cat "$work/ping.txt")"
	if [ -n "$capture" ]; then
		wait "$cap1" || fail "nfvpnctl capture p1: $(cat "$work/capture.log")"
		wait "$cap0" || fail "dpdk-dumpcap -i net_tap_fw0: $(cat "$work/dumpcap.log")"
		captures=
		# tshark: each port's echo requests and replies, TTLs as forwarded
		for c in "p0 64 63" "p1 63 64"; do
			set -- $c
			f=$(tshark -r "$work/$1.pcapng" -T fields -e icmp.type -e ip.src -e ip.dst -e ip.ttl 2>/dev/null |
				sort | uniq -c | awk '{ $1 = $1; print }')
			[ "$f" = "$(printf '%s\n' "$n 0 203.0.113.1 192.168.10.2 $3" "$n 8 192.168.10.2 203.0.113.1 $2")" ] ||
				fail "$1.pcapng: $f"
		done
	fi
	# what nfvpnctl counted: 2n forwarded, 2n through the wan-in hook
	# (PRE_ROUTING: every IP packet in), n each way on both ports
	"$ctl" stats > "$work/stats.txt" || fail "nfvpnctl stats"
	grep -Eq "^forwarded +$((2 * n))\$" "$work/stats.txt" || fail "nfvpnctl stats: $(cat "$work/stats.txt")"
	"$ctl" --json hooks > "$work/hooks1.json" || fail "nfvpnctl hooks"
	"$ctl" --json ports > "$work/ports1.json" || fail "nfvpnctl ports"
	"$ctl" conntrack > "$work/conntrack.txt" || fail "nfvpnctl conntrack"
	"$ctl" ruleset > "$work/ruleset1.txt" 2>&1 || fail "nfvpnctl ruleset: $(cat "$work/ruleset1.txt")"
	/usr/bin/python3 - "$work" $n <<'EOP' || fail "nfvpnctl hooks, ports, conntrack, ruleset"
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
def load(name, key, by):
    return {x[by]: x for x in json.load(open("%s/%s" % (work, name)))[key]}
h0, h1 = load("hooks0.json", "hooks", "name"), load("hooks1.json", "hooks", "name")
d = h1["wan-in"]["packets"] - h0["wan-in"]["packets"]
assert d == 2 * n, "hook wan-in: %d packets, expected %d" % (d, 2 * n)
p0, p1 = load("ports0.json", "ports", "name"), load("ports1.json", "ports", "name")
for port in ("p0", "p1"):
    for k in ("rx_packets", "tx_packets"):
        d = p1[port][k] - p0[port][k]
        assert d == n, "port %s: %s %d, expected %d" % (port, k, d, n)
ct = open(work + "/conntrack.txt").read()
assert "src=192.168.10.2 dst=203.0.113.1" in ct, "conntrack: " + ct
# the forward chain's counters, as nft lists them: the pings' connection
# is one new packet, then 2n - 1 established
def rule_packets(name):
    text = open("%s/%s" % (work, name)).read()
    got = {}
    for line in text.splitlines():
        for rule in ("ct state established,related counter", 'iifname "p0" ct state new counter'):
            if line.strip().startswith(rule + " packets "):
                got[rule] = int(line.split(" packets ")[1].split()[0])
    assert len(got) == 2, "nfvpnctl ruleset: " + text
    return got
r0, r1 = rule_packets("ruleset0.txt"), rule_packets("ruleset1.txt")
d = {k: r1[k] - r0[k] for k in r0}
assert d == {"ct state established,related counter": 2 * n - 1,
             'iifname "p0" ct state new counter': 1}, "nfvpnctl ruleset: %s" % d
EOP
	echo "first run: $n pings through firewall.yaml, ${capture:+captured by nfvpnctl capture and dpdk-dumpcap, }counted by nfvpnctl"
	cat "$work/stats.txt"
}
first_run

# Debian's charon as strongswan-starter starts it, with the installed
# configuration and a log file of our own: it must take the plugin as its
# kernel-ipsec, on the dataplane's default socket (charon_check.sh)
if [ -n "$charon" ]; then
	bash "$(dirname "$0")/charon_check.sh" "$work" || fail "charon with nfvpn-strongswan-plugin"
fi

# systemctl reload nfvpnd: ExecReload, then READY=1 again
kill -HUP "${pid[nfvpnd]}"
for _ in $(seq 100); do
	grep -q '^reloaded' "$work/nfvpnd.state" && break
	kill -0 "${pid[nfvpnd]}" 2>/dev/null || fail "nfvpnd.service failed its reload"
	sleep 0.1
done
grep -q '^reloaded' "$work/nfvpnd.state" || fail "nfvpnd.service did not reload"

unit_stop nfvpnd
unit_stop nfvpn-dataplane
grep -q '^mbufs in use at exit: 0$' "$work/nfvpn-dataplane.log" || fail "the dataplane lost mbufs"
cat "$work/nfvpn-dataplane.run" "$work/nfvpnd.run"
echo "status:"
cat "$work/status.txt"
