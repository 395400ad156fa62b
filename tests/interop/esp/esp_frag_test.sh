#!/usr/bin/env bash
# Fragments, reassembly and multi-segment mbufs through the real
# nfvpn-dataplane on net_pcap ports, checked with scapy (esp_frag.py says
# what each case is): ESP fragmented by the peer after encryption and
# reassembled by us, a jumbo frame (an mbuf chain) fragmented before
# encryption, a transport-mode reply too big for the path encrypted whole
# and fragmented after, IPv6 reassembly, a plain fragmented ping,
# fragments that cannot be reassembled, each counted, and plain forwarding
# that fragments (no DF) or answers ICMP (DF).
. "$(dirname "$0")/../../smoke/lib.sh"

$PY "$NFV_TOP/tests/interop/esp/esp_frag.py" make "$WORK" || fail "cannot write packets"
chmod 600 "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
for _ in $(seq 50); do
	[ "$(counter reass.datagrams)" = 4 ] && [ "$(counter drop.ip-reass-failed)" = 8 ] && break
	sleep 0.2
done
sleep 0.5
# 3 + 3 + 2 + 3 fragments made four datagrams; 1 lone + 11 too many
expect_counter reass.fragments 23
expect_counter reass.datagrams 4
# the eleven-fragment datagram: its first 7 held, the 8th over the limit of
# 8 slots (first, last, 6 middle) drops the 8; the 9th to 11th start anew
expect_counter drop.ip-reass-failed 8
expect_counter drop.esp-unknown-spi 0
expect_counter drop.esp-linearize-failed 0
expect_counter drop.esp-fragment-failed 0
expect_counter drop.esp-too-big 0
expect_counter drop.mtu-exceeded 1
expect_counter fragmented 1
expect_counter drop.esp-auth-failed 0
ctl --json sa > "$WORK/sa.json" || fail "nfvpnctl --json sa"
$PY - "$WORK/sa.json" <<'EOP' || fail "SA counters"
import json, sys
sas = {s["name"]: s["counters"] for s in json.load(open(sys.argv[1]))["sas"]}
want = {"tin": 1, "tout": 1, "xin4": 1, "xout4": 1, "xin6": 1, "xout6": 1}
got = {n: sas[n]["packets"] for n in want}
# tout: the jumbo packet went as fragments, one ESP packet each
assert got["tout"] >= 3, got
got["tout"] = 1
assert got == want, got
EOP
expect_counter drop.shutdown 0
dp_stop
# held at shutdown and counted there: the lone fragment and the last three
grep -q "^ *shutdown  *4$" "$WORK/dataplane.log" ||
	fail "the 4 fragments held at exit were not counted: $(grep shutdown "$WORK/dataplane.log")"
$PY "$NFV_TOP/tests/interop/esp/esp_frag.py" check "$WORK" || fail "scapy check"
echo "PASS $SMOKE_NAME"
