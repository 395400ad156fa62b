#!/usr/bin/python3
"""Management clients that misbehave, and one that measures, for
mgmt_slow_client_test.sh. Speaks config/nfv_msg.h directly.

  mgmt_clients.py SOCK flood N       N stats requests, never reads, holds
  mgmt_clients.py SOCK subscribe     events + a trace of everything, never reads, holds
  mgmt_clients.py SOCK idle N        N connections that say nothing, held
  mgmt_clients.py SOCK txn-silent    begins a transaction, then says nothing, holds
  mgmt_clients.py SOCK txn-begin     begins and aborts a transaction: prints its status
  mgmt_clients.py SOCK status N      N status requests on fresh connections:
                                     prints the slowest answer in ms, fails on none
"""
import socket
import struct
import sys
import time

HDR = struct.Struct("=IHHIi")  # len, type, version, seq, status
VERSION = 1
STATUS, STATS = 1, 6
TXN_BEGIN, TXN_ABORT, EVENTS, TRACE = 64, 67, 68, 72


def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def send(s, mtype, payload=b"", seq=1):
    s.sendall(HDR.pack(len(payload), mtype, VERSION, seq, 0) + payload)


def recv_msg(s, timeout):
    s.settimeout(timeout)
    buf = b""
    while len(buf) < HDR.size:
        chunk = s.recv(HDR.size - len(buf))
        if not chunk:
            raise EOFError("closed")
        buf += chunk
    length, mtype, _, seq, status = HDR.unpack(buf)
    body = b""
    while len(body) < length:
        chunk = s.recv(length - len(body))
        if not chunk:
            raise EOFError("closed")
        body += chunk
    return mtype, status, body


def hold():
    while True:
        time.sleep(3600)


def main():
    path, what = sys.argv[1], sys.argv[2]
    if what == "flood":
        s = conn(path)
        s.setblocking(False)
        sent = 0
        for i in range(int(sys.argv[3])):
            try:
                send(s, STATS, seq=i + 1)
                sent += 1
            except BlockingIOError:
                break
        print(f"flood: {sent} requests sent", flush=True)
        hold()
    elif what == "subscribe":
        s = conn(path)
        send(s, EVENTS, seq=1)
        # count 100000 per worker, any family, protocol, address, port
        send(s, TRACE, struct.pack("=IBBBB16s16sHH", 100000, 0, 0, 0, 0, b"", b"", 0, 0), seq=2)
        print("subscribe: events and a trace asked for, not reading", flush=True)
        hold()
    elif what == "idle":
        keep = [conn(path) for _ in range(int(sys.argv[3]))]
        print(f"idle: {len(keep)} connections", flush=True)
        hold()
    elif what == "txn-silent":
        s = conn(path)
        send(s, TXN_BEGIN, struct.pack("=QQII", 0, 0, 0, 0))
        _, status, _ = recv_msg(s, 5)
        print(f"txn-silent: begin status {status}", flush=True)
        if status != 0:
            sys.exit(1)
        hold()
    elif what == "txn-begin":
        s = conn(path)
        send(s, TXN_BEGIN, struct.pack("=QQII", 0, 0, 0, 0))
        _, status, body = recv_msg(s, 5)
        print(status, body.rstrip(b"\0").decode(errors="replace") if status else "")
        if status == 0:
            send(s, TXN_ABORT, seq=2)
            recv_msg(s, 5)
    elif what == "status":
        worst = 0.0
        for i in range(int(sys.argv[3])):
            t0 = time.monotonic()
            s = conn(path)
            send(s, STATUS, seq=i + 1)
            mtype, status, _ = recv_msg(s, 10)
            worst = max(worst, (time.monotonic() - t0) * 1000)
            s.close()
            if mtype != STATUS or status != 0:
                sys.exit(f"status: type {mtype}, status {status}")
            time.sleep(0.05)
        print(f"{worst:.1f}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
