#!/usr/bin/env bash
# ESP on one worker core: nfvpn-dataplane encrypting and decrypting
# AES-128-GCM tunnel mode, against the two things it cannot beat, measured
# in the same run on the same core:
#   raw  intel-ipsec-mb's one-shot AES-128-GCM on bursts of 32 (esp_raw.c)
#   io   dpdk-testpmd --forward-mode=io on the same virtual ports
#        (net_pcap infinite_rx=1 replaying the same frames -> net_null)
# limit = 1 / (1/raw + 1/io) packets/s: crypto plus moving packets, nothing
# else; and against DPDK's own IPsec gateway, the ipsec-secgw example, with
# the same SAs, policies and traffic, in each of NFV_SECGW_MODES (default
# "cpu mb"; "none" leaves it out):
#   cpu  its library path (-l), SAs of type cpu-crypto on crypto_aesni_gcm
#   mb   its legacy path, lookaside-none SAs on crypto_aesni_mb
# built by bench/peers/build.sh into NFV_PEERS (default $NFV_BUILD/peers).
# Prints per-round figures and the medians of the per-round ratios
# nfvpn / limit and nfvpn / secgw (its best mode in the round). Then, in
# the same rounds, the flowtable variant (issue 12 item 2): the same SA and
# policy with conntrack and the nft flowtable (flow add @ft, loaded by
# bench/flowtable's nfvpn-flow-load as soon as the socket answers; a third
# port answers each flow once in cleartext so that conntrack sees it both
# ways): encryption seals an offloaded flow at ingress, decryption
# forwards the decrypted packets of an offloaded flow from esp-input
# straight out; its rate (rx over SECONDS from 0.5 s after the load), the
# share of packets it offloaded in that window, flowtable /
# limit per round (the goal: >= 0.85), and the same ruleset less its flow
# add rule ("conntrack", the full pipeline with conntrack) and
# flowtable / conntrack. NFV_BENCH_FLOWTABLE=0 leaves the variant out. A secgw
# that fails to build or start is said so on stderr and reads "n/a"; the
# rounds go on. Each run holds /tmp/nfvpn-dpdk.lock; or hold it for the
# whole benchmark (steadier: nothing else runs in between) with
#   flock /tmp/nfvpn-dpdk.lock env NFV_LOCK_HELD=1 bench/esp/run.sh ...
# (a nested flock on the same file would wait for ever).
#   bench/esp/run.sh [ROUNDS] [SECONDS] [SIZES]     (default 3 3 "64 512 1400 imix")
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3}
secs=${2:-3}
sizes=${3:-64 512 1400 imix}
build=$("$top/bench/native.sh")	# -Dmarch=native; NFV_BUILD overrides
# NFV_BUILD_BASE: another build (say, of the previous commit) run in the
# same rounds, right after this one, for an A/B of a change
base=${NFV_BUILD_BASE:-}
peers=${NFV_PEERS:-$build/peers}
flowtable=${NFV_BENCH_FLOWTABLE:-1}
# the flowtable policies' nft text is compiled by this build's nft compiler
export NFVPN_NFTC=${NFVPN_NFTC:-$build/control/nftc/nfvpn-nftc}
secgw_modes=${NFV_SECGW_MODES-cpu mb}
[ "$peers" != none ] && [ "$secgw_modes" != none ] || secgw_modes=""
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
. "$top/bench/peers/lib.sh"
if [ -n "$secgw_modes" ]; then
	"$top/bench/peers/build.sh" "$peers" ||
		echo "peers: bench/peers/build.sh $peers failed; what did not build reads n/a" >&2
fi

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

