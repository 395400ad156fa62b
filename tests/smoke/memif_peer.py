#!/usr/bin/python3
"""A memif client in Python, for tests: connects to a memif server (the
dataplane's net_memif port), sends UDP frames into it and takes back what
the server sends, then leaves cleanly (DISCONNECT) or is killed.

Written from DPDK 22.11's drivers/net/memif (memif.h, memif_socket.c): one
region (a memfd) holding the client-to-server ring, the server-to-client
ring and their buffers; one ring each way. Nothing of DPDK runs here, so a
connection costs milliseconds: memif_churn_test.sh connects a hundred times.

  memif_peer.py --socket PATH [--id N] [--dst-mac MAC] [--dst A.B.C.D]
                [--duration S] [--rate PPS] [--connect-timeout S] [--json FILE]

A server that has not yet noticed the previous peer leave refuses with
"Already connected": it tries again for --connect-timeout seconds. Prints
"connected" once the server has answered CONNECTED, then sends for
--duration seconds (at most --rate frames/s; 0: as fast as it can), sends DISCONNECT and exits 0
(or writes --json with what it sent and received first). SIGTERM ends the
sending early, cleanly. Exit status 1: the server refused or went away.
"""
import argparse
import array
import json
import mmap
import os
import signal
import socket
import struct
import sys
import time

MSG_SIZE = 128
T_ACK, T_HELLO, T_INIT, T_ADD_REGION, T_ADD_RING, T_CONNECT, T_CONNECTED, T_DISCONNECT = \
    1, 2, 3, 4, 5, 6, 7, 8
VERSION = (2 << 8) | 0
COOKIE = 0x3E31F20
RING_FLAG_MASK_INT = 1
ADD_RING_FLAG_C2S = 1

LOG2_RING = 8
SLOTS = 1 << LOG2_RING
BUF = 2048
RING_BYTES = 128 + 16 * SLOTS   # header (3 cache lines, 2 used) + descriptors
OFF_C2S = 0
OFF_S2C = RING_BYTES
OFF_BUF_C2S = 2 * RING_BYTES
OFF_BUF_S2C = OFF_BUF_C2S + SLOTS * BUF
REGION = OFF_BUF_S2C + SLOTS * BUF

HEAD, TAIL, DESC = 6, 64, 128   # offsets in a ring (memif_ring_t)


class PeerError(RuntimeError):
    pass


def msg(mtype, body=b""):
    return struct.pack("<H", mtype) + body.ljust(MSG_SIZE - 2, b"\0")


def send(sock, data, fd=None):
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]).tobytes())] \
        if fd is not None else []
    sock.sendmsg([data], anc)


def recv(sock, want):
    data = sock.recv(MSG_SIZE)
    if len(data) != MSG_SIZE:
        raise PeerError("server closed the connection (%d bytes)" % len(data))
    mtype = struct.unpack_from("<H", data)[0]
    if mtype == T_DISCONNECT:
        reason = data[6:102].split(b"\0")[0].decode(errors="replace")
        raise PeerError("server disconnected: %s" % reason)
    if mtype != want:
        raise PeerError("expected message %d, got %d" % (want, mtype))
    return data


def udp_frame(dst_mac, src_mac, src, dst, sport, size):
    """An Ethernet/IPv4/UDP frame of `size` bytes without FCS."""
    payload = bytes(size - 14 - 28)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + len(payload), 0, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    s = sum(struct.unpack("!10H", ip))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
    udp = struct.pack("!HHHH", sport, 5000, 8 + len(payload), 0)
    return dst_mac + src_mac + b"\x08\x00" + ip + udp + payload


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


