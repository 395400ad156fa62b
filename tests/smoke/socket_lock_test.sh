#!/usr/bin/env bash
# One process per socket: a second nfvpn-dataplane (or nfvpnd) started on the
# socket of one that runs refuses to start, names the pid that holds the
# socket's lock (PATH.lock), and leaves the first reachable; a socket and a
# lock file left by a process killed with SIGKILL are taken over; a clean
# exit removes both.
#
#   nfvpn-dataplane #1 (net_null) --socket S  <-  nfvpnctl --socket S status
#   nfvpn-dataplane #2            --socket S  -> refused: "in use by pid #1"
#   nfvpnd #1 --control C --socket S          <-  nfvpnctl daemon
#   nfvpnd #2 --control C                     -> refused: "in use by pid #1"
. "$(dirname "$0")/lib.sh"

DP=$NFV_BUILD/dataplane/nfvpn-dataplane
NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
[ -x "$NFVPND" ] || fail "no $NFVPND"
export NFVPND_SOCKET=$WORK/nfvpnd.sock

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: net_null_sl0, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
EOP

# refused NAME LOG PID: the process whose output is LOG exited by itself,
# non-zero, not by a signal, naming PID as the holder of the lock.
refused() {
	local name=$1 log=$2 pid=$3 rc=$4
	[ "$rc" -ne 0 ] || fail "$name: exit status 0: $(tail -5 "$log")"
	[ "$rc" -lt 128 ] || fail "$name: killed by signal $((rc - 128)): $(tail -5 "$log")"
	grep -qF "in use by pid $pid, which holds" "$log" ||
		fail "$name: no \"in use by pid $pid\" in: $(tail -5 "$log")"
	echo "ok: $name: exit $rc: $(grep -m1 -F "in use by pid $pid" "$log")"
}

# wait_exit PID SECONDS: the status of PID once it exits; a PID still
# running after SECONDS (it took the socket) is stopped, and fails the test.
wait_exit() {
	local pid=$1
	for _ in $(seq $(($2 * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -INT "$pid"; sleep 2; kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 255
	fi
	wait "$pid"
}

# 1. two dataplanes on one socket (the second with its own EAL file prefix,
# so that only the socket stands between them)
dp_start "$WORK/policy.yaml"
[ "$(cat "$SOCK.lock")" = "$DP_PID" ] || fail "lock file: '$(cat "$SOCK.lock")', pid $DP_PID"
ino=$(stat -c %i "$SOCK")
# shellcheck disable=SC2086
"$DP" -l 0,1 --no-pci --file-prefix "nfv$$-2" $NFV_EAL_MEM --log-level lib.eal:warning \
	-- --config "$WORK/policy.yaml" --socket "$SOCK" > "$WORK/dp2.log" 2>&1 &
wait_exit $! 30; rc=$?
[ "$rc" -ne 255 ] || fail "a second dataplane started on $SOCK: $(tail -5 "$WORK/dp2.log")"
refused "second dataplane" "$WORK/dp2.log" "$DP_PID" "$rc"
grep -q "EAL" "$WORK/dp2.log" && fail "the second dataplane started its EAL"
[ "$(stat -c %i "$SOCK")" = "$ino" ] || fail "the socket was replaced"
ctl status > "$WORK/o" 2>&1 || fail "the first dataplane is unreachable: $(cat "$WORK/o")"
echo "ok: the first dataplane (pid $DP_PID) answers status"

# 2. a dataplane killed: its socket and lock file stay, and are taken over
kill -KILL "$DP_PID"; wait "$DP_PID" 2>/dev/null; DP_PID=
if [ ! -S "$SOCK" ] || [ ! -f "$SOCK.lock" ]; then
	fail "SIGKILL left no socket or lock file to take over"
fi
dp_start "$WORK/policy.yaml"
[ "$(cat "$SOCK.lock")" = "$DP_PID" ] || fail "stale lock file not taken over"
ctl status > /dev/null || fail "the new dataplane is unreachable"
echo "ok: a dataplane killed with SIGKILL: its socket taken over by pid $DP_PID"

# 3. two nfvpnd on one control socket
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
	--no-steer > "$WORK/nfvpnd.log" 2>&1 &
NFVPND_PID=$!
trap 'kill $NFVPND_PID 2>/dev/null; smoke_cleanup' EXIT
for _ in $(seq 50); do [ -S "$NFVPND_SOCKET" ] && break; sleep 0.1; done
[ -S "$NFVPND_SOCKET" ] || fail "nfvpnd did not start: $(cat "$WORK/nfvpnd.log")"
[ "$(cat "$NFVPND_SOCKET.lock")" = "$NFVPND_PID" ] || fail "nfvpnd lock file"
ino=$(stat -c %i "$NFVPND_SOCKET")
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
	--no-steer > "$WORK/nfvpnd2.log" 2>&1 &
wait_exit $! 10; rc=$?
[ "$rc" -ne 255 ] || fail "a second nfvpnd started on $NFVPND_SOCKET: $(tail -5 "$WORK/nfvpnd2.log")"
refused "second nfvpnd" "$WORK/nfvpnd2.log" "$NFVPND_PID" "$rc"
[ "$(stat -c %i "$NFVPND_SOCKET")" = "$ino" ] || fail "nfvpnd's socket was replaced"
ctl daemon > "$WORK/o" 2>&1 || fail "the first nfvpnd is unreachable: $(cat "$WORK/o")"
echo "ok: the first nfvpnd (pid $NFVPND_PID) answers nfvpnctl daemon"

# 4. nfvpnd killed, a new one takes over; a clean exit removes both files
kill -KILL "$NFVPND_PID"; wait "$NFVPND_PID" 2>/dev/null
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
	--no-steer > "$WORK/nfvpnd3.log" 2>&1 &
NFVPND_PID=$!
for _ in $(seq 50); do
	[ "$(cat "$NFVPND_SOCKET.lock" 2>/dev/null)" = "$NFVPND_PID" ] && break
	sleep 0.1
done
ctl daemon > "$WORK/o" 2>&1 || fail "nfvpnd after SIGKILL: $(cat "$WORK/o") $(cat "$WORK/nfvpnd3.log")"
kill -TERM "$NFVPND_PID"
wait "$NFVPND_PID" || fail "nfvpnd exited with status $?"
[ -e "$NFVPND_SOCKET" ] || [ -e "$NFVPND_SOCKET.lock" ] && fail "nfvpnd left its socket or lock file"
echo "ok: nfvpnd killed with SIGKILL: taken over; a clean exit removes socket and lock"

dp_stop
[ -e "$SOCK" ] || [ -e "$SOCK.lock" ] && fail "the dataplane left its socket or lock file"
echo "PASS: socket_lock_test"
