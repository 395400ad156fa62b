#!/usr/bin/env bash
# Four workers on one core (EAL --lcores "0@0,(1-4)@1"), each with its own
# rx/tx queue on both ports (net_af_packet qpairs=4: the kernel's PACKET_FANOUT
# hash spreads flows over the four sockets, as RSS would):
#  (a) 256 UDP flows forwarded: nothing lost or duplicated, every flow in
#      order (nfvpn-gen's signatures), every worker got traffic;
#  (c) the same flows encrypted by one outbound SA that the four workers use
#      at once: every sequence number 1..N exactly once, and a receiver with
#      Linux's default anti-replay window refuses none (the deepest
#      reordering is printed), each inner flow in order;
#  (d) ESP of 8 inbound SAs (distinct outer sources: one SA stays on one
#      worker, as hooks/ipsec/README.md requires) decrypted by the workers
#      at once: every inner flow complete and in order, no replay drop.
#
#   netns gen                                   netns dp
#   nfvpn-gen / scapy ----- ga ==veth==> d0  p0 10.0.0.1/24, qpairs=4
#                                             [nfvpn-dataplane, workers 0..3]
#   capture (workers_check.py) <== gb ==veth== d1  p1 10.1.0.1/24, qpairs=4
#     10.5/16: forwarded in clear; 10.2/16 from 10.0.0/24: ESP out-1 to 10.1.0.9;
#     ESP in-0..7 from 10.0.0.10-17: decrypted, forwarded to 10.2/16
. "$(dirname "$0")/lib.sh"

NW=4
DP_LCORES="--lcores 0@0,(1-$NW)@1"
COUNT=${WORKERS_COUNT:-40000}
RATE=${WORKERS_RATE:-20000}
ESP_COUNT=${WORKERS_ESP_COUNT:-6000}
ESP_RATE=${WORKERS_ESP_RATE:-6000}
NSA=8
PER_SA=${WORKERS_PER_SA:-400}
KEY=00112233445566778899aabbccddeeff
SALT=01020304
CHECK=$(dirname "$0")/workers_check.py

gen_pair
# the policy holds keys: the loader wants it private
umask 077
{
	cat <<EOP
$(gen_pair_ports ",qpairs=$NW")
routes:
  - { dst: 10.5.0.0/16, via: 10.1.0.2 }
  - { dst: 10.2.0.0/16, via: 10.1.0.2 }
hooks:
  - { name: fwd-count, hook: FORWARD, priority: filter, action: count }
ipsec:
  sas:
    - { name: out-1, spi: 0x2001, direction: out, src: 10.1.0.1, dst: 10.1.0.9,
        algorithm: aes-gcm-128, key: "$KEY", salt: "$SALT", reqid: 100 }
EOP
	for i in $(seq 0 $((NSA - 1))); do
		printf '    - { name: in-%d, spi: %d, direction: in, src: 10.0.0.%d, dst: 10.0.0.1,\n' \
			"$i" $((0x3000 + i)) $((10 + i))
		printf '        algorithm: aes-gcm-128, key: "%s", salt: "%s", reqid: %d }\n' \
			"$KEY" "$SALT" $((i + 1))
	done
	echo "  policies:"
	echo "    - { name: sp-out, direction: out, src: 10.0.0.0/24, dst: 10.2.0.0/16, action: protect, sa: out-1 }"
	for i in $(seq 0 $((NSA - 1))); do
		echo "    - { name: sp-in-$i, direction: in, src: 10.3.$i.0/24, dst: 10.2.0.0/16, action: protect, sa: in-$i }"
	done
} > "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"

status() { ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
[ "$(status workers)" = "$NW" ] || fail "nfvpnctl status: $(status workers) workers, expected $NW"
# busy_loops of worker W: its poll loops that received something
busy() { counter "worker$1.busy_loops"; }
busy_all() { local w; for w in $(seq 0 $((NW - 1))); do printf '%s ' "$(busy "$w")"; done; }
jget() {	# jget FILE a.b: one value of a JSON file
	$PY -c '
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$1" "$2"
}
# each worker received more than before (a list of earlier busy_loops)
all_got_traffic() {
	local before=($1) after=($(busy_all)) w
	for w in $(seq 0 $((NW - 1))); do
		[ "${after[$w]}" -gt "${before[$w]}" ] ||
			fail "$2: worker $w got no traffic (busy loops ${before[*]} -> ${after[*]})"
	done
	echo "$2: busy loops per worker ${before[*]} -> ${after[*]}"
}

gen() {	# gen NAME DST COUNT RATE: nfvpn-gen on core 0, 256 flows from ga
	in_ns "$GNS" "$GEN" -l 0 --no-huge -m 256 --no-pci --no-telemetry --log-level lib.eal:error \
		--file-prefix "nfvg$$$1" -- \
		--port "net_af_packet_g$1,iface=ga" --rx-port "net_af_packet_r$1,iface=gb" \
		--dst-mac 02:00:00:00:00:01 --flows 256 --src 10.0.0.2-10.0.0.33 --dst "$2" \
		--sport 1024-65535 --dport 5000-5099 --size 64,512 --rate "$4" --count "$3" \
		--drain-ms 1000 --link-wait 5 --json "$WORK/gen$1.json" > "$WORK/gen$1.log" 2>&1 ||
		fail "nfvpn-gen $1: $(tail -5 "$WORK/gen$1.log")"
}

# (a) forwarding: 256 flows over four workers
b0=$(busy_all)
gen fwd 10.5.0.0/24 "$COUNT" "$RATE"
sent=$(jget "$WORK/genfwd.json" tx.packets)
for k in lost duplicates reordered late; do
	v=$(jget "$WORK/genfwd.json" "rx.$k")
	[ "$v" = 0 ] || fail "(a) forwarding: rx.$k = $v of $sent ($(cat "$WORK/genfwd.log"))"
done
[ "$(jget "$WORK/genfwd.json" rx.unique)" = "$sent" ] || fail "(a) unique != sent"
all_got_traffic "$b0" "(a) forwarding"
echo "(a) forwarding: $sent frames of 256 flows through $NW workers: 0 lost, 0 duplicates, 0 reordered"

# (c) one outbound SA, four workers: the ESP that leaves p1, captured on gb
b0=$(busy_all)
in_ns "$GNS" $PY "$CHECK" capture gb "$WORK/esp-out.pcap" 2 60 > "$WORK/cap.log" 2>&1 &
cap=$!
for _ in $(seq 50); do grep -q capturing "$WORK/cap.log" && break; sleep 0.1; done
gen esp 10.2.0.0/24 "$ESP_COUNT" "$ESP_RATE"
wait $cap || fail "(c) capture: $(cat "$WORK/cap.log")"
cat "$WORK/cap.log"
sent=$(jget "$WORK/genesp.json" tx.packets)
$PY "$CHECK" esp-out "$WORK/esp-out.pcap" 0x2001 "$KEY$SALT" 10.1.0.1 10.1.0.9 "$sent" 1024 ||
	fail "(c) ESP sequence numbers"
all_got_traffic "$b0" "(c) esp-output"

# (d) eight inbound SAs at once; the inner packets leave p1 for gb
b0=$(busy_all)
in_ns "$GNS" $PY "$CHECK" capture gb "$WORK/esp-in.pcap" 2 60 > "$WORK/cap.log" 2>&1 &
cap=$!
for _ in $(seq 50); do grep -q capturing "$WORK/cap.log" && break; sleep 0.1; done
in_ns "$GNS" $PY "$CHECK" esp-in-send ga 02:00:00:00:00:01 $NSA "$PER_SA" 4000 "$KEY$SALT" ||
	fail "(d) sending ESP"
wait $cap || fail "(d) capture: $(cat "$WORK/cap.log")"
cat "$WORK/cap.log"
$PY "$CHECK" esp-in-check "$WORK/esp-in.pcap" $NSA "$PER_SA" || fail "(d) inner flows"
ctl --json sa > "$WORK/sa.json" || fail "nfvpnctl sa"
$PY - "$WORK/sa.json" $NSA "$PER_SA" <<'EOPY' || fail "(d) SA counters"
import json, sys
d = json.load(open(sys.argv[1]))
items = d if isinstance(d, list) else d.get("sas", d)
nsa, per = int(sys.argv[2]), int(sys.argv[3])
for i in range(nsa):
    c = next(s["counters"] for s in items if s["name"] == "in-%d" % i)
    err = {k: v for k, v in c.items() if k not in ("packets", "bytes") and v}
    assert c["packets"] == per and not err, ("in-%d" % i, c)
print("(d) esp-input: %d SAs, %d packets each, no error counted" % (nsa, per))
EOPY
busy_all > "$WORK/busy"
echo "(d) esp-input: busy loops per worker $b0 -> $(cat "$WORK/busy")"

[ "$(counter dropped)" = 0 ] || fail "drops: $(counter dropped)"
dp_stop
grep 'worker [0-9]: ' "$WORK/dataplane.log"
echo "PASS $SMOKE_NAME"
