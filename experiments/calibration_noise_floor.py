"""Noise floor of calibration errors for a perfectly calibrated model (issue #6).

For ``n = 1,283`` statements, draw scores ``p`` from a few realistic spreads, then outcomes
``y ~ Bernoulli(p)`` many times, so the model is calibrated by construction, and record the
distribution of ECE (15 equal-mass bins) and smECE. Also: how far smECE's floor falls with
``n``, and how often the calibration test flags a calibrated model (its false-alarm rate at
alpha = 0.05), with the statement null and the by-source null, on independent outcomes and on
outcomes clustered by source (a calibrated model that cannot know each source's reliability:
``p = E[expit(l + u_source) | l]``, ``u_source ~ Normal(0, 0.8)``; 1,283 statements from 300
sources of Gamma-distributed sizes, as in LIAR valid).

Run (from the repository root)::

    python experiments/calibration_noise_floor.py \
        > experiments/results/calibration_noise_floor.txt
"""

from __future__ import annotations

import platform
import time

import numpy as np
import sklearn
from scipy.stats import norm

from credscore.calibration import calibration_test, null_distribution

N = 1283
N_SIM = 2000
SPREADS = {
    "Beta(2, 2)  (main: scores centred, sd 0.22)": lambda r, n: r.beta(2, 2, n),
    "Beta(3, 3)  (narrower, sd 0.19)": lambda r, n: r.beta(3, 3, n),
    "Uniform(0.05, 0.95)": lambda r, n: r.uniform(0.05, 0.95, n),
    "Beta(0.5, 0.5)  (extreme scores)": lambda r, n: r.beta(0.5, 0.5, n),
    "LIAR-like: 0.56 +- 0.12 (logit-normal)": lambda r, n: (
        1 / (1 + np.exp(-(0.25 + 0.5 * r.standard_normal(n))))
    ),
}


N_SETS = 200
N_SIM_TEST = 300


def clustered(rng: np.random.Generator, n: int, n_sources: int = 300, sd: float = 0.8):
    """Outcomes clustered by source, and the calibrated probability given what is observable."""
    size = rng.gamma(1.0, size=n_sources)
    src = rng.choice(n_sources, n, p=size / size.sum())
    lin = 0.25 + 0.9 * rng.standard_normal(n)
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    p = (1 / (1 + np.exp(-(lin[:, None] + sd * nodes[None, :])))) @ weights / weights.sum()
    u = sd * rng.standard_normal(n_sources)
    y = (rng.random(n) < 1 / (1 + np.exp(-(lin + u[src])))).astype(float)
    return y, p, src


def independent(rng: np.random.Generator, n: int):
    p = rng.beta(2, 2, n)
    return (rng.random(n) < p).astype(float), p, np.arange(n)


def _flags(r) -> dict[str, bool]:
    """Which parts flag the model, and the two combined verdicts (Bonferroni, the default:
    each at 0.025; "both": smECE at 0.05 and the 95% slope interval)."""
    lo, hi = r.slope_ci
    has_slope = bool(np.isfinite(r.slope))
    se = (hi - lo) / (2 * norm.ppf(0.975)) if has_slope else np.nan
    slope_out = has_slope and not (lo <= 1 <= hi)
    slope_out_bonf = has_slope and abs(r.slope - 1) > norm.ppf(1 - 0.05 / 4) * se
    return {
        "smECE p < 0.05": r.smece.p_value < 0.05,
        "ECE p < 0.05": r.ece.p_value < 0.05,
        "slope CI excludes 1": slope_out,
        "Spiegelhalter p < 0.05": r.spiegelhalter_p < 0.05,
        "not consistent (both)": (r.smece.p_value < 0.05) or slope_out,
        "not consistent (bonferroni)": (r.smece.p_value < 0.025) or slope_out_bonf,
        "default verdict not consistent": not r.consistent,
    }


