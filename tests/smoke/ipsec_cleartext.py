#!/usr/bin/python3
"""Packets of tests/smoke/ipsec_cleartext_test.sh: cleartext that inbound
PROTECT policies cover (refused), the same traffic through its SA
(forwarded or answered), and traffic no policy covers (forwarded).

    ipsec_cleartext.py make WORK    writes WORK/in0.pcap, WORK/empty.pcap
    ipsec_cleartext.py check WORK   reads WORK/out0.pcap, WORK/out1.pcap
"""
import sys

from scapy.all import Ether, IP, IPv6, UDP, ICMP, Raw, rdpcap, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

DP0, DP1 = "02:00:00:00:00:01", "02:00:00:00:01:01"
PEER, INSIDE = "02:00:00:00:00:02", "02:00:00:00:01:02"
KEY = bytes(range(16))
SALT = bytes.fromhex("a0a1a2a3")

# name: (spi, mode, outer src, outer dst, inner src, inner dst)
SAS = {
    "tun4": (0x2001, "tunnel", "192.0.2.2", "192.0.2.1", "192.168.1.10", "192.168.2.10"),
    "tun6": (0x2002, "tunnel", "2001:db8:f::2", "2001:db8:f::1", "2001:db8:a::10", "2001:db8:b::10"),
    "tra4": (0x2003, "transport", "192.0.2.2", "192.0.2.1", "192.0.2.2", "192.0.2.1"),
    "tra6": (0x2004, "transport", "2001:db8:f::2", "2001:db8:f::1", "2001:db8:f::2", "2001:db8:f::1"),
}
# packets of each kind, per SA
CLEAR, SEALED = 16, 4
UNCOVERED = 8


def ip(src, dst):
    return IPv6(src=src, dst=dst) if ":" in src else IP(src=src, dst=dst)


def udp(src, dst, dport, tag, i):
    return ip(src, dst) / UDP(sport=1000 + i, dport=dport) / Raw(b"%s-%03d" % (tag, i))


def sealed(name, pkt, seq):
    spi, mode, osrc, odst = SAS[name][:4]
    sa = SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=KEY + SALT,
                             tunnel_header=ip(osrc, odst) if mode == "tunnel" else None)
    return sa.encrypt(pkt, seq_num=seq)


def make(work):
    frames = []
    for name, (spi, mode, osrc, odst, isrc, idst) in SAS.items():
        for i in range(CLEAR):
            # what an attacker on the outside sends "from" the remote site
            frames.append(udp(isrc, idst, 9, b"CLEAR-" + name.encode(), i))
        for i in range(SEALED):
            frames.append(sealed(name, udp(isrc, idst, 9, b"SEALED-" + name.encode(), i), i + 1))
    # IKE to us passes the transport policy (charon's socket bypass in Linux)
    frames.append(udp("192.0.2.2", "192.0.2.1", 500, b"IKE", 0))
    # cleartext echo from the transport peer: refused, never answered
    frames.append(IP(src="192.0.2.2", dst="192.0.2.1") / ICMP(id=7, seq=1))
    for i in range(UNCOVERED):
        frames.append(udp("192.168.3.10", "192.168.2.10", 9, b"UNCOVERED4", i))
        frames.append(udp("2001:db8:c::10", "2001:db8:b::10", 9, b"UNCOVERED6", i))
    wrpcap(work + "/in0.pcap", [Ether(src=PEER, dst=DP0) / f for f in frames])
    wrpcap(work + "/empty.pcap", [])


def payloads(path):
    out = []
    for p in rdpcap(path):
        if Raw in p:
            out.append(bytes(p[Raw].load))
    return out


def check(work):
    out1 = payloads(work + "/out1.pcap")
    bad = [p for p in out1 if p.startswith(b"CLEAR")]
    if bad:
        print("cleartext forwarded: %d, e.g. %r" % (len(bad), bad[0]))
        return 1
    want = {b"SEALED-tun4": SEALED, b"SEALED-tun6": SEALED,
            b"UNCOVERED4": UNCOVERED, b"UNCOVERED6": UNCOVERED}
    for tag, n in want.items():
        got = sum(1 for p in out1 if p.startswith(tag + b"-"))
        if got != n:
            print("%s: %d forwarded, expected %d" % (tag.decode(), got, n))
            return 1
    if len(out1) != sum(want.values()):
        print("out1: %d packets, expected %d" % (len(out1), sum(want.values())))
        return 1
    echo = [p for p in rdpcap(work + "/out0.pcap") if ICMP in p and p[ICMP].type == 0]
    if echo:
        print("the cleartext echo request was answered")
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
