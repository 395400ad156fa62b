#!/usr/bin/env bash
# The rate limit of IKE on the exception path (dataplane.ike_rate), with
# no IKE daemon: UDP sockets on the kernel side of the TUN count what
# the dataplane punts.
#
#   netns peer                               netns dp
#   veth-p (raw frames, scapy) ---- veth-d == p0 [nfvpn-dataplane] -- nfv-p0 (TUN)
#                                               ike_rate: 100          10.0.0.1, 2001:db8::1
#                                                                      UDP :500 :4500 :5555
#
# Sent at once (16 frames a millisecond, about 0.05 s): 300 IKE_SA_INITs (responder SPI
# zero) to 500 over IPv4 and 100 over IPv6, 200 messages of an IKE SA
# (responder SPI set) to 4500 after the non-ESP marker, 100 datagrams to
# 5555. Each kind of IKE gets its burst (10) plus 100/s, the flood of
# IKE_SA_INITs does not starve the other kind, UDP to 5555 all passes;
# the drops are counted under their reasons and every IKE datagram not
# dropped reaches the kernel's sockets.
. "$(dirname "$0")/lib.sh"

dp_netns
PEER=$(netns_add peer)
veth_dp veth-d "$PEER" veth-p

cat > "$WORK/policy.yaml" <<EOP
dataplane: { ike_rate: 100 }
ports:
  - { name: p0, device: "net_af_packet_ikr0,iface=veth-d", mac: "02:00:00:00:00:01", promiscuous: true, exception_ifname: nfv-p0 }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p0, address: "2001:db8::1/64" }
EOP
dp_start "$WORK/policy.yaml"

# the kernel's side: counts datagrams per socket until told to stop
in_ns "$DP_NS" $PY - "$WORK/received" "$WORK/stop" <<'EOPY' &
import json, os, select, socket, sys, time
socks = {}
for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    for port in (500, 4500, 5555):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((addr, port))
        socks[s] = "%s:%d" % ("ip6" if fam == socket.AF_INET6 else "ip", port)
count = dict.fromkeys(socks.values(), 0)
open(sys.argv[1] + ".ready", "w").close()
end = time.monotonic() + 30
while time.monotonic() < end:
    for s in select.select(list(socks), [], [], 0.1)[0]:
        s.recv(2048)
        count[socks[s]] += 1
    if os.path.exists(sys.argv[2]):
        # what is still in flight: one more quiet tenth of a second
        if not select.select(list(socks), [], [], 0.2)[0]:
            break
json.dump(count, open(sys.argv[1], "w"))
EOPY
receiver=$!
for _ in $(seq 50); do [ -e "$WORK/received.ready" ] && break; sleep 0.1; done
[ -e "$WORK/received.ready" ] || fail "the receiver did not start"

in_ns "$PEER" $PY - veth-p > "$WORK/sent" <<'EOPY' || fail "cannot send"
import socket, struct, sys, time
from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether

def ike(spir, i):
    return struct.pack("!QQBBBBII", 0x1000 + i, spir, 33, 0x20, 34 if spir == 0 else 37,
                       0x08, 0, 28)

eth = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
frames = []
frames += [bytes(eth / IP(src="198.18.%d.%d" % (i // 250, 1 + i % 250), dst="10.0.0.1") /
                 UDP(sport=500, dport=500) / ike(0, i)) for i in range(300)]
frames += [bytes(eth / IPv6(src="2001:db8:ff::%x" % (i + 1), dst="2001:db8::1") /
                 UDP(sport=500, dport=500) / ike(0, i)) for i in range(100)]
frames += [bytes(eth / IP(src="10.0.0.2", dst="10.0.0.1") /
                 UDP(sport=4500, dport=4500) / (b"\0" * 4 + ike(0x77, i))) for i in range(200)]
frames += [bytes(eth / IP(src="10.0.0.2", dst="10.0.0.1") /
                 UDP(sport=4444, dport=5555) / b"not IKE") for i in range(100)]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
t = time.monotonic()
for i, f in enumerate(frames):
    s.send(f)
    if i % 16 == 15:	# paced: the af_packet port's ring holds 512
        time.sleep(0.001)
print("%.3f" % (time.monotonic() - t))
EOPY
t=$(cat "$WORK/sent")
echo "sent 700 frames in $t s"
sleep 1
touch "$WORK/stop"
wait $receiver || fail "the receiver failed"
cat "$WORK/received"; echo
got() { $PY -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/received" "$1"; }

ctl stats
init=$(counter drop.ike-rate-limit-init)
sa=$(counter drop.ike-rate-limit)
# each kind: at most its burst plus 100/s over the sending, and at least the burst
max=$($PY -c "print(10 + int(100 * $t) + 1)")
init_passed=$((400 - init))
sa_passed=$((200 - sa))
echo "IKE_SA_INITs: $init_passed of 400 passed; IKE SA messages: $sa_passed of 200 passed (each at most $max)"
[ "$init_passed" -ge 10 ] && [ "$init_passed" -le "$max" ] || fail "$init_passed IKE_SA_INITs passed"
[ "$sa_passed" -ge 10 ] && [ "$sa_passed" -le "$max" ] ||
	fail "$sa_passed messages of an IKE SA passed: the flood of IKE_SA_INITs starved them"
[ $(( $(got ip:500) + $(got ip6:500) )) = "$init_passed" ] ||
	fail "the kernel got $(got ip:500) + $(got ip6:500) IKE_SA_INITs, the dataplane passed $init_passed"
[ "$(got ip:4500)" = "$sa_passed" ] || fail "the kernel got $(got ip:4500) on 4500, the dataplane passed $sa_passed"
[ "$(got ip:5555)" = 100 ] || fail "UDP to 5555 (not IKE): $(got ip:5555) of 100 reached the kernel"
# the IPv6 IKE_SA_INITs came to a drained bucket: at most 300 drops are IPv4
[ "$init" -gt 300 ] || fail "only $init IKE_SA_INITs dropped: IPv6 ones not limited"
ctl stats | grep -q 'drop.ike-rate-limit-init' || fail "nfvpnctl stats does not show drop.ike-rate-limit-init"
dp_stop
echo "PASS $SMOKE_NAME"
