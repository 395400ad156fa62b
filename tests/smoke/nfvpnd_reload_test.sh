#!/usr/bin/env bash
# nfvpnd reloads 20 times under steady traffic; nothing is lost that the
# changes do not explain, and unchanged objects keep counting.
#
#   netns gen                          netns dp
#   nfvpn-gen --port  ga ==veth==> d0  p0 10.0.0.1/24 [nfvpn-dataplane]
#             --rx-port gb <==veth== d1 p1 10.1.0.1/24 (routes to 10.2.0.0/16)
#                                      ^
#                        nfvpnd (policy A/B/...) -- SIGHUP / nfvpnctl reload
#
# Each reload changes routes (the route the traffic takes switches between
# two gateways with the same MAC, extra routes come and go) and built-in hook
# entries (one is added, changed, removed); the entry "fwd-count" and the
# traffic's neighbours never change. The generator sends a fixed number of
# packets at a steady rate (core 0; the dataplane's worker is on core 1).
# Expected: received = sent (no change here drops a packet), fwd-count =
# sent, no drop counted, generation +20, every reload reported applied.
. "$(dirname "$0")/lib.sh"

GEN=$NFV_BUILD/bench/nfvpn-gen
NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
COUNT=${NFVPND_RELOAD_COUNT:-40000}
RATE=${NFVPND_RELOAD_RATE:-4000}
[ -x "$GEN" ] || fail "no $GEN"
[ -x "$NFVPND" ] || fail "no $NFVPND"

dp_netns
GNS=$(netns_add gen)
in_ns "$GNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
in_ns "$GNS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
veth_dp d0 "$GNS" ga
veth_dp d1 "$GNS" gb
in_ns "$GNS" ip link set gb address 02:00:00:00:02:02

# policy VARIANT: the same ports, addresses and neighbours; routes and
# hooks depend on the variant (0..3)
policy() {
	local v=$1 gw
	gw=$([ $((v % 2)) -eq 0 ] && echo 10.1.0.2 || echo 10.1.0.3)
	cat <<EOP
ports:
  - { name: p0, device: "net_af_packet0,iface=d0", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_af_packet1,iface=d1", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
neighbours:
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:02:02" }
  - { port: p1, address: 10.1.0.3, mac: "02:00:00:00:02:02" }
routes:
  - { dst: 10.2.0.0/16, via: $gw }
EOP
	[ $((v % 4)) -ge 2 ] && echo "  - { dst: 10.50.$v.0/24, via: 10.1.0.2 }" &&
		echo "  - { dst: 10.60.0.0/16, type: blackhole }"
	echo "hooks:"
	echo "  - { name: fwd-count, hook: FORWARD, priority: filter, action: count }"
	case $((v % 4)) in
	1) echo "  - { name: extra, hook: PRE_ROUTING, priority: raw, action: count, match: { proto: udp } }" ;;
	2) echo "  - { name: extra, hook: PRE_ROUTING, priority: mangle, action: count, match: { proto: udp, dport: 5000-5099 } }" ;;
	3) echo "  - { name: other, hook: POST_ROUTING, priority: snat, action: count }" ;;
	esac
}

policy 0 > "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
"$NFVPND" --check "$WORK/policy.yaml" > /dev/null || fail "nfvpnd --check"
NFVPND_SOCKET=$WORK/nfvpnd.sock
export NFVPND_SOCKET
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
	--no-steer > "$WORK/nfvpnd.log" 2>&1 &
NFVPND_PID=$!
trap 'kill $NFVPND_PID 2>/dev/null; smoke_cleanup' EXIT
for _ in $(seq 50); do [ -S "$NFVPND_SOCKET" ] && break; sleep 0.1; done
sleep 0.5
grep -q "start: apply" "$WORK/nfvpnd.log" || fail "nfvpnd did not apply: $(cat "$WORK/nfvpnd.log")"
gen0=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])')

in_ns "$GNS" "$GEN" -l 0 --no-huge -m 256 --no-pci --no-telemetry --log-level lib.eal:error \
	--file-prefix "nfvg$$" -- \
	--port net_af_packet0,iface=ga --rx-port net_af_packet1,iface=gb \
	--dst-mac 02:00:00:00:00:01 --flows 16 --src 10.0.0.2 --dst 10.2.0.0/28 \
	--dport 5000-5003 --size 128 --rate "$RATE" --count "$COUNT" --drain-ms 1500 \
	--json "$WORK/gen.json" > "$WORK/gen.log" 2>&1 &
GEN_PID=$!

# 20 reloads spread over the run, half by SIGHUP, half by nfvpnctl reload
sleep 0.5
for i in $(seq 1 20); do
	policy "$i" > "$WORK/policy.new" && mv "$WORK/policy.new" "$WORK/policy.yaml"
	if [ $((i % 2)) -eq 0 ]; then
		kill -HUP "$NFVPND_PID"
	else
		ctl reload > "$WORK/reload.$i" 2>&1 || fail "reload $i: $(cat "$WORK/reload.$i")"
	fi
	sleep 0.4
done
wait "$GEN_PID" || fail "nfvpn-gen exited with $?: $(tail "$WORK/gen.log")"

applied=$(grep -c "apply .*generation [0-9]*: [0-9]* changes applied\|reload (nfvpnctl).*generation" "$WORK/nfvpnd.log")
failed=$(grep -c "failed, running policy kept" "$WORK/nfvpnd.log")
gen1=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
fwd=$(ctl --json hooks | $PY -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("hooks", d)
print(next(h["packets"] for h in items if h["name"] == "fwd-count"))')
drops=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["dropped"])')
read -r tx rx lost other < <($PY -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["tx"]["packets"], r["rx"]["unique"], r["rx"]["lost"], r["rx"]["other"])' "$WORK/gen.json")
echo "nfvpnd_reload: sent $tx received $rx lost $lost dropped(dataplane) $drops fwd-count $fwd" \
     "generation $gen0 -> $gen1, reloads applied $applied failed $failed"
[ "$failed" -eq 0 ] || fail "reloads failed: $(grep -B2 -A3 'failed' "$WORK/nfvpnd.log")"
[ "$tx" -eq "$COUNT" ] || fail "sent $tx of $COUNT"
# no change made here explains a loss: every packet sent is received
[ "$rx" -eq "$tx" ] && [ "$lost" -eq 0 ] || fail "lost $lost (received $rx of $tx), dataplane drops $drops"
[ "$drops" -eq 0 ] || fail "the dataplane dropped $drops packets"
[ "$fwd" -eq "$tx" ] || fail "fwd-count is $fwd, expected $tx: it must keep counting across reloads"
[ "$gen1" -eq $((gen0 + 20)) ] || fail "generation $gen0 -> $gen1, expected +20"
kill -TERM "$NFVPND_PID"; wait "$NFVPND_PID" || true
dp_stop
echo "PASS: nfvpnd_reload_test"
