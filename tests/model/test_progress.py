"""Tests of the fit's progress lines (credscore/model/_progress.py) and of n_jobs."""

from __future__ import annotations

import io

import numpy as np

from credscore import CredibilityModel
from credscore.model._progress import Progress


def test_short_fit_is_silent_and_long_fit_prints_everything_held():
    """With verbose=1, nothing is printed before the quiet period ends; the first step after
    it prints every held line in order, then each step as it comes."""
    out = io.StringIO()
    p = Progress(verbose=1, stream=out, quiet_seconds=3600)
    p.step("a")
    p.step("b")
    assert out.getvalue() == ""
    p.quiet_seconds = 0.0
    p.step("c")
    p.step("d")
    lines = out.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["a", "b", "c", "d"]
    assert all(line.startswith("[credscore fit ") and " s] " in line for line in lines)


def test_verbose_zero_prints_nothing():
    """verbose=0 never writes, whatever the time."""
    out = io.StringIO()
    p = Progress(verbose=0, stream=out, quiet_seconds=0.0)
    p.step("a")
    assert out.getvalue() == ""


def test_fit_reports_folds_learners_and_calibrators(sim_tables, capsys):
    """verbose=2 reports every selection fold of every learner, every calibrator's score,
    every fold model and the end, on stderr (stdout stays clean)."""
    tables, _ = sim_tables
    CredibilityModel(cv=3, calibrators=("sigmoid", "isotonic"), max_iter=20, verbose=2).fit(tables)
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    for learner in ("logistic", "hgb"):
        for k in (1, 2, 3):
            assert f"selection: {learner} fold {k}/3" in err
        for cal in ("sigmoid", "isotonic"):
            assert f"selection: {learner} + {cal} calibrator, log loss" in err
    for k in (1, 2, 3):
        assert f"fold model {k}/3" in err
    assert "fitted on" in err


def test_quiet_fit_prints_nothing(sim_tables, capsys):
    """verbose=0 (what the command line's --quiet maps to) keeps stderr empty."""
    tables, _ = sim_tables
    CredibilityModel(base_learners=("logistic",), cv=3, verbose=0).fit(tables)
    assert capsys.readouterr().err == ""


def test_n_jobs_fits_the_same_model(sim_tables):
    """Fitting the fold models on two workers gives the same selection, probabilities and
    intervals as fitting them one after the other."""
    tables, _ = sim_tables
    params = dict(cv=3, calibrators=("sigmoid", "venn_abers"), max_iter=30, verbose=0)
    one = CredibilityModel(**params).fit(tables)
    two = CredibilityModel(n_jobs=2, **params).fit(tables)
    assert one.selection_ == two.selection_
    a, b = one.score(tables), two.score(tables)
    for col in ("p_reliable", "p_low", "p_high"):
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy())
    assert a["reasons"].tolist() == b["reasons"].tolist()
