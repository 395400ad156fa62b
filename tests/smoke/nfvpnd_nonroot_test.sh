#!/usr/bin/env bash
# The management sockets refuse a peer that is not root: the dataplane's and
# nfvpnd's. Both are created 0600 (the file system refuses first); with the
# mode opened up on purpose, the peer credential check must still refuse.
# Also: nfvpnd --check exit codes, nfvpnctl diff, a refused reload that
# keeps the running generation, and a neighbour failure reaching nfvpnd and
# nfvpnctl events.
#
#   nfvpn-dataplane (net_ring, no traffic) <- nfvpnd <- nfvpnctl (root / uid 65534)
. "$(dirname "$0")/lib.sh"

NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
CTL=$NFV_BUILD/control/nfvpnctl
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
[ -x "$NFVPND" ] || fail "no $NFVPND"

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: net_ring0, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
routes:
  - { dst: 10.2.0.0/16, via: 10.0.0.2 }
hooks:
  - { name: c1, hook: FORWARD, action: count }
EOP
# --check: 0 valid, 2 invalid with file:line:column
"$NFVPND" --check "$WORK/policy.yaml" > /dev/null || fail "--check of a valid policy"
printf 'ports:\n  - { name: p0, device: net_ring0, mtu: 7 }\n' > "$WORK/bad.yaml"
out=$("$NFVPND" --check "$WORK/bad.yaml" 2>&1) && fail "--check accepted a bad policy"
"$NFVPND" --check "$WORK/bad.yaml" > /dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "--check exit $rc, expected 2"
echo "$out" | grep -q "^$WORK/bad.yaml:2:41: ports\[0\].mtu: 7 is out of range 68..9600" ||
	fail "--check output: $out"

dp_start "$WORK/policy.yaml"
export NFVPND_SOCKET=$WORK/nfvpnd.sock
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
	--no-steer > "$WORK/nfvpnd.log" 2>&1 &
NFVPND_PID=$!
trap 'kill $NFVPND_PID 2>/dev/null; smoke_cleanup' EXIT
for _ in $(seq 50); do [ -S "$NFVPND_SOCKET" ] && break; sleep 0.1; done
sleep 0.5
ctl daemon | grep -q "connected" || fail "nfvpnd: $(ctl daemon 2>&1)"

# 1. as created: 0600 sockets in a 0700 directory
[ "$(stat -c %a "$SOCK")" = 600 ] || fail "dataplane socket mode $(stat -c %a "$SOCK")"
[ "$(stat -c %a "$NFVPND_SOCKET")" = 600 ] || fail "nfvpnd socket mode"
"${NOBODY[@]}" "$CTL" --socket "$SOCK" status > "$WORK/o" 2>&1 && fail "nobody read the status"
grep -qi "permission denied" "$WORK/o" || fail "nobody: $(cat "$WORK/o")"
# 2. opened on purpose: the credential check is what refuses now
chmod 755 "$WORK"; chmod 666 "$SOCK" "$NFVPND_SOCKET"
"${NOBODY[@]}" "$CTL" --socket "$SOCK" status > "$WORK/o" 2>&1 && fail "nobody read the status"
grep -q "only root may manage the dataplane" "$WORK/o" || fail "dataplane: $(cat "$WORK/o")"
"${NOBODY[@]}" env NFVPND_SOCKET="$NFVPND_SOCKET" "$CTL" reload > "$WORK/o" 2>&1 &&
	fail "nobody reloaded nfvpnd"
grep -q "only root may control nfvpnd" "$WORK/o" || fail "nfvpnd: $(cat "$WORK/o")"
"${NOBODY[@]}" "$CTL" --socket "$SOCK" events --count 1 > "$WORK/o" 2>&1 &&
	fail "nobody subscribed to events"
grep -q "refused peer" "$WORK/nfvpnd.log" || fail "nfvpnd did not log the refusal"
chmod 600 "$SOCK" "$NFVPND_SOCKET"; chmod 700 "$WORK"

# diff, a refused reload (a port change), a good reload
gen0=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
sed -e 's/10.0.0.2 }/10.0.0.3 }/' -e 's/device: net_ring0,/device: net_ring0, mtu: 9000,/' \
	"$WORK/policy.yaml" > "$WORK/p2.yaml"
ctl diff "$WORK/p2.yaml" > "$WORK/o" || fail "diff: $(cat "$WORK/o")"
grep -q "port p0: device or mtu changed" "$WORK/o" || fail "diff: $(cat "$WORK/o")"
grep -q "^+ route replace 10.2.0.0/16 via 10.0.0.3 port p0" "$WORK/o" || fail "diff: $(cat "$WORK/o")"
cp "$WORK/p2.yaml" "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 && fail "a port change was applied: $(cat "$WORK/o")"
gen1=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
[ "$gen1" = "$gen0" ] || fail "generation moved on a refused reload: $gen0 -> $gen1"
ctl routes | grep -q "10.0.0.2" || fail "the route changed on a refused reload"

# events: nfvpnctl events follows them live; a committed reload is one
ctl events --count 1 > "$WORK/events" 2>&1 &
EV_PID=$!
sleep 0.3
sed -i -e 's/, mtu: 9000//' -e 's/10.0.0.3 }/10.0.0.9 }/' "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 || fail "reload: $(cat "$WORK/o")"
grep -q "route replace 10.2.0.0/16 via 10.0.0.9" "$WORK/o" || fail "reload: $(cat "$WORK/o")"
for _ in $(seq 50); do kill -0 $EV_PID 2>/dev/null || break; sleep 0.1; done
kill $EV_PID 2>/dev/null && fail "no event reached nfvpnctl events"
grep -q "generation dataplane value $((gen0 + 1))" "$WORK/events" || fail "events: $(cat "$WORK/events")"
sleep 0.3
grep -q 'event=generation object="dataplane"' "$WORK/nfvpnd.log" || fail "nfvpnd did not log the event"
dp_stop
kill -TERM "$NFVPND_PID"; wait "$NFVPND_PID" || true
echo "PASS: nfvpnd_nonroot_test"
