#!/usr/bin/env bash
# ACQUIRE on trap policies (topology: ike_site in lib.sh). nfvpn's
# CHILD_SA has start_action = trap: charon installs its policies without
# an SA, the dataplane keeps them as traps. The first ping from the LAN
# matches the outbound trap: the dataplane drops it (counted as esp-unknown-spi, NFV_DR_ESP_NO_SA, as Linux's
# xfrm_larval_drop) and raises one NFV_EVENT_SP_ACQUIRE, the plugin hands
# it to charon (kernel_listener's acquire), which negotiates; later pings
# pass. After --terminate the traps are back, and traffic brings the
# tunnel up again; --uninstall leaves the dataplane empty.
#
# The acquire carries the packet's selectors (addresses, protocol, ICMP
# type), as XFRM's does, and charon proposes them first (RFC 7296 2.9):
# the trap is 10.1.0.0/24 === 10.2.0.0/24, but the peer has one CHILD_SA
# per host, 10.2.0.1/32 ("net") and 10.2.0.8/32 ("h8"), and picks the one
# whose selectors hold the packet's. Without them it would pick "net"
# every time, and pings to 10.2.0.8 would never pass. (One IKE_SA holds
# one CHILD_SA of a trap: charon 5.9.8 takes a second of the same config
# and reqid for a duplicate, whatever the packet; so each acquire here
# follows a --terminate.)
. "$(dirname "$0")/lib.sh"

ike_site
ip -n "$PEER" addr add 10.2.0.8/24 dev lan
ike_swconf nfvpn aes128gcm16 psk "start_action = trap"
IKE_LOCAL_TS=10.2.0.1/32 IKE_CHILDREN="h8 {
				local_ts = 10.2.0.8/32
				remote_ts = 10.1.0.0/24
				esp_proposals = aes128gcm16
			}" ike_swconf peer aes128gcm16 psk

# traps_only: two policies (one each way), no SA naming none
traps_only() {
	local why=$1
	for _ in $(seq 50); do
		[ "$(dp_count sa)" = 0 ] && [ "$(dp_count sp)" = 2 ] && break
		sleep 0.1
	done
	ctl sp
	[ "$(dp_count sa)" = 0 ] || fail "$why: $(dp_count sa) SAs, expected none"
	[ "$(dp_count sp)" = 2 ] || fail "$why: $(dp_count sp) policies, expected the 2 traps"
	ctl --json sp | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("policies", d) if isinstance(d, dict) else d
bad = [p["name"] for p in d if p.get("action") != "protect" or p.get("sa")]
sys.exit(1 if bad else 0)' || fail "$why: a policy is not a trap (protect without an SA)"
}

traps_only "after loading"
# acquire_ping WHY DST CHILD: pings DST until the tunnel is up; the first
# ones are the acquire's, dropped while charon negotiates. charon got the
# first packet's selectors (an echo request, ICMP type 8), and the peer
# picked its CHILD_SA CHILD for DST/32 by them.
acquire_ping() {
	local re
	in_ns "$LAN" ping -c 10 -i 0.5 -W 1 "$2" > "$WORK/ping" 2>&1
	cat "$WORK/ping"
	received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping")
	[ "${received:-0}" -ge 7 ] || { ike_logs; fail "$1: $received of 10 pings to $2: the acquire brought no tunnel for them"; }
	[ "$(dp_count sa)" = 2 ] || { ctl sa; fail "$1: $(dp_count sa) SAs after the acquire, expected 2"; }
	in_ns "$LAN" ping -c 3 -i 0.2 -W 2 "$2" > /dev/null || fail "$1: no ping on the negotiated SAs"
	re="creating acquire job for policy 10\.1\.0\.2/32\[icmp/8\] === ${2//./\\.}/32\[icmp/8\]"
	grep -q "$re" "$WORK/nfvpn.log" ||
		{ grep acquire "$WORK/nfvpn.log"; fail "$1: the acquire did not carry the packet's selectors to charon"; }
	sw peer --list-sas > "$WORK/peer-sas"
	grep -A8 "$3: #.*INSTALLED" "$WORK/peer-sas" | grep -q "local  ${2//./\\.}/32" ||
		{ cat "$WORK/peer-sas"; fail "$1: the peer did not pick its CHILD_SA $3 for $2/32"; }
}
acquire_ping "first acquire" 10.2.0.8 h8
n=$(grep -c 'nfvpn: acquire on policy' "$WORK/nfvpn.log")
[ "$n" = 1 ] || { ike_logs; fail "$n acquires reached charon for one trap, expected 1"; }
grep -q 'acquiring CHILD_SA\|initiating IKE_SA' "$WORK/nfvpn.log" || { ike_logs; fail "charon did not negotiate on the acquire"; }
[ "$(counter drop.esp-unknown-spi)" -ge 1 ] || fail "the acquire's packets were not counted (esp-unknown-spi)"
sw nfvpn --list-sas

# down: the trap policies come back; traffic brings the tunnel up again,
# to the other host, narrowed to it
sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
traps_only "after --terminate"
acquire_ping "second acquire" 10.2.0.1 net
n=$(grep -c 'nfvpn: acquire on policy' "$WORK/nfvpn.log")
[ "$n" = 2 ] || { ike_logs; fail "$n acquires after two tunnels, expected 2"; }

sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
traps_only "after the second --terminate"
sw nfvpn --uninstall --child net > /dev/null || fail "swanctl --uninstall"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --uninstall"; }

# inactivity: charon asks the policies' last use (query_policy, the
# dataplane's per-SA last packet); a CHILD_SA busy past its 3 s stays,
# an idle one is closed and the traps come back
ike_swconf nfvpn aes128gcm16 psk "start_action = trap
				inactivity = 3s"
traps_only "with inactivity = 3s"
in_ns "$LAN" ping -c 30 -i 0.2 -W 1 10.2.0.1 > "$WORK/ping" 2>&1
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping")
[ "${received:-0}" -ge 25 ] || { cat "$WORK/ping"; fail "inactivity: $received of 30 pings"; }
grep -q 'deleting .* inactivity' "$WORK/nfvpn.log" &&
	{ grep inactivity "$WORK/nfvpn.log"; fail "a busy CHILD_SA was closed for inactivity"; }
[ "$(dp_count sa)" = 2 ] || { ctl sa; fail "inactivity: $(dp_count sa) SAs while busy, expected 2"; }
for _ in $(seq 80); do
	grep -q 'deleting .* after 3 seconds .*inactivity' "$WORK/nfvpn.log" && [ "$(dp_count sa)" = 0 ] && break
	sleep 0.1
done
grep 'inactivity' "$WORK/nfvpn.log" || fail "the idle CHILD_SA was not closed for inactivity"
traps_only "after the inactivity timeout"
sw nfvpn --uninstall --child net > /dev/null || fail "swanctl --uninstall"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --uninstall"; }
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
