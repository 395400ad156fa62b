#!/usr/bin/env bash
# Shared by the IKE tests: Debian's charon, unmodified, on both sides.
# nfvpn's side loads libstrongswan-nfvpn.so (control/charon) as its
# kernel-ipsec; the peer does ESP in user space (kernel-libipsec, ESP in
# UDP through a TUN), which this kernel can do where XFRM ESP it cannot.
. "$(dirname "${BASH_SOURCE[0]}")/../../smoke/lib.sh"

CHARON=/usr/lib/ipsec/charon
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
	in_ns "$ns" sh -c 'mount --bind "$1" /run && exec env STRONGSWAN_CONF="$2" LD_PRELOAD="$3" "$4"' \
		sh "$WORK/$name.run" "$WORK/$name.conf" "$preload" "$CHARON" \
		> "$WORK/$name.out" 2>&1 &
	for _ in $(seq 100); do
		[ -S "$WORK/$name.vici" ] && return 0
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
