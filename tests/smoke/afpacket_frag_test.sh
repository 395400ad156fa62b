#!/usr/bin/env bash
# IPv4 fragments on net_af_packet ports (veths): the kernel reassembles
# them before the PMD (its fanout DEFRAG flag, docs/policy.md). A datagram
# that fits a ring frame (1968 bytes of IP) arrives whole and is answered
# (the answer is fragmented for A's MTU); a longer one arrives cut and is
# counted as port-frame-truncated; a malformed total length is still
# ip4-bad-total-length.
#
#   netns A  a0 10.0.0.2 ---- p0 [nfvpn-dataplane] p1 ---- b0 10.1.0.2  netns B
. "$(dirname "$0")/lib.sh"

routed_pair
cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports af)
EOP
dp_start "$WORK/policy.yaml"

in_ns "$A" busybox ping -c 1 -W 2 10.0.0.1 > /dev/null 2>&1	# neighbours
# 1968 bytes of IP in two fragments, the most a 2048-byte ring frame holds:
# reassembled by the kernel, answered (the answer fragmented for A's MTU)
in_ns "$A" busybox ping -c 2 -W 2 -s 1940 10.0.0.1 > "$WORK/fits.out" 2>&1 ||
	fail "no answer to a 1968-byte ping in fragments: $(cat "$WORK/fits.out")"
expect_counter fragmented 2
# 1972 bytes: one frame too long, cut by the port
in_ns "$A" busybox ping -c 1 -W 1 -s 1944 10.0.0.1 > /dev/null 2>&1 &&
	fail "a 1972-byte ping through af_packet was answered: the frame limit moved?"
expect_counter drop.port-frame-truncated 1
# a header whose total length is below its own size is malformed, on any port
in_ns "$A" $PY -c '
from scapy.all import Ether, IP, ICMP, sendp, conf
conf.verb = 0
p = Ether(dst="02:00:00:00:00:01") / IP(src="10.0.0.2", dst="10.0.0.1", len=10) / ICMP()
sendp(p, iface="a0")
' || fail "scapy"
for _ in $(seq 20); do [ "$(counter drop.ip4-bad-total-length)" = 1 ] && break; sleep 0.1; done
expect_counter drop.ip4-bad-total-length 1
expect_counter drop.port-frame-truncated 1
dp_stop
echo "PASS afpacket_frag_test"
