#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/pktgen without Pktgen-DPDK (not in Debian 12), against a strict
# stand-in of Pktgen 23.03's Lua API (bench_pktgen_standin.lua: only its
# function names, argument counts and shapes; a simulated generator):
#  1. every Lua script parses (luac5.4 -p);
#  2. bench/pktgen/mkpcap.py writes the pcaps; no frame is over 1518 bytes
#     (Pktgen without -j); tshark decodes them (UDP from 10.0.0.0/24 to
#     100.0.0.0/14, ESP of SPI 0x2001), scapy decrypts a sample of the ESP
#     frames with the scenario's key to the flows of the cleartext ones;
#  3. each profile, through the stand-in: the generator's limit through a
#     loopback (NFVPN_MODE=limit), then the search against a device slower
#     than the generator (NDR/PDR within the precision, not
#     generator-bound), a device faster than it (generator-bound at the
#     limit), and a generator that falls short with no limit known (invalid
#     trials, generator-bound, never the full rate); the traffic is what the
#     scenario's policy expects (UDP from the LAN prefix, the DUT's MAC,
#     1024 flows; ESP of SA 0x2001); the CSV goes where NFVPN_RESULTS says
#     or beside the script, never into the current directory; NFVPN_SCENARIO
#     does not rename the rows; every profile calls pktgen.quit();
#  4. the stand-in fails copies of a profile that call a function Pktgen
#     23.03 does not have (pktgen.dst_ip), pass a wrong number of
#     arguments, or never quit; and a device that holds the generator back.
#
# usage: bench_pktgen_test.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
standin="$here/bench_pktgen_standin.lua"
tmp=$(mktemp -d /tmp/bench_pktgen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: bench_pktgen_test: $*" >&2; exit 1; }
command -v luac5.4 >/dev/null || fail "no luac5.4 (Debian package lua5.4)"

for f in "$top"/bench/pktgen/*.lua "$standin" "$top"/tests/unit/bench/test_pktgen_search.lua; do
	luac5.4 -p "$f" || fail "$f does not parse"
done

# 2. the pcaps
"$py" "$top/bench/pktgen/mkpcap.py" "$tmp/pcap" > /dev/null || fail "mkpcap.py"
[ "$(ls "$tmp/pcap" | wc -l)" = 5 ] || fail "expected 5 pcaps"
for f in "$tmp/pcap"/*.pcap; do
	big=$(tshark -r "$f" -Y "frame.len > 1514" 2>/dev/null | wc -l)
	[ "$big" = 0 ] || fail "$f: $big frames over 1518 bytes with FCS (Pktgen needs -j)"
done
f="$tmp/pcap/forward-imix.pcap"
n=$(tshark -d udp.port==5000-5099,data -r "$f" -Y "eth.dst == 02:00:00:00:00:01 && ip.src == 10.0.0.0/24 && ip.dst == 100.0.0.0/14 && udp && !_ws.malformed && !_ws.expert.severity >= error" 2>/dev/null | wc -l)
[ "$n" = 3072 ] || fail "$f: $n of 3072 frames as expected"
for f in "$tmp/pcap"/esp-decrypt-*.pcap; do
	n=$(tshark -r "$f" -Y "eth.dst == 02:00:00:00:00:01 && esp.spi == 0x2001 && ip.src == 10.0.0.2 && ip.dst == 10.0.0.1" 2>/dev/null | wc -l)
	t=$(tshark -r "$f" 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && [ "$n" = "$t" ] || fail "$f: $n of $t ESP frames"
done
"$py" - "$tmp/pcap" <<'PYEOF' || fail "ESP pcaps do not decrypt to the scenario's flows"
import ipaddress, sys
from scapy.all import rdpcap, IP, UDP
from scapy.layers.ipsec import SecurityAssociation, ESP
d = sys.argv[1]
key = bytes.fromhex("00112233445566778899aabbccddeeff01020304")
sa = SecurityAssociation(ESP, spi=0x2001, crypt_algo="AES-GCM", crypt_key=key,
                         tunnel_header=IP(src="10.0.0.2", dst="10.0.0.1"))
lan, dsts = ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("100.0.0.0/14")
sizes = {"64": {64}, "512": {512}, "1400": {1400}, "imix": {64, 570, 1464}}
for size, want in sizes.items():
    enc = rdpcap("%s/esp-decrypt-%s.pcap" % (d, size))
    got = set()
    for i, e in enumerate(enc):
        if i % 37:          # a sample: scapy's AES-GCM is slow
            continue
        p = sa.decrypt(e[IP])
        assert ipaddress.ip_address(p.src) in lan and ipaddress.ip_address(p.dst) in dsts, p.summary()
        assert UDP in p and 1024 <= p[UDP].sport <= 2047 and 5000 <= p[UDP].dport <= 5063, p.summary()
        got.add(len(p) + 14 + 4)
    assert got == want, (size, got)
print("ESP pcaps decrypt to UDP of the scenario's flows")
PYEOF

# 3. each profile through the stand-in
#    run NAME SCRIPT [VAR=VALUE...] STANDIN_OPTIONS...
run() {
	local name=$1 script=$2 envs=()
	shift 2
	while [ $# -gt 0 ] && [[ $1 == *=* ]]; do envs+=("$1"); shift; done
	(cd "$tmp/cwd" && env "${envs[@]}" lua5.4 "$standin" --log "$tmp/$name.log" "$@" "$script") \
		> "$tmp/$name.out" 2>&1
}
mkdir -p "$tmp/cwd"
# the device: no loss up to 3 Mpps, 1 % at 3.2 Mpps; the generator: 5 Mpps
check_csv() {	# CSV SCENARIO SIZES MODE
	"$py" - "$@" <<'PYEOF'
import csv, sys
path, scenario, sizes, mode = sys.argv[1:5]
rows = list(csv.DictReader(open(path)))
ok = [r["scenario"] for r in rows] == [scenario] * len(rows) and [r["size"] for r in rows] == sizes.split(",")
for r in rows:
    ndr, pdr, lim = float(r["ndr_pps"]), float(r["pdr_pps"]), r["gen_limit_pps"]
    gb = (r["ndr_generator_bound"], r["pdr_generator_bound"])
    if mode == "device":        # slower than the generator
        ok &= 3e6 * 0.98 <= ndr <= 3e6 and 3.1e6 * 0.98 <= pdr <= 3.1e6 and gb == ("0", "0") and lim == "5000000"
        ok &= r["invalid_trials"] == "0" and 2 <= int(r["trials"]) <= 20
    elif mode == "fast":        # faster than the generator: its limit, generator-bound
        ok &= ndr == 5e6 and pdr == 5e6 and gb == ("1", "1") and lim == "5000000"
    elif mode == "pace":        # the generator sends 0.5 % less than asked: within the tolerance
        ok &= 3e6 * 0.98 <= ndr <= 3e6 / 0.995 and gb == ("0", "0") and r["invalid_trials"] == "0"
    elif mode == "short":       # no limit known, the generator reaches 2 Mpps
        ok &= 2e6 * 0.98 <= ndr <= 2e6 * 1.01 and gb == ("1", "1") and lim == ""
        ok &= int(r["invalid_trials"]) > 0
print(path, mode, [(r["size"], r["ndr_pps"], r["pdr_pps"], r["ndr_generator_bound"]) for r in rows],
      "ok" if ok else "FAIL", flush=True)
sys.exit(0 if ok else 1)
PYEOF
}
check_traffic() {	# LOG KIND
	"$py" - "$@" <<'PYEOF'
import ipaddress, sys
lines = [l.split() for l in open(sys.argv[1]) if l.startswith("traffic ")]
kind = sys.argv[2]
ok = len(lines) > 0
lan, dsts = ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("100.0.0.0/14")
for l in lines:
    t = dict(x.split("=", 1) for x in l[1:])
    ok &= t["dmac"] == "02:00:00:00:00:01"
    if kind == "esp":
        ok &= t["mode"] == "pcap" and t["proto"] == "50" and t["src"] == "10.0.0.2-10.0.0.2" \
            and t["dst"] == "10.0.0.1-10.0.0.1"
        continue
    ok &= t["proto"] in ("udp", "17") and t["flows"] == "1024"
    for k, net in (("src", lan), ("dst", dsts)):
        a, b = t[k].split("-")
        ok &= ipaddress.ip_address(a) in net and ipaddress.ip_address(b) in net
print(sys.argv[1], kind, len(lines), "traffic lines", "ok" if ok else "FAIL", flush=True)
sys.exit(0 if ok else 1)
PYEOF
}

B="$top/bench/pktgen"
for s in forward filter esp-encrypt esp-decrypt; do
	case $s in
	filter) scen=filter-1000-rules ;;
	*) scen=$s ;;
	esac
	if [ $s = esp-decrypt ]; then
		labels="64 imix"; kind=esp
	else
		labels=sizes; kind=udp
	fi
	for lab in $labels; do
		if [ "$lab" = sizes ]; then
			env=("NFVPN_SIZES=64,512"); pc=(); want=64,512
		else
			env=(NFVPN_PCAP_LABEL="$lab"); pc=(--pcap "0:$tmp/pcap/esp-decrypt-$lab.pcap"); want=$lab
		fi
		common=(NFVPN_SCENARIO=bogus NFVPN_LIMITS_FILE="$tmp/$s-limits.csv" "${env[@]}")
		run "$s-$lab-limit" "$B/$s.lua" "${common[@]}" NFVPN_MODE=limit NFVPN_RESULTS="$tmp/unused.csv" --loopback --gen-max 5000000 "${pc[@]}" ||
			fail "$s.lua ($lab) limit: $(tail -5 "$tmp/$s-$lab-limit.out")"
		for mode in device fast short; do
			case $mode in
			device) dev=(--gen-max 5000000 --ndr 3000000 --knee 3200000) ;;
			fast) dev=(--gen-max 5000000 --ndr 9000000 --knee 9500000) ;;
			short) dev=(--gen-max 2000000) ;;
			esac
			lim=()
			[ $mode = short ] && lim=(NFVPN_LIMITS_FILE="$tmp/none.csv")
			run "$s-$lab-$mode" "$B/$s.lua" "${common[@]}" "${lim[@]}" NFVPN_RESULTS="$tmp/$s-$lab-$mode.csv" "${dev[@]}" "${pc[@]}" ||
				fail "$s.lua ($lab, $mode): $(tail -5 "$tmp/$s-$lab-$mode.out")"
			check_csv "$tmp/$s-$lab-$mode.csv" "$scen" "$want" $mode || fail "$s.lua ($lab, $mode): results"
		done
		check_traffic "$tmp/$s-$lab-device.log" $kind || fail "$s.lua ($lab): traffic"
	done
done
# IMIX of the cleartext scenarios: the forward pcap
run fwd-imix-limit "$B/forward.lua" NFVPN_PCAP=1 NFVPN_LIMITS_FILE="$tmp/f-limits.csv" NFVPN_MODE=limit NFVPN_RESULTS="$tmp/unused.csv" --loopback --gen-max 5000000 --pcap "0:$tmp/pcap/forward-imix.pcap" ||
	fail "forward.lua (imix) limit: $(tail -5 "$tmp/fwd-imix-limit.out")"
run fwd-imix "$B/forward.lua" NFVPN_PCAP=1 NFVPN_LIMITS_FILE="$tmp/f-limits.csv" NFVPN_RESULTS="$tmp/fwd-imix.csv" --gen-max 5000000 --ndr 3000000 --knee 3200000 \
	--pcap "0:$tmp/pcap/forward-imix.pcap" || fail "forward.lua (imix): $(tail -5 "$tmp/fwd-imix.out")"
check_csv "$tmp/fwd-imix.csv" forward imix device || fail "forward.lua (imix): results"
check_traffic "$tmp/fwd-imix.log" udp || fail "forward.lua (imix): traffic"
[ -z "$(ls -A "$tmp/cwd")" ] || fail "a script wrote into the current directory: $(ls "$tmp/cwd")"

# the CSV's default place: beside the scripts (a copy of bench/pktgen)
cp -r "$B" "$tmp/copy"
rm -rf "$tmp/copy/pcap"
run copy "$tmp/copy/forward.lua" NFVPN_SIZES=64 NFVPN_RESULTS= --gen-max 5000000 --ndr 3000000 \
	--knee 3200000 || fail "copy: $(tail -5 "$tmp/copy.out")"
[ -s "$tmp/copy/nfvpn-bench-pktgen.csv" ] || fail "no CSV beside the scripts"
[ -z "$(ls -A "$tmp/cwd")" ] || fail "a script wrote into the current directory: $(ls "$tmp/cwd")"

# 4. what the stand-in must refuse
bad() {	# NAME SED-EXPRESSION FILE WHAT
	rm -rf "$tmp/bad"
	cp -r "$tmp/copy" "$tmp/bad"
	sed -i "$2" "$tmp/bad/$3"
	! cmp -s "$tmp/bad/$3" "$tmp/copy/$3" || fail "bad $1: the sed changed nothing"
	if run "bad-$1" "$tmp/bad/forward.lua" NFVPN_SIZES=64 NFVPN_RESULTS="$tmp/bad.csv" \
		--gen-max 5000000 --ndr 3000000 --knee 3200000; then
		fail "the stand-in accepted $4"
	fi
	grep -q -- "$5" "$tmp/bad-$1.out" || fail "bad $1: no '$5' in $(cat "$tmp/bad-$1.out")"
	echo "refused: $4"
}
bad dst_ip 's/^bench.run/pktgen.dst_ip("0", "start", "100.0.0.1")\nbench.run/' forward.lua \
	"a call of pktgen.dst_ip (23.03: pktgen.range.dst_ip)" "attempt to call a nil value (field 'dst_ip')"
bad arity 's/pktgen.range.ip_proto(p, "udp")/pktgen.range.ip_proto(p, "start", "udp")/' nfvpn_bench.lua \
	"pktgen.range.ip_proto with 3 arguments" "ip_proto, wrong number of arguments"
bad shape 's/pktgen.set_range(p, "on")/pktgen.set_range(p, true)/' nfvpn_bench.lua \
	"pktgen.set_range(p, true)" "is not a state"
bad fraction 's/pktgen.delay(c.duration_ms)/pktgen.delay(c.duration_ms + 0.5)/' nfvpn_bench.lua \
	"pktgen.delay of a fraction of a millisecond" "is not a int"
bad noquit 's/pktgen.quit()/pktgen.update()/' nfvpn_bench.lua "a script that never quits" "never called pktgen.quit"
# and traffic the policy does not expect: Pktgen's range defaults (TCP from
# 192.168.0.1) when a profile forgets its range fields
rm -rf "$tmp/bad"
cp -r "$tmp/copy" "$tmp/bad"
sed -i 's/pktgen.range\[f\](p, w, t\[f\]\[w\])/-- &/; s/pktgen.range.ip_proto(p, "udp")/-- &/' "$tmp/bad/nfvpn_bench.lua"
run bad-defaults "$tmp/bad/forward.lua" NFVPN_SIZES=64 NFVPN_RESULTS="$tmp/bad.csv" --gen-max 5000000 ||
	fail "bad defaults: $(tail -5 "$tmp/bad-defaults.out")"
if check_traffic "$tmp/bad-defaults.log" udp > /dev/null; then
	fail "the traffic check accepted Pktgen's range defaults"
fi
echo "refused: Pktgen's range defaults as the traffic"

# a generator whose pacing is 0.5 % short of the rate asked (within the
# tolerance): an ordinary search, no invalid trial
run pace "$B/forward.lua" NFVPN_SIZES=64 NFVPN_LIMITS_FILE="$tmp/forward-limits.csv" NFVPN_RESULTS="$tmp/pace.csv" \
	--gen-max 5000000 --ndr 3000000 --knee 3200000 --pace 0.995 || fail "pace: $(tail -5 "$tmp/pace.out")"
check_csv "$tmp/pace.csv" forward 64 pace || fail "pace: results"

# a device that holds the generator back below its limit: the device's loss
run hold "$B/forward.lua" NFVPN_SIZES=64 NFVPN_LIMITS_FILE="$tmp/forward-limits.csv" NFVPN_RESULTS="$tmp/hold.csv" --gen-max 5000000 --hold 1500000 || fail "hold: $(tail -5 "$tmp/hold.out")"
"$py" - "$tmp/hold.csv" <<'PYEOF' || fail "hold: results"
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[0]
ok = 1.5e6 * 0.98 <= float(r["ndr_pps"]) <= 1.5e6 * 1.01 and r["ndr_generator_bound"] == "0"
print("held back:", r["ndr_pps"], r["ndr_generator_bound"], "ok" if ok else "FAIL")
sys.exit(0 if ok else 1)
PYEOF
echo "PASS: bench_pktgen_test"
