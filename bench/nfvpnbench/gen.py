"""nfvpn-gen driven in --trials mode: one process, its memif ports connected
once, many trials (DPDK 22.11's memif may crash a peer whose partner comes
and goes, and a reconnect costs seconds)."""
import json
import os
import select
import subprocess
import time

# 0.2 %: the pacing's granularity; a generator that could not offer more
# than that below the rate asked for did not test the rate
SHORTFALL_TOLERANCE = 0.002


class Trial:
    """One run of the generator, read from its JSON.

    The loss that the search compares with its target is counted against
    the rate asked for: frames the generator was asked to offer and that did
    not come back, (asked - received) / asked, once the generator fell short
    of the rate by more than SHORTFALL_TOLERANCE (its pacing); otherwise
    against what it sent, so that a frame or two of pacing is no loss.

    A shortfall means one of two things over memif, where a device that
    does not take its frames holds the generator back: the device pushed
    back (its loss), or the generator cannot send that fast (nobody's).
    gen_limit tells them apart: the rate the generator was shown to reach
    through a loopback (nfvpn-bench measures it first). Short of a rate it
    has reached there, the device is to blame; short of a rate above its
    limit, or with no limit known, the trial is *invalid* (valid = False):
    it says nothing about the device, and the search treats that rate as
    one the generator cannot offer."""

    def __init__(self, rate, doc, count_all=False, gen_limit=None):
        self.rate = rate            # offered, frames/s (0: max)
        self.doc = doc
        tx, rx = doc["tx"], doc["rx"]
        dur = doc["duration_s"] or 1e-9
        self.tx_pkts = tx["packets"]
        self.tx_rate = tx["pps"]
        # esp-encrypt: what comes back is ESP, its signature encrypted:
        # count frames, not signatures
        got = rx["packets"] if count_all else rx["unique"]
        self.rx_pkts = got
        self.rx_rate = got / dur
        self.rx_loss = max(0, self.tx_pkts - got) / self.tx_pkts if self.tx_pkts else 1.0
        self.shortfall = max(0.0, 1 - self.tx_rate / rate) if rate else 0.0
        asked = rate * (doc["config"].get("duration_s") or dur) if rate else self.tx_pkts
        self.asked_pkts = asked
        self.loss = self.rx_loss
        self.valid = True
        if self.shortfall > SHORTFALL_TOLERANCE:
            self.loss = max(self.loss, self.shortfall, 1 - got / asked if asked else 1.0)
            self.valid = gen_limit is not None and rate <= gen_limit * (1 + SHORTFALL_TOLERANCE)
        self.frame_bytes = tx["bytes"] / self.tx_pkts if self.tx_pkts else 0
        if doc["config"].get("esp") and rx["packets"]:
            # sizes are those of the cleartext frames: what comes back
            self.frame_bytes = rx["bytes"] / rx["packets"]
        self.latency = doc.get("latency_ns", {})

    def as_dict(self):
        return {"rate_pps": self.rate, "tx_pps": self.tx_rate, "rx_pps": self.rx_rate,
                "tx_packets": self.tx_pkts, "rx_packets": self.rx_pkts,
                "loss_ratio": self.loss, "rx_loss_ratio": self.rx_loss,
                "shortfall": self.shortfall, "valid": self.valid,
                "latency_ns": {k: v for k, v in self.latency.items() if k != "histogram"}}


class GenError(RuntimeError):
    pass


class Generator:
    def __init__(self, binary, eal_args, gen_args, workdir, name, count_all=False,
                 gen_limit=None):
        # binary: the program, or a list (e.g. nice -n N program)
        self.cmd = (binary if isinstance(binary, list) else [binary]) + eal_args + ["--"] + gen_args + ["--trials", "--quiet"]
        self.workdir = workdir
        self.name = name
        self.count_all = count_all
        self.gen_limit = gen_limit  # frames/s shown through a loopback (Trial)
        self.log = os.path.join(workdir, name + ".log")
        self.proc = None
        self.n = 0

    def start(self):
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.logf, text=True, bufsize=1)

    def trial(self, rate, duration, timeout):
        self.n += 1
        path = os.path.join(self.workdir, "%s-trial%03d.json" % (self.name, self.n))
        line = "%s %g %s\n" % ("%.0f" % rate if rate else "max", duration, path)
        try:
            self.proc.stdin.write(line)
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise GenError(self.failure("exited"))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise GenError(self.failure("no answer in %.0f s" % timeout))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                continue
            out = self.proc.stdout.readline()
            if out == "":
                raise GenError(self.failure("exited with status %s" % self.proc.wait()))
            if out.strip() == "done " + path:
                break
        with open(path) as f:
            return Trial(rate, json.load(f), self.count_all, self.gen_limit)

    def failure(self, what):
        self.logf.flush()
        with open(self.log) as f:
            tail = f.read()[-2000:]
        return "nfvpn-gen %s: %s\n%s" % (self.name, what, tail)

    def stop(self):
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        self.logf.close()
