#!/usr/bin/env bash
# Byte lifetimes counted by the dataplane reach charon (topology: ike_site
# in lib.sh). nfvpn's charon alone has the limits (the peer's are charon's
# defaults, far away), so what acts on them is the dataplane's per-SA
# counters and its soft/hard events, through the plugin's expire:
#   soft (rekey_bytes 60 kB): charon rekeys under traffic, no ping lost;
#   hard (life_bytes 30 kB, no rekey): the dataplane stops the SA, charon
#   closes the CHILD_SA (its SAs leave the dataplane) and creates a new one.
. "$(dirname "$0")/lib.sh"

ike_site

# soft: 1,028-byte packets every 25 ms, 40 kB/s each way: a rekey every 1.5 s
ike_swconf nfvpn aes128gcm16 psk "rekey_bytes = 60000
				life_bytes = 10000000
				rand_bytes = 0"
ike_swconf peer aes128gcm16 psk
ike_up
in_ns "$LAN" ping -q -s 1000 -i 0.025 -c 240 -W 1 10.2.0.1 > "$WORK/ping" 2>&1 ||
	{ cat "$WORK/ping"; ike_logs; fail "ping through the tunnel failed"; }
cat "$WORK/ping"
grep -q ' 240 received, 0% packet loss' "$WORK/ping" || { ike_logs; fail "packets lost across the rekeys"; }
grep -q 'nfvpn: SA ike-.* reached its soft lifetime' "$WORK/nfvpn.log" ||
	{ ike_logs; fail "no soft lifetime event from the dataplane reached charon"; }
n=$(grep -o 'CHILD_SA net{[0-9]*} established' "$WORK/nfvpn.log" | sort -u | wc -l)
[ "$n" -ge 3 ] || { ike_logs; fail "$n CHILD_SAs: charon did not rekey on the dataplane's byte counts"; }
echo "ok soft: $n CHILD_SAs for $(grep -c 'reached its soft lifetime' "$WORK/nfvpn.log") soft events"
sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }

# hard: 29 packets each way, then the SA stops; charon closes the expired
# CHILD_SA and (its default for a hard expiry) creates a new one
ike_swconf nfvpn aes128gcm16 psk "rekey_bytes = 0
				life_bytes = 30000
				rand_bytes = 0"
ike_up
old=$(dp_ike_sas | awk '{ print $1 }')
in_ns "$LAN" ping -q -s 1000 -i 0.05 -c 60 -W 1 10.2.0.1 > "$WORK/ping" 2>&1
cat "$WORK/ping"
grep -q 'nfvpn: SA ike-.* reached its hard lifetime' "$WORK/nfvpn.log" ||
	{ ike_logs; fail "no hard lifetime event from the dataplane reached charon"; }
grep -q 'closing expired CHILD_SA' "$WORK/nfvpn.log" ||
	{ ike_logs; fail "charon did not close the hard-expired CHILD_SA"; }
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping")
[ "$received" -ge 29 ] && [ "$received" -lt 60 ] ||
	fail "$received of 60 pings went through: the 30 kB hard limit stops the SA after 29"
for _ in $(seq 50); do
	now=$(dp_ike_sas | awk '{ print $1 }')
	gone=1
	for sa in $old; do
		case " $(echo $now) " in *" $sa "*) gone=0 ;; esac
	done
	[ $gone = 1 ] && [ "$(dp_count sa)" = 2 ] && break
	sleep 0.1
done
[ $gone = 1 ] || { ctl sa; fail "the hard-expired SAs are still in the dataplane"; }
[ "$(dp_count sa)" = 2 ] || { ctl sa; fail "no new pair of SAs after the hard expiry"; }
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null || fail "no ping on the recreated CHILD_SA"
echo "ok hard: $received of 60 pings, the SAs replaced"
sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }

ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
