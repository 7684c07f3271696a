"""Group-conditional (Mondrian) calibration on LIAR (issue 17): pooled vs per-group maps.

Protocol: LIAR train is split at random (seed 0) into a fitting part (80%) and a calibration
part (20%). ``CredibilityModel()`` is fitted on the fitting part (the calibration part's labels
hidden; its statements still feed the records). On the calibration part's verdicts (scored out
of sample) two maps are fitted: a pooled slope + intercept map (the plain alternative) and
:class:`credscore.GroupCalibratedModel` by each grouping column. Everything is evaluated on
LIAR valid (1,284 statements; LIAR train as history): log loss, and per group the mean
prediction minus the observed rate, summarised as the row-weighted mean absolute gap over the
groups with at least 30 valid statements.

Run::

    python experiments/mondrian_liar.py > experiments/results/mondrian_liar.txt
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench_common as bc
import numpy as np
import pandas as pd

from credscore import CredibilityModel, GroupCalibratedModel, Tables
from credscore.calibration import log_loss
from credscore.datasets import load_liar

GROUPS = ("party", "source_type", "context", "rank_family")


def _tables(liar: Tables, st: pd.DataFrame) -> Tables:
    ids = set(st["source_id"])
    src = liar.sources[liar.sources["source_id"].isin(ids)].reset_index(drop=True)
    return Tables(statements=st.reset_index(drop=True), sources=src)


def _gaps(y: np.ndarray, p: np.ndarray, g: np.ndarray, min_n: int = 30) -> tuple[float, int]:
    frame = pd.DataFrame({"y": y, "p": p, "g": g})
    by = frame.groupby("g").agg(n=("y", "size"), y=("y", "mean"), p=("p", "mean"))
    by = by[by["n"] >= min_n]
    return float(np.average(np.abs(by["p"] - by["y"]), weights=by["n"])), len(by)


def main() -> None:
    bc.quiet()
    liar = load_liar(seed=0)
    st = liar.statements
    train = st[st["split"] == "train"]
    valid = st[st["split"] == "valid"]
    cal = np.random.default_rng(0).random(len(train)) < 0.2
    fit_st = train.assign(label=train["label"].where(~cal), label_at=train["label_at"].where(~cal))
    cal_st = train.assign(label=train["label"].where(cal), label_at=train["label_at"].where(cal))
    model = CredibilityModel().fit(_tables(liar, fit_st))
    hidden = valid.assign(label=np.nan, label_at=pd.NaT)
    history = _tables(liar, train)
    y = valid["label"].to_numpy(dtype=float)
    plain = model.score(_tables(liar, hidden), history=history, explain=False)
    feats = model.features(_tables(liar, hidden), history=history)
    print(f"# LIAR: model fitted on {int((~cal).sum()):,} train rows, maps on {int(cal.sum()):,}"
          f" held-out train rows, evaluated on {len(y):,} valid rows")  # fmt: skip
    print(f"# selection: {model.selection_['base']} + {model.selection_['calibrator']}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # calibration rows share the training period, not rows
        pooled = GroupCalibratedModel(model, by="split", min_group_size=10**9)
        pooled.fit(_tables(liar, cal_st), allow_overlap=True)
    p_pooled = pooled.score(_tables(liar, hidden), history=history, explain=False)["p_reliable"]
    print(f"{'grouping':12s} {'groups':>6s} {'own maps':>8s} {'gap model':>10s} "
          f"{'gap pooled':>10s} {'gap groups':>10s} {'ll model':>9s} {'ll pooled':>9s} "
          f"{'ll groups':>9s}")  # fmt: skip
    for by in GROUPS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gm = GroupCalibratedModel(model, by=by).fit(_tables(liar, cal_st), allow_overlap=True)
        p_g = gm.score(_tables(liar, hidden), history=history, explain=False)["p_reliable"]
        labels = (
            valid[by].to_numpy(dtype=object)
            if by in valid.columns
            else feats[by].to_numpy(dtype=object)
            if by in feats.columns
            else valid["source_id"].map(liar.sources.set_index("source_id")[by]).to_numpy()
        )
        labels = pd.Series(labels, dtype=object).fillna("(missing)").astype(str).to_numpy()
        rows = [_gaps(y, q.to_numpy(), labels) for q in (plain["p_reliable"], p_pooled, p_g)]
        lls = [log_loss(y, q.to_numpy()) for q in (plain["p_reliable"], p_pooled, p_g)]
        print(
            f"{by:12s} {rows[0][1]:6d} {len(gm.groups_):8d} {rows[0][0]:10.4f} {rows[1][0]:10.4f}"
            f" {rows[2][0]:10.4f} {lls[0]:9.4f} {lls[1]:9.4f} {lls[2]:9.4f}"
        )
    print("\ngap: row-weighted mean |mean p - observed rate| over groups with >= 30 valid rows;")
    print("pooled: one slope + intercept map on the held-out rows; groups: GroupCalibratedModel")


if __name__ == "__main__":
    main()
