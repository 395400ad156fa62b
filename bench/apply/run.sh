#!/usr/bin/env bash
# How fast nfvpnd applies route changes to a running nfvpn-dataplane: the
# dataplane runs one worker on a net_null port (no traffic); nfvpnd starts
# with no routes, then reloads between policies of N routes (mkpolicy.py):
# the first reload adds N routes, each later one replaces all N (the
# gateways swap), the last deletes them. Each reload is timed from
# nfvpnctl reload to its answer (load, read back, diff, the transaction,
# its commit). Prints each run's route changes per second and the median.
#   bench/apply/run.sh [ROUTES] [RUNS]
# Defaults: 20000 routes, 5 replacing runs. NFV_BUILD (default: build/),
# NFV_EAL_MEM (default --huge-unlink --socket-limit 1024; --no-huge -m 1024
# where no hugepages are set up), NFV_LOCK (default /tmp/nfvpn-dpdk.lock:
# held for the whole run, so no other poller shares the cores).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
routes=${1:-20000}
runs=${2:-5}
build=${NFV_BUILD:-$top/build}
lock=${NFV_LOCK:-/tmp/nfvpn-dpdk.lock}
if [ -z "${NFV_EAL_MEM:-}" ]; then
	NFV_EAL_MEM="--no-huge -m 1024"
	[ "$(cat /proc/sys/vm/nr_hugepages)" -gt 0 ] && NFV_EAL_MEM="--huge-unlink --socket-limit 1024"
fi
work=$(mktemp -d /tmp/nfvpn-bench-apply.XXXXXX)
trap 'rm -rf "$work"' EXIT
for v in 0 1 2; do
	/usr/bin/python3 "$top/bench/apply/mkpolicy.py" "$work/p$v.yaml" "$routes" "$v"
	chmod 600 "$work/p$v.yaml"
done

# shellcheck disable=SC2016
flock "$lock" bash -c '
	set -u
	build=$1 work=$2 mem=$3 runs=$4 routes=$5
	ctl() { "$build/control/nfvpnctl" --socket "$work/sock" "$@"; }
	"$build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bapply$$ $mem \
		--log-level lib.eal:warning -- --config "$work/p0.yaml" \
		--socket "$work/sock" > "$work/dp.log" 2>&1 &
	dp=$!
	for _ in $(seq 100); do grep -q running "$work/dp.log" && break; sleep 0.1; done
	cp "$work/p0.yaml" "$work/policy.yaml"
	export NFVPND_SOCKET=$work/nfvpnd.sock
	"$build/control/nfvpnd/nfvpnd" --config "$work/policy.yaml" --socket "$work/sock" \
		--control "$NFVPND_SOCKET" --no-steer > "$work/nfvpnd.log" 2>&1 &
	nd=$!
	for _ in $(seq 100); do grep -q "changes applied\|no change" "$work/nfvpnd.log" && break; sleep 0.1; done
	seqn="1"
	for i in $(seq "$runs"); do seqn="$seqn $((i % 2 + 1))"; done
	for v in $seqn 0; do
		cp "$work/p$v.yaml" "$work/policy.yaml"
		t0=$(date +%s.%N)
		ctl reload > "$work/o" 2>&1 || { echo "apply: reload failed: $(tail -3 "$work/o")" >&2; break; }
		t1=$(date +%s.%N)
		n=$(sed -n "s/.*generation [0-9]*: \([0-9]*\) changes applied.*/\1/p" "$work/o")
		echo "$v ${n:-0} $t0 $t1"
	done > "$work/runs"
	[ "$(ctl routes | grep -c "11\.\|2001:db8:[1-9a-f][0-9a-f]*:")" = 0 ] || echo "apply: routes left after the last run" >&2
	kill -TERM $nd; wait $nd || true
	kill -INT $dp; wait $dp || echo "apply: nfvpn-dataplane exited with $?" >&2
' _ "$build" "$work" "$NFV_EAL_MEM" "$runs" "$routes"

/usr/bin/python3 - "$work/runs" "$routes" <<'EOP'
import statistics, sys
rates = []
for line in open(sys.argv[1]):
    v, n, t0, t1 = line.split()
    what = {"1": "add", "2": "replace", "0": "delete"}[v]
    if what == "add" and rates:
        what = "replace"
    s = float(t1) - float(t0)
    r = int(n) / s if s > 0 else 0
    rates.append(r)
    print("%-8s %6d changes in %6.3f s: %8.0f route changes/s" % (what, int(n), s, r))
if rates:
    print("median of %d runs: %.0f route changes/s (%s routes)"
          % (len(rates), statistics.median(rates), sys.argv[2]))
EOP
