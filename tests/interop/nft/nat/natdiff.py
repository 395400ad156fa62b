#!/usr/bin/python3
"""NAT exchanges through a router, for nat_diff_test.sh.

  natdiff.py run NS_A IFACE_A RMAC_A NS_B IFACE_B RMAC_B OUT
      plays the exchanges below between an inside side (NS_A, the router's
      p0 has MAC RMAC_A) and an outside side (NS_B, p1 is RMAC_B): each
      packet is sent on one side, and the router's packet is taken on the
      side it must come out of; replies are built from what came out, as
      the peer would. OUT gets one line per packet that came out: the step,
      the IPv4 or IPv6 packet in hex, normalized (see norm()), and
      whether its checksums (IPv4, TCP/UDP/ICMP/ICMPv6, and those of a
      quoted IPv4 packet) are right.
  natdiff.py conntrack KIND FILE
      prints the connections of `conntrack -L` (KIND kernel) or of
      `nfvpnctl --json conntrack` (KIND dp) in FILE as sorted lines of both
      tuples, the clashing connection's translated port written as P.

Inside hosts 10.0.0.7, .8 and the server 10.0.0.5 are behind the router's
p0 (192.168.0.1); the outside host 10.1.0.9 and a router 10.1.0.1 behind
p1 (192.168.1.1, the masquerade address). IPv6 the same: 2001:db8:0:1::7,
::8 and the server ::5 behind p0 (fd00::1); 2001:db8:1::9 and a router
2001:db8:1::1 behind p1 (fd00:1::1).
"""
import ctypes
import json
import os
import select
import sys

from scapy.all import (ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach, ICMPv6EchoReply,
                       ICMPv6EchoRequest, ICMPv6TimeExceeded, IPv6, Raw, conf, get_if_hwaddr)

conf.verb = 0
CLASH_SPORT = 40000	# of two inside hosts at once: one keeps it, one cannot
PUBLIC = "192.168.1.1"
PUBLIC6 = "fd00:1::1"


