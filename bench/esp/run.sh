#!/usr/bin/env bash
# ESP on one worker core: nfvpn-dataplane encrypting and decrypting
# AES-128-GCM tunnel mode, against the two things it cannot beat, measured
# in the same run on the same core:
#   raw  intel-ipsec-mb's one-shot AES-128-GCM on bursts of 32 (esp_raw.c)
#   io   dpdk-testpmd --forward-mode=io on the same virtual ports
#        (net_pcap infinite_rx=1 replaying the same frames -> net_null)
# limit = 1 / (1/raw + 1/io) packets/s: crypto plus moving packets, nothing
# else. Prints per-round figures and the medians of the per-round ratios
# nfvpn / limit. Each run holds /tmp/nfvpn-dpdk.lock; or hold it for the
# whole benchmark (steadier: nothing else runs in between) with
#   flock /tmp/nfvpn-dpdk.lock env NFV_LOCK_HELD=1 bench/esp/run.sh ...
# (a nested flock on the same file would wait for ever).
#   bench/esp/run.sh [ROUNDS] [SECONDS] [SIZES]     (default 3 3 "64 512 1400 imix")
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3}
secs=${2:-3}
sizes=${3:-64 512 1400 imix}
build=${NFV_BUILD:-$top/build}
# NFV_BUILD_BASE: another build (say, of the previous commit) run in the
# same rounds, right after this one, for an A/B of a change
base=${NFV_BUILD_BASE:-}
work=$(mktemp -d /tmp/nfvpn-bench-esp.XXXXXX)
trap 'rm -rf "$work"' EXIT
# hugepages when the machine has them (as ci/test.sh), else --no-huge;
# NFV_EAL_MEM overrides
if [ -z "${NFV_EAL_MEM:-}" ]; then
	. "$top/ci/lib.sh"
	nfv_hugepages
fi
mem=$NFV_EAL_MEM
testpmd=$(command -v dpdk-testpmd)
core=1	# the worker core of both DPDK programs, and of esp_raw
lock=/tmp/nfvpn-dpdk.lock
if [ "${NFV_LOCK_HELD:-0}" = 1 ]; then
	flock() { shift; "$@"; }	# the caller holds the lock already
fi

cc -O2 -march=native -Wall -Wextra -Werror -o "$work/esp_raw" "$top/bench/esp/esp_raw.c" -lIPSec_MB
/usr/bin/python3 "$top/bench/esp/mkpcap.py" "$work"

# Mpps of the worker over its traffic, from the dataplane's exit summary.
# Start, run and stop all happen under the lock.
run_nfvpn() {	# run_nfvpn enc|dec SIZE [BUILD]
	sed "s|{pcap}|$([ "$1" = enc ] && echo clear || echo esp)-$2.pcap|" \
		"$work/policy-$1.yaml" > "$work/p.yaml"
	chmod 600 "$work/p.yaml"
	# shellcheck disable=SC2016
	flock "$lock" bash -c '
		"$1/dataplane/nfvpn-dataplane" -l 0,'"$core"' --no-pci --file-prefix besp$$ $2 \
			--log-level lib.eal:warning -- --config "$3/p.yaml" \
			--socket "$3/sock" > "$3/nfvpn.log" 2>&1 &
		pid=$!
		for _ in $(seq 100); do grep -q running "$3/nfvpn.log" && break; sleep 0.1; done
		sleep "$4"
		"$1/control/nfvpnctl" --socket "$3/sock" --json stats > "$3/stats.json"
		kill -INT $pid
		wait $pid' _ "${3:-$build}" "$mem" "$work" "$secs"
	# every packet must have been processed: no drop at all
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

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Mpps forwarded by testpmd: the median of the statistics periods in which
# it forwarded (the first and the last may be partial)
run_testpmd() {	# run_testpmd PCAP
	# shellcheck disable=SC2016
	flock "$lock" bash -c '
		"$1" -l 0,'"$core"' --no-pci --file-prefix btpmd$$ $2 --log-level lib.eal:warning \
			--vdev "net_pcap_bt0,rx_pcap=$3/$5,infinite_rx=1" \
			--vdev "net_null_bt1,no-rx=1" -- \
			--forward-mode=io --auto-start --stats-period 1 --nb-cores=1 \
			--rxq=1 --txq=1 < /dev/null > "$3/testpmd.log" 2>&1 &
		pid=$!
		for _ in $(seq 100); do grep -q "Port statistics" "$3/testpmd.log" && break; sleep 0.1; done
		sleep "$4"
		kill -INT $pid
		wait $pid' _ "$testpmd" "$mem" "$work" "$secs" "$1" || true
	tr -d '\r' < "$work/testpmd.log" | awk '/statistics for port 1/ {p=1} p && /Tx-pps:/ {if ($2 > 0) print $2 / 1e6; p=0}' |
		median
}

run_raw() {	# run_raw enc|dec SIZE
	flock "$lock" taskset -c $core "$work/esp_raw" "$secs" "$2" "$1" | awk -v d="$1" '$2 == d {print $4}'
}

# mean inner packet bytes of a size label, for Gbit/s
bytes_of() { [ "$1" = imix ] && echo 354.33 || echo "$1"; }

echo "# $(date -u +%FT%TZ) $(uname -r) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# rounds=$rounds secs=$secs core=$core mem: $mem"
for r in $(seq "$rounds"); do
	for s in $sizes; do
		for d in enc dec; do
			pcap=$([ $d = enc ] && echo clear || echo esp)-$s.pcap
			io=$(run_testpmd "$pcap")
			raw=$(run_raw $d "$s")
			n=$(run_nfvpn $d "$s")
			if [ -n "$base" ]; then
				b=$(run_nfvpn $d "$s" "$base")
				echo "$b" >> "$work/base-$d-$s"
				awk -v n="$n" -v b="$b" 'BEGIN {printf "%.3f\n", n / b}' >> "$work/vsbase-$d-$s"
				printf 'round %d %s %5s: base %s Mpps, this build / base %s\n' "$r" $d "$s" \
					"$b" "$(tail -1 "$work/vsbase-$d-$s")"
			fi
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
if [ -n "$base" ]; then
	echo
	printf '%-4s %-5s %8s %8s %12s\n' dir size "base" "this" "this / base"
	for d in enc dec; do
		for s in $sizes; do
			printf '%-4s %-5s %8s %8s %12s\n' $d "$s" "$(median < "$work/base-$d-$s")" \
				"$(median < "$work/nfvpn-$d-$s")" "$(median < "$work/vsbase-$d-$s")"
		done
	done
fi
