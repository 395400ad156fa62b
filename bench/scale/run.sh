#!/usr/bin/env bash
# Scaling with workers: nfvpn-dataplane forwarding (bench/forward's policy:
# 1,000 routes, a counting entry on three hooks) and ESP encrypting (bench/
# esp's SA: AES-128-GCM tunnel, one outbound SA shared by every worker) with
# 1, 2, 4, ... N workers, each on its own core with its own rx/tx queue on
# both ports. Prints, per work and worker count, the rate of each worker
# and their sum (from the dataplane's exit summary), and the speed-up over
# one worker.
#   bench/scale/run.sh [MAX_WORKERS] [SECONDS] [FRAME]
# Defaults: as many workers as cores minus one (the main lcore), 5 s, 64 B.
# Cores: main lcore on the first core of SCALE_CORES (default: all cores,
# "0-(nproc-1)"), worker w on the (w+1)th. Ports: p0 is net_pcap with one
# rx queue per worker, each replaying the same frames (infinite_rx), as
# RSS would give each worker its share; p1 is net_null (no-rx), one tx
# queue per worker. No generator core is needed.
# SCALE_SMOKE=1 (or fewer than MAX_WORKERS + 1 cores) runs every worker on
# one shared core with EAL --lcores: it checks that the script runs, it
# measures nothing, and every line says so.
# NFV_BUILD (default build-native, bench/native.sh), NFV_EAL_MEM (default --no-huge -m 1024) as in
# the other benchmarks; hugepages give steadier figures on a big machine.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
ncpu=$(nproc)
max=${1:-$((ncpu - 1))}
secs=${2:-5}
frame=${3:-64}
build=$("$top/bench/native.sh")	# -Dmarch=native; NFV_BUILD overrides
mem=${NFV_EAL_MEM:---no-huge -m 1024}
lock=${NFV_LOCK:-/tmp/nfvpn-dpdk.lock}
smoke=${SCALE_SMOKE:-0}
[ "$max" -ge 1 ] || { echo "scale: MAX_WORKERS must be at least 1" >&2; exit 2; }
# the cores: a list like 0-15 or 2,4,6,8
cores=($(/usr/bin/python3 -c '
import sys
out = []
for part in sys.argv[1].split(","):
    a, _, b = part.partition("-")
    out += range(int(a), int(b or a) + 1)
print(" ".join(map(str, out)))' "${SCALE_CORES:-0-$((ncpu - 1))}"))
if [ "${#cores[@]}" -lt $((max + 1)) ]; then
	echo "scale: ${#cores[@]} cores for $max workers and the main lcore: SCALE_SMOKE=1" >&2
	smoke=1
fi
label=""
[ "$smoke" = 1 ] && label=" [SMOKE: all workers share core ${cores[1]:-${cores[0]}}, NOT A MEASUREMENT]"

work=$(mktemp -d /tmp/nfvpn-bench-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/fwd" "$work/esp"
/usr/bin/python3 "$top/bench/forward/mkpolicy.py" "$work/fwd" 1000 "$frame" >/dev/null
/usr/bin/python3 "$top/bench/esp/mkpcap.py" "$work/esp" >/dev/null
# bench/esp's sizes are inner IP packets: 64, 512, 1400
esp_size=$frame
[ -f "$work/esp/clear-$esp_size.pcap" ] || esp_size=64

# policy WORK N: the policy of WORK for N workers: p0 gets N rx queues
policy() {	# policy fwd|enc N > FILE
	local n=$2 src pcap i rx=""
	if [ "$1" = fwd ]; then
		src=$work/fwd/policy.yaml pcap=$work/fwd/traffic.pcap
	else
		src=$work/esp/policy-enc.yaml pcap=$work/esp/clear-$esp_size.pcap
	fi
	for i in $(seq "$n"); do rx="${rx}rx_pcap=$pcap,"; done
	sed -e "s|{pcap}|$(basename "$pcap")|" "$src" |
		sed -e "s|rx_pcap=[^,]*,infinite_rx=1|${rx}infinite_rx=1|"
}

# lcores N: the EAL's lcore options for N workers
lcores() {
	local n=$1 list="${cores[0]}" w
	if [ "$smoke" = 1 ]; then
		echo "--lcores 0@${cores[0]},(1-$n)@${cores[1]:-${cores[0]}}"
		return
	fi
	for w in $(seq "$n"); do list="$list,${cores[$w]}"; done
	echo "-l $list"
}

# run WORK N: the per-worker Mpps, space separated, from the exit summary
run() {
	policy "$1" "$2" > "$work/p.yaml"
	chmod 600 "$work/p.yaml"
	# shellcheck disable=SC2016
	flock "$lock" bash -c '
		"$1/dataplane/nfvpn-dataplane" $2 --no-pci --file-prefix bscale$$ $3 \
			--log-level lib.eal:warning -- --config "$4/p.yaml" \
			--socket "$4/sock" > "$4/nfvpn.log" 2>&1 &
		pid=$!
		for _ in $(seq 100); do grep -q running "$4/nfvpn.log" && break; sleep 0.1; done
		sleep "$5"
		"$1/control/nfvpnctl" --socket "$4/sock" --json stats > "$4/stats.json"
		"$1/control/nfvpnctl" --socket "$4/sock" --json status > "$4/status.json"
		kill -INT $pid
		wait $pid' _ "$build" "$(lcores "$2")" "$mem" "$work" "$secs" || {
		echo "scale: nfvpn-dataplane failed ($1, $2 workers):" >&2
		tail -5 "$work/nfvpn.log" >&2
		return 1
	}
	/usr/bin/python3 - "$work/stats.json" "$work/status.json" "$2" <<'EOP' >&2
import json, sys
d = json.load(open(sys.argv[1]))
items = d if isinstance(d, list) else d.get("counters", d)
bad = {c["name"]: c["value"] for c in items if c["name"].startswith("drop.") and c["value"]}
if bad:
    print("scale: nfvpn drops:", bad)
w = json.load(open(sys.argv[2]))["workers"]
if w != int(sys.argv[3]):
    print("scale: status says %s workers, expected %s" % (w, sys.argv[3]))
EOP
	local rates
	rates=$(sed -n 's/.*worker \([0-9]*\): \([0-9.]*\) Mpps rx.*/\2/p' "$work/nfvpn.log" | tr '\n' ' ')
	[ "$(echo "$rates" | wc -w)" = "$2" ] ||
		echo "scale: only $(echo "$rates" | wc -w) of $2 workers received traffic" >&2
	echo "$rates"
}

echo "nfvpn scaling: $frame B frames (ESP: $esp_size B inner IP packets), $secs s per run, $(lscpu | sed -n 's/^Model name: *//p')$label"
counts=()
n=1
while [ "$n" -le "$max" ]; do counts+=("$n"); n=$((n * 2)); done
[ "${counts[-1]}" = "$max" ] || counts+=("$max")
for what in fwd enc; do
	one=
	for n in "${counts[@]}"; do
		rates=$(run "$what" "$n") || { echo "$what $n workers: failed$label"; continue; }
		sum=$(echo "$rates" | awk '{s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.3f", s}')
		[ -n "$one" ] || one=$sum
		speedup=$(awk -v s="$sum" -v o="$one" 'BEGIN { printf "%.2f", (o > 0) ? s / o : 0 }')
		printf '%-7s %2d workers (%s): %s Mpps, x%s of 1 worker; per worker: %s%s\n' \
			"$([ "$what" = fwd ] && echo forward || echo esp-enc)" "$n" "$(lcores "$n")" \
			"$sum" "$speedup" "$rates" "$label"
	done
done
