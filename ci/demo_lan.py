#!/usr/bin/python3
"""The two LAN hosts of ci/demo.sh, in one process: host A (10.1.0.2,
behind site A) sends, host B (10.2.0.10, behind site B) answers. Each is a
memif client of its site's `lan` port (tests/smoke/memif_peer.py speaks the
protocol); nothing here busy-polls.

Every round, host A sends 8 UDP datagrams to 10.2.0.10 port 5000 (8
flows: site B's ruleset lets them in, host B answers each), 2 TCP SYNs to
10.2.0.10 port 23 (site B's ruleset drops them) and 1 UDP datagram to
10.2.99.1 (site A's security policy discards it), at --rate frames/s for
--duration seconds. Prints JSON: what each host sent and received.

  demo_lan.py --lan-a SOCKET --lan-b SOCKET [--rate PPS] [--duration S]
"""
import argparse
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "smoke"))
import memif_peer as mp  # noqa: E402

A_MAC, A_GW = "02:00:00:00:0a:02", "02:00:00:00:0a:01"
B_MAC, B_GW = "02:00:00:00:0b:02", "02:00:00:00:0b:01"
A_IP, B_IP, NO_TUNNEL_IP = "10.1.0.2", "10.2.0.10", "10.2.99.1"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(dst_mac, src_mac, src, dst, proto, sport, dport, payload=b"nfvpn demo"):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    if proto == 17:
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        ck = csum(s + d + struct.pack("!BBH", 0, 17, len(l4)) + l4) or 0xffff
        l4 = l4[:6] + struct.pack("!H", ck) + l4[8:]
    else:   # a TCP SYN
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 64240, 0, 0)
        ck = csum(s + d + struct.pack("!BBH", 0, 6, len(l4)) + l4)
        l4 = l4[:16] + struct.pack("!H", ck) + l4[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return mp.mac(dst_mac) + mp.mac(src_mac) + b"\x08\x00" + ip + l4


class Host(mp.Peer):
    """A memif client that sends given frames and hands back what it got
    (memif_peer.py's ring code: its indices are read and written whole)."""

    def __init__(self, sock):
        super().__init__(argparse.Namespace(socket=sock, abstract=True, id=0))
        self.tx_drop = 0

    def send(self, frames):
        self.tx_drop += len(frames) - self.send_frames(frames)

    def recv(self):
        return self.recv_frames()


def classify(f):
    """('udp'|'tcp'|'other', src, dst, sport, dport) of an Ethernet frame"""
    if len(f) < 34 or f[12:14] != b"\x08\x00":
        return ("other", None, None, 0, 0)
    ihl = (f[14] & 15) * 4
    proto = f[23]
    sport, dport = struct.unpack_from("!HH", f, 14 + ihl) if len(f) >= 18 + ihl else (0, 0)
    kind = {17: "udp", 6: "tcp"}.get(proto, "other")
    return (kind, socket.inet_ntoa(f[26:30]), socket.inet_ntoa(f[30:34]), sport, dport)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lan-a", required=True)
    p.add_argument("--lan-b", required=True)
    p.add_argument("--rate", type=float, default=2000, help="frames/s host A sends (2000)")
    p.add_argument("--duration", type=float, default=2.0)
    p.add_argument("--connect-timeout", type=float, default=10.0)
    a = p.parse_args()
    hosts = []
    for sock in (a.lan_a, a.lan_b):
        h = Host(sock)
        deadline = time.monotonic() + a.connect_timeout
        while True:
            try:
                h.connect()
                break
            except (mp.PeerError, OSError):
                if time.monotonic() > deadline:
                    print("demo_lan: cannot connect to %s" % sock, file=sys.stderr)
                    return 1
                h.sock.close()
                time.sleep(0.05)
        hosts.append(h)
    ha, hb = hosts
    rnd = []
    for i in range(8):
        rnd.append(("allowed", frame(A_GW, A_MAC, A_IP, B_IP, 17, 40000 + i, 5000)))
    for i in range(2):
        rnd.append(("telnet", frame(A_GW, A_MAC, A_IP, B_IP, 6, 50000 + i, 23)))
    rnd.append(("no_tunnel", frame(A_GW, A_MAC, A_IP, NO_TUNNEL_IP, 17, 40100, 5000)))
    sent = {"allowed": 0, "telnet": 0, "no_tunnel": 0}
    got_b = {"allowed": 0, "telnet": 0, "other": 0}
    got_a = {"replies": 0, "other": 0}
    replied = 0
    start = time.monotonic()
    end = start + a.duration
    i = 0

    def poll():
        nonlocal replied
        answers = []
        for f in hb.recv():
            kind, src, dst, sport, dport = classify(f)
            if kind == "udp" and dst == B_IP and dport == 5000:
                got_b["allowed"] += 1
                answers.append(frame(B_GW, B_MAC, B_IP, src, 17, 5000, sport, b"reply"))
            elif kind == "tcp" and dport == 23:
                got_b["telnet"] += 1
            else:
                got_b["other"] += 1
        if answers:
            hb.send(answers)
            replied += len(answers)
        for f in ha.recv():
            kind, src, dst, sport, dport = classify(f)
            got_a["replies" if kind == "udp" and src == B_IP and sport == 5000 else "other"] += 1

    while time.monotonic() < end:
        due = int((time.monotonic() - start) * a.rate) - i
        if due > 0:
            batch = [rnd[(i + k) % len(rnd)] for k in range(min(due, 64))]
            before = ha.sent
            ha.send([f for _, f in batch])
            for kind, _ in batch[:ha.sent - before]:
                sent[kind] += 1
            i += len(batch)
        poll()
        time.sleep(0.001)
    elapsed = time.monotonic() - start
    # what is still in flight comes back within a few milliseconds
    quiet = time.monotonic()
    while time.monotonic() - quiet < 0.3:
        before = ha.received + hb.received
        poll()
        if ha.received + hb.received != before:
            quiet = time.monotonic()
        time.sleep(0.005)
    for h in hosts:
        h.disconnect()
    json.dump({"seconds": round(elapsed, 3),
               "a": {"sent": sent, "sent_total": ha.sent, "not_sent_ring_full": ha.tx_drop,
                     "received": got_a},
               "b": {"received": got_b, "replied": replied,
                     "not_sent_ring_full": hb.tx_drop}}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
