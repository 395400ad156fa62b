#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fragments, reassembly and multi-segment packets through nfvpn-dataplane.

  make WORK   writes policy.yaml, in0.pcap (peer side) and in1.pcap (LAN)
  check WORK  checks out0.pcap and out1.pcap with scapy

   LAN 10.0.0.5   p1 (MTU 9000) [nfvpn-dataplane] p0 (MTU 1500)   peer 192.0.2.2

1. tunnel in: scapy encrypts a 3028-byte inner packet (AES-GCM-128, 4-in-4)
   and fragments the ESP packet after encryption, as Linux does; the
   dataplane reassembles it, decrypts it and forwards the inner packet to
   the LAN in one 9000-MTU frame.
2. tunnel out, jumbo: the LAN sends a 4028-byte packet without DF (a chain
   of mbufs on rx); it is fragmented before encryption, each fragment its
   own ESP packet, which scapy decrypts and reassembles.
3. transport, IPv4 (AES-CBC-256 + HMAC-SHA-256): a 3028-byte ESP echo
   request in fragments; the reply is as big, so the dataplane encrypts it
   whole and fragments the ESP packet (RFC 4303 3.3.4); scapy reassembles
   and decrypts it.
4. transport, IPv6 (AES-GCM-256): a 1048-byte ESP echo request sent as two
   IPv6 fragments; reassembled, decrypted and answered in ESP.
5. a plain 3028-byte echo request from the LAN in three fragments: the
   reply is one 3028-byte frame (reassembled chain in, chain out).
6. a lone first fragment (held until shutdown) and a datagram of eleven
   fragments, more than a datagram may have: dropped as ip-reass-failed.
7. forwarding, no IPsec: a 3028-byte packet without DF from the LAN to the
   peer leaves p0 in three fragments (RFC 1812 5.2.6); with DF it is
   answered with ICMP "fragmentation needed", MTU 1500.
