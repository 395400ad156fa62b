#!/usr/bin/env bash
# The dataplane's counters in DPDK telemetry, as dpdk-telemetry.py reads them:
# /nfvpn/stats, /nfvpn/drops, /nfvpn/hooks, and the views of the SAs
# (/nfvpn/sa, /nfvpn/sa,NAME), the filter's rules (/nfvpn/filter) and
# conntrack (/nfvpn/conntrack), which the main lcore walks when asked.
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
filter:
  conntrack: true
  nft: |
    table inet t {
      chain filt {
        type filter hook forward priority 0; policy accept;
        ip daddr 192.168.0.0/16 counter accept
        ip daddr 172.16.0.0/12 counter drop
      }
    }
ipsec:
  sas:
    - { name: in-1, spi: 0x1001, direction: in, src: 10.1.0.2, dst: 10.1.0.1, reqid: 1,
        algorithm: aes-gcm-128, key: "00112233445566778899aabbccddeeff", salt: "01020304" }
EOP
chmod 600 "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
sleep 1.5	# the control side refreshes the hook counters for telemetry every 100 ms
ctl --json conntrack > "$WORK/ct.json" || fail "nfvpnctl conntrack"
$PY - "/var/run/dpdk/nfv$$/dpdk_telemetry.v2" "$WORK/ct.json" <<'EOP' || fail "telemetry"
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
json.loads(s.recv(4096))                      # the greeting
def q(cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(65536))[cmd.split(",")[0]]    # the reply names the command without its parameters
cmds = q("/")
for c in ("/nfvpn/stats", "/nfvpn/drops", "/nfvpn/hooks", "/nfvpn/sa", "/nfvpn/filter",
          "/nfvpn/conntrack"):
    assert c in cmds, "%s not registered: %s" % (c, cmds)
st, dr, hk = q("/nfvpn/stats"), q("/nfvpn/drops"), q("/nfvpn/hooks")
print("stats", st, "no-route", dr["no_route"], "hooks", hk)
assert st["rx"] == 21 and st["forwarded"] == 20, st
assert dr["no_route"] == 1, dr
assert hk["FORWARD_fwd_count"] == 20, hk
# the SA view: every SA in columns, or one by name
sa = q("/nfvpn/sa")
print("sa", sa)
assert sa["count"] == 1 and sa["shown"] == 1 and sa["name"] == ["in-1"], sa
one = q("/nfvpn/sa,in-1")
assert one == {k: v[0] for k, v in sa.items() if isinstance(v, list)}, (one, sa)
assert one["spi"] == 0x1001 and one["dir"] == "in" and one["state"] == "active", one
assert one["packets"] == 0 and one["auth_failures"] == 0, one
assert q("/nfvpn/sa,nope") is None
# the filter view: the two rules, the accept one counted 20
fl = q("/nfvpn/filter")
print("filter", fl)
assert fl["rules"] == 2 and fl["chains"] == 1 and fl["shown"] == 2, fl
assert fl["table"] == ["t", "t"] and fl["chain"] == ["filt", "filt"], fl
assert fl["packets"] == [20, 0] and fl["bytes"][0] >= 20 * 28, fl
assert len(set(fl["handle"])) == 2, fl
# the conntrack view: what nfvpnctl conntrack lists, the 20 forwarded UDP flows among them
ct = q("/nfvpn/conntrack")
print("conntrack", {k: v for k, v in ct.items() if k != "connections"}, ct["connections"][:2])
listed = json.load(open(sys.argv[2]))["conntrack"]
assert ct["count"] == len(listed) and ct["udp"] == len(listed) and ct["tcp"] == 0, (ct, listed)
assert ct["shown"] == ct["count"] and len(ct["connections"]) == ct["count"], ct
for i in range(20):
    c = "udp 10.0.0.2:53 > 192.168.0.%d:53 " % (i + 1)
    assert any(x.startswith(c) and x[len(c):-1].isdigit() and x.endswith("s")
               for x in ct["connections"]), (c, ct)
# help texts: what docs/cli.md lists
for c in ("/nfvpn/sa", "/nfvpn/filter", "/nfvpn/conntrack"):
    s.send(("/help,%s" % c).encode())
    assert json.loads(s.recv(65536))["/help"][c], c
EOP
dp_stop
echo "PASS $SMOKE_NAME"