class Peer:
    def __init__(self, a):
        self.a = a
        self.stop = False
        self.sent = self.received = 0
        self.retries = 0
        self.fd = os.memfd_create("memif-peer", 0)
        os.ftruncate(self.fd, REGION)
        self.mem = mmap.mmap(self.fd, REGION)
        self.m = memoryview(self.mem)
        self.efd = [os.eventfd(0, os.EFD_NONBLOCK) for _ in range(2)]
        self.c2s_head = 0
        self.s2c_tail = 0
        self.s2c_head = 0

    def ring_init(self, off, flags):
        struct.pack_into("<IHH", self.m, off, COOKIE, flags, 0)
        struct.pack_into("<H", self.m, off + TAIL, 0)

    def connect(self):
        a = self.a
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # DPDK's memif sockets are abstract unless socket-abstract=no
        self.sock.connect(("\0" + a.socket) if a.abstract else a.socket)
        recv(self.sock, T_HELLO)
        name = b"nfvpn memif_peer.py".ljust(32, b"\0")
        send(self.sock, msg(T_INIT, struct.pack("<HIB", VERSION, a.id, 0) + bytes(24) + name))
        recv(self.sock, T_ACK)
        send(self.sock, msg(T_ADD_REGION, struct.pack("<HQ", 0, REGION)), self.fd)
        recv(self.sock, T_ACK)
        self.ring_init(OFF_C2S, 0)
        self.ring_init(OFF_S2C, RING_FLAG_MASK_INT)   # we poll: no eventfd kicks
        for idx, (flags, off) in enumerate(((ADD_RING_FLAG_C2S, OFF_C2S), (0, OFF_S2C))):
            send(self.sock, msg(T_ADD_RING, struct.pack("<HHHIBH", flags, 0, 0, off,
                                                        LOG2_RING, 0)), self.efd[idx])
            recv(self.sock, T_ACK)
        send(self.sock, msg(T_CONNECT, b"memif_peer".ljust(32, b"\0")))
        recv(self.sock, T_CONNECTED)
        # the server zeroed both rings' head and tail on CONNECT: offer it
        # every server-to-client buffer
        for s in range(SLOTS):
            struct.pack_into("<HHIII", self.m, OFF_S2C + DESC + 16 * s, 0, 0, BUF,
                             OFF_BUF_S2C + s * BUF, 0)
        self.s2c_head = SLOTS
        struct.pack_into("<H", self.m, OFF_S2C + HEAD, self.s2c_head & 0xffff)
        self.sock.setblocking(False)

    def tx(self, frame, n):
        tail = struct.unpack_from("<H", self.m, OFF_C2S + TAIL)[0]
        free = SLOTS - ((self.c2s_head - tail) & 0xffff)
        n = min(n, free)
        for _ in range(n):
            s = self.c2s_head & (SLOTS - 1)
            buf = OFF_BUF_C2S + s * BUF
            self.m[buf:buf + len(frame)] = frame
            struct.pack_into("<HHIII", self.m, OFF_C2S + DESC + 16 * s, 0, 0, len(frame), buf, 0)
            self.c2s_head += 1
        struct.pack_into("<H", self.m, OFF_C2S + HEAD, self.c2s_head & 0xffff)
        self.sent += n

    def rx(self):
        tail = struct.unpack_from("<H", self.m, OFF_S2C + TAIL)[0]
        n = (tail - self.s2c_tail) & 0xffff
        for _ in range(n):
            s = self.s2c_tail & (SLOTS - 1)
            struct.pack_into("<I", self.m, OFF_S2C + DESC + 16 * s + 4, BUF)
            self.s2c_tail += 1
        self.received += n
        self.s2c_head += n
        struct.pack_into("<H", self.m, OFF_S2C + HEAD, self.s2c_head & 0xffff)

    def server_gone(self):
        try:
            data = self.sock.recv(MSG_SIZE)
        except BlockingIOError:
            return False
        return True   # a DISCONNECT, or EOF: either way it left

    def run(self):
        a = self.a
        frame = udp_frame(mac(a.dst_mac), mac(a.src_mac), a.src, a.dst, 1024, a.size - 4)
        end = time.monotonic() + a.duration
        start = time.monotonic()
        while not self.stop and time.monotonic() < end:
            due = int((time.monotonic() - start) * a.rate) - self.sent if a.rate else SLOTS
            if due > 0:
                self.tx(frame, min(due, 32))
            self.rx()
            if self.server_gone():
                raise PeerError("server went away")
            if due <= 0:
                time.sleep(0.0005)
        time.sleep(0.01)
        self.rx()

    def disconnect(self):
        self.sock.setblocking(True)
        send(self.sock, msg(T_DISCONNECT, struct.pack("<I", 0) + b"memif_peer.py done"))
        self.sock.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--socket", required=True)
    p.add_argument("--no-abstract", dest="abstract", action="store_false")
    p.add_argument("--id", type=int, default=0)
    p.add_argument("--dst-mac", default="02:00:00:00:00:01")
    p.add_argument("--src-mac", default="02:00:00:00:0f:02")
    p.add_argument("--src", default="10.2.0.2")
    p.add_argument("--dst", default="100.64.0.1")
    p.add_argument("--size", type=int, default=64, help="frame size with FCS")
    p.add_argument("--rate", type=float, default=20000,
                   help="frames/s (20000); 0: as fast as the ring takes them")
    p.add_argument("--duration", type=float, default=1.0)
    p.add_argument("--connect-timeout", type=float, default=3.0,
                   help="seconds to keep trying to connect (3)")
    p.add_argument("--json")
    a = p.parse_args()
    peer = Peer(a)
    signal.signal(signal.SIGTERM, lambda *_: setattr(peer, "stop", True))
    try:
        # a server that has not yet seen the last peer leave refuses the
        # next one ("Already connected"): try again, as DPDK's client does
        deadline = time.monotonic() + a.connect_timeout
        while True:
            try:
                peer.connect()
                break
            except (PeerError, OSError) as e:
                if time.monotonic() > deadline:
                    raise
                peer.sock.close()
                peer.retries += 1
                time.sleep(0.02)
        print("connected", flush=True)
        peer.run()
        peer.disconnect()
    except (PeerError, OSError) as e:
        print("memif_peer: %s" % e, file=sys.stderr)
        return 1
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"sent": peer.sent, "received": peer.received,
                       "connect_retries": peer.retries}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
