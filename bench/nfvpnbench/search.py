"""No-drop-rate and partial-drop-rate search (RFC 2544 section 26.1, in the
spirit of CSIT's MLRsearch).

The search only sees a trial function: rate (frames/s) -> measured loss
ratio.  One table of measurements serves every loss target, so the trials
made while looking for the NDR also bound the PDR.  For each target:

1. the first trial is at the maximum rate; its receive rate (the MRR) is a
   good first guess of where the loss begins;
2. until a rate that passes and a rate that fails are known, it steps down
   (or up) geometrically from the guess;
3. then it bisects between the highest passing and the lowest failing rate
   until they are within `precision` (relative) of each other.

A rate passes a target when every one of its `repetitions` trials lost at
most that ratio: a noisy machine makes the search conservative, never
optimistic.  With `exceed_ratio` R > 0 (MLRsearch's "exceed ratio"), a rate
passes when at most R of its trials lost more than the target: on a shared
machine, R = 0.5 with 3 repetitions forgives one trial hit by a neighbour.  The result is the highest passing rate, or 0 when even
`min_rate` fails.  Loss is assumed not to decrease with the rate; where it
does (noise), the bounds still come from measurements, and the answer is a
rate that was seen to pass.

The generator is not the device: a trial whose `valid` attribute is False
(the generator did not offer the rate asked for, and had not shown it could
through a loopback: gen.Trial says when) is neither a pass nor a fail. A
rate all of whose trials are invalid is *unreachable*: it bounds the search
from above like a failing rate, and the answer is then marked
`generator_bound` (as it is when the maximum rate passed): the device may
do more than the generator can show.
"""

NDR = 0.0
PDR = 0.005


class Measurement:
    """The trials at one rate."""

    def __init__(self, rate, exceed_ratio=0.0):
        self.rate = rate
        self.exceed_ratio = exceed_ratio
        self.trials = []   # valid trials: whatever the trial function returned
        self.invalid = []  # trials the generator did not run at the rate

    def unreachable(self):
        """Only invalid trials here: the generator cannot offer this rate."""
        return not self.trials and bool(self.invalid)

    def loss(self):
        return max((t.loss for t in self.trials), default=1.0)

    def passes(self, target):
        if not self.trials:
            return False
        over = sum(1 for t in self.trials if t.loss > target + 1e-12)
        if self.exceed_ratio <= 0:
            return over == 0
        return over <= self.exceed_ratio * len(self.trials) + 1e-12


class SearchResult:
    def __init__(self, target, rate, lower, upper, trials, limited, unreachable=False):
        self.target = target    # loss ratio
        self.rate = rate        # frames/s: the answer
        self.lower = lower      # highest passing rate measured (= rate)
        self.upper = upper      # lowest failing or unreachable rate, None: the maximum passed
        self.trials = trials    # Measurement of `rate`, None if nothing passed
        self.limited = limited  # True: the maximum rate passed (a lower bound)
        self.unreachable = unreachable  # True: upper is a rate the generator could not offer
        # the device was not shown to be the bottleneck: the answer is a
        # lower bound set by the generator
        self.generator_bound = limited or unreachable

    def as_dict(self):
        return {"loss_target": self.target, "rate_pps": self.rate,
                "lower_pps": self.lower, "upper_pps": self.upper,
                "max_rate_passed": self.limited, "upper_unreachable": self.unreachable,
                "generator_bound": self.generator_bound}


class Search:
    """trial(rate) returns an object with a `.loss` (ratio, 0..1), `.rx_rate`
    (frames/s received) and optionally `.valid` (False: the generator did
    not run the trial at the rate; default True); on_trial(rate, trial, n)
    is called after each trial (progress)."""

    def __init__(self, trial, max_rate, min_rate=None, precision=0.02,
                 repetitions=1, max_trials=60, on_trial=None, exceed_ratio=0.0):
        if max_rate <= 0:
            raise ValueError("max_rate must be positive")
        self.trial = trial
        self.max_rate = float(max_rate)
        self.min_rate = float(min_rate if min_rate else max_rate / 1000.0)
        self.precision = precision
        self.repetitions = max(1, int(repetitions))
        self.max_trials = max_trials
        self.on_trial = on_trial
        self.exceed_ratio = exceed_ratio
        self.measured = {}  # rate -> Measurement
        self.ntrials = 0

    def measure(self, rate):
        rate = float(min(max(rate, self.min_rate), self.max_rate))
        m = self.measured.get(rate)
        if m is None:
            m = self.measured[rate] = Measurement(rate, self.exceed_ratio)
        # an invalid trial is tried again once per repetition (a generator
        # descheduled for a moment); a rate where none is valid is unreachable
        while len(m.trials) < self.repetitions and len(m.invalid) < self.repetitions + 1:
            if self.ntrials >= self.max_trials:
                raise RuntimeError("search did not converge in %d trials" % self.max_trials)
            t = self.trial(rate)
            self.ntrials += 1
            (m.trials if getattr(t, "valid", True) else m.invalid).append(t)
            if self.on_trial:
                self.on_trial(rate, t, self.ntrials)
            if getattr(t, "valid", True) and t.loss > 0.5:
                break  # hopeless: no need for more repetitions
            if len(m.invalid) > len(m.trials) + 1:
                break  # mostly unreachable: do not insist
        return m

    def bounds(self, target):
        lo = hi = None
        for rate, m in self.measured.items():
            if m.passes(target):
                if lo is None or rate > lo:
                    lo = rate
            elif hi is None or rate < hi:
                hi = rate
        # a failing rate below a passing one (noise): trust the failure
        if lo is not None and hi is not None and lo > hi:
            lo = max((r for r, m in self.measured.items()
                      if m.passes(target) and r < hi), default=None)
        return lo, hi

    def narrow_enough(self, lo, hi):
        return hi - lo <= self.precision * hi

    def result(self, target, lo, hi):
        unreachable = hi is not None and self.measured[hi].unreachable()
        if lo is None:
            return SearchResult(target, 0.0, 0.0, hi, None, False, unreachable)
        return SearchResult(target, lo, lo, hi, self.measured[lo], hi is None, unreachable)

    def run(self, target):
        first = self.measure(self.max_rate)
        lo, hi = self.bounds(target)
        if hi is None:
            return self.result(target, lo, None)
        # the first guess: what the device forwarded at the maximum (or,
        # when the generator could not offer the maximum, what it sent)
        if lo is None:
            last = (first.trials or first.invalid)[-1]
            guess = getattr(last, "rx_rate", 0) or hi / 2
            if first.unreachable():
                guess = getattr(last, "tx_rate", 0) or guess
            rate = min(guess * (1 - max(target, self.precision)), hi * (1 - self.precision))
            while lo is None:
                rate = max(rate, self.min_rate)
                m = self.measure(rate)
                lo, hi = self.bounds(target)
                if lo is None:
                    if rate <= self.min_rate:
                        return self.result(target, None, hi)
                    rate *= 0.5 if m.loss() > 0.25 else 0.75
        while not self.narrow_enough(lo, hi):
            self.measure((lo + hi) / 2)
            lo, hi = self.bounds(target)
            if lo is None:  # noise made every known pass a fail: look lower
                return self.run(target)
        return self.result(target, lo, hi)
