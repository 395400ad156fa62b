#!/usr/bin/env bash
# Floods, counted and bounded, on net_pcap ports (flood_pcap.py says
# what each packet is):
#
#   in0.pcap --> p0 [nfvpn-dataplane] p1 --> out1.pcap (the inner packet)
#   out0.pcap <-- p0 (one ARP reply, two echo replies)
#
# ARP and ND not for us are counted under their reasons; 40 incomplete
# datagrams from one source (8 over its bound), 600 from spoofed IPv6 and
# 600 from spoofed IPv4 sources evict the oldest instead of locking the
# table, and a fragmented ping and ping6 right after are answered, and a
# fragmented ESP datagram right after is reassembled and decrypted.
. "$(dirname "$0")/lib.sh"

$PY "$NFV_TOP/tests/smoke/flood_pcap.py" make "$WORK" || fail "cannot write packets"
$PY -c "from scapy.all import wrpcap; wrpcap('$WORK/empty.pcap', [])"
cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_pcap_fl0,rx_pcap=$WORK/in0.pcap,tx_pcap=$WORK/out0.pcap", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_pcap_fl1,rx_pcap=$WORK/empty.pcap,tx_pcap=$WORK/out1.pcap", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p0, address: "2001:db8::1/64" }
  - { port: p1, address: 10.1.0.1/24 }
routes:
  - { dst: 10.200.0.0/16, via: 10.0.0.2 }
  - { dst: "2001:db8:ff::/48", via: "2001:db8::2" }
neighbours:
  - { port: p0, address: 10.0.0.2, mac: "02:00:00:00:00:02" }
  - { port: p0, address: "2001:db8::2", mac: "02:00:00:00:00:02" }
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
ipsec:
  sas:
    - { name: in0, spi: 0x4001, direction: in, mode: tunnel, src: 10.0.0.2, dst: 10.0.0.1, algorithm: aes-gcm-128, key: "000102030405060708090a0b0c0d0e0f", salt: "a0a1a2a3" }
  policies:
    - { name: in0, direction: in, src: 192.168.1.0/24, dst: 10.1.0.0/24, action: protect, sa: in0 }
EOP
chmod 600 "$WORK/policy.yaml"

dp_start "$WORK/policy.yaml"
for _ in $(seq 50); do
	[ "$(counter echo_replies)" = 2 ] && break
	sleep 0.2
done
sleep 0.5
expect_counter drop.arp-not-for-us 150
expect_counter drop.arp-reply-consumed 1
expect_counter drop.nd-not-for-us 120
expect_counter drop.nd-advert-consumed 1
expect_counter drop.arp-malformed 0
expect_counter drop.nd-malformed 0
expect_counter drop.ip-reass-source-limit 8
expect_counter drop.ip-reass-failed 0
expect_counter reass.fragments $((40 + 600 + 600 + $(cat "$WORK/real_fragments")))
expect_counter reass.datagrams 3
expect_counter echo_replies 2
evicted=$(counter drop.ip-reass-evicted)
# 1232 held at some point: at most 256 still held, the rest evicted
[ "$evicted" -ge $((1232 - 256)) ] || fail "only $evicted evicted"
dp_stop
# what is held at exit is counted there; together with the evicted, all
held=$(awk '$1 == "shutdown" { print $2 }' "$WORK/dataplane.log" | tr -d ,)
[ $((evicted + ${held:-0})) = 1232 ] ||
	fail "evicted $evicted + held at exit ${held:-0} is not 1232"
$PY "$NFV_TOP/tests/smoke/flood_pcap.py" check "$WORK" || fail "scapy check"
echo "PASS $SMOKE_NAME (evicted $evicted, held at exit ${held:-0})"
