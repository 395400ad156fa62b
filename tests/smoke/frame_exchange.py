"""Frames sent one at a time into the dataplane and what it sent back,
for the tests that compare two runs byte for byte (flowtable_traffic.py,
ftesp_traffic.py).

send_and_record() sniffs on a0 and b0 for the frames whose source MAC is
one of the dataplane's ports, sends the given (interface, frame) pairs
30 ms apart (so that the output's order is the input's), and writes what
came back as JSON. compare() fails unless two such recordings hold the
same frames in the same order on each interface.
"""
import json
import threading
import time

from scapy.all import AsyncSniffer, Ether, sendp

# after the last frame, the dataplane's answers are on the wire within
# milliseconds; this covers a sanitized build polling four workers on
# one core
SETTLE_S = 0.5


def send_and_record(frames, out, phase, macs):
    ready = threading.Event()
    sn = AsyncSniffer(iface=["a0", "b0"], store=True, started_callback=ready.set,
                      lfilter=lambda p: Ether in p and p[Ether].src in macs)
    sn.start()
    if not ready.wait(10):
        raise SystemExit("the sniffer did not start")
    for iface, f in frames:
        sendp(f, iface=iface)
        time.sleep(0.03)
    time.sleep(SETTLE_S)
    got = [[p.sniffed_on, bytes(p).hex()] for p in sn.stop()]
    with open(out, "w") as fh:
        json.dump(got, fh)
    print("phase %s: %d frames sent, %d from the dataplane" % (phase, len(frames), len(got)))


def compare(plain, offload, none_ok=False):
    with open(plain) as fh:
        x = json.load(fh)
    with open(offload) as fh:
        y = json.load(fh)
    for iface in ("a0", "b0"):
        xa = [h for i, h in x if i == iface]
        ya = [h for i, h in y if i == iface]
        if xa != ya:
            for k, (p, q) in enumerate(zip(xa, ya)):
                if p != q:
                    print("%s frame %d differs:\n plain   %s\n offload %s" % (iface, k, p, q))
                    break
            raise SystemExit("%s: %d frames without flow add, %d with, not the same"
                             % (iface, len(xa), len(ya)))
    if not x and not none_ok:
        raise SystemExit("no frame came out")
    print("same %d frames" % len(x))
