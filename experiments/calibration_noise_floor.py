"""Noise floor of calibration errors for a perfectly calibrated model (issue #6).

For ``n = 1,283`` statements, draw scores ``p`` from a few realistic spreads, then outcomes
``y ~ Bernoulli(p)`` many times, so the model is calibrated by construction, and record the
distribution of ECE (15 equal-mass bins) and smECE. Also: how often the calibration test flags
a calibrated model (its false-alarm rate) and how far smECE's floor falls with ``n``.

Run (from the repository root)::

    python experiments/calibration_noise_floor.py \
        > experiments/results/calibration_noise_floor.txt
"""

from __future__ import annotations

import platform
import time

import numpy as np
import sklearn

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

    print(
        "\n# calibration test on calibrated data: 200 data sets of n = 1283, 500 simulations each"
    )
    flags = {"smece_p<0.05": 0, "ece_p<0.05": 0, "slope_ci_excludes_1": 0, "not_consistent": 0}
    t0 = time.perf_counter()
    for _ in range(200):
        p = rng.beta(2, 2, N)
        y = rng.random(N) < p
        r = calibration_test(y, p, n_sim=500, random_state=rng)
        flags["smece_p<0.05"] += r.smece.p_value < 0.05
        flags["ece_p<0.05"] += r.ece.p_value < 0.05
        flags["slope_ci_excludes_1"] += not (r.slope_ci[0] <= 1 <= r.slope_ci[1])
        flags["not_consistent"] += not r.consistent
    for k, v in flags.items():
        print(f"{k:22s} {v / 200:.3f}")
    print(
        f"(mean time per calibration_test with n_sim=500: {(time.perf_counter() - t0) / 200:.2f} s)"
    )

    print("\n# timing: calibration_test(n=1283, n_sim=1000)")
    p = rng.beta(2, 2, N)
    y = rng.random(N) < p
    t0, c0 = time.perf_counter(), time.process_time()
    calibration_test(y, p, n_sim=1000)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{wall:.2f} s wall, {cpu:.2f} s CPU (wall times above are on a shared, loaded machine)")


if __name__ == "__main__":
    main()
