#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Reference packets for the dataplane/datapath/proto unit tests, made with scapy.

Run once and commit the output; the tests never call scapy:
    /usr/bin/python3 gen_vectors.py > proto_vectors.h
Addresses: 192.0.2.0/24 and 2001:db8::/32 are ours, peers live in
198.51.100.0/24 and 2001:db8:1::/48 (documentation prefixes).
"""
import sys

from scapy.all import (ARP, ICMP, IP, UDP, Dot1Q, Ether, ICMPv6DestUnreach,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA,
                       ICMPv6ND_NS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr,
                       ICMPv6PacketTooBig, ICMPv6TimeExceeded, IPOption_NOP,
                       IPOption_RR, IPv6, IPv6ExtHdrFragment, Raw, TCP)
from scapy.layers.inet6 import in6_chksum

OUR_MAC = "02:00:00:00:00:01"
PEER_MAC = "02:00:00:00:00:02"
OUR_IP = "192.0.2.1"
PEER_IP = "198.51.100.7"
OUR_IP6 = "2001:db8::1"
PEER_IP6 = "2001:db8:1::7"
PAYLOAD = bytes(range(56))

vectors = []


def add(name, pkt, comment):
    vectors.append((name, bytes(pkt), comment))


# --- Ethernet -------------------------------------------------------------
inner = IP(src=PEER_IP, dst=OUR_IP, id=1) / UDP(sport=1000, dport=2000) / PAYLOAD
add("eth_plain", Ether(dst=OUR_MAC, src=PEER_MAC) / inner, "untagged IPv4/UDP")
add("eth_vlan", Ether(dst=OUR_MAC, src=PEER_MAC) / Dot1Q(vlan=100) / inner,
    "802.1Q VID 100, priority 0, IPv4/UDP")
add("eth_l3", inner, "the L3 packet inside eth_plain and eth_vlan")

# --- IPv4 / IPv6 bases for the malformed-header cases ----------------------
add("ip4_udp", IP(src=PEER_IP, dst="203.0.113.9", ttl=17, id=0x4242) /
    UDP(sport=1234, dport=53) / PAYLOAD, "valid IPv4/UDP to forward")
add("ip4_opts", IP(src=PEER_IP, dst="203.0.113.9", ttl=17,
                   options=[IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()]) /
    UDP(sport=1234, dport=53) / PAYLOAD, "valid IPv4 with 4 bytes of options (IHL 6)")
add("ip6_udp", IPv6(src=PEER_IP6, dst="2001:db8:2::9", hlim=17) /
    UDP(sport=1234, dport=53) / PAYLOAD, "valid IPv6/UDP to forward")

# --- ICMP echo -------------------------------------------------------------
req = IP(src=PEER_IP, dst=OUR_IP, id=0x1234, ttl=57, flags="DF") / \
    ICMP(type=8, id=0x77, seq=3) / PAYLOAD
add("icmp4_echo_req", req, "echo request to us")
add("icmp4_echo_rep", IP(src=OUR_IP, dst=PEER_IP, id=0x1234, ttl=64, flags=0) /
    ICMP(type=0, id=0x77, seq=3) / PAYLOAD, "our reply: TTL 64, no DF, same ID")
add("icmp4_echo_req_opts", IP(src=PEER_IP, dst=OUR_IP, id=0x1235, ttl=57,
                              options=[IPOption_RR(routers=["10.0.0.1"])]) /
    ICMP(type=8, id=0x78, seq=4) / PAYLOAD, "echo request with record route")
add("icmp4_echo_rep_opts", IP(src=OUR_IP, dst=PEER_IP, id=0x1235, ttl=64) /
    ICMP(type=0, id=0x78, seq=4) / PAYLOAD, "its reply: options removed")
add("icmp4_echo_req_bcast", IP(src=PEER_IP, dst="192.0.2.255", id=9, ttl=3) /
    ICMP(type=8, id=0x79, seq=5) / PAYLOAD, "echo request to our subnet broadcast")
add("icmp4_echo_rep_bcast", IP(src=OUR_IP, dst=PEER_IP, id=9, ttl=64) /
    ICMP(type=0, id=0x79, seq=5) / PAYLOAD, "its reply from our address")

add("icmp6_echo_req", IPv6(src=PEER_IP6, dst=OUR_IP6, hlim=50, fl=0x12345) /
    ICMPv6EchoRequest(id=0x77, seq=3, data=PAYLOAD), "ICMPv6 echo request to us")
add("icmp6_echo_rep", IPv6(src=OUR_IP6, dst=PEER_IP6, hlim=64, fl=0x12345) /
    ICMPv6EchoReply(id=0x77, seq=3, data=PAYLOAD), "our reply: hop limit 64")
add("icmp6_echo_req_mc", IPv6(src="fe80::7", dst="ff02::1", hlim=1) /
    ICMPv6EchoRequest(id=1, seq=1, data=PAYLOAD[:8]), "ICMPv6 echo request to all-nodes")
add("icmp6_echo_rep_mc", IPv6(src="fe80::1", dst="fe80::7", hlim=64) /
    ICMPv6EchoReply(id=1, seq=1, data=PAYLOAD[:8]), "its reply from fe80::1")

# --- ICMP errors -----------------------------------------------------------
# as Linux sends them: no DF; the ID is the sender's counter (the test sets 0x4e00)
ROUTER = "203.0.113.1"
orig = IP(src=PEER_IP, dst="203.0.113.9", ttl=1, id=0x99) / UDP(sport=5, dport=33434) / PAYLOAD
add("err4_orig", orig, "a UDP packet whose TTL expires")
add("err4_time", IP(src=ROUTER, dst=PEER_IP, tos=0xc0, id=0x4e00, flags=0, ttl=64) /
    ICMP(type=11, code=0) / Raw(bytes(orig)), "time exceeded, whole packet quoted")
add("err4_port", IP(src=ROUTER, dst=PEER_IP, tos=0xc0, id=0x4e00, flags=0, ttl=64) /
    ICMP(type=3, code=3) / Raw(bytes(orig)), "port unreachable")
big = IP(src=PEER_IP, dst="203.0.113.9", ttl=60, flags="DF", id=0x100) / \
    TCP(sport=443, dport=40000, flags="A") / bytes(i & 0xff for i in range(1460))
add("err4_big", big, "a 1500-byte DF packet for a 1400-byte link")
add("err4_fragneeded", IP(src=ROUTER, dst=PEER_IP, tos=0xc0, id=0x4e00, flags=0, ttl=64) /
    ICMP(type=3, code=4, nexthopmtu=1400) / Raw(bytes(big)[:576 - 28]),
    "fragmentation needed, MTU 1400, quote cut at 576 bytes")
add("err4_icmp_err", IP(src=PEER_IP, dst="203.0.113.9", ttl=1) / ICMP(type=3, code=1) /
    Raw(bytes(orig)[:28]), "an ICMP error: never answered")
add("err4_icmp_echo", IP(src=PEER_IP, dst="203.0.113.9", ttl=1) / ICMP(type=8) / PAYLOAD,
    "an echo request with TTL 1: answered")
add("err4_frag2", IP(src=PEER_IP, dst="203.0.113.9", ttl=1, frag=10) / PAYLOAD,
    "a later fragment: never answered")
add("err4_mcast", IP(src=PEER_IP, dst="239.1.2.3", ttl=1) / UDP() / PAYLOAD,
    "to a multicast group: never answered")
add("err4_bcast", IP(src=PEER_IP, dst="255.255.255.255", ttl=1) / UDP() / PAYLOAD,
    "to the limited broadcast: never answered")

ROUTER6 = "2001:db8::fe"
orig6 = IPv6(src=PEER_IP6, dst="2001:db8:2::9", hlim=1) / UDP(sport=5, dport=33434) / PAYLOAD
add("err6_orig", orig6, "a UDP packet whose hop limit expires")
add("err6_time", IPv6(src=ROUTER6, dst=PEER_IP6, hlim=64) / ICMPv6TimeExceeded(code=0) /
    Raw(bytes(orig6)), "time exceeded")
add("err6_addr", IPv6(src=ROUTER6, dst=PEER_IP6, hlim=64) / ICMPv6DestUnreach(code=3) /
    Raw(bytes(orig6)), "address unreachable")
big6 = IPv6(src=PEER_IP6, dst="2001:db8:2::9", hlim=60) / \
    TCP(sport=443, dport=40000, flags="A") / bytes(i & 0xff for i in range(1440))
add("err6_big", big6, "a 1500-byte packet for a 1280-byte link")
add("err6_ptb", IPv6(src=ROUTER6, dst=PEER_IP6, hlim=64) / ICMPv6PacketTooBig(mtu=1280) /
    Raw(bytes(big6)[:1280 - 48]), "packet too big, quote cut at 1280 bytes")
add("err6_icmp_err", IPv6(src=PEER_IP6, dst="2001:db8:2::9", hlim=1) /
    ICMPv6DestUnreach(code=0) / Raw(bytes(orig6)[:48]), "an ICMPv6 error: never answered")
add("err6_frag2", IPv6(src=PEER_IP6, dst="2001:db8:2::9", hlim=1) /
    IPv6ExtHdrFragment(nh=17, offset=10, m=1, id=7) / PAYLOAD, "a later fragment")
add("err6_mcast", IPv6(src=PEER_IP6, dst="ff0e::1:2", hlim=1) / UDP() / PAYLOAD,
    "to a multicast group: only packet too big is allowed")
add("err6_ptb_mcast", IPv6(src=ROUTER6, dst=PEER_IP6, hlim=64) / ICMPv6PacketTooBig(mtu=1280) /
    Raw(bytes(IPv6(src=PEER_IP6, dst="ff0e::1:2", hlim=1) / UDP() / PAYLOAD)),
    "packet too big about err6_mcast")

# --- ARP -------------------------------------------------------------------
arp_req = Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) / \
    ARP(op=1, hwsrc=PEER_MAC, psrc="192.0.2.7", hwdst="00:00:00:00:00:00", pdst=OUR_IP)
add("arp_req_in", bytes(arp_req) + bytes(18), "who-has us, padded to 60 bytes")
add("arp_rep_out", Ether(dst=PEER_MAC, src=OUR_MAC) /
    ARP(op=2, hwsrc=OUR_MAC, psrc=OUR_IP, hwdst=PEER_MAC, pdst="192.0.2.7"), "our reply")
add("arp_req_out", Ether(dst="ff:ff:ff:ff:ff:ff", src=OUR_MAC) /
    ARP(op=1, hwsrc=OUR_MAC, psrc=OUR_IP, hwdst="00:00:00:00:00:00", pdst="192.0.2.254"),
    "our request for the next hop 192.0.2.254")
add("arp_garp_out", Ether(dst="ff:ff:ff:ff:ff:ff", src=OUR_MAC) /
    ARP(op=1, hwsrc=OUR_MAC, psrc=OUR_IP, hwdst="00:00:00:00:00:00", pdst=OUR_IP),
    "our gratuitous ARP (announcement)")
add("arp_rep_in", Ether(dst=OUR_MAC, src=PEER_MAC) /
    ARP(op=2, hwsrc=PEER_MAC, psrc="192.0.2.254", hwdst=OUR_MAC, pdst=OUR_IP),
    "a reply to our request")

# --- ND --------------------------------------------------------------------
SN_OUR = "ff02::1:ff00:1"
ns_in = Ether(dst="33:33:ff:00:00:01", src=PEER_MAC) / \
    IPv6(src="2001:db8::7", dst=SN_OUR, hlim=255) / ICMPv6ND_NS(tgt=OUR_IP6) / \
    ICMPv6NDOptSrcLLAddr(lladdr=PEER_MAC)
add("nd_ns_in", ns_in, "NS for us with a source link-layer option")
add("nd_na_out", Ether(dst=PEER_MAC, src=OUR_MAC) /
    IPv6(src=OUR_IP6, dst="2001:db8::7", hlim=255) /
    ICMPv6ND_NA(R=1, S=1, O=1, tgt=OUR_IP6) / ICMPv6NDOptDstLLAddr(lladdr=OUR_MAC),
    "our solicited NA")
add("nd_ns_dad_in", Ether(dst="33:33:ff:00:00:01", src=PEER_MAC) /
    IPv6(src="::", dst=SN_OUR, hlim=255) / ICMPv6ND_NS(tgt=OUR_IP6),
    "DAD probe for our address")
add("nd_na_dad_out", Ether(dst="33:33:00:00:00:01", src=OUR_MAC) /
    IPv6(src=OUR_IP6, dst="ff02::1", hlim=255) /
    ICMPv6ND_NA(R=1, S=0, O=1, tgt=OUR_IP6) / ICMPv6NDOptDstLLAddr(lladdr=OUR_MAC),
    "our NA defending the address, to all-nodes")
add("nd_ns_out", Ether(dst="33:33:ff:00:00:fe", src=OUR_MAC) /
    IPv6(src=OUR_IP6, dst="ff02::1:ff00:fe", hlim=255) /
    ICMPv6ND_NS(tgt="2001:db8::fe") / ICMPv6NDOptSrcLLAddr(lladdr=OUR_MAC),
    "our NS to resolve 2001:db8::fe")
add("nd_na_unsol_out", Ether(dst="33:33:00:00:00:01", src=OUR_MAC) /
    IPv6(src=OUR_IP6, dst="ff02::1", hlim=255) /
    ICMPv6ND_NA(R=0, S=0, O=1, tgt=OUR_IP6) / ICMPv6NDOptDstLLAddr(lladdr=OUR_MAC),
    "our unsolicited NA")
add("nd_na_in", Ether(dst=OUR_MAC, src=PEER_MAC) /
    IPv6(src="2001:db8::fe", dst=OUR_IP6, hlim=255) /
    ICMPv6ND_NA(R=1, S=1, O=0, tgt="2001:db8::fe") / ICMPv6NDOptDstLLAddr(lladdr=PEER_MAC),
    "an NA answering our NS")

add("nd_ns_nud_in", Ether(dst=OUR_MAC, src=PEER_MAC) /
    IPv6(src="2001:db8::7", dst=OUR_IP6, hlim=255) / ICMPv6ND_NS(tgt=OUR_IP6),
    "unicast NS (reachability probe) without a source link-layer option")
add("nd_na_nud_out", Ether(dst=PEER_MAC, src=OUR_MAC) /
    IPv6(src=OUR_IP6, dst="2001:db8::7", hlim=255) /
    ICMPv6ND_NA(R=1, S=1, O=1, tgt=OUR_IP6) / ICMPv6NDOptDstLLAddr(lladdr=OUR_MAC),
    "our NA to it, sent to the frame's source MAC")

# malformed ND, each with a valid checksum unless said otherwise
ND_IP = IPv6(src="2001:db8::7", dst=SN_OUR, hlim=255)
SLL = ICMPv6NDOptSrcLLAddr(lladdr=PEER_MAC)
add("nd_bad_hlim", IPv6(src="2001:db8::7", dst=SN_OUR, hlim=64) /
    ICMPv6ND_NS(tgt=OUR_IP6) / SLL, "NS with hop limit 64")
add("nd_bad_cksum", ND_IP / ICMPv6ND_NS(tgt=OUR_IP6, cksum=0x1234) / SLL, "NS with a bad checksum")
add("nd_bad_code", ND_IP / ICMPv6ND_NS(tgt=OUR_IP6, code=1) / SLL, "NS with code 1")
add("nd_bad_tgt", ND_IP / ICMPv6ND_NS(tgt="ff02::1") / SLL, "NS for a multicast target")
add("nd_bad_optlen", ND_IP / ICMPv6ND_NS(tgt=OUR_IP6) / Raw(b"\x01\x00" + bytes(6)),
    "NS with an option of length 0")
add("nd_bad_optover", ND_IP / ICMPv6ND_NS(tgt=OUR_IP6) / Raw(b"\x01\x02" + bytes(6)),
    "NS with an option running past the packet")
add("nd_bad_dad", IPv6(src="::", dst=SN_OUR, hlim=255) / ICMPv6ND_NS(tgt=OUR_IP6) / SLL,
    "DAD NS with a source link-layer option")
add("nd_bad_dad_dst", IPv6(src="::", dst=OUR_IP6, hlim=255) / ICMPv6ND_NS(tgt=OUR_IP6),
    "DAD NS not sent to a solicited-node address")
short = bytearray(bytes(IPv6() / ICMPv6ND_NS(tgt=OUR_IP6))[40:60])
short[2:4] = in6_chksum(58, IPv6(src="2001:db8::7", dst=SN_OUR), bytes(short)).to_bytes(2, "big")
add("nd_bad_short", IPv6(src="2001:db8::7", dst=SN_OUR, hlim=255, nh=58) / Raw(bytes(short)),
    "NS of 20 bytes (at least 24 needed), valid checksum")
add("nd_bad_na_s", IPv6(src="2001:db8::fe", dst="ff02::1", hlim=255) /
    ICMPv6ND_NA(R=0, S=1, O=1, tgt="2001:db8::fe"), "NA to all-nodes with S set")


def main():
    out = sys.stdout
    out.write("/* SPDX-License-Identifier: BSD-3-Clause */\n")
    out.write("/* Generated by gen_vectors.py (scapy); do not edit. */\n")
    out.write("#ifndef PROTO_VECTORS_H\n#define PROTO_VECTORS_H\n\n#include <stdint.h>\n")
    for name, data, comment in vectors:
        out.write("\n/* %s (%d bytes) */\n" % (comment, len(data)))
        out.write("static const uint8_t %s[] __rte_unused = {\n" % name)
        for i in range(0, len(data), 12):
            out.write("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]) + "\n")
        out.write("};\n")
    out.write("\n#endif\n")


if __name__ == "__main__":
    main()
