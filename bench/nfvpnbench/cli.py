"""nfvpn-bench: options and the run. See bench/README.md."""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time

from . import dut as dutmod
from . import crypto, output, plot, scenario
from .gen import Generator, GenError
from .search import NDR, PDR, Search

SIZES_DEFAULT = "64,512,1400,imix"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version():
    """The project's version, from the meson.build of the tree."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        with open(os.path.join(top, "meson.build")) as f:
            m = re.search(r"version:\s*'([^']+)'", f.read())
            return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def parse_rate(s):
    if s == "auto":
        return None
    mult = {"k": 1e3, "M": 1e6, "G": 1e9}
    if s and s[-1] in mult:
        return float(s[:-1]) * mult[s[-1]]
    return float(s)


def options(argv):
    p = argparse.ArgumentParser(
        prog="nfvpn-bench",
        description="NDR/PDR search of a device under test against nfvpn-gen over memif.")
    p.add_argument("--version", action="version", version="nfvpn-bench (nfvpn) " + version())
    p.add_argument("--scenario", default="forward",
                   help="forward, esp-encrypt, esp-decrypt or filter-N-rules (default forward)")
    p.add_argument("--dut", default="nfvpn",
                   help="nfvpn (nfvpn-dataplane with the scenario's policy), testpmd "
                        "(dpdk-testpmd io forwarding), or cmd (--dut-cmd)")
    p.add_argument("--dut-cmd", help="with --dut cmd: the command; {socket0} {socket1} "
                                     "{lcores} {prefix} are replaced; it is the memif server")
    p.add_argument("--dut-ready", help="with --dut cmd: a text its output prints when "
                                       "its ports run (wrap it in stdbuf -oL)")
    p.add_argument("--dut-wait", type=float, default=None,
                   help="with --dut cmd: seconds to wait after its memif sockets listen "
                        "(default 0 with --dut-ready, else 2)")
    p.add_argument("--compare", action="append", default=[],
                   help="a baseline run in the same run, size by size: testpmd, nfvpn, "
                        "forward (nfvpn-dataplane forwarding the same traffic in clear), "
                        "crypto (bench/esp/esp_raw.c, intel-ipsec-mb AES-128-GCM alone on "
                        "the worker core; ESP scenarios) or cmd:COMMAND; repeatable")
    p.add_argument("--sizes", default=SIZES_DEFAULT,
                   help="frame sizes, each a nfvpn-gen --size: 64,512,1400,imix (default)")
    p.add_argument("--duration", type=float, default=1.0, help="seconds per trial (1)")
    p.add_argument("--repetitions", type=int, default=1,
                   help="trials per rate; a rate passes when all of them do (1)")
    p.add_argument("--exceed-ratio", type=float, default=0.0,
                   help="share of a rate's trials allowed to lose more than the target "
                        "(MLRsearch); 0: none, as RFC 2544 (0)")
    p.add_argument("--precision", type=float, default=0.02,
                   help="relative width of the final NDR/PDR interval (0.02)")
    p.add_argument("--pdr-loss", type=float, default=PDR * 100,
                   help="loss of the partial drop rate, in %% (0.5)")
    p.add_argument("--max-rate", default="auto",
                   help="highest rate tried, pps (k/M/G); auto: the generator's limit "
                        "(--gen-limit), or without one the most it sent through the "
                        "device in --repetitions trials at full speed")
    p.add_argument("--gen-limit", default="loopback",
                   help="the generator's own limit, per size: loopback (measured first, "
                        "through dpdk-testpmd io forwarding on the same memif ports: the "
                        "most it sends and gets back; default), none, or a rate in pps")
    p.add_argument("--max-trials", type=int, default=60, help="per device and size (60)")
    p.add_argument("--flows", type=int, default=1024, help="UDP flows (1024)")
    p.add_argument("--dut-lcores", default="0,1",
                   help="EAL -l of the DUT: main lcore first, then its workers (0,1)")
    p.add_argument("--gen-lcore", default="0", help="the generator's one core (0)")
    p.add_argument("--workers", type=int, default=None,
                   help="testpmd forwarding cores (default: lcores of --dut-lcores - 1)")
    p.add_argument("--mem", default=os.environ.get("NFV_EAL_MEM", "--no-huge -m 1024"),
                   help="EAL memory options of the DUT ($NFV_EAL_MEM or '--no-huge -m 1024')")
    p.add_argument("--gen-mem", default="--no-huge -m 256",
                   help="EAL memory options of the generator ('--no-huge -m 256')")
    p.add_argument("--memif-rsize", type=int, default=None,
                   help="log2 of the memif rings of both ends (memif's rsize; DPDK's "
                        "default 10: 1024 slots); more absorbs scheduling stalls")
    p.add_argument("--nice", type=int, default=0,
                   help="run the device and the generator under nice -n N (e.g. -10 "
                        "on a machine that also builds)")
    p.add_argument("--build", default=None,
                   help="build directory (default: <repo>/build-native, which bench/native.sh "
                        "configures with -Dmarch=native and builds)")
    p.add_argument("--testpmd", default="dpdk-testpmd", help="the testpmd binary")
    p.add_argument("--out", default="bench-results", help="output folder (bench-results)")
    p.add_argument("--keep", action="store_true", help="keep the trials' files and logs")
    p.add_argument("--no-plot", action="store_true", help="no PNG (no gnuplot needed)")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    a = p.parse_args(argv)
    try:
        scenario.parse(a.scenario)
        a.max_rate_pps = parse_rate(a.max_rate)
        a.gen_limit_pps = None if a.gen_limit in ("loopback", "none") else parse_rate(a.gen_limit)
    except ValueError as e:
        p.error(str(e))
    if a.memif_rsize is not None and not 8 <= a.memif_rsize <= 15:
        p.error("--memif-rsize: 8..15")
    if a.dut not in ("nfvpn", "testpmd", "cmd"):
        p.error("--dut: nfvpn, testpmd or cmd")
    if a.dut == "cmd" and not a.dut_cmd:
        p.error("--dut cmd needs --dut-cmd")
    for c in a.compare:
        if c not in ("testpmd", "nfvpn", "forward", "crypto") and not c.startswith("cmd:"):
            p.error("--compare: testpmd, nfvpn, forward, crypto or cmd:COMMAND")
        if c == "crypto" and not a.scenario.startswith("esp-"):
            p.error("--compare crypto: only with esp-encrypt or esp-decrypt")
    if a.duration <= 0 or a.repetitions < 1 or not 0 < a.precision < 1 \
            or not 0 <= a.exceed_ratio < 1:
        p.error("--duration > 0, --repetitions >= 1, 0 < --precision < 1, "
                "0 <= --exceed-ratio < 1")
    return a


class Progress:
    def __init__(self, quiet):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.width = 0

    def show(self, text):
        if self.quiet:
            return
        if self.tty:
            sys.stderr.write("\r" + text.ljust(self.width)[:200])
            self.width = len(text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self):
        if not self.quiet and self.tty and self.width:
            sys.stderr.write("\n")
        self.width = 0


class Device:
    """A device of the run: how to start it for a scenario, and its results."""

    def __init__(self, name, role, kind, scenario_name, cleartext, extra=None):
        self.name = name
        self.role = role            # dut or baseline
        self.kind = kind            # nfvpn, testpmd, cmd
        self.scenario = scenario_name
        self.cleartext = cleartext  # the generator sends plain UDP
        self.extra = extra
        self.sizes = []

    def make(self, a, work):
        lcores, mem = a.dut_lcores, shlex.split(a.mem)
        if self.kind == "testpmd":
            workers = a.workers or max(1, len(expand(lcores)) - 1)
            return dutmod.Testpmd(self.name, work, lcores, mem, a.testpmd, workers)
        if self.kind == "nfvpn":
            d = dutmod.Nfvpn(self.name, work, lcores, mem,
                             os.path.join(a.build, "dataplane", "nfvpn-dataplane"),
                             os.path.join(work, self.name + "-policy.yaml"))
            scenario.policy(self.scenario, d.sockets, d.policy)
            return d
        wait = a.dut_wait if a.dut_wait is not None else (0.0 if a.dut_ready else 2.0)
        return dutmod.Command(self.name, work, lcores, mem, self.extra,
                              a.dut_ready if self.role == "dut" else None, wait)


def expand(lcores):
    out = []
    for part in lcores.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out += list(range(int(lo), int(hi) + 1))
        elif part:
            out.append(int(part))
    return out


def devices(a):
    main = Device({"nfvpn": "nfvpn", "testpmd": "testpmd", "cmd": "cmd"}[a.dut], "dut",
                  a.dut, a.scenario, a.dut != "nfvpn", a.dut_cmd)
    out = [main]
    for i, c in enumerate(a.compare):
        if c == "testpmd":
            out.append(Device("testpmd-io", "baseline", "testpmd", a.scenario, True))
        elif c in ("nfvpn", "forward"):
            out.append(Device("nfvpn-forward", "baseline", "nfvpn", "forward", True))
        elif c == "crypto":
            out.append(Device("raw-crypto", "baseline", "crypto", a.scenario, True))
        else:
            out.append(Device("cmd%d" % i, "baseline", "cmd", a.scenario, True, c[4:]))
    return out


def generator(a, dev_scenario, sockets, size, work, tag, cleartext, count_all, gen_limit):
    gargs = scenario.gen_args(dev_scenario, sockets, size, a.flows, cleartext)
    return Generator(dutmod.NICE + [os.path.join(a.build, "bench", "nfvpn-gen")],
                     ["-l", a.gen_lcore, "--no-pci", "--no-telemetry",
                      "--file-prefix", "nfvbench-gen-%d" % os.getpid(),
                      "--log-level", "lib.eal:error"] + shlex.split(a.gen_mem),
                     gargs, work, "gen-" + tag, count_all, gen_limit)


def gen_limit(a, size, work, prog):
    """The generator's own limit at this size, before any device: the
    scenario's traffic through dpdk-testpmd forwarding (io: no work, the
    same memif ports and lcores as a device), --repetitions trials at full
    speed. The limit is the best of min(sent, received) frames/s: what the
    generator can both offer and take back. Frames are counted, not
    signatures (ESP comes back as ESP)."""
    if a.gen_limit_pps:
        return {"rate_pps": a.gen_limit_pps, "how": "given"}
    if a.gen_limit == "none" or a.dut == "testpmd":
        return None  # testpmd as the device is the loopback itself
    dev = Device("loopback", "calibration", "testpmd", a.scenario, False)
    d = dev.make(a, work)
    gen = generator(a, a.scenario, d.sockets, size, work, "loopback-" + size, False, True, None)
    trials = []
    try:
        d.start()
        gen.start()
        for i in range(a.repetitions):
            prog.show("[generator %s] its limit through a loopback: trial %d at full speed"
                      % (size, i + 1))
            trials.append(gen.trial(0, a.duration, a.duration + 60))
    finally:
        d.stop()
        gen.stop()
        prog.done()
    best = max(trials, key=lambda t: min(t.tx_rate, t.rx_rate))
    return {"rate_pps": min(best.tx_rate, best.rx_rate), "how": "loopback",
            "tx_pps": best.tx_rate, "rx_pps": best.rx_rate, "loss_ratio": best.rx_loss,
            "trials": [t.as_dict() for t in trials]}


def search_one(a, dev, size, work, prog, limit):
    """The DUT and a generator started for one frame size, both searches,
    both stopped (the DUT first, and the generator's results are already
    written). limit: the generator's own (gen_limit()), or None."""
    d = dev.make(a, work)
    tag = "%s-%s" % (dev.name, size)
    lim = limit["rate_pps"] if limit else None
    gen = generator(a, dev.scenario, d.sockets, size, work, tag, dev.cleartext,
                    scenario.counts_all(dev.scenario, dev.cleartext), lim)
    timeout = a.duration + 60
    note = ""
    try:
        d.start()
        gen.start()
        if a.max_rate_pps:
            top = a.max_rate_pps
        elif lim:
            top = lim
        else:
            # the best of `repetitions` trials at full speed: one trial that a
            # neighbour slowed down would cap the whole search
            prog.show("[%s %s] calibrating: %d trial(s) at full speed"
                      % (dev.name, size, a.repetitions))
            top = max([gen.trial(0, a.duration, timeout).tx_rate
                       for _ in range(a.repetitions)] + [1000.0])

        def trial(rate):
            if not d.alive():
                raise dutmod.DutError(d.failure("exited during the search"))
            return gen.trial(rate, a.duration, timeout)

        state = {"what": "NDR"}

        def on_trial(rate, t, n):
            prog.show("[%s %s %s] trial %d: %.3f Mpps asked, %.3f sent, loss %.4f%%%s"
                      % (dev.name, size, state["what"], n, rate / 1e6, t.tx_rate / 1e6,
                         100 * t.loss, "" if t.valid else " (invalid: generator short)"))
        s = Search(trial, top, precision=a.precision, repetitions=a.repetitions,
                   max_trials=a.max_trials, on_trial=on_trial, exceed_ratio=a.exceed_ratio)
        ndr = s.run(NDR)
        state["what"] = "PDR"
        pdr = s.run(a.pdr_loss / 100)
        prog.done()
    finally:
        d.stop()
        gen.stop()
        note = d.exit_note
    at = ndr.trials.trials[-1] if ndr.trials else (pdr.trials.trials[-1] if pdr.trials else None)
    any_trial = next(t for m in s.measured.values() for t in m.trials + m.invalid)
    frame = any_trial.frame_bytes
    res = {"size": size, "frame_bytes": frame, "max_rate_pps": top, "trials": s.ntrials,
           "generator_limit_pps": lim,
           "ndr": dict(ndr.as_dict(), gbps=output.gbps(ndr.rate, frame)),
           "pdr": dict(pdr.as_dict(), gbps=output.gbps(pdr.rate, frame)),
           "latency_ns": None, "histogram": [],
           "measurements": [{"rate_pps": r, "trials": [t.as_dict() for t in m.trials],
                             "invalid": [t.as_dict() for t in m.invalid]}
                            for r, m in sorted(s.measured.items())]}
    if at is not None and at.latency.get("samples"):
        res["latency_ns"] = {k: v for k, v in at.latency.items() if k != "histogram"}
        res["histogram"] = at.latency.get("histogram", [])
    if note:
        res["dut_exit"] = note
    return res


