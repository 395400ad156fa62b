#!/usr/bin/env bash
# The remote-access shape of issue 16: an ESP client behind the
# concentrator reaches an outside host through masquerade. The client's
# packets (its virtual address 10.99.0.5) arrive in an SA, are decrypted,
# pass "meta ipsec exists" in the forward chain, and leave p1 with p1's
# address; the outside host's answers are translated back and encrypted
# into the client's outbound SA. Cleartext from the client's side is
# dropped by the forward policy. scapy is the client (ESP both ways), the
# outside host a kernel with a UDP echo server.
#
#   netns A (ESP client)            netns dp                          netns B (outside)
#   a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 10.1.0.2, echo on :7
#   inner 10.99.0.5 -> 10.1.0.2           masquerade: 10.1.0.1
. "$(dirname "$0")/lib.sh"

routed_pair
key=000102030405060708090a0b0c0d0e0f
salt=a0a1a2a3
cat > "$WORK/rules.nft" <<'EON'
table inet f {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter accept
		meta ipsec exists iifname "p0" counter accept
	}
}
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "p1" counter masquerade
	}
}
EON
{
	routed_pair_ports r
	cat <<EOP
routes:
  - { dst: 10.99.0.0/24, via: 10.0.0.2 }
ipsec:
  sas:
    - { name: client-in, spi: 0x4001, direction: in, mode: tunnel, src: 10.0.0.2, dst: 10.0.0.1, algorithm: aes-gcm-128, key: "$key", salt: "$salt" }
    - { name: client-out, spi: 0x4002, direction: out, mode: tunnel, src: 10.0.0.1, dst: 10.0.0.2, algorithm: aes-gcm-128, key: "$key", salt: "$salt" }
  policies:
    - { name: ra-in, direction: in, src: 10.99.0.0/24, dst: 0.0.0.0/0, action: protect, sa: client-in }
    - { name: ra-out, direction: out, src: 0.0.0.0/0, dst: 10.99.0.0/24, action: protect, sa: client-out }
filter:
  conntrack_max: 1024
  file: rules.nft
EOP
} > "$WORK/policy.yaml"
chmod 600 "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"

# the outside host: echoes UDP, and writes down who asked, until the
# client is done (the file STOP: its last packet, the cleartext, 1.5 s
# before) or 20 s
in_ns "$B" $PY -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.1.0.2", 7)); s.settimeout(0.05)
open(sys.argv[1] + ".ready", "w").close()
seen = []
end = time.time() + 20
while len(seen) < 4 and time.time() < end:
    try:
        d, a = s.recvfrom(2000)
    except socket.timeout:
        if os.path.exists(sys.argv[2]):
            break
        continue
    seen.append("%s:%d %s" % (a[0], a[1], d.decode()))
    s.sendto(d.upper(), a)
open(sys.argv[1], "w").write("\n".join(seen) + "\n")
' "$WORK/seen.txt" "$WORK/client.done" &
server=$!
for _ in $(seq 100); do [ -e "$WORK/seen.txt.ready" ] && break; sleep 0.05; done
[ -e "$WORK/seen.txt.ready" ] || fail "no echo server"

in_ns "$A" $PY - > "$WORK/client.out" 2>&1 <<'EOPY' || { cat "$WORK/client.out"; fail "client"; }
import time
from scapy.all import AsyncSniffer, IP, UDP, ICMP, Raw, conf, send
from scapy.layers.ipsec import ESP, SecurityAssociation
conf.verb = 0
key = bytes(range(16)) + bytes.fromhex("a0a1a2a3")
sa_in = SecurityAssociation(ESP, spi=0x4001, crypt_algo="AES-GCM", crypt_key=key,
                            tunnel_header=IP(src="10.0.0.2", dst="10.0.0.1"))
sa_out = SecurityAssociation(ESP, spi=0x4002, crypt_algo="AES-GCM", crypt_key=key,
                             tunnel_header=IP(src="10.0.0.1", dst="10.0.0.2"))
sn = AsyncSniffer(iface="a0", filter="ip proto 50")
sn.start(); time.sleep(1)
for i in range(3):
    inner = IP(src="10.99.0.5", dst="10.1.0.2") / UDP(sport=4440 + i, dport=7) / Raw(b"hello %d" % i)
    send(sa_in.encrypt(inner, seq_num=i + 1)); time.sleep(0.3)
send(sa_in.encrypt(IP(src="10.99.0.5", dst="10.1.0.2") / ICMP(id=77, seq=1) / Raw(b"ping"),
                   seq_num=4))
time.sleep(0.3)
# cleartext from the client's side: the forward policy drops it
send(IP(src="10.0.0.2", dst="10.1.0.2") / UDP(sport=5555, dport=7) / Raw(b"cleartext"))
time.sleep(1.5)
got = []
for p in sn.stop():
    if p.haslayer(ESP) and p[ESP].spi == 0x4002:
        d = sa_out.decrypt(p[IP])
        if UDP in d:
            got.append("udp %s>%s:%d %s" % (d[IP].src, d[IP].dst, d[UDP].dport, bytes(d[Raw]).decode()))
        elif ICMP in d:
            got.append("icmp %s>%s type %d id %d" % (d[IP].src, d[IP].dst, d[ICMP].type, d[ICMP].id))
print("\n".join(sorted(got)))
EOPY
touch "$WORK/client.done"
wait $server
cat "$WORK/seen.txt" "$WORK/client.out"
# the outside host saw the concentrator's p1 address, the client's ports, no cleartext
seen=$(sed 's/:[0-9]* / /' "$WORK/seen.txt" | sort | tr '\n' ';')
[ "$seen" = "10.1.0.1 hello 0;10.1.0.1 hello 1;10.1.0.1 hello 2;" ] ||
	fail "the outside host saw: $seen"
grep -q "cleartext" "$WORK/seen.txt" && fail "cleartext passed"
for i in 0 1 2; do
	grep -q "^udp 10.1.0.2>10.99.0.5:444$i HELLO $i$" "$WORK/client.out" ||
		fail "no encrypted, translated answer $i: $(cat "$WORK/client.out")"
done
grep -q "^icmp 10.1.0.2>10.99.0.5 type 0 id 77$" "$WORK/client.out" ||
	fail "no encrypted echo reply: $(cat "$WORK/client.out")"
ctl conntrack
ctl conntrack | grep -q "src=10.99.0.5 dst=10.1.0.2 .*src=10.1.0.2 dst=10.1.0.1" ||
	fail "conntrack does not show the masqueraded tuples"
dp_stop
echo "PASS $SMOKE_NAME"
