#!/usr/bin/env bash
# An inbound SA is rekeyed under traffic, as a VPN concentrator's IKE does
# it every hour: nfvpnd reloads a policy where in-2 (new SPI, new keys, same
# reqid) replaces in-1 and sp-in names in-2; the peer goes on sending on
# in-1 for a while (in flight, or because it switches late) while it already
# sends on in-2. in-1 must accept until its grace period ends; nothing is lost.
#
#   netns gen                                netns dp
#   A: nfvpn-gen --esp SPI 0x1001 \
#                                   ga ==veth==> d0  p0 10.0.0.1/24  [nfvpn-dataplane]
#   B: nfvpn-gen --esp SPI 0x1002 /                  SA in-1 / in-2: decrypt, sp-in
#     inner 10.0.0.2 -> 10.2.0.0/28                  FORWARD (fwd-count), route 10.2/16
#                                                    sp-out: encrypt with out-1
#   nft counter: ESP SPI 0x2001     gb <==veth== d1  p1 10.1.0.1/24
#                                                      ^
#                                 nfvpnd --rekey-grace G -- nfvpnctl reload
#
# Timeline: A starts (core 0, the worker is on core 1); once in-1 counts,
# the reload installs in-2 and swaps sp-in (in-1 is kept: "deleted in Gs");
# B starts beside A on core 0 while A still sends on in-1 (overlap: both
# SPIs at once); A ends, B ends; G seconds after the reload nfvpnd deletes
# in-1 ("rekey grace period over").
# Expected: in-1 counts exactly A's packets, in-2 exactly B's; fwd-count,
# out-1 and the ESP frames seen on gb are A + B; no drop anywhere (status,
# SA error counters, ports); in-1 outlives A and is gone after the grace
# period, not before; the dataplane leaks no mbuf.
. "$(dirname "$0")/lib.sh"

COUNT_A=${NFVPND_REKEY_COUNT_A:-20000}
COUNT_B=${NFVPND_REKEY_COUNT_B:-16000}
RATE=${NFVPND_REKEY_RATE:-4000}
# covers A's run after the reload (~4 s) and its drain, with margin
GRACE=${NFVPND_REKEY_GRACE:-10}

gen_pair
# the receiver: every ESP frame the dataplane sends out of p1, whatever reads gb
in_ns "$GNS" nft -f - <<'EON' || fail "nft (gb counter)"
table netdev nfvpn_rekey {
	chain in {
		type filter hook ingress device "gb" priority 0;
		esp spi 0x2001 counter
	}
}
EON

KEY1=00112233445566778899aabbccddeeff
SALT1=01020304
KEY2=f0e1d2c3b4a5968778695a4b3c2d1e0f
SALT2=0a0b0c0d
# policy N: inbound SA in-N (N = 1: the old keys, 2: the rekey), the rest fixed
policy() {
	local k s
	if [ "$1" -eq 1 ]; then k=$KEY1 s=$SALT1; else k=$KEY2 s=$SALT2; fi
	cat <<EOP
$(gen_pair_ports)
ipsec:
  sas:
    - { name: in-$1, spi: 0x100$1, direction: in, src: 10.0.0.2, dst: 10.0.0.1,
        algorithm: aes-gcm-128, key: "$k", salt: "$s", reqid: 1 }
    - { name: out-1, spi: 0x2001, direction: out, src: 10.1.0.1, dst: 10.1.0.9,
        algorithm: aes-gcm-128, key: "$KEY1", salt: "00000001", reqid: 2 }
  policies:
    - { name: sp-in, direction: in, src: 10.0.0.2/32, dst: 10.2.0.0/16, action: protect, sa: in-$1 }
    - { name: sp-out, direction: out, src: 10.0.0.0/24, dst: 10.2.0.0/16, action: protect, sa: out-1 }
routes:
  - { dst: 10.2.0.0/16, via: 10.1.0.2 }
hooks:
  - { name: fwd-count, hook: FORWARD, priority: filter, action: count }
EOP
}

# gen NAME SPI KEY COUNT: one nfvpn-gen on core 0, in the background
gen() {
	in_ns "$GNS" "$GEN" -l 0 --no-huge -m 256 --no-pci --no-telemetry --log-level lib.eal:error \
		--file-prefix "nfvg$$$1" -- \
		--port "net_af_packet_$1,iface=ga" \
		--dst-mac 02:00:00:00:00:01 --flows 16 --src 10.0.0.2 --dst 10.2.0.0/28 \
		--esp "spi=$2,key=$3,src=10.0.0.2,dst=10.0.0.1" \
		--dport 5000-5003 --size 128 --rate "$RATE" --count "$4" --drain-ms 500 \
		--json "$WORK/gen$1.json" > "$WORK/gen$1.log" 2>&1 &
}

