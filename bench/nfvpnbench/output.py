"""Results: the terminal table, CSV and JSON files."""
import csv
import json

CSV_FIELDS = ["scenario", "dut", "role", "size", "frame_bytes", "ndr_pps", "ndr_gbps",
              "pdr_pps", "pdr_gbps", "ndr_max_rate_passed", "pdr_max_rate_passed",
              "lat_p50_ns", "lat_p99_ns", "lat_max_ns", "trials", "baseline",
              "ratio_ndr", "ratio_pdr", "gen_limit_pps", "ndr_generator_bound",
              "pdr_generator_bound"]


def generator_bound(res):
    """A search result that the generator, not the device, ended: the maximum
    rate passed, or the next rate was one the generator could not offer."""
    return res.get("generator_bound", res["max_rate_passed"])


def gbps(pps, frame_bytes):
    return pps * frame_bytes * 8 / 1e9


def ratio(a, b):
    return a / b if b else None


def rows(results):
    """One row per (device, size); devices' rows carry the ratios to the
    first baseline."""
    out = []
    base = next((d for d in results["duts"] if d["role"] == "baseline"), None)
    for d in results["duts"]:
        for s in d["sizes"]:
            lat = s.get("latency_ns") or {}
            r = {"scenario": results["scenario"], "dut": d["name"], "role": d["role"],
                 "size": s["size"], "frame_bytes": round(s["frame_bytes"], 1),
                 "ndr_pps": round(s["ndr"]["rate_pps"]), "ndr_gbps": round(s["ndr"]["gbps"], 4),
                 "pdr_pps": round(s["pdr"]["rate_pps"]), "pdr_gbps": round(s["pdr"]["gbps"], 4),
                 "ndr_max_rate_passed": s["ndr"]["max_rate_passed"],
                 "pdr_max_rate_passed": s["pdr"]["max_rate_passed"],
                 "lat_p50_ns": lat.get("p50"), "lat_p99_ns": lat.get("p99"),
                 "lat_max_ns": lat.get("max"), "trials": s["trials"],
                 "baseline": "", "ratio_ndr": None, "ratio_pdr": None,
                 "gen_limit_pps": None if s.get("generator_limit_pps") is None
                 else round(s["generator_limit_pps"]),
                 "ndr_generator_bound": generator_bound(s["ndr"]),
                 "pdr_generator_bound": generator_bound(s["pdr"])}
            if base is not None and d["role"] == "dut":
                b = next((x for x in base["sizes"] if x["size"] == s["size"]), None)
                if b is not None:
                    r["baseline"] = base["name"]
                    r["ratio_ndr"] = ratio(s["ndr"]["rate_pps"], b["ndr"]["rate_pps"])
                    r["ratio_pdr"] = ratio(s["pdr"]["rate_pps"], b["pdr"]["rate_pps"])
            out.append(r)
    return out


def write_csv(results, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for r in rows(results):
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})


def write_json(results, path):
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


def _mpps(pps, limited):
    return "%.3f%s" % (pps / 1e6, "+" if limited else "")


def _ratio(v):
    return "-" if v is None else "%.2f" % v


def _limit(r):
    return "-" if r["gen_limit_pps"] is None else "%.3f" % (r["gen_limit_pps"] / 1e6)


