#!/usr/bin/python3
"""Unit tests of nfvpn-bench's outputs (bench/nfvpnbench/output.py, plot.py)
on made-up results: the table, the CSV and JSON files parse back to the
same figures, ratios are device/baseline, the PNGs are PNGs (gnuplot)."""
import csv
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench"))
from nfvpnbench import crypto, output, plot  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


def size(name, frame, ndr, pdr, limited=False, hist=True):
    return {"size": name, "frame_bytes": frame, "max_rate_pps": 10e6, "trials": 9,
            "ndr": {"rate_pps": ndr, "lower_pps": ndr, "upper_pps": ndr * 1.01,
                    "max_rate_passed": limited, "loss_target": 0.0,
                    "gbps": output.gbps(ndr, frame)},
            "pdr": {"rate_pps": pdr, "lower_pps": pdr, "upper_pps": pdr * 1.01,
                    "max_rate_passed": False, "loss_target": 0.005,
                    "gbps": output.gbps(pdr, frame)},
            "latency_ns": {"samples": 30, "min": 900.0, "p50": 1500.0, "p99": 9000.0,
                           "max": 12000.0} if hist else None,
            "histogram": [[1000.0, 1031.0, 10], [1500.0, 1546.0, 15], [8900.0, 9178.0, 5]]
            if hist else []}


def results():
    return {"version": 1, "scenario": "esp-decrypt", "duts": [
        {"name": "nfvpn", "role": "dut", "sizes": [size("64", 64, 2e6, 2.5e6),
                                                  size("imix", 353.8, 1e6, 1.2e6, hist=False)]},
        {"name": "testpmd-io", "role": "baseline", "sizes": [size("64", 64, 8e6, 10e6, True),
                                                           size("imix", 353.8, 4e6, 4e6)]},
        {"name": "nfvpn-forward", "role": "baseline", "sizes": [size("64", 64, 4e6, 5e6),
                                                              size("imix", 353.8, 2e6, 2e6)]}]}


class TestOutput(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bench_output.")
        self.r = results()
        self.r["ratios"] = output.ratios(self.r)

    def tearDown(self):
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)

    def test_gbps(self):
        self.assertAlmostEqual(output.gbps(14.88e6, 64), 7.618560, places=6)

    def test_csv(self):
        path = os.path.join(self.dir, "x.csv")
        output.write_csv(self.r, path)
        with open(path) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(list(rows[0].keys()), output.CSV_FIELDS)
        self.assertEqual([(r["dut"], r["size"]) for r in rows],
                         [("nfvpn", "64"), ("nfvpn", "imix"), ("testpmd-io", "64"),
                          ("testpmd-io", "imix"), ("nfvpn-forward", "64"), ("nfvpn-forward", "imix")])
        self.assertEqual(float(rows[0]["ratio_ndr"]), 0.25)
        self.assertEqual(float(rows[0]["ratio_pdr"]), 0.25)
        self.assertEqual(rows[0]["baseline"], "testpmd-io")
        self.assertEqual(rows[1]["lat_p50_ns"], "")  # no latency: empty, not "None"
        self.assertEqual(rows[2]["ratio_ndr"], "")  # a baseline has no ratio
        self.assertEqual(rows[2]["ndr_max_rate_passed"], "True")
        self.assertEqual(int(rows[0]["ndr_pps"]), 2000000)

    def test_json_ratios(self):
        path = os.path.join(self.dir, "x.json")
        output.write_json(self.r, path)
        with open(path) as f:
            doc = json.load(f)
        got = {(x["baseline"], x["size"]): (x["ndr"], x["pdr"]) for x in doc["ratios"]}
        self.assertEqual(got, {("testpmd-io", "64"): (0.25, 0.25), ("testpmd-io", "imix"): (0.25, 0.3),
                               ("nfvpn-forward", "64"): (0.5, 0.5),
                               ("nfvpn-forward", "imix"): (0.5, 0.6)})

    def test_table(self):
        t = output.table(self.r).splitlines()
        self.assertIn("NDR/testpmd-io", t[0])
        self.assertIn("NDR/nfvpn-forward", t[0])
        self.assertEqual(len(t), 2 + 6)
        self.assertTrue(t[2].startswith("nfvpn "))
        self.assertIn("0.25", t[2])
        self.assertIn("0.50", t[2])
        self.assertIn("8.000+", t[4])  # the maximum rate passed
        self.assertIn("1.5", t[2])     # p50 in us

    def test_markdown(self):
        md = output.markdown(self.r).splitlines()
        self.assertEqual(len(md), 2 + 2)  # the device's rows only
        self.assertTrue(md[0].startswith("| scenario | device | size |"))
        self.assertIn("NDR / testpmd-io", md[0])
        self.assertIn("0.25 (8.000+)", md[2])
        self.assertIn("0.50 (4.000)", md[2])
        self.assertEqual(md[1].count("---"), md[0].count("|") - 1)

    def test_zero_baseline(self):
        self.r["duts"][1]["sizes"][0]["ndr"]["rate_pps"] = 0
        self.assertIsNone(output.rows(self.r)[0]["ratio_ndr"])
        self.assertIn(" - ", output.table(self.r).splitlines()[2] + " ")

    def test_png(self):
        for fn, name in ((plot.throughput, "t.png"), (plot.latency, "l.png")):
            path = os.path.join(self.dir, name)
            self.assertIsNone(fn(self.r, path, self.dir))
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), PNG)

    def test_png_without_latency(self):
        for d in self.r["duts"]:
            for s in d["sizes"]:
                s["histogram"] = []
        path = os.path.join(self.dir, "l.png")
        self.assertIsNone(plot.latency(self.r, path, self.dir))
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), PNG)


class TestCrypto(unittest.TestCase):
    """Reading bench/esp/esp_raw's output for --compare crypto."""

    def test_sizes(self):
        self.assertEqual(crypto.esp_size("64"), "46")
        self.assertEqual(crypto.esp_size("1400"), "1382")
        self.assertEqual(crypto.esp_size("imix"), "imix")
        self.assertAlmostEqual(crypto.frame_bytes("imix"), 353.83, places=2)

    def test_parse(self):
        out = "raw enc 46 8.270\nraw dec 46 8.100\nraw enc imix 2.441\nraw dec imix 2.300\n"
        self.assertEqual(crypto.parse(out, "dec", "46"), 8.1e6)
        self.assertEqual(crypto.parse(out, "enc", "imix"), 2.441e6)
        with self.assertRaises(crypto.CryptoError):
            crypto.parse(out, "enc", "494")


if __name__ == "__main__":
    unittest.main()
