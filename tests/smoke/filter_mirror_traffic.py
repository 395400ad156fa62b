#!/usr/bin/python3
"""UDP traffic for filter_mirror_test.sh.

  send DST SECONDS RATE      one packet to each of ports 7000, 7001, 7002
                             RATE times a second, payload "seq time"
  recv OUT SECONDS           writes "port seq sent_time" per packet received
  check OUT EVENTS           checks what the receiver saw against the
                             times of the changes (EVENTS: "name t0 t1")
"""
import select, socket, sys, time

PORTS = (7000, 7001, 7002)


def send(dst, secs, rate):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end = time.time() + secs
    seq = 0
    while time.time() < end:
        now = time.time()
        for p in PORTS:
            s.sendto(b"%d %.6f" % (seq, now), (dst, p))
        seq += 1
        time.sleep(max(0.0, now + 1.0 / rate - time.time()))
    print(seq)


def recv(out, secs):
    socks = []
    for p in PORTS:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", p))
        socks.append(s)
    end = time.time() + secs
    with open(out, "w") as f:
        while time.time() < end:
            r, _, _ = select.select(socks, [], [], 0.2)
            for s in r:
                data = s.recv(100).split()
                f.write("%d %s %s\n" % (s.getsockname()[1], data[0].decode(), data[1].decode()))


def check(out, events_file):
    got = {p: {} for p in PORTS}
    for line in open(out):
        p, seq, t = line.split()
        got[int(p)][int(seq)] = float(t)
    ev = {}
    for line in open(events_file):
        name, t0, t1 = line.split()
        ev[name] = (float(t0), float(t1))
    errors = []
    # 7002 is accepted by every version: no packet lost across the swaps
    seqs = sorted(got[7002])
    if not seqs or seqs != list(range(seqs[-1] + 1)):
        errors.append("7002: %d packets, lost some: %s" % (len(seqs), sorted(set(range(seqs[-1] + 1)) - set(seqs))[:10] if seqs else "all"))
    # 7001 passes until "drop7001" took effect, then never again: a prefix
    s1 = sorted(got[7001])
    if not s1 or s1 != list(range(s1[-1] + 1)):
        errors.append("7001: received packets are not a prefix: %s" % s1[-10:])
    late = [q for q, t in got[7001].items() if t > ev["drop7001"][1] + 0.01]
    if late:
        errors.append("7001: %d packets sent after the rule applied got through" % len(late))
    if s1 and got[7001][s1[-1]] < ev["drop7001"][0] - 0.5:
        errors.append("7001: stopped before the rule was added")
    # 7000 is dropped until "accept7000" took effect, then always: a suffix
    s0 = sorted(got[7000])
    if not s0 or s0 != list(range(s0[0], s0[-1] + 1)):
        errors.append("7000: received packets are not contiguous: %s" % s0[:10])
    early = [q for q, t in got[7000].items() if t < ev["accept7000"][0]]
    if early:
        errors.append("7000: %d packets sent before the rule was deleted got through" % len(early))
    if s0 and got[7000][s0[0]] > ev["accept7000"][1] + 0.05:
        errors.append("7000: started %.3f s after the change applied" % (got[7000][s0[0]] - ev["accept7000"][1]))
    print("7000: %d, 7001: %d, 7002: %d packets" % (len(s0), len(s1), len(seqs)))
    for name, (t0, t1) in sorted(ev.items()):
        print("%s: the dataplane followed %.0f ms after nft ran" % (name, (t1 - t0) * 1000))
    for e in errors:
        print("FAIL", e)
    return 1 if errors else 0


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif sys.argv[1] == "recv":
        recv(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
