"""Tests of credscore.report: figures, reliability bins, slices, baselines, HTML/JSON, CLI hook.

One model is fitted on the first 70% (by time) of a small simulated corpus, saved and loaded
back (so it carries a manifest), and evaluated on the last 30% with the first part as history.
"""

from __future__ import annotations

import argparse
import html
import json
import re

import numpy as np
import pandas as pd
import pytest

from credscore import CredibilityModel, Tables, load_model, save_model, write_tables
from credscore.calibration import (
    brier_score,
    calibration_in_the_large,
    calibration_test,
    ece,
    log_loss,
    metric_intervals,
    roc_auc,
)
from credscore.exceptions import NotFittedError, SchemaError
from credscore.report import DEFAULT_SLICES, evaluate, render_html, write_report
from credscore.report._cli import add_evaluate_parser
from credscore.report._stats import paired_difference

EVIL_ID = "<script>alert('id')</script>"
EVIL_TOPIC = "<img src=x onerror=alert(1)>"
N_UNLABELLED = 25
SETTINGS = {"n_boot": 150, "n_sim": 150, "random_state": 0}


def page_text(page: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _subset(tables: Tables, statements: pd.DataFrame) -> Tables:
    events = tables.events[tables.events["statement_id"].isin(statements["statement_id"])]
    return Tables(
        statements=statements.reset_index(drop=True), sources=tables.sources, events=events
    )


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """(train, test, model loaded from an artifact); test has unlabelled rows and hostile text."""
    from credscore.datasets.simulator import simulate

    tables, _ = simulate(n_statements=1000, n_sources=60, random_state=3)
    st = tables.statements.sort_values("made_at", kind="stable").reset_index(drop=True)
    cut = int(0.7 * len(st))
    train = _subset(tables, st.iloc[:cut])
    test_st = st.iloc[cut:].copy().reset_index(drop=True)
    test_st["label"] = test_st["label"].astype("Float64")
    test_st.loc[test_st.index[-N_UNLABELLED:], "label"] = pd.NA  # the newest are unverified
    test_st.loc[0, "statement_id"] = EVIL_ID
    test_st.loc[test_st.index[:40], "topic"] = EVIL_TOPIC
    test = _subset(tables, test_st)
    fitted = CredibilityModel(base_learners=("logistic",), calibrators=("sigmoid",), cv=3)
    fitted.fit(train)
    model_dir = tmp_path_factory.mktemp("model") / "m"
    save_model(fitted, model_dir, training_data="simulated, first 70%")
    return train, test, load_model(model_dir), model_dir


@pytest.fixture(scope="module")
def result(split):
    train, test, model, _ = split
    slices = (*DEFAULT_SLICES, "topic")
    return evaluate(model, test, history=train, slices=slices, n_examples=500, **SETTINGS)


@pytest.fixture(scope="module")
def direct(split):
    """(y, p, features) of the labelled test rows, computed without the report."""
    train, test, model, _ = split
    mask = test.statements["label"].notna().to_numpy()
    p = model.score(test, history=train, explain=False)["p_reliable"].to_numpy()[mask]
    y = test.statements["label"].to_numpy()[mask].astype(float)
    feats = model.features(test, history=train).iloc[mask]
    return y, p, feats


def test_unlabelled_rows_counted_and_excluded(result, split):
    _, test, _, _ = split
    d = result["data"]
    assert d["n_statements"] == len(test.statements)
    assert d["n_unlabelled_skipped"] == N_UNLABELLED
    assert d["n_evaluated"] == len(test.statements) - N_UNLABELLED == result["model_metrics"]["n"]
    assert d["n_history_statements"] == 700
    assert d["evaluated_on_training_data"] is False
    assert result["warnings"] == []


def _labelled_sources(test: Tables) -> np.ndarray:
    mask = test.statements["label"].notna().to_numpy()
    return test.statements["source_id"].to_numpy(dtype=object)[mask]


def test_json_figures_equal_direct_metric_functions(result, direct, split):
    y, p, _ = direct
    sources = _labelled_sources(split[1])
    mm = result["model_metrics"]
    assert mm["base_rate"] == pytest.approx(y.mean())
    assert mm["metrics"]["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)
    assert mm["metrics"]["brier_score"] == pytest.approx(brier_score(y, p), rel=1e-12)
    assert mm["metrics"]["roc_auc"] == pytest.approx(roc_auc(y, p), rel=1e-12)
    assert mm["metrics"]["ece"] == pytest.approx(ece(y, p), rel=1e-12)
    cil = calibration_in_the_large(y, p)
    assert mm["metrics"]["calibration_in_the_large"] == pytest.approx(cil, abs=1e-12)
    iv = metric_intervals(y, p, n_boot=SETTINGS["n_boot"], random_state=0, groups=sources)
    assert set(mm["intervals"]) == set(iv)
    for name, d in iv.items():
        assert mm["intervals"][name] == pytest.approx(d), name
    test = calibration_test(y, p, n_sim=SETTINGS["n_sim"], random_state=0)
    cal = result["calibration"]
    assert cal["smece_p_value"] == pytest.approx(test.smece.p_value)
    assert cal["slope_ci"] == pytest.approx(list(test.slope_ci))
    assert cal["consistent"] is test.consistent
    assert cal["consistent"] == (
        test.smece.p_value >= 0.05 and test.slope_ci[0] <= 1 <= test.slope_ci[1]
    )


def test_reliability_bins_partition_the_rows(result, direct):
    y, p, _ = direct
    bins = result["reliability"]["bins"]
    # one binning: the diagram's bins are the ECE's
    assert len(bins) == 15 == result["model_metrics"]["test"]["n_bins"]
    assert result["reliability"]["n_bins"] == result["report"]["settings"]["n_bins"] == 15
    assert result["model_metrics"]["metrics"]["ece"] == pytest.approx(ece(y, p, n_bins=15))
    assert sum(b["count"] for b in bins) == len(y)
    assert sum(b["count"] * b["observed"] for b in bins) == pytest.approx(y.sum())
    assert sum(b["count"] * b["mean_p"] for b in bins) == pytest.approx(p.sum())
    means = [b["mean_p"] for b in bins]
    assert means == sorted(means)
    for b in bins:
        assert b["observed_low"] <= b["observed"] <= b["observed_high"]
        assert b["p_min"] <= b["mean_p"] <= b["p_max"]


def test_slice_rows_add_up(result, direct):
    y, p, feats = direct
    assert list(result["slices"]) == [*DEFAULT_SLICES, "topic"]
    for name, sl in result["slices"].items():
        rows = sl["rows"]
        assert sum(r["n"] for r in rows) == len(y), name
        assert sum(r["n_held_up"] for r in rows) == y.sum(), name
        assert sum(r["n"] * r["mean_p"] for r in rows) == pytest.approx(p.sum()), name
        for r in rows:
            assert r["calibration_in_the_large"] == pytest.approx(r["mean_p"] - r["base_rate"])
            assert r["roc_auc"] is None or 0 <= r["roc_auc"] <= 1
    # one group recomputed by hand
    mil = feats["rank_family"].to_numpy() == "military"
    row = next(r for r in result["slices"]["rank_family"]["rows"] if r["value"] == "military")
    assert row["n"] == mil.sum()
    assert row["log_loss"] == pytest.approx(log_loss(y[mil], p[mil]))
    assert row["brier_score"] == pytest.approx(brier_score(y[mil], p[mil]))
    qual = {r["value"]: r["n"] for r in result["slices"]["qualified"]["rows"]}
    assert qual.get("qualified", 0) == int((feats["q_any"] > 0).sum())


def test_baselines(result, direct, split):
    y, p, feats = direct
    model = split[2]
    const, record = result["baselines"]
    assert const["p_source"] == "training_prior"
    assert const["p"] == pytest.approx(model.base_rate_)
    assert const["metrics"]["log_loss"] == pytest.approx(log_loss(y, np.full(len(y), const["p"])))
    diff = const["model_minus_baseline"]["log_loss"]
    assert diff["estimate"] == pytest.approx(log_loss(y, p) - const["metrics"]["log_loss"])
    assert diff["low"] <= diff["estimate"] <= diff["high"]
    p_rec = 1.0 - feats["hist_false_rate"].to_numpy(dtype=float)
    assert record["name"] == "track_record_only"
    assert record["metrics"]["brier_score"] == pytest.approx(brier_score(y, p_rec))


def test_intervals_resample_sources_by_default(result, direct, split):
    y, p, _ = direct
    sources = _labelled_sources(split[1])
    boot = result["bootstrap"]
    assert boot["requested"] == boot["unit"] == "source"
    assert boot["n_clusters"] == result["data"]["n_sources"] == len(set(sources))
    assert boot["n_boot"] == SETTINGS["n_boot"]
    assert result["report"]["settings"]["bootstrap_by"] == "source"
    assert result["model_metrics"]["bootstrap"]["unit"] == "group"
    const = result["baselines"][0]
    base = np.full(len(y), const["p"])
    kw = {"n_boot": SETTINGS["n_boot"], "random_state": 0, "groups": sources}
    assert const["intervals"]["log_loss"] == pytest.approx(
        metric_intervals(y, base, metrics=("log_loss",), **kw)["log_loss"]
    )
    diff = paired_difference(y, p, base, **kw)
    for name, d in diff.items():
        assert const["model_minus_baseline"][name] == pytest.approx(d), name
    page = render_html(result)
    assert f"resample {boot['n_clusters']} sources" in page_text(page)
    assert "percentile bootstrap over the" in page_text(page) and "resampled sources" in page


def test_bootstrap_by_statement(result, direct, split):
    train, test, model, _ = split
    y, p, _ = direct
    res = evaluate(
        model, test, history=train, slices=(), n_examples=0, bootstrap_by="statement", **SETTINGS
    )
    assert res["bootstrap"]["unit"] == "statement"
    assert res["bootstrap"]["n_clusters"] == len(y)
    assert res["report"]["settings"]["bootstrap_by"] == "statement"
    assert res["model_metrics"]["bootstrap"] == {
        "unit": "row",
        "n_clusters": len(y),
        "n_boot": SETTINGS["n_boot"],
    }
    iv = metric_intervals(y, p, n_boot=SETTINGS["n_boot"], random_state=0)
    for name, d in iv.items():
        assert res["model_metrics"]["intervals"][name] == pytest.approx(d), name
    # same point estimates; only the intervals differ
    assert res["model_metrics"]["metrics"] == result["model_metrics"]["metrics"]
    assert res["model_metrics"]["intervals"] != result["model_metrics"]["intervals"]
    assert "resample" in render_html(res) and "resampled statements" in render_html(res)


def test_bootstrap_by_checked_and_one_source_falls_back(split):
    train, test, model, _ = split
    with pytest.raises(ValueError, match=r"bootstrap_by must be one of \('source', 'statement'\)"):
        evaluate(model, test, bootstrap_by="speaker")
    st = test.statements
    one = st["source_id"] == st.loc[st["label"].notna(), "source_id"].value_counts().index[0]
    res = evaluate(model, _subset(test, st[one]), history=train, slices=(), n_boot=20, n_sim=20)
    assert res["bootstrap"]["requested"] == "source"
    assert res["bootstrap"]["unit"] == "statement"
    assert any("only 1 source" in w for w in res["warnings"])
    few = st["source_id"].isin(st["source_id"].drop_duplicates().iloc[:5])
    res = evaluate(model, _subset(test, st[few]), history=train, slices=(), n_boot=20, n_sim=20)
    assert res["bootstrap"]["unit"] == "source"
    assert res["bootstrap"]["n_clusters"] == res["data"]["n_sources"] <= 5
    assert any("few clusters" in w for w in res["warnings"])


def test_manifest_reported(result, split):
    model = split[2]
    info = result["model"]
    assert info["from_artifact"] is True
    assert info["training"]["fingerprint"] == model.manifest_["training"]["fingerprint"]
    assert info["versions"]["credscore"] == model.manifest_["versions"]["credscore"]
    assert info["selection"]["calibrator"] == "sigmoid"


def test_largest_errors_sorted(result):
    errs = result["largest_errors"]
    assert len(errs) == result["data"]["n_evaluated"]  # n_examples above the row count
    losses = [e["log_loss"] for e in errs]
    assert losses == sorted(losses, reverse=True)
    assert EVIL_ID in {e["statement_id"] for e in errs}


def test_write_report_atomic_escaped_and_json_twin(result, tmp_path):
    out = tmp_path / "out"
    write_report(result, out / "report.html", out / "report.json")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json"]  # no temp
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("<svg") == 1 and page.count("</svg>") == 1
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;id&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("<table") == page.count("</table>")
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no fetches
    twin = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert twin == json.loads(json.dumps(result))
    # the page shows the same figures as the JSON
    assert f"{twin['model_metrics']['metrics']['log_loss']:.3f}" in page_text(page)


def test_png_is_optional(result, tmp_path):
    pytest.importorskip("matplotlib")
    assert "data:image/png;base64," not in render_html(result)
    assert "data:image/png;base64," in render_html(result, png=True)


def test_in_sample_evaluation_is_flagged(split):
    train, _, model, _ = split
    res = evaluate(model, train, slices=(), n_examples=0, n_boot=20, n_sim=20)
    assert res["data"]["evaluated_on_training_data"] is True
    assert "in-sample" in res["warnings"][0]
    assert res["largest_errors"] == [] and res["slices"] == {}


def test_bad_input(split):
    train, test, model, _ = split
    no_labels = Tables(
        statements=test.statements.assign(label=pd.NA), sources=test.sources, events=test.events
    )
    with pytest.raises(SchemaError, match="no statement is labelled"):
        evaluate(model, no_labels, **SETTINGS)
    with pytest.raises(NotFittedError):
        evaluate(CredibilityModel(), test)
    with pytest.raises(ValueError, match="unknown slice"):
        evaluate(model, test, history=train, slices=("nope",), n_boot=10, n_sim=10)
    with pytest.raises(TypeError, match="sequence of names"):
        evaluate(model, test, slices="topic")
    with pytest.raises(ValueError, match="returned by"):
        write_report({"data": {}}, "never-written.html")


def test_cli_hook(split, tmp_path):
    train, test, _, model_dir = split
    write_tables(train, tmp_path / "hist")
    write_tables(test, tmp_path / "eval")
    parser = argparse.ArgumentParser()
    add_evaluate_parser(parser.add_subparsers())
    argv = ["evaluate", str(tmp_path / "eval"), "--model", str(model_dir), "--history"]
    argv += [str(tmp_path / "hist"), "--out", str(tmp_path / "r.html"), "--json"]
    argv += [str(tmp_path / "r.json"), "--n-boot", "20", "--n-sim", "20"]
    args = parser.parse_args(argv)
    assert args.func(args) == 0
    res = json.loads((tmp_path / "r.json").read_text())
    assert res["data"]["n_unlabelled_skipped"] == N_UNLABELLED
    assert res["bootstrap"]["unit"] == "source"
    args = parser.parse_args([*argv, "--bootstrap-by", "statement"])
    assert args.func(args) == 0
    res = json.loads((tmp_path / "r.json").read_text())
    assert res["bootstrap"]["unit"] == "statement"
    with pytest.raises(SystemExit):
        parser.parse_args([*argv, "--bootstrap-by", "speaker"])
    assert (tmp_path / "r.html").stat().st_size > 5000
    # bad input raises a credscore error (the command maps it to exit code 2)
    empty = tmp_path / "nolabels"
    write_tables(
        Tables(
            statements=test.statements.drop(columns="label"),
            sources=test.sources,
            events=test.events,
        ),
        empty,
    )
    args = parser.parse_args(
        ["evaluate", str(empty), "--model", str(model_dir), "--out", str(tmp_path / "x.html")]
    )
    with pytest.raises(SchemaError):
        args.func(args)
    from credscore.cli import main

    code = main(
        ["evaluate", str(empty), "--model", str(model_dir), "--out", str(tmp_path / "x.html")]
    )
    assert code == 2  # unregistered: usage error (2); registered: SchemaError (2)
