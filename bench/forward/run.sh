#!/usr/bin/env bash
# Plain IPv4 forwarding, one worker core: nfvpn-dataplane (PRE_ROUTING ->
# route among 1,000 prefixes -> FORWARD -> POST_ROUTING, a counting entry on
# each) against dpdk-testpmd --forward-mode=io and DPDK's l3fwd example
# (LPM, the same 1,000 prefixes) on the same virtual ports (net_pcap
# replaying 64-byte frames -> net_null) and the same core, in the same
# run, interleaved. Prints each round and the medians of each and of the
# per-round ratios nfvpn / testpmd io and nfvpn / l3fwd. Then the same
# policy with conntrack and the nft flowtable (flow add @ft, loaded by
# bench/flowtable's nfvpn-flow-load as soon as the socket answers; each
# flow is answered once from a third port so that conntrack sees it both
# ways): its rate, the share of packets the fast path forwarded, and
# flowtable / io and flowtable / full pipeline per round, and the same
# policy and ruleset less the flow add rule ("conntrack": the full pipeline
# with conntrack, what the flowtable saves), flowtable / conntrack.
#   bench/forward/run.sh [ROUNDS] [SECONDS] [FRAME]
# NFV_BUILD: the build of nfvpn (default build-native: bench/native.sh
# configures and builds it with -Dmarch=native); NFV_PEERS: where
# bench/peers/build.sh puts l3fwd (default $NFV_BUILD/peers; built here
# when missing), or "none" to leave l3fwd out. A peer that fails to build
# or start is said so on stderr and reads "n/a"; the rounds go on.
# NFV_BENCH_FLOWTABLE=0 leaves the flowtable variant out.
# NFV_BUILD_BASE: another build of nfvpn (say, of an older commit) run in
# the same rounds, right after this one, for an A/B: nfvpn/base per round.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-5}
secs=${2:-5}
frame=${3:-64}
build=$("$top/bench/native.sh")	# -Dmarch=native; NFV_BUILD overrides
# the policy-ft.yaml nft text is compiled by this build's nft compiler
export NFVPN_NFTC=${NFVPN_NFTC:-$build/control/nftc/nfvpn-nftc}
base=${NFV_BUILD_BASE:-}
peers=${NFV_PEERS:-$build/peers}
work=$(mktemp -d /tmp/nfvpn-bench-fwd.XXXXXX)
trap '[ -n "${NFV_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
mem=${NFV_EAL_MEM:---no-huge -m 1024}
testpmd=$(command -v dpdk-testpmd)

/usr/bin/python3 "$top/bench/forward/mkpolicy.py" "$work" 1000 "$frame"
. "$top/bench/peers/lib.sh"
if [ "$peers" != none ]; then
	"$top/bench/peers/build.sh" "$peers" ||
		echo "peers: bench/peers/build.sh $peers failed; what did not build reads n/a" >&2
fi

# Mpps of the worker over its traffic, from the dataplane's exit summary
run_nfvpn() {	# run_nfvpn [BUILD]
	# shellcheck disable=SC2086
	"${1:-$build}/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bfwd$$ $mem \
		--log-level lib.eal:warning -- --config "$work/policy.yaml" \
		--socket "$work/sock" > "$work/nfvpn.log" 2>&1 &
	local pid=$!
	sleep "$secs"
	kill -INT $pid
	wait $pid
	sed -n 's/.*worker 0: \([0-9.]*\) Mpps rx.*/\1/p' "$work/nfvpn.log"
}

