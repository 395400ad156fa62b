#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic of bench/esp/scale.sh: packets spread over every peer of
mkpolicy_ra.py's concentrator.

  mkpcap_ra.py WORK PEERS [SIZES] [FRAMES]   (SIZES default "64 1400")

writes, for each SIZE (the inner IP packet's bytes):
  clear-SIZE.pcap  UDP from the corporate host 10.1.0.5 to each peer's
                   virtual address (the encrypt input, frames to the corp
                   port),
  esp-SIZE.pcap    each peer's own ESP in UDP 4500 to 198.51.100.10 with
                   its inbound SA's key (AES-GCM-256, sequence 1: the
                   --bench policy has no replay window), the inner packet
                   from the peer's virtual address to 10.1.0.5 (the
                   decrypt input, frames to the inet port);
every peer once per pass over the file, in a shuffled order (the same
for both files); FRAMES frames (default: PEERS, at least 64), each with
its own UDP source port. bench/esp/scale.sh gives the one-SA files as
many frames as the many-SA ones: net_pcap copies every frame out of the
file's packets, and a loop of 64 frames stays in the L1 cache where
5,000 do not; with the same count, only the SAs differ.
"""
import os
import random
import sys

from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkpolicy_ra as ra  # noqa: E402

HOST = "10.1.0.5"


def inner(src, dst, size, i):
    pkt = IP(src=src, dst=dst, ttl=64) / UDP(sport=1024 + i % 60000, dport=5000)
    return pkt / Raw(b"\x00" * (size - len(pkt)))


def main(work, peers, sizes, frames=None):
    order = list(range(peers))
    random.Random(12345).shuffle(order)
    frames = frames or max(peers, 64)
    sas = [SecurityAssociation(ESP, spi=ra.spi(i, 0), crypt_algo="AES-GCM",
                               crypt_key=bytes.fromhex(ra.key(i, 0) + ra.salt(i, 0, peers)),
                               tunnel_header=IP(src=ra.peer_outer(i), dst=ra.LOCAL),
                               nat_t_header=UDP(sport=4500, dport=4500))
           for i in range(peers)]
    for size in sizes:
        clear, esp = [], []
        for k in range(frames):
            i = order[k % peers]
            clear.append(Ether(dst=ra.CORP_MAC, src=ra.CORP_PEER_MAC) /
                         inner(HOST, ra.peer_va(i), size, k))
            e = sas[i].encrypt(inner(ra.peer_va(i), HOST, size, k), seq_num=1)
            # scapy 2.5 keeps the NAT-T header's length of 8
            e[UDP].len = len(e[UDP])
            esp.append(Ether(dst=ra.INET_MAC, src=ra.INET_PEER_MAC) / IP(bytes(e)))
        wrpcap("%s/clear-%d.pcap" % (work, size), clear)
        wrpcap("%s/esp-%d.pcap" % (work, size), esp)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]),
         [int(s) for s in (sys.argv[3] if len(sys.argv) > 3 else "64 1400").split()],
         int(sys.argv[4]) if len(sys.argv) > 4 else None)
