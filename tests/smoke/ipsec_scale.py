#!/usr/bin/python3
"""Packets of tests/smoke/ipsec_scale_test.sh: a few packets of the last
peers (and the first) of bench/esp/mkpolicy_ra.py's concentrator, both
ways, against scapy's ESP (AES-GCM-256, ESN, UDP 4500).

    ipsec_scale.py make WORK PEERS    writes WORK/in0.pcap (inet: ESP from
                                      peers) and WORK/in1.pcap (corp:
                                      cleartext to peers)
    ipsec_scale.py check WORK PEERS   decrypts WORK/out0.pcap with each
                                      peer's outbound key and compares it,
                                      and WORK/out1.pcap, with what was sent
"""
import os
import sys

from scapy.all import Ether, IP, UDP, Raw, rdpcap, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../bench/esp"))
import mkpolicy_ra as ra  # noqa: E402

HOST, HOST2 = "10.1.0.5", "172.16.0.9"	# behind corp, one per network


def peers_of(n):
    """The peers the test talks to: the last two SA pairs and the first."""
    return [n - 1, n - 2, 0]


def sa(peers, i, d):
    """Peer i's SA of direction d (0 in, 1 out) as scapy sees it."""
    src, dst = (ra.peer_outer(i), ra.LOCAL) if d == 0 else (ra.LOCAL, ra.peer_outer(i))
    return SecurityAssociation(ESP, spi=ra.spi(i, d), crypt_algo="AES-GCM",
                               crypt_key=bytes.fromhex(ra.key(i, d) + ra.salt(i, d, peers)),
                               tunnel_header=IP(src=src, dst=dst), esn_en=True, esn=0,
                               nat_t_header=UDP(sport=4500, dport=4500))


def udp(src, dst, tag):
    return IP(src=src, dst=dst, ttl=64) / UDP(sport=1000, dport=9) / Raw(tag)


def forwarded(p):
    """What the dataplane forwards: the same packet, TTL one less."""
    q = IP(bytes(p))
    q.ttl -= 1
    del q.chksum
    return bytes(IP(bytes(q)))


def to_peers(peers):
    """Cleartext from the corporate networks to the peers' virtual addresses."""
    out = []
    for i in peers_of(peers):
        out.append(udp(HOST, ra.peer_va(i), b"TO-%d" % i))
        out.append(udp(HOST2, ra.peer_va(i), b"TO2-%d" % i))
    return out


def from_peers(peers):
    return [(i, udp(ra.peer_va(i), HOST, b"FROM-%d" % i)) for i in peers_of(peers)]


def make(work, peers):
    esp = []
    for i, p in from_peers(peers):
        e = sa(peers, i, 0).encrypt(p, seq_num=1)
        e[UDP].len = len(e[UDP])	# scapy 2.5 keeps the NAT-T header's 8
        esp.append(Ether(dst=ra.INET_MAC, src=ra.INET_PEER_MAC) / IP(bytes(e)))
    wrpcap(work + "/in0.pcap", esp)
    wrpcap(work + "/in1.pcap", [Ether(dst=ra.CORP_MAC, src=ra.CORP_PEER_MAC) / p
                                for p in to_peers(peers)])


def check(work, peers):
    fails = []
    want = {bytes(p[Raw]): p for p in to_peers(peers)}
    seen = set()
    for f in rdpcap(work + "/out0.pcap"):
        ip = f[IP]
        if ip.getlayer(UDP) is None or ip[UDP].dport != 4500:
            fails.append("inet: not ESP in UDP 4500: %r" % f.summary())
            continue
        spi = int.from_bytes(bytes(ip[UDP].payload)[:4], "big")
        i = spi - ra.spi(0, 1)
        if not 0 <= i < peers or ip.dst != ra.peer_outer(i):
            fails.append("inet: SPI 0x%x to %s is no peer's outbound SA" % (spi, ip.dst))
            continue
        try:
            clear = sa(peers, i, 1).decrypt(IP(bytes(ip)))
        except Exception as e:  # noqa: BLE001 - any failure is a test failure
            fails.append("peer %d: scapy cannot decrypt: %s" % (i, e))
            continue
        tag = bytes(clear[Raw]) if clear.haslayer(Raw) else b""
        if tag not in want or bytes(clear) != forwarded(want[tag]):
            fails.append("peer %d: decrypted packet differs: %r" % (i, clear.summary()))
            continue
        if clear.dst != ra.peer_va(i):
            fails.append("peer %d: carried a packet to %s" % (i, clear.dst))
        seen.add(tag)
    for tag in want:
        if tag not in seen:
            fails.append("no ESP packet carried %s" % tag.decode())
    got = [bytes(f[IP]) for f in rdpcap(work + "/out1.pcap") if f.haslayer(IP)]
    for i, p in from_peers(peers):
        if forwarded(p) not in got:
            fails.append("peer %d's packet was not decrypted and forwarded" % i)
    for f in fails:
        print("FAIL:", f)
    if not fails:
        print("%d ESP packets to peers %s decrypted as sent, %d from them forwarded"
              % (len(seen), peers_of(peers), len(from_peers(peers))))
    return not fails


if __name__ == "__main__":
    cmd, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "make":
        make(work, n)
    else:
        sys.exit(0 if check(work, n) else 1)
