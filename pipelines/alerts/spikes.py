"""Is this window's count a spike against the rule's own trailing baseline?

The count of the window is compared with the distribution the baseline windows predict, by its upper tail
(P(X >= count), scipy.stats):

- a busy rule whose baseline varies more than a Poisson count would (variance > mean, four windows or
  more) is judged by a negative binomial with the baseline's mean and variance (method of moments): a
  keyword that swings between 20 and 60 a day is not alarming at 70;
- otherwise the rate is uncertain rather than variable, and the count is judged by the Poisson rate's
  posterior predictive under a Jeffreys prior, Gamma(1/2): negative binomial with r = sum + 1/2 and
  p = n / (n + 1), which stays cautious when the baseline is all zeros.

A spike also needs at least ``min_count`` items: a quiet keyword going from 0 to 2 is not news, however
unlikely 2 was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import fmean, variance


@dataclass(frozen=True)
class Verdict:
    count: int
    expected: float  # the predicted mean
    upper: int  # the highest count still within the expected range (1 - alpha quantile)
    p_value: float  # P(X >= count)
    model: str
    spike: bool


def judge(count: int, baseline: list[int], alpha: float, min_count: int) -> Verdict:
    if not baseline:
        raise ValueError("a baseline needs at least one window")
    n, mean = len(baseline), fmean(baseline)
    spread = variance(baseline) if n > 1 else 0.0
    if n >= 4 and mean > 0 and spread > mean:
        r, p = mean * mean / (spread - mean), mean / spread
        model = "negative binomial (baseline mean and variance)"
    else:
        r, p = sum(baseline) + 0.5, n / (n + 1)
        model = "Poisson rate, Jeffreys prior (predictive negative binomial)"
    # imported here: scipy.stats takes most of a second to import, which every command that imports the
    # scheduler (`status` among them) would pay
    from scipy.stats import nbinom

    dist = nbinom(r, p)
    p_value = float(dist.sf(count - 1)) if count > 0 else 1.0
    upper = int(dist.ppf(1 - alpha))
    expected = float(dist.mean())
    spike = count >= min_count and count > upper and p_value < alpha
    return Verdict(count, expected if math.isfinite(expected) else 0.0, upper, p_value, model, spike)
