#!/usr/bin/python3
"""Unit tests of the ring code of tests/smoke/memif_peer.py, the Python
memif client of the smoke tests and of ci/demo_lan.py (issue 17: site B's
LAN port once took about 65,536 stale frames in demo_test).

- An index is stored and loaded whole: a second process that polls it, as
  the PMD does, never sees it go back (struct.pack_into() zero-fills the
  field first and then writes it a byte at a time: it went back to 0
  thousands of times a second here).
- The 16-bit indices wrap: 70,000 numbered frames through a stand-in server
  that does the PMD's uint16 arithmetic (drivers/net/memif eth_memif_rx /
  eth_memif_tx, server side), starting 100 slots before the wrap, come
  back exactly, in order.
- A peer that connects again starts its indices from 0, as the server
  zeroes the rings on CONNECT; an index no server can make is an error.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "smoke"))
import memif_peer as mp  # noqa: E402


def peer(sock="unused", count=0):
    return mp.Peer(argparse.Namespace(socket=sock, abstract=True, id=0, count=count))


class StandInServer:
    """The server side of both rings of a peer's region, with the PMD's
    arithmetic: uint16 indices, n = (b - a) mod 2^16 (copy mode)."""

    def __init__(self, p, start):
        self.p = p
        self.last_head = start          # mq->last_head of the rx queue (C2S)
        p.index_store(mp.OFF_C2S + mp.TAIL, start)
        p.index_store(mp.OFF_S2C + mp.TAIL, start)

    def rx(self, burst=32):
        head = self.p.index_load(mp.OFF_C2S + mp.HEAD)
        n = min((head - self.last_head) & 0xffff, burst)
        out = []
        for _ in range(n):
            d = mp.OFF_C2S + mp.DESC + 16 * (self.last_head & (mp.SLOTS - 1))
            length, off = struct.unpack_from("<II", self.p.m, d + 4)
            out.append(bytes(self.p.m[off:off + length]))
            self.last_head = (self.last_head + 1) & 0xffff
        self.p.index_store(mp.OFF_C2S + mp.TAIL, self.last_head)
        return out

    def tx(self, frames):
        tail = self.p.index_load(mp.OFF_S2C + mp.TAIL)
        n_free = (self.p.index_load(mp.OFF_S2C + mp.HEAD) - tail) & 0xffff
        assert n_free <= mp.SLOTS, "the peer offered %d slots" % n_free
        n = min(n_free, len(frames))
        for f in frames[:n]:
            d = mp.OFF_S2C + mp.DESC + 16 * (tail & (mp.SLOTS - 1))
            off = struct.unpack_from("<I", self.p.m, d + 8)[0]
            self.p.m[off:off + len(f)] = f
            struct.pack_into("<I", self.p.m, d + 4, len(f))
            tail = (tail + 1) & 0xffff
        self.p.index_store(mp.OFF_S2C + mp.TAIL, tail)
        return n


def offer_s2c(p, start):
    """what Peer.connect() does once CONNECTED, from index START"""
    p.c2s_head = p.s2c_tail = start
    for s in range(mp.SLOTS):
        struct.pack_into("<HHIII", p.m, mp.OFF_S2C + mp.DESC + 16 * s, 0, 0, mp.BUF,
                         mp.OFF_BUF_S2C + s * mp.BUF, 0)
    p.s2c_head = start + mp.SLOTS
    p.index_store(mp.OFF_S2C + mp.HEAD, p.s2c_head)


def two_cpus():
    return len(os.sched_getaffinity(0)) >= 2


class IndexAccess(unittest.TestCase):
    SECONDS = 1.0

    # a ring index crossing a multiple of 256, back and forth: both bytes
    # change, as they do 256 times a wrap
    VALUES = (0x00ff, 0x0100)

    def poll(self, writer, reader):
        """WRITER(v) stores VALUES in turn in a child process; READER()
        polls here: how many of the values it read were neither (a mix of
        the bytes of both, or struct's zero-fill)"""
        pid = os.fork()
        if pid == 0:
            try:
                end = time.monotonic() + self.SECONDS
                while time.monotonic() < end:
                    for _ in range(2048):
                        writer(0x00ff)
                        writer(0x0100)
            finally:
                os._exit(0)
        torn = reads = 0
        end = time.monotonic() + self.SECONDS
        while time.monotonic() < end:
            for _ in range(4096):
                if reader() not in self.VALUES:
                    torn += 1
            reads += 4096
        os.waitpid(pid, 0)
        return torn, reads

    @unittest.skipUnless(two_cpus(), "needs two CPUs: the poller must run beside the writer")
    def test_store_is_whole(self):
        p = peer()
        u16 = p.m.cast("H")
        p.index_store(mp.OFF_C2S + mp.HEAD, self.VALUES[0])
        torn, reads = self.poll(lambda v: p.index_store(mp.OFF_C2S + mp.HEAD, v),
                                lambda: u16[(mp.OFF_C2S + mp.HEAD) >> 1])
        self.assertEqual(torn, 0, "a poller read a head never stored %d times in %d reads"
                         % (torn, reads))

    @unittest.skipUnless(two_cpus(), "needs two CPUs: the writer must run beside the poller")
    def test_load_is_whole(self):
        p = peer()
        u16 = p.m.cast("H")
        off = (mp.OFF_S2C + mp.TAIL) >> 1

        u16[off] = self.VALUES[0]

        def store(v):
            u16[off] = v
        torn, reads = self.poll(store, lambda: p.index_load(mp.OFF_S2C + mp.TAIL))
        self.assertEqual(torn, 0, "a tail never stored was read %d times in %d reads"
                         % (torn, reads))

    def test_index_layout(self):
        """the offsets of memif_ring_t (memif.h): head at 6, tail at 64"""
        p = peer()
        p.index_store(mp.OFF_S2C + mp.HEAD, 0x1234)
        p.index_store(mp.OFF_S2C + mp.TAIL, 0x10005)     # taken mod 2^16
        self.assertEqual(struct.unpack_from("<H", p.m, mp.OFF_S2C + 6)[0], 0x1234)
        self.assertEqual(struct.unpack_from("<H", p.m, mp.OFF_S2C + 64)[0], 5)
        self.assertEqual(p.index_load(mp.OFF_S2C + mp.TAIL), 5)


class Wrap(unittest.TestCase):
    def loop(self, start, frames, count, burst):
        """COUNT frames from the peer through the stand-in server and back,
        at most BURST a turn; the numbers that came back"""
        p = peer(count=count)
        srv = StandInServer(p, start & 0xffff)
        p.index_store(mp.OFF_C2S + mp.HEAD, start)
        offer_s2c(p, start)
        back = []
        pending = []
        turns = 0
        while len(back) < count:
            turns += 1
            self.assertLess(turns, 20 * count, "stuck: %d of %d back" % (len(back), count))
            room = min(burst, count - p.sent, mp.SLOTS - (p.sent - p.received))
            p.send_frames([mp.numbered(frames, p.sent + k) for k in range(room)])
            pending += srv.rx(burst)
            pending = pending[srv.tx(pending):]
            back += [struct.unpack_from("!I", f, mp.SEQ_OFF)[0] for f in p.recv_frames()]
        return p, back

    def test_across_the_wrap(self):
        frame = mp.udp_frame(b"\2" * 6, b"\4" * 6, "10.2.0.2", "100.64.0.1", 1024, 60)
        start = 0x10000 - 100
        p, back = self.loop(start, frame, 70000, 32)
        self.assertEqual(p.sent, 70000)
        self.assertEqual(p.received, 70000)
        self.assertEqual(back, list(range(70000)))
        # the indices went round the 16-bit space and past the start again
        self.assertGreater(p.c2s_head, 0x10000 + start)
        self.assertEqual(p.index_load(mp.OFF_C2S + mp.HEAD), p.c2s_head & 0xffff)
        self.assertEqual(p.index_load(mp.OFF_S2C + mp.HEAD), p.s2c_head & 0xffff)

    def test_full_ring_at_the_wrap(self):
        """a full ring whose used slots straddle the wrap: nothing more goes in"""
        frame = mp.udp_frame(b"\2" * 6, b"\4" * 6, "10.2.0.2", "100.64.0.1", 1024, 60)
        p = peer()
        StandInServer(p, 0xffff - 10)
        p.c2s_head = 0xffff - 10
        self.assertEqual(p.send_frames([frame] * (mp.SLOTS + 5)), mp.SLOTS)
        self.assertEqual(p.c2s_free(), 0)
        self.assertEqual(p.send_frames([frame]), 0)
        self.assertEqual(p.index_load(mp.OFF_C2S + mp.HEAD), (0xffff - 10 + mp.SLOTS) & 0xffff)

    def test_impossible_index(self):
        """a tail that went back: more slots in use than the ring has"""
        p = peer()
        StandInServer(p, 0)
        offer_s2c(p, 0)
        p.c2s_head = 10
        p.index_store(mp.OFF_C2S + mp.TAIL, 24)       # consumed more than sent
        with self.assertRaises(mp.PeerError):
            p.c2s_free()
        p.index_store(mp.OFF_S2C + mp.TAIL, 0xffff)   # filled before our first slot
        with self.assertRaises(mp.PeerError):
            p.recv_frames()


class Reconnect(unittest.TestCase):
    """A peer that leaves and connects again: the server zeroes both rings'
    indices on CONNECT (memif_connect()); the peer's must follow."""

    def serve(self, lsock, heads):
        """a stand-in server: per connection, the handshake, zeroing the
        rings on CONNECT, then the C2S head it finds after the peer's
        DISCONNECT"""
        for _ in range(2):
            conn, _ = lsock.accept()
            conn.send(mp.msg(mp.T_HELLO))
            region = None
            while True:
                data, anc, _, _ = conn.recvmsg(mp.MSG_SIZE, socket.CMSG_SPACE(4))
                mtype = struct.unpack_from("<H", data)[0]
                fds = [struct.unpack_from("i", a[2])[0] for a in anc]
                if mtype == mp.T_ADD_REGION:
                    region = fds[0]
                if mtype in (mp.T_INIT, mp.T_ADD_REGION, mp.T_ADD_RING):
                    for fd in fds[1:] if mtype == mp.T_ADD_REGION else fds:
                        os.close(fd)
                    conn.send(mp.msg(mp.T_ACK))
                elif mtype == mp.T_CONNECT:
                    with open(region, "r+b", buffering=0, closefd=False) as f:
                        for off in (mp.OFF_C2S, mp.OFF_S2C):
                            for field in (mp.HEAD, mp.TAIL):
                                f.seek(off + field)
                                f.write(b"\0\0")
                    conn.send(mp.msg(mp.T_CONNECTED))
                elif mtype == mp.T_DISCONNECT:
                    with open(region, "rb", buffering=0, closefd=False) as f:
                        f.seek(mp.OFF_C2S + mp.HEAD)
                        heads.append(struct.unpack("<H", f.read(2))[0])
                    os.close(region)
                    conn.close()
                    break

    def test_indices_restart(self):
        name = "nfvpn-test-memif-peer-%d" % os.getpid()
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        lsock.bind("\0" + name)
        lsock.listen(1)
        heads = []
        t = threading.Thread(target=self.serve, args=(lsock, heads), daemon=True)
        t.start()
        frame = mp.udp_frame(b"\2" * 6, b"\4" * 6, "10.2.0.2", "100.64.0.1", 1024, 60)
        p = peer(name)
        for frames in (100, 1):
            p.connect()
            self.assertEqual(p.index_load(mp.OFF_S2C + mp.HEAD), mp.SLOTS)
            self.assertEqual(p.send_frames([frame] * frames), frames)
            p.disconnect()
        t.join(5)
        lsock.close()
        # the second connection's head counts its own one frame, not 101
        self.assertEqual(heads, [100, 1])


if __name__ == "__main__":
    unittest.main()
