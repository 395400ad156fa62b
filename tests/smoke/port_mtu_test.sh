#!/usr/bin/env bash
# Port MTUs: a device that takes the policy's jumbo MTU gets it (net_pcap,
# 9000); one that refuses it (net_memif reports 1518-byte frames, though it
# chains bigger ones) still starts: the dataplane keeps the policy's MTU
# and says in the log that the device refused it.
. "$(dirname "$0")/lib.sh"

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: big, device: "net_pcap_mt0,rx_pcap=$WORK/empty.pcap,tx_pcap=$WORK/out0.pcap", mtu: 9000, exception: false }
  - { name: small, device: "net_memif_mt1,role=server,socket=$WORK/memif.sock", mtu: 9000, exception: false }
EOP
$PY -c 'from scapy.all import wrpcap, Ether; wrpcap("'"$WORK"'/empty.pcap", [Ether()])' ||
	fail "cannot write a pcap"
dp_start "$WORK/policy.yaml"
ctl --json ports > "$WORK/ports.json" || fail "nfvpnctl ports"
$PY - "$WORK/ports.json" <<'EOP' || fail "ports: $(cat "$WORK/ports.json")"
import json, sys
ports = {p["name"]: p for p in json.load(open(sys.argv[1]))["ports"]}
assert ports["big"]["mtu"] == 9000, ports["big"]
assert ports["small"]["mtu"] == 9000, ports["small"]
EOP
grep -q "port small: device 'net_memif_mt1,[^']*' refuses MTU 9000 (it reports 1500)" \
	"$WORK/dataplane.log" || fail "no warning about the MTU: $(cat "$WORK/dataplane.log")"
dp_stop
echo "PASS $SMOKE_NAME"
