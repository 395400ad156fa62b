#!/usr/bin/python3
"""Writes the pcaps of bench/pktgen for Pktgen-DPDK's -s PORT:FILE replay
(the traffic of nfvpn-bench's scenarios), with scapy:

  forward-imix.pcap      UDP from 10.0.0.0/24 to 100.0.0.0/14, to the DUT's
                         p0 (02:00:00:00:00:01), IMIX 7:4:1 of 64, 570, 1518:
                         forward, filter-N-rules and esp-encrypt with
                         NFVPN_PCAP=1 (Pktgen's range page makes the fixed
                         sizes itself)
  esp-decrypt-SIZE.pcap  the same flows as ESP of SA 0x2001 (AES-GCM-128,
                         tunnel 10.0.0.2 -> 10.0.0.1), as nfvpn-bench's
                         esp-decrypt policy expects; SIZE 64, 512, 1400 or
                         imix (the cleartext frame sizes)

Sizes are frames with their FCS, as in nfvpn-gen and Pktgen (the pcap holds
4 bytes less). The flows are those of bench/pktgen/nfvpn_bench.lua's range
page: frame i is flow i mod 1024 (source 10.0.0.2-65, destination the
first address of one of 1024 /24 prefixes of 100.0.0.0/14, source port
1024-2047, destination port 5000-5063); a file holds 1024 frames, or 3072
for IMIX (every flow in each size). Pktgen without -j sends frames of at
most 1518 bytes: the ESP IMIX's large cleartext frame is 1464 bytes, whose
ESP frame is 1518 (ESP of a 1518-byte frame would be 1570). The ESP
sequence numbers restart when Pktgen loops the file: the esp-decrypt policy
for Pktgen turns the anti-replay window off (README.md).

  mkpcap.py [OUTDIR]      (default: bench/pktgen/pcap)"""
import os
import sys

from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.ipsec import SecurityAssociation, ESP

DUT_MAC = "02:00:00:00:00:01"
SRC_MAC = "02:00:00:00:00:02"
KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
SALT = bytes.fromhex("01020304")
SPI_IN = 0x2001
FLOWS = 1024
MAX_FRAME = 1518                 # Pktgen without -j
ESP_IMIX_LARGE = 1464            # its ESP frame: 1518
IMIX_ORDER = [64, 570, 64, 64, 570, 64, 1518, 64, 570, 64, 570, 64]  # 7:4:1, spread
SIZES = {"64": [64], "512": [512], "1400": [1400], "imix": IMIX_ORDER}


def inner(i, frame):
    """IPv4/UDP packet of flow i % 1024 whose Ethernet frame is `frame` bytes with FCS."""
    f = i % FLOWS
    src = "10.0.0.%d" % (2 + f % 64)
    dst = "100.%d.%d.1" % (f >> 8, f & 255)
    pad = frame - 4 - 14 - 20 - 8
    return IP(src=src, dst=dst, ttl=64) / UDP(sport=1024 + f, dport=5000 + f % 64) / \
        Raw(bytes((j & 0xff) for j in range(pad)))


def frames(size, esp):
    sa = SecurityAssociation(ESP, spi=SPI_IN, crypt_algo="AES-GCM", crypt_key=KEY + SALT,
                             tunnel_header=IP(src="10.0.0.2", dst="10.0.0.1")) if esp else None
    seq = [ESP_IMIX_LARGE if esp and s == 1518 else s for s in SIZES[size]]
    n = FLOWS * (3 if size == "imix" else 1)   # lcm(12, 1024) = 3072
    out = []
    for i in range(n):
        p = inner(i, seq[i % len(seq)])
        if sa is not None:
            p = sa.encrypt(p, seq_num=i + 1, iv=(i + 1).to_bytes(8, "big"))  # reproducible
        f = Ether(src=SRC_MAC, dst=DUT_MAC) / p
        f.time = i / 1e6  # reproducible files
        assert len(f) + 4 <= MAX_FRAME, (size, len(f) + 4)
        out.append(f)
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "pcap")
    os.makedirs(outdir, exist_ok=True)
    files = [("forward", "imix", False)] + [("esp-decrypt", s, True) for s in SIZES]
    for kind, size, esp in files:
        path = os.path.join(outdir, "%s-%s.pcap" % (kind, size))
        wrpcap(path, frames(size, esp))
        print(path)


if __name__ == "__main__":
    main()
