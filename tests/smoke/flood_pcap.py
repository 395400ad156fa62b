#!/usr/bin/python3
"""Packets for flood_test.sh and the check of what came out.
   flood_pcap.py make DIR   writes DIR/in0.pcap
   flood_pcap.py check DIR  reads DIR/out0.pcap and DIR/out1.pcap
ARP and ND not for us (each counted), then reassembly floods: one source
over its bound, 600 spoofed IPv6 and 600 spoofed IPv4 sources, each an
incomplete first fragment; then a real fragmented ping and ping6, which
must be answered, and a fragmented ESP datagram, whose inner packet must
leave p1 decrypted."""
import sys
from scapy.all import (ARP, ICMP, IP, IPv6, Ether, ICMPv6EchoRequest, ICMPv6EchoReply,
                       ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr,
                       IPv6ExtHdrFragment, Raw, UDP, fragment, fragment6, rdpcap, wrpcap)
from scapy.layers.ipsec import ESP, SecurityAssociation

DP0, H0, H9 = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:09"
PAYLOAD = bytes((i * 7 + 1) & 0xff for i in range(1200))
ESP_INNER = bytes((i * 13 + 5) & 0xff for i in range(1000))


def e(dst=DP0, src=H0):
    return Ether(src=src, dst=dst)


def make(d):
    p = []
    # ARP: 100 requests for others, 50 replies between others, then ours
    for i in range(100):
        p.append(e("ff:ff:ff:ff:ff:ff", H9) / ARP(op=1, hwsrc=H9, psrc="10.0.0.9",
                                                  pdst="10.0.0.%d" % (100 + i)))
    for i in range(50):
        p.append(e(DP0, H9) / ARP(op=2, hwsrc=H9, psrc="10.0.0.9", hwdst="02:00:00:00:00:03",
                                  pdst="10.0.0.3"))
    p.append(e("ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=H0, psrc="10.0.0.2", pdst="10.0.0.1"))
    p.append(e() / ARP(op=2, hwsrc=H0, psrc="10.0.0.2", hwdst=DP0, pdst="10.0.0.1"))
    # ND: 100 NS for other targets, 20 NA about a host we do not track, then one we do
    for i in range(100):
        p.append(e() / IPv6(src="2001:db8::2", dst="2001:db8::1", hlim=255) /
                 ICMPv6ND_NS(tgt="2001:db8::%x" % (0x100 + i)) / ICMPv6NDOptSrcLLAddr(lladdr=H0))
    for i in range(20):
        p.append(e(DP0, H9) / IPv6(src="2001:db8::77", dst="2001:db8::1", hlim=255) /
                 ICMPv6ND_NA(tgt="2001:db8::77", R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=H9))
    p.append(e() / IPv6(src="2001:db8::2", dst="2001:db8::1", hlim=255) /
             ICMPv6ND_NA(tgt="2001:db8::2", R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=H0))
    # reassembly: 40 datagrams from one source (32 held, 8 refused)
    for i in range(40):
        p.append(e() / IP(src="10.0.0.7", dst="10.0.0.1", id=100 + i, flags="MF") /
                 Raw(b"s" * 64))
    # 600 spoofed IPv6 sources, 600 spoofed IPv4 sources
    for i in range(600):
        p.append(e() / IPv6(src="2001:db8:ff::%x" % (i + 1), dst="2001:db8::1") /
                 IPv6ExtHdrFragment(nh=58, offset=0, m=1, id=i) / Raw(b"6" * 64))
    for i in range(600):
        p.append(e() / IP(src="10.200.%d.%d" % (i // 250, i % 250 + 1), dst="10.0.0.1", id=i,
                          flags="MF", proto=1) / Raw(b"4" * 64))
    # the real ones, right after
    ping4 = IP(src="10.0.0.2", dst="10.0.0.1", id=4242) / ICMP(id=42, seq=1) / Raw(PAYLOAD)
    for f in fragment(ping4, fragsize=400):
        p.append(e() / f)
    ping6 = (IPv6(src="2001:db8::2", dst="2001:db8::1") / IPv6ExtHdrFragment(id=4343) /
             ICMPv6EchoRequest(id=43, seq=1) / Raw(PAYLOAD))
    frags = fragment(ping4, fragsize=400) + fragment6(ping6, 500)
    for f in frags[len(fragment(ping4, fragsize=400)):]:
        p.append(e() / f)
    # and a tunnel-mode ESP datagram in three fragments: reassembled,
    # decrypted, its inner packet forwarded out of p1
    esp = sa().encrypt(IP(src="192.168.1.10", dst="10.1.0.2") / UDP(sport=4500, dport=9) /
                       Raw(ESP_INNER))
    esp.id = 4444
    efrags = fragment(esp, fragsize=400)
    for f in efrags:
        p.append(e() / f)
    frags += efrags
    wrpcap(d + "/in0.pcap", p, linktype=1)
    with open(d + "/real_fragments", "w") as f:
        print(len(frags), file=f)


def sa():
    """The policy's inbound SA: AES-GCM-128, 10.0.0.2 -> 10.0.0.1 tunnel."""
    return SecurityAssociation(ESP, spi=0x4001, crypt_algo="AES-GCM",
                               crypt_key=bytes(range(16)) + bytes.fromhex("a0a1a2a3"),
                               tunnel_header=IP(src="10.0.0.2", dst="10.0.0.1"))


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(d):
    out0 = rdpcap(d + "/out0.pcap")
    arp = [p for p in out0 if ARP in p and p[ARP].op == 2]
    if len(arp) != 1 or arp[0][ARP].pdst != "10.0.0.2" or arp[0][ARP].psrc != "10.0.0.1":
        fail("ARP replies: %s" % [p.summary() for p in arp])
    ip4 = [p for p in out0 if IP in p]
    if len(ip4) != 1 or ICMP not in ip4[0] or ip4[0][ICMP].type != 0 or \
            ip4[0][ICMP].id != 42 or bytes(ip4[0][ICMP].payload) != PAYLOAD:
        fail("the fragmented ping was not answered: %s" % [p.summary() for p in ip4])
    six = [p for p in out0 if IPv6 in p]
    na = [p for p in six if ICMPv6ND_NA in p]
    rep = [p for p in six if ICMPv6EchoReply in p]
    if len(na) != 0 or len(rep) != 1 or len(six) != 1:
        fail("IPv6 out: %s" % [p.summary() for p in six])
    if rep[0][ICMPv6EchoReply].id != 43 or bytes(rep[0][ICMPv6EchoReply].data) != PAYLOAD:
        fail("the fragmented ping6 was not answered: %s" % rep[0].summary())
    print("out0: 1 ARP reply, echo replies to the fragmented ping and ping6")
    out1 = [p for p in rdpcap(d + "/out1.pcap") if IP in p]
    if len(out1) != 1 or UDP not in out1[0] or out1[0][IP].src != "192.168.1.10" or \
            bytes(out1[0][UDP].payload) != ESP_INNER:
        fail("the fragmented ESP datagram's inner packet: %s" % [p.summary() for p in out1])
    print("out1: the inner packet of the fragmented ESP datagram, decrypted")


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
