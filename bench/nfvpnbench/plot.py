"""PNG plots through gnuplot: throughput per frame size, and the latency
histograms (of the trial at the NDR) of every device and size."""
import os
import shutil
import subprocess


def have_gnuplot():
    return shutil.which("gnuplot") is not None


def _q(s):
    return "'" + s.replace("'", "") + "'"


def throughput(results, path, workdir):
    data = os.path.join(workdir, "throughput.dat")
    sizes = []
    for d in results["duts"]:
        for s in d["sizes"]:
            if s["size"] not in sizes:
                sizes.append(s["size"])
    series = []
    with open(data, "w") as f:
        for d in results["duts"]:
            for what in ("ndr", "pdr"):
                f.write("# %s %s\n" % (d["name"], what))
                for s in d["sizes"]:
                    f.write("%d %s %.6f\n" % (sizes.index(s["size"]), s["size"],
                                              s[what]["rate_pps"] / 1e6))
                f.write("\n\n")
                series.append("%s %s" % (d["name"], what.upper()))
    plots = ", ".join("%s index %d using 1:3:xtic(2) with linespoints lw 2 pt 7 title %s"
                      % (_q(data), i, _q(t)) for i, t in enumerate(series))
    script = ("set terminal pngcairo size 900,560 noenhanced\nset output %s\n"
              "set title %s\nset xlabel 'frame size (bytes)'\nset ylabel 'Mpps'\n"
              "set yrange [0:*]\nset xrange [-0.5:%f]\nset grid ytics\nset key outside right\n"
              "plot %s\n" % (_q(path), _q("nfvpn-bench %s: throughput per frame size"
                                         % results["scenario"]), len(sizes) - 0.5, plots))
    return _run(script, workdir, "throughput.gp")


def latency(results, path, workdir):
    data = os.path.join(workdir, "latency.dat")
    series = []
    with open(data, "w") as f:
        for d in results["duts"]:
            for s in d["sizes"]:
                h = s.get("histogram") or []
                total = sum(c for _, _, c in h)
                if not total:
                    continue
                f.write("# %s %s\n" % (d["name"], s["size"]))
                for lo, hi, c in h:
                    f.write("%.4f %.6f\n" % ((lo + hi) / 2 / 1e3, 100.0 * c / total))
                f.write("\n\n")
                series.append("%s %s" % (d["name"], s["size"]))
    if not series:
        # nothing measured (e.g. ESP out): still a valid, empty chart
        plots = "[1:10] [0:1] 2 notitle"
    else:
        plots = ", ".join("%s index %d using 1:2 with steps lw 2 title %s"
                          % (_q(data), i, _q(t)) for i, t in enumerate(series))
    script = ("set terminal pngcairo size 900,560 noenhanced\nset output %s\n"
              "set title %s\nset xlabel 'latency (us), at the NDR'\nset ylabel '%% of frames'\n"
              "set logscale x\nset yrange [0:*]\nset grid\nset key outside right\n%splot %s\n"
              % (_q(path), _q("nfvpn-bench %s: latency histogram" % results["scenario"]),
                 "" if series else "set label 'no latency samples' at graph 0.4, 0.5\n", plots))
    return _run(script, workdir, "latency.gp")


def _run(script, workdir, name):
    gp = os.path.join(workdir, name)
    with open(gp, "w") as f:
        f.write(script)
    r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if r.returncode != 0:
        return "gnuplot %s: %s" % (gp, r.stderr.strip())
    return None
