"""The Python examples of README.md and docs/ run as printed against the installed package.

Each block is taken from the document itself, so an example that names a moved function or
a changed result fails here. Blocks that name a user's own data get that data from the bundled
examples (see the placeholders below); the commented results are checked where a block states
one.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```(python|json)\n(.*?)```", re.S)


def _blocks(doc: str, after: str) -> list[tuple[str, str]]:
    text = (REPO / doc).read_text(encoding="utf-8").split(after, 1)[1]
    return BLOCK.findall(text)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    (tmp_path / "datasets").symlink_to(REPO / "datasets")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_python_api_block_runs(in_tmp):
    import credscore

    lang, code = _blocks("README.md", "## Python API")[0]
    assert lang == "python" and "credscore.load_model()" in code
    labelled = credscore.read_tables("datasets/examples/simulated_newsroom")
    st = labelled.statements.sort_values("made_at").tail(300)
    ev = labelled.events[labelled.events["statement_id"].isin(st["statement_id"])]
    recent = credscore.Tables(st, labelled.sources, ev)
    ns: dict = {"recent_labelled_tables": recent}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the recent rows are training rows here: it warns
        exec(compile(code, "README.md", "exec"), ns)
    assert len(ns["scores"]) == len(ns["tables"].statements)
    assert (in_tmp / "models" / "newsroom-2026-11" / "manifest.json").is_file()
    assert ns["again"].recalibration_ is not None


def test_architecture_sklearn_block_runs():
    lang, code = _blocks("docs/architecture.md", "scikit-learn")[0]
    assert lang == "python" and "GridSearchCV" in code
    ns: dict = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        exec(compile(code, "docs/architecture.md", "exec"), ns)
    assert ns["X"].shape[0] == len(ns["y"])


def test_rank_scale_native_language_example(in_tmp):
    blocks = _blocks("docs/rank_scale.md", "### Native-language ranks")
    (lang_j, table_json), (lang_p, code) = blocks[0], blocks[1]
    assert (lang_j, lang_p) == ("json", "python")
    (in_tmp / "ranks_pl_ua.json").write_text(table_json, encoding="utf-8")
    from credscore.features.rank import load_rank_table, resolve_rank

    ns: dict = {"load_rank_table": load_rank_table, "resolve_rank": resolve_rank}
    lines = code.strip().splitlines()
    exec(lines[0], ns)
    for line in lines[1:]:
        expr, expected = line.split("#")
        assert repr(eval(expr, ns)) == expected.strip(), line


@pytest.fixture(scope="module")
def newsroom():
    """The simulated newsroom cut in time: a model fitted on its first two thirds, the rest as
    the newer labelled data the drift examples name (with a ``party`` column to group by)."""
    import credscore

    t = credscore.read_tables(REPO / "datasets" / "examples" / "simulated_newsroom")
    st = t.statements.sort_values("made_at", ignore_index=True)
    st["party"] = st["topic"].map({"economy": "a", "security": "b"}).fillna("c")
    cut = 800

    def part(rows):
        ev = t.events[t.events["statement_id"].isin(rows["statement_id"])]
        return credscore.Tables(rows, t.sources, ev)

    early, late = part(st.iloc[:cut]), part(st.iloc[cut:])
    model = credscore.CredibilityModel(cv=3).fit(early)
    return {"model": model, "early": early, "late": late}


def test_drift_examples_run(newsroom):
    blocks = [code for lang, code in _blocks("docs/drift.md", "# ") if lang == "python"]
    assert len(blocks) == 4
    late = newsroom["late"]
    since = str(late.statements["made_at"].min().date())
    ns: dict = {
        "model": newsroom["model"],
        "labelled_tables": late,
        "earlier_tables": newsroom["early"],
        "recent_labelled_tables": late,
        "batch": late,
        "held_out_labelled_tables": late,
        "new_tables": late,
    }
    exec(compile(blocks[0], "docs/drift.md#1", "exec"), ns)
    assert {"first_flag", "periods"} <= set(ns["mon"])
    # the doc's example date names a year of the reader's data; ours starts at ``since``
    second = re.sub(r'since="[0-9-]+"', f'since="{since}"', blocks[1])
    exec(compile(second, "docs/drift.md#2", "exec"), ns)
    from credscore.model._recalibration import FORMS

    assert newsroom["model"].recalibration_["form"] in FORMS
    exec(compile(blocks[2], "docs/drift.md#3", "exec"), ns)
    assert len(ns["out"]) == len(late.statements) and "applied" in ns["out"].attrs["label_shift"]
    exec(compile(blocks[3], "docs/drift.md#4", "exec"), ns)
    assert "calibration_group" in ns["gm"].score(late).columns


def test_evaluate_example_runs(newsroom, in_tmp):
    import credscore

    credscore.save_model(newsroom["model"], in_tmp / "models" / "newsroom-2026-11")
    credscore.write_tables(newsroom["late"], in_tmp / "data" / "2026-q4")
    credscore.write_tables(newsroom["early"], in_tmp / "data" / "2026-q1-q3")
    lang, code = _blocks("docs/evaluate.md", "## From Python")[0]
    assert lang == "python"
    ns: dict = {}
    exec(compile(code, "docs/evaluate.md", "exec"), ns)
    assert (in_tmp / "report.html").stat().st_size > 0
    assert isinstance(ns["result"]["calibration"]["consistent"], bool)
