#!/usr/bin/env bash
# nfvpnd reloads 20 times under steady traffic through an ESP tunnel; one
# reload rekeys the outbound SA. Nothing is lost that the changes do not
# explain, and unchanged objects (the inbound SA, a hook entry) keep counting.
#
#   netns gen                               netns dp
#   nfvpn-gen --esp (SPI 0x1001)  ga ==veth==> d0  p0 10.0.0.1/24  [nfvpn-dataplane]
#     inner 10.0.0.2 -> 10.2.0.0/28                  SA in-peer: decrypt, sp-in
#                                                    FORWARD (fwd-count), route 10.2/16
#                                                    sp-out: encrypt with out-N
#   rx: ESP 10.1.0.1 -> 10.1.0.9  gb <==veth== d1  p1 10.1.0.1/24
#                                      ^
#                        nfvpnd (policy 1..20) -- SIGHUP / nfvpnctl reload
#
# Each reload changes routes (the route the traffic takes switches between
# two gateways with the same MAC, extra routes come and go) and built-in hook
# entries (one is added, changed, removed) and the nft rules of the FORWARD
# chain (policy drop; the traffic's accept rule stays); reload 10 rekeys: SA out-2 (SPI
# 0x2002) is added, sp-out swapped to it, out-1 deleted. The generator sends
# at a steady rate (core 0; the worker is on core 1) from before the first
# reload until a second after the last (SIGINT; its count only bounds it):
# how long a reload takes, which the machine decides, cannot leave the
# rekey out of the run.
# At reload 5, nfvpnctl trace follows two packets through every entry,
# ESP encapsulation included.
# Expected: every packet sent is decrypted by in-peer (its counter = sent),
# forwarded (fwd-count = sent), encrypted by out-1 or out-2 and received as
# ESP (rx = sent); no drop; generation +20; every reload applied.
. "$(dirname "$0")/lib.sh"

RATE=${NFVPND_RELOAD_RATE:-4000}
COUNT=$((RATE * 120))	# a bound; the generator is stopped after the reloads

gen_pair

KEY=00112233445566778899aabbccddeeff
SALT=01020304
# policy VARIANT: the same ports, addresses, neighbours and inbound SA;
# routes and hooks depend on the variant, the outbound SA on v >= 10
policy() {
	local v=$1 gw out
	gw=$([ $((v % 2)) -eq 0 ] && echo 10.1.0.2 || echo 10.1.0.3)
	out=$([ "$v" -ge 10 ] && echo 2 || echo 1)
	cat <<EOP
$(gen_pair_ports)
  - { port: p1, address: 10.1.0.3, mac: "02:00:00:00:02:02" }
ipsec:
  sas:
    - { name: in-peer, spi: 0x1001, direction: in, src: 10.0.0.2, dst: 10.0.0.1,
        algorithm: aes-gcm-128, key: "$KEY", salt: "$SALT", reqid: 1 }
    - { name: out-$out, spi: 0x200$out, direction: out, src: 10.1.0.1, dst: 10.1.0.9,
        algorithm: aes-gcm-128, key: "$KEY", salt: "0000000$out", reqid: 2 }
  policies:
    - { name: sp-in, direction: in, src: 10.0.0.2/32, dst: 10.2.0.0/16, action: protect, sa: in-peer }
    - { name: sp-out, direction: out, src: 10.0.0.0/24, dst: 10.2.0.0/16, action: protect, sa: out-$out }
filter:
  conntrack: false
  nft: |
    table inet reload {
      chain forward {
        type filter hook forward priority 0; policy drop;
        ip daddr 10.99.$v.0/24 counter drop
        udp dport 5000-5003 counter accept
        $([ $((v % 3)) -eq 0 ] && echo "tcp dport 22 counter accept" || echo "meta l4proto icmp counter accept")
      }
    }
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

# the policy holds keys: the loader wants it private
umask 077
sa_packets() {	# sa_packets NAME: the SA's packet counter, or -1
	ctl --json sa | $PY -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("sas", d)
print(next((s["counters"]["packets"] for s in items if s["name"] == sys.argv[1]), -1))' "$1"
}

policy 0 > "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
"$NFVPND" --check "$WORK/policy.yaml" > /dev/null || fail "nfvpnd --check"
nfvpnd_start --rekey-grace 60
TRACE_PID=
trap 'kill $TRACE_PID 2>/dev/null; smoke_cleanup' EXIT
grep -q "start: apply" "$WORK/nfvpnd.log" || fail "nfvpnd did not apply: $(cat "$WORK/nfvpnd.log")"
gen0=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])')

