#!/usr/bin/env bash
# Checks that the peers do the work they are measured on: runs DPDK's
# l3fwd and ipsec-secgw (both modes, encryption and decryption) with the
# command lines of the benchmarks (bench/peers/lib.sh), the traffic of
# bench/forward and bench/esp (IMIX for ESP) read once from a pcap instead
# of looped, and their port 1 written to a pcap instead of net_null; then
# bench/peers/check.py verifies every frame (routed; ESP that scapy
# decrypts back to the input; decrypted packets equal to the clear ones).
#   bench/peers/check.sh [PEERS_DIR]     (default $NFV_BUILD/peers, build/peers)
# Each run holds /tmp/nfvpn-dpdk.lock (NFV_LOCK_HELD=1: the caller holds
# it). NFV_EAL_MEM as the benchmarks (default --no-huge -m 1024).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${NFV_BUILD:-$top/build}
peers=${1:-${NFV_PEERS:-$build/peers}}
mem=${NFV_EAL_MEM:---no-huge -m 1024}
lock=/tmp/nfvpn-dpdk.lock
if [ "${NFV_LOCK_HELD:-0}" = 1 ]; then
	flock() { shift; "$@"; }
fi
work=$(mktemp -d /tmp/nfvpn-peers-check.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$top/bench/peers/build.sh" "$peers" || echo "peers: build failed; what did not build fails below" >&2
/usr/bin/python3 "$top/bench/forward/mkpolicy.py" "$work" 1000 64
/usr/bin/python3 "$top/bench/esp/mkpcap.py" "$work"
. "$top/bench/peers/lib.sh"

# run LABEL: the command in peer_cmd until it has sent and 0.5 s more
run() {
	local v
	v=$(flock "$lock" "$top/bench/peers/measure.sh" "$1" "$work/$1.log" bpck$$ 1 0.5 "${peer_cmd[@]}")
	[ "$v" != n/a ] || echo "$1 did not run or send" >&2
}

peer_cmd_l3fwd "$peers" bpck$$ 1 "$mem" "net_pcap_c0,rx_pcap=$work/traffic.pcap" \
	"net_pcap_c1,tx_pcap=$work/out-l3fwd.pcap" "$work"
run l3fwd
for m in cpu mb; do
	peer_cmd_secgw "$peers" bpck$$ 1 "$mem" "net_pcap_c0,rx_pcap=$work/clear-imix.pcap" \
		"net_pcap_c1,tx_pcap=$work/out-enc-$m.pcap" "$work" enc $m
	run secgw-enc-$m
	peer_cmd_secgw "$peers" bpck$$ 1 "$mem" "net_pcap_c0,rx_pcap=$work/esp-imix.pcap" \
		"net_pcap_c1,tx_pcap=$work/out-dec-$m.pcap" "$work" dec $m
	run secgw-dec-$m
done
/usr/bin/python3 "$top/bench/peers/check.py" "$work"
