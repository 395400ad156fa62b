#!/usr/bin/env bash
# IKEv2 site-to-site: Debian's charon negotiates, the dataplane carries.
#
#   netns lan                 netns dp                                  netns peer
#   lan0 10.1.0.2 -- dp1 == p1 [nfvpn-dataplane] p0 == dp0 -- peer0 192.0.2.2
#                                      |                         charon + kernel-libipsec
#                        nfv-p0 (exception TUN, 192.0.2.1)       lan: 10.2.0.1 (dummy)
#                        charon + libstrongswan-nfvpn.so
#
# IKE reaches nfvpn's charon through the exception TUN; the CHILD_SAs it
# negotiates go to the dataplane through the plugin. Pings both ways,
# swanctl --list-sas on both sides, nfvpnctl sa / sp, then --terminate
# removes the dataplane's SAs and policies. Once with AES-GCM-128, once
# with ChaCha20-Poly1305.
. "$(dirname "$0")/lib.sh"
ike_check

dp_netns
LAN=$(netns_add lan)
PEER=$(netns_add peer)
veth_dp dp0 "$PEER" peer0
veth_dp dp1 "$LAN" lan0
ip -n "$PEER" addr add 192.0.2.2/24 dev peer0
ip -n "$PEER" link add lan type veth peer name lan-b
ip -n "$PEER" link set lan-b up
ip -n "$PEER" link set lan up
ip -n "$PEER" addr add 10.2.0.1/24 dev lan
ip -n "$LAN" addr add 10.1.0.2/24 dev lan0
ip -n "$LAN" route add default via 10.1.0.1

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_af_packet_ike0,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception_ifname: nfv-p0 }
  - { name: p1, device: "net_af_packet_ike1,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 192.0.2.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
routes:
  - { dst: 10.2.0.0/24, via: 192.0.2.2 }
EOP
dp_start "$WORK/policy.yaml"


# the routes are the dataplane's: charon must not install any in the kernel
CHARON_ROUTES=no charon_start nfvpn "$DP_NS" "nfvpn kernel-netlink" "$NFVPN_PLUGIN"
charon_start peer "$PEER" "kernel-libipsec kernel-netlink"
grep -q 'nfvpn: SAs and policies go to nfvpn-dataplane' "$WORK/nfvpn.log" ||
	{ ike_logs; fail "charon did not take the nfvpn plugin as its kernel-ipsec"; }

swconf() {	# swconf LOCAL REMOTE LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS ESP
	cat <<EOC
connections {
	s2s {
		version = 2
		local_addrs = $1
		remote_addrs = $2
		proposals = aes128gcm16-prfsha256-ecp256
		local { auth = psk
			id = $3 }
		remote { auth = psk
			id = $4 }
		children {
			net {
				local_ts = $5
				remote_ts = $6
				esp_proposals = $7
				mode = tunnel
			}
		}
	}
}
secrets {
	ike-s2s {
		id-a = nfvpn.example
		id-b = peer.example
		secret = "a pre-shared key of the site-to-site test"
	}
}
EOC
}

# run_case ESP NAME: one tunnel up, traffic, down
run_case() {
	local esp=$1 alg=$2 n sas

	swconf 192.0.2.1 192.0.2.2 nfvpn.example peer.example 10.1.0.0/24 10.2.0.0/24 "$esp" > "$(swanctl_dir nfvpn)/swanctl.conf"
	swconf 192.0.2.2 192.0.2.1 peer.example nfvpn.example 10.2.0.0/24 10.1.0.0/24 "$esp" > "$(swanctl_dir peer)/swanctl.conf"
	sw nfvpn --load-all --noprompt --file "$WORK/nfvpn.swanctl/swanctl.conf" >/dev/null || fail "swanctl --load-all (nfvpn)"
	sw peer --load-all --noprompt --file "$WORK/peer.swanctl/swanctl.conf" >/dev/null || fail "swanctl --load-all (peer)"

	sw peer --initiate --child net --timeout 20 > "$WORK/initiate.out" 2>&1 ||
		{ cat "$WORK/initiate.out" >&2; ike_logs; fail "$alg: the peer could not bring the tunnel up"; }

	sw nfvpn --list-sas > "$WORK/sas.txt"
	cat "$WORK/sas.txt"
	grep -q 'net: #.*INSTALLED, TUNNEL' "$WORK/sas.txt" || { ike_logs; fail "$alg: no installed CHILD_SA on nfvpn's side"; }
	ctl sa
	ctl sp
	sas=$(ctl --json sa)
	n=$(echo "$sas" | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("sas", d) if isinstance(d, dict) else d
print(sum(1 for s in d if s["name"].startswith("ike-") and s["algorithm"] == sys.argv[1]))' "$alg")
	[ "$n" = 2 ] || fail "$alg: the dataplane has $n SAs of charon's, expected 2"

	in_ns "$LAN" ping -c 5 -i 0.2 -W 2 10.2.0.1 > "$WORK/ping1" ||
		{ cat "$WORK/ping1"; ike_logs; fail "$alg: no ping from the lan to the peer's site"; }
	in_ns "$PEER" ping -c 5 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.2 > "$WORK/ping2" ||
		{ cat "$WORK/ping2"; ike_logs; fail "$alg: no ping from the peer's site to the lan"; }

	# the dataplane carried it: 10 echo requests and 10 replies each way
	ctl --json sa | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("sas", d) if isinstance(d, dict) else d
for s in d:
    if s["name"].startswith("ike-") and s["counters"]["packets"] < 10:
        sys.exit("SA %s carried %d packets" % (s["name"], s["counters"]["packets"]))
' || fail "$alg: the dataplane's SAs did not carry the pings"
	# charon reads the dataplane's counters (query_sa)
	sw nfvpn --list-sas > "$WORK/sas.txt"
	grep -Eq 'in +[0-9a-f]+.*, +[1-9][0-9]* bytes, +([1-9][0-9]*) packets' "$WORK/sas.txt" ||
		{ cat "$WORK/sas.txt"; fail "$alg: swanctl --list-sas shows no inbound bytes"; }

	sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "$alg: swanctl --terminate"
	sleep 0.5
	n=$(ctl --json sa | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("sas", d) if isinstance(d, dict) else d
print(len(d))')
	[ "$n" = 0 ] || { ctl sa; fail "$alg: $n SAs left in the dataplane after --terminate"; }
	n=$(ctl --json sp | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("policies", d) if isinstance(d, dict) else d
print(len(d))')
	[ "$n" = 0 ] || { ctl sp; fail "$alg: $n policies left in the dataplane after --terminate"; }
	sw nfvpn --list-sas | grep -q s2s && fail "$alg: the IKE_SA outlived --terminate"
	echo "ok $alg"
}

run_case aes128gcm16 aes-gcm-128
run_case chacha20poly1305 chacha20-poly1305

grep -E 'nfvpn: .*(failed|not supported)' "$WORK/nfvpn.log" && fail "the plugin logged a failure"
dp_stop
echo "PASS $SMOKE_NAME"
