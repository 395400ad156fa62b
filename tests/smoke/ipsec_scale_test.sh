#!/usr/bin/env bash
# The VPN tables at a remote-access concentrator's size (issue 12, item 3):
# the real dataplane starts with bench/esp/mkpolicy_ra.py's policy of
# 5,000 peers (10,000 SAs, AES-GCM-256 with ESN in UDP 4500; 20,000
# policies, two networks each way per peer) on net_pcap ports, lists them
# all, and encrypts to and decrypts from the last peers (and the first)
# as scapy's ESP expects.
#
#   in0.pcap: ESP of peers 4999, 4998, 0 --> inet [nfvpn-dataplane] corp --> out1.pcap: their packets
#   out0.pcap: ESP to those peers      <-- inet                     corp <-- in1.pcap: cleartext to them
#              (198.51.100.10)                                (10.0.0.1)     from 10.1.0.5 and 172.16.0.9
#
# Then a rekey at that size, by request: a 10,001st SA and its policy
# added (one more copy of a 5,000-policy SPD and a grace period with the
# worker running), the old policy and SA deleted by name. The limits
# themselves (16,384 SAs, 32,768 policies) are ctl_ipsec's unit test.
. "$(dirname "$0")/lib.sh"

PEERS=5000
# shellcheck disable=SC2034  # read by dp_start in lib.sh
DP_START_TRIES=600	# 10,000 SAs on a busy machine: up to a minute
$PY "$NFV_TOP/tests/smoke/ipsec_scale.py" make "$WORK" $PEERS || fail "cannot write packets"
(umask 077; $PY "$NFV_TOP/bench/esp/mkpolicy_ra.py" --peers $PEERS --lab --no-filter \
	--inet "net_pcap_s0,rx_pcap=$WORK/in0.pcap,tx_pcap=$WORK/out0.pcap" \
	--corp "net_pcap_s1,rx_pcap=$WORK/in1.pcap,tx_pcap=$WORK/out1.pcap" > "$WORK/policy.yaml") ||
	fail "cannot write the policy"

dp_start "$WORK/policy.yaml"
grep "ipsec: " "$WORK/dataplane.log"
count() {	# count sa|sp: how many nfvpnctl lists
	ctl --json "$1" | $PY -c 'import json, sys; d = json.load(sys.stdin); print(len(d[sys.argv[1]]))' \
		"$([ "$1" = sa ] && echo sas || echo policies)"
}
n=$(count sa)
[ "$n" = $((2 * PEERS)) ] || fail "nfvpnctl sa lists $n SAs, not $((2 * PEERS))"
n=$(count sp)
[ "$n" = $((4 * PEERS)) ] || fail "nfvpnctl sp lists $n policies, not $((4 * PEERS))"
ctl sa | grep -q "p$((PEERS - 1))-out" || fail "nfvpnctl sa does not show p$((PEERS - 1))-out"

# a rekey of the last peer's outbound SA
last=$((PEERS - 1))
sed -n '/^ipsec:/q;p' "$WORK/policy.yaml" > "$WORK/rekey.yaml"
cat >> "$WORK/rekey.yaml" <<EOP
ipsec:
  sas:
    - { name: p$last-out2, spi: 0x90000, direction: out, src: 198.51.100.10, dst: 100.64.19.250, algorithm: aes-gcm-256, key: "$(printf '%064x' 7)", salt: "01020304", esn: true, natt: true }
  policies:
    - { name: p$last-o0-2, direction: out, priority: -1, src: 10.0.0.0/8, dst: 10.200.19.250/32, action: protect, sa: p$last-out2 }
EOP
chmod 600 "$WORK/rekey.yaml"
ctl sa add "$WORK/rekey.yaml" || fail "sa add at 10,000 SAs"
[ "$(count sa)" = $((2 * PEERS + 1)) ] || fail "the new SA is not listed"
[ "$(count sp)" = $((4 * PEERS + 1)) ] || fail "the new policy is not listed"
ctl sp del "p$last-o0" || fail "sp del"
# allowed while p$last-o1 still names it, as in XFRM
ctl sa del "p$last-out" || fail "sa del of the old SA"
[ "$(count sa)" = $((2 * PEERS)) ] || fail "SA count after the rekey"
[ "$(count sp)" = $((4 * PEERS)) ] || fail "policy count after the rekey"

# 6 packets to peers, 3 from them, all before the rekey; nothing dropped
expect_counter drop.esp-unknown-spi 0
expect_counter drop.esp-policy-mismatch 0
expect_counter drop.esp-auth-failed 0
dp_stop
$PY "$NFV_TOP/tests/smoke/ipsec_scale.py" check "$WORK" $PEERS || fail "output check"
echo "PASS $SMOKE_NAME"
