"""Bootstrap intervals resampling statements vs resampling sources (a cluster bootstrap).

Statements of one source share its unmodelled reliability, so resampling statements one by one
treats them as independent and gives intervals that are too narrow. This measures how much
wider the 95% intervals get when whole sources are resampled (``groups=source_id``), with the
bundled default model (``credscore.load_model()``) on:

* the simulated newsroom example (``datasets/examples/simulated_newsroom``: 1,200 labelled
  statements by 60 sources), every statement scored, the labelled ones evaluated — what
  ``credscore evaluate`` does;
* LIAR valid, scored with LIAR train as history and its own labels hidden (as in
  ``train_default_model.py``), when ``$CREDSCORE_DATASETS`` or ``../shared/datasets`` holds it;
* coverage on simulated corpora where the truth is known: 40 sources x 30 statements, outcome
  ``logit P = 0.3 + u_source + x`` with ``u ~ N(0, 1.5^2)``, predictions ``0.3 + x`` that miss
  ``u``; how often each 95% interval holds the population value (the setting of
  ``tests/calibration/test_bootstrap.py``, with more repetitions).

Same seed and resample count both ways. Only aggregate figures are printed and written.

Run (from the repository root)::

    python experiments/bootstrap_by_source.py   # writes experiments/results/bootstrap_by_source.txt
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench_common as bc

import credscore
from credscore._io import atomic_write_text
from credscore.calibration import metric_intervals
from credscore.calibration._logistic import expit
from credscore.exceptions import CorpusNotFoundError
from credscore.report._stats import paired_difference

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "examples" / "simulated_newsroom"
OUT = bc.RESULTS / "bootstrap_by_source.txt"
N_BOOT = 2000
SEED = 0
METRICS = ("log_loss", "brier_score", "roc_auc", "calibration_in_the_large")
#: Coverage simulation: sources, statements per source, sd of the source effect, repetitions.
N_SOURCES, PER_SOURCE, SD_SOURCE, N_REP = 40, 30, 1.5, 400
SIM_METRICS = ("log_loss", "calibration_in_the_large")


def _ci(d: dict) -> str:
    return f"[{d['low']:.4f}, {d['high']:.4f}]"


def _widths(name: str, y: np.ndarray, p: np.ndarray, sources: np.ndarray, p_const: float) -> list:
    """Lines of the table: each metric's interval and width, by statement and by source."""
    n, g = len(y), len(set(sources.tolist()))
    sizes = np.unique(sources, return_counts=True)[1]
    base = np.full(n, p_const)
    kw = {"n_boot": N_BOOT, "random_state": SEED}
    by = {
        "statement": metric_intervals(y, p, metrics=METRICS, **kw),
        "source": metric_intervals(y, p, metrics=METRICS, groups=sources, **kw),
    }
    diff = {
        "statement": paired_difference(y, p, base, **kw)["log_loss"],
        "source": paired_difference(y, p, base, groups=sources, **kw)["log_loss"],
    }
    lines = [
        f"## {name}: {n} labelled statements, {g} sources (statements per source: median "
        f"{np.median(sizes):.0f}, max {sizes.max()})",
        f"{'figure':44s} {'estimate':>9s} {'95% CI by statement':>20s} {'95% CI by source':>20s} "
        f"{'width stmt':>10s} {'width src':>9s} {'ratio':>6s}",
    ]
    rows = [(m, by["statement"][m], by["source"][m]) for m in METRICS]
    rows.append(
        (f"log loss: model - constant {p_const:.3f} (paired)", diff["statement"], diff["source"])
    )
    for label, a, b in rows:
        wa, wb = a["high"] - a["low"], b["high"] - b["low"]
        lines.append(
            f"{label:44s} {a['estimate']:9.4f} {_ci(a):>20s} {_ci(b):>20s} "
            f"{wa:10.4f} {wb:9.4f} {wb / wa:6.2f}"
        )
    return lines


def newsroom(model: credscore.CredibilityModel, p_const: float) -> list:
    tables = credscore.read_tables(EXAMPLE)
    st = tables.statements
    mask = st["label"].notna().to_numpy()
    p = model.score(tables, explain=False)["p_reliable"].to_numpy(dtype=float)[mask]
    y = st["label"].to_numpy()[mask].astype(float)
    sources = st["source_id"].to_numpy(dtype=object)[mask]
    return _widths("simulated newsroom (example)", y, p, sources, p_const)