def table(results):
    """The terminal table; a + marks a generator-bound rate (the device may
    do more: the generator's limit or the maximum rate ended the search),
    beside the generator's own limit at that size."""
    head = ["device", "size", "NDR Mpps", "NDR Gbit/s", "PDR Mpps", "PDR Gbit/s",
            "gen limit", "p50 us", "p99 us", "trials"]
    rs = rows(results)
    compare = [d["name"] for d in results["duts"] if d["role"] == "baseline"]
    extra = []
    for b in compare[1:]:
        extra.append(b)
    if compare:
        head += ["NDR/" + compare[0], "PDR/" + compare[0]]
    for b in extra:
        head += ["NDR/" + b, "PDR/" + b]
    lines = []
    for r in rs:
        lat50 = "-" if r["lat_p50_ns"] is None else "%.1f" % (r["lat_p50_ns"] / 1e3)
        lat99 = "-" if r["lat_p99_ns"] is None else "%.1f" % (r["lat_p99_ns"] / 1e3)
        line = [r["dut"], r["size"], _mpps(r["ndr_pps"], r["ndr_generator_bound"]),
                "%.3f" % r["ndr_gbps"], _mpps(r["pdr_pps"], r["pdr_generator_bound"]),
                "%.3f" % r["pdr_gbps"], _limit(r), lat50, lat99, str(r["trials"])]
        if compare:
            line += [_ratio(r["ratio_ndr"]), _ratio(r["ratio_pdr"])] if r["role"] == "dut" else ["", ""]
        for b in extra:
            rb = extra_ratio(results, r, b) if r["role"] == "dut" else (None, None)
            line += [_ratio(rb[0]), _ratio(rb[1])] if r["role"] == "dut" else ["", ""]
        lines.append(line)
    widths = [max(len(x[i]) for x in [head] + lines) for i in range(len(head))]
    fmt = lambda cells: "  ".join(c.rjust(w) if i > 1 else c.ljust(w)
                                  for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    out = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(x) for x in lines]
    return "\n".join(out) + "\n"


def extra_ratio(results, row, bname):
    b = next(d for d in results["duts"] if d["name"] == bname)
    s = next((x for x in b["sizes"] if x["size"] == row["size"]), None)
    if s is None:
        return None, None
    return ratio(row["ndr_pps"], s["ndr"]["rate_pps"]), ratio(row["pdr_pps"], s["pdr"]["rate_pps"])


def ratios(results):
    """Every device against every baseline, for the JSON."""
    out = []
    for d in results["duts"]:
        if d["role"] != "dut":
            continue
        for b in results["duts"]:
            if b["role"] != "baseline":
                continue
            for s in d["sizes"]:
                bs = next((x for x in b["sizes"] if x["size"] == s["size"]), None)
                if bs is None:
                    continue
                out.append({"dut": d["name"], "baseline": b["name"], "size": s["size"],
                            "ndr": ratio(s["ndr"]["rate_pps"], bs["ndr"]["rate_pps"]),
                            "pdr": ratio(s["pdr"]["rate_pps"], bs["pdr"]["rate_pps"])})
    return out


def markdown(results):
    """The table as Markdown, for bench/README.md's results."""
    base = [d["name"] for d in results["duts"] if d["role"] == "baseline"]
    head = ["scenario", "device", "size", "NDR Mpps", "PDR Mpps", "NDR Gbit/s",
            "generator limit Mpps", "p50 us"]
    for b in base:
        head += ["NDR / " + b, "PDR / " + b]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows(results):
        if r["role"] != "dut":
            continue
        cells = [results["scenario"], r["dut"], r["size"],
                 _mpps(r["ndr_pps"], r["ndr_generator_bound"]),
                 _mpps(r["pdr_pps"], r["pdr_generator_bound"]), "%.3f" % r["ndr_gbps"],
                 _limit(r),
                 "-" if r["lat_p50_ns"] is None else "%.1f" % (r["lat_p50_ns"] / 1e3)]
        for b in base:
            bd = next(d for d in results["duts"] if d["name"] == b)
            bs = next((x for x in bd["sizes"] if x["size"] == r["size"]), None)
            if bs is None:
                cells += ["-", "-"]
                continue
            cells += ["%s (%s)" % (_ratio(ratio(r["ndr_pps"], bs["ndr"]["rate_pps"])),
                                   _mpps(bs["ndr"]["rate_pps"], generator_bound(bs["ndr"]))),
                      "%s (%s)" % (_ratio(ratio(r["pdr_pps"], bs["pdr"]["rate_pps"])),
                                   _mpps(bs["pdr"]["rate_pps"], generator_bound(bs["pdr"])))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
