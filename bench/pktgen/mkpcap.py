#!/usr/bin/python3
"""Writes the pcaps of bench/pktgen (the traffic of nfvpn-bench's scenarios,
for Pktgen-DPDK's -s PORT:FILE replay), with scapy:

  forward-SIZE.pcap      UDP from 10.0.0.0/24 to 100.0.0.0/14, to the DUT's
                         p0 (02:00:00:00:00:01): forward, filter-N-rules and
                         esp-encrypt (the DUT encrypts it)
  esp-decrypt-SIZE.pcap  the same frames as ESP of SA 0x2001 (AES-GCM-128,
                         tunnel 10.0.0.2 -> 10.0.0.1), as nfvpn-bench's
                         esp-decrypt policy expects

SIZE is 64, 512, 1400 or imix; sizes are frames with their FCS, as in
nfvpn-gen (the pcap holds 4 bytes less). FLOWS frames a file (default 64;
imix: 7:4:1 of 64, 570, 1518, interleaved). The ESP sequence numbers restart
when Pktgen loops the file: the esp-decrypt policy for Pktgen turns the
anti-replay window off (see README.md).

  mkpcap.py [OUTDIR] [FLOWS]"""
import os
import sys

from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.ipsec import SecurityAssociation, ESP

DUT_MAC = "02:00:00:00:00:01"
SRC_MAC = "02:00:00:00:00:02"
KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
SALT = bytes.fromhex("01020304")
SPI_IN = 0x2001
IMIX = [64] * 7 + [570] * 4 + [1518]
IMIX_ORDER = [64, 570, 64, 64, 570, 64, 1518, 64, 570, 64, 570, 64]  # 7:4:1, spread
SIZES = {"64": [64], "512": [512], "1400": [1400], "imix": IMIX_ORDER}


def inner(i, frame):
    """IPv4/UDP packet of flow i whose Ethernet frame is `frame` bytes with FCS."""
    src = "10.0.0.%d" % (2 + i % 253)
    dst = "100.%d.%d.%d" % ((i // 256) % 4, i % 256, 1 + (i // 1024) % 254)
    pad = frame - 4 - 14 - 20 - 8
    return IP(src=src, dst=dst, ttl=64) / UDP(sport=1024 + i, dport=5000 + i % 100) / \
        Raw(bytes((j & 0xff) for j in range(pad)))


def frames(size, flows, esp):
    sa = SecurityAssociation(ESP, spi=SPI_IN, crypt_algo="AES-GCM", crypt_key=KEY + SALT,
                             tunnel_header=IP(src="10.0.0.2", dst="10.0.0.1")) if esp else None
    seq = SIZES[size]
    out = []
    for i in range(flows if size != "imix" else len(seq) * (flows // len(seq) or 1)):
        p = inner(i, seq[i % len(seq)])
        if sa is not None:
            p = sa.encrypt(p, seq_num=i + 1, iv=(i + 1).to_bytes(8, "big"))  # reproducible
        f = Ether(src=SRC_MAC, dst=DUT_MAC) / p
        f.time = i / 1e6  # reproducible files
        out.append(f)
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "pcap")
    flows = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    os.makedirs(outdir, exist_ok=True)
    for size in SIZES:
        for kind, esp in (("forward", False), ("esp-decrypt", True)):
            path = os.path.join(outdir, "%s-%s.pcap" % (kind, size))
            wrpcap(path, frames(size, flows, esp))
            print(path)


if __name__ == "__main__":
    main()
