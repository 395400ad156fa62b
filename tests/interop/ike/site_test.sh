#!/usr/bin/env bash
# IKEv2 site-to-site: Debian's charon negotiates, the dataplane carries
# (topology: ike_site in lib.sh). IKE reaches nfvpn's charon through the
# exception TUN; the CHILD_SAs it negotiates go to the dataplane through
# libstrongswan-nfvpn.so. Twice: PSK with AES-GCM-128, certificates
# (strongswan-pki, ECDSA) with ChaCha20-Poly1305. Each: pings both ways,
# swanctl --list-sas on nfvpn's side with the dataplane's counters,
# nfvpnctl sa / sp, then swanctl --terminate leaves the dataplane without
# an SA or a policy.
. "$(dirname "$0")/lib.sh"

ike_site
ike_certs

# nfvpnd_beside: nfvpnd applies the YAML policy to the same dataplane,
# at its start and on a reload; the SAs and policies named "ike-" are
# charon's, which it must leave alone (its apply diffs against what runs)
nfvpnd_beside() {
	local pid
	NFVPND_SOCKET=$WORK/nfvpnd.sock "$NFV_BUILD/control/nfvpnd/nfvpnd" --config "$WORK/policy.yaml" \
		--socket "$SOCK" --control "$WORK/nfvpnd.sock" --no-steer > "$WORK/nfvpnd.log" 2>&1 &
	pid=$!
	for _ in $(seq 50); do grep -q "start: apply" "$WORK/nfvpnd.log" && break; sleep 0.1; done
	grep -q "start: apply" "$WORK/nfvpnd.log" || fail "nfvpnd did not apply: $(cat "$WORK/nfvpnd.log")"
	NFVPND_SOCKET=$WORK/nfvpnd.sock ctl reload > "$WORK/reload.out" 2>&1 ||
		fail "nfvpnctl reload: $(cat "$WORK/reload.out")"
	kill -INT $pid
	wait $pid
	[ "$(dp_ike_sas | wc -l)" = 2 ] && [ "$(dp_count sp)" = 2 ] ||
		{ ctl sa; ctl sp; cat "$WORK/nfvpnd.log"; fail "nfvpnd removed charon's SAs or policies"; }
	in_ns "$LAN" ping -c 2 -i 0.2 -W 2 10.2.0.1 > /dev/null || fail "no ping after nfvpnd's apply"
	echo "ok nfvpnd left charon's SAs and policies alone"
}

# run_case ESP ALGORITHM AUTH: one tunnel up, traffic, down
run_case() {
	local esp=$1 alg=$2 auth=$3 n

	ike_swconf nfvpn "$esp" "$auth"
	ike_swconf peer "$esp" "$auth"
	ike_up

	sw nfvpn --list-sas > "$WORK/sas.txt"
	cat "$WORK/sas.txt"
	grep -q 'net: #.*INSTALLED, TUNNEL' "$WORK/sas.txt" || { ike_logs; fail "$alg: no installed CHILD_SA on nfvpn's side"; }
	if [ "$auth" = pubkey ]; then
		grep -q "authentication of 'peer.example' with ECDSA.* successful" "$WORK/nfvpn.log" ||
			{ ike_logs; fail "$alg: the peer did not authenticate with its certificate"; }
	fi
	ctl sa
	ctl sp
	n=$(dp_ike_sas | awk -v a="$alg" '$4 == a' | wc -l)
	[ "$n" = 2 ] || fail "$alg: the dataplane has $n SAs of charon's, expected 2"
	[ "$(dp_count sp)" = 2 ] || fail "$alg: the dataplane has $(dp_count sp) policies, expected 2"

	in_ns "$LAN" ping -c 5 -i 0.2 -W 2 10.2.0.1 > "$WORK/ping1" ||
		{ cat "$WORK/ping1"; ike_logs; fail "$alg: no ping from the lan to the peer's site"; }
	in_ns "$PEER" ping -c 5 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.2 > "$WORK/ping2" ||
		{ cat "$WORK/ping2"; ike_logs; fail "$alg: no ping from the peer's site to the lan"; }

	# the dataplane carried it: 5 requests and 5 replies each way, each SA
	dp_ike_sas | awk '$5 < 10 { print "SA " $1 " carried " $5 " packets"; bad = 1 } END { exit bad }' ||
		fail "$alg: the dataplane's SAs did not carry the pings"
	# charon reads the dataplane's counters (query_sa)
	sw nfvpn --list-sas > "$WORK/sas.txt"
	grep -Eq '^ +in +[0-9a-f]+, +[1-9][0-9]* bytes, +10 packets' "$WORK/sas.txt" ||
		{ cat "$WORK/sas.txt"; fail "$alg: swanctl --list-sas does not show the 10 inbound packets"; }
	grep -Eq '^ +out +[0-9a-f]+, +[1-9][0-9]* bytes, +10 packets' "$WORK/sas.txt" ||
		{ cat "$WORK/sas.txt"; fail "$alg: swanctl --list-sas does not show the 10 outbound packets"; }

	[ "$auth" = psk ] && nfvpnd_beside

	sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "$alg: swanctl --terminate"
	dp_wait_empty || { ctl sa; ctl sp; fail "$alg: SAs or policies left in the dataplane after --terminate"; }
	sw nfvpn --list-sas | grep -q s2s && fail "$alg: the IKE_SA outlived --terminate"
	echo "ok $alg ($auth)"
}

run_case aes128gcm16 aes-gcm-128 psk
run_case chacha20poly1305 chacha20-poly1305 pubkey

ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
