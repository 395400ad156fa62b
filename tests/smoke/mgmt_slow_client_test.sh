#!/usr/bin/env bash
# The main lcore never waits for a management client (issue 13, item 7).
# While one client floods stats requests and never reads its answers, and
# an events subscriber with a trace of every packet never reads either:
# another client's status answers within 100 ms, and the dataplane still
# answers ARP (the host's neighbour entry is flushed before every ping, so
# every ping needs an ARP reply from the control side). Then: 70 idle
# clients (more than the 64 slots) do not lock a new one out, and a
# transaction whose owner goes silent rolls back after --txn-timeout and
# frees the way for the next one.
#
#   netns A: a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 10.1.0.2
. "$(dirname "$0")/lib.sh"

CLIENTS="$PY $(dirname "$0")/mgmt_clients.py"
routed_pair
routed_pair_ports ms > "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml" --txn-timeout 2

bg=()
trap 'kill "${bg[@]}" 2>/dev/null; smoke_cleanup' EXIT

# arp_ok N: N pings from A, each after a flush of A's neighbour cache
arp_ok() {
	local ok=0
	for _ in $(seq "$1"); do
		in_ns "$A" ip neigh flush dev a0
		in_ns "$A" busybox ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1 && ok=$((ok + 1))
	done
	echo "$ok"
}

# 1. the misbehaving readers, with traffic to trace
$CLIENTS "$SOCK" flood 5000 > "$WORK/flood.log" 2>&1 & bg+=($!)
$CLIENTS "$SOCK" subscribe > "$WORK/subscribe.log" 2>&1 & bg+=($!)
in_ns "$A" busybox ping -q -A -w 8 10.1.0.2 > "$WORK/ping.log" 2>&1 & bg+=($!)
sleep 2
grep -q "requests sent" "$WORK/flood.log" || fail "flood client: $(cat "$WORK/flood.log")"
worst=$($CLIENTS "$SOCK" status 10) || fail "status while clients do not read: $worst"
echo "ok: status answered while two clients do not read, slowest ${worst} ms"
$PY -c "import sys; sys.exit(0 if float('$worst') < 100 else 1)" ||
	fail "status took ${worst} ms (limit 100)"
arp=$(arp_ok 10)
[ "$arp" -eq 10 ] || fail "ARP answered for $arp of 10 pings while clients do not read"
echo "ok: ARP answered for 10 of 10 pings"

# 2. slots: 70 idle clients, then a new one is served (the idlest went)
kill "${bg[@]}" 2>/dev/null; wait "${bg[@]}" 2>/dev/null; bg=()
$CLIENTS "$SOCK" idle 70 > "$WORK/idle.log" 2>&1 & bg+=($!)
sleep 3
worst=$($CLIENTS "$SOCK" status 3) || fail "status with 70 idle clients: $worst"
evicted=$(counter mgmt.evicted)
[ "$evicted" -gt 0 ] || fail "mgmt.evicted is $evicted with 70 idle clients"
echo "ok: 70 idle clients, status answered in ${worst} ms, mgmt.evicted $evicted"
kill "${bg[@]}" 2>/dev/null; wait "${bg[@]}" 2>/dev/null; bg=()

# 3. a silent transaction owner times out; the next transaction may begin
$CLIENTS "$SOCK" txn-silent > "$WORK/txn.log" 2>&1 & bg+=($!)
for _ in $(seq 50); do grep -q "begin status" "$WORK/txn.log" && break; sleep 0.1; done
grep -q "begin status 0" "$WORK/txn.log" || fail "txn-silent: $(cat "$WORK/txn.log")"
st=$($CLIENTS "$SOCK" txn-begin)
case $st in -16*) echo "ok: a second transaction is refused while one is open: $st" ;;
	*) fail "second transaction while one is open: '$st'" ;; esac
sleep 3.5
st=$($CLIENTS "$SOCK" txn-begin)
[ "$st" = "0 " ] || [ "$st" = "0" ] || fail "transaction after the owner's timeout: '$st'"
expect_counter txn.timeouts 1
echo "ok: the silent owner's transaction rolled back after 2 s"
kill "${bg[@]}" 2>/dev/null; wait "${bg[@]}" 2>/dev/null; bg=()

dp_stop
echo "PASS: mgmt_slow_client_test"
