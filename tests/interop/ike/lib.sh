#!/usr/bin/env bash
# Shared by the IKE tests: Debian's charon, unmodified, on both sides.
# nfvpn's side loads libstrongswan-nfvpn.so (control/charon) as its
# kernel-ipsec; the peer does ESP in user space (kernel-libipsec, ESP in
# UDP through a TUN), which this kernel can do where XFRM ESP it cannot.
. "$(dirname "${BASH_SOURCE[0]}")/../../smoke/lib.sh"

CHARON=/usr/lib/ipsec/charon
# shellcheck disable=SC2034  # set by charon_start, read by the tests
declare -A CHARON_PID	# by name, charon_start's
NFVPN_PLUGIN=$NFV_BUILD/control/charon/libstrongswan-nfvpn.so
# the plugins both sides need for IKEv2 with PSK or certificates over openssl
IKE_PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey kdf hmac"

ike_check() {
	[ -x "$CHARON" ] || fail "no $CHARON (strongswan-charon)"
	command -v swanctl >/dev/null || fail "no swanctl (strongswan-swanctl)"
	[ -f "$NFVPN_PLUGIN" ] ||
		fail "no $NFVPN_PLUGIN: the build has no configured strongSwan source (ci/strongswan_src.sh)"
}

# charon_start NAME NS KERNEL_PLUGINS [PRELOAD] [EXTRA_CHARON_CONF]: a charon
# in namespace NS with its own /run (pid file), vici socket $WORK/NAME.vici
# and log $WORK/NAME.log.
charon_start() {
	local name=$1 ns=$2 kernel=$3 preload=${4:-} extra=${5:-}
	mkdir -p "$WORK/$name.run"
	cat > "$WORK/$name.conf" <<EOC
charon {
	load = $kernel $IKE_PLUGINS socket-default vici
	install_routes = ${CHARON_ROUTES:-yes}
	retransmit_tries = 3
	$extra
	plugins {
		vici { socket = unix://$WORK/$name.vici }
		nfvpn { socket = $SOCK }
	}
	filelog {
		log {
			path = $WORK/$name.log
			time_format = %T
			flush_line = yes
			default = 1
			knl = 2
			ike = 2
			cfg = 1
		}
	}
}
EOC
	ip netns exec "$ns" sh -c 'mount --bind "$1" /run && exec env STRONGSWAN_CONF="$2" LD_PRELOAD="$3" "$4"' \
		sh "$WORK/$name.run" "$WORK/$name.conf" "$preload" "$CHARON" \
		> "$WORK/$name.out" 2>&1 &
	# not in_ns (a function: $! would be its subshell); ip netns exec, sh
	# and env exec: this is charon's pid
	CHARON_PID[$name]=$!
	# the socket exists from its bind(), answers once vici listens
	for _ in $(seq 100); do
		[ -S "$WORK/$name.vici" ] && sw "$name" --stats > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$WORK/$name.out" "$WORK/$name.log" >&2
	fail "charon $name did not start"
}

# sw NAME ARGS...: swanctl against charon NAME, with only the plugins
# Debian installs (its default list names more, each a warning)
sw() {
	local name=$1; shift
	[ -f "$WORK/swanctl-lib.conf" ] ||
		echo "swanctl { load = $IKE_PLUGINS }" > "$WORK/swanctl-lib.conf"
	STRONGSWAN_CONF=$WORK/swanctl-lib.conf swanctl "$@" --uri "unix://$WORK/$name.vici"
}

# swanctl_dir NAME: the folder of charon NAME's swanctl.conf, with the
# credential folders swanctl --load-all reads beside it
swanctl_dir() {
	local d=$WORK/$1.swanctl s
	for s in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$d/$s"
	done
	echo "$d"
}

ike_logs() {
	local f
	for f in "$WORK"/*.log; do
		[ "$f" = "$WORK/dataplane.log" ] && continue
		echo "--- $f" >&2; tail -60 "$f" >&2
		cat "${f%.log}.out" >&2 2>/dev/null
	done
}

# ike_site: the site-to-site topology, the dataplane and both charons.
# IKE_DP_ADDRESSES: more lines for the policy's addresses (mobike_test).
#
#   netns lan                 netns dp                                  netns peer
#   lan0 10.1.0.2 -- dp1 == p1 [nfvpn-dataplane] p0 == dp0 -- peer0 192.0.2.2
#                                      |                         charon + kernel-libipsec
#                        nfv-p0 (exception TUN, 192.0.2.1)       lan 10.2.0.1 (a veth)
#                        charon + libstrongswan-nfvpn.so
ike_site() {
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

	local nl=$'\n'
	# IKE_POLICY_DATAPLANE: the policy's dataplane section (ike_flood_test)
	cat > "$WORK/policy.yaml" <<EOP
${IKE_POLICY_DATAPLANE:-}
ports:
  - { name: p0, device: "net_af_packet_ike0,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception_ifname: nfv-p0 }
  - { name: p1, device: "net_af_packet_ike1,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 192.0.2.1/24 }
  - { port: p1, address: 10.1.0.1/24 }${IKE_DP_ADDRESSES:+$nl$IKE_DP_ADDRESSES}
routes:
  - { dst: 10.2.0.0/24, via: 192.0.2.2 }
  - { dst: 10.3.0.0/24, via: 192.0.2.2 }	# road warriors' pool
EOP
	dp_start "$WORK/policy.yaml"
	# the routes are the dataplane's: charon must not install any in the kernel
	CHARON_ROUTES=no charon_start nfvpn "$DP_NS" "nfvpn kernel-netlink" "$NFVPN_PLUGIN"
	charon_start peer "$PEER" "kernel-libipsec kernel-netlink"
	grep -q 'nfvpn: SAs and policies go to nfvpn-dataplane' "$WORK/nfvpn.log" ||
		{ ike_logs; fail "charon did not take the nfvpn plugin as its kernel-ipsec"; }
}

# ike_certs: a CA and a certificate for each side (strongswan-pki), in
# the swanctl folders of both
ike_certs() {
	local name d pki_conf=$WORK/pki-lib.conf

	echo "pki { load = $IKE_PLUGINS }" > "$pki_conf"
	pki_() { STRONGSWAN_CONF=$pki_conf pki "$@"; }
	pki_ --gen --type ecdsa --size 256 --outform pem > "$WORK/ca.key" || fail "pki --gen"
	pki_ --self --ca --lifetime 30 --in "$WORK/ca.key" --type ecdsa \
		--dn "CN=nfvpn test CA" --outform pem > "$WORK/ca.crt" || fail "pki --self"
	for name in nfvpn peer; do
		d=$(swanctl_dir "$name")
		pki_ --gen --type ecdsa --size 256 --outform pem > "$d/ecdsa/$name.key" || fail "pki --gen"
		pki_ --pub --in "$d/ecdsa/$name.key" --type ecdsa |
			pki_ --issue --lifetime 30 --cacert "$WORK/ca.crt" --cakey "$WORK/ca.key" \
				--dn "CN=$name.example" --san "$name.example" --outform pem \
				> "$d/x509/$name.crt" || fail "pki --issue"
		cp "$WORK/ca.crt" "$d/x509ca/ca.crt"
	done
}

# ike_swconf NAME ESP AUTH [CHILD_EXTRA]: charon NAME's swanctl.conf; AUTH
# psk or pubkey (ike_certs first); CHILD_EXTRA: more lines for the CHILD_SA.
# IKE_LOCAL_ADDRS, IKE_REMOTE_ADDRS: other local_addrs and remote_addrs
# (mobike_test: %any, the address a peer moved to); IKE_LOCAL_TS: another
# local_ts of the CHILD_SA, IKE_CHILDREN: more CHILD_SAs (acquire_test)
ike_swconf() {
	local name=$1 esp=$2 auth=$3 extra=${4:-} la ra lts rts other certs=
	if [ "$name" = nfvpn ]; then
		la=192.0.2.1 ra=192.0.2.2 lts=10.1.0.0/24 rts=10.2.0.0/24 other=peer
	else
		# IKE_PEER_ADDR: the peer's own address behind a NAT (natt_test)
		la=${IKE_PEER_ADDR:-192.0.2.2} ra=192.0.2.1 lts=10.2.0.0/24 rts=10.1.0.0/24 other=nfvpn
	fi
	la=${IKE_LOCAL_ADDRS:-$la} ra=${IKE_REMOTE_ADDRS:-$ra} lts=${IKE_LOCAL_TS:-$lts}
	[ "$auth" = pubkey ] && certs="certs = $name.crt"
	cat > "$(swanctl_dir "$name")/swanctl.conf" <<EOC
connections {
	s2s {
		version = 2
		local_addrs = $la
		remote_addrs = $ra
		proposals = aes128gcm16-prfsha256-ecp256
		local {
			auth = $auth
			id = $name.example
			$certs
		}
		remote {
			auth = $auth
			id = $other.example
		}
		children {
			net {
				local_ts = $lts
				remote_ts = $rts
				esp_proposals = $esp
				mode = tunnel
				$extra
			}
			${IKE_CHILDREN:-}
		}
	}
}
secrets {
	ike-s2s {
		id-a = nfvpn.example
		id-b = peer.example
		secret = "a pre-shared key of the IKE tests"
	}
}
EOC
	sw "$name" --load-all --noprompt --file "$WORK/$name.swanctl/swanctl.conf" \
		> "$WORK/$name.load.out" 2>&1 ||
		{ cat "$WORK/$name.load.out" >&2; fail "swanctl --load-all ($name)"; }
}

# ike_up: the peer brings the tunnel up
ike_up() {
	sw peer --initiate --child net --timeout 20 > "$WORK/initiate.out" 2>&1 ||
		{ cat "$WORK/initiate.out" >&2; ike_logs; fail "the peer could not bring the tunnel up"; }
}

# dp_ike_sas [FIELD...]: one line per SA of charon's in the dataplane:
# name, direction, spi, algorithm, packets
dp_ike_sas() {
	ctl --json sa | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("sas", d) if isinstance(d, dict) else d
for s in d:
    if s["name"].startswith("ike-"):
        print(s["name"], s["direction"], "%08x" % s["spi"], s["algorithm"], s["counters"]["packets"])'
}

# dp_count sa|sp: how many SAs or policies the dataplane has
dp_count() {
	ctl --json "$1" | $PY -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict):
    d = d.get("sas", d.get("policies", []))
print(len(d))'
}

# dp_wait_empty: waits (5 s at most) until the dataplane has neither SA
# nor policy: charon deletes the CHILD_SAs after swanctl --terminate returns
dp_wait_empty() {
	for _ in $(seq 50); do
		[ "$(dp_count sa)" = 0 ] && [ "$(dp_count sp)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# ike_plugin_clean: the plugin logged no failure
ike_plugin_clean() {
	if grep -E 'nfvpn: .*(failed|not supported)' "$WORK/nfvpn.log"; then
		fail "the plugin logged a failure"
	fi
}
