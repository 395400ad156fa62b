#!/usr/bin/env bash
# The flowtable fast path (flow add @ft) on the real dataplane: the same
# frames, sent one at a time, give the same output frames byte for byte
# with the flowtable as without it (the full pipeline): TCP and UDP flows
# both ways, IPv4 and IPv6 (offloaded), ICMP (never), TTL 1, IP options,
# hop limit 1 and an IPv6 extension header (the slow path's), then after
# a neighbour's MAC changes (offloaded flows must use
# the new one), under a blackhole route to B (offloaded packets must be
# dropped like the others; the route change ends the offloads), and after
# it is gone, with TCP closing (FIN
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

. "$(dirname "$0")/flowtable_lib.sh"

ft_topology

run plain
[ "$OFFLOADED" = 0 ] || fail "without flow add, $OFFLOADED packets were offloaded"
grep -q OFFLOAD "$WORK/plain.ct.d" && fail "without flow add, a connection is offloaded"
run offload
echo "offloaded: $OFFLOADED packets, $CONNS connections, $TEARDOWN FIN/RST teardowns, $ROUTE_TEARDOWN route teardowns"
[ "$OFFLOADED" -ge 20 ] || fail "only $OFFLOADED packets were offloaded"
# TCP, UDP (before its reply) and UDP over IPv6 in phase a; a new MAC
# makes their directions learn again, a route commit ends their offload
# at their next packet (the kernel's dst check): under the blackhole
# route (c) TCP, UDP and UDP over IPv6 end, and the replies offload TCP
# and UDP again (IPv6's route back is the blackhole); the route gone (d),
# TCP and UDP end again and all three are offloaded again: 8 offloads, 5
# route teardowns; the TCP FIN, on a learned direction, is torn down by
# the fast path
[ "$CONNS" = 8 ] || fail "$CONNS connections offloaded, expected 8"
[ "$ROUTE_TEARDOWN" = 5 ] || fail "$ROUTE_TEARDOWN route teardowns, expected 5"
[ "$TEARDOWN" = 1 ] || fail "$TEARDOWN FIN/RST teardowns, expected the one FIN"
grep 'sport=5000 dport=53 ' "$WORK/offload.ct.d" | grep -q '\[OFFLOAD\]' ||
	fail "the UDP flow is not listed [OFFLOAD]"
grep 'sport=6000 dport=53 ' "$WORK/offload.ct.d" | grep -q '\[OFFLOAD\]' ||
	fail "the IPv6 UDP flow is not listed [OFFLOAD]"
grep 'dport=8080 ' "$WORK/offload.ct.d" | grep -q '\[OFFLOAD\]' &&
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
