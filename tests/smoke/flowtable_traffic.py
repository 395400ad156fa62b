#!/usr/bin/python3
"""Traffic of tests/smoke/flowtable_test.sh, sent one frame at a time.

  flowtable_traffic.py send PHASE OUT.json   (in the namespace of a0, b0)
  flowtable_traffic.py compare PLAIN.json OFFLOAD.json

send writes the phase's frames on a0 (host A, 10.0.0.2) and b0 (host B,
10.1.0.2), in an order that makes conntrack see each flow both ways, and
records every frame the dataplane sends on either (by its source MAC).
compare fails unless both runs gave the same frames, byte for byte, in the
same order on each interface.
"""
import json
import sys
import threading
import time

from scapy.all import (AsyncSniffer, Ether, ICMP, IP, IPOption_NOP, IPv6, IPv6ExtHdrDestOpt,
                       Raw, TCP, UDP, conf, sendp)

conf.verb = 0
P0, P1 = "02:00:00:00:00:01", "02:00:00:00:01:01"
AMAC, BMAC = "02:00:00:00:00:02", "02:00:00:00:01:02"
A, B = "10.0.0.2", "10.1.0.2"
A6, B6 = "2001:db8::2", "2001:db8:1::2"


def a2b(l4, **ip):
    return ("a0", Ether(src=AMAC, dst=P0) / IP(src=A, dst=B, **ip) / l4)


def b2a(l4, **ip):
    return ("b0", Ether(src=BMAC, dst=P1) / IP(src=B, dst=A, **ip) / l4)


def udp6(d, n, hlim=64, ext=False):
    src, dst, iface, dmac, smac = ((A6, B6, "a0", P0, AMAC) if d == "ab" else
                                   (B6, A6, "b0", P1, BMAC))
    sport, dport = (6000, 53) if d == "ab" else (53, 6000)
    l3 = IPv6(src=src, dst=dst, hlim=hlim)
    if ext:			# an extension header: the slow path's
        l3 = l3 / IPv6ExtHdrDestOpt()
    return (iface, Ether(src=smac, dst=dmac) / l3 / UDP(sport=sport, dport=dport) /
            Raw(bytes([n % 256]) * 30))


def tcp(d, flags, seq, ack, data=b""):
    f = a2b if d == "ab" else b2a
    sport, dport = (40000, 8080) if d == "ab" else (8080, 40000)
    return f(TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=8192) /
             Raw(data) if data else TCP(sport=sport, dport=dport, flags=flags, seq=seq,
                                        ack=ack, window=8192))


def udp(d, n, size=40):
    f = a2b if d == "ab" else b2a
    sport, dport = (5000, 53) if d == "ab" else (53, 5000)
    return f(UDP(sport=sport, dport=dport) / Raw(bytes([n % 256]) * size))


# TCP sequence numbers: A's from 100, B's from 500
def phase_a():
    f = [tcp("ab", "S", 100, 0), tcp("ba", "SA", 500, 101), tcp("ab", "A", 101, 501)]
    sa, sb = 101, 501
    for i in range(6):		# A's data: offloaded after the ACK
        f.append(tcp("ab", "PA", sa, sb, b"a%02d" % i * 10))
        sa += 30
    for i in range(6):		# B's: the first learns its direction
        f.append(tcp("ba", "PA", sb, sa, b"b%02d" % i * 20))
        sb += 60
    f += [udp("ab", i) for i in range(3)] + [udp("ba", i) for i in range(3)]
    f += [udp("ab", i, 100 + i) for i in range(5)] + [udp("ba", i, 200) for i in range(5)]
    # never offloaded: ICMP echo; what the fast path leaves to the slow one:
    # TTL 1 (time exceeded), IP options
    f += [a2b(ICMP(id=7, seq=1) / Raw(b"ping")), b2a(ICMP(type=0, id=7, seq=1) / Raw(b"ping"))]
    f.append(a2b(UDP(sport=5000, dport=53) / Raw(b"ttl1"), ttl=1))
    f.append(a2b(UDP(sport=5000, dport=53) / Raw(b"opts"), options=[IPOption_NOP()] * 4))
    # IPv6 UDP both ways (offloaded), hop limit 1 and an extension header
    f += [udp6("ab", 0), udp6("ba", 0)] + [udp6(d, i) for i in range(1, 5) for d in ("ab", "ba")]
    f += [udp6("ab", 5, hlim=1), udp6("ab", 6, ext=True), udp6("ab", 7)]
    f.append(tcp("ab", "PA", sa, sb, b"after"))
    return f, (sa + 5, sb)


def phase_more(sa, sb):
    return [tcp("ab", "PA", sa, sb, b"more-ab"), tcp("ba", "PA", sb, sa + 7, b"more-ba"),
            udp("ab", 9), udp("ba", 9), udp("ab", 10), udp("ba", 10),
            udp6("ab", 9), udp6("ba", 9), udp6("ab", 10), udp6("ba", 10)]


def frames(phase):
    f, (sa, sb) = phase_a()
    if phase == "a":
        return f
    if phase in ("b", "c"):		# after a neighbour change, after a blackhole route
        return phase_more(sa, sb)
    if phase == "d":		# the route gone again; TCP closes, UDP stays offloaded
        sa, sb = sa + 7, sb + 7
        return phase_more(sa, sb) + [tcp("ab", "FA", sa + 7, sb + 7),
                                     tcp("ba", "FA", sb + 7, sa + 8),
                                     tcp("ab", "A", sa + 8, sb + 8),
                                     udp("ab", 11), udp("ba", 11)]
    raise SystemExit("unknown phase " + phase)


def send(phase, out):
    ready = threading.Event()
    sn = AsyncSniffer(iface=["a0", "b0"], store=True, started_callback=ready.set,
                      lfilter=lambda p: Ether in p and p[Ether].src in (P0, P1))
    sn.start()
    if not ready.wait(10):		# its sockets are open: it sees what comes next
        raise SystemExit("the sniffer did not start")
    for iface, fr in frames(phase):
        sendp(fr, iface=iface)
        time.sleep(0.03)
    time.sleep(1)
    got = [[p.sniffed_on, bytes(p).hex()] for p in sn.stop()]
    with open(out, "w") as fh:
        json.dump(got, fh)
    print("phase %s: %d frames sent, %d from the dataplane" % (phase, len(frames(phase)), len(got)))


def compare(plain, offload):
    with open(plain) as fh:
        x = json.load(fh)
    with open(offload) as fh:
        y = json.load(fh)
    for iface in ("a0", "b0"):
        xa = [h for i, h in x if i == iface]
        ya = [h for i, h in y if i == iface]
        if xa != ya:
            for k, (p, q) in enumerate(zip(xa, ya)):
                if p != q:
                    print("%s frame %d differs:\n plain   %s\n offload %s" % (iface, k, p, q))
                    break
            raise SystemExit("%s: %d frames without flow add, %d with, not the same"
                             % (iface, len(xa), len(ya)))
    if not x:
        raise SystemExit("no frame came out")
    print("same %d frames" % len(x))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
