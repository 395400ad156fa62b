#!/usr/bin/env bash
# nft's "ipsec out" through the real dataplane (issue 16): cleartext from
# p0 to two remote networks, one covered by an outbound tunnel policy (SA
# sa9: reqid 9, spi 0x4009, 10.1.0.1 > 10.1.0.2), one by none. Rules at
# forward and postrouting ask which SA esp-output will seal each packet
# with - reqid, spi, the SA's addresses - before it does (the kernel reads
# the route's xfrm bundle there), and "rt ipsec exists/missing" whether
# it will (the bundle itself). The counters of nfvpnctl ruleset and
# what leaves p1 (ESP of spi 0x4009 for the first network, cleartext for
# the second) say which rule took what.
#
#   in0.pcap (cleartext) --> p0 [nfvpn-dataplane] p1 --> out1.pcap (ESP + cleartext)
. "$(dirname "$0")/lib.sh"

$PY - "$WORK" <<'EOPY' || fail "scapy"
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
w = sys.argv[1]
pkts = []
for net in (5, 6):
    for i in range(4):
        pkts.append(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
                    IP(src="192.168.1.10", dst="192.168.%d.10" % net) /
                    UDP(sport=2000 + i, dport=9) / Raw(b"net%d-%d" % (net, i)))
wrpcap(w + "/in0.pcap", pkts)
wrpcap(w + "/empty.pcap", [])
EOPY
key=000102030405060708090a0b0c0d0e0f
salt=a0a1a2a3
cat > "$WORK/rules.nft" <<'EON'
table inet f {
	chain forward {
		type filter hook forward priority filter; policy accept;
		udp dport 9 ipsec out reqid 9 counter
		udp dport 9 ipsec out spi 0x4009 ip daddr 192.168.5.0/24 counter
		udp dport 9 rt ipsec exists ip daddr 192.168.5.0/24 counter
		udp dport 9 rt ipsec missing ip daddr 192.168.6.0/24 counter
		udp dport 9 ip daddr 192.168.6.0/24 ipsec out reqid 9 counter drop
	}
	chain post {
		type filter hook postrouting priority filter; policy accept;
		udp dport 9 ipsec out ip saddr 10.1.0.1 ipsec out ip daddr 10.1.0.2 counter
		udp dport 9 ipsec out ip6 daddr ::/0 counter drop
		udp dport 9 ipsec out reqid != 9 counter drop
	}
}
EON
cat > "$WORK/policy.yaml" <<EOP
$(pcap_pair_ports 192.168.1.1/24)
ipsec:
  sas:
    - { name: sa9, spi: 0x4009, reqid: 9, direction: out, mode: tunnel, src: 10.1.0.1, dst: 10.1.0.2, algorithm: aes-gcm-128, key: "$key", salt: "$salt" }
  policies:
    - { name: out9, direction: out, src: 192.168.1.0/24, dst: 192.168.5.0/24, action: protect, sa: sa9 }
filter:
  conntrack: false
  file: rules.nft
EOP
chmod 600 "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
sleep 2
ctl ruleset > "$WORK/ruleset.txt" || fail "nfvpnctl ruleset"
cat "$WORK/ruleset.txt"
grep -q 'ipsec out reqid 9 counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "forward: the reqid 9 rule did not take the 4 packets sa9 seals"
grep -q 'ip daddr 192.168.5.0/24 counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "forward: the spi rule did not take the 4 packets sa9 seals"
grep -q 'rt ipsec exists ip daddr 192.168.5.0/24 counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "forward: rt ipsec exists did not take the 4 packets sa9 seals"
grep -q 'rt ipsec missing ip daddr 192.168.6.0/24 counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "forward: rt ipsec missing did not take the 4 packets no policy covers"
grep -q 'ipsec out reqid 9 counter packets 0 bytes 0 drop' "$WORK/ruleset.txt" ||
	fail "forward: a packet no policy covers matched ipsec out"
grep -q 'ipsec out ip daddr 10.1.0.2 counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "postrouting: the SA's addresses did not take the 4 packets"
grep -q 'ip6 daddr ::/0 counter packets 0 ' "$WORK/ruleset.txt" ||
	fail "postrouting: an IPv4 tunnel SA gave an IPv6 address"
grep -q 'ipsec out reqid != 9 counter packets 0 ' "$WORK/ruleset.txt" ||
	fail "postrouting: a packet matched another reqid"
dp_stop
out=$($PY -c '
import sys
from scapy.all import ESP, Raw, rdpcap
esp = clear = 0
for p in rdpcap(sys.argv[1]):
    if ESP in p and p[ESP].spi == 0x4009:
        esp += 1
    elif Raw in p and bytes(p[Raw]).startswith(b"net6-"):
        clear += 1
print(esp, clear)' "$WORK/out1.pcap")
[ "$out" = "4 4" ] || fail "p1 sent (ESP of sa9, cleartext to net 6): $out"
echo "PASS $SMOKE_NAME"
