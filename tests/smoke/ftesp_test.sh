#!/usr/bin/env bash
# The flowtable's fast path for flows that leave through an ESP SA (issue
# 12 item 2): A's UDP flows to the remote site behind peer B are protected
# by SA 0x1001; once conntrack has seen them both ways (R's answers come
# in through SA 0x2001) flow add offloads them and esp-output learns the
# SA into the flow; their next packets are sealed at ingress, skipping the
# hooks and the policy lookup. The same frames, sent one at a time, give
# the same output frames byte for byte with the flowtable as without it
# (the full pipeline), including TTL 1 (time exceeded), a packet over the
# SA's MTU bound and ICMP (the slow path's), the same SA counters in
# `nfvpnctl sa`, and scapy decrypts every ESP frame to what A sent. Then
# the outbound SA is deleted: both runs drop A's packets alike. Inbound,
# R's answers that esp-input decrypted take the fast path too (their
# direction learned out of SA 0x2001), with the same frames on a0.
#
#   netns t                      netns dp
#   a0 (host A 10.0.0.2) ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 (peer B 10.1.0.2)
#                             forward: counter [flow add @ft]      ESP 10.1.0.1 <-> 10.1.0.2
#                             100.0.0.0/16 (R) via B, PROTECT both ways
#
# The flowtable ruleset is loaded over the socket (bench/flowtable):
# nft cannot load a flowtable into a kernel without CONFIG_NF_FLOW_TABLE.
. "$(dirname "$0")/lib.sh"

LOAD=$NFV_BUILD/bench/nfvpn-flow-load
TRAFFIC=$NFV_TOP/tests/smoke/ftesp_traffic.py
[ -x "$LOAD" ] || fail "$LOAD is not built"

ft_topology

key=000102030405060708090a0b0c0d0e0f
salt=a0a1a2a3
cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports f)
routes:
  - { dst: 100.0.0.0/16, via: 10.1.0.2 }
neighbours:
  - { port: p0, address: 10.0.0.2, mac: "02:00:00:00:00:02" }
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
ipsec:
  sas:
    - { name: to-b, spi: 0x1001, direction: out, mode: tunnel, src: 10.1.0.1, dst: 10.1.0.2, algorithm: aes-gcm-128, key: "$key", salt: "$salt" }
    - { name: from-b, spi: 0x2001, direction: in, mode: tunnel, src: 10.1.0.2, dst: 10.1.0.1, algorithm: aes-gcm-128, key: "$key", salt: "$salt" }
  policies:
    - { name: out-r, direction: out, src: 10.0.0.0/24, dst: 100.0.0.0/16, action: protect, sa: to-b }
    - { name: in-r, direction: in, src: 100.0.0.0/16, dst: 10.0.0.0/24, action: protect, sa: from-b }
filter:
  conntrack_max: 1024
  nft: |
    table inet t {
      chain forward { type filter hook forward priority 0; }
    }
EOP
chmod 600 "$WORK/policy.yaml"

sa_counters() {	# every counter and the state of each SA, one line each
	ctl --json sa | $PY -c '
import json, sys
for s in sorted(json.load(sys.stdin)["sas"], key=lambda s: s["name"]):
    print(s["name"], s["state"], json.dumps(s["counters"], sort_keys=True))'
}

run() {	# run plain|offload: both phases, outputs in $WORK/<mode>.<phase>.json
	local mode=$1
	dp_start "$WORK/policy.yaml"
	"$LOAD" "$SOCK" "$mode" || fail "loading the $mode ruleset"
	in_ns "$T" $PY "$TRAFFIC" send a "$WORK/$mode.a.json" || fail "traffic a"
	ctl conntrack | tee "$WORK/$mode.ct"
	sa_counters > "$WORK/$mode.sa" || fail "nfvpnctl sa"
	ctl sa del to-b || fail "sa del"
	in_ns "$T" $PY "$TRAFFIC" send b "$WORK/$mode.b.json" || fail "traffic b"
	ctl stats > "$WORK/$mode.stats"
	OFFLOADED=$(counter flow.offloaded)
	NOSA=$(counter drop.esp-unknown-spi)
	dp_stop
}

run plain
[ "$OFFLOADED" = 0 ] || fail "without flow add, $OFFLOADED packets were offloaded"
PLAIN_NOSA=$NOSA
run offload
echo "offloaded: $OFFLOADED packets; SAs:"
cat "$WORK/offload.sa"
# A's packets 3-12, 15-17 and 22-24 (16; 2 and 21 learn their direction
# at esp-output), R's decrypted 2-6 (5; 1 offloads and learns)
[ "$OFFLOADED" -ge 21 ] || fail "only $OFFLOADED packets were offloaded"
grep 'sport=5000 dport=53 ' "$WORK/offload.ct" | grep -q '\[OFFLOAD\]' ||
	fail "the UDP flow is not listed [OFFLOAD]"
# per direction: A's to the SA, R's out of it
grep 'sport=5000 dport=53 ' "$WORK/offload.ct" | grep -q 'offloaded=13/5 ' ||
	fail "offloaded per direction: $(grep 'sport=5000 dport=53 ' "$WORK/offload.ct")"
[ -s "$WORK/plain.sa" ] && cmp -s "$WORK/plain.sa" "$WORK/offload.sa" ||
	fail "SA counters: plain $(cat "$WORK/plain.sa"), offload $(cat "$WORK/offload.sa")"
[ "$NOSA" = "$PLAIN_NOSA" ] && [ "$NOSA" -ge 4 ] ||
	fail "packets of the deleted SA dropped: plain $PLAIN_NOSA, offload $NOSA"
$PY "$TRAFFIC" compare "$WORK/plain.a.json" "$WORK/offload.a.json" ||
	fail "phase a: the flowtable changed the output"
$PY "$TRAFFIC" compare "$WORK/plain.b.json" "$WORK/offload.b.json" none ||
	fail "phase b: the flowtable changed the output"
$PY "$TRAFFIC" check "$WORK/offload.a.json" || fail "scapy's ESP disagrees"
echo "PASS $SMOKE_NAME"
