#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Start-up time of nfvpn-dataplane with a remote-access policy of PEERS
peers (bench/esp/mkpolicy_ra.py: 2 SAs and 4 policies a peer), for one or
more builds, runs interleaved (build A, B, A, B, ...):

  startup.py [--peers N] [--runs R] [--nets LIST] NAME=DATAPLANE_BINARY...

Each run starts the dataplane on two net_null ports (-l 0,1, --no-huge
-m 1024 unless NFV_EAL_MEM says otherwise) and measures, at the line
"nfvpn-dataplane: running" (printed once every control module has
applied its part of the policy, before the workers start): the wall
time since exec, and the CPU time the process used until then
(utime + stime of /proc/PID/stat, 10 ms ticks; the main lcore alone is
busy then, so it does not count what the rest of the machine does),
and the dataplane's own log line "ipsec: N SA(s), M policies (SAs +
policies ms, classifiers ms)" where the build has one.
A dataplane that exits instead (a policy it refuses) is reported with
the last lines it logged. Prints each run and the medians. Needs root
(DPDK); hold /tmp/nfvpn-dpdk.lock on a shared machine.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkpolicy_ra  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def one_run(binary, policy, work, tag, mem):
    sock = os.path.join(work, "sock-%s" % tag)
    cmd = [binary, "-l", "0,1", "--no-pci", "--file-prefix", "bsu%d%s" % (os.getpid(), tag)] + \
        shlex.split(mem) + ["--log-level", "lib.eal:warning", "--", "--config", policy,
                            "--socket", sock]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    wall = cpu = None
    for line in p.stdout:
        lines.append(line.rstrip())
        if "nfvpn-dataplane: running" in line:
            wall = time.monotonic() - t0
            cpu = cpu_seconds(p.pid)
            break
    if wall is not None:
        p.send_signal(2)
        p.communicate(timeout=60)
    else:
        p.wait(timeout=60)
    ipsec = next((x.split("ipsec: ", 1)[1] for x in lines if "ipsec: " in x), "")
    return wall, cpu, ipsec, lines[-5:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peers", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--nets", default="10.0.0.0/8,172.16.0.0/12")
    ap.add_argument("builds", nargs="+", metavar="NAME=BINARY")
    a = ap.parse_args()
    builds = [b.split("=", 1) for b in a.builds]
    mem = os.environ.get("NFV_EAL_MEM", "--no-huge -m 1024")
    nets = a.nets.split(",")
    with tempfile.TemporaryDirectory(prefix="nfvpn-startup.") as work:
        policy = os.path.join(work, "ra.yaml")
        fd = os.open(policy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(mkpolicy_ra.policy(a.peers, nets, "net_null_su0,no-rx=1",
                                       "net_null_su1,no-rx=1", True, True))
        print("# %d peers: %d SAs, %d policies; %s; runs interleaved" %
              (a.peers, 2 * a.peers, 2 * a.peers * len(nets), mem))
        res = {name: [] for name, _ in builds}
        for r in range(a.runs):
            for i, (name, binary) in enumerate(builds):
                wall, cpu, ipsec, tail = one_run(binary, policy, work, "%d%d" % (r, i), mem)
                if wall is None:
                    print("run %d %-12s did not start:" % (r, name))
                    for t in tail:
                        print("    " + t)
                    continue
                res[name].append((wall, cpu))
                print("run %d %-12s wall %7.3f s  cpu %7.2f s  %s" % (r, name, wall, cpu, ipsec))
                sys.stdout.flush()
        print()
        for name, _ in builds:
            v = res[name]
            if not v:
                print("%-12s no run started" % name)
                continue
            print("%-12s median wall %7.3f s  cpu %7.2f s  (%d runs)" %
                  (name, statistics.median(x[0] for x in v),
                   statistics.median(x[1] for x in v), len(v)))


if __name__ == "__main__":
    main()
