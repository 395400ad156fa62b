#!/usr/bin/env bash
# ESP interop through the real nfvpn-dataplane, on net_pcap ports:
#
#   LAN  in1.pcap --> p1 [nfvpn-dataplane] p0 --> out0.pcap  (ESP to the peer)
#        out1.pcap <-- p1                  p0 <-- in0.pcap   (ESP from scapy)
#
# One run carries 112 SAs (esp_dp.py writes the policy and the packets):
# - 54 cases: 9 algorithms x tunnel (4-in-4, 6-in-4, 4-in-6, 6-in-6) and
#   transport (v4, v6), some with ESN and NAT-T. scapy encrypts what the
#   dataplane must decrypt and forward (transport: an ESP echo request that
#   the dataplane answers in ESP), and decrypts what it encrypted.
# - tshark dissects out0.pcap with one SA per algorithm (not ChaCha20 nor
#   AES-CCM, which tshark 4.0 lacks): decrypted, ICV correct, nothing malformed.
# - bad ESP, each dropped under its own reason: truncated, unknown SPI,
#   replay, bad padding, bad next header, NAT-T for a plain SA, wrong ICV.
# - path MTU: 1480-byte packets into tunnels that leave 1446 (IPv4) and
#   1426 (IPv6) bytes: without DF fragmented then encrypted, with DF and
#   IPv6 answered with ICMP "fragmentation needed" / "packet too big".
# - lifetimes: an SA with soft 1 / hard 2 packets takes 2 of 3 packets and
#   is reported soft, then expired.
# Then SAs and policies are added and deleted at run time, keys are never
# printed, and a policy with keys readable by others is refused.
. "$(dirname "$0")/../../smoke/lib.sh"

$PY "$NFV_TOP/tests/interop/esp/esp_dp.py" make "$WORK" || fail "cannot write packets"
chmod 600 "$WORK/policy.yaml"

# 1. a policy with keys that others may read is refused before anything starts
cp "$WORK/policy.yaml" "$WORK/open.yaml"
chmod 644 "$WORK/open.yaml"
if "$NFV_BUILD/dataplane/nfvpn-dataplane" --no-pci -- --config "$WORK/open.yaml" \
	> "$WORK/open.log" 2>&1; then
	fail "a mode 0644 policy with keys was accepted"
fi
grep -q "open.yaml:[0-9]*:[0-9]*: ipsec: the policy holds keys but the file is accessible to group or others (mode 0644)" \
	"$WORK/open.log" || fail "no clear message for mode 0644: $(cat "$WORK/open.log")"

# 2. the matrix and the bad packets
dp_start "$WORK/policy.yaml"
for _ in $(seq 50); do
	[ "$(counter drop.esp-auth-failed)" = 1 ] && break
	sleep 0.2
done
sleep 1.5	# the lifetime timer runs once a second
grep -q "SA life (SPI 0x9100): hard lifetime reached" "$WORK/dataplane.log" ||
	fail "no hard lifetime event"
for r in esp-truncated esp-unknown-spi esp-replay esp-bad-padding esp-bad-next-header \
	 esp-natt-mismatch esp-auth-failed; do
	expect_counter "drop.$r" 1
done
expect_counter drop.esp-too-big 2
expect_counter drop.esp-sa-expired 1
for r in esp-policy-mismatch esp-crypto-error esp-no-headroom esp-linearize-failed \
	 esp-fragment-failed inject-queue-full mtu-exceeded; do
	expect_counter "drop.$r" 0
done
ctl sa > "$WORK/sa.txt" || fail "nfvpnctl sa"
ctl --json sa > "$WORK/sa.json" || fail "nfvpnctl --json sa"
ctl --json sp > "$WORK/sp.json" || fail "nfvpnctl --json sp"
$PY - "$WORK" <<'EOP' || fail "SA counters"
import json, sys
w = sys.argv[1]
want = json.load(open(w + "/cases.json"))
sas = {s["name"]: s for s in json.load(open(w + "/sa.json"))["sas"]}
assert len(sas) == want["sas"], (len(sas), want)
assert sas["life"]["state"] == "expired" and sas["life"]["counters"]["packets"] == 2, sas["life"]
assert sas["life"]["counters"]["expired"] == 1, sas["life"]
for c in range(1, want["cases"] + 1):
    for d in ("in", "out"):
        s = sas["%s%d" % (d, c)]
        assert s["counters"]["packets"] == 1, (s["name"], s["counters"])