# not in_ns (a function: $! would be its subshell): GEN_PID is the generator
ip netns exec "$GNS" "$GEN" -l 0 --no-huge -m 256 --no-pci --no-telemetry --log-level lib.eal:error \
	--file-prefix "nfvg$$" -- \
	--port net_af_packet0,iface=ga --rx-port net_af_packet1,iface=gb \
	--dst-mac 02:00:00:00:00:01 --flows 16 --src 10.0.0.2 --dst 10.2.0.0/28 \
	--esp "spi=0x1001,key=$KEY$SALT,src=10.0.0.2,dst=10.0.0.1" \
	--dport 5000-5003 --size 128 --rate "$RATE" --count "$COUNT" --drain-ms 1500 \
	--json "$WORK/gen.json" > "$WORK/gen.log" 2>&1 &
GEN_PID=$!

# 20 reloads spread over the run, half by SIGHUP, half by nfvpnctl reload
sleep 0.5
for i in $(seq 1 20); do
	policy "$i" > "$WORK/policy.new" && mv "$WORK/policy.new" "$WORK/policy.yaml"
	# mid-run: the path of two packets through every entry (nfvpnctl trace)
	if [ "$i" -eq 5 ]; then
		ctl trace 2 dst 10.2.0.0/16 proto udp > "$WORK/trace" 2>&1 &
		TRACE_PID=$!
	fi
	if [ $((i % 2)) -eq 0 ]; then
		kill -HUP "$NFVPND_PID"
	else
		ctl reload > "$WORK/reload.$i" 2>&1 || fail "reload $i: $(cat "$WORK/reload.$i")"
	fi
	# a SIGHUP is asynchronous: the next file must not replace this one
	# before nfvpnd read it (the start's apply is line 1)
	for _ in $(seq 100); do
		[ "$(grep -c "changes applied\|running policy kept" "$WORK/nfvpnd.log")" -gt "$i" ] && break
		sleep 0.05
	done
	sleep 0.4
done
# traffic after the last reload too, then the generator stops sending,
# drains and reports (one SIGINT)
sleep 1
kill -INT "$GEN_PID"
wait "$GEN_PID" || fail "nfvpn-gen exited with $?: $(tail "$WORK/gen.log")"
wait "$TRACE_PID" || fail "nfvpnctl trace: $(cat "$WORK/trace")"
# decrypted inner packets: counted, accepted by the rules, then ESP-encrypted
for l in "fwd-count .*FORWARD prio 0 ACCEPT: 10.0.0.2:[0-9]* > 10.2.0.[0-9]*:500[0-3] proto 17" \
	 "nft-FORWARD-0 .*FORWARD prio 0 ACCEPT" "esp-output .*POST_ROUTING prio 2147483647 STOLEN"; do
	[ "$(grep -c "$l" "$WORK/trace")" -ge 2 ] || fail "trace: no 2 x \"$l\": $(cat "$WORK/trace")"
