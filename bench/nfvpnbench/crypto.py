"""The raw crypto baseline of the ESP scenarios: bench/esp/esp_raw.c (the
ESP engineer's intel-ipsec-mb AES-128-GCM microbenchmark: one-shot calls
on bursts of 32, one core), built here and run on the DUT's worker core.
It is a ceiling, not a search: its rate stands for both NDR and PDR."""
import os
import subprocess

from . import output


class CryptoError(RuntimeError):
    pass


def build(top, work):
    exe = os.path.join(work, "esp_raw")
    if not os.path.exists(exe):
        src = os.path.join(top, "bench", "esp", "esp_raw.c")
        if not os.path.exists(src):
            raise CryptoError("--compare crypto: no %s" % src)
        r = subprocess.run(["cc", "-O2", "-march=native", "-o", exe, src, "-lIPSec_MB"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise CryptoError("esp_raw does not build: %s" % r.stderr[-1000:])
    return exe


def esp_size(size):
    """nfvpn-gen frame size (with FCS) -> esp_raw's inner packet size (the
    IP packet: frame - 14 - 4). IMIX stays "imix" (esp_raw's 64/576/1500 IP
    packets are about ours: 46/552/1500)."""
    return "imix" if size == "imix" else str(int(size) - 18)


def parse(text, direction, size):
    for line in text.splitlines():
        f = line.split()
        if len(f) == 4 and f[0] == "raw" and f[1] == direction and f[2] == size:
            return float(f[3]) * 1e6
    raise CryptoError("esp_raw printed no 'raw %s %s' line:\n%s" % (direction, size, text))


def frame_bytes(size):
    if size == "imix":
        return (7 * 64 + 4 * 570 + 1518) / 12
    return float(size)


def measure(a, size, work, prog):
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    exe = build(top, work)
    core = a.dut_lcores.split(",")[-1].split("-")[-1]  # the (last) worker core
    direction = "enc" if a.scenario == "esp-encrypt" else "dec"
    arg = esp_size(size)
    prog.show("[raw-crypto %s] esp_raw %s on core %s" % (size, direction, core))
    r = subprocess.run(["taskset", "-c", core, exe, "%g" % max(a.duration, 0.5), arg],
                       capture_output=True, text=True, timeout=120)
    prog.done()
    if r.returncode != 0:
        raise CryptoError("esp_raw exited with %d: %s" % (r.returncode, r.stderr[-1000:]))
    pps = parse(r.stdout, direction, arg)
    frame = frame_bytes(size)
    res = {"rate_pps": pps, "lower_pps": pps, "upper_pps": None, "max_rate_passed": False,
           "gbps": output.gbps(pps, frame)}
    return {"size": size, "frame_bytes": frame, "max_rate_pps": pps, "trials": 0,
            "ndr": dict(res, loss_target=0.0), "pdr": dict(res, loss_target=0.005),
            "latency_ns": None, "histogram": [], "measurements": [],
            "esp_raw": {"command": "esp_raw %g %s" % (max(a.duration, 0.5), arg),
                        "output": r.stdout}}
