#!/usr/bin/env bash
# Instructions per packet of the worker thread for the ESP encrypt shape of
# bench/esp (AES-128-GCM tunnel, 64 UDP flows of SIZE-byte inner packets
# from mkpcap.py, net_pcap infinite_rx into net_null) through the flowtable
# (issue 12 item 2: the flow's output is the SA, sealed at ingress) against
# the full pipeline, exact and repeatable where wall-clock rates are not:
#   full  the bench/esp policy as it is: no filter, no conntrack
#   ct    with conntrack and the flowtable ruleset less its flow add rule
#         (nfvpn-flow-load plain): what the flowtable skips
#   ft    the same with flow add (nfvpn-flow-load offload)
# Each setup also has a port p2 that answers each flow once in cleartext
# (no inbound policy covers it), so that conntrack sees the flows both
# ways; the LAN hosts the answers go to are static neighbours (an ARP
# that nobody answers would change the neighbour table, and each change
# sends every flow through the hooks once to be learned again). callgrind collects inside nfv_worker_main from SETTLE seconds after
# the ruleset is loaded (callgrind_control --zero) until the end, SECONDS
# later; instructions per packet = the collected total / the packets
# sealed meanwhile, counted in the profile itself (the calls of
# esp_output_seal(): each packet is sealed once, on either path; the
# share called by nfv_ipsec_flow_output() is the offloaded one). Counters
# read over the socket would not do: under valgrind the control thread
# answers seconds late.
#   NFV_BUILD=build-cg bench/esp/callgrind_ft.sh [SECONDS] [SIZE] [SETUP...]
# (default 30 64 "full ct ft"). The build must not use AVX-512, which
# valgrind cannot run: meson setup build-cg -Dmarch=x86-64-v3 -Dtests=false,
# with the targets dataplane/nfvpn-dataplane, bench/nfvpn-flow-load,
# control/nfvpnctl, control/nftc/nfvpn-nftc. Run it under flock
# /tmp/nfvpn-dpdk.lock.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${NFV_BUILD:-$top/build}
secs=${1:-30}
size=${2:-64}
shift 2 || shift $# || true
setups=${*:-full ct ft}
settle=${NFV_CG_SETTLE:-5}
work=$(mktemp -d /tmp/nfvpn-cg-ftesp.XXXXXX)
trap 'rm -rf "$work"' EXIT
export NFVPN_NFTC=$build/control/nftc/nfvpn-nftc

/usr/bin/python3 "$top/bench/esp/mkpcap.py" "$work"
/usr/bin/python3 - "$work" <<'EOP'
import sys
from scapy.all import Ether, IP, UDP, Raw, rdpcap, wrpcap
w = sys.argv[1]
out = []
for p in rdpcap(w + "/clear-64.pcap"):
    ip = p[IP]
    out.append(Ether(dst="02:00:00:00:02:01", src="02:00:00:00:02:02") /
               IP(src=ip.dst, dst=ip.src) / UDP(sport=ip[UDP].dport, dport=ip[UDP].sport) /
               Raw(b"r" * 18))
wrpcap(w + "/replies.pcap", out)
EOP

# The calls of esp_output_seal() in a profile, by caller: every packet is
# sealed once, by esp-output (the full pipeline) or by the flowtable's
# nfv_ipsec_flow_output(). Prints "ALL FAST".
sealed() {
	# from a folder without sources: callgrind_annotate names (and
	# splits) a function by the paths it can resolve from where it runs
	(cd /tmp && callgrind_annotate --auto=no --inclusive=yes --threshold=100 \
		--tree=caller "$1" 2>/dev/null) | awk '
		/^$/ { n = 0; next }
		/ < / { c[n++] = $0; next }
		/ \* .*esp_output\.c:esp_output_seal( |$)/ {
			for (i = 0; i < n; i++) {
				if (!match(c[i], /\([0-9,]+x\)/)) continue
				k = substr(c[i], RSTART + 1, RLENGTH - 3); gsub(",", "", k)
				all += k; if (c[i] ~ /nfv_ipsec_flow_output/) fast += k
			}
		}
		END { print all + 0, fast + 0 }'
}

for s in $setups; do
	sed "s|{pcap}|clear-$size.pcap|" "$work/policy-enc.yaml" > "$work/p-$s.yaml"
	if [ "$s" != full ]; then
		cat >> "$work/p-$s.yaml" <<EOP
filter:
  conntrack_max: 4096
  nft: |
    table inet t {
      chain forward { type filter hook forward priority 0; }
    }
EOP
	fi
	sed -i "s|^neighbours:|neighbours:\n$(for i in $(seq 2 65); do
		printf '  - { port: p0, address: 10.0.0.%d, mac: \"02:00:00:00:00:02\" }\\n' "$i"
	done)|" "$work/p-$s.yaml"
	sed -i "s|^addresses:|  - { name: p2, device: \"net_pcap_be2,rx_pcap=$work/replies.pcap\", mac: \"02:00:00:00:02:01\", exception: false }\naddresses:\n  - { port: p2, address: 10.2.0.1/24 }|" "$work/p-$s.yaml"
	chmod 600 "$work/p-$s.yaml"
	sock=$work/sock-$s
	valgrind --tool=callgrind --toggle-collect=nfv_worker_main \
		--callgrind-out-file="$work/callgrind.out.$s" \
		"$build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bcgft$$ \
		--no-huge -m 1024 --log-level lib.eal:warning -- \
		--config "$work/p-$s.yaml" --socket "$sock" > "$work/log.$s" 2>&1 &
	pid=$!
	for _ in $(seq 600); do [ -S "$sock" ] && break; sleep 0.1; done
	[ -S "$sock" ] || { tail -n 20 "$work/log.$s" >&2; exit 1; }
	case $s in
	ct) "$build/bench/nfvpn-flow-load" "$sock" plain p0 p1 >&2 ;;
	ft) "$build/bench/nfvpn-flow-load" "$sock" offload p0 p1 >&2 ;;
	esac
	sleep "$settle"
	callgrind_control --zero $pid > /dev/null 2>&1
	sleep "$secs"
	kill -INT $pid
	wait $pid || true
	ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p;s/^totals: \([0-9]*\).*/\1/p' \
		"$work/callgrind.out.$s" | head -n 1)
	read -r all fast < <(sealed "$work/callgrind.out.$s")
	if [ -z "$ir" ] || [ "${all:-0}" = 0 ]; then
		echo "setup $s: no total or no packet sealed; log:" >&2
		tail -n 20 "$work/log.$s" >&2
		exit 1
	fi
	printf '%-4s %5s B  packets %9s  offloaded %5.1f%%  Ir %13s  %7.1f instructions/packet\n' \
		"$s" "$size" "$all" "$(awk -v a="$fast" -v b="$all" 'BEGIN {print 100 * a / b}')" \
		"$ir" "$(awk -v i="$ir" -v r="$all" 'BEGIN {print i / r}')"
	[ -z "${NFV_CG_KEEP:-}" ] || cp "$work/callgrind.out.$s" "$NFV_CG_KEEP/"
done
