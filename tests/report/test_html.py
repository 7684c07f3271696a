"""Tests of the report page: every figure equals the JSON, words not identifiers, the verdict,
the histogram and axis of the diagram, one bin count, and ``--png`` without matplotlib.

Tests ``credscore/report/_html.py``, ``_sections.py``, ``_words.py``, ``_plots.py`` and
``_baselines.py`` through pages rendered from a real evaluation.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from credscore import CredibilityModel, save_model, write_tables
from credscore.exceptions import CredscoreError
from credscore.report import evaluate, render_html
from credscore.report._baselines import verdict
from credscore.report._words import lookup

SETTINGS = {"n_boot": 60, "n_sim": 60, "random_state": 0}
#: Numbers the page's fixed wording holds (levels, thresholds), not figures of the result.
STATIC_NUMBERS = {"95", "95%", "90%", "0.5", "0", "1", "200", "256"}  # 256: SHA-256
NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?%?")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


class _Page(HTMLParser):
    """Collects tagged figures, JSON strings, and the free text outside them, user text and SVG."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: list[dict[str, str]] = []
        self.strings: list[dict[str, str]] = []
        self.free: list[str] = []
        self.stack: list[tuple[str, str | None]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        self.tags.append(tag)
        kind = None
        if tag == "span" and cls == "v":
            kind = "v"
            self.figures.append({"ptr": a["data-json"], "digits": a["data-digits"], "text": ""})
        elif tag == "span" and cls == "s":
            kind = "s"
            self.strings.append({"ptr": a["data-json"], "text": ""})
        elif tag == "span" and cls == "u":
            kind = "u"
        elif tag in ("svg", "style", "title", "script"):
            kind = "skip"
        self.stack.append((tag, kind))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        kinds = [k for _, k in self.stack if k]
        if not kinds:
            self.free.append(data)
        elif kinds[-1] == "v" and "skip" not in kinds:
            self.figures[-1]["text"] += data
        elif kinds[-1] == "s":
            self.strings[-1]["text"] += data


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from credscore.datasets.simulator import simulate

    tables, _ = simulate(n_statements=600, n_sources=40, random_state=5)
    model = CredibilityModel(base_learners=("logistic",), calibrators=("sigmoid",), cv=2)
    model.fit(tables)
    d = tmp_path_factory.mktemp("m") / "model"
    save_model(model, d, training_data="simulated")
    data = tmp_path_factory.mktemp("t") / "tables"
    write_tables(tables, data)
    return tables, model, d, data


@pytest.fixture(scope="module")
def result(setup):
    tables, model, _, _ = setup
    res = evaluate(model, tables, n_examples=5, **SETTINGS)
    return json.loads(json.dumps(res))  # exactly what the JSON twin holds


@pytest.fixture(scope="module")
def page(result):
    return render_html(result)


def _check_figure(value, text: str, digits: int, ptr: str) -> None:
    if value is None:
        assert text == "–", ptr
    elif isinstance(value, bool):
        assert text == ("yes" if value else "no"), ptr
    elif isinstance(value, int):
        assert int(text.replace(",", "")) == value, ptr
    elif isinstance(value, float):
        assert abs(float(text) - value) <= 0.5 * 10**-digits + 1e-12, (ptr, text, value)
    else:
        assert str(value).startswith(text) and text, (ptr, text, value)


def test_every_figure_on_the_page_equals_the_json(result, page):
    """Each tagged figure shows the JSON value its pointer names, at its stated precision."""
    p = parse(page)
    assert len(p.figures) > 200
    for f in p.figures:
        _check_figure(lookup(result, f["ptr"]), f["text"], int(f["digits"]), f["ptr"])
    for s in p.strings:
        assert s["text"] == lookup(result, s["ptr"]), s["ptr"]
    # the headline figures are among them
    ptrs = {f["ptr"] for f in p.figures}
    for ptr in (
        "/model_metrics/metrics/log_loss",
        "/calibration/smece_p_value",
        "/verdict/comparisons/0/difference/estimate",
        "/verdict/comparisons/1/difference/low",
        "/reliability/n_bins",
        "/model_metrics/test/n_bins",
        "/reliability/histogram/q95",
    ):
        assert ptr in ptrs, ptr


def test_no_untagged_number_on_the_page(page):
    """Outside tagged figures, user text and the SVG, only the fixed wording's numbers occur."""
    free = " ".join(parse(page).free)
    loose = {m.group(0) for m in NUMBER.finditer(free)} - STATIC_NUMBERS
    assert loose == set(), loose


def test_words_not_identifiers_and_no_json_dump(page):
    p = parse(page)
    free = " ".join(p.free)
    assert IDENTIFIER.findall(free) == []
    for s in p.strings:
        assert IDENTIFIER.findall(s["text"]) == [], s["text"]
    assert "<pre" not in page and "{" not in free and "extractor_" not in page
    assert "track record only" in free and "constant prior" in free
    assert "temperature scaling" in free or "Platt (sigmoid) scaling" in free


def test_one_bin_count(result, page):
    n = result["reliability"]["n_bins"]
    assert n == len(result["reliability"]["bins"]) == result["model_metrics"]["test"]["n_bins"]
    text = re.sub(r"<[^>]+>", "", page)
    assert f"ECE ({n} equal-mass bins)" in text
    assert f"the {n} bins of the ECE above" in text
    assert "10 bins" not in text or n == 10


def test_histogram_and_axis_show_where_the_predictions_are(setup, result, page):
    tables, model, _, _ = setup
    p = model.score(tables, explain=False)["p_reliable"].to_numpy()
    rel = result["reliability"]
    h, ax = rel["histogram"], rel["axis"]
    assert sum(h["counts"]) == len(p)
    assert h["edges"][0] == ax["x_low"] and h["edges"][-1] == ax["x_high"]
    assert ax["x_low"] <= p.min() and p.max() <= ax["x_high"]
    assert h["min"] == pytest.approx(p.min()) and h["max"] == pytest.approx(p.max())
    for b in rel["bins"]:
        assert ax["y_low"] <= b["observed_low"] and b["observed_high"] <= ax["y_high"]
    if np.ptp(p) < 0.5:  # a narrow band of predictions: the axis zooms in
        assert ax["x_high"] - ax["x_low"] < 1.0
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('class="hist"') == len(h["counts"])
    plot_bottom = max(float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg))
    bar_tops = [float(y) for y in re.findall(r'class="hist" x="[\d.]+" y="([\d.]+)"', svg)]
    assert min(bar_tops) > plot_bottom  # the histogram sits under the diagram


