#!/usr/bin/env bash
# bench/pktgen's traffic through the real nfvpn-dataplane: the frames
# Pktgen would send (its range page's, made by mkpcap.py's flow formula,
# and the pcaps it replays) into nfvpn-bench's scenario policies, on
# net_pcap ports instead of memif:
#
#   IN.pcap --> p0 [nfvpn-dataplane, scenario policy] p1 --> out1.pcap
#
# forward and filter-1000-rules forward every frame, esp-encrypt encrypts
# every frame (ESP of SPI 0x1001), esp-decrypt (replay_window: 0, as
# bench/pktgen/README.md says) decrypts every frame of its IMIX pcap
# replayed twice (Pktgen loops the file: the sequence numbers repeat).
. "$(dirname "$0")/lib.sh"

$PY - "$NFV_TOP/bench/pktgen" "$WORK" <<'PYEOF' || fail "cannot write the frames"
import sys
sys.path.insert(0, sys.argv[1])
import mkpcap
from scapy.all import wrpcap
w = sys.argv[2]
wrpcap(w + "/range-64.pcap", mkpcap.frames("64", False))      # the range page's 1024 flows
wrpcap(w + "/forward-imix.pcap", mkpcap.frames("imix", False))
esp = mkpcap.frames("imix", True)
wrpcap(w + "/esp-decrypt-imix-twice.pcap", esp + esp)
wrpcap(w + "/empty.pcap", [])
PYEOF

# policy SCENARIO INPUT: nfvpn-bench's policy with net_pcap ports
policy() {
	(cd "$NFV_TOP/bench" && $PY - "$1" "$WORK" "$2" <<'PYEOF') || fail "cannot write the $1 policy"
import os, re, sys
from nfvpnbench import scenario
name, w, inp = sys.argv[1:4]
path = "%s/%s.yaml" % (w, name)
scenario.policy(name, ["%s/s0.sock" % w, "%s/s1.sock" % w], path)
text = open(path).read()
text = re.sub(r'device: "net_memif0,[^"]*"',
              'device: "net_pcap_b0,rx_pcap=%s/%s,tx_pcap=%s/out0.pcap"' % (w, inp, w), text)
text = re.sub(r'device: "net_memif1,[^"]*"',
              'device: "net_pcap_b1,rx_pcap=%s/empty.pcap,tx_pcap=%s/out1.pcap"' % (w, w), text)
if name == "esp-decrypt":
    text = text.replace('salt: "01020304" }', 'salt: "01020304", replay_window: 0 }')
    assert "replay_window: 0" in text
fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
os.write(fd, text.encode())
os.close(fd)
PYEOF
}

# run SCENARIO INPUT FRAMES TSHARK-FILTER
run() {
	local name=$1 inp=$2 want=$3 filter=$4 n t
	rm -f "$WORK/out0.pcap" "$WORK/out1.pcap"
	policy "$name" "$inp"
	dp_start "$WORK/$name.yaml"
	for _ in $(seq 50); do
		[ "$(counter tx)" -ge "$want" ] 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.3
	dp_stop
	t=$(tshark -r "$WORK/out1.pcap" 2>/dev/null | wc -l)
	n=$(tshark -d udp.port==5000-5099,data -r "$WORK/out1.pcap" -Y "$filter" 2>/dev/null | wc -l)
	[ "$n" = "$want" ] && [ "$t" = "$want" ] ||
		fail "$name, $inp: $n of $t frames out of p1 are '$filter', expected $want"
	echo "$name, $inp: $want frames out as expected"
}

udp_out='eth.dst == 02:00:00:00:01:02 && ip.src == 10.0.0.0/24 && ip.dst == 100.0.0.0/14 && udp && !_ws.malformed'
esp_out='eth.dst == 02:00:00:00:01:02 && esp.spi == 0x1001 && ip.src == 10.1.0.1 && ip.dst == 10.1.0.2'
run forward range-64.pcap 1024 "$udp_out"
run forward forward-imix.pcap 3072 "$udp_out"
run filter-1000-rules range-64.pcap 1024 "$udp_out"
run esp-encrypt forward-imix.pcap 3072 "$esp_out"
run esp-decrypt esp-decrypt-imix-twice.pcap 6144 "$udp_out"
echo "PASS $SMOKE_NAME"
