#!/usr/bin/env bash
# The run of install_lib.sh's inst_run, inside the dataplane's network
# namespace and a mount namespace of its own:
#   install_run.sh ROOT UNITDIR BINDIR WORK CLIENT [charon]
# ROOT's usr and etc are laid over the host's (read-only overlays), /run is
# a fresh tmpfs, so the units' command lines run as they are written:
# their programs, policy, EAL options file and sockets where an installed
# system has them.
#
#   unit_run.py nfvpn-dataplane.service --READY=1--> unit_run.py nfvpnd.service
#   nfvpnctl status / daemon, the client of libnfvpn-client, reload, stop
#   charon: /usr/lib/ipsec/charon with /etc/strongswan.conf as installed
#   (Debian's, with nfvpn-strongswan-plugin's strongswan.d/nfvpn.conf)
set -u
root=$1 unitdir=$2 bindir=$3 work=$4 client=$5 charon=${6:-}
run=$(dirname "$0")/unit_run.py
declare -A pid	# a unit's runner

fail() {
	echo "FAIL: install_run: $*" >&2
	for f in "$work"/*.run "$work"/*.log; do
		[ -f "$f" ] && { echo "--- $f" >&2; tail -30 "$f" >&2; }
	done
	for p in "${pid[@]}"; do kill -TERM "$p" 2>/dev/null; done
	wait
	exit 1
}

for d in usr etc; do
	[ -d "$root/$d" ] || continue
	mount -t overlay overlay -o "lowerdir=$root/$d:/$d" "/$d" || fail "overlay on /$d"
done
mount -t tmpfs -o mode=0755 tmpfs /run || fail "tmpfs on /run"

# unit_start NAME: the unit's runner in the background; waits until ready
unit_start() {
	/usr/bin/python3 "$run" "$root$unitdir/$1.service" "$work/$1.state" "$work/$1.log" \
		> "$work/$1.run" 2>&1 &
	pid[$1]=$!
	for _ in $(seq 300); do
		grep -q '^ready' "$work/$1.state" 2>/dev/null && return 0
		kill -0 "${pid[$1]}" 2>/dev/null || break
		sleep 0.1
	done
	fail "$1.service did not become ready"
}

# unit_stop NAME: SIGTERM to its runner, which stops the service; status 0
unit_stop() {
	kill -TERM "${pid[$1]}"
	wait "${pid[$1]}" || fail "$1.service did not stop cleanly"
	grep -q '^stopped 0$' "$work/$1.state" || fail "$1.service: $(cat "$work/$1.state")"
}

unit_start nfvpn-dataplane
unit_start nfvpnd
# the defaults of the installed programs: /run/nfvpn/dataplane.sock, nfvpnd.sock
"$bindir/nfvpnctl" status > "$work/status.txt" 2>&1 || fail "nfvpnctl status: $(cat "$work/status.txt")"
grep -q "^policy .*/nfvpn/policy.yaml$" "$work/status.txt" || fail "nfvpnctl status: $(cat "$work/status.txt")"
"$bindir/nfvpnctl" daemon > "$work/daemon.txt" 2>&1 || fail "nfvpnctl daemon: $(cat "$work/daemon.txt")"
"$client" > "$work/client.txt" 2>&1 || fail "install_client: $(cat "$work/client.txt")"
grep -q '^version .* ports 1 listed 1 .* drop reasons [1-9][0-9]*$' "$work/client.txt" || fail "install_client: $(cat "$work/client.txt")"

# Debian's charon as strongswan-starter starts it, with the installed
# configuration and a log file of our own: it must take the plugin as its
# kernel-ipsec, on the dataplane's default socket (charon_check.sh)
if [ -n "$charon" ]; then
	bash "$(dirname "$0")/charon_check.sh" "$work" || fail "charon with nfvpn-strongswan-plugin"
fi

# systemctl reload nfvpnd: ExecReload, then READY=1 again
kill -HUP "${pid[nfvpnd]}"
for _ in $(seq 100); do
	grep -q '^reloaded' "$work/nfvpnd.state" && break
	kill -0 "${pid[nfvpnd]}" 2>/dev/null || fail "nfvpnd.service failed its reload"
	sleep 0.1
done
grep -q '^reloaded' "$work/nfvpnd.state" || fail "nfvpnd.service did not reload"

unit_stop nfvpnd
unit_stop nfvpn-dataplane
grep -q '^mbufs in use at exit: 0$' "$work/nfvpn-dataplane.log" || fail "the dataplane lost mbufs"
cat "$work/nfvpn-dataplane.run" "$work/nfvpnd.run"
echo "status:"
cat "$work/status.txt"