# The flowtable variant: Mpps of the worker from 0.5 s after the
# ruleset's load to SECONDS later (its rx counter read over the socket at
# both ends: the exit summary's rate would count from the first packet,
# and the load itself stalls the worker for a while), and the share of
# the packets received in that window that the fast path took; prints
# "MPPS OFFLOADED%". Mode plain: the ruleset without flow add.
run_nfvpn_ft() {	# run_nfvpn_ft enc|dec SIZE offload|plain
	local load=$build/bench/nfvpn-flow-load
	if [ ! -x "$load" ]; then echo "n/a n/a"; return; fi
	sed "s|{pcap}|$([ "$1" = enc ] && echo clear || echo esp)-$2.pcap|" \
		"$work/policy-$1-ft.yaml" > "$work/p-ft.yaml"
	chmod 600 "$work/p-ft.yaml"
	rm -f "$work/sock-ft" "$work"/stats-ft-*.json
	# shellcheck disable=SC2016
	flock "$lock" bash -c '
		"$1/dataplane/nfvpn-dataplane" -l 0,'"$core"' --no-pci --file-prefix bespft$$ $2 \
			--log-level lib.eal:warning -- --config "$3/p-ft.yaml" \
			--socket "$3/sock-ft" > "$3/nfvpn-ft.log" 2>&1 &
		pid=$!
		for _ in $(seq 300); do grep -q running "$3/nfvpn-ft.log" && break; sleep 0.1; done
		"$1/bench/nfvpn-flow-load" "$3/sock-ft" "$5" p0 p1 >&2 ||
			echo "bench: the flowtable ruleset did not load" >&2
		sleep 0.5
		for i in 0 1; do
			[ $i = 0 ] || sleep "$4"
			date +%s.%N > "$3/stats-ft-$i.json"
			"$1/control/nfvpnctl" --socket "$3/sock-ft" --json stats >> "$3/stats-ft-$i.json"
		done
		kill -INT $pid
		wait $pid' _ "$build" "$mem" "$work" "$secs" "$3"
	/usr/bin/python3 - "$work/stats-ft-0.json" "$work/stats-ft-1.json" "$3" <<'EOP' || echo "n/a n/a"
import json, sys
def read(path):
    with open(path) as f:
        t = float(f.readline())
        d = json.load(f)
    items = d if isinstance(d, list) else d.get("counters", d)
    return t, {x["name"]: x["value"] for x in items}
(t0, a), (t1, b) = read(sys.argv[1]), read(sys.argv[2])
bad = {k: v for k, v in b.items() if k.startswith("drop.") and v}
if bad:
    print("nfvpn %s drops:" % sys.argv[3], bad, file=sys.stderr)
rx = b["rx"] - a["rx"]
off = b.get("flow.offloaded", 0) - a.get("flow.offloaded", 0)
print("%.3f %.1f%%" % (rx / (t1 - t0) / 1e6, 100.0 * off / max(rx, 1)))
EOP
}

