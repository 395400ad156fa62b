#!/usr/bin/env bash
# IPv4 fragments on net_af_packet ports (veths): the kernel reassembles
# them before the PMD (its fanout DEFRAG flag, docs/policy.md). A datagram
# that fits a ring frame arrives whole and is answered (the answer is
# fragmented for A's MTU); a longer one arrives cut and is counted as
# port-frame-truncated, not as a malformed packet.
#
#   netns A  a0 10.0.0.2 ---- p0 [nfvpn-dataplane] p1 ---- b0 10.1.0.2  netns B
. "$(dirname "$0")/lib.sh"

routed_pair
cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports af)
EOP
dp_start "$WORK/policy.yaml"

in_ns "$A" busybox ping -c 1 -W 2 10.0.0.1 > /dev/null 2>&1	# neighbours
# 1900 bytes of IP in two fragments: reassembled by the kernel, answered
in_ns "$A" busybox ping -c 2 -W 2 -s 1872 10.0.0.1 > "$WORK/fits.out" 2>&1 ||
	fail "no answer to a 1900-byte ping in fragments: $(cat "$WORK/fits.out")"
expect_counter fragmented 2
# 3000 bytes: longer than the frame, cut by the port
in_ns "$A" busybox ping -c 1 -W 1 -s 2972 10.0.0.1 > /dev/null 2>&1 &&
	fail "a 3000-byte ping through af_packet was answered: the frame limit moved?"
expect_counter drop.port-frame-truncated 1
expect_counter drop.ip4-bad-total-length 0
dp_stop
echo "PASS afpacket_frag_test"
