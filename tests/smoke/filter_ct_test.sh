#!/usr/bin/env bash
# Stateful filtering through the real dataplane: a TCP connection across
# it with "ct state established,related accept" and a drop policy works
# both ways, a connection the rules do not open is dropped, a packet far out
# of the window is counted INVALID, and conntrack list/count/flush work.
# The connection lives in conntrack zone 7 (ct zone set before conntrack,
# both ways: a reply outside the zone would find nothing and be dropped),
# listed with zone=7 as conntrack -L lists it.
# Conntrack confirm must run before any other entry at POST_ROUTING INT_MAX.
#
#   netns a                         netns dp                          netns b
#   a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 10.1.0.2
#                                  forward: policy drop
#                                  ct state established,related accept
#                                  iifname "p0" tcp dport 8080 accept
#                                  prerouting raw: tcp port 8080: zone 7
. "$(dirname "$0")/lib.sh"

routed_pair

cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports c)
hooks:
  - { name: post-last, hook: POST_ROUTING, priority: last, action: count }
filter:
  conntrack_max: 1024
  nft: |
    table inet f {
      chain forward {
        type filter hook forward priority 0; policy drop;
        ct state established,related counter accept
        ct state invalid counter drop
        iifname "p0" tcp dport 8080 ct state new counter accept
        counter
      }
      chain raw {
        type filter hook prerouting priority raw; policy accept;
        tcp dport 8080 ct zone set 7
        tcp sport 8080 ct zone set 7
      }
    }
EOP
dp_start "$WORK/policy.yaml"
ctl ruleset

# conntrack confirm, registered first, runs before the later INT_MAX entry
order=$(ctl --json hooks | $PY -c '
import json, sys
d = json.load(sys.stdin)["hooks"]
print(" ".join(h["name"] for h in d if h["hook"] == "POST_ROUTING" and h["priority"] == 2147483647))')
[ "$order" = "conntrack-confirm-out post-last" ] || fail "POST_ROUTING INT_MAX order: $order"

# a server in b answers upper case, then waits for the client to close
in_ns "$B" $PY -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.1.0.2", 8080)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30)
c.sendall(c.recv(100).upper())
c.recv(100)
' &
server=$!
sleep 0.5
# the client: both ways, then a segment half the sequence space away
in_ns "$A" $PY - > "$WORK/client.out" 2>&1 <<'EOPY' || { cat "$WORK/client.out"; fail "client"; }
import socket, time
from scapy.all import AsyncSniffer, IP, TCP, send, conf
conf.verb = 0
sn = AsyncSniffer(iface="a0", filter="tcp port 8080")
sn.start(); time.sleep(1)
s = socket.socket()
s.bind(("10.0.0.2", 40000)); s.settimeout(10)
s.connect(("10.1.0.2", 8080))
s.sendall(b"through conntrack")
reply = s.recv(100)
assert reply == b"THROUGH CONNTRACK", reply
time.sleep(0.5)
pkts = sn.stop()
syn = next(p for p in pkts if p[TCP].flags == "S")
synack = next(p for p in pkts if p[TCP].flags == "SA")
send(IP(src="10.0.0.2", dst="10.1.0.2") / TCP(sport=40000, dport=8080, flags="A",
     seq=(syn[TCP].seq + 0x80000000) & 0xffffffff, ack=synack[TCP].seq + 1) / b"x")
time.sleep(0.5)
s.close()
print("ok")
EOPY
wait $server || fail "the server side failed"
grep -q '^ok$' "$WORK/client.out" || fail "client: $(cat "$WORK/client.out")"

# what the rules do not open stays closed: b -> a is dropped by the policy
# (the listener waits until the client's 2 s of SYNs are over: the file
# STOP, or 4 s)
in_ns "$A" $PY -c '
import os, socket, sys, time
s = socket.socket(); s.bind(("10.0.0.2", 8080)); s.listen(1); s.settimeout(0.05)
end = time.time() + 4
while True:
    try:
        s.accept(); print("accepted"); break
    except socket.timeout:
        if os.path.exists(sys.argv[1]) or time.time() > end:
            print("timeout"); break
' "$WORK/revc.done" > "$WORK/rev.out" &
rev=$!
sleep 0.5
in_ns "$B" $PY -c '
import socket
s = socket.socket(); s.settimeout(2)
try:
    s.connect(("10.0.0.2", 8080)); print("connected")
except OSError:
    print("refused")
' > "$WORK/revc.out"
touch "$WORK/revc.done"
wait $rev
[ "$(cat "$WORK/rev.out")" = timeout ] || fail "a connection from b reached a"
[ "$(cat "$WORK/revc.out")" = refused ] || fail "b connected to a"

ctl filter
ctl conntrack
info=$(ctl --json filter)
rs=$(ctl --json ruleset)
rule() {	# rule N: packets of the Nth rule of chain forward
	echo "$rs" | $PY -c '
import json, sys
r = [o for o in json.load(sys.stdin)["ruleset"] if o["kind"] == "rule"]
print(r[int(sys.argv[1])]["packets"])' "$1"
}
jget() { echo "$info" | $PY -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
est=$(rule 0); inv=$(rule 1); new=$(rule 2); pol=$(rule 3)
[ "$est" -ge 5 ] || fail "established packets: $est"
[ "$inv" = 1 ] || fail "invalid rule counted $inv, expected the one out-of-window segment"
[ "$new" = 1 ] || fail "new rule counted $new, expected the one SYN"
[ "$pol" -ge 1 ] || fail "the reverse SYN did not reach the policy ($pol)"
[ "$(jget ct_invalid)" -ge 1 ] || fail "conntrack invalid: $(jget ct_invalid)"
[ "$(jget ct_new)" -ge 1 ] || fail "conntrack new: $(jget ct_new)"
ctl conntrack | grep -q 'sport=40000 dport=8080 .* mark=0 zone=7$' ||
	fail "the connection is not listed in zone 7"
ctl --json conntrack | $PY -c '
import json, sys
c = [c for c in json.load(sys.stdin)["conntrack"] if c["orig"].get("sport") == 40000]
assert c and all(x["zone_orig"] == 7 and x["zone_reply"] == 7 for x in c), c' ||
	fail "nfvpnctl --json conntrack: not zone 7"
[ "$(ctl conntrack count)" -ge 1 ] || fail "conntrack count"
ctl conntrack flush || fail "conntrack flush"
[ "$(ctl conntrack count)" = 0 ] || fail "conntrack count after flush: $(ctl conntrack count)"
expect_counter drop.filter-chain-policy "$pol"
dp_stop
echo "PASS $SMOKE_NAME"