# The flowtable variant: Mpps as run_nfvpn, over the whole run (the packets
# before the ruleset's load, a few tens of ms, take the full pipeline);
# prints "MPPS OFFLOADED%". run_nfvpn_ft plain: the ruleset without flow add.
run_nfvpn_ft() {
	local load=$build/bench/nfvpn-flow-load sock=$work/sock-ft pid mpps share mode=${1:-offload}
	if [ "${NFV_BENCH_FLOWTABLE:-1}" = 0 ] || [ ! -x "$load" ]; then echo "n/a n/a"; return; fi
	rm -f "$sock"
	# shellcheck disable=SC2086
	"$build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bfwdft$$ $mem \
		--log-level lib.eal:warning -- --config "$work/policy-ft.yaml" \
		--socket "$sock" > "$work/nfvpn-ft.log" 2>&1 &
	pid=$!
	for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.02; done
	"$load" "$sock" "$mode" >&2 || echo "bench: the flowtable ruleset did not load" >&2
	sleep "$secs"
	share=$("$build/control/nfvpnctl" --socket "$sock" --json stats 2>/dev/null |
		/usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d.get("counters", d) if isinstance(d, dict) else d
c = {x["name"]: x["value"] for x in c} if isinstance(c, list) else c
print("%.1f%%" % (100.0 * c.get("flow.offloaded", 0) / max(c.get("rx", 0), 1)))' 2>/dev/null || echo n/a)
	kill -INT $pid
	wait $pid
	mpps=$(sed -n 's/.*worker 0: \([0-9.]*\) Mpps rx.*/\1/p' "$work/nfvpn-ft.log")
	echo "${mpps:-n/a} $share"
}

# Mpps forwarded by testpmd: its Tx-pps on port 1 in the last statistics period
run_testpmd() {
	# shellcheck disable=SC2086
	"$testpmd" -l 0,1 --no-pci --file-prefix btpmd$$ $mem --log-level lib.eal:warning \
		--vdev "net_pcap_b0,rx_pcap=$work/traffic.pcap,infinite_rx=1" \
		--vdev "net_null_b1,no-rx=1" -- \
		--forward-mode=io --auto-start --stats-period 1 --nb-cores=1 \
		--rxq=1 --txq=1 < /dev/null > "$work/testpmd.log" 2>&1 &
	local pid=$!
	# from its first statistics period on (it forwards then), so that a
	# run of a few seconds has a full period to read
	for _ in $(seq 100); do grep -q "Port statistics" "$work/testpmd.log" && break; sleep 0.1; done
	sleep "$secs"
	kill -INT $pid
	wait $pid || true
	# the Tx-pps of port 1 in the last statistics period
	tr -d '\r' < "$work/testpmd.log" | awk '/statistics for port 1/ {p=1} p && /Tx-pps:/ {v=$2; p=0} END {printf "%.3f\n", v / 1e6}'
}

# Mpps that DPDK's l3fwd sends on port 1 over SECONDS (its telemetry):
# LPM lookup among the same 1,000 prefixes as nfvpn's policy, on one lcore
# (the command: bench/peers/lib.sh)
run_l3fwd() {
	if [ "$peers" = none ]; then echo n/a; return; fi
	peer_cmd_l3fwd "$peers" bl3f$$ 1 "$mem" "net_pcap_b0,rx_pcap=$work/traffic.pcap,infinite_rx=1" \
		"net_null_b1,no-rx=1" "$work"
	"$top/bench/peers/measure.sh" l3fwd "$work/l3fwd.log" bl3f$$ 1 "$secs" "${peer_cmd[@]}"
}

# the median of the numbers on stdin, n/a when there are none
median() { grep -v n/a | sort -g | awk '{a[NR]=$1} END {if (!NR) print "n/a"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# A / B to 3 decimals, n/a when either is n/a (or B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.3f\n", a / b}'; }

: > "$work/nfvpn"; : > "$work/testpmd"; : > "$work/ratio"; : > "$work/l3fwd"; : > "$work/ratio-l3fwd"
: > "$work/base"; : > "$work/ratio-base"
: > "$work/ft"; : > "$work/ratio-ft-io"; : > "$work/ratio-ft-full"
: > "$work/ct"; : > "$work/ratio-ft-ct"
for r in $(seq "$rounds"); do
	t=$(run_testpmd)
	l=$(run_l3fwd)
	n=$(run_nfvpn)
	[ -n "$t" ] || t=n/a
	[ -n "$n" ] || n=n/a
	echo "$t" >> "$work/testpmd"
	echo "$l" >> "$work/l3fwd"
	echo "$n" >> "$work/nfvpn"
	ratio "$n" "$t" >> "$work/ratio"
	ratio "$n" "$l" >> "$work/ratio-l3fwd"
	printf 'round %d: testpmd io %s Mpps, nfvpn %s Mpps, l3fwd %s Mpps, nfvpn/io %s, nfvpn/l3fwd %s\n' \
		"$r" "$t" "$n" "$l" "$(tail -1 "$work/ratio")" "$(tail -1 "$work/ratio-l3fwd")"
	if [ "${NFV_BENCH_FLOWTABLE:-1}" != 0 ]; then
		read -r f share < <(run_nfvpn_ft)
		read -r c _ < <(run_nfvpn_ft plain)
		echo "$f" >> "$work/ft"
		echo "$c" >> "$work/ct"
		ratio "$f" "$t" >> "$work/ratio-ft-io"
		ratio "$f" "$n" >> "$work/ratio-ft-full"
		ratio "$f" "$c" >> "$work/ratio-ft-ct"
		printf 'round %d: flowtable %s Mpps (%s offloaded), conntrack %s Mpps, flowtable/io %s, flowtable/full %s, flowtable/conntrack %s\n' \
			"$r" "$f" "$share" "$c" "$(tail -1 "$work/ratio-ft-io")" \
			"$(tail -1 "$work/ratio-ft-full")" "$(tail -1 "$work/ratio-ft-ct")"
	fi
	if [ -n "$base" ]; then
		b=$(run_nfvpn "$base")
		[ -n "$b" ] || b=n/a
		echo "$b" >> "$work/base"
		ratio "$n" "$b" >> "$work/ratio-base"
		printf 'round %d: base %s Mpps, nfvpn/base %s\n' "$r" "$b" "$(tail -1 "$work/ratio-base")"
	fi
done
printf 'frame %d B, %d rounds of %d s, medians: testpmd io %s Mpps, nfvpn %s Mpps, ratio %s, l3fwd %s Mpps, nfvpn/l3fwd %s\n' \
	"$frame" "$rounds" "$secs" "$(median < "$work/testpmd")" "$(median < "$work/nfvpn")" \
	"$(median < "$work/ratio")" "$(median < "$work/l3fwd")" "$(median < "$work/ratio-l3fwd")"
if [ -n "$base" ]; then
	printf 'base %s: %s Mpps, nfvpn/base %s\n' "$base" "$(median < "$work/base")" \
		"$(median < "$work/ratio-base")"
fi
if [ "${NFV_BENCH_FLOWTABLE:-1}" != 0 ]; then
	printf 'flowtable: %s Mpps, conntrack without flow add %s Mpps, flowtable/io %s, flowtable/full pipeline %s, flowtable/conntrack %s\n' \
		"$(median < "$work/ft")" "$(median < "$work/ct")" "$(median < "$work/ratio-ft-io")" \
		"$(median < "$work/ratio-ft-full")" "$(median < "$work/ratio-ft-ct")"
fi
