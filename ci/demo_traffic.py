#!/usr/bin/python3
"""Writes the demo's traffic: forwarded UDP flows (IPv4 and IPv6), pings to
the dataplane, UDP to its local address (for the kernel) and malformed
packets. Usage: demo_traffic.py OUT.pcap EMPTY.pcap"""
import sys
from scapy.all import Ether, IP, IPv6, UDP, ICMP, ICMPv6EchoRequest, Raw, wrpcap

SRC_MAC, DP_MAC = "02:00:00:00:00:02", "02:00:00:00:00:01"


def eth():
    return Ether(src=SRC_MAC, dst=DP_MAC)


pkts = []
for i in range(56):
    pkts.append(eth() / IP(src="10.0.0.2", dst="192.168.%d.%d" % (i // 8, i % 8 + 1)) /
                UDP(sport=10000 + i, dport=5000) / Raw(b"\0" * 18))
for i in range(4):
    pkts.append(eth() / IPv6(src="2001:db8::2", dst="2001:db8:100::%x" % (i + 1)) /
                UDP(sport=20000 + i, dport=5000))
pkts.append(eth() / IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(id=7, seq=1) / Raw(b"demo"))
pkts.append(eth() / IP(src="10.0.0.2", dst="10.0.0.1") / UDP(sport=4000, dport=7777) / Raw(b"hi"))
pkts.append(eth() / IP(src="10.0.0.2", dst="192.168.0.1", ttl=1) / UDP(dport=5000))
pkts.append(eth() / IP(src="10.0.0.2", dst="192.168.0.1", chksum=0xdead) / UDP(dport=5000))
wrpcap(sys.argv[1], pkts)
# an rx file for the sink port: one packet not for us, dropped at L2
wrpcap(sys.argv[2], [Ether(src=SRC_MAC, dst="02:00:00:00:09:09") / IP() / UDP()])
