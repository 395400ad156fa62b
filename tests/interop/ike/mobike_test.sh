#!/usr/bin/env bash
# MOBIKE (RFC 4555) under traffic: charon's UPDATE_SA_ADDRESSES makes it
# call update_sa for both SAs and install the policies again, and the
# dataplane's SAs take the new addresses with the same SPIs, keys and
# sequence numbers (NFV_MSG_IPSEC_SA_UPDATE): nfvpn's charon keeps the
# CHILD_SA (it would queue a CHILD_REKEY if update_sa were not supported).
#
# The peer cannot: kernel-libipsec's update_sa is NOT_SUPPORTED in
# strongSwan 5.9.8, so the peer's charon rekeys the CHILD_SA right after
# every move (a CREATE_CHILD_SA with REKEY_SA, make before break). The
# test checks that the only new CHILD_SA is that rekey of the peer's, and
# that our SAs of the old SPIs were moved before it.
#
# 1. The peer moves: it initiated (MOBIKE's initiator roams), gets
#    192.0.2.3 and loses 192.0.2.2 while nfvpn's LAN pings it; our
#    outbound SA now goes to 192.0.2.3, our inbound SA takes its packets.
# 2. Our address moves: nfvpn's charon initiates from 192.0.2.1 and the
#    address goes from the exception TUN (charon's view of our addresses)
#    while the peer's LAN pings ours; charon roams to the dataplane's
#    second address 192.0.2.5, the inbound SA's destination (its SAD key)
#    moves there, make before break.
#
# Topology: ike_site's (lib.sh), the dataplane with a second address
# 192.0.2.5 on p0.
. "$(dirname "$0")/lib.sh"

IKE_DP_ADDRESSES="  - { port: p0, address: 192.0.2.5/24 }" ike_site
# charon learns the dataplane's addresses from the exception TUN: 192.0.2.5
# only for part 2 (charon would announce it, ADDITIONAL_IP4_ADDRESS, and
# the peer's MOBIKE might pick it as our new address in part 1)
ip -n "$DP_NS" addr del 192.0.2.5/24 dev nfv-p0 || fail "ip addr del 192.0.2.5 (nfv-p0)"

# dp_spi DIR: the SPI of charon's SA of direction DIR (in, out), one SA
dp_spi() { dp_ike_sas | awk -v d="$1" '$2 == d {print $3}'; }
# dp_sa_addrs DIR: "src dst" of charon's SA of direction DIR (in, out)
dp_sa_addrs() {
	ctl --json sa | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("sas", d) if isinstance(d, dict) else d
for s in d:
    if s["name"].startswith("ike-") and s["direction"] == sys.argv[1]:
        print(s["src"], s["dst"])' "$1" | sort -u
}
# wait_log PATTERN: nfvpn's charon logs it within 10 s
wait_log() {
	for _ in $(seq 100); do
		grep -qE "$1" "$WORK/nfvpn.log" && return 0
		sleep 0.1
	done
	ike_logs; fail "nfvpn's charon did not log: $1"
}
# pings NS SRC DST FILE: 80 pings, 50 ms apart, in the background ($pinger)
pings() {
	in_ns "$1" ping -i 0.05 -c 80 -W 1 -I "$2" "$3" > "$4" 2>&1 &
	pinger=$!
}
# pings_done FILE MIN: the background pings ended with MIN replies at least
pings_done() {
	local received
	wait $pinger
	received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1")
	echo "$received of 80 pings during the move"
	[ "${received:-0}" -ge "$2" ] || { cat "$1"; ike_logs; fail "only ${received:-0} of 80 pings: traffic did not continue"; }
}
both_ways() {
	in_ns "$PEER" ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.2 > /dev/null ||
		{ ctl sa; ike_logs; fail "no ping from the peer's LAN $1"; }
	in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null ||
		{ ctl sa; ike_logs; fail "no ping from nfvpn's LAN $1"; }
}
child_sas() { grep -o 'CHILD_SA net{[0-9]*} established' "$WORK/nfvpn.log" | sort -u | wc -l; }
# the CHILD_SA rekeys the peer asked for
peer_rekeys() { grep -c 'parsed CREATE_CHILD_SA request [0-9]* \[ N(REKEY_SA)' "$WORK/nfvpn.log"; }
# kept N R: nfvpn's charon updated its CHILD_SA in place: N CHILD_SAs and
# R rekeys of the peer's before the move, no more CHILD_SAs than the
# peer's rekeys since then added (see above)
kept() {
	if grep -q 'queueing CHILD_REKEY' "$WORK/nfvpn.log"; then
		ike_logs; fail "nfvpn's charon rekeyed: its update_sa failed"
	fi
	[ "$(child_sas)" -le $(($1 + $(peer_rekeys) - $2)) ] ||
		{ ike_logs; fail "$(child_sas) CHILD_SAs, $1 before, $(($(peer_rekeys) - $2)) rekeys of the peer's: the move made a new one"; }
}

