#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Steady UDP traffic for memif_churn_test.sh, through the kernel.

  send OUT RATE DST...   round robin to every DST (UDP port 9000), RATE
                         datagrams/s in all, each carrying its destination's
                         sequence number, until SIGTERM; then writes OUT:
                         {"DST": sent, ...}
  recv OUT               counts distinct sequence numbers received on UDP
                         port 9000 until SIGTERM (or the interface goes
                         away); writes OUT: {"received": n, "first": t0,
                         "last": t1}
"""
import json
import signal
import socket
import struct
import sys
import time

PORT = 9000
stop = False


def on_term(*_):
    global stop
    stop = True


def send(out, rate, dsts):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = {d: 0 for d in dsts}
    pad = bytes(50)
    start = time.monotonic()
    n = 0
    while not stop:
        due = int((time.monotonic() - start) * rate)
        if n >= due:
            time.sleep(0.0005)
            continue
        d = dsts[n % len(dsts)]
        try:
            s.sendto(struct.pack("!Q", sent[d]) + pad, (d, PORT))
            sent[d] += 1
        except OSError:
            pass	# no route, no buffer: not sent, not counted
        n += 1
    with open(out, "w") as f:
        json.dump(sent, f)


def recv(out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", PORT))
    s.settimeout(0.2)
    seen = set()
    first = last = None
    while not stop:
        try:
            data = s.recv(2048)
        except socket.timeout:
            continue
        except OSError:
            break
        seen.add(struct.unpack_from("!Q", data)[0])
        last = time.time()
        first = first or last
    with open(out, "w") as f:
        json.dump({"received": len(seen), "first": first, "last": last}, f)


def main():
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if sys.argv[1] == "send":
        send(sys.argv[2], float(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1] == "recv":
        print("listening", flush=True)
        recv(sys.argv[2])
    else:
        sys.exit("usage: churn_traffic.py send OUT RATE DST... | recv OUT")


if __name__ == "__main__":
    main()
