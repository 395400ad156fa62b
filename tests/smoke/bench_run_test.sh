#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# nfvpn-bench end to end, short: never a speed, only that the search
# converges and that every output is written and well formed.
#
#     cpu 0                     memif (2 ports)            cpus 0,1
#  +-----------+  net_memif0 -------------------> p0  +---------------------+
#  | nfvpn-gen |                                      | DUT: dpdk-testpmd io |
#  | (client)  |  net_memif1 <------------------- p1  |  or nfvpn-dataplane  |
#  +-----------+                                      +---------------------+
#
# 1. --dut testpmd, forward, 64 and 512 bytes;
# 2. --dut nfvpn, forward, 64 bytes and IMIX, --compare testpmd (ratios);
# 3. --dut cmd: testpmd in mac mode given as a command template, 64 bytes;
# then for each: exit status 0; CSV parses with one row per device and size;
# JSON parses, NDR <= PDR, each search ended with an interval within the
# precision (or the maximum rate passed, or nothing passed); the trials
# are in the JSON; the generator's limit was measured first through a
# loopback and capped the search (not with testpmd as the device), results
# say whether they are generator-bound; the two PNGs start with the PNG
# signature.
#
# It runs two busy-polling DPDK processes: run it alone, as ci/test.sh does
#   flock /tmp/nfvpn-dpdk.lock bash tests/smoke/bench_run_test.sh [BUILD_DIR]
# (it does not take the lock itself: ci/test.sh already holds it).
#
# usage: bench_run_test.sh [BUILD_DIR]     (default: $NFV_BUILD or build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-${NFV_BUILD:-$top/build}}
[[ "$build" = /* ]] || build=$top/$build
py=/usr/bin/python3
tmp=$(mktemp -d /tmp/bench_run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: bench_run_test: $*" >&2; exit 1; }
for b in bench/nfvpn-gen dataplane/nfvpn-dataplane; do
	[ -x "$build/$b" ] || fail "no $build/$b (ninja -C $build $b)"
done
command -v dpdk-testpmd >/dev/null || fail "no dpdk-testpmd (Debian package dpdk)"
command -v gnuplot >/dev/null || fail "no gnuplot (Debian package gnuplot-nox)"

short=(--duration 0.2 --precision 0.1 --max-trials 60 --flows 64 --quiet)
NFV_EAL_MEM_TP=${NFV_EAL_MEM:---no-huge -m 512}

bench() {	# bench NAME ARGS...: one nfvpn-bench run into $tmp/NAME
	local name=$1; shift
	timeout 600 "$top/bench/nfvpn-bench" --build "$build" \
		--out "$tmp/$name" "${short[@]}" "$@" > "$tmp/$name.out" 2>&1 ||
		{ cat "$tmp/$name.out" >&2; fail "$name: nfvpn-bench exited with $?"; }
	cat "$tmp/$name.out"
}

check() {	# check NAME SCENARIO SIZES DEVICES
	"$py" - "$tmp/$1" "$2" "$3" "$4" <<'PYEOF' || fail "$1: outputs"
import csv, json, sys
out, scen, sizes, devs = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(",")
prec = 0.1
bad = []
def want(ok, what):
    if not ok:
        bad.append(what)
rows = list(csv.DictReader(open("%s/%s.csv" % (out, scen))))
want([(r["dut"], r["size"]) for r in rows] == [(d, s) for d in devs for s in sizes],
     "CSV rows %s" % [(r["dut"], r["size"]) for r in rows])
for r in rows:
    float(r["ndr_pps"]), float(r["pdr_pps"]), float(r["frame_bytes"]), int(r["trials"])
    want(r["ndr_generator_bound"] in ("True", "False"), "CSV generator-bound column")
doc = json.load(open("%s/%s.json" % (out, scen)))
want(doc["version"] == 1 and doc["scenario"] == scen, "JSON header")
want([d["name"] for d in doc["duts"]] == devs, "JSON devices")
for d in doc["duts"]:
    for s in d["sizes"]:
        tag = "%s %s" % (d["name"], s["size"])
        ndr, pdr = s["ndr"], s["pdr"]
        want(0 <= ndr["rate_pps"] <= pdr["rate_pps"] <= s["max_rate_pps"], tag + ": 0 <= NDR <= PDR <= max")
        for what in (ndr, pdr):
            converged = (what["max_rate_passed"] or what["rate_pps"] == 0 or
                         what["upper_pps"] - what["lower_pps"] <= prec * what["upper_pps"] * 1.000001)
            want(converged, tag + ": search interval %s" % what)
        n = sum(len(m["trials"]) + len(m["invalid"]) for m in s["measurements"])
        want(n == s["trials"] and n >= 1, tag + ": trials %d of %d" % (n, s["trials"]))
        for m in s["measurements"]:
            for t in m["trials"]:
                want(0 <= t["loss_ratio"] <= 1 and t["tx_packets"] > 0, tag + ": trial %s" % t)
        # the generator's own limit, measured first through a loopback,
        # caps the search (none for testpmd: it is the loopback)
        lim = doc["generator_limits"].get(s["size"])
        if devs[0] == "testpmd":
            want(lim is None and s["generator_limit_pps"] is None, tag + ": no generator limit")
        else:
            want(lim is not None and lim["how"] == "loopback" and lim["rate_pps"] > 0 and
                 s["generator_limit_pps"] == lim["rate_pps"] == s["max_rate_pps"],
                 tag + ": generator limit %s, max %s" % (lim, s["max_rate_pps"]))
        for what in (ndr, pdr):
            want(what["generator_bound"] == (what["max_rate_passed"] or what["upper_unreachable"]),
                 tag + ": generator_bound %s" % what)
        if ndr["rate_pps"] > 0:
            want(s["latency_ns"]["samples"] > 0 and s["histogram"], tag + ": latency at the NDR")
            want(sum(c for _, _, c in s["histogram"]) == s["latency_ns"]["samples"], tag + ": histogram")
if len(devs) > 1:
    want(len(doc["ratios"]) == len(sizes) and all(r["baseline"] == devs[1] for r in doc["ratios"]),
         "ratios %s" % doc["ratios"])
for png in ("throughput", "latency"):
    with open("%s/%s-%s.png" % (out, scen, png), "rb") as f:
        want(f.read(8) == b"\x89PNG\r\n\x1a\n", png + " PNG signature")
print("%s: %s" % (out, "ok" if not bad else "FAIL: " + "; ".join(bad)))
sys.exit(1 if bad else 0)
PYEOF
}

bench testpmd --dut testpmd --scenario forward --sizes 64,512
check testpmd forward 64,512 testpmd
bench nfvpn --dut nfvpn --scenario forward --sizes 64,imix --compare testpmd
check nfvpn forward 64,imix nfvpn,testpmd-io
grep -q "NDR/testpmd-io" "$tmp/nfvpn.out" || fail "no ratio column in the table"
# 3. any command: testpmd in mac forwarding mode, given as a template
bench cmd --dut cmd --scenario forward --sizes 64 --dut-ready "Press enter to exit" --dut-cmd \
	"stdbuf -oL dpdk-testpmd -l {lcores} --no-pci --no-telemetry $NFV_EAL_MEM_TP --file-prefix {prefix} \
	 --vdev net_memif0,role=server,id=0,socket={socket0} --vdev net_memif1,role=server,id=1,socket={socket1} \
	 -- --forward-mode=mac --eth-peer=1,02:00:00:00:01:02 --total-num-mbufs=16384 --auto-start"
check cmd forward 64 cmd
echo "PASS: bench_run_test"
