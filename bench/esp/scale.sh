#!/usr/bin/env bash
# ESP with many SAs against ESP with one (issue 12: "ESP with 10,000 SAs
# and 20,000 policies, remote-access shape, traffic spread over all SAs:
# >= 0.8 x the one-SA rate"): nfvpn-dataplane, one worker, on
# bench/esp/mkpolicy_ra.py's concentrator (AES-GCM-256 in UDP 4500, two
# networks: 2 SAs and 4 policies a peer; --bench: no ESN and no replay
# window, the pcap loops) with 1 peer and with PEERS peers, the traffic of
# bench/esp/mkpcap_ra.py (every peer once per pass, shuffled; the one-peer
# file has as many frames, all of its SA) replayed by net_pcap
# (infinite_rx=1) into net_null, in the same rounds:
#   enc  cleartext from the corporate side to every peer's virtual address
#   dec  every peer's own ESP to the concentrator
# Prints per round the Mpps of both (the worker's rx rate, from the
# dataplane's exit summary; a run that dropped anything says so) and the
# medians of the per-round ratios PEERS / one. NFV_BUILD_BASE: another
# build run in the same rounds, right after this one.
#   bench/esp/scale.sh [ROUNDS] [SECONDS] [SIZES] [PEERS]   (default 5 3 "64 1400" 5000)
# Each run holds /tmp/nfvpn-dpdk.lock; NFV_LOCK_HELD=1 when the caller
# holds it for the whole benchmark.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-5}
secs=${2:-3}
sizes=${3:-64 1400}
peers=${4:-5000}
build=${NFV_BUILD:-$top/build}
base=${NFV_BUILD_BASE:-}
work=$(mktemp -d /tmp/nfvpn-bench-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "${NFV_EAL_MEM:-}" ]; then
	. "$top/ci/lib.sh"
	nfv_hugepages
fi
mem=$NFV_EAL_MEM
core=1
lock=/tmp/nfvpn-dpdk.lock
if [ "${NFV_LOCK_HELD:-0}" = 1 ]; then
	flock() { shift; "$@"; }
fi

# the same number of frames for both (every peer once per pass), so that
# the pcap's replay costs the same and only the SAs and policies differ
frames=$((peers > 64 ? peers : 64))
for p in 1 "$peers"; do
	mkdir -p "$work/p$p"
	/usr/bin/python3 "$top/bench/esp/mkpcap_ra.py" "$work/p$p" "$p" "$sizes" "$frames"
done

# Mpps of the worker over its traffic; what it dropped goes to stderr.
run_nfvpn() {	# run_nfvpn enc|dec SIZE PEERS BUILD
	local inet corp
	if [ "$1" = enc ]; then
		corp="net_pcap_bs0,rx_pcap=$work/p$3/clear-$2.pcap,infinite_rx=1"
		inet="net_null_bs1,no-rx=1"
	else
		inet="net_pcap_bs0,rx_pcap=$work/p$3/esp-$2.pcap,infinite_rx=1"
		corp="net_null_bs1,no-rx=1"
	fi
	(umask 077; /usr/bin/python3 "$top/bench/esp/mkpolicy_ra.py" --peers "$3" --lab \
		--no-filter --bench --inet "$inet" --corp "$corp" > "$work/p.yaml")
	# shellcheck disable=SC2016
	flock "$lock" bash -c '
		"$1/dataplane/nfvpn-dataplane" -l 0,'"$core"' --no-pci --file-prefix bsc$$ $2 \
			--log-level lib.eal:warning -- --config "$3/p.yaml" \
			--socket "$3/sock" > "$3/nfvpn.log" 2>&1 &
		pid=$!
		for _ in $(seq 600); do grep -q running "$3/nfvpn.log" && break; sleep 0.1; done
		sleep "$4"
		"$1/control/nfvpnctl" --socket "$3/sock" --json stats > "$3/stats.json"
		kill -INT $pid
		wait $pid' _ "$4" "$mem" "$work" "$secs"
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

median() { sort -g | awk '{a[NR]=$1} END {if (!NR) print "n/a"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "# $(date -u +%FT%TZ) $(uname -r) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# rounds=$rounds secs=$secs peers=1 and $peers ($((2 * peers)) SAs, $((4 * peers)) policies) mem: $mem"
for r in $(seq "$rounds"); do
	for s in $sizes; do
		for d in enc dec; do
			for b in this ${base:+base}; do
				bd=$build
				[ "$b" = base ] && bd=$base
				one=$(run_nfvpn $d "$s" 1 "$bd")
				many=$(run_nfvpn $d "$s" "$peers" "$bd")
				ratio=$(awk -v a="$many" -v b="$one" 'BEGIN {printf "%.3f", a / b}')
				echo "$one" >> "$work/$b-one-$d-$s"
				echo "$many" >> "$work/$b-many-$d-$s"
				echo "$ratio" >> "$work/$b-ratio-$d-$s"
				printf 'round %d %-4s %s %5s: one SA %s Mpps, %d peers %s Mpps, ratio %s\n' \
					"$r" "$b" $d "$s" "$one" "$peers" "$many" "$ratio"
			done
		done
	done
done
echo
printf '%-5s %-4s %5s %10s %10s %12s\n' build dir size "one Mpps" "many Mpps" "many / one"
for b in this ${base:+base}; do
	for d in enc dec; do
		for s in $sizes; do
			printf '%-5s %-4s %5s %10s %10s %12s\n' "$b" "$d" "$s" \
				"$(median < "$work/$b-one-$d-$s")" "$(median < "$work/$b-many-$d-$s")" \
				"$(median < "$work/$b-ratio-$d-$s")"
		done
	done
done
