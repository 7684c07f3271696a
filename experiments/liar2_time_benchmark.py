"""LIAR2 time benchmark (issue #7): train on the past, score the future, measure drift.

Protocol
--------
* Data: LIAR2 valid (the only LIAR2 split here; dated 2007-2023), rows ordered by statement
  date. Rows without a date or label are dropped (none in practice).
* Two cuts, both without randomness:
  - ``chrono70``: the first 70% of rows by date train, the rest test; the cut is the date of
    the row at the 70% position, and rows *on* that date go to the test side (no day is split);
  - ``y2020``: statements dated before 2020-01-01 train, from 2020-01-01 on test (the cut
    where the verdict mix drifts: viral posts, far more often false).
* History is point-in-time, rebuilt by the engine from the dates: a statement made on day t sees
  the verdicts of statements made before day t (same-day statements do not see each other).
  Test-part verdicts *do* become visible as time passes ("arriving" labels: realistic, a
  newsroom learns verdicts as they come); each test row still never sees its own verdict or a
  later one. LIAR2 gives no verdict date, so a verdict is taken as known from its statement's
  date on -- optimistic by the fact-checking delay (days to weeks). The "frozen" variant,
  where no test verdict is ever visible, is reported for credscore as a check.
* Models: base rate of the training part; the plain pipeline (TF-IDF + one-hot speaker/job/
  state/context + point-in-time history counts + LogisticRegression + sigmoid calibration);
  ``CredibilityModel()`` (history, qualifiers, rank, context); and a simple drift adaptation of
  credscore: each calendar month of the test part, the intercept is re-fitted (one parameter,
  logit shift) on the model's scores for the most recent labelled window (the last 365 days
  of verdicts known before that month), see :func:`recalibrate_intercept`; and the same with
  the slope re-fitted too (Platt scaling on the window). Training rows in the window are
  scored in-sample by the final model (mildly optimistic for the first test months).
* Figures: as in the LIAR benchmark (bootstrap intervals, slope interval, calibration test).

Usage::

    python experiments/liar2_time_benchmark.py           # writes results/liar2_time_benchmark.*
    python experiments/liar2_time_benchmark.py --quick   # cv=3, fewer draws, writes nothing
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench_common as bc
import numpy as np
import pandas as pd

from credscore import CredibilityModel, Tables
from credscore.datasets import load_liar2

Y2020 = pd.Timestamp("2020-01-01", tz="UTC")
WINDOW = pd.Timedelta(days=365)


def load_sorted() -> Tables:
    """LIAR2 valid as tables, dated and labelled rows only, sorted by date (stable)."""
    bc.quiet()
    t = load_liar2()
    st = t.statements.dropna(subset=["made_at", "label"])
    st = st.sort_values("made_at", kind="stable")
    return bc.subset(t, st)


def cut_date(tables: Tables, cut: str) -> pd.Timestamp:
    """The first test date of a named cut."""
    if cut == "y2020":
        return Y2020
    if cut == "chrono70":
        made = tables.statements["made_at"].reset_index(drop=True)
        return made.iloc[int(0.7 * len(made))]
    raise ValueError(f"unknown cut {cut!r}; expected 'chrono70' or 'y2020'")


def split(tables: Tables, cut: str) -> tuple[Tables, Tables, pd.Timestamp]:
    """``(train, test, cut)``: rows made before ``cut`` train, the rest test (labels kept)."""
    c = cut_date(tables, cut)
    st = tables.statements
    before = (st["made_at"] < c).to_numpy()
    return bc.subset(tables, st[before]), bc.subset(tables, st[~before]), c


def _fit_platt(z: np.ndarray, y: np.ndarray, iters: int = 25) -> tuple[float, float]:
    """Maximum-likelihood ``(a, b)`` in ``P(y=1) = sigmoid(a z + b)`` (Newton, 2-D)."""
    w = np.array([1.0, 0.0])
    X = np.column_stack([z, np.ones_like(z)])
    for _ in range(iters):
        q = 1 / (1 + np.exp(-(X @ w)))
        g = X.T @ (y - q)
        H = (X * (q * (1 - q))[:, None]).T @ X + 1e-6 * np.eye(2)
        w += np.linalg.solve(H, g)
    return float(w[0]), float(w[1])


def recalibrate_intercept(
    made_at: pd.Series,
    y: np.ndarray,
    p: np.ndarray,
    is_test: np.ndarray,
    window: pd.Timedelta = WINDOW,
    slope: bool = False,
) -> np.ndarray:
    """Monthly intercept recalibration on the most recent labelled window.

    For each calendar month of the test rows, ``b`` is fitted on the rows (train or earlier
    test) made in ``[month start - window, month start)`` -- verdicts known before the month --
    and the month's probabilities become ``sigmoid(logit(p) + b)``. Only the intercept moves,
    so the ranking (AUC) is unchanged. With ``slope=True`` the slope is re-fitted too
    (Platt scaling of the model's logit on the window).
    """
    made = pd.DatetimeIndex(made_at)
    z = bc.logit(p)
    out = p.copy()
    months = made[is_test].tz_convert(None).to_period("M").unique()
    for m in months:
        start = pd.Timestamp(m.start_time, tz="UTC")
        stop = pd.Timestamp((m + 1).start_time, tz="UTC")
        win = (made >= start - window) & (made < start)
        rows = is_test & (made >= start) & (made < stop)
        if win.sum() >= 30:
            a, b = (
                _fit_platt(z[win], y[win]) if slope else (1.0, bc.fit_logit_shift(z[win], y[win]))
            )
            out[rows] = 1 / (1 + np.exp(-(a * z[rows] + b)))
    return out


def run_cut(
    tables: Tables,
    cut: str,
    *,
    cv: int = 5,
    n_boot: int = 1000,
    n_sim: int = 1000,
    verbose: bool = True,
) -> dict[str, Any]:
    """Every model on one cut: figures per model plus the cut's description."""
    train, test, c = split(tables, cut)
    y = test.statements["label"].to_numpy(dtype=float)
    y_tr = train.statements["label"].to_numpy(dtype=float)
    preds: dict[str, np.ndarray] = {}
    preds["base rate (training part)"] = np.full(len(y), y_tr.mean())
    # plain pipeline: test rows see training verdicts and earlier test verdicts (arriving)
    c_tr, c_te = bc.history_counts(train, test)
    plain = bc.plain_pipeline(cv=cv).fit(bc.plain_frame(train.statements, c_tr), y_tr.astype(int))
    preds["plain pipeline (TF-IDF + one-hot + history counts, LR + sigmoid)"] = plain.predict_proba(
        bc.plain_frame(test.statements, c_te)
    )[:, 1]
    if verbose:
        print(f"  [{cut}] plain done", flush=True)
    model = CredibilityModel(cv=cv).fit(train)
    p_arriving = model.score(test, history=train, explain=False)["p_reliable"].to_numpy()
    p_frozen = model.score(
        bc.subset(test, bc.hide_labels(test.statements)), history=train, explain=False
    )["p_reliable"].to_numpy()
    preds["credscore (history, qualifiers, rank, context)"] = p_arriving
    # drift adaptation: scores of every row (training rows in-sample) for the window fits
    both = bc.subset(tables, pd.concat([train.statements, test.statements]))
    p_all = model.score(both, explain=False)["p_reliable"].to_numpy()
    is_test = np.r_[np.zeros(len(y_tr), bool), np.ones(len(y), bool)]
    y_all = np.r_[y_tr, y]
    p_adapt = recalibrate_intercept(both.statements["made_at"], y_all, p_all, is_test)[is_test]
    preds["credscore + monthly intercept recalibration (last 365 days)"] = p_adapt
    p_platt = recalibrate_intercept(both.statements["made_at"], y_all, p_all, is_test, slope=True)[
        is_test
    ]
    preds["credscore + monthly slope+intercept recalibration (last 365 days)"] = p_platt
    preds["credscore, test verdicts frozen at the cut (check)"] = p_frozen
    if verbose:
        print(
            f"  [{cut}] credscore done ({model.selection_['base']} + "
            f"{model.selection_['calibrator']})",
            flush=True,
        )
    st_te = test.statements
    src = st_te["source_id"].to_numpy()
    rows = {
        name: bc.evaluate(y, p, n_boot=n_boot, n_sim=n_sim, groups=src) for name, p in preds.items()
    }
    return {
        "cut": cut,
        "first_test_date": str(c.date()),
        "train_rows": len(y_tr),
        "test_rows": len(y),
        "train_dates": [
            str(train.statements["made_at"].min().date()),
            str(train.statements["made_at"].max().date()),
        ],
        "test_dates": [str(st_te["made_at"].min().date()), str(st_te["made_at"].max().date())],
        "train_base_rate": float(y_tr.mean()),
        "test_base_rate": float(y.mean()),
        "selection": {
            "base": model.selection_["base"],
            "calibrator": model.selection_["calibrator"],
        },
        "rows": rows,
    }


def base_rate_by_year(tables: Tables) -> dict[str, dict[str, float]]:
    st = tables.statements
    g = st.groupby(st["made_at"].dt.year)["label"]
    return {str(k): {"rows": int(v.size), "base_rate": round(float(v.mean()), 3)} for k, v in g}


def run(
    *, cv: int = 5, n_boot: int = 1000, n_sim: int = 1000, verbose: bool = True
) -> dict[str, Any]:
    tables = load_sorted()
    return {
        "data": {
            "corpus": "LIAR2 valid",
            "rows": len(tables.statements),
            "base_rate_by_year": base_rate_by_year(tables),
        },
        "settings": {
            "cv": cv,
            "n_boot": n_boot,
            "n_sim": n_sim,
            "recalibration_window_days": WINDOW.days,
        },
        "cuts": [
            run_cut(tables, c, cv=cv, n_boot=n_boot, n_sim=n_sim, verbose=verbose)
            for c in ("chrono70", "y2020")
        ],
    }


def render(result: dict[str, Any]) -> str:
    s = result["settings"]
    lines = [
        "# LIAR2 time benchmark (issue #7)",
        "",
        f"LIAR2 valid ({result['data']['rows']:,} dated rows), ordered by statement date. "
        "Train on the earlier part, score the later part. History is point-in-time from the "
        "dates: a statement sees verdicts of statements made on earlier days; test-part "
        "verdicts become visible as time passes (labels arrive), a row never sees its own. "
        "LIAR2 has no verdict date, so a verdict counts as known from its statement's date "
        "(optimistic by the fact-checking delay). The corpus's count columns and "
        "`justification` are never used.",
        "",
        f"95% bootstrap intervals ({s['n_boot']} draws, resampling whole sources); calibration "
        f"test: smECE against its simulated null ({s['n_sim']} draws) and slope interval "
        f"containing 1. CV folds: {s['cv']} (time-ordered inside credscore).",
        "",
    ]
    for cut in result["cuts"]:
        lines += [
            f"## Cut `{cut['cut']}`: train {cut['train_dates'][0]} .. {cut['train_dates'][1]} "
            f"({cut['train_rows']:,} rows, base rate {cut['train_base_rate']:.3f}); test from "
            f"{cut['first_test_date']} to {cut['test_dates'][1]} ({cut['test_rows']:,} rows, "
            f"base rate {cut['test_base_rate']:.3f})",
            "",
            bc.markdown_table(cut["rows"]),
            "",
            f"credscore chose {cut['selection']['base']} + {cut['selection']['calibrator']}.",
            "",
        ]
    years = result["data"]["base_rate_by_year"]
    lines += ["## Base rate by year", "", "| year | rows | base rate |", "|---|---|---|"]
    lines += [f"| {y} | {v['rows']} | {v['base_rate']:.3f} |" for y, v in years.items()]
    lines += ["", "Regenerate: `python experiments/liar2_time_benchmark.py`."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="cv=3, 200 draws, write nothing")
    args = ap.parse_args(argv)
    result = run(cv=3, n_boot=200, n_sim=200) if args.quick else run()
    text = render(result)
    print(text)
    if not args.quick:
        bc.write_results("liar2_time_benchmark", result, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
