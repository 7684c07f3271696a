"""Tests of credscore/report/_drift.py and its hooks: evaluate(by=...), the HTML section and
``credscore evaluate --by``."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from credscore import CredibilityModel, Tables, save_model, write_tables
from credscore.datasets import Drift, simulate
from credscore.report import drift_monitor, evaluate, render_html
from credscore.report._cli import add_evaluate_parser

START = pd.Timestamp("2024-01-01", tz="UTC")


def _subset(tables, st):
    ev = tables.events[tables.events["statement_id"].isin(st["statement_id"])]
    return Tables(statements=st.reset_index(drop=True), sources=tables.sources, events=ev)


@pytest.fixture(scope="module")
def drifted():
    """Trained before 2023-07; the base rate falls from 2024-01 on (log-odds -1.2)."""
    tables, _ = simulate(7000, 70, random_state=21, drift=Drift(start=START, intercept=-1.2))
    st = tables.statements
    cut = pd.Timestamp("2023-07-01", tz="UTC")
    model = CredibilityModel(base_learners=("logistic",), calibrators=("sigmoid",), cv=3)
    model.fit(_subset(tables, st[st["made_at"] < cut]))
    return model, tables, _subset(tables, st[st["made_at"] >= cut]), cut


def test_monitor_flags_the_drift_within_one_quarter(drifted):
    """Monitoring the statements after training: the first quarter of the drift is flagged,
    with a positive mean shift; at most one quarter before it is flagged (by chance)."""
    model, tables, later, cut = drifted
    history = _subset(tables, tables.statements[tables.statements["made_at"] < cut])
    mon = drift_monitor(model, later, history=history, by="quarter", n_sim=200)
    rows = {r["period"]: r for r in mon["periods"]}
    assert rows["2024Q1"]["flag"] and rows["2024Q1"]["shift"] > 0.05
    assert sum(r["flag"] for r in mon["periods"] if r["period"] < "2024Q1") <= 1
    assert mon["first_flag"] <= "2024Q1"


def test_evaluate_by_month_adds_the_section_and_the_html_shows_it(drifted):
    model, tables, later, cut = drifted
    history = _subset(tables, tables.statements[tables.statements["made_at"] < cut])
    res = evaluate(model, later, history=history, by="quarter", n_boot=30, n_sim=60, slices=())
    d = res["drift"]
    assert d["by"] == "quarter" and sum(r["n"] for r in d["periods"]) == res["data"]["n_evaluated"]
    page = render_html(res)
    assert "Calibration over time (by quarter)" in page and page.count("<circle") >= len(
        d["periods"]
    )
    for r in d["periods"]:
        assert f"<td>{r['period']}</td><td>{r['n']:,}</td>" in page
    plain = evaluate(model, later, history=history, n_boot=30, n_sim=60, slices=())
    assert "drift" not in plain and "Calibration over time" not in render_html(plain)
    json.dumps(res, allow_nan=False)


def test_bad_period_is_refused_before_scoring(drifted):
    model, _, later, _ = drifted
    with pytest.raises(ValueError, match="by must be one of"):
        evaluate(model, later, by="fortnight")


def test_cli_by_month(drifted, tmp_path, capsys):
    model, _, later, _ = drifted
    save_model(model, tmp_path / "m")
    write_tables(later, tmp_path / "t")
    p = argparse.ArgumentParser()
    sub = p.add_subparsers()
    add_evaluate_parser(sub)
    out = tmp_path / "r.html"
    args = p.parse_args(
        ["evaluate", str(tmp_path / "t"), "--model", str(tmp_path / "m"), "--out", str(out),
         "--json", str(tmp_path / "r.json"), "--by", "month", "--n-boot", "20", "--n-sim", "40"]
    )  # fmt: skip
    assert args.func(args) == 0
    err = capsys.readouterr().err
    assert "drift monitor:" in err
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["drift"]["by"] == "month"
    assert "Calibration over time (by month)" in out.read_text()
    assert np.isfinite(data["drift"]["periods"][0]["mean_p"])