"""
import sys

from scapy.all import (Ether, IP, IPv6, UDP, ICMP, Raw, rdpcap, wrpcap, fragment,
                       defragment)
from scapy.layers.inet6 import (ICMPv6EchoRequest, ICMPv6EchoReply, IPv6ExtHdrFragment,
                                fragment6)
from scapy.layers.ipsec import ESP, SecurityAssociation

DP0, PEER = "02:00:00:00:00:01", "02:00:00:00:00:02"
DP1, LAN = "02:00:00:00:01:01", "02:00:00:00:01:02"
PEER4, DP4, X4 = "192.0.2.2", "192.0.2.1", "192.0.2.10"
PEER6, X6 = "2001:db8:ff::2", "2001:db8:ff::10"
LANH, FAR = "10.0.0.5", "10.200.0.9"


def key(n, seed):
    return bytes((seed * 31 + i * 7 + 1) & 0xff for i in range(n))


# name, spi, mode, algorithm, policy keys, scapy SA arguments
GCM_K, GCM_S = key(16, 1), key(4, 2)
CBC_K, CBC_A = key(32, 3), key(32, 4)
G256_K, G256_S = key(32, 5), key(4, 6)


def sa_tunnel(spi, src, dst):
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=GCM_K + GCM_S,
                               tunnel_header=IP(src=src, dst=dst))


def sa_x4(spi):
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-CBC", crypt_key=CBC_K,
                               auth_algo="SHA2-256-128", auth_key=CBC_A)


def sa_x6(spi):
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=G256_K + G256_S)


def policy(work):
    gcm = 'algorithm: aes-gcm-128, key: "%s", salt: "%s"' % (GCM_K.hex(), GCM_S.hex())
    cbc = 'algorithm: aes-cbc-256, key: "%s", auth: hmac-sha256-128, auth_key: "%s"' % (
        CBC_K.hex(), CBC_A.hex())
    g256 = 'algorithm: aes-gcm-256, key: "%s", salt: "%s"' % (G256_K.hex(), G256_S.hex())
    return "\n".join([
        "ports:",
        '  - { name: p0, device: "net_pcap_f0,rx_pcap=%s/in0.pcap,tx_pcap=%s/out0.pcap", '
        'mac: "%s", exception: false }' % (work, work, DP0),
        '  - { name: p1, device: "net_pcap_f1,rx_pcap=%s/in1.pcap,tx_pcap=%s/out1.pcap", '
        'mac: "%s", mtu: 9000, exception: false }' % (work, work, DP1),
        "addresses:",
        "  - { port: p0, address: 192.0.2.1/24 }",
        "  - { port: p0, address: 192.0.2.10/24 }",
        '  - { port: p0, address: "2001:db8:ff::1/64" }',
        '  - { port: p0, address: "2001:db8:ff::10/64" }',
        "  - { port: p1, address: 10.0.0.1/24 }",
        "routes:",
        "  - { dst: 10.200.0.0/16, via: 192.0.2.2 }",
        "neighbours:",
        '  - { port: p0, address: 192.0.2.2, mac: "%s" }' % PEER,
        '  - { port: p0, address: "2001:db8:ff::2", mac: "%s" }' % PEER,
        '  - { port: p1, address: 10.0.0.5, mac: "%s" }' % LAN,
        "ipsec:",
        "  sas:",
        "    - { name: tin, spi: 0x501, direction: in, src: %s, dst: %s, %s }" % (PEER4, DP4, gcm),
        "    - { name: tout, spi: 0x502, direction: out, src: %s, dst: %s, %s }" % (DP4, PEER4, gcm),
        "    - { name: xin4, spi: 0x503, direction: in, mode: transport, src: %s, dst: %s, %s }"
        % (PEER4, X4, cbc),
        "    - { name: xout4, spi: 0x504, direction: out, mode: transport, src: %s, dst: %s, %s }"
        % (X4, PEER4, cbc),
        '    - { name: xin6, spi: 0x505, direction: in, mode: transport, src: "%s", dst: "%s", %s }'
        % (PEER6, X6, g256),
        '    - { name: xout6, spi: 0x506, direction: out, mode: transport, src: "%s", dst: "%s", %s }'
        % (X6, PEER6, g256),
        "  policies:",
        "    - { name: to, direction: out, src: 10.0.0.0/24, dst: 10.200.0.0/16, action: protect, sa: tout }",
        "    - { name: ti, direction: in, src: 10.200.0.0/16, dst: 10.0.0.0/24, action: protect, sa: tin }",
        "    - { name: xo4, direction: out, src: 192.0.2.10/32, dst: 192.0.2.2/32, proto: icmp, "
        "action: protect, sa: xout4 }",
        '    - { name: xo6, direction: out, src: "2001:db8:ff::10/128", dst: "2001:db8:ff::2/128", '
        "proto: icmpv6, action: protect, sa: xout6 }",
        ""])


def rebuilt(p):
    return p.__class__(bytes(p))


def tunnel_inner():
    return rebuilt(IP(src=FAR, dst=LANH, ttl=64, id=11) / UDP(sport=7, dport=7) / Raw(b"t" * 3000))


def jumbo():
    return rebuilt(IP(src=LANH, dst=FAR, ttl=64, id=12) / UDP(sport=8, dport=8) / Raw(b"j" * 4000))


def echo4():
    return rebuilt(IP(src=PEER4, dst=X4, ttl=64, id=13) / ICMP(type=8, id=4, seq=1) / Raw(b"x" * 3000))


def echo6():
    return rebuilt(IPv6(src=PEER6, dst=X6, hlim=64) / ICMPv6EchoRequest(id=6, seq=1, data=b"y" * 1000))


def plain_echo():
    return rebuilt(IP(src=LANH, dst="10.0.0.1", ttl=64, id=14) / ICMP(type=8, id=5, seq=1) /
                   Raw(b"p" * 3000))


def plain_fwd(df):
    return rebuilt(IP(src=LANH, dst=PEER4, ttl=64, id=17 + df, flags="DF" if df else 0) /
                   UDP(sport=10, dport=10) / Raw(b"f" * 3000))


def eth(dst, src, ip):
    return Ether(dst=dst, src=src, type=0x800 if ip.version == 4 else 0x86dd) / ip


def make(work):
    with open(work + "/policy.yaml", "w") as f:
        f.write(policy(work))
    in0 = []
    # 1. tunnel: ESP fragmented after encryption
    esp = sa_tunnel(0x501, PEER4, DP4).encrypt(tunnel_inner(), seq_num=1)
    in0 += fragment(rebuilt(esp), fragsize=1400)
    # 3. transport IPv4
    esp = rebuilt(sa_x4(0x503).encrypt(echo4(), seq_num=1))
    in0 += fragment(esp, fragsize=1400)
    # 4. transport IPv6 in two fragments
    esp = rebuilt(sa_x6(0x505).encrypt(echo6(), seq_num=1))
    in0 += fragment6(IPv6(src=PEER6, dst=X6, hlim=64) / IPv6ExtHdrFragment(nh=50, id=66) /
                     Raw(bytes(esp)[40:]), 700)
    in1 = [jumbo()]
    in1 += fragment(plain_echo(), fragsize=1400)
    # 6. one lone first fragment, then eleven fragments of one datagram
    lone = rebuilt(IP(src=LANH, dst="10.0.0.1", id=15) / UDP(sport=9, dport=9) / Raw(b"l" * 2000))
    in1.append(fragment(lone, fragsize=1000)[0])
    many = rebuilt(IP(src=LANH, dst="10.0.0.1", id=16) / UDP(sport=9, dport=9) / Raw(b"m" * 992))
    in1 += fragment(many, fragsize=100)
    in1 += [plain_fwd(False), plain_fwd(True)]
    wrpcap(work + "/in0.pcap", [eth(DP0, PEER, p) for p in in0])
    wrpcap(work + "/in1.pcap", [eth(DP1, LAN, p) for p in in1])
    print("in0: %d frames, in1: %d frames" % (len(in0), len(in1)))


def forwarded(pkt):
    p = IP(bytes(pkt))
    p.ttl -= 1
    del p.chksum
    return bytes(rebuilt(p))


def check(work):
    out0 = [f.payload for f in rdpcap(work + "/out0.pcap")]
    out1 = [bytes(f.payload) for f in rdpcap(work + "/out1.pcap")]
    fails = []
    # 1. the inner packet, whole, on the LAN
    want = forwarded(tunnel_inner())
    if want not in out1:
        fails.append("1: the 3028-byte inner packet did not reach the LAN whole (%s)" %
                     [len(b) for b in out1])
    # 2. ESP packets of SPI 0x502: each a fragment of the jumbo packet
    sa = sa_tunnel(0x502, DP4, PEER4)
    frags = [sa.decrypt(IP(bytes(p))) for p in out0
             if p.version == 4 and p.proto == 50 and p.frag == 0 and p.flags.MF == 0
             and IP(bytes(p))[ESP].spi == 0x502]
    if len(frags) < 3 or any(len(IP(bytes(p))) > 1500 for p in out0 if p.version == 4):
        fails.append("2: %d ESP fragments of the jumbo packet, or one above 1500 bytes" % len(frags))
    elif bytes(defragment(frags)[0]) != forwarded(jumbo()):
        fails.append("2: the decrypted fragments do not rebuild the jumbo packet")
    # 3. the transport reply: IPv4 fragments of one ESP packet
    pieces = [IP(bytes(p)) for p in out0
              if p.version == 4 and p.proto == 50 and (p.flags.MF or p.frag)]
    if len(pieces) != 3 or any(len(p) > 1500 for p in pieces):
        fails.append("3: %d fragments of the ESP reply, expected 3 of at most 1500 bytes" % len(pieces))
    else:
        whole = rebuilt(defragment(pieces)[0])
        try:
            reply = sa_x4(0x504).decrypt(whole)
            if not (reply.haslayer(ICMP) and reply[ICMP].type == 0 and
                    bytes(reply[ICMP].payload) == b"x" * 3000 and reply.dst == PEER4):
                fails.append("3: the decrypted reply is not the echo reply: %r" % reply.summary())
        except Exception as e:  # noqa: BLE001
            fails.append("3: scapy cannot decrypt the reassembled reply: %s" % e)
    # 4. the IPv6 reply, one ESP packet
    v6 = [IPv6(bytes(p)) for p in out0 if p.version == 6]
    if len(v6) != 1:
        fails.append("4: %d IPv6 packets from p0, expected 1" % len(v6))
    else:
        reply = sa_x6(0x506).decrypt(v6[0])
        if not (reply.haslayer(ICMPv6EchoReply) and reply[ICMPv6EchoReply].data == b"y" * 1000):
            fails.append("4: not the IPv6 echo reply: %r" % reply.summary())
    # 5. the plain echo reply, one frame
    replies = [IP(b) for b in out1 if IP(b).haslayer(ICMP) and IP(b)[ICMP].type == 0]
    if len(replies) != 1 or bytes(replies[0][ICMP].payload) != b"p" * 3000 or replies[0].flags.MF:
        fails.append("5: no whole 3028-byte echo reply on the LAN (%d)" % len(replies))
    # 7. plain forwarding: fragments on p0, an ICMP error for the DF one
    plain = [IP(bytes(p)) for p in out0 if p.version == 4 and p.proto == 17]
    if len(plain) != 3 or any(len(p) > 1500 for p in plain):
        fails.append("7: %d fragments of the forwarded packet, expected 3" % len(plain))
    elif bytes(rebuilt(defragment(plain)[0])) != forwarded(plain_fwd(False)):
        fails.append("7: the fragments do not rebuild the forwarded packet")
    errs = [IP(b) for b in out1 if IP(b).haslayer(ICMP) and IP(b)[ICMP].type == 3]
    if len(errs) != 1 or errs[0][ICMP].code != 4 or errs[0][ICMP].nexthopmtu != 1500:
        fails.append("7: no ICMP fragmentation needed (MTU 1500) for the DF packet")
    if len(out1) != 3:
        fails.append("the LAN got %d frames, expected 3" % len(out1))
    for f in fails:
        print("FAIL " + f)
    print("esp_frag: out0 %d frames, out1 %d frames, %d failures" % (len(out0), len(out1), len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
