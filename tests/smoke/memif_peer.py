#!/usr/bin/python3
"""A memif client in Python, for tests: connects to a memif server (the
dataplane's net_memif port), sends UDP frames into it and takes back what
the server sends, then leaves cleanly (DISCONNECT) or is killed.

Written from DPDK 22.11's drivers/net/memif (memif.h, memif_socket.c): one
region (a memfd) holding the client-to-server ring, the server-to-client
ring and their buffers; one ring each way. Nothing of DPDK runs here, so a
connection costs milliseconds: memif_churn_test.sh connects a hundred times.

  memif_peer.py --socket PATH [--id N] [--dst-mac MAC] [--dst A.B.C.D]
                [--duration S] [--rate PPS] [--count N] [--connect-timeout S]
                [--json FILE]

A server that has not yet noticed the previous peer leave refuses with
"Already connected": it tries again for --connect-timeout seconds. Prints
"connected" once the server has answered CONNECTED, then sends for
--duration seconds (at most --rate frames/s; 0: as fast as it can), sends DISCONNECT and exits 0
(or writes --json with what it sent and received first). SIGTERM ends the
sending early, cleanly. Exit status 1: the server refused or went away, or
a ring index moved in a way no server can make it (more slots in use than
the ring has).

--count N: exactly N frames, numbered, one per head update, at most one
ring's worth in flight (a server that forwards them back never finds the
ring full), until all are back or --duration ends; the frames that come
back must carry the numbers in order ("out_of_order" in --json: none for
a correct ring).

The ring indices are 16-bit and wrap: every index below is a Python int
that only grows, and is taken modulo 2^16 where it meets the ring.
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
SEQ_OFF = 14 + 20 + 8           # --count: the frame's number, first in the UDP payload


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


def numbered(frame, seq):
    """frame with seq in the first 4 bytes of its UDP payload (no UDP checksum)"""
    return frame[:SEQ_OFF] + struct.pack("!I", seq) + frame[SEQ_OFF + 4:]


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
        # the ring indices, each read and written whole (index_load/store)
        self.u16 = self.m.cast("H")
        self.efd = [os.eventfd(0, os.EFD_NONBLOCK) for _ in range(2)]
        self.c2s_head = 0
        self.s2c_tail = 0
        self.s2c_head = 0
        self.count = getattr(a, "count", 0)
        self.next_seq = 0
        self.out_of_order = 0

    # A ring index is one 16-bit load or store, never struct's: pack_into()
    # zero-fills the field, then writes it a byte at a time, and unpack_from()
    # reads it a byte at a time. The server polls the indices all along: a
    # head it reads as 0 in that window is 0 - last_head slots, about 65,536
    # slots of stale frames that it takes as new (issue 17: demo_test failed
    # once in 4 runs so). A memoryview of "H" items loads and stores each
    # index with one aligned 16-bit access, as the PMD's own atomics do.
    def index_load(self, off):
        return self.u16[off >> 1]

    def index_store(self, off, value):
        self.u16[off >> 1] = value & 0xffff

    def ring_init(self, off, flags):
        struct.pack_into("<IH", self.m, off, COOKIE, flags)
        self.index_store(off + HEAD, 0)
        self.index_store(off + TAIL, 0)

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
        # the server zeroed both rings' head and tail on CONNECT, and so do
        # we (a peer that connects again starts from 0 too, or the server
        # takes our old head for new frames); offer it every
        # server-to-client buffer
        self.c2s_head = self.s2c_tail = 0
        for s in range(SLOTS):
            struct.pack_into("<HHIII", self.m, OFF_S2C + DESC + 16 * s, 0, 0, BUF,
                             OFF_BUF_S2C + s * BUF, 0)
        self.s2c_head = SLOTS
        self.index_store(OFF_S2C + HEAD, self.s2c_head)
        self.sock.setblocking(False)

    def c2s_free(self):
        """slots of the client-to-server ring that the server gave back"""
        tail = self.index_load(OFF_C2S + TAIL)
        used = (self.c2s_head - tail) & 0xffff
        if used > SLOTS:
            raise PeerError("client-to-server ring: head %d, tail %d: %d slots in use of %d"
                            % (self.c2s_head & 0xffff, tail, used, SLOTS))
        return SLOTS - used

    def send_frames(self, frames):
        """Puts the frames that fit on the client-to-server ring, in order;
        returns how many."""
        n = min(len(frames), self.c2s_free())
        for f in frames[:n]:
            s = self.c2s_head & (SLOTS - 1)
            buf = OFF_BUF_C2S + s * BUF
            self.m[buf:buf + len(f)] = f
            struct.pack_into("<HHIII", self.m, OFF_C2S + DESC + 16 * s, 0, 0, len(f), buf, 0)
            self.c2s_head += 1
        # the descriptors before the head that publishes them (x86 keeps
        # stores in order)
        self.index_store(OFF_C2S + HEAD, self.c2s_head)
        self.sent += n
        return n

    def recv_frames(self):
        """The frames the server put on the server-to-client ring; their
        slots go back to it."""
        tail = self.index_load(OFF_S2C + TAIL)
        n = (tail - self.s2c_tail) & 0xffff
        if n > SLOTS:
            raise PeerError("server-to-client ring: tail %d, %d read: %d slots filled of %d"
                            % (tail, self.s2c_tail & 0xffff, n, SLOTS))
        out = []
        for _ in range(n):
            d = OFF_S2C + DESC + 16 * (self.s2c_tail & (SLOTS - 1))
            length, off = struct.unpack_from("<II", self.m, d + 4)
            out.append(bytes(self.m[off:off + length]))
            struct.pack_into("<I", self.m, d + 4, BUF)
            self.s2c_tail += 1
        self.received += n
        self.s2c_head += n
        self.index_store(OFF_S2C + HEAD, self.s2c_head)
        return out

    def tx(self, frame, n):
        self.send_frames([frame] * n)

    def rx(self):
        frames = self.recv_frames()
        if self.count:
            for f in frames:
                seq = struct.unpack_from("!I", f, SEQ_OFF)[0] if len(f) >= SEQ_OFF + 4 else -1
                if seq != self.next_seq:
                    self.out_of_order += 1
                self.next_seq = seq + 1

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
            if self.count:
                if self.received >= self.count:
                    break
                # one ring's worth in flight: the way back never overflows
                due = min(due, self.count - self.sent, SLOTS - (self.sent - self.received))
            if due > 0:
                if self.count:
                    # a head store per frame: the most index updates for
                    # the server to read
                    self.send_frames([numbered(frame, self.sent)])
                else:
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
    p.add_argument("--duration", type=float, default=1.0,
                   help="seconds (1); with --count, the most it waits")
    p.add_argument("--count", type=int, default=0,
                   help="send exactly N numbered frames and wait for them back")
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
                       "out_of_order": peer.out_of_order,
                       "connect_retries": peer.retries}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
