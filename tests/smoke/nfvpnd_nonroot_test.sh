#!/usr/bin/env bash
# The management sockets refuse a peer that is not root: the dataplane's and
# nfvpnd's. Both are created 0600 (the file system refuses first); with the
# mode opened up on purpose, the peer credential check must still refuse.
# Also: nfvpnd --check exit codes, nfvpnctl diff, a refused reload that
# keeps the running generation, and a neighbour failure reaching nfvpnd and
# nfvpnctl events; an inbound SA that a rekey replaced lives on until the
# grace period (--rekey-grace 1) ends; the new SA's soft and hard lifetimes
# (1 s, 2 s) reach nfvpnd as events; per-SA metrics on --metrics.
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
METRICS_PORT=$((20000 + $$ % 20000))
export NFVPND_SOCKET=$WORK/nfvpnd.sock
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
	--no-steer --rekey-grace 1 --metrics "$METRICS_PORT" > "$WORK/nfvpnd.log" 2>&1 &
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
# the plan shows a change that needs a restart: diff says the reload would fail
ctl diff "$WORK/p2.yaml" > "$WORK/o" 2> "$WORK/e"; rc=$?
[ $rc = 1 ] || fail "diff of a refused plan exited $rc: $(cat "$WORK/o" "$WORK/e")"
grep -q "a reload of this policy would fail" "$WORK/e" || fail "diff: $(cat "$WORK/e")"
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

# a rekey of an inbound SA: in-2 added and sp-in swapped at once, in-1 kept
# for the grace period (the peer may still use it), then deleted
ipsec_policy() {	# ipsec_policy N LIFETIME: SA in-N (SPI 0x100N), sp-in protected by it
	cat <<EOP
ipsec:
  sas:
    - { name: in-$1, spi: 0x100$1, direction: in, src: 10.0.0.2, dst: 10.0.0.1, reqid: 1,
        algorithm: aes-gcm-128, key: "00112233445566778899aabbccddeeff", salt: "0102030$1",
        lifetime: $2 }
  policies:
    - { name: sp-in, direction: in, src: 10.2.0.0/16, dst: 10.0.0.0/24, action: protect, sa: in-$1 }
EOP
}
chmod 600 "$WORK/policy.yaml"
cp "$WORK/policy.yaml" "$WORK/base.yaml"
{ cat "$WORK/base.yaml"; ipsec_policy 1 "{}"; } > "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 || fail "reload (in-1): $(cat "$WORK/o")"
{ cat "$WORK/base.yaml"; ipsec_policy 2 "{ soft: { seconds: 1 }, hard: { seconds: 2 } }"; } > "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 || fail "reload (in-2): $(cat "$WORK/o")"
for l in "+ sa add in-2 spi 0x1002" "+ sp add sp-in~" "- sp del sp-in (swap 2/4)" \
	 "~ sa in-1: replaced by a rekey, deleted in 1s"; do
	grep -qF -- "$l" "$WORK/o" || fail "rekey: no \"$l\": $(cat "$WORK/o")"
done
grep -q "sa del in-1" "$WORK/o" && fail "in-1 deleted at once: $(cat "$WORK/o")"
ctl sa | grep -q "^in-1 " || fail "in-1 did not outlive the rekey: $(ctl sa)"
ctl sp | grep "^sp-in " | grep -q "in-2" || fail "sp-in does not use in-2: $(ctl sp)"
for _ in $(seq 30); do ctl sa | grep -q "^in-1 " || break; sleep 0.1; done
ctl sa | grep -q "^in-1 " && fail "in-1 outlived its grace period: $(ctl sa)"
ctl sa | grep -q "^in-2 " || fail "in-2 went: $(ctl sa)"
grep -q "rekey grace period over" "$WORK/nfvpnd.log" || fail "no grace apply in the log"
# in-2's lifetimes (soft 1 s, hard 2 s) end: events, then the metrics say so
for _ in $(seq 50); do
	grep -q 'event=sa-hard-expire object="in-2"' "$WORK/nfvpnd.log" && break
	sleep 0.1
done
grep -q 'event=sa-soft-expire object="in-2"' "$WORK/nfvpnd.log" || fail "no soft expiry event"
grep -q 'event=sa-hard-expire object="in-2"' "$WORK/nfvpnd.log" || fail "no hard expiry event"
$PY -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())' \
	"$METRICS_PORT" > "$WORK/metrics" || fail "metrics: $(cat "$WORK/metrics")"
grep -q '^nfvpn_sa_state{sa="in-2",state="expired"} 2$' "$WORK/metrics" ||
	fail "metrics: $(grep nfvpn_sa "$WORK/metrics")"
grep -q '^nfvpn_sa_packets_total{sa="in-2",spi="0x00001002",dir="in"} 0$' "$WORK/metrics" ||
	fail "metrics: $(grep nfvpn_sa "$WORK/metrics")"

dp_stop
kill -TERM "$NFVPND_PID"; wait "$NFVPND_PID" || true
echo "PASS: nfvpnd_nonroot_test"
