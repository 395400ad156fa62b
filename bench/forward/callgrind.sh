#!/usr/bin/env bash
# Instructions per packet of the worker thread on the forwarding policies of
# run.sh (mkpolicy.py), exact and repeatable where wall-clock rates move by
# ±30 %: nfvpn-dataplane under callgrind, collecting only inside
# nfv_worker_main. For the flowtable setups the ruleset is loaded over the
# socket (bench/flowtable's nfvpn-flow-load) once the dataplane answers,
# the flows are given WARM seconds to be offloaded, then the counters are
# zeroed (callgrind_control -z) and the worker's rx read (nfvpnctl stats);
# instructions per packet = the instructions collected from then on / the
# packets received from then on, so the slow-path packets before the
# offload are not counted.
#   NFV_BUILD=build-cg bench/forward/callgrind.sh [SECONDS] [SETUP...]
# SETUP: full (no conntrack: run.sh's nfvpn), ft (conntrack + flow add @ft:
# run.sh's flowtable), ct (the same ruleset less flow add: run.sh's
# conntrack); default: full ft ct. The build must not use AVX-512, which
# valgrind cannot run: meson setup build-cg -Dmarch=x86-64-v3 -Dtests=false.
# Run it under flock /tmp/nfvpn-dpdk.lock. NFV_CG_KEEP=DIR keeps the
# callgrind.out.SETUP files for callgrind_annotate. NFV_CG_WARM (default 8).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${NFV_BUILD:-$top/build}
export NFVPN_NFTC=${NFVPN_NFTC:-$build/control/nftc/nfvpn-nftc}
secs=${1:-20}
shift || true
setups=${*:-full ft ct}
warm=${NFV_CG_WARM:-8}
work=$(mktemp -d /tmp/nfvpn-cg-fwd.XXXXXX)
trap 'rm -rf "$work"' EXIT
keep=${NFV_CG_KEEP:-}

/usr/bin/python3 "$top/bench/forward/mkpolicy.py" "$work" 1000 64 > /dev/null

# the worker's rx counter, from the running dataplane
rx_now() {
	"$build/control/nfvpnctl" --socket "$work/sock" --json stats | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d.get("counters", d) if isinstance(d, dict) else d
c = {x["name"]: x["value"] for x in c} if isinstance(c, list) else c
print(c.get("rx", 0), c.get("flow.offloaded", 0))'
}

for s in $setups; do
	policy=$work/policy-ft.yaml
	[ "$s" != full ] || policy=$work/policy.yaml
	rm -f "$work/sock"
	# names written out in every dump: the dump after the zeroing
	# must name the functions itself for callgrind_annotate
	valgrind --tool=callgrind --toggle-collect=nfv_worker_main \
		--compress-strings=no --compress-pos=no \
		--callgrind-out-file="$work/callgrind.out.$s" \
		"$build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bcgf$$ \
		--no-huge -m 1024 --log-level lib.eal:warning -- \
		--config "$policy" --socket "$work/sock" > "$work/log.$s" 2>&1 &
	pid=$!
	for _ in $(seq 600); do [ -S "$work/sock" ] && break; sleep 0.1; done
	case $s in
	ft) "$build/bench/nfvpn-flow-load" "$work/sock" offload >&2 ;;
	ct) "$build/bench/nfvpn-flow-load" "$work/sock" plain >&2 ;;
	esac
	sleep "$warm"
	callgrind_control -z $pid > /dev/null
	read -r rx0 off0 < <(rx_now)
	sleep "$secs"
	read -r rx1 off1 < <(rx_now)
	callgrind_control -d $pid > /dev/null	# the counts of rx0..rx1
	kill -INT $pid
	wait $pid || true
	# the dump callgrind_control -d wrote: callgrind.out.SETUP.1 (no
	# instructions are executed between it and the rx1 read but its own)
	out=$(ls "$work/callgrind.out.$s".* 2>/dev/null | head -n 1)
	ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p;s/^totals: \([0-9]*\).*/\1/p' "$out" |
		head -n 1)
	rx=$((rx1 - rx0))
	if [ -z "$ir" ] || [ "$rx" -le 0 ]; then
		echo "setup $s: no rx or no total; log:" >&2
		tail -n 20 "$work/log.$s" >&2
		exit 1
	fi
	printf '%-5s rx %9s  offloaded %5.1f%%  Ir %12s  %6.1f instructions/packet\n' "$s" "$rx" \
		"$(awk -v o=$((off1 - off0)) -v r="$rx" 'BEGIN {print 100 * o / r}')" "$ir" \
		"$(awk -v i="$ir" -v r="$rx" 'BEGIN {print i / r}')"
	[ -z "$keep" ] || cp "$out" "$keep/callgrind.out.fwd-$s"
done
