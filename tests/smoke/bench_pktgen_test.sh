#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/pktgen without Pktgen-DPDK (not in Debian 12):
#  1. every Lua script parses (luac5.4 -p);
#  2. each scenario script runs under lua5.4 against a stand-in of Pktgen's
#     Lua API (bench_pktgen_stub.lua) whose fake device loses nothing up to
#     37.3 % of the line rate and 0.5 % at 38.65 %: the CSV must hold NDR and
#     PDR within the script's precision below those, for each size;
#  3. bench/pktgen/mkpcap.py makes the committed pcaps byte for byte;
#  4. tshark decodes them: sizes, addresses, ESP SPI; scapy decrypts the ESP
#     files with the scenario's key and finds the cleartext files' packets.
#
# usage: bench_pktgen_test.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
tmp=$(mktemp -d /tmp/bench_pktgen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: bench_pktgen_test: $*" >&2; exit 1; }
command -v luac5.4 >/dev/null || fail "no luac5.4 (Debian package lua5.4)"

for f in "$top"/bench/pktgen/*.lua "$here"/bench_pktgen_stub.lua; do
	luac5.4 -p "$f" || fail "$f does not parse"
done

# 2. the search, per scenario script
for s in forward filter esp-encrypt esp-decrypt; do
	(cd "$tmp" && NFVPN_RESULTS="$tmp/$s.csv" NFVPN_SIZES=64,512 NFVPN_PCAP_LABEL=imix \
		lua5.4 "$here/bench_pktgen_stub.lua" "$top/bench/pktgen/$s.lua" 37.3 40 "$tmp/$s.calls" \
		> "$tmp/$s.out") || fail "$s.lua: $(tail -5 "$tmp/$s.out")"
	"$py" - "$tmp/$s.csv" "$s" "$tmp/$s.calls" <<'PYEOF' || fail "$s.lua: results"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
calls = open(sys.argv[3]).read()
esp = sys.argv[2] == "esp-decrypt"
want_sizes = ["imix"] if esp else ["64", "512"]
ok = [r[1] for r in rows] == want_sizes
ndr_true, pdr_true, prec = 37.3, 37.3 + (40 - 37.3) / 2, 0.5
for r in rows:
    ndr, pdr, trials = float(r[2]), float(r[3]), int(r[4])
    ok &= ndr_true - prec <= ndr <= ndr_true and pdr_true - prec <= pdr <= pdr_true
    ok &= 2 <= trials <= 20
# the pcap run turns the pcap on and never sets a size; the others set sizes
ok &= ("pcap 0 on" in calls) == esp and ("set 0 size 64" in calls) != esp
print(sys.argv[2], rows, "ok" if ok else "FAIL", flush=True)
sys.exit(0 if ok else 1)
PYEOF
done

# 3. the committed pcaps are the script's
"$py" "$top/bench/pktgen/mkpcap.py" "$tmp/pcap" > /dev/null
for f in "$top"/bench/pktgen/pcap/*.pcap; do
	cmp -s "$f" "$tmp/pcap/$(basename "$f")" || fail "$f differs from what mkpcap.py makes"
done
[ "$(ls "$tmp/pcap" | wc -l)" = 8 ] || fail "expected 8 pcaps"

# 4. decode: tshark's dissectors, then scapy's ESP with the scenario's key
for f in "$top"/bench/pktgen/pcap/forward-*.pcap; do
	n=$(tshark -d udp.port==5000-5099,data -r "$f" -Y "eth.dst == 02:00:00:00:00:01 && ip.src == 10.0.0.0/24 && ip.dst == 100.0.0.0/14 && udp && !_ws.malformed && !_ws.expert.severity >= error" 2>/dev/null | wc -l)
	t=$(tshark -r "$f" 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && [ "$n" = "$t" ] || fail "$f: $n of $t frames as expected"
done
for f in "$top"/bench/pktgen/pcap/esp-decrypt-*.pcap; do
	n=$(tshark -r "$f" -Y "esp.spi == 0x2001 && ip.src == 10.0.0.2 && ip.dst == 10.0.0.1" 2>/dev/null | wc -l)
	t=$(tshark -r "$f" 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && [ "$n" = "$t" ] || fail "$f: $n of $t ESP frames"
done
"$py" - "$top/bench/pktgen/pcap" <<'PYEOF' || fail "ESP pcaps do not decrypt to the cleartext ones"
import sys
from scapy.all import rdpcap, IP
from scapy.layers.ipsec import SecurityAssociation, ESP
d = sys.argv[1]
key = bytes.fromhex("00112233445566778899aabbccddeeff01020304")
sa = SecurityAssociation(ESP, spi=0x2001, crypt_algo="AES-GCM", crypt_key=key,
                         tunnel_header=IP(src="10.0.0.2", dst="10.0.0.1"))
sizes = {"64": {64}, "512": {512}, "1400": {1400}, "imix": {64, 570, 1518}}
for size, want in sizes.items():
    clear = rdpcap("%s/forward-%s.pcap" % (d, size))
    enc = rdpcap("%s/esp-decrypt-%s.pcap" % (d, size))
    assert len(clear) == len(enc) > 0, size
    assert {len(p) + 4 for p in clear} == want, (size, {len(p) + 4 for p in clear})
    for c, e in zip(clear, enc):
        inner = sa.decrypt(e[IP])
        assert bytes(inner) == bytes(c[IP]), size
print("ESP pcaps decrypt to the cleartext pcaps")
PYEOF
echo "PASS: bench_pktgen_test"
