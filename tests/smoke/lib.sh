#!/usr/bin/env bash
# Shared by the smoke tests: run the real nfvpn-dataplane, talk to it with
# nfvpnctl, build network namespaces, clean up, dump counters on failure.
set -u
NFV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NFV_BUILD=${NFV_BUILD:-$NFV_TOP/build}
# the nft compiler the dataplane runs for nft text (config/nfv_nftc.h): this build's
export NFVPN_NFTC=$NFV_BUILD/control/nftc/nfvpn-nftc
PY=/usr/bin/python3
SMOKE_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/nfvpn-$SMOKE_NAME.XXXXXX")
SOCK=$WORK/dataplane.sock
DP_PID=
SMOKE_NETNS=()
if [ -z "${NFV_EAL_MEM:-}" ]; then
	NFV_EAL_MEM="--no-huge -m 1024"
fi

# child_exited PID: the child PID has exited (a zombie until waited for:
# kill -0 still finds it)
child_exited() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	[ "${st%% *}" = Z ]
}

smoke_cleanup() {
	local ns l j
	# background helpers of the test (servers, listeners, mirrors) go first
	for j in $(jobs -p); do
		[ "$j" = "$DP_PID" ] || kill "$j" 2>/dev/null || true
	done
	if [ -n "$DP_PID" ] && kill -0 "$DP_PID" 2>/dev/null; then
		# a second to exit cleanly, then killed
		kill -INT "$DP_PID"
		for _ in $(seq 50); do
			child_exited "$DP_PID" && break
			sleep 0.02
		done
		kill -KILL "$DP_PID" 2>/dev/null || true
	fi
	# netns_add runs in $(...), so SMOKE_NETNS misses them: delete by name.
	# What still runs inside goes first: a helper started as "in_ns NS CMD &"
	# is a grandchild that jobs -p does not name, and would outlive the
	# test (holding whatever it inherited, a flock among them).
	for ns in "${SMOKE_NETNS[@]}" $(ip netns list 2>/dev/null | awk -v p="nfv$$-" 'index($1, p) == 1 { print $1 }'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap smoke_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

fail() {
	echo "FAIL: $SMOKE_NAME: $*" >&2
	if [ -S "$SOCK" ]; then
		ctl stats >&2 || true
		ctl hooks >&2 || true
	fi
	[ -f "$WORK/dataplane.log" ] && tail -40 "$WORK/dataplane.log" >&2
	exit 1
}

ctl() { "$NFV_BUILD/control/nfvpnctl" --socket "$SOCK" "$@"; }

# A namespace whose name is unique to this run.
netns_add() {
	local ns="nfv$$-$1"
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$ns" link set lo up
	SMOKE_NETNS+=("$ns")
	echo "$ns"
}

# dp_netns: the dataplane will run in its own namespace, whose kernel is
# kept off the dataplane's ports (it must not answer ARP or take IP there:
# af_packet sees frames before the IP stack does, nftables after).
DP_NS=
dp_netns() {
	DP_NS=$(netns_add dp)
}

# veth_dp DP_IF NS PEER_IF: a veth whose DP_IF end is a dataplane port.
veth_dp() {
	ip link add "$1" netns "$DP_NS" type veth peer name "$3" netns "$2" ||
		fail "ip link add $1"
	ip -n "$DP_NS" link set "$1" up
	ip -n "$2" link set "$3" up
	# veth leaves checksums to the receiver when offload is on; af_packet
	# then hands DPDK a partial checksum that a real wire never carries
	ip netns exec "$2" ethtool -K "$3" tx off >/dev/null 2>&1 || fail "ethtool"
	ip netns exec "$DP_NS" ethtool -K "$1" tx off >/dev/null 2>&1 || fail "ethtool"
	dp_isolate "$1"
}

# dp_isolate IF: the kernel of the dataplane's namespace neither answers
# nor takes IP, IPv6 or ARP on IF, a dataplane port.
dp_isolate() {
	ip netns exec "$DP_NS" sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	ip netns exec "$DP_NS" nft -f - <<EON || fail "nft"
table inet nfvpn_smoke {
	chain pre { type filter hook prerouting priority -500; iifname "$1" drop; }
}
table arp nfvpn_smoke {
	chain in { type filter hook input priority 0; iifname "$1" drop; }
}
EON
}

# routed_pair: two hosts routed through the dataplane; sets A and B.
#   netns A                         netns dp                          netns B
#   a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 10.1.0.2
routed_pair() {
	dp_netns
	A=$(netns_add a)
	B=$(netns_add b)
	veth_dp dp0 "$A" a0
	veth_dp dp1 "$B" b0
	ip -n "$A" addr add 10.0.0.2/24 dev a0
	ip -n "$A" route add default via 10.0.0.1
	ip -n "$B" addr add 10.1.0.2/24 dev b0
	ip -n "$B" route add default via 10.1.0.1
}

# routed_pair_ports TAG: the policy's ports and addresses of routed_pair,
# on af_packet devices net_af_packet_TAG0 and net_af_packet_TAG1.
routed_pair_ports() {
	cat <<EOP
ports:
  - { name: p0, device: "net_af_packet_${1}0,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception: false }
  - { name: p1, device: "net_af_packet_${1}1,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
EOP
}

# ft_topology: the flowtable tests' topology (flowtable_test, ftesp_test,
# interop/flowtable): the dataplane's netns and T with a0 (host A) and b0
# (host B), no IPv6 chatter, the MACs the policies' neighbours name.
#   netns t                      netns dp
#   a0 02:00:00:00:00:02 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 02:00:00:00:01:02
ft_topology() {
	dp_netns
	T=$(netns_add t)
	veth_dp dp0 "$T" a0
	veth_dp dp1 "$T" b0
	for i in a0 b0; do
		in_ns "$T" sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1"
	done
	ip -n "$T" link set a0 address 02:00:00:00:00:02
	ip -n "$T" link set b0 address 02:00:00:00:01:02
}

# in_ns NS CMD...: run a command in a namespace
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# dp_start POLICY [extra app args]: starts the dataplane, waits until it runs.
# DP_LCORES: its EAL lcore options (default "-l 0,1": one worker), e.g.
# "--lcores 0@0,(1-4)@1" for four workers that share core 1. DP_START_TRIES:
# how many tenths of a second to wait (default 100; it looks every 20 ms).
# NFV_TEST_ID_SEED: its
# --test-id-seed (default 1), so that runs of the same traffic give the same
# IPv4 IDs and flow labels (flowtable_test and ftesp_test compare two runs
# frame by frame); empty: a secret drawn at start, as outside the tests.
dp_start() {
	local policy=$1; shift
	local nsexec=() ids=()
	[ -n "$DP_NS" ] && nsexec=(ip netns exec "$DP_NS")
	# emptied before the child starts: the loop below must not find the
	# last dataplane's "running" (the child truncates its log only later)
	: > "$WORK/dataplane.log"
	[ -n "${NFV_TEST_ID_SEED-1}" ] && ids=(--test-id-seed "${NFV_TEST_ID_SEED-1}")
	# shellcheck disable=SC2086
	"${nsexec[@]}" "$NFV_BUILD/dataplane/nfvpn-dataplane" ${DP_LCORES:--l 0,1} --no-pci --file-prefix "nfv$$" \
		$NFV_EAL_MEM --log-level lib.eal:warning --log-level pmd.net.tap:error \
		-- --config "$policy" --socket "$SOCK" "${ids[@]}" "$@" > "$WORK/dataplane.log" 2>&1 &
	DP_PID=$!
	for _ in $(seq $((${DP_START_TRIES:-100} * 5))); do
		grep -q 'nfvpn-dataplane: running' "$WORK/dataplane.log" && [ -S "$SOCK" ] && return 0
		kill -0 "$DP_PID" 2>/dev/null || break
		sleep 0.02
	done
	fail "nfvpn-dataplane did not start"
}

# nfvpnd_start [ARGS...]: nfvpnd on $WORK/policy.yaml for the dataplane of
# dp_start ($SOCK), its control socket NFVPND_SOCKET ($WORK/nfvpnd.sock,
# exported for nfvpnctl's daemon commands), no kernel stub
# (--no-steer), ARGS after those; its output in $WORK/nfvpnd.log (started
# afresh). Returns once nfvpnd has applied the policy at start and serves
# its socket (NFVPND_PID), fails the test if it does not within 15 s.
# smoke_cleanup stops it with the test's other jobs.
NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
NFVPND_PID=
nfvpnd_start() {
	[ -x "$NFVPND" ] || fail "no $NFVPND"
	export NFVPND_SOCKET=$WORK/nfvpnd.sock
	"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
		--no-steer "$@" > "$WORK/nfvpnd.log" 2>&1 &
	NFVPND_PID=$!
	for _ in $(seq 300); do
		grep -q "changes applied\|no change" "$WORK/nfvpnd.log" && [ -S "$NFVPND_SOCKET" ] &&
			return 0
		kill -0 "$NFVPND_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "nfvpnd did not apply its policy: $(tail -c 1000 "$WORK/nfvpnd.log")"
}

# nfvpnd_stop: SIGTERM, and a clean exit.
nfvpnd_stop() {
	kill -TERM "$NFVPND_PID"
	wait "$NFVPND_PID" || fail "nfvpnd exited with status $?: $(tail -c 1000 "$WORK/nfvpnd.log")"
	NFVPND_PID=
}

# dp_stop: SIGINT, clean exit, no mbuf leaked.
dp_stop() {
	kill -INT "$DP_PID"
	wait "$DP_PID" || fail "nfvpn-dataplane exited with status $?"
	DP_PID=
	grep -q '^mbufs in use at exit: 0$' "$WORK/dataplane.log" ||
		fail "mbufs leaked: $(grep 'mbufs in use' "$WORK/dataplane.log")"
}

# counter NAME: one counter of 'nfvpnctl stats --json'.
counter() {
	ctl --json stats | $PY -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("counters", d)
if isinstance(items, dict):
    print(items.get(sys.argv[1], 0))
else:
    print(next((c["value"] for c in items if c["name"] == sys.argv[1]), 0))
' "$1"
}

expect_counter() {	# expect_counter NAME VALUE
	local v
	v=$(counter "$1")
	[ "$v" = "$2" ] || fail "counter $1 is $v, expected $2"
}

# gen_pair: the nfvpnd traffic tests' topology: the dataplane's netns (d0,
# d1) and a generator netns GNS (ga, gb; gb has MAC 02:00:00:00:02:02, no
# IPv6 chatter); GEN and NFVPND name the programs.
gen_pair() {
	GEN=$NFV_BUILD/bench/nfvpn-gen
	[ -x "$GEN" ] || fail "no $GEN"
	[ -x "$NFVPND" ] || fail "no $NFVPND"
	dp_netns
	GNS=$(netns_add gen)
	in_ns "$GNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	in_ns "$GNS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	veth_dp d0 "$GNS" ga
	veth_dp d1 "$GNS" gb
	in_ns "$GNS" ip link set gb address 02:00:00:00:02:02
}

# gen_pair_ports: the policy's ports, addresses and neighbours of gen_pair
# (10.1.0.2 and 10.1.0.9 are gb); more neighbours may follow.
# gen_pair_ports [ARGS]: ARGS are more devargs of both ports (",qpairs=4").
gen_pair_ports() {
	cat <<EOP
ports:
  - { name: p0, device: "net_af_packet0,iface=d0${1:-}", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_af_packet1,iface=d1${1:-}", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
neighbours:
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:02:02" }
  - { port: p1, address: 10.1.0.9, mac: "02:00:00:00:02:02" }
EOP
}

# pcap_pair_ports P0_ADDRESS: the policy's ports, addresses, route and
# neighbour of the tests that play a pcap through the dataplane
# (ipsec_out_test, ipsec_xfrm_test): p0 (P0_ADDRESS, say 192.0.2.1/24)
# reads $WORK/in0.pcap, p1 (10.1.0.1/24) $WORK/empty.pcap, both of which
# the test writes; what they send lands in $WORK/out0.pcap and
# $WORK/out1.pcap. 192.168.0.0/16 is routed via 10.1.0.2 on p1.
pcap_pair_ports() {
	cat <<EOP
ports:
  - { name: p0, device: "net_pcap_x0,rx_pcap=$WORK/in0.pcap,tx_pcap=$WORK/out0.pcap", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_pcap_x1,rx_pcap=$WORK/empty.pcap,tx_pcap=$WORK/out1.pcap", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: $1 }
  - { port: p1, address: 10.1.0.1/24 }
routes:
  - { dst: 192.168.0.0/16, via: 10.1.0.2 }
neighbours:
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
EOP
}
