#!/usr/bin/python3
"""Unit tests of nfvpn-bench's NDR/PDR search (bench/nfvpnbench/search.py)
against fake devices whose loss curves are known exactly."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench"))
from nfvpnbench.search import Search, NDR, PDR  # noqa: E402


class Trial:
    def __init__(self, rate, loss):
        self.loss = loss
        self.rx_rate = rate * (1 - loss)


class RampDut:
    """No loss up to ndr; then loss grows linearly to 1% at knee; beyond the
    knee, everything above knee * 1.01 is dropped (a full queue)."""

    def __init__(self, ndr, knee):
        self.ndr, self.knee = ndr, knee
        self.rates = []

    def loss(self, r):
        if r <= self.ndr:
            return 0.0
        if r <= self.knee:
            return 0.01 * (r - self.ndr) / (self.knee - self.ndr)
        return max(0.01, 1 - self.knee * 1.01 / r)

    def pdr(self):  # where the ramp reaches 0.5 %
        return self.ndr + (self.knee - self.ndr) * 0.5

    def __call__(self, rate):
        self.rates.append(rate)
        return Trial(rate, self.loss(rate))


class TestSearch(unittest.TestCase):
    def check_within(self, got, true, precision):
        self.assertLessEqual(got, true * (1 + 1e-9), "answer above the true rate")
        self.assertGreaterEqual(got, true * (1 - precision) * (1 - 1e-9),
                                "answer not within the precision")

    def test_ramp_converges(self):
        for ndr, knee, top in [(1e6, 2e6, 10e6), (3.3e6, 3.5e6, 14.88e6),
                               (9e6, 9.9e6, 10e6), (50e3, 80e3, 10e6)]:
            dut = RampDut(ndr, knee)
            s = Search(dut, top, precision=0.01)
            r_ndr = s.run(NDR)
            r_pdr = s.run(PDR)
            self.check_within(r_ndr.rate, ndr, 0.01)
            self.check_within(r_pdr.rate, dut.pdr(), 0.01)
            self.assertFalse(r_ndr.limited)
            self.assertGreater(r_ndr.upper, ndr)
            self.assertGreater(r_pdr.upper, dut.pdr())
            self.assertLessEqual(r_pdr.upper - r_pdr.lower, 0.01 * r_pdr.upper * (1 + 1e-9))
            self.assertLess(s.ntrials, 30, "too many trials: %d" % s.ntrials)
            # the answer's own trials are those at the answer's rate
            self.assertEqual(r_ndr.trials.rate, r_ndr.rate)
            self.assertEqual(r_ndr.trials.loss(), 0.0)

    def test_step_loss(self):
        # a device that drops half of everything above 4 Mpps
        def dut(rate):
            return Trial(rate, 0.0 if rate <= 4e6 else 0.5)
        s = Search(dut, 10e6, precision=0.005)
        self.check_within(s.run(NDR).rate, 4e6, 0.005)
        self.check_within(s.run(PDR).rate, 4e6, 0.005)

    def test_pdr_reuses_ndr_trials(self):
        dut = RampDut(2e6, 2.4e6)
        s = Search(dut, 10e6, precision=0.01)
        s.run(NDR)
        n = s.ntrials
        s.run(PDR)
        # the NDR search already bounded the PDR from below and above
        self.assertLess(s.ntrials - n, n)

    def test_max_rate_passes(self):
        dut = RampDut(20e6, 30e6)
        s = Search(dut, 10e6)
        r = s.run(NDR)
        self.assertTrue(r.limited)
        self.assertEqual(r.rate, 10e6)
        self.assertIsNone(r.upper)
        self.assertEqual(s.ntrials, 1)

    def test_everything_fails(self):
        def dut(rate):
            return Trial(rate, 0.02)
        s = Search(dut, 10e6, min_rate=1e3)
        self.assertEqual(s.run(NDR).rate, 0.0)
        self.assertEqual(s.run(PDR).rate, 0.0)
        self.assertLess(s.ntrials, 40)

    def test_repetitions_never_optimistic(self):
        # a loss spike in 20 % of the trials anywhere; with repetitions the
        # search may answer lower than the true NDR, never higher
        for seed in range(30):
            rnd = random.Random(seed)
            dut = RampDut(3e6, 3.6e6)

            def noisy(rate):
                t = dut(rate)
                if rnd.random() < 0.2:
                    t.loss += 0.001
                return t
            s = Search(noisy, 10e6, precision=0.02, repetitions=3, max_trials=200)
            r = s.run(NDR)
            self.assertLessEqual(r.rate, 3e6)
            self.assertTrue(all(len(m.trials) == 3 or m.loss() > 0.5
                                for m in s.measured.values()))
            self.assertTrue(r.trials is None or r.trials.passes(NDR))

    def test_exceed_ratio(self):
        # every third trial is hit by a neighbour (0.1 % extra loss): each
        # rate's 3 repetitions hold exactly one such trial
        def run(exceed):
            dut = RampDut(3e6, 3.6e6)
            n = [0]

            def spiky(rate):
                t = dut(rate)
                n[0] += 1
                if n[0] % 3 == 0:
                    t.loss += 0.001
                return t
            s = Search(spiky, 10e6, min_rate=1e4, precision=0.01, repetitions=3,
                       max_trials=300, exceed_ratio=exceed)
            return s.run(NDR).rate, s.run(PDR).rate
        ndr, pdr = run(0.5)
        self.check_within(ndr, 3e6, 0.01)
        self.check_within(pdr, 3.3e6, 0.01)
        # without forgiveness no rate passes the NDR: the spikes decide
        ndr0, pdr0 = run(0.0)
        self.assertEqual(ndr0, 0.0)
        self.assertLess(pdr0, 3.3e6)
        # forgiving is not ignoring: two bad trials of three fail
        from nfvpnbench.search import Measurement
        m = Measurement(1e6, 0.5)
        m.trials = [Trial(1e6, 0.0), Trial(1e6, 0.01), Trial(1e6, 0.01)]
        self.assertFalse(m.passes(NDR))
        m.trials[1] = Trial(1e6, 0.0)
        self.assertTrue(m.passes(NDR))

    def test_trial_budget(self):
        def dut(rate):
            return Trial(rate, 0.0 if rate < 5e6 else 0.1)
        s = Search(dut, 10e6, precision=1e-6, max_trials=10)
        with self.assertRaises(RuntimeError):
            s.run(NDR)

    def test_progress_callback(self):
        seen = []
        dut = RampDut(1e6, 1.5e6)
        s = Search(dut, 10e6, on_trial=lambda r, t, n: seen.append((r, n)))
        s.run(NDR)
        self.assertEqual([n for _, n in seen], list(range(1, s.ntrials + 1)))
        self.assertEqual([r for r, _ in seen], dut.rates)


if __name__ == "__main__":
    unittest.main()
