#!/usr/bin/env bash
# The dataplane's counters in DPDK telemetry, as dpdk-telemetry.py reads them.
#
#   in.pcap --> p0 [nfvpn-dataplane] p1 --> net_null
#                      |
#               /var/run/dpdk/<prefix>/dpdk_telemetry.v2 <-- this test
. "$(dirname "$0")/lib.sh"

$PY - "$WORK" <<'EOP'
import sys
from scapy.all import Ether, IP, UDP, wrpcap
d = sys.argv[1]
p = [Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / IP(src="10.0.0.2", dst="192.168.0.%d" % (i + 1)) / UDP()
     for i in range(20)]
p.append(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / IP(src="10.0.0.2", dst="172.16.0.1") / UDP())
wrpcap(d + "/in.pcap", p)
EOP
cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_pcap_t0,rx_pcap=$WORK/in.pcap", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_null_t1,no-rx=1", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
routes:
  - { dst: 192.168.0.0/16, via: 10.1.0.2 }
neighbours:
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
hooks:
  - { name: fwd-count, hook: FORWARD, priority: filter, action: count }
EOP
dp_start "$WORK/policy.yaml"
sleep 1.5	# the control side refreshes the hook counters for telemetry every 100 ms
$PY - "/var/run/dpdk/nfv$$/dpdk_telemetry.v2" <<'EOP' || fail "telemetry"
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
json.loads(s.recv(4096))                      # the greeting
def q(cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(65536))[cmd]
cmds = q("/")
for c in ("/nfvpn/stats", "/nfvpn/drops", "/nfvpn/hooks"):
    assert c in cmds, "%s not registered: %s" % (c, cmds)
st, dr, hk = q("/nfvpn/stats"), q("/nfvpn/drops"), q("/nfvpn/hooks")
print("stats", st, "no-route", dr["no_route"], "hooks", hk)
assert st["rx"] == 21 and st["forwarded"] == 20, st
assert dr["no_route"] == 1, dr
assert hk["FORWARD_fwd_count"] == 20, hk
EOP
dp_stop
echo "PASS $SMOKE_NAME"
