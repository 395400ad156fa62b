#!/usr/bin/env bash
# Debian's charon with the installed configuration takes
# nfvpn-strongswan-plugin as its kernel-ipsec, on the running dataplane:
#   charon_check.sh WORK
# Run by install_run.sh, inside its mount namespace, where the packages'
# /usr and /etc lie over the host's and nfvpn-dataplane.service listens on
# its default socket. charon reads /etc/strongswan.conf as installed
# (load_modular: every strongswan.d/charon/*.conf, and nfvpn's
# strongswan.d/nfvpn.conf), plus a log file of ours.
set -u
work=$1
log=$work/charon.log
cat > "$work/strongswan.conf" <<EOC
include /etc/strongswan.conf
charon {
	filelog {
		check {
			path = $log
			flush_line = yes
			default = 1
		}
	}
}
EOC
STRONGSWAN_CONF=$work/strongswan.conf /usr/lib/ipsec/charon > "$work/charon.out" 2>&1 &
pid=$!
stop() {
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
fail() {
	stop
	echo "FAIL: charon_check: $*" >&2
	cat "$work/charon.out" "$log" >&2 2>/dev/null
	exit 1
}
# the plugin's constructor says so, after it has listed the dataplane's
# SAs and opened its event stream; charon is up once it spawns its workers
for _ in $(seq 100); do
	grep -q 'spawning .* worker threads' "$log" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || fail "charon exited"
	sleep 0.1
done
grep -q 'nfvpn: SAs and policies go to nfvpn-dataplane' "$log" ||
	fail "charon did not take the nfvpn plugin as its kernel-ipsec"
! grep 'nfvpn: \(cannot list\|no lifetime events\)' "$log" ||
	fail "the plugin did not reach the dataplane on its default socket"
# the load order of strongswan.d/nfvpn.conf: nfvpn before kernel-netlink
plugins=$(grep -o 'loaded plugins: .*' "$log")
[[ " ${plugins#loaded plugins: } " == *" nfvpn "*" kernel-netlink "* ]] ||
	fail "nfvpn is not loaded before kernel-netlink: $plugins"
stop
echo "charon: $plugins (checked in $SECONDS s)"
grep -o 'nfvpn: .*' "$log"
