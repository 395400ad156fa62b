#!/usr/bin/env bash
# The exception path: a plain UDP socket on the kernel side of the TUN
# talks through the dataplane's port.
#
#   netns peer                      netns dp
#   veth-p 10.0.0.2 ---- veth-d == p0 [nfvpn-dataplane] -- nfv-p0 (TUN, 10.0.0.1)
#                                                            |
#                                                   UDP echo server :5555
#
# The request: ARP answered by the dataplane, LOCAL_IN, punt to the TUN.
# The reply: the kernel writes it to the TUN, LOCAL_OUT, route, POST_ROUTING,
# ARP resolution of 10.0.0.2 by the dataplane, out of p0.
. "$(dirname "$0")/lib.sh"

dp_netns
PEER=$(netns_add peer)
veth_dp veth-d "$PEER" veth-p
ip -n "$PEER" addr add 10.0.0.2/24 dev veth-p

cat > "$WORK/policy.yaml" <<EOP
ports:
  - name: p0
    device: "net_af_packet_x0,iface=veth-d"
    mac: "02:00:00:00:00:01"
    promiscuous: true
    exception_ifname: nfv-p0
addresses:
  - { port: p0, address: 10.0.0.1/24 }
hooks:
  - { name: in-udp, hook: LOCAL_IN, priority: filter, action: count, match: { proto: udp, dport: 5555 } }
  - { name: out-udp, hook: LOCAL_OUT, priority: filter, action: count, match: { proto: udp, dport: 4444 } }
  - { name: post-udp, hook: POST_ROUTING, priority: filter, action: count, match: { proto: udp, dport: 4444 } }
EOP
dp_start "$WORK/policy.yaml"

in_ns "$DP_NS" $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.1", 5555))
s.settimeout(20)
data, peer = s.recvfrom(2048)
s.sendto(data.upper(), peer)
' &
server=$!
sleep 0.5
reply=$(in_ns "$PEER" $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 4444))
s.settimeout(10)
s.sendto(b"hello through the dataplane", ("10.0.0.1", 5555))
print(s.recvfrom(2048)[0].decode())
') || fail "no reply from the kernel side"
wait $server || fail "the server got nothing"
[ "$reply" = "HELLO THROUGH THE DATAPLANE" ] || fail "reply was '$reply'"

ctl hooks
hooks=$(ctl --json hooks)
for e in in-udp out-udp post-udp; do
	n=$(echo "$hooks" | $PY -c 'import json,sys; d=json.load(sys.stdin); d=d.get("hooks", d) if isinstance(d, dict) else d; print(next(h["packets"] for h in d if h["name"] == sys.argv[1]))' "$e")
	[ "$n" -ge 1 ] || fail "hook entry $e saw $n packets"
done
ctl neigh | grep -q 10.0.0.2 || fail "10.0.0.2 was not resolved"
ctl ports
dp_stop
echo "PASS $SMOKE_NAME"