def test_verdict_states_calibration_and_each_baseline(result, page):
    v, base = result["verdict"], result["baselines"]
    assert [c["baseline"] for c in v["comparisons"]] == [b["name"] for b in base]
    for c, b in zip(v["comparisons"], base, strict=True):
        d = b["model_minus_baseline"]["log_loss"]
        assert c["difference"] == d
        expected = "better" if d["high"] < 0 else "worse" if d["low"] > 0 else None
        assert c["outcome"] == (expected or "not measurably different")
    assert v["calibrated"] is result["calibration"]["consistent"]
    box = page[page.index("<div class='verdict") :]
    box = re.sub(r"<[^>]+>", "", box[: box.index("</div>")])
    assert "Calibration:" in box and "Against the baselines" in box
    assert "constant prior" in box and "track record only" in box


@pytest.mark.parametrize(
    ("consistent", "intervals", "level"),
    [
        (True, [(-0.03, -0.01), (-0.02, -0.001)], "ok"),
        (True, [(-0.03, -0.01), (-0.01, 0.01)], "warn"),
        (True, [(-0.03, -0.01), (0.001, 0.02)], "bad"),
        (False, [(-0.03, -0.01), (-0.02, -0.01)], "bad"),
    ],
)
def test_verdict_level(consistent, intervals, level):
    """Green only when calibrated and measurably better than every baseline; red when not
    calibrated or when a baseline is measurably better."""
    base = [
        {
            "name": f"b{i}",
            "model_minus_baseline": {
                "log_loss": {"estimate": (lo + hi) / 2, "low": lo, "high": hi}
            },
        }
        for i, (lo, hi) in enumerate(intervals)
    ]
    v = verdict({"consistent": consistent}, base)
    assert v["level"] == level
    assert v["beats_every_baseline"] is all(hi < 0 for _, hi in intervals)


def test_track_record_baseline_kept_when_the_model_has_no_record(setup):
    """A family baseline whose columns the model leaves out is computed, not dropped."""
    tables = setup[0]
    m = CredibilityModel(
        families=("qualifiers", "rank", "context"),
        base_learners=("logistic",),
        calibrators=("sigmoid",),
        cv=2,
    ).fit(tables)
    res = evaluate(m, tables, slices=(), n_examples=0, n_boot=20, n_sim=20)
    assert [b["name"] for b in res["baselines"]] == ["constant", "track_record_only"]
    assert [c["baseline"] for c in res["verdict"]["comparisons"]] == [
        "constant",
        "track_record_only",
    ]


def test_png_without_matplotlib_exits_2(setup, tmp_path, monkeypatch, capsys):
    import importlib.util

    from credscore.cli import main

    _, _, model_dir, data = setup
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "matplotlib" else real(n, *a)
    )
    out = tmp_path / "r.html"
    code = main(["evaluate", str(data), "--model", str(model_dir), "--out", str(out), "--png"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "credscore[report]" in err and "--png" in err and "internal error" not in err
    assert not out.exists()


def test_render_png_without_matplotlib_is_a_credscore_error(result, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import now fails
    with pytest.raises(CredscoreError, match=r"credscore\[report\]"):
        render_html(result, png=True)
