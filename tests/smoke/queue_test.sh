#!/usr/bin/env bash
# QUEUE: a hook entry queues packets, a client answers, the output matches.
#
#   netns left                     netns dp                        netns right
#   10.0.0.2 veth-l -- veth-d0 == p0 [nfvpn-dataplane] p1 == veth-d1 -- veth-r 10.1.0.2
#                                        FORWARD: queue 0 (udp dport 9000)
#                                        nfvpnctl queue listen 0 --accept-every 2
#
# 10 datagrams: the listener accepts the 2nd, 4th, ... and drops the others;
# exactly the accepted ones reach the right side. Then: no listener (dropped
# and counted) and a listener that never answers (the default verdict after
# the timeout).
. "$(dirname "$0")/lib.sh"

dp_netns
LEFT=$(netns_add left)
RIGHT=$(netns_add right)
veth_dp veth-d0 "$LEFT" veth-l
veth_dp veth-d1 "$RIGHT" veth-r
ip -n "$LEFT" addr add 10.0.0.2/24 dev veth-l
ip -n "$LEFT" route add default via 10.0.0.1
ip -n "$RIGHT" addr add 10.1.0.2/24 dev veth-r
ip -n "$RIGHT" route add default via 10.1.0.1

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_af_packet_q0,iface=veth-d0", mac: "02:00:00:00:00:01", promiscuous: true, exception: false }
  - { name: p1, device: "net_af_packet_q1,iface=veth-d1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
queues:
  - { num: 0, size: 64, timeout_ms: 500, default: drop }
hooks:
  - { name: to-queue, hook: FORWARD, priority: filter, action: queue, queue: 0, match: { proto: udp, dport: 9000 } }
  - { name: after-queue, hook: FORWARD, priority: 10, action: count, match: { proto: udp, dport: 9000 } }
EOP
dp_start "$WORK/policy.yaml"

# send N FIRST: datagrams "seq FIRST..FIRST+N-1" from left to right
send() {
	in_ns "$LEFT" $PY -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
first, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(first, first + n):
    s.sendto(b"seq %d" % i, ("10.1.0.2", 9000))
    time.sleep(0.05)
' "$1" "$2"
}

# the right side: what arrives, until 0.5 s after the file STOP (the
# listener has given its last verdict) or 4 s without a datagram
in_ns "$RIGHT" $PY -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.1.0.2", 9000))
s.settimeout(0.05)
got = []
last = time.time()
stop_seen = None
while time.time() - last < 4:
    try:
        got.append(s.recv(100).decode())
        last = time.time()
    except socket.timeout:
        if stop_seen is None and os.path.exists(sys.argv[1]):
            stop_seen = time.time()
        if stop_seen is not None and time.time() - stop_seen >= 0.5:
            break
print(" ".join(got))
' "$WORK/listened" > "$WORK/received" &
receiver=$!

ctl queue listen 0 --accept-every 2 --count 10 --timeout 15 > "$WORK/listen.out" &
listener=$!
sleep 0.5
send 1 10
wait $listener || fail "queue listen failed: $(cat "$WORK/listen.out")"
touch "$WORK/listened"
wait $receiver
cat "$WORK/listen.out"
[ "$(cat "$WORK/received")" = "seq 2 seq 4 seq 6 seq 8 seq 10" ] ||
	fail "the right side received '$(cat "$WORK/received")'"
expect_counter drop.queue-verdict-drop 5

# nobody listens: dropped and counted (no bypass configured)
send 11 3
sleep 0.3
expect_counter drop.queue-no-listener 3

# a listener that never answers: the default verdict after 500 ms
ctl queue listen 0 --count 2 --timeout 5 > /dev/null &
listener=$!
sleep 0.5
send 14 2
wait $listener
sleep 1
expect_counter drop.queue-timeout 2
ctl queues
ctl hooks
after=$(ctl --json hooks | $PY -c 'import json,sys; d=json.load(sys.stdin)["hooks"]; print(next(h["packets"] for h in d if h["name"] == "after-queue"))')
[ "$after" = 5 ] || fail "the entry after the queue saw $after packets, expected 5"
dp_stop
echo "PASS $SMOKE_NAME"
