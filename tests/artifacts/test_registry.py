"""Tests of the registry: immutable ids, the champion pointer, promotion, rollback, history."""

from __future__ import annotations

import hashlib
import json

import pytest

from credscore.artifacts import Registry, load_model, verify_artifact
from credscore.artifacts._report import registry_entries, verify_registry
from credscore.exceptions import ArtifactError


def tree_hashes(path):
    return {
        p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def reg(tmp_path, fitted_model):
    r = Registry(tmp_path / "reg")
    r.add(fitted_model, "v1", who="tester")
    r.add(fitted_model, "v2", who="tester")
    return r


def test_models_get_their_own_directories_and_a_clash_is_an_error(reg, fitted_model):
    """A saved id is never overwritten: adding it again is refused and changes no byte."""
    assert reg.ids() == ["v1", "v2"] and reg.champion() is None
    before = tree_hashes(reg.root / "v1")
    with pytest.raises(ArtifactError, match="never overwrites a saved model"):
        reg.add(fitted_model, "v1", metrics={"other": 1})
    assert tree_hashes(reg.root / "v1") == before
    auto = [reg.add(fitted_model).name for _ in range(2)]
    assert len(set(auto)) == 2 and all(a[:8].isdigit() and a in reg.ids() for a in auto)


@pytest.mark.parametrize("bad", ["../x", ".hidden", "CHAMPION", "a/b", "", "x" * 101])
def test_ids_are_plain_names(reg, fitted_model, bad):
    with pytest.raises(ArtifactError, match="cannot hold a model named"):
        reg.add(fitted_model, bad)


def test_promote_load_and_rollback(reg):
    reg.promote("v1", who="ann")
    assert reg.champion() == "v1"
    reg.promote("v2", who="bob")
    assert reg.champion() == "v2"
    assert load_model(reg.root).manifest_ == load_model(reg.root / "v2").manifest_
    assert load_model(f"{reg.root}@v1").n_train_rows_ > 0
    assert verify_artifact(reg.root)["path"] == str(reg.root / "v2")
    record = reg.rollback(who="carl")
    assert reg.champion() == "v1"
    assert record["champion_before"] == "v2" and record["champion_after"] == "v1"
    with pytest.raises(ArtifactError, match="no earlier champion"):
        reg.rollback()
    with pytest.raises(ArtifactError, match="does not exist"):
        reg.promote("missing")
    assert sorted(p.name for p in reg.root.iterdir()) == [
        ".lock",
        "CHAMPION",
        "history.jsonl",
        "registry.json",
        "v1",
        "v2",
    ]


def test_history_is_append_only_and_records_who_and_what(reg):
    reg.promote("v1", who="ann")
    first = (reg.root / "history.jsonl").read_bytes()
    reg.promote("v2", who="bob")
    reg.rollback(who="carl")
    now = (reg.root / "history.jsonl").read_bytes()
    assert now.startswith(first)  # earlier lines are never rewritten
    records = reg.history()
    assert [r["action"] for r in records] == ["add", "add", "promote", "promote", "rollback"]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[3]["who"] == "bob" and records[3]["gate"] == {"decision": "manual"}
    assert all(r["at"].endswith("+00:00") for r in records)


def test_a_torn_last_line_is_skipped_and_the_next_record_starts_afresh(reg):
    reg.promote("v1")
    with open(reg.root / "history.jsonl", "ab") as fh:
        fh.write(b'{"action": "promote", "mod')  # a crash in the middle of a write
    reg.promote("v2")
    records = reg.history()
    assert records[-1]["model"] == "v2" and records[-1]["champion_before"] == "v1"
    report = verify_registry(reg)
    assert report["ok"] and any(
        "cut short" in n or "not JSON" in n for n in report["history"]["notes"]
    )


def test_a_pointer_moved_without_a_record_is_recorded_next_time(reg):
    reg.promote("v1")
    (reg.root / "CHAMPION").write_text("v2\n")  # as if a crash came before the history line
    assert not verify_registry(reg)["history"]["notes"] == []
    reg.promote("v1")
    actions = [r["action"] for r in reg.history()]
    assert actions[-2:] == ["recovered", "promote"]
    assert reg.history()[-1]["champion_before"] == "v2"


def test_gate_runs_under_the_lock_and_force_is_recorded(reg):
    reg.promote("v1")
    seen = []

    def decide(champion):
        seen.append(champion)
        return False, {"decision": "kept the champion", "champion_log_loss": 0.5}

    kept = reg.promote("v2", decide=decide, action="train")
    assert seen == ["v1"] and not kept["promoted"] and reg.champion() == "v1"
    forced = reg.promote("v2", decide=decide, force=True, action="train")
    assert forced["promoted"] and forced["forced"] and reg.champion() == "v2"
    assert forced["gate"]["decision"].startswith("forced (the gate said: kept the champion")
    assert forced["gate"]["champion_log_loss"] == 0.5


def test_bad_entries_are_reported_and_never_loaded(reg, tmp_path):
    reg.promote("v1")
    skops = reg.root / "v2" / "model.skops"
    skops.write_bytes(skops.read_bytes()[:1000])  # truncated
    (reg.root / "foreign").mkdir()
    (reg.root / "foreign" / "data.csv").write_text("a,b\n")
    (reg.root / "stray.txt").write_text("hello")
    (reg.root / "linked").symlink_to(reg.root / "v1")
    (reg.root / ".v3.staging-abc").mkdir()  # an interrupted save
    entries = {e["id"]: e for e in registry_entries(reg)}
    assert entries["v1"]["status"] == "ok" and entries["v1"]["champion"]
    assert entries["v2"]["status"] == "refused" and "model.skops" in entries["v2"]["error"]
    assert entries["foreign"]["status"] == "refused" and "data.csv" in entries["foreign"]["error"]
    assert entries["stray.txt"]["status"] == "foreign"
    assert entries["linked"]["status"] == "foreign"
    assert entries[".v3.staging-abc"]["status"] == "incomplete"
    report = verify_registry(reg)
    assert not report["ok"] and report["champion"] == "v1" and len(report["problems"]) == 4
    for bad in ("v2", "foreign", "linked"):
        with pytest.raises(ArtifactError):
            load_model(f"{reg.root}@{bad}")
    load_model(reg.root)  # the champion itself is fine


def test_a_tampered_champion_is_not_loaded(reg):
    reg.promote("v2")
    manifest = reg.root / "v2" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"cv": 3', '"cv": 4'))
    with pytest.raises(ArtifactError, match=r"v2/manifest\.json"):
        load_model(reg.root)
    report = verify_registry(reg)
    assert not report["ok"] and "the champion v2 does not verify" in report["problems"][0]


def test_a_garbled_pointer_names_the_file(reg):
    (reg.root / "CHAMPION").write_text("../../etc\n")
    with pytest.raises(ArtifactError, match="CHAMPION does not hold a model id"):
        load_model(reg.root)


def test_a_registry_without_champion_says_so(reg):
    with pytest.raises(ArtifactError, match="has no champion yet"):
        load_model(reg.root)
    assert json.loads((reg.root / "registry.json").read_text())["registry"] == 1
