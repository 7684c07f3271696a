"""The Kursk example: its walk-back is dated when it happened and moves the colonel's record.

Tests ``datasets/examples/kursk_withdrawal_reports`` and its generated README walk-through
(``datasets/examples/kursk_walkthrough.py``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import credscore
from credscore import Tables

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "datasets" / "examples" / "kursk_walkthrough.py"


def _walkthrough_module():
    spec = importlib.util.spec_from_file_location("kursk_walkthrough", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["kursk_walkthrough"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def walk():
    return _walkthrough_module()


@pytest.fixture(scope="module")
def tables(walk):
    return credscore.read_tables(walk.EXAMPLE)


@pytest.fixture(scope="module")
def model():
    return credscore.load_model()


def test_narrowing_is_dated_between_the_claim_it_narrows_and_the_next_statement(walk, tables):
    event_id, later = walk.NARROWING
    ev = tables.events.set_index("event_id").loc[event_id]
    made = tables.statements.set_index("statement_id")["made_at"]
    assert ev["kind"] == "scope_narrowing"
    narrowed = ev["statement_id"]
    src = tables.statements.set_index("statement_id")["source_id"]
    assert src[narrowed] == src[later]  # the colonel's own record
    assert made[narrowed] < ev["at"] < made[later]  # earlier claim, then walk-back, then later


def test_the_narrowing_lowers_the_colonels_later_score(walk, tables, model):
    event_id, later = walk.NARROWING
    with_event = model.score(tables).set_index("statement_id")["p_reliable"]
    without = model.score(walk._without_event(tables, event_id), explain=False)
    without = without.set_index("statement_id")["p_reliable"]
    assert with_event[later] < without[later] - 0.01
    # only the colonel's statements after the event can move
    others = [s for s in with_event.index if s != later]
    assert with_event[others].to_numpy() == pytest.approx(without[others].to_numpy(), abs=1e-12)
    effects = model.explain(tables)
    rec = effects[(effects["statement_id"] == later) & (effects["group"] == "record")]
    assert float(rec["delta"].iloc[0]) < 0
    assert "walked back" in str(rec["description"].iloc[0])


def test_the_same_event_at_the_statement_instant_would_move_nothing(walk, tables, model):
    """Point-in-time: an event dated at the later statement's own instant is not before it."""
    event_id, later = walk.NARROWING
    made = tables.statements.set_index("statement_id").loc[later, "made_at"]
    ev = tables.events.copy()
    ev.loc[ev["event_id"] == event_id, "at"] = made
    same = Tables(statements=tables.statements, sources=tables.sources, events=ev)
    p_same = model.score(same, explain=False).set_index("statement_id")["p_reliable"]
    p_none = model.score(walk._without_event(tables, event_id), explain=False)
    assert p_same[later] == pytest.approx(p_none.set_index("statement_id")["p_reliable"][later])


def test_readme_walkthrough_is_what_the_script_prints(walk, model):
    text = walk.README.read_text(encoding="utf-8")
    expected = walk.replace_block(text, walk.walkthrough(model))
    assert text == expected, (
        "datasets/examples/kursk_withdrawal_reports/README.md is stale: run "
        "python datasets/examples/kursk_walkthrough.py"
    )


def test_every_statement_and_family_appears_in_the_walkthrough(walk, tables, model):
    block = walk.walkthrough(model)
    for sid in tables.statements["statement_id"]:
        assert f"`{sid}`" in block
    for title in ("record", "wording", "rank", "context"):
        assert f"{title} (pts)" in block