def main(argv=None):
    a = options(sys.argv[1:] if argv is None else argv)
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    top = os.path.dirname(top)
    # bench/native.sh builds build-native, or says on stderr that a given
    # build is not tuned for this CPU
    native = subprocess.run([os.path.join(top, "bench", "native.sh")] + ([a.build] if a.build else []),
                            stdout=subprocess.PIPE, universal_newlines=True, check=False)
    if native.returncode != 0:
        sys.exit("nfvpn-bench: bench/native.sh failed")
    a.build = os.path.abspath(native.stdout.strip())
    for b in ("bench/nfvpn-gen", "dataplane/nfvpn-dataplane"):
        if not os.access(os.path.join(a.build, b), os.X_OK):
            sys.exit("nfvpn-bench: no %s in %s (ninja -C %s %s)" % (b, a.build, a.build, b))
    # the nft compiler the dataplane runs for filter scenarios: this build's
    os.environ.setdefault("NFVPN_NFTC", os.path.join(a.build, "control", "nftc", "nfvpn-nftc"))
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="trials-", dir=os.path.abspath(a.out)) if a.keep \
        else tempfile.mkdtemp(prefix="nfvpn-bench.")
    devs = devices(a)
    if a.memif_rsize is not None:
        scenario.MEMIF_EXTRA = ",rsize=%d" % a.memif_rsize
    if a.nice:
        dutmod.NICE[:] = ["nice", "-n", str(a.nice)]
    sizes = [s for s in a.sizes.split(",") if s]
    prog = Progress(a.quiet)
    started = time.time()
    results = {"version": 1, "tool": "nfvpn-bench",
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "command": "nfvpn-bench " + " ".join(shlex.quote(x) for x in (sys.argv[1:] if argv is None else argv)),
               "host": {"cpu": cpu_model(), "cpus": os.cpu_count(), "kernel": platform.release()},
               "scenario": a.scenario,
               "options": {"sizes": sizes, "duration_s": a.duration, "repetitions": a.repetitions,
                           "precision": a.precision, "pdr_loss": a.pdr_loss / 100,
                           "exceed_ratio": a.exceed_ratio, "nice": a.nice,
                           "gen_limit": a.gen_limit,
                           "memif_rsize": a.memif_rsize,
                           "flows": a.flows, "max_rate": a.max_rate, "dut_lcores": a.dut_lcores,
                           "gen_lcore": a.gen_lcore},
               "duts": [], "generator_limits": {}}
    status = 0
    try:
        # size by size, every device in turn: a baseline sees the machine as
        # the device did
        for size in sizes:
            limit = gen_limit(a, size, work, prog)
            results["generator_limits"][size] = limit
            for dev in devs:
                if dev.kind == "crypto":
                    dev.sizes.append(crypto.measure(a, size, work, prog))
                else:
                    dev.sizes.append(search_one(a, dev, size, work, prog, limit))
    except (GenError, dutmod.DutError, crypto.CryptoError, RuntimeError) as e:
        prog.done()
        sys.stderr.write("nfvpn-bench: %s\n" % e)
        status = 1
    results["duts"] = [{"name": d.name, "role": d.role, "kind": d.kind,
                        "scenario": d.scenario, "cleartext": d.cleartext, "sizes": d.sizes}
                       for d in devs]
    results["ratios"] = output.ratios(results)
    results["elapsed_s"] = round(time.time() - started, 1)
    base = os.path.join(a.out, a.scenario)
    output.write_json(results, base + ".json")
    output.write_csv(results, base + ".csv")
    with open(base + ".md", "w") as f:
        f.write(output.markdown(results))
    files = [base + ".json", base + ".csv", base + ".md"]
    if not a.no_plot and any(d.sizes for d in devs):
        if not plot.have_gnuplot():
            sys.stderr.write("nfvpn-bench: no gnuplot (Debian gnuplot-nox): no PNG\n")
            status = status or 1
        else:
            for fn, name in ((plot.throughput, "-throughput.png"), (plot.latency, "-latency.png")):
                err = fn(results, base + name, work)
                if err:
                    sys.stderr.write("nfvpn-bench: %s\n" % err)
                    status = status or 1
                else:
                    files.append(base + name)
    sys.stdout.write("scenario %s, %s, %s\n" % (a.scenario, results["host"]["cpu"], results["date"]))
    sys.stdout.write(output.table(results))
    sys.stdout.write("files: %s\n" % " ".join(files))
    if not a.keep:
        for f in os.listdir(work):
            os.unlink(os.path.join(work, f))
        os.rmdir(work)
    return status
