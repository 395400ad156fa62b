#!/usr/bin/python3
"""A flood of IKE_SA_INIT-looking datagrams from spoofed sources.

usage: ike_flood.py IFACE DST_MAC DST_IP SECONDS [PPS]

Sends, at PPS frames a second (default: as fast as one raw socket can),
frames to DST_MAC/DST_IP: UDP to
500 (three in four) and to 4500 after a zero non-ESP marker, each an
IKEv2 header with a random initiator SPI, a zero responder SPI, exchange
IKE_SA_INIT, from sources in 198.18.0.0/15 (RFC 2544's benchmarking
block, which no route of the test leads back to). Scapy builds 4096
distinct frames once; the loop only sends them. Prints "sent N in T s".
"""
import random
import socket
import struct
import sys
import time

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether


def ike_sa_init(spii):
    # SPIi, SPIr 0, next payload SA (33), version 2.0, IKE_SA_INIT (34),
    # flags: initiator, message ID 0, length: the header and a stub SA
    body = b"\x00\x00\x00\x08\x00\x00\x00\x00"
    return struct.pack("!8s8sBBBBII", spii, b"\x00" * 8, 33, 0x20, 34, 0x08, 0,
                       28 + len(body)) + body


def main():
    iface, dmac, dip, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    pps = float(sys.argv[5]) if len(sys.argv) > 5 else 0
    rnd = random.Random(15)
    frames = []
    for i in range(4096):
        src = "198.%d.%d.%d" % (18 + rnd.randrange(2), rnd.randrange(256), rnd.randrange(1, 255))
        ike = ike_sa_init(rnd.randbytes(8))
        if i % 4 == 3:
            l4 = UDP(sport=rnd.randrange(1024, 65536), dport=4500) / (b"\x00" * 4 + ike)
        else:
            l4 = UDP(sport=500, dport=500) / ike
        frames.append(bytes(Ether(src="02:00:00:00:fe:01", dst=dmac) /
                            IP(src=src, dst=dip) / l4))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    send = s.send
    n = i = 0
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end:
        for _ in range(256):
            try:
                send(frames[i & 4095])
                n += 1
            except OSError:	# ENOBUFS: the queue is full, go on
                pass
            i += 1
        if pps > 0:
            ahead = start + i / pps - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    t = time.monotonic() - start
    print("sent %d in %.2f s (%.0f/s)" % (n, t, n / t))


if __name__ == "__main__":
    main()
