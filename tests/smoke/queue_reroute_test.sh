#!/usr/bin/env bash
# A packet held by a queue listener while its route changes (issue 13
# item 6, issue 12): it comes back in a later loop of the worker, whose
# RIB snapshot its next-hop index does not point into, and is routed again.
#
#   netns A                         netns dp                          netns B
#   a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 (capture)
#                                        FORWARD: queue 0 (udp dport 9000)
#                                        nfvpnctl queue listen 0 --delay 1.5
#
# One datagram to 10.9.0.5 per case, queued at FORWARD; while the listener
# holds it, the route of 10.9.0.0/24 (via 10.1.0.2 on p1) is:
#   kept (and 100 other routes added): it leaves to 10.1.0.2's MAC;
#   moved to 10.1.0.3, on the same port: it leaves to 10.1.0.3's MAC;
#   deleted: dropped as no-route;
#   moved to a gateway on p0: dropped as route-changed (no hook saw p0).
. "$(dirname "$0")/lib.sh"

routed_pair
in_ns "$B" sysctl -qw net.ipv6.conf.b0.disable_ipv6=1

cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports r)
routes:
  - { dst: 10.9.0.0/24, via: 10.1.0.2 }
neighbours:
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
  - { port: p1, address: 10.1.0.3, mac: "02:00:00:00:01:03" }
  - { port: p0, address: 10.0.0.7, mac: "02:00:00:00:00:07" }
queues:
  - { num: 0, size: 64, timeout_ms: 5000, default: drop }
hooks:
  - { name: to-queue, hook: FORWARD, priority: filter, action: queue, queue: 0, match: { proto: udp, dport: 9000 } }
EOP
dp_start "$WORK/policy.yaml"

# every UDP datagram to port 9000 that reaches the right side: "MAC payload"
in_ns "$B" $PY -c '
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("b0", 0))
while True:
    f = s.recv(2048)
    ihl = (f[14] & 15) * 4
    if f[23] != 17 or struct.unpack("!H", f[14 + ihl + 2:14 + ihl + 4])[0] != 9000:
        continue
    print(f[0:6].hex(":"), f[14 + ihl + 8:].decode(), flush=True)
' > "$WORK/right.txt" 2>&1 &

# one_case NAME CHANGE...: a datagram held 1.5 s by the listener; CHANGE
# runs (nfvpnctl arguments, ";"-separated) while it waits in the queue.
one_case() {
	local name=$1; shift
	ctl queue listen 0 --accept-all --count 1 --delay 1.5 > "$WORK/listen-$name.txt" 2>&1 &
	local lpid=$!
	sleep 0.5
	in_ns "$A" $PY -c '
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[1].encode(), ("10.9.0.5", 9000))
' "$name"
	sleep 0.3
	local IFS=';'
	for c in $*; do
		IFS=' ' eval "ctl $c" || fail "$name: nfvpnctl $c"
	done
	wait "$lpid" || fail "$name: listener: $(cat "$WORK/listen-$name.txt")"
	sleep 0.5
}

routes=""
for i in $(seq 0 99); do routes="$routes;route add 10.20.$i.0/24 via 10.1.0.2"; done
one_case kept "${routes#;}"
one_case moved "route replace 10.9.0.0/24 via 10.1.0.3"
one_case deleted "route del 10.9.0.0/24"
ctl route add 10.9.0.0/24 via 10.1.0.2 || fail "route add"
one_case other-port "route replace 10.9.0.0/24 via 10.0.0.7"

got=$(sort "$WORK/right.txt" | tr '\n' ' ')
[ "$got" = "02:00:00:00:01:02 kept 02:00:00:00:01:03 moved " ] ||
	fail "arrived on the right: '$got'"
expect_counter drop.no-route 1
expect_counter drop.route-changed 1
dp_stop
echo "PASS $SMOKE_NAME"
