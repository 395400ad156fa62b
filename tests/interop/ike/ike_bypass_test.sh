#!/usr/bin/env bash
# IKE is never caught by an outbound policy (topology: ike_site in
# lib.sh). With the tunnel up, a static policy that covers the gateways'
# own addresses (192.0.2.1 -> 192.0.2.2, any protocol) is added in front of
# charon's, protecting with an SA the peer does not know. Everything else
# between the gateways now leaves as that SA's ESP, but charon's IKE (UDP
# from ports 500 and 4500 of the exception path) passes untouched, as its
# socket bypass policies make it in Linux: an IKE_SA rekey, a CHILD_SA
# rekey and the final delete still reach the peer, and the tunnel carries
# pings throughout.
. "$(dirname "$0")/lib.sh"

ike_site
ike_swconf nfvpn aes128gcm16 psk
ike_swconf peer aes128gcm16 psk
ike_up
in_ns "$LAN" ping -c 2 -i 0.2 -W 2 10.2.0.1 > /dev/null || { ike_logs; fail "no ping before"; }

# nfvpnctl sa add reads a whole policy file: the running one, and its ipsec section
{ cat "$WORK/policy.yaml"; cat <<EOP
ipsec:
  sas:
    - { name: cover, spi: 0x7001, direction: out, mode: tunnel, src: 192.0.2.1, dst: 192.0.2.2, algorithm: aes-gcm-128, key: "000102030405060708090a0b0c0d0e0f", salt: "a0a1a2a3" }
  policies:
    - { name: cover-gw, priority: -100, direction: out, src: 192.0.2.1/32, dst: 192.0.2.2/32, action: protect, sa: cover }
EOP
} > "$WORK/cover.yaml"
chmod 600 "$WORK/cover.yaml"	# it holds a key: the loader refuses it otherwise
ctl sa add "$WORK/cover.yaml" || fail "nfvpnctl sa add (the covering policy)"
ctl sp

# IKE exchanges through the covering policy
sw nfvpn --rekey --ike s2s > "$WORK/rekey-ike.out" 2>&1 || fail "swanctl --rekey --ike"
sw nfvpn --rekey --child net > "$WORK/rekey-child.out" 2>&1 || fail "swanctl --rekey --child"
for _ in $(seq 100); do
	grep -q 'IKE_SA s2s\[[0-9]*\] rekeyed\|rekeyed IKE_SA\|IKE_SA rekeyed' "$WORK/peer.log" &&
		[ "$(grep -o 'CHILD_SA net{[0-9]*} established' "$WORK/peer.log" | sort -u | wc -l)" -ge 2 ] && break
	sleep 0.1
done
grep -q 'IKE_SA s2s\[[0-9]*\] rekeyed\|rekeyed IKE_SA\|IKE_SA rekeyed' "$WORK/nfvpn.log" "$WORK/peer.log" ||
	{ ike_logs; fail "the IKE_SA rekey did not pass the covering policy"; }
n=$(grep -o 'CHILD_SA net{[0-9]*} established' "$WORK/peer.log" | sort -u | wc -l)
[ "$n" -ge 2 ] || { ike_logs; fail "the CHILD_SA rekey did not reach the peer ($n CHILD_SAs there)"; }
if grep -q 'retransmit' "$WORK/nfvpn.log"; then
	ike_logs; fail "charon retransmitted: IKE was caught by the covering policy"
fi
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null || { ike_logs; fail "no ping after the rekeys"; }
ctl sa

# the delete reaches the peer: its IKE_SA is gone too
sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
for _ in $(seq 50); do
	sw peer --list-sas 2>/dev/null | grep -q s2s || break
	sleep 0.1
done
! sw peer --list-sas 2>/dev/null | grep -q s2s || { ike_logs; fail "the peer did not hear the delete"; }
ctl sp del cover-gw
ctl sa del cover
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left"; }
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