def false_alarms(rng: np.random.Generator) -> None:
    print(
        f"\n# false-alarm rate of a calibrated model, alpha = 0.05: {N_SETS} data sets of n = "
        f"{N}, {N_SIM_TEST} null draws each; 95% binomial half-width ~0.03"
    )
    designs = {"independent outcomes": independent, "clustered by source": clustered}
    rates: dict[tuple[str, str], dict[str, float]] = {}
    for design, draw in designs.items():
        counts: dict[str, dict[str, int]] = {"statement": {}, "source": {}}
        for _ in range(N_SETS):
            y, p, src = draw(rng, N)
            for null in counts:
                r = calibration_test(
                    y, p, n_sim=N_SIM_TEST, groups=src, null=null, random_state=rng
                )
                for k, v in _flags(r).items():
                    counts[null][k] = counts[null].get(k, 0) + int(v)
        for null, c in counts.items():
            rates[(design, null)] = {k: v / N_SETS for k, v in c.items()}
    keys = list(next(iter(rates.values())))
    cols = list(rates)
    print(f"{'flag':32s} " + " ".join(f"{d[:11] + '/' + n:>22s}" for d, n in cols))
    for k in keys:
        print(f"{k:32s} " + " ".join(f"{rates[c][k]:22.3f}" for c in cols))


def small_batches(rng: np.random.Generator) -> None:
    """False alarms where the slope is judged by its Monte-Carlo test (under 200 verdicts, as in
    a month of LIAR2): both combinations, computed by the test itself."""
    print(
        f"\n# false-alarm rate at small n (Monte-Carlo slope test), alpha = 0.05: {N_SETS} data "
        f"sets each, independent outcomes, Beta(2, 2) scores, {N_SIM_TEST} null draws"
    )
    print(f"{'n':>5s} {'bonferroni (default)':>21s} {'both':>6s}")
    for n in (15, 30, 100):
        flags = {"bonferroni": 0, "both": 0}
        for _ in range(N_SETS):
            p = rng.beta(2, 2, n)
            y = (rng.random(n) < p).astype(float)
            seed = int(rng.integers(2**31))
            for combine in flags:
                r = calibration_test(y, p, n_sim=N_SIM_TEST, random_state=seed, combine=combine)
                flags[combine] += int(not r.consistent)
        print(f"{n:5d} {flags['bonferroni'] / N_SETS:21.3f} {flags['both'] / N_SETS:6.3f}")


def main() -> None:
    rng = np.random.default_rng(20261129)
    print(
        f"# calibration noise floor; numpy {np.__version__}, scikit-learn {sklearn.__version__},"
        f" python {platform.python_version()}"
    )
    print(f"# n = {N} statements, {N_SIM} simulated outcome vectors y ~ Bernoulli(p) per row\n")
    print(
        f"{'score distribution':44s} {'ECE mean':>9s} {'ECE p95':>8s} {'smECE mean':>11s} "
        f"{'smECE p95':>10s} {'sec':>5s}"
    )
    for name, draw in SPREADS.items():
        p = draw(rng, N)
        t0 = time.perf_counter()
        null = null_distribution(p, n_sim=N_SIM, random_state=rng)
        dt = time.perf_counter() - t0
        e, s = null["ece"], null["smece"]
        print(
            f"{name:44s} {e.mean():9.4f} {np.quantile(e, 0.95):8.4f} {s.mean():11.4f} "
            f"{np.quantile(s, 0.95):10.4f} {dt:5.1f}"
        )

    print("\n# smECE and ECE floor against n (Beta(2, 2) scores, 500 simulations each)")
    print(f"{'n':>7s} {'ECE mean':>9s} {'ECE p95':>8s} {'smECE mean':>11s} {'smECE p95':>10s}")
    for n in (300, 1283, 5000, 20000, 50000):
        p = rng.beta(2, 2, n)
        null = null_distribution(p, n_sim=500, random_state=rng)
        e, s = null["ece"], null["smece"]
        print(
            f"{n:7d} {e.mean():9.4f} {np.quantile(e, 0.95):8.4f} {s.mean():11.4f} "
            f"{np.quantile(s, 0.95):10.4f}"
        )

    false_alarms(rng)

    print("\n# timing: calibration_test(n=1283, n_sim=1000)")
    p = rng.beta(2, 2, N)
    y = rng.random(N) < p
    t0, c0 = time.perf_counter(), time.process_time()
    calibration_test(y, p, n_sim=1000)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{wall:.2f} s wall, {cpu:.2f} s CPU (wall times above are on a shared, loaded machine)")
    small_batches(rng)


if __name__ == "__main__":
    main()
