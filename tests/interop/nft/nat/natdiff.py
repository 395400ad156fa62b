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
from types import SimpleNamespace

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
    return fold(b[:hl]) == 0xffff and fold(b[hl:]) == 0xffff and fold(inner[:ihl]) == 0xffff


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


# What the IPv4 and IPv6 exchanges differ in: the hosts, the header and
# what numbers it (IPv4's ID, IPv6's flow label), ICMP's messages.
V4 = SimpleNamespace(
    tag="",	# in the step names: tcp-out, and tcp6-out for IPv6
    in7="10.0.0.7", in8="10.0.0.8", srv="10.0.0.5",
    out9="10.1.0.9", out10="10.1.0.10", rtr="10.1.0.1", public=PUBLIC,
    ip=lambda src, dst, n: IP(src=src, dst=dst, id=n),
    n=lambda p: p.id,
    echo=lambda: ICMP(type=8, id=77, seq=1) / Raw(b"ping"),
    echo_reply=lambda p: ICMP(type=0, id=p[ICMP].id, seq=1) / Raw(b"ping"),
    # quoting the IP header and 8 bytes; IPv6's quotes all of the packet
    port_unreach=lambda q: ICMP(type=3, code=3) / bytes(q)[:28],
    time_exceeded=lambda q: ICMP(type=11, code=0) / bytes(q),
    ttl_quotes_clash=False)	# time exceeded quotes the first SYN out; IPv6's the clash's
V6 = SimpleNamespace(
    tag="6",
    in7="2001:db8:0:1::7", in8="2001:db8:0:1::8", srv="2001:db8:0:1::5",
    out9="2001:db8:1::9", out10="2001:db8:1::10", rtr="2001:db8:1::1", public=PUBLIC6,
    ip=lambda src, dst, n: IPv6(src=src, dst=dst, fl=n),
    n=lambda p: p.fl,
    echo=lambda: ICMPv6EchoRequest(id=77, seq=1, data=b"ping"),
    echo_reply=lambda p: ICMPv6EchoReply(id=p[ICMPv6EchoRequest].id, seq=1, data=b"ping"),
    port_unreach=lambda q: ICMPv6DestUnreach(code=4) / bytes(q),
    time_exceeded=lambda q: ICMPv6TimeExceeded(code=0) / bytes(q),
    ttl_quotes_clash=True)


def syn(f, src, dst, n, sport, seq, dport=80):
    return f.ip(src, dst, n) / TCP(sport=sport, dport=dport, flags="S", seq=seq, window=8192)


def reply_tcp(f, p, flags, seq, ack):
    return f.ip(p.dst, p.src, f.n(p) + 1000) / TCP(
        sport=p[TCP].dport, dport=p[TCP].sport, flags=flags, seq=seq, ack=ack, window=8192)


def reply_udp(f, p, data, chksum=None):
    u = UDP(sport=p[UDP].dport, dport=p[UDP].sport)
    if chksum is not None:
        u.chksum = chksum
    return f.ip(p.dst, p.src, f.n(p) + 1000) / u / Raw(data)


def exchanges(xchg, a, b, f):
    """The exchanges of family f (V4 or V6): masquerade of TCP (a port
    clash too), UDP (a checksum of 0 kept) and ICMP echo, ICMP errors from
    beyond, a port forward (TCP, and UDP: through an address . port map
    for IPv6) with the server's port unreachable on its way out. Each
    step's name carries f.tag after its first word."""
    def step(name):
        return name % f.tag

    # 1. masquerade of TCP out and the replies back
    out1 = xchg(step("tcp%s-out"), a, syn(f, f.in7, f.out9, 1, CLASH_SPORT, 1000), b)
    if out1 is not None:
        xchg(step("tcp%s-back"), b, reply_tcp(f, out1, "SA", 5000, 1001), a)
        xchg(step("tcp%s-ack-out"), a, f.ip(f.in7, f.out9, 2) / TCP(
            sport=CLASH_SPORT, dport=80, flags="A", seq=1001, ack=5001, window=8192), b)
    # 2. a second inside host, same source port, same server: a port clash
    out2 = xchg(step("clash%s-out"), a, syn(f, f.in8, f.out9, 3, CLASH_SPORT, 2000), b)
    if out2 is not None:
        xchg(step("clash%s-back"), b, reply_tcp(f, out2, "SA", 7000, 2001), a)
        # the same source to another server: the mapping it has, not its
        # own port (free there): the kernel's find_appropriate_src()
        xchg(step("clash%s-again-out"), a, syn(f, f.in8, f.out10, 7, CLASH_SPORT, 2500), b)
    # 3. UDP, with a checksum and without (0 stays 0, as the kernel keeps it)
    out3 = xchg(step("udp%s-out"), a, f.ip(f.in7, f.out9, 4) / UDP(sport=5000, dport=53) /
                Raw(b"query"), b)
    if out3 is not None:
        xchg(step("udp%s-back"), b, reply_udp(f, out3, b"answer"), a)
    out4 = xchg(step("udp%s0-out"), a, f.ip(f.in7, f.out9, 5) /
                UDP(sport=5001, dport=53, chksum=0) / Raw(b"query"), b)
    if out4 is not None:
        xchg(step("udp%s0-back"), b, reply_udp(f, out4, b"answer", chksum=0), a)
    # 4. ICMP echo: the id is the port
    out5 = xchg(step("echo%s-out"), a, f.ip(f.in7, f.out9, 6) / f.echo(), b)
    if out5 is not None:
        xchg(step("echo%s-back"), b, f.ip(out5.dst, out5.src, 1006) / f.echo_reply(out5), a)
    # 5. ICMP errors from beyond the NAT, quoting translated packets
    if out3 is not None:
        xchg(step("unreach%s-back"), b, f.ip(f.out9, out3.src, 1007) / f.port_unreach(out3), a)
    quoted = out2 if f.ttl_quotes_clash else out1
    if quoted is not None:
        xchg(step("ttl%s-back"), b, f.ip(f.rtr, quoted.src, 1008) / f.time_exceeded(quoted), a)
    # 6. DNAT port forward, TCP and UDP
    in6 = xchg(step("dnat%s-in"), b, syn(f, f.out9, f.public, 9, 33000, 100, 8080), a)
    if in6 is not None:
        xchg(step("dnat%s-back"), a, reply_tcp(f, in6, "SA", 900, 101), b)
    in7 = xchg(step("dnat%s-udp-in"), b, f.ip(f.out9, f.public, 10) /
               UDP(sport=33001, dport=5353) / Raw(b"q"), a)
    if in7 is not None:
        xchg(step("dnat%s-udp-back"), a, reply_udp(f, in7, b"a"), b)
        # the inside server's port unreachable about it, out through srcnat
        xchg(step("dnat%s-unreach-out"), a, f.ip(f.srv, f.out9, 1010) / f.port_unreach(in7), b)


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

    exchanges(xchg, a, b, V4)
    # 7. hairpin (IPv4): an inside host to the public address of the inside server
    in8 = xchg("hairpin-in", a, syn(V4, V4.in7, PUBLIC, 11, 41000, 300, 8080), a)
    if in8 is not None:
        xchg("hairpin-back", a, reply_tcp(V4, in8, "SA", 600, 301), a)
    exchanges(xchg, a, b, V6)
    with open(out, "w") as f:
        f.write("\n".join(res) + "\n")


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
