#!/usr/bin/env bash
# nft's "ipsec in" through the real dataplane (issue 16): ESP packets of
# two inbound tunnel SAs (reqid 7 and 8), made by scapy, are decrypted and
# their inner packets meet a forward chain that tells them apart by the
# SA they came out of - reqid, spi, the SA's source address - and drops
# cleartext that no inbound policy covers ("meta ipsec missing"). The counters of nfvpnctl ruleset and
# what leaves p1 say which rule took what.
#
#   in0.pcap (ESP from 192.0.2.2) --> p0 [nfvpn-dataplane] p1 --> out1.pcap
. "$(dirname "$0")/lib.sh"

$PY - "$WORK" <<'EOPY' || fail "scapy"
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation
w = sys.argv[1]
key, salt = bytes(range(16)), bytes.fromhex("a0a1a2a3")
pkts = []
for spi, tag, dst in ((0x3007, b"sa7", "192.168.2.10"), (0x3008, b"sa8", "192.168.3.10")):
    sa = SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=key + salt,
                             tunnel_header=IP(src="192.0.2.2", dst="192.0.2.1"))
    for i in range(4):
        inner = IP(src="192.168.1.10", dst=dst) / UDP(sport=2000 + i, dport=9) / \
            Raw(tag + b"-%d" % i)
        e = sa.encrypt(inner, seq_num=i + 1)
        pkts.append(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / e)
for i in range(4):	# cleartext from the remote site: no secpath
    pkts.append(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
                IP(src="192.168.1.10", dst="192.168.4.10") / UDP(sport=3000 + i, dport=9) /
                Raw(b"clear-%d" % i))
wrpcap(w + "/in0.pcap", pkts)
wrpcap(w + "/empty.pcap", [])
EOPY
key=000102030405060708090a0b0c0d0e0f
salt=a0a1a2a3
cat > "$WORK/rules.nft" <<'EON'
table inet f {
	chain forward {
		type filter hook forward priority filter; policy accept;
		udp dport 9 ipsec in reqid 7 counter drop
		udp dport 9 ipsec in spi 0x3008 ipsec in ip saddr 192.0.2.2 counter accept
		udp dport 9 meta ipsec missing counter drop
	}
}
EON
cat > "$WORK/policy.yaml" <<EOP
$(pcap_pair_ports 192.0.2.1/24)
ipsec:
  sas:
    - { name: sa7, spi: 0x3007, reqid: 7, direction: in, mode: tunnel, src: 192.0.2.2, dst: 192.0.2.1, algorithm: aes-gcm-128, key: "$key", salt: "$salt" }
    - { name: sa8, spi: 0x3008, reqid: 8, direction: in, mode: tunnel, src: 192.0.2.2, dst: 192.0.2.1, algorithm: aes-gcm-128, key: "$key", salt: "$salt" }
  policies:
    - { name: in7, direction: in, src: 192.168.1.0/24, dst: 192.168.2.0/24, action: protect, sa: sa7 }
    - { name: in8, direction: in, src: 192.168.1.0/24, dst: 192.168.3.0/24, action: protect, sa: sa8 }
filter:
  conntrack: false
  file: rules.nft
EOP
chmod 600 "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
sleep 2
ctl ruleset > "$WORK/ruleset.txt" || fail "nfvpnctl ruleset"
cat "$WORK/ruleset.txt"
grep -q 'ipsec in reqid 7 counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "the reqid 7 rule did not take the 4 packets of sa7"
grep -q 'ipsec in ip saddr 192.0.2.2 counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "the spi/saddr rule did not take the 4 packets of sa8"
grep -q 'meta ipsec missing counter packets 4 ' "$WORK/ruleset.txt" ||
	fail "the cleartext rule did not take the 4 cleartext packets"
dp_stop
out=$($PY -c '
import sys
from scapy.all import Raw, rdpcap
print(" ".join(sorted(bytes(p[Raw]).decode() for p in rdpcap(sys.argv[1]) if Raw in p)))' "$WORK/out1.pcap")
[ "$out" = "sa8-0 sa8-1 sa8-2 sa8-3" ] || fail "p1 sent: $out"
echo "PASS $SMOKE_NAME"
