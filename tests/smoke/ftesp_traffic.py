#!/usr/bin/python3
"""Traffic of tests/smoke/ftesp_test.sh, sent one frame at a time.

  ftesp_traffic.py send PHASE OUT.json   (in the namespace of a0, b0)
  ftesp_traffic.py compare PLAIN.json OFFLOAD.json [none]
  ftesp_traffic.py check OUT.json        scapy decrypts what left through ESP

send writes the phase's frames on a0 (host A, 10.0.0.2, behind the
dataplane) and b0 (the peer gateway B, 10.1.0.2, whose remote site
100.0.0.0/16 the SAs cover): A's UDP to R (100.0.0.5) leaves as ESP of SA
0x1001 towards B; R's answers come from B as ESP of SA 0x2001 (scapy
encrypts them). It records every frame the dataplane sends on either
interface (by its source MAC). compare fails unless both runs gave the
same frames, byte for byte, in the same order on each interface (AES-GCM's
IV is the sequence number, the outer IPv4 ID a counter: ESP is
deterministic). check decrypts each ESP frame with scapy's own ESP and
compares the inner packet with the one A sent (TTL one less), and the
sequence numbers with 1, 2, 3...
"""
import json
import sys

from scapy.all import Ether, ICMP, IP, Raw, UDP, conf
from scapy.layers.ipsec import ESP, SecurityAssociation

from frame_exchange import compare, send_and_record

conf.verb = 0
P0, P1 = "02:00:00:00:00:01", "02:00:00:00:01:01"
AMAC, BMAC = "02:00:00:00:00:02", "02:00:00:00:01:02"
A, B, D1, R = "10.0.0.2", "10.1.0.2", "10.1.0.1", "100.0.0.5"
KEY = bytes(range(16)) + bytes.fromhex("a0a1a2a3")


def sa_in():		# B -> dataplane
    return SecurityAssociation(ESP, spi=0x2001, crypt_algo="AES-GCM", crypt_key=KEY,
                               tunnel_header=IP(src=B, dst=D1))


def sa_out():		# dataplane -> B
    return SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM", crypt_key=KEY,
                               tunnel_header=IP(src=D1, dst=B))


def a2r(n, size=40, sport=5000, **ip):
    return ("a0", Ether(src=AMAC, dst=P0) / IP(src=A, dst=R, id=n, **ip) /
            UDP(sport=sport, dport=53) / Raw(bytes([n % 256]) * size))


class Replies:
    """R's answers, as B sends them: ESP with sequence numbers 1, 2..."""
    def __init__(self):
        self.seq = 0
        self.sa = sa_in()

    def r2a(self, n, sport=5000, l4=None):
        self.seq += 1
        inner = IP(src=R, dst=A, id=1000 + n) / (
            l4 if l4 is not None else UDP(sport=53, dport=sport) / Raw(b"r%02d" % n * 5))
        return ("b0", Ether(src=BMAC, dst=P1) / self.sa.encrypt(inner, seq_num=self.seq))


def frames(phase):
    rep = Replies()
    f = [a2r(1), rep.r2a(1)]			# the flow, seen both ways
    f += [a2r(n, 20 + 37 * n) for n in range(2, 12)]	# offloaded after the first
    f += [rep.r2a(n) for n in range(2, 7)] + [a2r(12)]	# R's, decrypted, offloaded
    f.append(a2r(13, 40, ttl=1))		# time exceeded: the slow path's
    f.append(a2r(14, 1400))			# over the SA's MTU bound: the slow path's
    f += [a2r(n) for n in range(15, 18)]
    # a second flow, and ICMP (never offloaded)
    f += [a2r(20, 60, sport=6000), rep.r2a(20, sport=6000)]
    f += [a2r(n, 60, sport=6000) for n in range(21, 25)]
    f += [("a0", Ether(src=AMAC, dst=P0) / IP(src=A, dst=R, id=50) / ICMP(id=7, seq=1) /
           Raw(b"ping")),
          rep.r2a(30, l4=ICMP(type=0, id=7, seq=1) / Raw(b"ping"))]
    if phase == "a":
        return f
    if phase == "b":		# the outbound SA deleted: esp-output drops them
        return [a2r(n) for n in range(40, 44)]
    raise SystemExit("unknown phase " + phase)


def send(phase, out):
    send_and_record(frames(phase), out, phase, (P0, P1))


def check(path):
    """Every UDP packet A sent to R left as ESP that scapy decrypts to it."""
    with open(path) as fh:
        got = json.load(fh)
    sent = {}
    for iface, f in frames("a"):
        if iface == "a0" and f[IP].ttl > 1:
            sent[f[IP].id] = f[IP]
    sa, seqs, n = sa_out(), [], 0
    for iface, h in got:
        p = Ether(bytes.fromhex(h))
        if iface != "b0" or ESP not in p:
            continue
        if p[IP].src != D1 or p[IP].dst != B or p[Ether].dst != BMAC:
            raise SystemExit("ESP frame with outer %s -> %s, to %s" %
                             (p[IP].src, p[IP].dst, p[Ether].dst))
        seqs.append(p[ESP].seq)
        inner = sa.decrypt(p[IP])
        want = sent.get(inner.id)
        if want is None:
            raise SystemExit("ESP carried a packet A did not send: %r" % inner)
        exp = want.copy()
        exp.ttl -= 1
        del exp.chksum
        if bytes(inner) != bytes(IP(bytes(exp))):
            raise SystemExit("packet %d: decrypted %s, sent %s" %
                             (inner.id, bytes(inner).hex(), bytes(IP(bytes(exp))).hex()))
        n += 1
    if seqs != list(range(1, len(seqs) + 1)):
        raise SystemExit("sequence numbers %s" % seqs)
    if n != len(sent):
        raise SystemExit("%d of the %d packets A sent came out as ESP" % (n, len(sent)))
    print("scapy decrypted %d ESP packets, sequence 1..%d" % (n, n))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4:] == ["none"])
    elif sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        raise SystemExit(__doc__)