# --- 1. the peer moves
IKE_REMOTE_ADDRS=%any ike_swconf nfvpn aes128gcm16 psk
IKE_LOCAL_ADDRS=%any ike_swconf peer aes128gcm16 psk
ike_up
both_ways "before the peer moved"
in=$(dp_spi in) out=$(dp_spi out) r=$(peer_rekeys)
echo "SAs: in $in, out $out $(dp_sa_addrs out)"
pings "$LAN" 10.1.0.2 10.2.0.1 "$WORK/ping1"
sleep 1
# the secondary stays when the primary goes
in_ns "$PEER" sysctl -qw net.ipv4.conf.peer0.promote_secondaries=1
ip -n "$PEER" addr add 192.0.2.3/24 dev peer0
ip -n "$PEER" addr del 192.0.2.2/24 dev peer0
echo "the peer moved to 192.0.2.3"
# the SAs of the old SPIs moved, the outbound one's destination, the inbound one's source
wait_log "nfvpn: SA ike-o$out-[0-9]* now 192\\.0\\.2\\.1\\[4500\\] == 192\\.0\\.2\\.3\\[4500\\]"
wait_log "nfvpn: SA ike-i$in-[0-9]* now 192\\.0\\.2\\.3\\[4500\\] == 192\\.0\\.2\\.1\\[4500\\]"
pings_done "$WORK/ping1" 50
both_ways "after the peer moved"
ctl sa
kept 1 "$r"
[ "$(dp_sa_addrs out)" = "192.0.2.1 192.0.2.3" ] || fail "outbound SA $(dp_sa_addrs out)"
[ "$(dp_sa_addrs in)" = "192.0.2.3 192.0.2.1" ] || fail "inbound SA $(dp_sa_addrs in)"
sw nfvpn --list-sas > "$WORK/list-sas1"
grep -q "remote 'peer.example' @ 192.0.2.3" "$WORK/list-sas1" ||
	{ cat "$WORK/list-sas1"; fail "swanctl --list-sas does not show the peer's new address"; }
sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }

# --- 2. our address moves: nfvpn's charon initiates to where the peer is now
ip -n "$DP_NS" addr add 192.0.2.5/24 dev nfv-p0 || fail "ip addr add 192.0.2.5 (nfv-p0)"
IKE_LOCAL_ADDRS=%any IKE_REMOTE_ADDRS=192.0.2.3 ike_swconf nfvpn aes128gcm16 psk
IKE_LOCAL_ADDRS=%any IKE_REMOTE_ADDRS=%any ike_swconf peer aes128gcm16 psk
sw nfvpn --initiate --child net --timeout 20 > "$WORK/initiate2.out" 2>&1 ||
	{ cat "$WORK/initiate2.out"; ike_logs; fail "nfvpn's charon could not bring the tunnel up"; }
both_ways "before our address moved"
in=$(dp_spi in) out=$(dp_spi out) r=$(peer_rekeys)
[ "$(dp_sa_addrs in)" = "192.0.2.3 192.0.2.1" ] || fail "inbound SA $(dp_sa_addrs in)"
n=$(child_sas)
pings "$PEER" 10.2.0.1 10.1.0.2 "$WORK/ping2"
sleep 1
# charon sees the dataplane's addresses on the exception TUN: 192.0.2.1
# goes there (the dataplane keeps it: packets on their way still arrive)
in_ns "$DP_NS" sysctl -qw net.ipv4.conf.nfv-p0.promote_secondaries=1
ip -n "$DP_NS" addr del 192.0.2.1/24 dev nfv-p0
echo "our address moved: 192.0.2.1 gone from nfv-p0"
# the inbound SA's destination, its SAD key, moved; the outbound one's source
wait_log "nfvpn: SA ike-i$in-[0-9]* now 192\\.0\\.2\\.3\\[4500\\] == 192\\.0\\.2\\.5\\[4500\\]"
wait_log "nfvpn: SA ike-o$out-[0-9]* now 192\\.0\\.2\\.5\\[4500\\] == 192\\.0\\.2\\.3\\[4500\\]"
pings_done "$WORK/ping2" 50
both_ways "after our address moved"
ctl sa
kept "$n" "$r"
[ "$(dp_sa_addrs in)" = "192.0.2.3 192.0.2.5" ] || fail "inbound SA $(dp_sa_addrs in)"
[ "$(dp_sa_addrs out)" = "192.0.2.5 192.0.2.3" ] || fail "outbound SA $(dp_sa_addrs out)"
sw nfvpn --list-sas > "$WORK/list-sas2"
grep -Eq "local +'nfvpn.example' @ 192\.0\.2\.5" "$WORK/list-sas2" ||
	{ cat "$WORK/list-sas2"; fail "swanctl --list-sas does not show our new address"; }

sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME (${SECONDS} s)"
