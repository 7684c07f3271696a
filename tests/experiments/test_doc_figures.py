"""Every figure the README's tables quote is a figure of the results file it names.

``README.md``'s main-figures table and its default-model lines quote numbers from
``experiments/results/``; this test reads each row, finds every number in it, and checks that
the row's results file holds a figure that prints as that number at the quoted precision
(``0.453`` fails against a recorded ``0.4525``). The default model's retraction effect is
also recomputed from the bundled model. When a script rewrites a results file, this test says
which README figure went stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "experiments" / "results"
README = REPO / "README.md"
#: README table row (the start of its first cell) -> the results files its figures come from.
ROWS = {
    "LIAR valid log loss": ("liar_benchmark.json",),
    "LIAR valid calibration test": ("liar_benchmark.json",),
    "LIAR2, train < 2020": ("liar2_time_benchmark.json",),
    "default model on LIAR valid": ("default_model.json",),
    "default recipe on 100 random": ("liar_resplit_calibration.json",),
    "bootstrap by source vs by statement": ("bootstrap_by_source.txt",),
    "default model and retractions": ("default_model.json",),
    "leave-one-out history trap": ("liar_loo_trap_history.txt",),
    "simulated data, 25,000": ("simulated_recovery.txt",),
    "history features, 1,000,000": ("bench_history.txt",),
    "qualifiers": ("bench_qualifiers.txt", "qualifiers_eval.md", "qualifiers_transfer.md"),
    "rank's weight in the default model": ("rank_weight_review.json",),
    "rank": ("rank_coverage.txt", "bench_rank.txt"),
    "ingest (13 annotated": ("ingest_eval.txt",),
    "scoring, default model": ("bench_score.md",),
    "one statement, warm process": ("bench_score.md",),
    "training, `CredibilityModel().fit`": ("bench_train.md",),
}
#: Numbers a row states as settings of the experiment rather than as results.
SETTINGS = {
    # years and periods, sizes and settings of the experiments, counts of the README's wording
    *("2007", "2010", "2016", "2020", "2023", "365"),
    *("100", "25,000", "1,000,000", "13", "309", "30", "80"),
    *("0", "1", "2", "4", "5"),
    "25",  # "runs vary about ±25%": an observation about the machine
}
QUOTED = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?")
FILE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _rows() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("### The main figures", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] not in ("what", "---"):
            out[cells[0]] = line
    return out


def _file_numbers(names: tuple[str, ...]) -> list[str]:
    text = "\n".join((RESULTS / n).read_text(encoding="utf-8") for n in names)
    return [m.group(0) for m in FILE_NUMBER.finditer(text.replace(",", ""))]


def _printed(q: str) -> tuple[float, int]:
    plain = q.replace("−", "-").replace(",", "")
    digits = len(plain.split(".")[1]) if "." in plain else 0
    return float(plain), digits


def _decimals(x: str) -> int:
    return len(x.split(".")[1]) if "." in x else 0


def _held(q: str, numbers: list[str]) -> bool:
    """Whether a recorded figure prints as ``q``: the intervals the two roundings stand for
    overlap (a figure recorded as 0.4525 may print as 0.452 or 0.453), also as a percentage,
    and integers with trailing zeros are read as rounded (194,000 for 193,798)."""
    value, digits = _printed(q)
    half = 0.5 * 10**-digits
    plain = q.replace("−", "").replace(",", "")
    zeros = len(plain) - len(plain.rstrip("0")) if digits == 0 else 0
    for raw in numbers:
        x, e = abs(float(raw)), _decimals(raw)
        for cand, cand_half in ((x, 0.5 * 10**-e), (100 * x, 50 * 10**-e)):
            if zeros and round(cand, -zeros) == abs(value):
                return True
            if abs(cand - abs(value)) <= half + cand_half + 1e-12:
                return True
    return False


@pytest.mark.parametrize("label", sorted(ROWS))
def test_readme_table_row_matches_its_results_file(label):
    rows = {k: v for k, v in _rows().items() if k == label}
    rows = rows or {k: v for k, v in _rows().items() if k.startswith(label)}
    assert len(rows) == 1, f"README row {label!r} not found (or not unique)"
    line = next(iter(rows.values()))
    numbers = _file_numbers(ROWS[label])
    quoted = [m.group(0) for m in QUOTED.finditer(line.replace("**", ""))]
    stale = [q for q in quoted if q not in SETTINGS and not _held(q, numbers)]
    assert stale == [], f"README row {label!r}: {stale} not in {ROWS[label]}"


def test_retraction_figures_are_the_bundled_models():
    """The README's walk-back figures are what the bundled model gives now (3 decimals)."""
    sys.path.insert(0, str(REPO / "experiments"))
    try:
        import train_default_model as tdm
    finally:
        sys.path.pop(0)
    import credscore

    exact = list(tdm.retraction_effect(credscore.load_model()).values())  # 6 decimals
    shown = [f"{v:.3f}" for v in exact]
    text = README.read_text(encoding="utf-8")
    assert f"P(holds up) {shown[0]} · {shown[1]} · {shown[2]}" in text
    assert f"is {shown[0]} with none walked back, {shown[1]} with one and {shown[2]} with two" in (
        " ".join(text.split())
    )