def setns(name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        sys.exit("setns %s: %s" % (name, os.strerror(ctypes.get_errno())))
    os.close(fd)


class Side:
    def __init__(self, ns, iface, rmac):
        setns(ns)
        self.mac = get_if_hwaddr(iface)
        self.rmac = rmac.lower()
        self.sock = conf.L2socket(iface=iface)

    def send(self, ip):
        self.drain()
        self.sock.send(Ether(src=self.mac, dst=self.rmac) / ip)

    def drain(self):
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recv()

    def recv(self, timeout=1.0):
        """The router's next IPv4 or IPv6 packet on this side, or None
        (the kernel's own multicast, MLD and router solicitations, is
        not one)."""
        import time
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                return None
            f = self.sock.recv()
            if f is None or Ether not in f or f[Ether].src.lower() != self.rmac:
                continue
            if IP in f:
                return IP(bytes(f[IP]))
            if IPv6 in f and not f[IPv6].dst.startswith("ff"):
                return IPv6(bytes(f[IPv6]))


def csum6_ok(b):
    """IPv6 without extension headers: the transport checksum summed in
    full with the pseudo header (a UDP 0 stays right)."""
    nh, l4 = b[6], b[40:]
    if nh == 17 and l4[6:8] == b"\0\0":
        return True
    if nh not in (6, 17, 58):
        return True
    return fold(b[8:40] + len(l4).to_bytes(4, "big") + bytes([0, 0, 0, nh]) + l4) == 0xffff


def fold(h):
    s = sum(int.from_bytes(h[i:i + 2], "big") for i in range(0, len(h) - 1, 2))
    if len(h) % 2:
        s += h[-1] << 8
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def csum_ok(p):
    """The checksums of p as scapy computes them (a UDP 0 stays right)."""
    b = bytes(p)
    if b[0] >> 4 == 6:
        return csum6_ok(b)
    q = IP(b)
    if ICMP in q and q[ICMP].type in (3, 11):
        return quoted_ok(b)
    del q.chksum
    l4 = L4(q)
    if l4 is not None and not (isinstance(l4, UDP) and l4.chksum == 0):
        del l4.chksum
    return bytes(IP(bytes(q))) == b


def L4(q):
    for layer in (TCP, UDP, ICMP):
        if layer in q:
            return q[layer]
    return None


def quoted_ok(b):
    """ICMP errors: the outer IPv4 and ICMP checksums and the quoted IPv4
    header's checksum right (scapy recomputes the quote's L4 otherwise)."""
    hl = (b[0] & 0xf) * 4
    inner = b[hl + 8:]
    ihl = (inner[0] & 0xf) * 4

    def ok(h):
        s = sum(int.from_bytes(h[i:i + 2], "big") for i in range(0, len(h) - 1, 2))
        if len(h) % 2:
            s += h[-1] << 8
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        return s == 0xffff
    return ok(b[:hl]) and ok(b[hl:]) and ok(inner[:ihl])


CLASH = {}


def norm(step, p):
    """The packet as compared: the clashing connection's translated source
    port (the kernel picks one at random) written as 0, with the TCP
    checksum that depends on it; the same source's next connection must
    get the same port (the kernel's bysource mapping). IPv4 steps clash*,
    IPv6 ones clash6*."""
    b = bytes(p)
    q = IPv6(b) if b[0] >> 4 == 6 else IP(b)
    fam = "clash6" if step.startswith("clash6") else "clash"
    if step == fam + "-out" and TCP in q:
        assert q[TCP].sport != CLASH_SPORT, "the clash was not resolved"
        CLASH[fam] = q[TCP].sport
    if step.startswith("clash") and step.endswith("-out") and TCP in q:
        assert q[TCP].sport == CLASH[fam], "%s: port %d, not the mapping's %d" % (
            step, q[TCP].sport, CLASH[fam])
        q[TCP].sport = 0
        q[TCP].chksum = 0
    return bytes(q).hex()


def run(a, b, out):
    res = []

    def note(step, p):
        if p is None:
            res.append("%s none" % step)
            return None
        res.append("%s %s csum=%s" % (step, norm(step, p), "ok" if csum_ok(p) else "BAD"))
        return p

    def xchg(step, src, pkt, dst):
        src.send(pkt)
        return note(step, dst.recv())

    def reply_tcp(p, flags, seq, ack):
        return IP(src=p.dst, dst=p.src, id=p.id + 1000) / TCP(
            sport=p[TCP].dport, dport=p[TCP].sport, flags=flags, seq=seq, ack=ack, window=8192)

    def reply_udp(p, data, chksum=None):
        u = UDP(sport=p[UDP].dport, dport=p[UDP].sport)
        if chksum is not None:
            u.chksum = chksum
        return IP(src=p.dst, dst=p.src, id=p.id + 1000) / u / Raw(data)

    # 1. masquerade of TCP out and the replies back
    syn = IP(src="10.0.0.7", dst="10.1.0.9", id=1) / TCP(sport=CLASH_SPORT, dport=80, flags="S",
                                                       seq=1000, window=8192)
    out1 = xchg("tcp-out", a, syn, b)
    if out1 is not None:
        xchg("tcp-back", b, reply_tcp(out1, "SA", 5000, 1001), a)
        xchg("tcp-ack-out", a, IP(src="10.0.0.7", dst="10.1.0.9", id=2) / TCP(
            sport=CLASH_SPORT, dport=80, flags="A", seq=1001, ack=5001, window=8192), b)
    # 2. a second inside host, same source port, same server: a port clash
    syn2 = IP(src="10.0.0.8", dst="10.1.0.9", id=3) / TCP(sport=CLASH_SPORT, dport=80, flags="S",
                                                        seq=2000, window=8192)
    out2 = xchg("clash-out", a, syn2, b)
    if out2 is not None:
        xchg("clash-back", b, reply_tcp(out2, "SA", 7000, 2001), a)
        # the same source to another server: the mapping it has, not its
        # own port (free there): the kernel's find_appropriate_src()
        xchg("clash-again-out", a, IP(src="10.0.0.8", dst="10.1.0.10", id=7) /
             TCP(sport=CLASH_SPORT, dport=80, flags="S", seq=2500, window=8192), b)
    # 3. UDP, with a checksum and without (0 stays 0)
    out3 = xchg("udp-out", a, IP(src="10.0.0.7", dst="10.1.0.9", id=4) /
                UDP(sport=5000, dport=53) / Raw(b"query"), b)
    if out3 is not None:
        xchg("udp-back", b, reply_udp(out3, b"answer"), a)
    out4 = xchg("udp0-out", a, IP(src="10.0.0.7", dst="10.1.0.9", id=5) /
                UDP(sport=5001, dport=53, chksum=0) / Raw(b"query"), b)
    if out4 is not None:
        xchg("udp0-back", b, reply_udp(out4, b"answer", chksum=0), a)
    # 4. ICMP echo: the id is the port
    out5 = xchg("echo-out", a, IP(src="10.0.0.7", dst="10.1.0.9", id=6) /
                ICMP(type=8, id=77, seq=1) / Raw(b"ping"), b)
    if out5 is not None:
        xchg("echo-back", b, IP(src=out5.dst, dst=out5.src, id=1006) /
             ICMP(type=0, id=out5[ICMP].id, seq=1) / Raw(b"ping"), a)
    # 5. ICMP errors from beyond the NAT, quoting translated packets
    if out3 is not None:
        xchg("unreach-back", b, IP(src="10.1.0.9", dst=out3.src, id=1007) /
             ICMP(type=3, code=3) / bytes(out3)[:28], a)
    if out1 is not None:
        xchg("ttl-back", b, IP(src="10.1.0.1", dst=out1.src, id=1008) /
             ICMP(type=11, code=0) / bytes(out1), a)
    # 6. DNAT port forward, TCP and UDP
    in6 = xchg("dnat-in", b, IP(src="10.1.0.9", dst=PUBLIC, id=9) /
               TCP(sport=33000, dport=8080, flags="S", seq=100, window=8192), a)
    if in6 is not None:
        xchg("dnat-back", a, reply_tcp(in6, "SA", 900, 101), b)
    in7 = xchg("dnat-udp-in", b, IP(src="10.1.0.9", dst=PUBLIC, id=10) /
               UDP(sport=33001, dport=5353) / Raw(b"q"), a)
    if in7 is not None:
        xchg("dnat-udp-back", a, reply_udp(in7, b"a"), b)
        # the inside server's port unreachable about it, out through srcnat
        xchg("dnat-unreach-out", a, IP(src="10.0.0.5", dst="10.1.0.9", id=1010) /
             ICMP(type=3, code=3) / bytes(in7)[:28], b)
    # 7. hairpin: an inside host to the public address of the inside server
    in8 = xchg("hairpin-in", a, IP(src="10.0.0.7", dst=PUBLIC, id=11) /
               TCP(sport=41000, dport=8080, flags="S", seq=300, window=8192), a)
    if in8 is not None:
        xchg("hairpin-back", a, reply_tcp(in8, "SA", 600, 301), a)
    run6(xchg, a, b)
    with open(out, "w") as f:
        f.write("\n".join(res) + "\n")


def run6(xchg, a, b):
    """The IPv6 exchanges: masquerade of TCP (a port clash too), UDP (a
    checksum of 0 kept) and ICMPv6 echo, ICMPv6 errors from beyond,
    a port forward (TCP, and UDP through an address . port map)."""
    IN7, IN8, SRV, OUT9, RTR = ("2001:db8:0:1::7", "2001:db8:0:1::8", "2001:db8:0:1::5",
                                "2001:db8:1::9", "2001:db8:1::1")

    def reply_tcp(p, flags, seq, ack):
        return IPv6(src=p.dst, dst=p.src, fl=p.fl + 1000) / TCP(
            sport=p[TCP].dport, dport=p[TCP].sport, flags=flags, seq=seq, ack=ack, window=8192)

    def reply_udp(p, data, chksum=None):
        u = UDP(sport=p[UDP].dport, dport=p[UDP].sport)
        if chksum is not None:
            u.chksum = chksum
        return IPv6(src=p.dst, dst=p.src, fl=p.fl + 1000) / u / Raw(data)

    def syn(src, dst, fl, sport, seq, dport=80):
        return IPv6(src=src, dst=dst, fl=fl) / TCP(sport=sport, dport=dport, flags="S",
                                                   seq=seq, window=8192)

    # 1. masquerade of TCP, the replies back; a clash of two inside hosts
    out1 = xchg("tcp6-out", a, syn(IN7, OUT9, 1, CLASH_SPORT, 1000), b)
    if out1 is not None:
        xchg("tcp6-back", b, reply_tcp(out1, "SA", 5000, 1001), a)
        xchg("tcp6-ack-out", a, IPv6(src=IN7, dst=OUT9, fl=2) / TCP(
            sport=CLASH_SPORT, dport=80, flags="A", seq=1001, ack=5001, window=8192), b)
    out2 = xchg("clash6-out", a, syn(IN8, OUT9, 3, CLASH_SPORT, 2000), b)
    if out2 is not None:
        xchg("clash6-back", b, reply_tcp(out2, "SA", 7000, 2001), a)
        xchg("clash6-again-out", a, syn(IN8, "2001:db8:1::10", 7, CLASH_SPORT, 2500), b)
    # 2. UDP, with a checksum and without (0 is kept, as the kernel keeps it)
    out3 = xchg("udp6-out", a, IPv6(src=IN7, dst=OUT9, fl=4) / UDP(sport=5000, dport=53) /
                Raw(b"query"), b)
    if out3 is not None:
        xchg("udp6-back", b, reply_udp(out3, b"answer"), a)
    out4 = xchg("udp60-out", a, IPv6(src=IN7, dst=OUT9, fl=5) /
                UDP(sport=5001, dport=53, chksum=0) / Raw(b"query"), b)
    if out4 is not None:
        xchg("udp60-back", b, reply_udp(out4, b"answer", chksum=0), a)
    # 3. ICMPv6 echo: the id is the port
    out5 = xchg("echo6-out", a, IPv6(src=IN7, dst=OUT9, fl=6) /
                ICMPv6EchoRequest(id=77, seq=1, data=b"ping"), b)
    if out5 is not None:
        xchg("echo6-back", b, IPv6(src=out5.dst, dst=out5.src, fl=1006) /
             ICMPv6EchoReply(id=out5[ICMPv6EchoRequest].id, seq=1, data=b"ping"), a)
    # 4. ICMPv6 errors from beyond the NAT, quoting translated packets
    if out3 is not None:
        xchg("unreach6-back", b, IPv6(src=OUT9, dst=out3.src, fl=1007) /
             ICMPv6DestUnreach(code=4) / bytes(out3), a)
    if out2 is not None:
        xchg("ttl6-back", b, IPv6(src=RTR, dst=out2.src, fl=1008) /
             ICMPv6TimeExceeded(code=0) / bytes(out2), a)
    # 5. a port forward: TCP, and UDP through the map, the server's port
    # unreachable about it translated on its way out
    in6 = xchg("dnat6-in", b, syn(OUT9, PUBLIC6, 9, 33000, 100, 8080), a)
    if in6 is not None:
        xchg("dnat6-back", a, reply_tcp(in6, "SA", 900, 101), b)
    in7 = xchg("dnat6-udp-in", b, IPv6(src=OUT9, dst=PUBLIC6, fl=10) /
               UDP(sport=33001, dport=5353) / Raw(b"q"), a)
    if in7 is not None:
        xchg("dnat6-udp-back", a, reply_udp(in7, b"a"), b)
        xchg("dnat6-unreach-out", a, IPv6(src=SRV, dst=OUT9, fl=1010) /
             ICMPv6DestUnreach(code=4) / bytes(in7), b)


def conntrack(kind, path):
    lines = []
    if kind == "kernel":
        for line in open(path):
            f = line.split()
            if not f or f[0] not in ("tcp", "udp", "icmp", "icmpv6"):
                continue
            kv = [x.split("=", 1) for x in f if "=" in x and not x.startswith(("mark", "use", "zone"))]
            keys = ("src", "dst", "sport", "dport", "type", "code", "id")
            tuples, cur = [], {}
            for k, v in kv:
                if k in cur:
                    tuples.append(cur)
                    cur = {}
                if k in keys:
                    cur[k] = v
            tuples.append(cur)
            lines.append((f[0], tuples[0], tuples[1]))
    else:
        for c in json.load(open(path))["conntrack"]:
            o = {k: str(v) for k, v in c["orig"].items()}
            r = {k: str(v) for k, v in c["reply"].items()}
            lines.append(({"ipv6-icmp": "icmpv6"}.get(c["proto"], c["proto"]), o, r))
    out = []
    for proto, o, r in lines:
        if o.get("src") in ("10.0.0.8", "2001:db8:0:1::8") and o.get("sport") == str(CLASH_SPORT):
            assert r.get("dport") != str(CLASH_SPORT)
            r = dict(r, dport="P")
        fmt = lambda t: " ".join("%s=%s" % (k, t[k]) for k in sorted(t))
        out.append("%s orig %s reply %s" % (proto, fmt(o), fmt(r)))
    print("\n".join(sorted(out)))


if __name__ == "__main__":
    if sys.argv[1] == "run":
        # both sockets first: each in its namespace
        sa = Side(sys.argv[2], sys.argv[3], sys.argv[4])
        sb = Side(sys.argv[5], sys.argv[6], sys.argv[7])
        run(sa, sb, sys.argv[8])
    elif sys.argv[1] == "conntrack":
        conntrack(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
