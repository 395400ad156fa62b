#!/usr/bin/env bash
# ESP on one worker core: nfvpn-dataplane encrypting and decrypting
# AES-128-GCM tunnel mode, against the two things it cannot beat, measured
# in the same run on the same core:
#   raw  intel-ipsec-mb's one-shot AES-128-GCM on bursts of 32 (esp_raw.c)
#   io   dpdk-testpmd --forward-mode=io on the same virtual ports
#        (net_pcap infinite_rx=1 replaying the same frames -> net_null)
# limit = 1 / (1/raw + 1/io) packets/s: crypto plus moving packets, nothing
# else. Prints per-round figures and the medians of the per-round ratios
# nfvpn / limit. Each DPDK run holds /tmp/nfvpn-dpdk.lock.
#   bench/esp/run.sh [ROUNDS] [SECONDS] [SIZES]     (default 3 3 "64 512 1400 imix")
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3}
secs=${2:-3}
sizes=${3:-64 512 1400 imix}
build=${NFV_BUILD:-$top/build}
work=$(mktemp -d /tmp/nfvpn-bench-esp.XXXXXX)
trap 'rm -rf "$work"' EXIT
mem=${NFV_EAL_MEM:---no-huge -m 1024}
testpmd=$(command -v dpdk-testpmd)
core=1	# the worker core of both DPDK programs, and of esp_raw
lock=/tmp/nfvpn-dpdk.lock

cc -O2 -march=native -Wall -Wextra -Werror -o "$work/esp_raw" "$top/bench/esp/esp_raw.c" -lIPSec_MB
/usr/bin/python3 "$top/bench/esp/mkpcap.py" "$work"

# Mpps of the worker over its traffic, from the dataplane's exit summary
run_nfvpn() {	# run_nfvpn enc|dec SIZE
	sed "s|{pcap}|$([ "$1" = enc ] && echo clear || echo esp)-$2.pcap|" \
		"$work/policy-$1.yaml" > "$work/p.yaml"
	chmod 600 "$work/p.yaml"
	# shellcheck disable=SC2086
	flock "$lock" timeout $((secs + 30)) "$build/dataplane/nfvpn-dataplane" -l 0,$core --no-pci \
		--file-prefix besp$$ $mem --log-level lib.eal:warning -- --config "$work/p.yaml" \
		--socket "$work/sock" > "$work/nfvpn.log" 2>&1 &
	local pid=$!
	for _ in $(seq 100); do grep -q 'running' "$work/nfvpn.log" 2>/dev/null && break; sleep 0.1; done
	sleep "$secs"
	"$build/control/nfvpnctl" --socket "$work/sock" --json stats > "$work/stats.json"
	pkill -INT -P $pid -f nfvpn-dataplane 2>/dev/null || kill -INT $pid
	wait $pid || true
	# every packet must have been processed: no drop but the pcap's loop
	/usr/bin/python3 - "$work/stats.json" <<'EOP' >&2
import json, sys
d = json.load(open(sys.argv[1]))
items = d if isinstance(d, list) else d.get("counters", d)
bad = {c["name"]: c["value"] for c in items if c["name"].startswith("drop.") and c["value"]}
if bad:
    print("nfvpn drops:", bad)
EOP
	sed -n 's/.*worker 0: \([0-9.]*\) Mpps rx.*/\1/p' "$work/nfvpn.log"
}

# Mpps forwarded by testpmd in the last statistics period
run_testpmd() {	# run_testpmd PCAP
	# shellcheck disable=SC2086
	flock "$lock" timeout $((secs + 30)) "$testpmd" -l 0,$core --no-pci --file-prefix btpmd$$ $mem \
		--log-level lib.eal:warning \
		--vdev "net_pcap_bt0,rx_pcap=$work/$1,infinite_rx=1" \
		--vdev "net_null_bt1,no-rx=1" -- \
		--forward-mode=io --auto-start --stats-period 1 --nb-cores=1 \
		--rxq=1 --txq=1 < /dev/null > "$work/testpmd.log" 2>&1 &
	local pid=$!
	for _ in $(seq 100); do grep -q 'Port statistics' "$work/testpmd.log" 2>/dev/null && break; sleep 0.1; done
	sleep "$secs"
	pkill -INT -P $pid -f dpdk-testpmd 2>/dev/null || kill -INT $pid
	wait $pid || true
	tr -d '\r' < "$work/testpmd.log" | awk '/statistics for port 1/ {p=1} p && /Tx-pps:/ {v=$2; p=0} END {printf "%.3f\n", v / 1e6}'
}

run_raw() {	# run_raw enc|dec SIZE
	flock "$lock" taskset -c $core "$work/esp_raw" "$secs" "$2" | awk -v d="$1" '$2 == d {print $4}'
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# mean inner packet bytes of a size label, for Gbit/s
bytes_of() { [ "$1" = imix ] && echo 426.67 || echo "$1"; }

echo "# $(date -u +%FT%TZ) $(uname -r) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# rounds=$rounds secs=$secs core=$core"
for r in $(seq "$rounds"); do
	for s in $sizes; do
		for d in enc dec; do
			pcap=$([ $d = enc ] && echo clear || echo esp)-$s.pcap
			io=$(run_testpmd "$pcap")
			raw=$(run_raw $d "$s")
			n=$(run_nfvpn $d "$s")
			lim=$(awk -v a="$raw" -v b="$io" 'BEGIN {printf "%.3f", 1 / (1 / a + 1 / b)}')
			ratio=$(awk -v n="$n" -v l="$lim" 'BEGIN {printf "%.3f", n / l}')
			echo "$ratio" >> "$work/ratio-$d-$s"
			echo "$n" >> "$work/nfvpn-$d-$s"
			echo "$raw" >> "$work/raw-$d-$s"
			echo "$io" >> "$work/io-$d-$s"
			printf 'round %d %s %5s: io %s raw %s limit %s nfvpn %s Mpps ratio %s\n' \
				"$r" $d "$s" "$io" "$raw" "$lim" "$n" "$ratio"
		done
	done
done
echo
printf '%-4s %-5s %8s %8s %8s %8s %8s %7s\n' dir size "io Mpps" "raw Mpps" "nfvpn" "Gbit/s" "ratio" ""
for d in enc dec; do
	for s in $sizes; do
		n=$(median < "$work/nfvpn-$d-$s")
		printf '%-4s %-5s %8s %8s %8s %8.2f %8s\n' $d "$s" "$(median < "$work/io-$d-$s")" \
			"$(median < "$work/raw-$d-$s")" "$n" \
			"$(awk -v n="$n" -v b="$(bytes_of "$s")" 'BEGIN {print n * b * 8 / 1000}')" \
			"$(median < "$work/ratio-$d-$s")"
	done
done
