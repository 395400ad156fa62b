#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Packet capture with dpdk-dumpcap (issue 17): the dataplane serves
# rte_pdump, and dpdk-dumpcap, a secondary process with the dataplane's
# --file-prefix, writes pcapng of a port while the dataplane forwards.
#
#   in.pcap (replayed) --> p0 [nfvpn-dataplane] p1 --> net_null
#                                                |
#                                    dpdk-dumpcap -i net_null_cap1 -> p1.pcapng
#                          dpdk-dumpcap -i net_pcap_cap0 -> p0.pcapng
#                          nfvpnctl capture p1|p0 -> c1.pcapng, c0.pcapng
#
# Checks with tshark: 200 frames each (and the rest of the last burst);
# p0's are what in.pcap holds (UDP from 10.0.0.2 to 192.168.0.0/16, TTL 64,
# to the dataplane's MAC); p1's the same flows forwarded (TTL 63, from p1's
# MAC to the next hop's); the dataplane forwards on and stops cleanly, no
# mbuf leaked. nfvpnctl capture finds the prefix and the port id from the
# port's name, writes what dumpcap does (with a filter), ends on duration,
# refuses an unknown port. A secondary needs the primary's hugepage files:
# the dataplane runs without --huge-unlink here (docs/dataplane.md,
# "Packet capture"); on a machine without hugepages there is nothing to
# attach to and the test says SKIP. About 15 s.
# It busy-polls: take the shared lock as ci/test.sh does.
#
# usage: capture_test.sh      (NFV_BUILD, NFV_EAL_MEM)
. "$(dirname "$0")/lib.sh"

case " $NFV_EAL_MEM " in
*" --no-huge "*|*" --in-memory "*)
	echo "SKIP $SMOKE_NAME: no hugepages ($NFV_EAL_MEM): a secondary process cannot attach"
	exit 0 ;;
