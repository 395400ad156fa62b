#!/usr/bin/env bash
# Plain IPv4 forwarding, one worker core: nfvpn-dataplane (PRE_ROUTING ->
# route among 1,000 prefixes -> FORWARD -> POST_ROUTING, a counting entry on
# each) against dpdk-testpmd --forward-mode=io on the same virtual ports
# (net_pcap replaying 64-byte frames -> net_null) and the same cores, in
# the same run, interleaved. Prints the median Mpps of each and the median
# of the per-round ratios.
#   bench/forward/run.sh [ROUNDS] [SECONDS] [FRAME]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-5}
secs=${2:-5}
frame=${3:-64}
work=$(mktemp -d /tmp/nfvpn-bench-fwd.XXXXXX)
trap 'rm -rf "$work"' EXIT
mem=${NFV_EAL_MEM:---no-huge -m 1024}
testpmd=$(command -v dpdk-testpmd)

/usr/bin/python3 "$top/bench/forward/mkpolicy.py" "$work" 1000 "$frame"

# Mpps of the worker over its traffic, from the dataplane's exit summary
run_nfvpn() {
	# shellcheck disable=SC2086
	"$top/build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bfwd$$ $mem \
		--log-level lib.eal:warning -- --config "$work/policy.yaml" \
		--socket "$work/sock" > "$work/nfvpn.log" 2>&1 &
	local pid=$!
	sleep "$secs"
	kill -INT $pid
	wait $pid
	sed -n 's/.*worker 0: \([0-9.]*\) Mpps rx.*/\1/p' "$work/nfvpn.log"
}

# Mpps forwarded by testpmd: packets over the measured interval
run_testpmd() {
	# shellcheck disable=SC2086
	"$testpmd" -l 0,1 --no-pci --file-prefix btpmd$$ $mem --log-level lib.eal:warning \
		--vdev "net_pcap_b0,rx_pcap=$work/traffic.pcap,infinite_rx=1" \
		--vdev "net_null_b1,no-rx=1" -- \
		--forward-mode=io --auto-start --stats-period 1 --nb-cores=1 \
		--rxq=1 --txq=1 < /dev/null > "$work/testpmd.log" 2>&1 &
	local pid=$!
	sleep "$secs"
	kill -INT $pid
	wait $pid || true
	# the Tx-pps of port 1 in the last statistics period
	tr -d '\r' < "$work/testpmd.log" | awk '/statistics for port 1/ {p=1} p && /Tx-pps:/ {v=$2; p=0} END {printf "%.3f\n", v / 1e6}'
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

: > "$work/nfvpn"; : > "$work/testpmd"; : > "$work/ratio"
for r in $(seq "$rounds"); do
	t=$(run_testpmd)
	n=$(run_nfvpn)
	echo "$t" >> "$work/testpmd"
	echo "$n" >> "$work/nfvpn"
	awk -v n="$n" -v t="$t" 'BEGIN {printf "%.3f\n", n / t}' >> "$work/ratio"
	printf 'round %d: testpmd io %s Mpps, nfvpn %s Mpps\n' "$r" "$t" "$n"
done
printf 'frame %d B, %d rounds of %d s, medians: testpmd io %s Mpps, nfvpn %s Mpps, ratio %s\n' \
	"$frame" "$rounds" "$secs" "$(median < "$work/testpmd")" "$(median < "$work/nfvpn")" \
	"$(median < "$work/ratio")"
