#!/usr/bin/env bash
# Rekeying under traffic, make-before-break (topology: ike_site in lib.sh):
# pings every 20 ms from the lan through the tunnel while nfvpn's charon
# rekeys the CHILD_SA, then the IKE_SA, then the peer rekeys the CHILD_SA.
# Not one ping may be lost; afterwards the dataplane holds only the newest
# pair of SAs and one policy each way, and the new SAs carry the traffic.
. "$(dirname "$0")/lib.sh"

ike_site
ike_swconf nfvpn aes256gcm16 psk
ike_swconf peer aes256gcm16 psk
ike_up
first=$(dp_ike_sas | awk '{ print $3 }' | sort | tr '\n' ' ')
echo "SPIs before: $first"

in_ns "$LAN" ping -q -i 0.02 -c 400 -W 1 10.2.0.1 > "$WORK/ping" 2>&1 &
pinger=$!
sleep 1.5
sw nfvpn --rekey --child net > /dev/null || fail "swanctl --rekey --child (nfvpn)"
sleep 2
sw nfvpn --rekey --ike s2s > /dev/null || fail "swanctl --rekey --ike (nfvpn)"
sleep 2
sw peer --rekey --child net > /dev/null || fail "swanctl --rekey --child (peer)"
wait $pinger || { cat "$WORK/ping"; ike_logs; fail "ping through the tunnel failed"; }
cat "$WORK/ping"
grep -q ' 400 received, 0% packet loss' "$WORK/ping" ||
	{ ike_logs; fail "packets lost during the rekeys"; }

# two CHILD_SA rekeys: the third pair of SAs, alone in the dataplane
n=$(grep -o 'CHILD_SA net{[0-9]*} established' "$WORK/nfvpn.log" | sort -u | wc -l)
[ "$n" = 3 ] || { ike_logs; fail "$n CHILD_SAs established on nfvpn's side, expected 3"; }
grep -q 'IKE_SA s2s\[[0-9]*\] rekeyed\|rekeying IKE_SA\|IKE_SA rekeyed' "$WORK/nfvpn.log" "$WORK/peer.log" ||
	{ ike_logs; fail "no IKE_SA rekey in the logs"; }
ctl sa
ctl sp
# charon keeps a rekeyed inbound SA 5 s (delete_rekeyed_delay)
for _ in $(seq 100); do
	[ "$(dp_count sa)" = 2 ] && break
	sleep 0.1
done
[ "$(dp_count sa)" = 2 ] || fail "the dataplane has $(dp_count sa) SAs after the rekeys, expected 2"
[ "$(dp_count sp)" = 2 ] || fail "the dataplane has $(dp_count sp) policies after the rekeys, expected 2"
last=$(dp_ike_sas | awk '{ print $3 }' | sort | tr '\n' ' ')
echo "SPIs after: $last"
for spi in $first; do
	case " $last " in *" $spi "*) fail "SA $spi survived the rekeys" ;; esac
done
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null || fail "no ping on the new SAs"
dp_ike_sas | awk '$5 < 3 { print "SA " $1 " carried " $5 " packets"; bad = 1 } END { exit bad }' ||
	fail "the new SAs did not carry the pings"
sw nfvpn --list-sas

sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
