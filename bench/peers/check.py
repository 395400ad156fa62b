#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks what the peers sent in bench/peers/check.sh, against the inputs
that bench/forward/mkpolicy.py and bench/esp/mkpcap.py wrote to WORK:

  check.py WORK [MODE...]     (MODE: cpu, mb; default both)

- out-l3fwd.pcap: every frame of traffic.pcap, routed: destination MAC
  02:00:00:00:01:02 (the neighbour), TTL one less, a valid IPv4 header
  checksum, addresses and payload unchanged;
- out-enc-MODE.pcap: ESP of SPI 0x1001 in IPv4 192.0.2.1 -> 192.0.2.200
  with a valid header checksum, sequence numbers 1, 2, ..., each
  decrypted by scapy's own ESP (AES-GCM, the bench key) to the packet of
  clear-imix.pcap at the same place;
- out-dec-MODE.pcap: the inner packets of esp-imix.pcap (addresses and
  payload of clear-imix.pcap, valid header checksum).
Prints one line per file; exit 1 when one is wrong or missing."""
import os
import sys

from scapy.all import Ether, IP, raw, rdpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

KEY = bytes(range(16)) + b"\xca\xfe\xba\xbe"   # as bench/esp/mkpcap.py


def csum_ok(ip):
    b = raw(ip)[:ip.ihl * 4]
    s = sum(b[i] << 8 | b[i + 1] for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def same_inner(a, b):
    return a.src == b.src and a.dst == b.dst and bytes(a.payload) == bytes(b.payload)


def check(work, name, expect, test):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        print("%s: missing" % name)
        return False
    out = rdpcap(path)
    bad = [i for i, (o, e) in enumerate(zip(out, expect)) if not test(i, o, e)]
    ok = len(out) == len(expect) and not bad
    print("%s: %d frames of %d, %d wrong%s: %s" % (
        name, len(out), len(expect), len(bad),
        " (first: %d)" % bad[0] if bad else "", "ok" if ok else "WRONG"))
    return ok


def main():
    work = sys.argv[1]
    modes = sys.argv[2:] or ["cpu", "mb"]
    ok = True

    def l3fwd(_, o, e):
        return (o[Ether].dst == "02:00:00:00:01:02" and o[IP].ttl == e[IP].ttl - 1 and
                csum_ok(o[IP]) and same_inner(o[IP], e[IP]))
    ok &= check(work, "out-l3fwd.pcap", rdpcap(os.path.join(work, "traffic.pcap")), l3fwd)

    clear = rdpcap(os.path.join(work, "clear-imix.pcap"))
    for m in modes:
        sa = SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM", crypt_key=KEY,
                                 tunnel_header=IP(src="192.0.2.1", dst="192.0.2.200"))

        def enc(i, o, e):
            ip = IP(raw(o[IP]))
            if not (ip.proto == 50 and ip.src == "192.0.2.1" and ip.dst == "192.0.2.200"
                    and csum_ok(ip)):
                return False
            esp = ESP(raw(ip.payload))
            if esp.spi != 0x1001 or esp.seq != i + 1:
                return False
            try:
                return same_inner(sa.decrypt(ip), e[IP])
            except Exception:       # scapy raises on a bad ICV
                return False
        ok &= check(work, "out-enc-%s.pcap" % m, clear, enc)
        ok &= check(work, "out-dec-%s.pcap" % m, clear,
                    lambda i, o, e: csum_ok(o[IP]) and same_inner(o[IP], e[IP]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
