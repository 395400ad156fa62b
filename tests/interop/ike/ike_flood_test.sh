#!/usr/bin/env bash
# A flood of IKE_SA_INITs from spoofed sources against a concentrator
# with an established tunnel (topology: ike_site in lib.sh; the flood
# comes from the peer's namespace, into the dataplane's p0 like the
# tunnel's ESP):
#
#   lan --ping every 20 ms--> p1 [nfvpn-dataplane] p0 <== ESP == peer (charon)
#                                  |    ^               <== IKE_SA_INIT flood,
#                         nfv-p0 TUN |  ike_rate 200/s      198.18.0.0/15 -> :500, :4500
#                            charon  (the rest: ike-rate-limit-init)
#
# 1. the tunnel's pings lose nothing during the flood;
# 2. the flood is dropped at the exception path and counted: the TUN
#    gets no more than the rate allows;
# 3. the peer rekeys the IKE_SA and nfvpn's charon rekeys it back during
#    the flood: both succeed at the first try (their messages carry a
#    responder SPI: the other bucket), no retransmit.
. "$(dirname "$0")/lib.sh"

RATE=${IKE_FLOOD_RATE:-200}	# per second and kind; one worker
FLOOD_S=6
# 50,000/s: 250 times the rate, and under what one worker on af_packet
# receives here (unpaced, 700,000/s, a quarter of the flood and 16 % of
# the pings were lost in the kernel's socket ring: the link was full)
FLOOD_PPS=${FLOOD_PPS:-50000}
# shellcheck disable=SC2034  # read by ike_site
IKE_POLICY_DATAPLANE="dataplane: { ike_rate: $RATE }"
ike_site
ike_swconf nfvpn aes128gcm16 psk
ike_swconf peer aes128gcm16 psk
ike_up
spis_before=$(sw nfvpn --list-sas --raw | grep -o 'initiator-spi=[0-9a-f]*' | sort)

punted() {
	ctl --json ports | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("ports", d) if isinstance(d, dict) else d
print(next(p["punted"] for p in d if p["name"] == "p0"))'
}
punted_0=$(punted)
drops_0=$(counter drop.ike-rate-limit-init)

in_ns "$LAN" ping -q -i 0.02 -c $((FLOOD_S * 50 + 100)) -W 1 10.2.0.1 > "$WORK/ping" 2>&1 &
pinger=$!
sleep 1
t0=$(date +%s.%N)
in_ns "$PEER" $PY "$(dirname "$0")/ike_flood.py" peer0 02:00:00:00:00:01 192.0.2.1 "$FLOOD_S" "$FLOOD_PPS" \
	> "$WORK/flood.out" 2>&1 &
flooder=$!
sleep 1
sw peer --rekey --ike s2s > /dev/null || fail "swanctl --rekey --ike (peer)"
sleep 2
sw nfvpn --rekey --ike s2s > /dev/null || fail "swanctl --rekey --ike (nfvpn)"
wait $flooder || { cat "$WORK/flood.out"; fail "the flood did not run"; }
t1=$(date +%s.%N)
punted_1=$(punted)
drops_1=$(counter drop.ike-rate-limit-init)
wait $pinger
cat "$WORK/flood.out" "$WORK/ping"
ctl --json ports | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("ports", d) if isinstance(d, dict) else d
for p in d:
    print(p["name"], "rx", p["rx_packets"], "missed", p["rx_missed"], "errors", p["rx_errors"])'

# 1.
grep -q ' 0% packet loss' "$WORK/ping" || { ike_logs; fail "the flood cost the tunnel pings"; }
echo "ok no ping lost during the flood"

# 2. what reached the TUN: the flood's share, at most the burst plus the
# rate over the flood's time, and the rekeys' handful
dropped=$((drops_1 - drops_0))
to_tun=$((punted_1 - punted_0))
max=$($PY -c "print(int($RATE / 10 + $RATE * ($t1 - $t0)) + 20)")
echo "flood: $dropped dropped (ike-rate-limit-init), $to_tun to the TUN (at most $max)"
[ "$dropped" -gt $((RATE * FLOOD_S)) ] || fail "only $dropped flood packets dropped by the rate limit"
[ "$to_tun" -le "$max" ] || fail "$to_tun packets to the TUN in $FLOOD_S s of flood at $RATE/s"
[ "$(counter drop.ike-rate-limit)" = 0 ] || fail "messages of the IKE_SA hit their rate limit"
ctl stats | grep -E 'drop\.ike|^rx ' || fail "nfvpnctl stats shows no ike-rate-limit-init"

# 3.
spis_after=$(sw nfvpn --list-sas --raw | grep -o 'initiator-spi=[0-9a-f]*' | sort)
[ "$spis_before" != "$spis_after" ] || { ike_logs; fail "the IKE_SA was not rekeyed"; }
n=$(grep -c 'rekeying IKE_SA\|IKE_SA .* rekeyed' "$WORK/nfvpn.log" "$WORK/peer.log" | awk -F: '{ s += $2 } END { print s }')
echo "IKE_SA rekey lines in the logs: $n"
if grep -i 'retransmit' "$WORK/nfvpn.log" "$WORK/peer.log"; then
	fail "IKE retransmits during the flood"
fi
sw nfvpn --list-sas
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null || fail "no ping after the flood"
echo "ok the IKE_SA rekeyed twice during the flood, no retransmit"

sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
