#!/usr/bin/python3
"""Packets for forward_test.sh and the checks of what came out.
   forward_pcap.py make DIR   writes DIR/in0.pcap
   forward_pcap.py check DIR  reads DIR/out0.pcap and DIR/out1.pcap"""
import os
import sys
from scapy.all import (ARP, Dot1Q, ICMP, IP, IPv6, UDP, Ether, ICMPv6EchoRequest,
                       ICMPv6EchoReply, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr,
                       ICMPv6NDOptDstLLAddr, ICMPv6TimeExceeded, Raw, raw, rdpcap, wrpcap)

DP0, DP1 = "02:00:00:00:00:01", "02:00:00:00:01:01"
H0, H1 = "02:00:00:00:00:02", "02:00:00:00:01:02"
N_FWD4, N_FWD6 = 12, 6
ID_SEED = 0x5eed	# forward_test.sh's --test-id-seed
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipid_model  # noqa: E402


def e(dst=DP0, type=None):
    return Ether(src=H0, dst=dst) if type is None else Ether(src=H0, dst=dst, type=type)


def make(d):
    p = []
    for i in range(N_FWD4):
        p.append(e() / IP(src="10.0.0.2", dst="192.168.1.%d" % (i + 1), ttl=64 - i, id=i) /
                 UDP(sport=1000 + i, dport=2000) / Raw(b"fwd%02d" % i))
    for i in range(N_FWD6):
        p.append(e() / IPv6(src="2001:db8::2", dst="2001:db8:100::%x" % (i + 1), hlim=30) /
                 UDP(sport=3000 + i, dport=4000) / Raw(b"six%02d" % i))
    p.append(e("ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=H0, psrc="10.0.0.2", pdst="10.0.0.1"))
    p.append(e("33:33:ff:00:00:01") / IPv6(src="2001:db8::2", dst="ff02::1:ff00:1", hlim=255) /
             ICMPv6ND_NS(tgt="2001:db8::1") / ICMPv6NDOptSrcLLAddr(lladdr=H0))
    p.append(e() / IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(id=9, seq=3) / Raw(b"ping4"))
    p.append(e() / IPv6(src="2001:db8::2", dst="2001:db8::1") / ICMPv6EchoRequest(id=9, seq=4) /
             Raw(b"ping6"))
    p.append(e() / IP(src="10.0.0.2", dst="192.168.1.1", ttl=1) / UDP(dport=2000) / Raw(b"ttl"))
    p.append(e() / IPv6(src="2001:db8::2", dst="2001:db8:100::1", hlim=1) / UDP() / Raw(b"hl"))
    # 802.1Q: VLAN 100 has an address, VLAN 200 has none
    p.append(e() / Dot1Q(vlan=100) / IP(src="10.5.0.2", dst="10.5.0.1") / ICMP(id=5) / Raw(b"vlan"))
    p.append(e() / Dot1Q(vlan=100) / IP(src="10.5.0.2", dst="192.168.1.77", ttl=9) /
             UDP(sport=2000, dport=2000) /
             Raw(b"fromvlan"))
    p.append(e() / Dot1Q(vlan=200) / IP(src="10.5.0.2", dst="10.5.0.1") / ICMP())  # vlan-unknown
    # malformed, one per reason
    p.append(Raw(raw(e())[:10]))                                                   # eth-short
    good = raw(IP(src="10.0.0.2", dst="192.168.1.1") / UDP() / Raw(b"x" * 8))
    p.append(e(type=0x800) / Raw(bytes([0x44]) + good[1:]))                             # ip4-bad-ihl
    p.append(e(type=0x800) / Raw(good[:2] + (200).to_bytes(2, "big") + good[4:]))       # ip4-bad-total-length
    p.append(e() / IP(src="10.0.0.2", dst="192.168.1.1", chksum=0x1234) / UDP())  # ip4-bad-checksum
    p.append(e(type=0x800) / Raw(raw(IP(src="10.0.0.2", dst="192.168.1.1"))[:12]))     # ip4-short
    six = raw(IPv6(src="2001:db8::2", dst="2001:db8:100::1") / UDP() / Raw(b"y" * 8))
    p.append(e(type=0x86dd) / Raw(six[:4] + (100).to_bytes(2, "big") + six[6:]))          # ip6-bad-payload-length
    p.append(Ether(src=H0, dst=DP0, type=0x88b5) / Raw(b"z" * 40))            # eth-unknown-type
    p.append(Ether(src=H0, dst="02:00:00:00:09:09") / IP(dst="10.0.0.1") / UDP())  # eth-not-for-us
    wrpcap(d + "/in0.pcap", p, linktype=1)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(d):
    out0, out1 = rdpcap(d + "/out0.pcap"), rdpcap(d + "/out1.pcap")
    # p1: exactly the forwarded packets, in order, rewritten
    fwd4 = [p for p in out1 if IP in p]
    fwd6 = [p for p in out1 if IPv6 in p]
    vl = [p for p in out1 if IP in p and p[IP].dst == "192.168.1.77"]
    if len(vl) != 1 or Dot1Q in vl[0] or vl[0][IP].ttl != 8:
        fail("the packet from VLAN 100 was not forwarded untagged: %s" % [p.summary() for p in vl])
    out1 = [p for p in out1 if p not in vl]
    fwd4 = [p for p in out1 if IP in p]
    if len(out1) != N_FWD4 + N_FWD6:
        fail("p1 sent %d packets, expected %d: %s" % (len(out1), N_FWD4 + N_FWD6,
             [p.summary() for p in out1]))
    for i, p in enumerate(fwd4):
        if p[Ether].src != DP1 or p[Ether].dst != H1:
            fail("MACs of forwarded packet %d: %s" % (i, p[Ether].summary()))
        if p[IP].ttl != 63 - i or p[IP].id != i or bytes(p[Raw]) != b"fwd%02d" % i:
            fail("forwarded packet %d: ttl %d" % (i, p[IP].ttl))
        cs = p[IP].chksum
        del p[IP].chksum
        if IP(raw(p[IP]))[IP].chksum != cs:
            fail("IPv4 checksum of forwarded packet %d" % i)
        u = p[UDP].chksum
        del p[UDP].chksum
        if IP(raw(p[IP]))[UDP].chksum != u:
            fail("UDP checksum of forwarded packet %d" % i)
    for i, p in enumerate(fwd6):
        if p[IPv6].hlim != 29 or p[Ether].dst != H1 or bytes(p[Raw]) != b"six%02d" % i:
            fail("forwarded IPv6 packet %d: %s" % (i, p.summary()))
    # p0: ARP reply, NA, two echo replies, two time-exceeded; nothing else
    kinds = []
    for p in out0:
        if p[Ether].src != DP0:
            fail("p0 source MAC %s" % p[Ether].src)
        if ARP in p:
            if p[ARP].op != 2 or p[ARP].hwsrc != DP0 or p[ARP].psrc != "10.0.0.1" or p[Ether].dst != H0:
                fail("ARP reply %s" % p.summary())
            kinds.append("arp")
        elif ICMPv6ND_NA in p:
            if p[ICMPv6ND_NA].tgt != "2001:db8::1" or p[ICMPv6NDOptDstLLAddr].lladdr != DP0 or \
               p[IPv6].dst != "2001:db8::2" or p[IPv6].hlim != 255:
                fail("NA %s" % p.show(dump=True))
            kinds.append("na")
        elif ICMP in p and p[ICMP].type == 0 and Dot1Q in p:
            if p[Dot1Q].vlan != 100 or p[IP].src != "10.5.0.1" or bytes(p[Raw]) != b"vlan":
                fail("echo reply on VLAN 100: %s" % p.summary())
            kinds.append("echo4-vlan")
        elif ICMP in p and p[ICMP].type == 0:
            if p[IP].src != "10.0.0.1" or bytes(p[Raw]) != b"ping4" or p[ICMP].id != 9:
                fail("echo reply %s" % p.summary())
            kinds.append("echo4")
        elif ICMPv6EchoReply in p:
            if p[IPv6].src != "2001:db8::1" or bytes(p[ICMPv6EchoReply].data) != b"ping6":
                fail("echo6 reply %s" % p.summary())
            c = p[ICMPv6EchoReply].cksum
            del p[ICMPv6EchoReply].cksum
            if IPv6(raw(p[IPv6]))[ICMPv6EchoReply].cksum != c:
                fail("ICMPv6 checksum of the echo reply")
            kinds.append("echo6")
        elif ICMP in p and p[ICMP].type == 11:
            if p[IP].src != "10.0.0.1" or p[IP].dst != "10.0.0.2":
                fail("time exceeded %s" % p.summary())
            # the ID the fixed secret gives (nfv_ipid.h), no DF
            want = ipid_model.first_id4(ID_SEED, p[IP].src, p[IP].dst, 1)
            if p[IP].id != want or p[IP].flags != 0:
                fail("time exceeded: ID %#x flags %s, the seed gives %#x" %
                     (p[IP].id, p[IP].flags, want))
            kinds.append("te4")
        elif ICMPv6TimeExceeded in p:
            want = ipid_model.flowlabel6(ID_SEED, p[IPv6].src, p[IPv6].dst, 3)
            if p[IPv6].fl != want:
                fail("ICMPv6 time exceeded: flow label %#x, the seed gives %#x" %
                     (p[IPv6].fl, want))
            kinds.append("te6")
        else:
            fail("unexpected packet on p0: %s" % p.summary())
    if sorted(kinds) != sorted(["arp", "na", "echo4", "echo4-vlan", "echo6", "te4", "te6"]):
        fail("p0 sent %s" % kinds)
    print("forward_pcap: %d forwarded, p0 %s" % (len(out1), sorted(kinds)))


{"make": make, "check": check}[sys.argv[1]](sys.argv[2])