def _json(name: str) -> dict:
    import json

    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


def _row(label: str) -> str:
    rows = {k: v for k, v in _rows().items() if k == label}
    rows = rows or {k: v for k, v in _rows().items() if k.startswith(label)}
    assert len(rows) == 1, label
    return next(iter(rows.values())).strip()


def test_liar_log_loss_row_is_printed_from_its_results():
    r = _json("liar_benchmark.json")["rows"]
    ll = [v["log_loss"]["estimate"] for v in r.values()]  # base rate, plain, credscore, + text
    expected = (
        f"| LIAR valid log loss (train → valid) | base rate {ll[0]:.3f} · plain pipeline "
        f"{ll[1]:.3f} · credscore {ll[2]:.3f} · credscore + text **{ll[3]:.3f}** |"
    )
    assert _row("LIAR valid log loss") == expected


def test_default_model_row_is_printed_from_its_results():
    d = _json("default_model.json")
    m, gap = d["liar_valid"], d["floor_log_loss_within_0.02_of_plain"]["gap"]
    s = m["slope"]
    verdict = "passes" if m["consistent_with_calibrated"] else "fails"
    expected = (
        f"| default model on LIAR valid | log loss {m['log_loss']['estimate']:.3f}, {gap:+.3f} "
        "from the plain pipeline without any speaker identity; calibration test "
        f"{verdict} (p {m['smece_p_value']:.3f}, slope {s['estimate']:.2f} [{s['low']:.2f}, "
        f"{s['high']:.2f}], mean p {m['mean_p']:.3f} vs base rate {m['base_rate']:.3f}) |"
    )
    assert _row("default model on LIAR valid") == expected


def test_evaluate_docs_example_is_what_the_code_prints_now():
    """docs/evaluate.md's example run, re-run: the quoted block is exactly what it prints."""
    sys.path.insert(0, str(REPO / "experiments"))
    try:
        import evaluate_example as ex
    finally:
        sys.path.pop(0)
    res, _seconds = ex.run()
    text = ex.DOC.read_text(encoding="utf-8")
    assert ex.replace_block(text, ex.block(res)) == text, (
        "docs/evaluate.md's example is stale: run python experiments/evaluate_example.py"
    )


def test_evaluate_docs_bootstrap_table_matches_its_results():
    """The by-statement/by-source widths docs/evaluate.md quotes are those recorded."""
    doc = (REPO / "docs" / "evaluate.md").read_text(encoding="utf-8")
    table = doc.split("95% interval widths:", 1)[1].split("## An example run", 1)[0]
    numbers = _file_numbers(("bootstrap_by_source.txt",))
    quoted = [m.group(0) for m in QUOTED.finditer(table)]
    stale = [
        q
        for q in quoted
        if q not in ("1,200", "60", "1,284", "662", "400", "40", "30", "1.5")
        and not _held(q, numbers)
    ]
    assert quoted and stale == [], stale
