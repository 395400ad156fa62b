#!/usr/bin/env bash
# The flowtable fast path (flow add @ft) on the real dataplane: the same
# frames, sent one at a time, give the same output frames byte for byte
# with the flowtable as without it (the full pipeline): TCP and UDP flows
# both ways, IPv4 and IPv6 (offloaded), ICMP (never), TTL 1, IP options,
# hop limit 1 and an IPv6 extension header (the slow path's), then after
# a neighbour's MAC changes (offloaded flows must use
# the new one), under a blackhole route to B (offloaded packets must be
# dropped like the others), and after it is gone, with TCP closing (FIN
# tears the flow down). The offload run must have offloaded packets and
# list the UDP flows [OFFLOAD]; the plain run none. The offload run again
# with four workers (four queues per port, one core): the same output.
#
#   netns t                      netns dp
#   a0 (host A 10.0.0.2) ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 (host B 10.1.0.2)
#                             forward: counter [flow add @ft]
#                             flowtable ft { devices = { p0, p1 } }
#
# The flowtable ruleset is loaded over the socket (bench/flowtable):
# nft cannot load a flowtable into a kernel without CONFIG_NF_FLOW_TABLE.
. "$(dirname "$0")/lib.sh"

LOAD=$NFV_BUILD/bench/nfvpn-flow-load
TRAFFIC=$NFV_TOP/tests/smoke/flowtable_traffic.py
[ -x "$LOAD" ] || fail "$LOAD is not built"

dp_netns
T=$(netns_add t)
veth_dp dp0 "$T" a0
veth_dp dp1 "$T" b0
for i in a0 b0; do
	in_ns "$T" sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1"
done
ip -n "$T" link set a0 address 02:00:00:00:00:02
ip -n "$T" link set b0 address 02:00:00:00:01:02

policy() {	# policy QUEUES: the ports with QUEUES queue pairs each
	cat <<EOP
$(routed_pair_ports f | sed "s/iface=dp\([01]\)\"/iface=dp\1,qpairs=$1\"/")
  - { port: p0, address: "2001:db8::1/64" }
  - { port: p1, address: "2001:db8:1::1/64" }
neighbours:
  - { port: p0, address: 10.0.0.2, mac: "02:00:00:00:00:02" }
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
  - { port: p0, address: "2001:db8::2", mac: "02:00:00:00:00:02" }
  - { port: p1, address: "2001:db8:1::2", mac: "02:00:00:00:01:02" }
filter:
  conntrack_max: 1024
  nft: |
    table inet t {
      chain forward { type filter hook forward priority 0; }
    }
EOP
}


run() {	# run plain|offload [WORKERS]: all phases, outputs in $WORK/<tag>.<phase>.json
	local mode=$1 nw=${2:-1} tag=$1${2:-}
	policy "$nw" > "$WORK/policy.yaml"
	if [ "$nw" = 1 ]; then
		dp_start "$WORK/policy.yaml"
	else
		DP_LCORES="--lcores 0@0,(1-$nw)@1" dp_start "$WORK/policy.yaml"
	fi
	"$LOAD" "$SOCK" "$mode" || fail "loading the $mode ruleset"
	in_ns "$T" $PY "$TRAFFIC" send a "$WORK/$tag.a.json" || fail "traffic a"
	ctl conntrack
	# B's MAC changes: what leaves for B carries the new one
	ctl neigh add p1 10.1.0.2 02:00:00:00:01:03 || fail "neigh add"
	ctl neigh add p1 2001:db8:1::2 02:00:00:00:01:03 || fail "neigh add"
	in_ns "$T" $PY "$TRAFFIC" send b "$WORK/$tag.b.json" || fail "traffic b"
	ctl route add 10.1.0.2 blackhole || fail "route add"
	ctl route add 2001:db8:1::2 blackhole || fail "route add"
	in_ns "$T" $PY "$TRAFFIC" send c "$WORK/$tag.c.json" || fail "traffic c"
	ctl route del 10.1.0.2/32 || fail "route del"
	ctl route del 2001:db8:1::2/128 || fail "route del"
	in_ns "$T" $PY "$TRAFFIC" send d "$WORK/$tag.d.json" || fail "traffic d"
	ctl conntrack | tee "$WORK/$tag.ct"
	ctl stats > "$WORK/$tag.stats"
	OFFLOADED=$(counter flow.offloaded)
	CONNS=$(counter flow.connections)
	TEARDOWN=$(counter flow.teardown_fin_rst)
	dp_stop
}

run plain
[ "$OFFLOADED" = 0 ] || fail "without flow add, $OFFLOADED packets were offloaded"
grep -q OFFLOAD "$WORK/plain.ct" && fail "without flow add, a connection is offloaded"
run offload
echo "offloaded: $OFFLOADED packets, $CONNS connections, $TEARDOWN FIN/RST teardowns"
[ "$OFFLOADED" -ge 20 ] || fail "only $OFFLOADED packets were offloaded"
# TCP, UDP and UDP over IPv6, offloaded once each: a new MAC or route
# makes their directions learn again, it does not end their offload; the
# TCP FIN, on a learned direction, is torn down by the fast path
[ "$CONNS" = 3 ] || fail "$CONNS connections offloaded, expected 3"
[ "$TEARDOWN" = 1 ] || fail "$TEARDOWN FIN/RST teardowns, expected the one FIN"
grep 'sport=5000 dport=53 ' "$WORK/offload.ct" | grep -q '\[OFFLOAD\]' ||
	fail "the UDP flow is not listed [OFFLOAD]"
grep 'sport=6000 dport=53 ' "$WORK/offload.ct" | grep -q '\[OFFLOAD\]' ||
	fail "the IPv6 UDP flow is not listed [OFFLOAD]"
grep 'dport=8080 ' "$WORK/offload.ct" | grep -q '\[OFFLOAD\]' &&
	fail "the closed TCP connection is still offloaded"
for p in a b c d; do
	$PY "$TRAFFIC" compare "$WORK/plain.$p.json" "$WORK/offload.$p.json" ||
		fail "phase $p: the flowtable changed the output"
done
# CI's sanitizer pass (NFV_ASAN_PASS) stops here: the four-worker run is
# the same packet path again, which the plain pass runs
if [ -n "${NFV_ASAN_PASS:-}" ]; then
	echo "PASS $SMOKE_NAME (one worker)"
	exit 0
fi
run offload 4
echo "offloaded with 4 workers: $OFFLOADED packets"
[ "$OFFLOADED" -ge 20 ] || fail "only $OFFLOADED packets were offloaded by 4 workers"
for p in a b c d; do
	$PY "$TRAFFIC" compare "$WORK/plain.$p.json" "$WORK/offload4.$p.json" ||
		fail "phase $p: the flowtable with 4 workers changed the output"
done
echo "PASS $SMOKE_NAME"
