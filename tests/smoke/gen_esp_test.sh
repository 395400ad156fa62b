#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# nfvpn-gen --esp: the ESP frames it sends for one SA decrypt, with scapy's
# independent ESP, to the generator's own frames (signature, checksums).
#
#        cpu 1
#  +----------------------------+   tx_pcap    +------------------------+
#  | nfvpn-gen --esp SPEC       |------------->| $tmp/<case>.pcap       |
#  |  templates -> hooks/ipsec  |   net_pcap   |  scapy: decrypt with   |
#  |  esp-output -> Ethernet    |              |  the SA, check inner   |
#  +----------------------------+              +------------------------+
#
# Cases: AES-GCM-128 tunnel IPv4 in IPv4, AES-CBC-128 + HMAC-SHA-256 tunnel
# IPv6 in IPv4, ChaCha20-Poly1305 tunnel IPv4 in IPv6.
#
# usage: gen_esp_test.sh [BUILD_DIR]     (default: $NFV_BUILD or build; or $NFVPN_GEN)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
gen=${NFVPN_GEN:-${1:-${NFV_BUILD:-$top/build}}/bench/nfvpn-gen}
[[ "$gen" = /* ]] || gen=$top/$gen
py=/usr/bin/python3

fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$gen" ] || fail "no nfvpn-gen at $gen (build it: ninja -C build bench/nfvpn-gen)"

tmp=$(mktemp -d /tmp/gen_esp.XXXXXX)
prefix=nfvgen_esp_$$
cleanup() {
	local rc=$?

	if [ $rc -ne 0 ]; then
		for f in "$tmp"/*.log; do
			[ -f "$f" ] && { echo "---- $f ----" >&2; cat "$f" >&2; }
		done
	fi
	rm -rf "$tmp" "/var/run/dpdk/$prefix"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# an empty capture for the pcap port's receive side
"$py" -c "import struct, sys; open(sys.argv[1], 'wb').write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))" "$tmp/empty.pcap"

# run NAME ESP_SPEC SCAPY_SA_ARGS GEN_OPTIONS...
run() {
	local name=$1 spec=$2 sa=$3 pcap=$tmp/$1.pcap
	shift 3
	"$gen" -l 1 --no-huge -m 256 --no-pci --no-telemetry --log-level lib.eal:error \
		--file-prefix "$prefix" -- \
		--port "net_pcap0,tx_pcap=$pcap,rx_pcap=$tmp/empty.pcap" \
		--count 50 --drain-ms 10 --link-wait 2 --esp "$spec" --quiet "$@" \
		>"$tmp/$name.log" 2>&1 || fail "$name: nfvpn-gen exited with $?"
	"$py" - "$pcap" "$name" "$sa" <<'PYEOF' 2>>"$tmp/$name.log" || fail "$name: decryption"
import struct, sys
from scapy.all import rdpcap, IP, IPv6, UDP, Ether
from scapy.layers.ipsec import SecurityAssociation, ESP

pcap, name, sa_args = sys.argv[1:]
a = dict(kv.split("=", 1) for kv in sa_args.split())
outer = IP if ":" not in a["src"] else IPv6
sa = SecurityAssociation(ESP, spi=int(a["spi"], 0), crypt_algo=a["crypt"],
                         crypt_key=bytes.fromhex(a["key"]),
                         auth_algo=a.get("auth"),
                         auth_key=bytes.fromhex(a["akey"]) if "akey" in a else None,
                         tunnel_header=outer(src=a["src"], dst=a["dst"]))
pkts = rdpcap(pcap)
assert len(pkts) == 50, "%d frames" % len(pkts)
seen = {}
for n, p in enumerate(pkts):
    o = p[outer]
    assert o.src == a["src"] and o.dst == a["dst"], o.summary()
    spi, seq = struct.unpack(">II", bytes(o.payload)[:8])
    assert spi == int(a["spi"], 0) and seq == n + 1, (spi, seq)
    inner = sa.decrypt(o)
    raw = bytes(inner[UDP].payload)
    magic, stream, sseq = struct.unpack(">III", raw[:12])
    assert magic == 0x4E465647, hex(magic)
    assert sseq == seen.get(stream, 0), (stream, sseq)
    seen[stream] = sseq + 1
    # the inner checksums, recomputed by scapy
    c = inner.__class__(bytes(inner))
    want = c[UDP].chksum
    del c[UDP].chksum
    if c.haslayer(IP) and inner.__class__ is IP:
        ipck = c.chksum
        del c.chksum
        assert IP(bytes(c)).chksum == ipck, "IPv4 checksum"
    assert c.__class__(bytes(c))[UDP].chksum == want, "UDP checksum"
print("%s: %d ESP frames decrypt to valid signed frames, %d streams" % (name, len(pkts), len(seen)))
PYEOF
	tail -n 1 "$tmp/$name.log"
}

run gcm128_v4_in_v4 \
	"spi=0x1001,key=00112233445566778899aabbccddeeff01020304,src=192.0.2.1,dst=192.0.2.2" \
	"spi=0x1001 crypt=AES-GCM key=00112233445566778899aabbccddeeff01020304 src=192.0.2.1 dst=192.0.2.2" \
	--flows 4 --src 10.0.0.0/30 --dport 5000-5001 --size 64,570
run cbc_sha256_v6_in_v4 \
	"spi=2002,cipher=aes-cbc-128,key=000102030405060708090a0b0c0d0e0f,auth=hmac-sha256-128,auth-key=$(printf '%064d' 7),src=198.51.100.1,dst=198.51.100.2" \
	"spi=2002 crypt=AES-CBC key=000102030405060708090a0b0c0d0e0f auth=SHA2-256-128 akey=$(printf '%064d' 7) src=198.51.100.1 dst=198.51.100.2" \
	--ipv6 --flows 3 --src fd00::/126 --size 84,1518
run chacha_v4_in_v6 \
	"spi=0x3003,cipher=chacha20-poly1305,key=$(printf '%072d' 5),src=2001:db8::1,dst=2001:db8::2" \
	"spi=0x3003 crypt=CHACHA20-POLY1305 key=$(printf '%072d' 5) src=2001:db8::1 dst=2001:db8::2" \
	--flows 2 --size imix

# and a bad spec is refused, not sent in the clear
if "$gen" -l 1 --no-huge -m 256 --no-pci --no-telemetry --log-level lib.eal:error \
	--file-prefix "$prefix" -- --port "net_pcap0,tx_pcap=$tmp/bad.pcap,rx_pcap=$tmp/empty.pcap" \
	--count 5 --esp "spi=1,key=zz,src=192.0.2.1,dst=192.0.2.2" >"$tmp/bad.log" 2>&1; then
	fail "a bad --esp spec was accepted"
fi
grep -q -- "--esp: bad SA spec" "$tmp/bad.log" || fail "a bad --esp spec: no message"
grep -q "zz" "$tmp/bad.log" && fail "the --esp spec (keys) was printed"
echo "PASS: gen_esp_test"
