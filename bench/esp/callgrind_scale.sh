#!/usr/bin/env bash
# Instructions per packet of the worker thread for bench/esp/scale.sh's
# two setups, exact and repeatable where its wall-clock rates are not:
# mkpolicy_ra.py's concentrator with 1 peer (2 SAs, 4 policies) and with
# PEERS peers (default 5,000: 10,000 SAs, 20,000 policies), the traffic
# of mkpcap_ra.py (the same number of frames for both, every peer once
# per pass in the many-peer file) replayed by net_pcap into net_null.
# nfvpn-dataplane runs under callgrind, collecting only inside
# nfv_worker_main, stopped with SIGINT after SECONDS; instructions per
# packet = the collected total / the worker's rx count in the exit
# summary (as bench/filter/callgrind.sh). With NFV_CG_CACHE=1 callgrind
# also simulates the caches and the data reads that miss the first
# level (D1mr) and the last (DLmr) are given per packet too: the cost
# of many SAs that instructions do not show (their state does not fit
# in the cache).
#   NFV_BUILD=build-cg bench/esp/callgrind_scale.sh [SECONDS] [SIZE] [DIRS] [PEERS]
# (default 40 64 "enc dec" 5000). The build must not use AVX-512, which
# valgrind cannot run: meson setup build-cg -Dmarch=x86-64-v3
# -Dtests=false, targets dataplane/nfvpn-dataplane. Run it under flock
# /tmp/nfvpn-dpdk.lock. NFV_CG_KEEP=DIR keeps the callgrind.out files.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${NFV_BUILD:-$top/build}
secs=${1:-40}
size=${2:-64}
dirs=${3:-enc dec}
peers=${4:-5000}
work=$(mktemp -d /tmp/nfvpn-cg-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
cache=()
[ "${NFV_CG_CACHE:-0}" = 0 ] || cache=(--cache-sim=yes)

frames=$((peers > 64 ? peers : 64))
for p in 1 "$peers"; do
	mkdir -p "$work/p$p"
	/usr/bin/python3 "$top/bench/esp/mkpcap_ra.py" "$work/p$p" "$p" "$size" "$frames"
done

# the total of event EV (Ir, D1mr, DLmr) in a callgrind.out file
total() {	# total FILE EV
	awk -v ev="$2" '/^events:/ {for (i = 2; i <= NF; i++) if ($i == ev) k = i - 1}
		/^(summary|totals):/ && k {print $(k + 1); exit}' "$1"
}

for d in $dirs; do
	for p in 1 "$peers"; do
		if [ "$d" = enc ]; then
			corp="net_pcap_bc0,rx_pcap=$work/p$p/clear-$size.pcap,infinite_rx=1"
			inet="net_null_bc1,no-rx=1"
		else
			inet="net_pcap_bc0,rx_pcap=$work/p$p/esp-$size.pcap,infinite_rx=1"
			corp="net_null_bc1,no-rx=1"
		fi
		(umask 077; /usr/bin/python3 "$top/bench/esp/mkpolicy_ra.py" --peers "$p" --lab \
			--no-filter --bench --inet "$inet" --corp "$corp" > "$work/p.yaml")
		out=$work/callgrind.out.$d-$p
		valgrind --tool=callgrind --toggle-collect=nfv_worker_main "${cache[@]}" \
			--callgrind-out-file="$out" \
			"$build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bcgsc$$ \
			--no-huge -m 1024 --log-level lib.eal:warning -- \
			--config "$work/p.yaml" --socket "$work/sock" > "$work/log" 2>&1 &
		pid=$!
		# the worker starts once the policy is loaded: 10,000 SAs take
		# a while under valgrind
		for _ in $(seq 1800); do grep -q running "$work/log" && break; sleep 0.1; done
		sleep "$secs"
		kill -INT $pid
		wait $pid || true
		rx=$(sed -n 's/^  rx \([0-9]*\) .*/\1/p' "$work/log" | head -n 1)
		ir=$(total "$out" Ir)
		if [ -z "$rx" ] || [ -z "$ir" ] || [ "$rx" = 0 ]; then
			echo "$d, $p peers: no rx or no total; log:" >&2
			tail -n 20 "$work/log" >&2
			exit 1
		fi
		drops=$(sed -n 's/^  rx .* dropped \([0-9]*\)$/\1/p' "$work/log" | head -n 1)
		[ "${drops:-0}" = 0 ] || echo "$d, $p peers: $drops packets dropped" >&2
		line=$(printf '%-3s %5s B %5d peers  rx %9s  Ir %13s  %7.1f instructions/packet' \
			"$d" "$size" "$p" "$rx" "$ir" "$(awk -v i="$ir" -v r="$rx" 'BEGIN {print i / r}')")
		if [ ${#cache[@]} -gt 0 ]; then
			line="$line$(awk -v a="$(total "$out" D1mr)" -v b="$(total "$out" DLmr)" -v r="$rx" \
				'BEGIN {printf "  D1mr %.2f  DLmr %.2f /packet", a / r, b / r}')"
		fi
		echo "$line"
		[ -z "${NFV_CG_KEEP:-}" ] || cp "$out" "$NFV_CG_KEEP/"
	done
done
