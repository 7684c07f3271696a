"""LIAR2 monthly rolling origin (issue 17): does adaptation keep the model calibrated over time?

Protocol
--------
* Data: LIAR2 valid ordered by statement date (dated, labelled rows). The model is trained once
  on the statements made before 2020-01-01 (``CredibilityModel()``, default recipe) and never
  refitted: the *frozen* model.
* Every calendar month ``m`` from 2020-01 on is one origin. What is known at the start of ``m``:
  every statement made before ``m`` with its verdict (LIAR2 gives no verdict date, so a verdict
  counts as known from its statement's date: optimistic by the fact-checking delay). The batch
  scored is month ``m``'s statements, their verdicts hidden; their sources' point-in-time records
  hold every earlier verdict (for the frozen and the adapted model alike).
* *Adapted*: the frozen model plus the two opt-in adaptations, with their defaults and nothing
  tuned to these months: ``recalibrate(...)`` on the verdicts of statements made after the
  training period and before ``m`` (the map chosen by rolling-origin evaluation, see
  ``credscore/model/_recal_select.py``; none before 20 such verdicts exist), then
  ``label_shift`` on the month's batch (its guard refuses batches under 50 statements, so on
  LIAR2's 7-33 statements a month it is recorded and skipped).
* Comparisons in the same run: the frozen model; the training base rate; and the fixed recipe
  the issue measured, slope + intercept refitted each month on the last 365 days of verdicts,
  training rows included (scored in-sample), ``recalibrate(form="logistic", window=365,
  allow_overlap=True)``.
* Chance alone: the number of months in which a model calibrated by construction fails the
  same test (outcomes drawn from the frozen model's own probabilities), the false alarms that
  no adaptation from earlier verdicts can foresee.
* ``--quarters`` runs the same protocol over calendar quarters (3 to 10 times the statements
  of a month: 14-70) and writes ``results/liar2_rolling_quarters.{md,json}``: on 2026-12-03 the
  frozen model failed in 2 of 15 quarters (chance alone: 0.6) and the adapted one in the same 2.
  The label-shift guard refused the 3 quarters of 50 or more statements because the scores
  separate the outcomes too little (mean-score gap 0.18-0.20, floor 0.25).
* ``--unguarded`` applies label shift to every month (no batch-size or stability guard) and
  writes nothing: on 2026-12-03 it rescued 0 of 2 failing months, broke 9 passing ones and
  cost +0.144 log loss, which is what the guard is for.
* Figures per month: the calibration test (``calibration_test``'s default: smECE null at 0.025
  and the 97.5% slope interval, Bonferroni; statement null; the by-source null reported too)
  and log loss; over the whole period from 2020 on: log loss, AUC, slope and the calibration
  test of the pooled monthly predictions.

Floors: among the months where the frozen model fails the test, the adapted one passes in at
least 80%, with pooled log loss at most frozen + 0.005 [aim: it passes on the whole period with
log loss <= 0.38].

Usage::

    python experiments/liar2_rolling.py            # writes results/liar2_rolling.{md,json}
    python experiments/liar2_rolling.py --quick    # cv=3, 200 null draws, writes nothing
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench_common as bc
import numpy as np
import pandas as pd
from liar2_time_benchmark import Y2020, load_sorted

from credscore import CredibilityModel, Tables
from credscore.calibration import calibration_test, label_shift, log_loss, roc_auc
from credscore.exceptions import SchemaError
from credscore.model._label_shift import calibrated_prior

FLOOR_SHARE, FLOOR_LOSS, AIM_LOSS = 0.80, 0.005, 0.38


def _copy(model: CredibilityModel) -> CredibilityModel:
    return CredibilityModel.from_state(model.to_state())


def _recalibrated(model: CredibilityModel, known: Tables, **kw: Any) -> tuple[Any, dict]:
    """A copy of ``model`` recalibrated on ``known`` (the identity when it cannot be)."""
    m = _copy(model)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.recalibrate(known, **kw)
    except (SchemaError, ValueError) as exc:
        return m, {"form": "none", "reason": str(exc)[:80]}
    r = m.recalibration_ or {}
    return m, {"form": r.get("form"), "window_days": r.get("window_days"), "n": r.get("n")}


def _month_scores(model: Any, tables: Tables, month_rows: np.ndarray) -> np.ndarray:
    """The month's probabilities: the month's verdicts hidden, every earlier one known."""
    st = tables.statements
    before = (st["made_at"] < st["made_at"][month_rows].min()).to_numpy()
    batch = bc.hide_labels(st[month_rows])
    scored = bc.subset(tables, pd.concat([st[before], batch]))
    p = model.score(scored, explain=False)["p_reliable"].to_numpy()
    return p[int(before.sum()) :]


def _test(y: np.ndarray, p: np.ndarray, src: np.ndarray, n_sim: int) -> dict[str, Any]:
    a = calibration_test(y, p, n_sim=n_sim)
    b = calibration_test(y, p, n_sim=n_sim, groups=src)
    return {"passes": a.consistent, "passes_by_source": b.consistent, "smece_p": a.smece.p_value}


def run(
    *,
    cv: int = 5,
    n_sim: int = 1000,
    verbose: bool = True,
    guard: dict | None = None,
    period: str = "M",
) -> dict[str, Any]:
    tables = load_sorted()
    st = tables.statements
    train_rows = (st["made_at"] < Y2020).to_numpy()
    frozen = CredibilityModel(cv=cv).fit(bc.subset(tables, st[train_rows]))
    train_end = st["made_at"][train_rows].max() + pd.Timedelta(seconds=1)
    months = st["made_at"][~train_rows].dt.tz_convert(None).dt.to_period(period)
    out: dict[str, list] = {"months": []}
    preds: dict[str, list[np.ndarray]] = {"frozen": [], "adapted": [], "fixed365": []}
    ys, srcs = [], []
    for m in sorted(months.unique()):
        rows = np.zeros(len(st), bool)
        rows[np.flatnonzero(~train_rows)[(months == m).to_numpy()]] = True
        start = st["made_at"][rows].min()
        known = bc.subset(tables, st[(st["made_at"] < start).to_numpy()])
        adapted, chosen = _recalibrated(frozen, known, since=train_end)
        fixed, _ = _recalibrated(frozen, known, form="logistic", window=365, allow_overlap=True)
        p = {
            "frozen": _month_scores(frozen, tables, rows),
            "adapted": _month_scores(adapted, tables, rows),
            "fixed365": _month_scores(fixed, tables, rows),
        }
        p["adapted"], shift = label_shift(p["adapted"], calibrated_prior(adapted), **(guard or {}))
        y = st["label"].to_numpy(dtype=float)[rows]
        src = st["source_id"].to_numpy()[rows]
        row = {"month": str(m), "n": int(rows.sum()), "base_rate": float(y.mean()),
               "recalibration": chosen, "label_shift": shift.reason}  # fmt: skip
        for name, q in p.items():
            preds[name].append(q)
            row[name] = {"mean_p": float(q.mean()), "log_loss": log_loss(y, q)} | _test(
                y, q, src, n_sim
            )
        ys.append(y)
        srcs.append(src)
        out["months"].append(row)
        if verbose:
            print(
                f"  {m}: n={row['n']:3d} rate {row['base_rate']:.2f} | frozen "
                f"{row['frozen']['mean_p']:.2f} {'pass' if row['frozen']['passes'] else 'FAIL'}"
                f" | adapted {row['adapted']['mean_p']:.2f} "
                f"{'pass' if row['adapted']['passes'] else 'FAIL'} ({chosen.get('form')})",
                flush=True,
            )
    y_all, src_all = np.concatenate(ys), np.concatenate(srcs)
    base = np.full(y_all.size, float(st["label"][train_rows].mean()))
    pooled = {"base rate (training)": base} | {k: np.concatenate(v) for k, v in preds.items()}
    out["pooled"] = {
        k: {
            "log_loss": log_loss(y_all, q),
            "auc": roc_auc(y_all, q),
            "mean_p": float(q.mean()),
            **calibration_test(y_all, q, n_sim=n_sim).to_dict(),
            "passes_by_source": calibration_test(y_all, q, n_sim=n_sim, groups=src_all).consistent,
        }
        for k, q in pooled.items()
    }
    out["chance"] = _chance_fails(preds["frozen"], n_draws=10 if n_sim < 1000 else 40)
    out["summary"] = _summary(out, y_all)
    ns = [r["n"] for r in out["months"]]
    out["settings"] = {"cv": cv, "n_sim": n_sim, "train_rows": int(train_rows.sum()),
                       "min_n": min(ns), "max_n": max(ns),
                       "scored_rows": int(y_all.size), "train_base_rate": float(base[0]),
                       "selection": frozen.selection_["base"] + " + "
                       + frozen.selection_["calibrator"], "period": period,
                       "unguarded": guard is not None}  # fmt: skip
    return out


def _chance_fails(month_preds: list[np.ndarray], *, n_draws: int) -> dict[str, Any]:
    """How often the monthly test fails a model that is calibrated by construction.

    For each month, outcomes are drawn from the frozen model's own probabilities (so those
    probabilities are exactly right) ``n_draws`` times and the month's test is run on each
    draw (statement null, 200 null draws). The sum over months of the failure rates is the
    number of months a perfectly calibrated model fails by chance alone.
    """
    rng = np.random.default_rng(20260101)
    rates = []
    for q in month_preds:
        fails = 0
        for _ in range(n_draws):
            y = (rng.random(q.size) < q).astype(float)
            fails += not calibration_test(y, q, n_sim=200, random_state=rng).consistent
        rates.append(fails / n_draws)
    return {"n_draws": n_draws, "rates": rates, "expected_fails": float(np.sum(rates))}


def _summary(out: dict[str, Any], y_all: np.ndarray) -> dict[str, Any]:
    rows = out["months"]
    fails = [r for r in rows if not r["frozen"]["passes"]]
    rescued = [r for r in fails if r["adapted"]["passes"]]
    broken = [r for r in rows if r["frozen"]["passes"] and not r["adapted"]["passes"]]
    pooled = out["pooled"]
    share = len(rescued) / len(fails) if fails else float("nan")
    gap = pooled["adapted"]["log_loss"] - pooled["frozen"]["log_loss"]
    return {
        "months": len(rows),
        "frozen_fails": len(fails),
        "adapted_passes_where_frozen_fails": len(rescued),
        "share": share,
        "adapted_fails_where_frozen_passes": len(broken),
        "months_adapted_fails": sum(not r["adapted"]["passes"] for r in rows),
        "months_fixed365_fails": sum(not r["fixed365"]["passes"] for r in rows),
        "log_loss_gap": gap,
        "floor_share_met": bool(share >= FLOOR_SHARE),
        "floor_loss_met": bool(gap <= FLOOR_LOSS),
        "aim_pooled_pass": bool(pooled["adapted"]["consistent"]),
        "aim_loss_met": bool(pooled["adapted"]["log_loss"] <= AIM_LOSS),
        "label_shift_applied": sum(r["label_shift"] == "applied" for r in rows),
        "label_shift_refused": _refusals([r["label_shift"] for r in rows]),
        "chance_fails": out["chance"]["expected_fails"],
    }


#: The label-shift guard's reasons (``credscore.calibration._label_shift``), as short names.
_REFUSALS = {
    "below min_batch": "batch under min_batch",
    "separate the outcomes too little": "scores separate the outcomes too little",
    "is outside": "estimate at a bound",
    "unstable": "estimate unstable",
    "no evidence of a shift": "no evidence of a shift",
    "disagree": "estimators disagree",
}


#: The guard's size and separation floors, as ``label_shift`` defaults them.
_GUARD_DEFAULTS = ", ".join(
    f"{k} {(label_shift.__kwdefaults__ or {})[k]:g}" for k in ("min_batch", "min_separation")
)


def _refusals(reasons: list[str]) -> dict[str, int]:
    """How many periods the guard refused, by its first reason."""
    out: dict[str, int] = {}
    for r in reasons:
        if r == "applied":
            continue
        name = next((v for k, v in _REFUSALS.items() if k in r), "other")
        out[name] = out.get(name, 0) + 1
    return out


def render(res: dict[str, Any]) -> str:
    s, sm = res["settings"], res["summary"]
    q = s.get("period", "M") == "Q"
    unit, units, ly = ("quarter", "quarters", "quarterly") if q else ("month", "months", "monthly")
    lines = [
        f"# LIAR2 {ly} rolling origin (issue 17)" + (", the months pooled by three" if q else ""),
        "",
        f"Frozen model: `CredibilityModel(cv={s['cv']})` ({s['selection']}) trained on the "
        f"{s['train_rows']:,} LIAR2 valid statements made before 2020 (base rate "
        f"{s['train_base_rate']:.3f}); {s['scored_rows']:,} statements scored {unit} by {unit} "
        f"from 2020-01, each {unit}'s verdicts hidden and every earlier verdict known. Adapted: "
        "`recalibrate` (form and window chosen by rolling-origin evaluation) on the verdicts "
        f"after the training period, then the guarded label-shift adjustment of the {unit}'s "
        "batch. Fixed 365: slope + intercept on the last 365 days, training rows included. "
        f"Calibration test: `calibration_test`'s default, smECE against its null ({s['n_sim']} "
        "draws) at 0.025 and the 97.5% slope interval (Bonferroni, 5% false alarms); "
        "`by source` uses the by-source null.",
        "",
        "## Floors",
        "",
        f"- {units} where the frozen model fails: {sm['frozen_fails']} of {sm['months']}; the "
        f"adapted model passes in {sm['adapted_passes_where_frozen_fails']} of them "
        f"(**{sm['share']:.0%}**, floor 80%: {'met' if sm['floor_share_met'] else 'not met'});"
        f" it fails where the frozen one passes in {sm['adapted_fails_where_frozen_passes']}",
        f"- pooled log loss adapted minus frozen: **{sm['log_loss_gap']:+.4f}** (floor "
        f"+0.005: {'met' if sm['floor_loss_met'] else 'not met'})",
        f"- aim, whole period: adapted passes the test: {sm['aim_pooled_pass']}; log loss "
        f"{res['pooled']['adapted']['log_loss']:.3f} (aim 0.38: "
        f"{'met' if sm['aim_loss_met'] else 'not met'})",
        f"- label-shift adjustment applied in {sm['label_shift_applied']} {units}; the guard "
        "refused the others: "
        + ", ".join(f"{k} in {v}" for k, v in sm.get("label_shift_refused", {}).items())
        + f" ({units} hold {s.get('min_n', 7)}-{s.get('max_n', 33)} statements; "
        + ("no guard: --unguarded" if s.get("unguarded") else _GUARD_DEFAULTS)
        + ")",
        f"- chance alone: a model calibrated by construction (each {unit}'s outcomes drawn "
        f"{res['chance']['n_draws']} times from the frozen model's own probabilities) fails "
        f"the {ly} test in **{sm['chance_fails']:.1f}** of the {sm['months']} {units} on "
        f"average (the frozen model fails in {sm['frozen_fails']})",
        "",
        f"## Whole period from 2020 (pooled {ly} predictions)",
        "",
        "| predictions | log loss | AUC | mean p | slope [95% CI] | smECE p | Spiegelhalter z "
        "| passes | passes by source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for k, r in res["pooled"].items():
        lines.append(
            f"| {k} | {r['log_loss']:.3f} | {r['auc']:.3f} | {r['mean_p']:.3f} | "
            f"{r['slope']:.2f} [{r['slope_ci'][0]:.2f}, {r['slope_ci'][1]:.2f}] | "
            f"{r['smece']['p_value']:.3f} | {r['spiegelhalter_z']:.2f} | {r['consistent']} | "
            f"{r['passes_by_source']} |"
        )
    head = "| n | held up | frozen p / pass | adapted p / pass | map | fixed 365 pass |"
    lines += ["", f"## {units.capitalize()}", "", f"| {unit} {head}",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in res["months"]:
        f, a, x = r["frozen"], r["adapted"], r["fixed365"]
        rc = r["recalibration"]
        lines.append(
            f"| {r['month']} | {r['n']} | {r['base_rate']:.2f} | {f['mean_p']:.2f} / "
            f"{'yes' if f['passes'] else '**no**'} | {a['mean_p']:.2f} / "
            f"{'yes' if a['passes'] else '**no**'} | {rc.get('form')} "
            f"{rc.get('window_days') or ''} | {'yes' if x['passes'] else 'no'} |"
        )
    lines += [
        "",
        "Regenerate: `python experiments/liar2_rolling.py" + (" --quarters" if q else "") + "`.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="cv=3, 200 null draws, write nothing")
    ap.add_argument(
        "--quarters",
        action="store_true",
        help="calendar quarters instead of months (results/liar2_rolling_quarters.*)",
    )
    ap.add_argument(
        "--unguarded",
        action="store_true",
        help="label shift on every month (min_batch 5, no stability guard); writes nothing",
    )
    args = ap.parse_args(argv)
    guard = {"min_batch": 5, "max_se": 1.0, "min_z": 0.0, "min_separation": 0.0}
    kw: dict[str, Any] = {"guard": guard} if args.unguarded else {}
    kw["period"] = "Q" if args.quarters else "M"
    res = run(cv=3, n_sim=200, **kw) if args.quick else run(**kw)
    text = render(res)
    print(text)
    if not (args.quick or args.unguarded):
        bc.write_results("liar2_rolling_quarters" if args.quarters else "liar2_rolling", res, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
