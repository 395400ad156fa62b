#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet rate of a running DPDK program, from outside, through its
telemetry socket (/var/run/dpdk/PREFIX/dpdk_telemetry.v2, which every
DPDK 22.11 process opens unless told --no-telemetry): the peers of the
benchmarks (l3fwd, ipsec-secgw) print no rates of their own.

  ethrate.py PREFIX PORT SECONDS [PID]

Waits (up to 20 s) for the socket and then for the port's first
transmitted packet, lets 0.2 s pass, then reads /ethdev/stats,PORT at the
start and at the end of SECONDS and prints one line:
  MPPS OPACKETS OERRORS
(the Mpps of opackets over that interval; the counts over it). Exit 1,
with the reason on stderr, when the socket never comes up, PID (if
given) exits, or the port sends nothing."""
import json
import os
import socket
import sys
import time

WAIT = 20.0


def alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead too
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def fail(msg):
    print("ethrate: " + msg, file=sys.stderr)
    sys.exit(1)


def connect(path, pid):
    end = time.monotonic() + WAIT
    while time.monotonic() < end and alive(pid):
        if os.path.exists(path):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                s.connect(path)
                json.loads(s.recv(16384).decode())  # the greeting
                return s
            except (OSError, ValueError):
                s.close()
        time.sleep(0.1)
    fail("no telemetry socket %s%s" % (path, "" if alive(pid) else " (the program exited)"))


def stats(s, port):
    s.send(("/ethdev/stats,%d" % port).encode())
    d = json.loads(s.recv(65536).decode())["/ethdev/stats"]
    if not isinstance(d, dict):
        fail("no port %d" % port)
    return time.monotonic(), d["opackets"], d["oerrors"]


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    prefix, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    pid = int(sys.argv[4]) if len(sys.argv) == 5 else None
    s = connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix, pid)
    end = time.monotonic() + WAIT
    try:
        while stats(s, port)[1] == 0:
            if time.monotonic() > end or not alive(pid):
                fail("port %d sent nothing%s" % (port, "" if alive(pid) else " (the program exited)"))
            time.sleep(0.05)
        time.sleep(0.2)
        t0, p0, e0 = stats(s, port)
        time.sleep(secs)
        t1, p1, e1 = stats(s, port)
    except (OSError, ValueError, KeyError) as e:
        fail("telemetry: %s" % e)
    print("%.3f %d %d" % ((p1 - p0) / (t1 - t0) / 1e6, p1 - p0, e1 - e0))


if __name__ == "__main__":
    main()
