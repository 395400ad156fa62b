#!/usr/bin/env bash
# The inbound policy check of cleartext (issue 13, item 1), on net_pcap
# ports: what an inbound PROTECT policy covers must come through its SA.
#
#   in0.pcap --> p0 [nfvpn-dataplane] p1 --> out1.pcap
#   (outside: 192.0.2.1, 2001:db8:f::1)      (inside: 10.1.0.1, 2001:db8:1::1)
#
# Four inbound SAs with their PROTECT policies: IPv4 and IPv6 tunnels
# (192.168.1.0/24 -> 192.168.2.0/24, 2001:db8:a::/64 -> 2001:db8:b::/64)
# and IPv4 and IPv6 transport (the peer to us). For each, 16 cleartext
# packets an attacker sends "from" the remote site are dropped as
# esp-policy-cleartext and counted on their policy, and 4 packets through
# the SA go on; traffic no policy covers is forwarded; IKE to us passes
# the transport policy; a cleartext echo from the transport peer is not
# answered. scapy writes the packets and checks what left.
. "$(dirname "$0")/lib.sh"

$PY "$NFV_TOP/tests/smoke/ipsec_cleartext.py" make "$WORK" || fail "cannot write packets"
key=000102030405060708090a0b0c0d0e0f
salt=a0a1a2a3
sa() {	# sa NAME SPI MODE SRC DST
	echo "    - { name: $1, spi: $2, direction: in, mode: $3, src: \"$4\", dst: \"$5\", algorithm: aes-gcm-128, key: \"$key\", salt: \"$salt\" }"
}
cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_pcap_c0,rx_pcap=$WORK/in0.pcap,tx_pcap=$WORK/out0.pcap", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_pcap_c1,rx_pcap=$WORK/empty.pcap,tx_pcap=$WORK/out1.pcap", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: 192.0.2.1/24 }
  - { port: p0, address: "2001:db8:f::1/64" }
  - { port: p1, address: 10.1.0.1/24 }
  - { port: p1, address: "2001:db8:1::1/64" }
routes:
  - { dst: 192.168.0.0/16, via: 10.1.0.2 }
  - { dst: "2001:db8:b::/64", via: "2001:db8:1::2" }
neighbours:
  - { port: p0, address: 192.0.2.2, mac: "02:00:00:00:00:02" }
  - { port: p0, address: "2001:db8:f::2", mac: "02:00:00:00:00:02" }
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
  - { port: p1, address: "2001:db8:1::2", mac: "02:00:00:00:01:02" }
ipsec:
  sas:
$(sa tun4 0x2001 tunnel 192.0.2.2 192.0.2.1)
$(sa tun6 0x2002 tunnel 2001:db8:f::2 2001:db8:f::1)
$(sa tra4 0x2003 transport 192.0.2.2 192.0.2.1)
$(sa tra6 0x2004 transport 2001:db8:f::2 2001:db8:f::1)
  policies:
    - { name: in-tun4, direction: in, src: 192.168.1.0/24, dst: 192.168.2.0/24, action: protect, sa: tun4 }
    - { name: in-tun6, direction: in, src: "2001:db8:a::/64", dst: "2001:db8:b::/64", action: protect, sa: tun6 }
    - { name: in-tra4, direction: in, src: 192.0.2.2/32, dst: 192.0.2.1/32, action: protect, sa: tra4 }
    - { name: in-tra6, direction: in, src: "2001:db8:f::2/128", dst: "2001:db8:f::1/128", action: protect, sa: tra6 }
EOP
chmod 600 "$WORK/policy.yaml"

dp_start "$WORK/policy.yaml"
sleep 2
# 16 per policy, and the echo request of the transport peer
expect_counter drop.esp-policy-cleartext 65
refused=$(ctl --json sp | $PY -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%d" % (p["name"], p["refused"]) for p in sorted(d["policies"], key=lambda p: p["name"])))')
[ "$refused" = "in-tra4=17 in-tra6=16 in-tun4=16 in-tun6=16" ] ||
	fail "refused per policy: $refused"
ctl hooks | grep -q esp-policy-fwd || fail "no esp-policy-fwd entry"
dp_stop
$PY "$NFV_TOP/tests/smoke/ipsec_cleartext.py" check "$WORK" || fail "output check"
echo "PASS $SMOKE_NAME"