bad = sas["bad"]["counters"]
assert bad["packets"] == 1 and bad["replay"] == 1 and bad["auth_failed"] == 1, bad
assert bad["bad_padding"] == 1 and bad["bad_next_header"] == 1, bad
assert sas["in1"]["replay_window"] == 1024
sps = json.load(open(w + "/sp.json"))["policies"]
assert len(sps) == want["policies"], (len(sps), want)
assert any(p["name"] == "o1" and p["sa"] == "out1" for p in sps)
EOP
# keys never leave the dataplane
key=$(grep -o 'key: "[0-9a-f]*"' "$WORK/policy.yaml" | head -1 | cut -d'"' -f2)
grep -q "$key" "$WORK/sa.txt" "$WORK/sa.json" "$WORK/dataplane.log" && fail "a key was printed"

# 3. run-time changes without stopping the workers
cat > "$WORK/add.yaml" <<EOA
ports:
  - { name: p0, device: net_null0 }
ipsec:
  sas:
    - { name: rt1, spi: 0x7001, direction: out, src: 192.0.2.1, dst: 192.0.2.2, algorithm: aes-gcm-256, key: "$(printf '%064d' 7)", salt: "01020304" }
  policies:
    - { name: rtp, priority: -5, direction: out, src: 10.9.0.0/16, dst: 10.200.99.0/24, action: protect, sa: rt1 }
EOA
chmod 600 "$WORK/add.yaml"
ctl sa add "$WORK/add.yaml" || fail "nfvpnctl sa add"
ctl sa | grep -q "^rt1 " || fail "rt1 not listed"
ctl sp | grep -q "^rtp " || fail "rtp not listed"
ctl sa add "$WORK/add.yaml" 2>/dev/null && fail "adding rt1 twice worked"
ctl sp del rtp || fail "nfvpnctl sp del"
ctl sa del rt1 || fail "nfvpnctl sa del"
ctl sa del in1 || fail "nfvpnctl sa del in1"
ctl sa | grep -q "^rt1 \|^in1 " && fail "deleted SAs still listed"
ctl sa del rt1 2>/dev/null && fail "deleting rt1 twice worked"
dp_stop

$PY "$NFV_TOP/tests/interop/esp/esp_dp.py" check "$WORK" || fail "scapy check"

[ -n "${ESP_KEEP:-}" ] && cp "$WORK/out0.pcap" "$WORK/esp_sa" "$ESP_KEEP/"

# 4. tshark: our ESP with the keys given, one SA per algorithm (but
# ChaCha20-Poly1305 and AES-CCM, which tshark 4.0 does not know), no errors
uat=()
while IFS= read -r l; do uat+=(-o "uat:esp_sa:$l"); done < "$WORK/esp_sa"
tshark -r "$WORK/out0.pcap" -o esp.enable_encryption_decode:TRUE \
	-o esp.enable_authentication_check:TRUE "${uat[@]}" -V > "$WORK/tshark.txt" 2>&1 ||
	fail "tshark: $(tail -5 "$WORK/tshark.txt")"
grep -qi "malformed\|expert info (error\|incorrect" "$WORK/tshark.txt" &&
	fail "tshark reports errors: $(grep -i -m3 'malformed\|expert info (error\|incorrect' "$WORK/tshark.txt")"
n=$(grep -c "ESP ICV: .*\[correct\]" "$WORK/tshark.txt")
want=$(wc -l < "$WORK/esp_sa")
[ "$n" = "$want" ] || fail "tshark authenticated $n ESP packets, expected $want (one per SA given)"
grep -q "10.0.0.5 → 10.200.1.9\|Source Address: 10.0.0.5" "$WORK/tshark.txt" || fail "tshark did not decrypt the inner packet"
echo "tshark: $n ESP packets decrypted and authenticated with our keys"
echo "PASS $SMOKE_NAME"