esac
NFV_EAL_MEM=${NFV_EAL_MEM//--huge-unlink/}
# dumpcap maps the primary's memory at the primary's addresses; where ASLR
# (or ASan's layout, in CI's sanitizer pass) put the primary's hugepage
# area over something of dumpcap's, it cannot ("Cannot get a virtual area
# at requested address", seen once in CI): a fixed base both have free,
# as DPDK's multi-process guide advises (docs/dataplane.md)
NFV_EAL_MEM="$NFV_EAL_MEM --base-virtaddr 0x200000000000"
DUMPCAP=$(command -v dpdk-dumpcap) || fail "no dpdk-dumpcap (Debian package dpdk-dev)"

$PY - "$WORK/in.pcap" "$WORK/empty.pcap" <<'EOP' || fail "scapy"
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
wrpcap(sys.argv[1], [Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
                     IP(src="10.0.0.2", dst="192.168.%d.%d" % (i // 8, i % 8 + 1)) /
                     UDP(sport=10000 + i, dport=5000) / Raw(b"capture %02d" % i)
                     for i in range(32)])
wrpcap(sys.argv[2], [])
EOP
cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_pcap_cap0,rx_pcap=$WORK/in.pcap,infinite_rx=1", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_null_cap1,no-rx=1", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
routes:
  - { dst: 192.168.0.0/16, via: 10.1.0.2 }
neighbours:
  - { port: p0, address: 10.0.0.2, mac: "02:00:00:00:00:02" }
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
EOP
dp_start "$WORK/policy.yaml"
grep -q "packet capture unavailable" "$WORK/dataplane.log" && fail "rte_pdump_init failed"

# capture DEVICE FILE: 200 frames of one port, pcapng
capture() {
	timeout 30 "$DUMPCAP" --file-prefix "nfv$$" -i "$1" -c 200 -w "$2" -q \
		> "$WORK/dumpcap.log" 2>&1 || { cat "$WORK/dumpcap.log" >&2; fail "dpdk-dumpcap -i $1"; }
	file "$2" 2>/dev/null | grep -qi pcapng || [ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ] ||
		fail "$2 is not pcapng"
}
capture net_null_cap1 "$WORK/p1.pcapng"
capture net_pcap_cap0 "$WORK/p0.pcapng"

# fields FILE: one line a frame
fields() {
	tshark -r "$1" -T fields -E separator=' ' -e eth.src -e eth.dst -e ip.src -e ip.ttl \
		-e udp.dstport -e ip.dst 2>/dev/null
}
check() {	# check FILE 'ETH.SRC ETH.DST IP.SRC TTL DPORT'
	local n bad
	n=$(fields "$1" | wc -l)
	# -c stops after the burst that reaches the count: up to 31 more
	[ "$n" -ge 200 ] && [ "$n" -lt 232 ] || fail "$(basename "$1"): $n frames, expected 200..231"
	bad=$(fields "$1" | grep -v "^$2 192\.168\.[0-3]\.[1-8]$" | head -3)
	[ -z "$bad" ] || fail "$(basename "$1"): unexpected frames: $bad"
}
check "$WORK/p1.pcapng" "02:00:00:00:01:01 02:00:00:00:01:02 10.0.0.2 63 5000"
check "$WORK/p0.pcapng" "02:00:00:00:00:02 02:00:00:00:00:01 10.0.0.2 64 5000"
# the payload came along whole
tshark -r "$WORK/p1.pcapng" -T fields -e data.data 2>/dev/null | head -1 | grep -q '^63617074757265' ||
	fail "p1.pcapng: payload not 'capture NN'"

# nfvpnctl capture: the same through the port's name; the dataplane tells
# the prefix and the port id
[ "$(ctl capture p1 file "$WORK/c1.pcapng" count 200 dry-run)" = \
	"dpdk-dumpcap --file-prefix=nfv$$ -i 1 -w $WORK/c1.pcapng -c 200" ] ||
	fail "capture dry-run: $(ctl capture p1 file "$WORK/c1.pcapng" count 200 dry-run)"
ctl capture nosuch count 1 > "$WORK/nosuch.out" 2>&1
[ $? = 1 ] && grep -q "no port nosuch" "$WORK/nosuch.out" || fail "capture of no port: $(cat "$WORK/nosuch.out")"
NFVPN_DUMPCAP=$DUMPCAP timeout 30 "$NFV_BUILD/control/nfvpnctl" --socket "$SOCK" --json \
	capture p1 file "$WORK/c1.pcapng" count 200 filter "udp dst port 5000" > "$WORK/c1.json" 2> "$WORK/c1.err" ||
	fail "nfvpnctl capture p1: $(cat "$WORK/c1.err")"
$PY -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["port"] == "p1" and d["port_id"] == 1 and d["status"] == 0, d
assert d["command"][:4] == ["'"$DUMPCAP"'", "--file-prefix=nfv'$$'", "-i", "1"], d' "$WORK/c1.json" ||
	fail "nfvpnctl --json capture: $(cat "$WORK/c1.json")"
check "$WORK/c1.pcapng" "02:00:00:00:01:01 02:00:00:00:01:02 10.0.0.2 63 5000"
# bash completion: the ports of the running dataplane, then the options
complete_words() {	# complete_words WORD...: what completes the word after them
	PATH=$NFV_BUILD/control:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1"; shift
		COMP_WORDS=(nfvpnctl "$@" ""); COMP_CWORD=$(($# + 1))
		COMP_LINE="nfvpnctl $* "; COMP_POINT=${#COMP_LINE}
		_nfvpnctl nfvpnctl "" "${@: -1}"
		echo "${COMPREPLY[*]}"' _ "$NFV_TOP/control/completion/nfvpnctl" "$@"
}
[ "$(complete_words --socket "$SOCK" capture)" = "p0 p1" ] ||
	fail "completion of 'capture ': '$(complete_words --socket "$SOCK" capture)'"
[ "$(complete_words --socket "$SOCK" capture p1 count 5)" = "file count duration filter snaplen dry-run" ] ||
	fail "completion of 'capture p1 count 5 ': '$(complete_words --socket "$SOCK" capture p1 count 5)'"
# a filter that nothing matches: 'count' is never reached, 'duration' ends it
ctl capture p0 file "$WORK/c0.pcapng" duration 1 filter "tcp" 2> "$WORK/c0.err" ||
	fail "nfvpnctl capture p0 duration 1: $(cat "$WORK/c0.err")"
[ "$(fields "$WORK/c0.pcapng" | wc -l)" = 0 ] || fail "c0.pcapng: frames that are not TCP"

# forwarding went on during and after the captures
tx1=$(counter tx)
sleep 0.5
[ "$(counter tx)" -gt "$tx1" ] || fail "the dataplane stopped forwarding"
dp_stop
echo "PASS $SMOKE_NAME"