# the median of the numbers on stdin (n/a when there are none)
median() { grep -v n/a | sort -g | awk '{a[NR]=$1} END {if (!NR) print "n/a"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

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

# Mpps that DPDK's ipsec-secgw sends on port 1 over the run (its
# telemetry), n/a when it fails; one lcore, the same core as the others
# (the command: bench/peers/lib.sh)
run_secgw() {	# run_secgw cpu|mb enc|dec SIZE
	local pcap
	pcap=$([ "$2" = enc ] && echo clear || echo esp)-$3.pcap
	peer_cmd_secgw "$peers" bsgw$$ $core "$mem" "net_pcap_bs0,rx_pcap=$work/$pcap,infinite_rx=1" \
		"net_null_bs1,no-rx=1" "$work" "$2" "$1" || { echo n/a; return; }
	flock "$lock" "$top/bench/peers/measure.sh" "secgw $1 $2 $3" "$work/secgw.log" bsgw$$ 1 "$secs" \
		"${peer_cmd[@]}"
}

# the largest of the numbers given that are not n/a; n/a when none is
best() { printf '%s\n' "$@" | grep -v n/a | sort -g | tail -1 | grep . || echo n/a; }
# A / B to 3 decimals, n/a when either is n/a
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.3f\n", a / b}'; }

# mean inner packet bytes of a size label, for Gbit/s
bytes_of() { [ "$1" = imix ] && echo 354.33 || echo "$1"; }

echo "# $(date -u +%FT%TZ) $(uname -r) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# rounds=$rounds secs=$secs core=$core mem: $mem"
[ -z "$secgw_modes" ] || echo "# secgw: $peers/ipsec-secgw, modes: $secgw_modes"
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
			sg=""
			if [ -n "$secgw_modes" ]; then
				vals=""
				for m in $secgw_modes; do
					v=$(run_secgw "$m" $d "$s")
					echo "$v" >> "$work/secgw-$m-$d-$s"
					vals="$vals $v"
					sg="$sg secgw-$m $v"
				done
				# shellcheck disable=SC2086
				b=$(best $vals)
				ratio "$n" "$b" >> "$work/vssecgw-$d-$s"
				echo "$b" >> "$work/secgw-$d-$s"
				sg="$sg nfvpn/secgw $(tail -1 "$work/vssecgw-$d-$s")"
			fi
			ft=""
			if [ "$flowtable" != 0 ]; then
				read -r f share < <(run_nfvpn_ft $d "$s" offload)
				read -r c _ < <(run_nfvpn_ft $d "$s" plain)
				echo "$f" >> "$work/ft-$d-$s"
				echo "$share" | tr -d % >> "$work/ftshare-$d-$s"
				echo "$c" >> "$work/ct-$d-$s"
				ratio "$f" "$lim" >> "$work/ftlim-$d-$s"
				ratio "$f" "$c" >> "$work/ftct-$d-$s"
				ft=" nfvpn-ft $f ($share offloaded) ft/limit $(tail -1 "$work/ftlim-$d-$s")"
				ft="$ft conntrack $c ft/conntrack $(tail -1 "$work/ftct-$d-$s")"
			fi
			printf 'round %d %s %5s: io %s raw %s limit %s nfvpn %s Mpps ratio %s%s%s\n' \
				"$r" $d "$s" "$io" "$raw" "$lim" "$n" "$ratio" "$sg" "$ft"
		done
	done
done
echo
hdr=""
for m in $secgw_modes; do hdr="$hdr $(printf '%9s' "secgw-$m")"; done
[ -z "$secgw_modes" ] || hdr="$hdr $(printf '%9s %11s' secgw nfvpn/secgw)"
[ "$flowtable" = 0 ] || hdr="$hdr $(printf '%8s %6s %8s %9s %8s' nfvpn-ft offl% ft/limit conntrack ft/ct)"
printf '%-4s %-5s %8s %8s %8s %8s %8s%s\n' dir size "io Mpps" "raw Mpps" "nfvpn" "Gbit/s" "ratio" "$hdr"
for d in enc dec; do
	for s in $sizes; do
		n=$(median < "$work/nfvpn-$d-$s")
		sg=""
		for m in $secgw_modes; do sg="$sg $(printf '%9s' "$(median < "$work/secgw-$m-$d-$s")")"; done
		[ -z "$secgw_modes" ] || sg="$sg $(printf '%9s %11s' "$(median < "$work/secgw-$d-$s")" \
			"$(median < "$work/vssecgw-$d-$s")")"
		[ "$flowtable" = 0 ] || sg="$sg $(printf '%8s %6s %8s %9s %8s' "$(median < "$work/ft-$d-$s")" \
			"$(median < "$work/ftshare-$d-$s")" "$(median < "$work/ftlim-$d-$s")" \
			"$(median < "$work/ct-$d-$s")" "$(median < "$work/ftct-$d-$s")")"
		printf '%-4s %-5s %8s %8s %8s %8.2f %8s%s\n' $d "$s" "$(median < "$work/io-$d-$s")" \
			"$(median < "$work/raw-$d-$s")" "$n" \
			"$(awk -v n="$n" -v b="$(bytes_of "$s")" 'BEGIN {print n * b * 8 / 1000}')" \
			"$(median < "$work/ratio-$d-$s")" "$sg"
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
