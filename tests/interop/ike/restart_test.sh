#!/usr/bin/env bash
# nfvpn's charon dies and comes back (topology: ike_site in lib.sh):
#  1. charon is killed (SIGKILL): the dataplane goes on forwarding on the
#     SAs it left, as the kernel does on XFRM states;
#  2. a new charon starts: the plugin finds the old SAs and policies;
#     the peer connects again, the new CHILD_SA's policies replace the old
#     ones with the same selectors; the old SAs go at their hard lifetime
#     (6 s, which the dataplane enforces and reports), so that the
#     dataplane ends with the new pair and its two policies only;
#  3. the tunnel again with 6 s SAs; charon is killed and stays dead past
#     their hard lifetime: the dataplane forwards until the SAs expire,
#     then drops (esp-sa-expired), never sends in the clear; a charon
#     that starts after that deletes the expired SAs at once (their
#     expire events went to nobody) and replaces the policies.
. "$(dirname "$0")/lib.sh"

ike_site
ike_swconf nfvpn aes128gcm16 psk "life_time = 6s
				rekey_time = 4s"
ike_swconf peer aes128gcm16 psk
ike_up
old_sas=$(dp_ike_sas | awk '{ print $1 }' | tr '\n' ' ')
old_sps=$(ctl --json sp | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("policies", d) if isinstance(d, dict) else d
print(" ".join(p["name"] for p in d))')
echo "SAs $old_sas, policies $old_sps"

# 1.
kill -KILL "${CHARON_PID[nfvpn]}"
wait "${CHARON_PID[nfvpn]}" 2>/dev/null
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > "$WORK/ping" ||
	{ cat "$WORK/ping"; fail "the dataplane stopped forwarding when charon died"; }
echo "ok forwarding without charon"

# 2.
rm -f "$WORK/nfvpn.vici"
mv "$WORK/nfvpn.log" "$WORK/nfvpn-1.log"
CHARON_ROUTES=no charon_start nfvpn "$DP_NS" "nfvpn kernel-netlink" "$NFVPN_PLUGIN"
grep -q 'nfvpn: 2 SAs and 2 policies of a previous charon' "$WORK/nfvpn.log" ||
	{ ike_logs; fail "the new charon did not find the old SAs and policies"; }
ike_swconf nfvpn aes128gcm16 psk
# the peer forgets its IKE_SA at once: the old charon will not answer
sw peer --terminate --ike s2s --force --timeout 2 > /dev/null 2>&1
ike_up
for sp in $old_sps; do
	grep -q "nfvpn: policy ike-p[0-9]* replaces $sp of a previous charon" "$WORK/nfvpn.log" ||
		{ ike_logs; fail "policy $sp was not replaced"; }
done
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > "$WORK/ping" ||
	{ cat "$WORK/ping"; ike_logs; fail "no ping on the new CHILD_SA"; }
for _ in $(seq 150); do
	[ "$(dp_count sa)" = 2 ] && break
	sleep 0.1
done
ctl sa
ctl sp
[ "$(dp_count sa)" = 2 ] || fail "$(dp_count sa) SAs 15 s after the new CHILD_SA, expected its 2"
[ "$(dp_count sp)" = 2 ] || fail "$(dp_count sp) policies after the restart, expected 2"
for sa in $old_sas; do
	dp_ike_sas | grep -q "^$sa " && fail "SA $sa of the dead charon is still there"
	grep -q "nfvpn: deleting SA $sa of a previous charon (hard lifetime)" "$WORK/nfvpn.log" ||
		{ ike_logs; fail "SA $sa did not go at its hard lifetime"; }
done
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null || fail "no ping after the old SAs went"
echo "ok the new charon replaced the old SAs and policies"

# 3.
sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }
ike_swconf nfvpn aes128gcm16 psk "life_time = 6s
				rekey_time = 4s"
ike_up
old_sas=$(dp_ike_sas | awk '{ print $1 }' | tr '\n' ' ')
kill -KILL "${CHARON_PID[nfvpn]}"
wait "${CHARON_PID[nfvpn]}" 2>/dev/null
killed=$(date +%s.%N)
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > "$WORK/ping" ||
	{ cat "$WORK/ping"; fail "the dataplane stopped forwarding when charon died (again)"; }
# the SAs were made less than 6 s ago and expire at 6 s (the control side
# sees it on its next once-a-second poll)
sa_states() {
	ctl --json sa | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("sas", d) if isinstance(d, dict) else d
print(" ".join(sorted(set(s["state"] for s in d if s["name"].startswith("ike-")))))'
}
for _ in $(seq 120); do
	[ "$(sa_states)" = expired ] && break
	sleep 0.1
done
[ "$(sa_states)" = expired ] || { ctl sa; fail "the SAs did not expire without charon"; }
echo "ok the SAs forwarded, then expired $($PY -c "print('%.1f' % ($(date +%s.%N) - $killed))") s after charon died"
expired_0=$(counter drop.esp-sa-expired)
# the peer counts what reaches it in the clear: ICMP on its outer link
in_ns "$PEER" nft -f - <<'EON' || fail "nft in the peer's namespace"
table ip clear {
	chain in { type filter hook prerouting priority raw; iifname "peer0" ip protocol icmp counter; }
}
EON
in_ns "$LAN" ping -c 3 -i 0.2 -W 1 10.2.0.1 > /dev/null && fail "pings pass on expired SAs"
in_ns "$PEER" nft list table ip clear | grep -q 'counter packets 0 ' ||
	{ in_ns "$PEER" nft list table ip clear; fail "pings left in the clear"; }
[ "$(counter drop.esp-sa-expired)" -ge $((expired_0 + 3)) ] ||
	fail "the pings on the expired SAs were not counted as esp-sa-expired"
echo "ok the expired SAs drop, nothing in the clear"
rm -f "$WORK/nfvpn.vici"
mv "$WORK/nfvpn.log" "$WORK/nfvpn-2.log"
CHARON_ROUTES=no charon_start nfvpn "$DP_NS" "nfvpn kernel-netlink" "$NFVPN_PLUGIN"
for sa in $old_sas; do
	grep -q "nfvpn: deleting SA $sa of a previous charon (hard lifetime passed before this charon)" "$WORK/nfvpn.log" ||
		{ ike_logs; fail "SA $sa, expired before the new charon, was not deleted"; }
	dp_ike_sas | grep -q "^$sa " && fail "the expired SA $sa is still there"
done
ike_swconf nfvpn aes128gcm16 psk
sw peer --terminate --ike s2s --force --timeout 2 > /dev/null 2>&1
ike_up
grep -q "nfvpn: policy ike-p[0-9]* replaces ike-p[0-9]* of a previous charon" "$WORK/nfvpn.log" ||
	{ ike_logs; fail "the policies of the dead charon were not replaced"; }
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null || fail "no ping on the third charon's SAs"
[ "$(dp_count sa)" = 2 ] || { ctl sa; fail "$(dp_count sa) SAs after the third charon, expected 2"; }
[ "$(dp_count sp)" = 2 ] || { ctl sp; fail "$(dp_count sp) policies after the third charon, expected 2"; }
echo "ok a charon started after the hard lifetime deleted the expired SAs and replaced the policies"

sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
