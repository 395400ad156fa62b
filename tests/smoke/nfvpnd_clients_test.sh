#!/usr/bin/env bash
# nfvpnd serves its control clients from its poll loop (issue 13, item 7):
# clients that connect and say nothing neither delay the others (was: one
# at a time with a 5 s receive timeout each, so three silent clients hung
# `nfvpnctl daemon` for 15 s) nor lock them out when they are more than
# the 64 slots; each is closed after 5 s.
. "$(dirname "$0")/lib.sh"

CLIENTS="$PY $(dirname "$0")/mgmt_clients.py"

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: net_null_nc0, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
EOP
dp_start "$WORK/policy.yaml"
nfvpnd_start
bg=()
trap 'kill "${bg[@]}" 2>/dev/null; smoke_cleanup' EXIT

# daemon_ms: the time nfvpnctl daemon takes, in ms; fails the test on an error
daemon_ms() {
	local t0 t1
	t0=$(date +%s%N)
	timeout 10 "$NFV_BUILD/control/nfvpnctl" daemon > "$WORK/daemon.out" 2>&1 ||
		fail "nfvpnctl daemon: $(cat "$WORK/daemon.out")"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# 1. three silent clients, then nfvpnctl daemon
$CLIENTS "$NFVPND_SOCKET" idle 3 > "$WORK/idle3.log" 2>&1 & bg+=($!)
sleep 0.5
ms=$(daemon_ms)
[ "$ms" -lt 1000 ] || fail "nfvpnctl daemon took $ms ms behind three silent clients"
echo "ok: three silent clients, nfvpnctl daemon answered in $ms ms"

# 2. 70 silent clients: more than the slots; a new one is still served
$CLIENTS "$NFVPND_SOCKET" idle 70 > "$WORK/idle70.log" 2>&1 & bg+=($!)
for _ in $(seq 50); do grep -q connections "$WORK/idle70.log" && break; sleep 0.1; done
grep -q "70 connections" "$WORK/idle70.log" || fail "idle clients: $(cat "$WORK/idle70.log")"
ms=$(daemon_ms)
[ "$ms" -lt 1000 ] || fail "nfvpnctl daemon took $ms ms behind 73 silent clients"
grep -q "^control_evicted [1-9]" "$WORK/daemon.out" ||
	fail "no client evicted: $(cat "$WORK/daemon.out")"
echo "ok: 73 silent clients, nfvpnctl daemon answered in $ms ms ($(grep control_evicted "$WORK/daemon.out"))"

# 3. the silent ones are closed after 5 s
sleep 6
daemon_ms > /dev/null
grep -q "^control_timeouts [1-9]" "$WORK/daemon.out" ||
	fail "silent clients not timed out: $(cat "$WORK/daemon.out")"
grep -q "^control_clients 1$" "$WORK/daemon.out" ||
	fail "silent clients still held: $(grep control_clients "$WORK/daemon.out")"
echo "ok: silent clients closed after 5 s ($(grep control_timeouts "$WORK/daemon.out"))"

nfvpnd_stop
dp_stop
echo "PASS: nfvpnd_clients_test"
