"""Tests of the append-only history file."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.artifacts._history import append, champion_stack, read_history


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), cut=st.floats(0, 1))
def test_a_cut_file_loses_at_most_its_last_record(tmp_path_factory, n, cut):
    """Invariant: cutting history.jsonl anywhere (a crash mid-write) never raises, keeps every
    complete record in order, and the next append is read back intact."""
    path = tmp_path_factory.mktemp("h") / "history.jsonl"
    written = [append(path, {"action": "add", "model": f"m{i}"}) for i in range(n)]
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    records, problems = read_history(path)
    assert records == written[: len(records)] and len(records) >= n - 1 - (cut < 1) * n
    assert len(problems) <= 1
    nxt = append(path, {"action": "add", "model": "next"})
    again, _ = read_history(path)
    assert again[-1] == nxt and again[: len(records)] == records
    assert all(json.loads(line) for line in path.read_bytes().splitlines()[-1:])


def test_champion_stack_follows_promotions_and_rollbacks():
    recs = [
        {"action": "train", "promoted": True, "champion_after": "a"},
        {"action": "train", "promoted": False, "champion_after": "a"},
        {"action": "promote", "promoted": True, "champion_after": "b"},
        {"action": "promote", "promoted": True, "champion_after": "c"},
        {"action": "rollback", "champion_after": "b"},
    ]
    assert champion_stack(recs) == ["a", "b"]
