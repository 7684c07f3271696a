"""Injected drift on the simulator (issue 17): does the monitor see it, does adaptation undo it?

Protocol
--------
* Two worlds from the same seed (``credscore.datasets.simulate``, 30,000 statements 2021-2024,
  300 sources): without drift, and with :class:`~credscore.datasets.Drift` from 2023-07-01
  (base rate down: log-odds -1.0; observable effects x1.4). Before the drift they are
  identical, so one model serves both: ``CredibilityModel(base_learners=("logistic",))`` fitted
  on the verdicts of statements made before 2023-01-01.
* Monitor: :func:`credscore.report.drift_monitor` by month on the statements from 2023-01 on
  (earlier ones as history), by-source null. Floor: the first drift month is flagged (within one
  period). Reported: false alarms before the drift and in the world without drift.
* Adaptation, month by month from 2023-01: ``recalibrate`` (chosen by evidence) on the verdicts
  *known* before the month (the simulator dates each verdict, about 30 days after the
  statement) of statements made after the training period; then the guarded label-shift step
  on the month's batch. Floor: over the months after the first drift month, mean |p - true p|
  of the adapted model within 0.01 of the no-drift world's model (frozen there, nothing to
  adapt). Reported too against ``observable_p`` (the best any point-in-time model can do).

Run::

    python experiments/drift_simulation.py   # writes results/drift_simulation.{md,json}
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench_common as bc
import numpy as np
import pandas as pd

from credscore import CredibilityModel, Tables
from credscore.calibration import calibration_by_period, label_shift, log_loss
from credscore.datasets import Drift, simulate
from credscore.exceptions import SchemaError
from credscore.model._label_shift import calibrated_prior
from credscore.report import drift_monitor

TRAIN_END = pd.Timestamp("2023-01-01", tz="UTC")
DRIFT = Drift(start="2023-07-01", intercept=-1.0, effect_scale=1.4)
N, N_SOURCES, SEED = 30_000, 300, 7


def _hide(tables: Tables, keep: np.ndarray) -> Tables:
    st = tables.statements
    st = st.assign(label=st["label"].where(keep), label_at=st["label_at"].where(keep))
    return Tables(statements=st, sources=tables.sources, events=tables.events)


def _world(drift: Drift | None) -> dict[str, Any]:
    tables, true_p, latent = simulate(
        N, N_SOURCES, random_state=SEED, return_latent=True, drift=drift
    )
    return {"tables": tables, "true_p": true_p.to_numpy(), "obs_p": latent["statements"][
        "observable_p"].to_numpy()}  # fmt: skip


def _subset(tables: Tables, st: pd.DataFrame) -> Tables:
    ev = tables.events[tables.events["statement_id"].isin(st["statement_id"])]
    return Tables(statements=st.reset_index(drop=True), sources=tables.sources, events=ev)


def _monitor(model: CredibilityModel, w: dict[str, Any]) -> dict[str, Any]:
    st = w["tables"].statements
    later = (st["made_at"] >= TRAIN_END).to_numpy()
    return drift_monitor(
        model, _subset(w["tables"], st[later]), history=_subset(w["tables"], st[~later]),
        by="month", n_sim=500,
    )  # fmt: skip


def _adapted(model: CredibilityModel, w: dict[str, Any]) -> dict[str, np.ndarray]:
    """Month-by-month adapted probabilities of every statement from 2023-01 on."""
    tables, st = w["tables"], w["tables"].statements
    frozen = model.score(tables, explain=False)["p_reliable"].to_numpy()
    months = st["made_at"].dt.tz_convert(None).dt.to_period("M").to_numpy()
    out = {"frozen": frozen, "recalibrated": frozen.copy(), "recal+label shift": frozen.copy()}
    forms = {}
    for m in sorted(set(months[(st["made_at"] >= TRAIN_END).to_numpy()])):
        rows = months == m
        start = st["made_at"][rows].min()
        known = (st["label_at"] < start).to_numpy()
        adapted = CredibilityModel.from_state(model.to_state())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                adapted.recalibrate(_hide(tables, known), since=TRAIN_END)
            forms[str(m)] = adapted.recalibration_["form"]
        except SchemaError:
            forms[str(m)] = "none (too few verdicts)"
        batch = _hide(tables, known | ~rows)  # the month's own verdicts hidden
        p = adapted.score(batch, explain=False)["p_reliable"].to_numpy()[rows]
        out["recalibrated"][rows] = p
        out["recal+label shift"][rows] = label_shift(p, calibrated_prior(adapted))[0]
    out["forms"] = forms  # type: ignore[assignment]
    return out


def run() -> dict[str, Any]:
    bc.quiet()
    plain, drifted = _world(None), _world(DRIFT)
    st = drifted["tables"].statements
    model = CredibilityModel(base_learners=("logistic",)).fit(
        _hide(drifted["tables"], (st["made_at"] < TRAIN_END).to_numpy())
    )
    res: dict[str, Any] = {"monitor": {}, "settings": {"n": N, "sources": N_SOURCES,
                           "drift": DRIFT.__dict__ | {"start": str(DRIFT.start)}}}  # fmt: skip
    for name, w in (("drift", drifted), ("no drift", plain)):
        mon = _monitor(model, w)
        res["monitor"][name] = {
            "first_flag": mon["first_flag"],
            "flags": [r["period"] for r in mon["periods"] if r["flag"]],
            "tested": mon["n_tested"],
            "periods": mon["periods"],
        }
    # the monitor's own false-alarm floor: the same test on the true probabilities
    pst = plain["tables"].statements
    k = (pst["made_at"] >= TRAIN_END).to_numpy()
    for name, q in (("true p", plain["true_p"]), ("observable p", plain["obs_p"])):
        mon = calibration_by_period(
            pst["label"].to_numpy(dtype=float)[k], q[k], pst["made_at"][k],
            groups=pst["source_id"].to_numpy()[k], n_sim=500,
        )  # fmt: skip
        res["monitor"][f"no drift, {name}"] = {
            "flags": [r["period"] for r in mon["periods"] if r["flag"]],
            "tested": mon["n_tested"],
        }
    p_d, p_n = _adapted(model, drifted), _adapted(model, plain)
    month = st["made_at"].dt.tz_convert(None).dt.to_period("M").astype(str).to_numpy()
    y_d = st["label"].to_numpy(dtype=float)
    mae: dict[str, Any] = {}
    spans = {
        "after the first drift month": month > "2023-07",
        "2024 (steady state)": month >= "2024",
    }
    for span, after in spans.items():
        mae[span] = {}
        for k in ("frozen", "recalibrated", "recal+label shift"):
            mae[span][k] = {
                "drift_true": float(np.mean(np.abs(p_d[k][after] - drifted["true_p"][after]))),
                "drift_observable": float(np.mean(np.abs(p_d[k][after] - drifted["obs_p"][after]))),
                "drift_log_loss": log_loss(y_d[after], p_d[k][after]),
                "no_drift_true": float(np.mean(np.abs(p_n[k][after] - plain["true_p"][after]))),
            }
    res["by_month"] = {
        m: {
            k: float(np.mean(np.abs(p_d[k][month == m] - drifted["true_p"][month == m])))
            for k in ("frozen", "recalibrated")
        }
        | {
            "no drift": float(
                np.mean(np.abs(p_n["frozen"][month == m] - plain["true_p"][month == m]))
            )
        }
        for m in sorted(set(month[month >= "2023-01"]))
    }
    res["mae"], res["forms"] = mae, p_d["forms"]
    first, steady = mae["after the first drift month"], mae["2024 (steady state)"]
    flagged = {r["period"]: r["flag"] for r in res["monitor"]["drift"]["periods"]}
    res["floors"] = {
        "monitor_flags_first_drift_month": bool(flagged.get("2023-07")),
        "false_alarms_before_drift": [f for f in res["monitor"]["drift"]["flags"] if f < "2023-07"],
        "false_alarms_no_drift": res["monitor"]["no drift"]["flags"],
        "no_drift_mae": first["frozen"]["no_drift_true"],
        "adapted_mae": first["recalibrated"]["drift_true"],
        "adapted_within_0.01": first["recalibrated"]["drift_true"]
        <= first["frozen"]["no_drift_true"] + 0.01,
        "steady_no_drift_mae": steady["frozen"]["no_drift_true"],
        "steady_adapted_mae": steady["recalibrated"]["drift_true"],
        "steady_within_0.01": steady["recalibrated"]["drift_true"]
        <= steady["frozen"]["no_drift_true"] + 0.01,
    }
    return res


def render(res: dict[str, Any]) -> str:
    f, mae, d = res["floors"], res["mae"], res["settings"]["drift"]
    lines = [
        "# Simulated drift: monitor and adaptation (issue 17)",
        "",
        f"{res['settings']['n']:,} simulated statements 2021-2024 from "
        f"{res['settings']['sources']} sources; drift from {d['start']}: log-odds "
        f"{d['intercept']:+.1f}, observable effects x{d['effect_scale']}. Model trained on "
        "statements before 2023-01-01; monitored and adapted monthly from 2023-01.",
        "",
        "## Floors",
        "",
        "- monitor flags the first drift month (2023-07): "
        f"**{f['monitor_flags_first_drift_month']}**; false alarms before the drift: "
        f"{f['false_alarms_before_drift'] or 'none'}; in the world without drift: "
        f"{len(f['false_alarms_no_drift'])} of {res['monitor']['no drift']['tested']} months "
        f"({', '.join(f['false_alarms_no_drift']) or 'none'}); the same monitor on the true "
        f"probabilities flags {len(res['monitor']['no drift, true p']['flags'])} and on the "
        "best point-in-time probabilities "
        f"{len(res['monitor']['no drift, observable p']['flags'])} of those months",
        f"- mean |p - true p| after the first drift month: adapted **{f['adapted_mae']:.4f}** vs "
        f"the no-drift world's {f['no_drift_mae']:.4f} (within 0.01: "
        f"{'met' if f['adapted_within_0.01'] else 'not met'}); in 2024 (steady state) "
        f"**{f['steady_adapted_mae']:.4f}** vs {f['steady_no_drift_mae']:.4f} (within 0.01: "
        f"{'met' if f['steady_within_0.01'] else 'not met'})",
    ]
    for span, rows in mae.items():
        lines += [
            "",
            f"### {span}",
            "",
            "| predictions | drift: mean abs to true p | to observable p | log loss | "
            "no drift: mean abs to true p |",
            "|---|---|---|---|---|",
        ]
        for k, r in rows.items():
            lines.append(
                f"| {k} | {r['drift_true']:.4f} | {r['drift_observable']:.4f} | "
                f"{r['drift_log_loss']:.4f} | {r['no_drift_true']:.4f} |"
            )
    lines += ["", "| month | frozen | recalibrated | no-drift world |", "|---|---|---|---|"]
    lines += [
        f"| {m} | {r['frozen']:.4f} | {r['recalibrated']:.4f} | {r['no drift']:.4f} |"
        for m, r in res["by_month"].items()
    ]
    lines += [
        "",
        "Maps chosen per month: " + ", ".join(f"{k} {v}" for k, v in res["forms"].items()),
    ]
    lines += ["", "## Monitor (drift world)", "", "| month | n | held up | mean p | status |",
              "|---|---|---|---|---|"]  # fmt: skip
    for r in res["monitor"]["drift"]["periods"]:
        lines.append(
            f"| {r['period']} | {r['n']} | {r['base_rate']:.3f} | {r['mean_p']:.3f} | "
            f"{r['status']} |"
        )
    lines += ["", "Regenerate: `python experiments/drift_simulation.py`."]
    return "\n".join(lines)


def main() -> int:
    res = run()
    text = render(res)
    print(text)
    bc.write_results("drift_simulation", res, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