done
[ "$(grep -c "^trace " "$WORK/trace")" -ge 6 ] || fail "trace: $(cat "$WORK/trace")"
# the ESP packet that esp-output made keeps the id of the packet it carries
for id in $(awk '/esp-output .*STOLEN/ {print $2}' "$WORK/trace"); do
	grep -q "^trace $id .*esp-output .*POST_ROUTING .* ACCEPT: 10.1.0.1 > 10.1.0.9 proto 50 " "$WORK/trace" ||
		fail "trace: packet $id not followed through ESP: $(cat "$WORK/trace")"
done
sed 's/^/nfvpnd_reload: /' "$WORK/trace"
grep -q "+ sa add out-2 spi 0x2002" "$WORK/nfvpnd.log" || fail "no rekey: $(cat "$WORK/nfvpnd.log")"
grep -q -- "- sa del out-1" "$WORK/nfvpnd.log" || fail "out-1 not deleted: $(cat "$WORK/nfvpnd.log")"
filter_loads=$(grep -c "+ filter load" "$WORK/nfvpnd.log")
in_peer=$(sa_packets in-peer)
out1=$(sa_packets out-1)
out2=$(sa_packets out-2)

# the start's apply and the 20 reloads each end with this line
applied=$(grep -c "generation [0-9]*: [0-9]* changes applied" "$WORK/nfvpnd.log")
failed=$(grep -c "failed, running policy kept" "$WORK/nfvpnd.log")
gen1=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
fwd=$(ctl --json hooks | $PY -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("hooks", d)
print(next(h["packets"] for h in items if h["name"] == "fwd-count"))')
drops=$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["dropped"])')
# the generator cannot read ESP: what it received counts as "other"
read -r tx rx <<<"$($PY -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["tx"]["packets"], r["rx"]["other"])' "$WORK/gen.json")"
echo "nfvpnd_reload: sent $tx received(ESP) $rx dropped(dataplane) $drops fwd-count $fwd" \
     "SA in-peer $in_peer, out-2 $out2 (out-1 deleted: $out1), filter loads $filter_loads," \
     "generation $gen0 -> $gen1, reloads applied $applied failed $failed"
[ "$applied" -eq 21 ] || fail "$applied applies logged, expected 21: $(cat "$WORK/nfvpnd.log")"
[ "$failed" -eq 0 ] || fail "reloads failed: $(grep -B2 -A3 'failed' "$WORK/nfvpnd.log")"
# ten seconds of reloads at least: thousands sent, not a bounded few
[ "$tx" -ge $((RATE * 5)) ] && [ "$tx" -lt "$COUNT" ] || fail "sent $tx (rate $RATE, bound $COUNT)"
# no change made here explains a loss: every packet sent is received
[ "$rx" -eq "$tx" ] || fail "received $rx of $tx, dataplane drops $drops"
[ "$drops" -eq 0 ] || fail "the dataplane dropped $drops packets"
# the unchanged SA kept counting; the new one took over part of the run
[ "$in_peer" -eq "$tx" ] || fail "SA in-peer counted $in_peer, expected $tx"
[ "$out1" -eq -1 ] || fail "SA out-1 still runs"
[ "$out2" -gt 0 ] && [ "$out2" -lt "$tx" ] || fail "SA out-2 counted $out2 of $tx"
# the start's load (nfvpnd has no text to compare with) and one per reload
[ "$filter_loads" -eq 21 ] || fail "$filter_loads filter loads, expected 21"
# the dataplane loaded them all: its own start, nfvpnd's start, 20 reloads
dp_loads=$(ctl --json filter | $PY -c 'import json,sys; print(json.load(sys.stdin)["loads"])')
[ "$dp_loads" -eq 22 ] || fail "the dataplane loaded $dp_loads rulesets, expected 22"
[ "$fwd" -eq "$tx" ] || fail "fwd-count is $fwd, expected $tx: it must keep counting across reloads"
[ "$gen1" -eq $((gen0 + 20)) ] || fail "generation $gen0 -> $gen1, expected +20"
kill -TERM "$NFVPND_PID"; wait "$NFVPND_PID" || true
dp_stop
echo "PASS: nfvpnd_reload_test"
