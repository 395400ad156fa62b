#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""esp_module_bench of one or more builds, interleaved, medians: the
module's cycles per packet with one SA and with traffic spread over the
SAs of PEERS remote-access peers (esp_module_bench's PEERS argument).

  module_ab.py [--runs R] [--size S] [--rounds N] [--peers "1 5000"]
               NAME=ESP_MODULE_BENCH...

Every run of every build and peer count comes in turn (build A, B, ...,
then the next peer count, then the next run), so that what else the
machine does hits them alike; prints each run, then per build and peer
count the medians of esp-output and esp-input, and the one-SA figure
over each (the rate with all the SAs as a fraction of the one-SA rate,
for the module alone).
"""
import argparse
import re
import statistics
import subprocess


def run(binary, size, rounds, peers):
    out = subprocess.run([binary, str(size), str(rounds), "both", "0", "acl", str(peers)],
                         capture_output=True, text=True, check=True).stdout
    enc = float(re.search(r"esp-output ([0-9.]+)", out).group(1))
    dec = float(re.search(r"esp-input ([0-9.]+)", out).group(1))
    return enc, dec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=100000)
    ap.add_argument("--peers", default="1 5000")
    ap.add_argument("builds", nargs="+", metavar="NAME=BINARY")
    a = ap.parse_args()
    builds = [b.split("=", 1) for b in a.builds]
    peers = [int(p) for p in a.peers.split()]
    res = {}
    print("# size %d, %d bursts of 32 per run, %d runs, cycles per packet (thread CPU time)"
          % (a.size, a.rounds, a.runs))
    for r in range(a.runs):
        for p in peers:
            for name, binary in builds:
                enc, dec = run(binary, a.size, a.rounds, p)
                res.setdefault((name, p), []).append((enc, dec))
                print("run %d %-10s peers %5d  esp-output %7.1f  esp-input %7.1f" % (r, name, p, enc, dec),
                      flush=True)
    print()
    print("%-10s %6s %11s %11s %14s %14s" % ("build", "peers", "output", "input",
                                            "1 SA / output", "1 SA / input"))
    for name, _ in builds:
        one = None
        for p in peers:
            v = res[(name, p)]
            enc = statistics.median(x[0] for x in v)
            dec = statistics.median(x[1] for x in v)
            if one is None:
                one = (enc, dec)
            print("%-10s %6d %11.1f %11.1f %14.2f %14.2f" % (name, p, enc, dec, one[0] / enc, one[1] / dec))


if __name__ == "__main__":
    main()
