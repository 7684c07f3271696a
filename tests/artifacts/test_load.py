"""Tests of model artifacts: round trip across processes, tamper detection, registry."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import credscore
from credscore.artifacts import DEFAULT_MODEL_DIR, load_model, save_model, verify_artifact
from credscore.exceptions import ArtifactError


@pytest.fixture(scope="module")
def saved(tmp_path_factory, fitted_model):
    path = tmp_path_factory.mktemp("artifact") / "model"
    save_model(fitted_model, path, metrics={"log_loss": 0.6}, training_data="simulated corpus")
    return path


def test_layout_and_manifest(saved, fitted_model):
    names = sorted(p.name for p in saved.iterdir())
    assert names == ["MODEL_CARD.md", "NOTES.md", "manifest.json", "manifest.sha256", "model.skops"]
    manifest = json.loads((saved / "manifest.json").read_text())
    assert manifest["format_version"] == 3
    assert set(manifest["files"]) == {"MODEL_CARD.md", "model.skops"}  # NOTES.md is free
    assert manifest["training"]["rows"] == fitted_model.n_train_rows_
    assert manifest["feature_columns"] == fitted_model.feature_names_
    assert set(manifest["data_files"]) == {"qualifier_lexicon", "rank_table", "context_table"}
    assert set(manifest["versions"]) >= {"credscore", "scikit-learn", "skops"}
    assert "simulated corpus" in (saved / "MODEL_CARD.md").read_text()


def test_round_trip_in_a_new_process(saved, fitted_model, example_dir, tmp_path):
    expected = fitted_model.score(credscore.read_tables(example_dir))
    code = (
        "import sys, credscore\n"
        "m = credscore.load_model(sys.argv[1])\n"
        "out = m.score(credscore.read_tables(sys.argv[2]))\n"
        "out.to_json(sys.argv[3], orient='records', double_precision=15)\n"
    )
    out_file = tmp_path / "scores.json"
    subprocess.run(
        [sys.executable, "-c", code, str(saved), str(example_dir), str(out_file)], check=True
    )
    got = json.loads(out_file.read_text())
    np.testing.assert_allclose(
        [r["p_reliable"] for r in got], expected["p_reliable"], rtol=0, atol=1e-13
    )
    assert [r["reasons"] for r in got] == expected["reasons"].tolist()


@pytest.mark.parametrize(
    "name", ["model.skops", "manifest.json", "manifest.sha256", "MODEL_CARD.md"]
)
def test_one_flipped_byte_is_detected(saved, tmp_path, name):
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(saved, copy)
    target = copy / name
    data = bytearray(target.read_bytes())
    for pos in (0, len(data) // 2, len(data) - 1):
        flipped = bytearray(data)
        flipped[pos] ^= 0x01
        target.write_bytes(bytes(flipped))
        with pytest.raises(ArtifactError, match=name.replace(".", r"\.")):
            load_model(copy)
    target.write_bytes(bytes(data))
    load_model(copy)  # restored: loads again


def test_missing_and_extra_files(saved, tmp_path):
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(saved, copy)
    (copy / "evil.py").write_text("print('hi')")
    with pytest.raises(ArtifactError, match=r"evil\.py is not part of a credscore artifact"):
        load_model(copy)
    (copy / "evil.py").unlink()
    (copy / "model.skops").unlink()
    with pytest.raises(ArtifactError, match="missing"):
        load_model(copy)


def test_untrusted_types_are_refused(saved, monkeypatch):
    monkeypatch.setattr("credscore.artifacts.TRUSTED_TYPES", ())
    with pytest.raises(ArtifactError, match="does not trust"):
        load_model(saved)
    with pytest.raises(ArtifactError, match="does not trust"):
        verify_artifact(saved)


def test_changed_data_file_is_refused(saved, monkeypatch):
    from credscore.features.extractor import FeatureExtractor

    real = FeatureExtractor.data_hashes

    def fake(self):
        out = real(self)
        out["rank_table"] = {"version": "other", "sha256": "0" * 64}
        return out

    monkeypatch.setattr(FeatureExtractor, "data_hashes", fake)
    with pytest.raises(ArtifactError, match="rank_table"):
        load_model(saved)
    with pytest.raises(ArtifactError, match="rank_table"):
        verify_artifact(saved)


def test_not_a_model_directory(tmp_path):
    with pytest.raises(ArtifactError, match=r"manifest\.json"):
        load_model(tmp_path)


def test_default_model_loads_and_scores(example_dir):
    manifest = verify_artifact(DEFAULT_MODEL_DIR)
    assert manifest["params"]["text_features"] is False  # no vocabulary from the data inside
    model = load_model()
    out = model.score(credscore.read_tables(example_dir))
    assert len(out) == 10 and out["p_reliable"].between(0, 1).all()


def test_notes_are_editable_and_the_card_is_not(saved, tmp_path):
    """NOTES.md is outside the hashes: editing it never stops the model from loading."""
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(saved, copy)
    (copy / "NOTES.md").write_text("# Notes\n\nChecked against the March verdicts. -- A.\n")
    assert verify_artifact(copy)["format_version"] == 3
    load_model(copy)
    (copy / "NOTES.md").unlink()  # notes are optional
    load_model(copy)
    card = copy / "MODEL_CARD.md"
    card.write_text(card.read_text() + "a note in the wrong place\n")
    with pytest.raises(ArtifactError, match=r"MODEL_CARD\.md does not match its SHA-256"):
        verify_artifact(copy)


def test_card_records_the_training_metrics(saved, fitted_model):
    manifest = json.loads((saved / "manifest.json").read_text())
    cv = manifest["card"]["training_metrics"]
    sel = fitted_model.selection_
    chosen = next(
        r
        for r in sel["cv_table"]
        if r["base"] == sel["base"] and sel["calibrator"].startswith(r["calibrator"])
    )
    assert cv["cv_log_loss"] == pytest.approx(chosen["log_loss"])
    card = (saved / "MODEL_CARD.md").read_text()
    assert f"log loss {chosen['log_loss']:.4f}" in card and "NOTES.md" in card


def test_save_never_overwrites(saved, fitted_model, tmp_path):
    """An existing artifact is kept unless replace=True, which swaps it in one step."""
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(saved, copy)
    before = (copy / "model.skops").read_bytes()
    with pytest.raises(ArtifactError, match="already exists; nothing a user saved is overwritten"):
        save_model(fitted_model, copy, metrics={"other": 1})
    assert (copy / "model.skops").read_bytes() == before
    save_model(fitted_model, copy, metrics={"other": 1}, replace=True)
    assert json.loads((copy / "manifest.json").read_text())["metrics"] == {"other": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]  # no staging left behind
    empty = tmp_path / "empty"
    empty.mkdir()
    save_model(fitted_model, empty)  # an empty directory holds nothing to lose
    load_model(empty)


def test_recalibration_survives_save_and_load(sim_tables, tmp_path):
    from credscore import CredibilityModel

    tables, _ = sim_tables
    model = CredibilityModel(base_learners=("logistic",), cv=3).fit(tables)
    before = model.predict_proba(tables)[:, 1]
    model.recalibrate(
        tables,
        since=tables.statements["made_at"].quantile(0.5),
        form="logistic",
        allow_overlap=True,
    )
    assert model.recalibration_["slope"] > 0 and model.recalibration_["n"] > 0
    after = model.predict_proba(tables)[:, 1]
    assert not np.allclose(before, after)
    assert np.all(np.diff(after[np.argsort(before)]) >= -1e-12)  # same ranking
    save_model(model, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert loaded.recalibration_ == model.recalibration_
    np.testing.assert_allclose(loaded.predict_proba(tables)[:, 1], after, rtol=0, atol=1e-12)


def test_exclude_survives_save_and_load(sim_tables, tmp_path):
    from credscore import CredibilityModel

    tables, _ = sim_tables
    model = CredibilityModel(base_learners=("logistic",), cv=3, exclude=("hist_false_rate",))
    model.fit(tables)
    save_model(model, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert loaded.exclude == ("hist_false_rate",)
    assert "hist_false_rate" not in loaded.feature_names_
    np.testing.assert_allclose(
        loaded.predict_proba(tables)[:, 1], model.predict_proba(tables)[:, 1], rtol=0, atol=1e-12
    )
    assert "columns left out: hist_false_rate" in (tmp_path / "m" / "MODEL_CARD.md").read_text()


DAY = pd.Timedelta(days=1)


def test_default_model_weighs_walked_back_statements():
    """LIAR has no retraction events; the default model still lowers a source's next statement
    when its earlier ones were walked back (through the pooled record columns)."""
    model = load_model()
    t0 = pd.Timestamp("2024-01-01", tz="UTC")
    st = pd.DataFrame(
        {
            "statement_id": [f"e{i}" for i in range(4)] + ["target"],
            "source_id": ["src"] * 5,
            "text": ["Officials reported the figures."] * 4 + ["The bridge was closed."],
            "made_at": [t0 + pd.Timedelta(days=i) for i in range(5)],
        }
    )

    def p(k: int, kind: str = "retraction") -> float:
        ev = pd.DataFrame(
            {
                "event_id": [f"r{i}" for i in range(k)],
                "statement_id": [f"e{i}" for i in range(k)],
                "kind": [kind] * k,
                "at": [t0 + pd.Timedelta(days=3, hours=12)] * k,
            }
        )
        return float(model.predict_proba(st, events=ev if k else None)[-1, 1])

    assert p(0) - p(1) > 0.01 and p(1) - p(2) > 0.01
    assert p(1, "scope_narrowing") == pytest.approx(p(1, "correction")) == pytest.approx(p(1))
    # the words use the full record even though the model leaves the raw counts out
    ev = pd.DataFrame(
        {"event_id": ["r0"], "statement_id": ["e0"], "kind": ["retraction"], "at": [t0 + DAY * 3]}
    )
    table = model.explain(st, events=ev).query("statement_id == 'target'").set_index("group")
    assert table.loc["retractions", "description"] == "walked back 1 of its 4 earlier statements"
    assert table.loc["record", "description"].startswith(
        "1 of 1 earlier statement with a known outcome did not hold up"
    )
    assert table.loc["record", "delta"] < -0.01


def test_a_classifier_saved_before_newer_parameters_still_has_every_parameter():
    """A classifier saved before n_jobs, verbose, selection_rows, early_stopping and boosting
    existed (as the bundled model was until rank tables 2026.2) still answers get_params,
    clone and repr (they raised AttributeError), with the defaults that reproduce its fit."""
    from sklearn.base import clone

    import credscore
    from credscore.model import CredibilityClassifier

    model = credscore.load_model()
    added = ("n_jobs", "verbose", "selection_rows", "early_stopping", "boosting")
    state = {k: v for k, v in model.classifier_.__getstate__().items() if k not in added}
    clf = CredibilityClassifier.__new__(CredibilityClassifier)
    clf.__setstate__(state)
    params = clf.get_params()
    assert params["selection_rows"] is None and params["n_jobs"] is None
    # saved before early stopping existed: a refit runs every iteration, as it was trained
    assert params["early_stopping"] is False
    # and before boosting schedules: it was fitted with the fine one, which a refit keeps
    assert params["boosting"] == "fine"
    assert type(clone(clf)).__name__ == "CredibilityClassifier"
    assert repr(clf).startswith("CredibilityClassifier(")
    # the model's own parameters: a state saved without 'boosting' reads the fine schedule
    mstate = model.to_state()
    mstate["params"] = {k: v for k, v in mstate["params"].items() if k != "boosting"}
    assert type(model).from_state(mstate).get_params()["boosting"] == "fine"
