#!/usr/bin/env bash
# Filtering cost, one worker core: nfvpn-dataplane forwarding 64-byte UDP
# (net_pcap infinite_rx -> route among 1,000 prefixes -> net_null) with
# conntrack and "ct state established,related accept" plus 0, 10, 1,000 and
# 10,000 5-tuple rules, and with 0 rules plus masquerade (every packet
# NATed), against the same setup with no filter at all; the
# setups interleaved in every round. Prints the median Mpps of each and the
# medians of the per-round ratios to the no-filter rate and to conntrack
# with no 5-tuple rule. Each round (its five
# dataplane runs, back to back) holds /tmp/nfvpn-dpdk.lock, so that no other
# DPDK process polls between the runs it compares.
#   bench/filter/run.sh [ROUNDS] [SECONDS]
# BENCH_SETUPS="0 masq": only those (the ratios need "none" and "0")
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$("$top/bench/native.sh")	# -Dmarch=native; NFV_BUILD overrides
# the nft compiler the dataplane runs (config/nfv_nftc.h)
export NFVPN_NFTC=${NFVPN_NFTC:-$build/control/nftc/nfvpn-nftc}
rounds=${1:-5}
secs=${2:-6}
work=$(mktemp -d /tmp/nfvpn-bench-filter.XXXXXX)
trap 'rm -rf "$work"' EXIT
mem=${NFV_EAL_MEM:---no-huge -m 1024}
setups=${BENCH_SETUPS:-"none 0 10 1000 10000 masq"}

/usr/bin/python3 "$top/bench/filter/mkpolicy.py" "$work"

# Mpps of the worker over its traffic, from the dataplane's exit summary
run_nfvpn() {
	# shellcheck disable=SC2086
	"$build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bflt$$ $mem \
		--log-level lib.eal:warning -- --config "$work/policy-$1.yaml" \
		--socket "$work/sock" > "$work/nfvpn.log" 2>&1 &
	local pid=$!
	sleep "$secs"
	kill -INT $pid
	wait $pid || true
	sed -n 's/.*worker 0: \([0-9.]*\) Mpps rx.*/\1/p' "$work/nfvpn.log"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

for s in $setups; do : > "$work/mpps-$s"; : > "$work/ratio-$s"; : > "$work/ctratio-$s"; done
exec 9> /tmp/nfvpn-dpdk.lock
for r in $(seq "$rounds"); do
	flock 9
	line="round $r:"
	for s in $setups; do
		v=$(run_nfvpn "$s")
		[ -n "$v" ] || { echo "setup $s: no rate; log:" >&2; tail -20 "$work/nfvpn.log" >&2; exit 1; }
		echo "$v" >> "$work/mpps-$s"
		line="$line $s=$v"
	done
	flock -u 9
	base=$(tail -1 "$work/mpps-none" 2>/dev/null || echo 0)
	ct0=$(tail -1 "$work/mpps-0" 2>/dev/null || echo 0)
	for s in $setups; do
		awk -v n="$(tail -1 "$work/mpps-$s")" -v b="$base" 'BEGIN {printf "%.3f\n", (b > 0 ? n / b : 0)}' >> "$work/ratio-$s"
		awk -v n="$(tail -1 "$work/mpps-$s")" -v b="$ct0" 'BEGIN {printf "%.3f\n", (b > 0 ? n / b : 0)}' >> "$work/ctratio-$s"
	done
	echo "$line Mpps"
done
printf '%d rounds of %d s, medians (Mpps, ratio to no filter, ratio to ct + 0 rules):\n' "$rounds" "$secs"
for s in $setups; do
	case $s in
	none) label="no filter" ;;
	masq) label="ct + masquerade" ;;
	*) label="ct + $s rules" ;;
	esac
	printf '  %-16s %s Mpps  %s  %s\n' "$label" "$(median < "$work/mpps-$s")" \
		"$(median < "$work/ratio-$s")" "$(median < "$work/ctratio-$s")"
done