def liar_valid(model: credscore.CredibilityModel, p_const: float) -> list:
    from credscore.datasets import load_liar

    bc.quiet()
    try:
        liar = load_liar(seed=0)
    except CorpusNotFoundError as err:
        return [f"## LIAR valid: not measured ({err})"]
    st = liar.statements
    tr, va = st[st["split"] == "train"], st[st["split"] == "valid"]
    train, valid = bc.subset(liar, tr), bc.subset(liar, bc.hide_labels(va))
    p = model.score(valid, history=train, explain=False)["p_reliable"].to_numpy(dtype=float)
    y = va["label"].to_numpy(dtype=float)
    sources = va["source_id"].to_numpy(dtype=object)
    return _widths("LIAR valid (history: LIAR train)", y, p, sources, p_const)


def coverage() -> list:
    """Share of simulated corpora whose 95% interval holds the population value."""
    rng = np.random.default_rng(1)
    u, x = rng.normal(0.0, SD_SOURCE, 1_000_000), rng.normal(0.0, 1.0, 1_000_000)
    p_true, p_hat = expit(0.3 + u + x), expit(0.3 + x)
    truth = {
        "log_loss": float(np.mean(-(p_true * np.log(p_hat) + (1 - p_true) * np.log1p(-p_hat)))),
        "calibration_in_the_large": float(np.mean(p_hat - p_true)),
    }
    groups = np.repeat(np.arange(N_SOURCES), PER_SOURCE)
    hits = {(unit, m): 0 for unit in ("statement", "source") for m in SIM_METRICS}
    widths: dict = {k: [] for k in hits}
    for r in range(N_REP):
        u = rng.normal(0.0, SD_SOURCE, N_SOURCES)
        x = rng.normal(0.0, 1.0, (N_SOURCES, PER_SOURCE))
        y = (rng.random(x.shape) < expit(0.3 + u[:, None] + x)).astype(float).ravel()
        p = expit(0.3 + x).ravel()
        kw = {"metrics": SIM_METRICS, "n_boot": 500, "random_state": r}
        ivs = {
            "statement": metric_intervals(y, p, **kw),
            "source": metric_intervals(y, p, groups=groups, **kw),
        }
        for unit, iv in ivs.items():
            for m in SIM_METRICS:
                hits[unit, m] += iv[m]["low"] <= truth[m] <= iv[m]["high"]
                widths[unit, m].append(iv[m]["high"] - iv[m]["low"])
    lines = [
        f"## coverage: {N_REP} simulated corpora of {N_SOURCES} sources x {PER_SOURCE} "
        f"statements, source effect sd {SD_SOURCE} (logit scale) missed by the predictions; "
        "500 resamples each",
        f"{'figure':26s} {'truth':>8s} {'cover stmt':>10s} {'cover src':>9s} "
        f"{'width stmt':>10s} {'width src':>9s}",
    ]
    for m in SIM_METRICS:
        lines.append(
            f"{m:26s} {truth[m]:8.4f} {hits['statement', m] / N_REP:10.3f} "
            f"{hits['source', m] / N_REP:9.3f} {np.median(widths['statement', m]):10.4f} "
            f"{np.median(widths['source', m]):9.4f}"
        )
    lines.append("(coverage: share of intervals holding the truth, nominal 0.95; median widths)")
    return lines


def main() -> None:
    model = credscore.load_model()
    p_const = float(model.base_rate_)  # the report's constant baseline
    lines = [
        f"# bootstrap intervals by statement vs by source; credscore {credscore.__version__}, "
        f"numpy {np.__version__}, python {platform.python_version()}",
        f"# default model (credscore.load_model()); 95% percentile intervals, {N_BOOT} "
        f"resamples, seed {SEED}, same seed both ways; ratio = width by source / by statement",
        "",
        *newsroom(model, p_const),
        "",
        *liar_valid(model, p_const),
        "",
        *coverage(),
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    atomic_write_text(OUT, text)


if __name__ == "__main__":
    main()