# snap: the SAs as JSON, in $WORK/sa.json; sa FIELD NAME: one value from
# it ("packets", "replay", ...: the counters), -1 when the SA is not there
snap() { ctl --json sa > "$WORK/sa.json" || fail "nfvpnctl sa"; }
sa() {
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
items = d if isinstance(d, list) else d.get("sas", d)
print(next((s["counters"][sys.argv[2]] for s in items if s["name"] == sys.argv[3]), -1))' \
		"$WORK/sa.json" "$1" "$2"
}
# sa_errors NAME: the sum of the SA's error counters (all but packets, bytes)
sa_errors() {
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
items = d if isinstance(d, list) else d.get("sas", d)
c = next(s["counters"] for s in items if s["name"] == sys.argv[2])
print(sum(v for k, v in c.items() if k not in ("packets", "bytes")))' "$WORK/sa.json" "$1"
}
status() { ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# the policy holds keys: the loader wants it private
umask 077
policy 1 > "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
nfvpnd_start --rekey-grace "$GRACE"
grep -q "start: apply" "$WORK/nfvpnd.log" || fail "nfvpnd did not apply: $(cat "$WORK/nfvpnd.log")"
gen0=$(status generation)
T0=$(now_ms)

# phase 1: A on the old SPI; the reload once in-1 decrypts
gen a 0x1001 "$KEY1$SALT1" "$COUNT_A"
GEN_A=$!
for _ in $(seq 100); do
	snap
	[ "$(sa packets in-1)" -gt 0 ] && break
	kill -0 "$GEN_A" 2>/dev/null || fail "A exited early: $(tail "$WORK/gena.log")"
	sleep 0.05
done
[ "$(sa packets in-1)" -gt 0 ] || fail "in-1 decrypts nothing: $(tail "$WORK/gena.log")"
sleep 0.5
policy 2 > "$WORK/policy.new" && mv "$WORK/policy.new" "$WORK/policy.yaml"
ctl reload > "$WORK/reload" 2>&1 || fail "reload: $(cat "$WORK/reload")"
T_RELOAD=$(now_ms)
snap
in1_reload=$(sa packets in-1)
sed 's/^/nfvpnd_rekey_in: reload: /' "$WORK/reload"

# phase 2: B on the new SPI beside A (both on core 0, each at RATE)
gen b 0x1002 "$KEY2$SALT2" "$COUNT_B"
GEN_B=$!
in1_overlap=-1
for _ in $(seq 200); do
	snap
	if [ "$(sa packets in-2)" -gt 0 ]; then
		in1_overlap=$(sa packets in-1)
		break
	fi
	kill -0 "$GEN_B" 2>/dev/null || fail "B exited early: $(tail "$WORK/genb.log")"
	sleep 0.02
done
a_running=$(kill -0 "$GEN_A" 2>/dev/null && echo yes || echo no)
wait "$GEN_A" || fail "A (nfvpn-gen) exited with $?: $(tail "$WORK/gena.log")"
T_A=$(now_ms)
# A is done and drained: in-1 must still be there, with every packet of A
snap
in1=$(sa packets in-1)
in1_err=$([ "$in1" -ge 0 ] && sa_errors in-1 || echo "-")
ctl sa > "$WORK/sa.text"
wait "$GEN_B" || fail "B (nfvpn-gen) exited with $?: $(tail "$WORK/genb.log")"
snap
in2=$(sa packets in-2)
in2_err=$(sa_errors in-2)
out1=$(sa packets out-1)
out1_err=$(sa_errors out-1)
in1_late=$(sa packets in-1)

# after the grace period, in-1 goes (nfvpnd applies again on its own)
T_GONE=
for _ in $(seq $(((GRACE + 5) * 10))); do
	if ! ctl sa | grep -q "^in-1 "; then T_GONE=$(now_ms); break; fi
	sleep 0.1
done

read -r txa <<<"$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["tx"]["packets"])' "$WORK/gena.json")"
read -r txb <<<"$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["tx"]["packets"])' "$WORK/genb.json")"
rx=$(in_ns "$GNS" nft -j list table netdev nfvpn_rekey | $PY -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    for e in o.get("rule", {}).get("expr", []):
        if "counter" in e:
            print(e["counter"]["packets"])')
fwd=$(ctl --json hooks | $PY -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("hooks", d)
print(next(h["packets"] for h in items if h["name"] == "fwd-count"))')
drops=$(status dropped)
gen1=$(status generation)
port_err=$(ctl --json ports | $PY -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("ports", d)
print(sum(p["rx_missed"] + p["rx_errors"] + p["tx_errors"] for p in items))')

echo "nfvpnd_rekey_in: A sent $txa on 0x1001, B sent $txb on 0x1002; received(ESP 0x2001) $rx;" \
     "in-1 $in1 (errors $in1_err), in-2 $in2 (errors $in2_err), out-1 $out1 (errors $out1_err);" \
     "fwd-count $fwd, dropped $drops, port errors $port_err"
echo "nfvpnd_rekey_in: in-1 at the reload $in1_reload, when in-2 began $in1_overlap (A running: $a_running);" \
     "reload at +$((T_RELOAD - T0)) ms, A done at +$((T_A - T0)) ms," \
     "in-1 seen gone at +$((${T_GONE:-0} - T0)) ms (grace ${GRACE}s); generation $gen0 -> $gen1"

[ "$txa" -eq "$COUNT_A" ] || fail "A sent $txa of $COUNT_A"
[ "$txb" -eq "$COUNT_B" ] || fail "B sent $txb of $COUNT_B"
# the reload came in the middle of A, B began while A still sent on in-1
[ "$in1_reload" -gt 0 ] && [ "$in1_reload" -lt "$COUNT_A" ] ||
	fail "the reload did not come mid-A: in-1 had $in1_reload of $COUNT_A"
[ "$in1_overlap" -ge 0 ] || fail "in-2 never decrypted: $(tail "$WORK/genb.log")"
[ "$a_running" = yes ] && [ $((COUNT_A - in1_overlap)) -ge 1000 ] ||
	fail "no overlap: in-1 had $in1_overlap of $COUNT_A when in-2 began"
for l in "+ sa add in-2 spi 0x1002" "+ sp add sp-in~" "- sp del sp-in~" \
	 "~ sa in-1: replaced by a rekey, deleted in ${GRACE}s"; do
	grep -qF -- "$l" "$WORK/reload" || fail "reload: no \"$l\": $(cat "$WORK/reload")"
done
grep -q "sa del in-1" "$WORK/reload" && fail "in-1 deleted at once: $(cat "$WORK/reload")"
# every packet of A decrypted by in-1, every one of B by in-2
[ "$in1" -ge 0 ] || fail "in-1 was gone before A ended (A done +$((T_A - T_RELOAD)) ms after the reload, grace ${GRACE}s)"
[ "$in1" -eq "$txa" ] || fail "in-1 decrypted $in1 of A's $txa: $(cat "$WORK/sa.text")"
[ "$in1_late" -eq -1 ] || [ "$in1_late" -eq "$txa" ] || fail "in-1 went on counting after A: $in1_late"
[ "$in2" -eq "$txb" ] || fail "in-2 decrypted $in2 of B's $txb"
[ "$in1_err" -eq 0 ] || fail "in-1 error counters: $in1_err: $(cat "$WORK/sa.text")"
[ "$in2_err" -eq 0 ] || fail "in-2 error counters: $in2_err"
[ "$out1_err" -eq 0 ] || fail "out-1 error counters: $out1_err"
# ... forwarded, encrypted again and received on the far side
[ "$fwd" -eq $((txa + txb)) ] || fail "fwd-count is $fwd, expected $((txa + txb))"
[ "$out1" -eq $((txa + txb)) ] || fail "out-1 encrypted $out1, expected $((txa + txb))"
[ "$rx" -eq $((txa + txb)) ] || fail "received $rx ESP frames, expected $((txa + txb)); dataplane drops $drops"
[ "$drops" -eq 0 ] || fail "the dataplane dropped $drops packets"
[ "$port_err" -eq 0 ] || fail "port errors (missed, rx, tx): $port_err: $(ctl ports)"
# in-1 went when its grace period ended, not before
[ -n "$T_GONE" ] || fail "in-1 outlived its grace period by 5 s: $(ctl sa)"
[ $((T_GONE - T_RELOAD)) -ge $((GRACE * 1000 - 500)) ] ||
	fail "in-1 went $((T_GONE - T_RELOAD)) ms after the reload, before its grace period (${GRACE}s)"
ctl sa | grep -q "^in-2 " || fail "in-2 went: $(ctl sa)"
ctl sp | grep "^sp-in " | grep -q "in-2" || fail "sp-in does not use in-2: $(ctl sp)"
grep -q "rekey grace period over" "$WORK/nfvpnd.log" || fail "no grace apply: $(cat "$WORK/nfvpnd.log")"
grep -q -- "- sa del in-1" "$WORK/nfvpnd.log" || fail "in-1 not deleted: $(cat "$WORK/nfvpnd.log")"
# one generation for the reload, one for the deletion
[ "$gen1" -eq $((gen0 + 2)) ] || fail "generation $gen0 -> $gen1, expected +2"
[ "$(grep -c "failed, running policy kept" "$WORK/nfvpnd.log")" -eq 0 ] ||
	fail "an apply failed: $(cat "$WORK/nfvpnd.log")"
kill -TERM "$NFVPND_PID"; wait "$NFVPND_PID" || true
dp_stop
echo "PASS: nfvpnd_rekey_in_test"
