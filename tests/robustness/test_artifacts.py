"""Tampered, truncated and hostile model directories: every one refused, none crashes.

Each case below changes a saved model the way a careless user or an attacker who can write the
directory would, most of them rewriting the hashes so that only the structural checks stand in
the way. For every case: ``load_model`` raises ``ArtifactError``; the message names the model
directory or the file in it and says how to fix it; ``verify_artifact`` raises the same error
(verify agrees with load); the CLI's ``verify`` and ``score`` exit 2; and scoring through the
CLI in a child process never dies of a signal (no segmentation fault).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from _artifact_cases import (
    CTX,
    KEY,
    OTHER_KEY,
    _add_node,
    _attrs_as_list,
    _bytes,
    _classifier_swapped,
    _custom_class,
    _deep,
    _dir_link,
    _drop_loader,
    _drop_state_key,
    _edit,
    _fifo,
    _flip,
    _flip_tree,
    _fmt2_with_notes,
    _function_node,
    _generator_name,
    _loop,
    _members_empty,
    _method_node,
    _missing_array_file,
    _notes_dir,
    _notes_symlink,
    _other_skops,
    _protocol,
    _raw_pickle,
    _schema_edit,
    _self_reference,
    _set,
    _sign_with,
    _signed_then_changed,
    _subdir,
    _symlink,
    _truncate,
    _vocabulary,
    _zip_member,
)
from _artifact_tamper import copy, edit_array, json_node, write_manifest

from credscore import CredibilityModel, load_model, save_model, verify_artifact
from credscore.cli import main
from credscore.exceptions import ArtifactError


@pytest.fixture(scope="module")
def bases(tmp_path_factory, fitted_model, sim_tables):
    """Saved models: logistic (the shared fixture), gradient boosting, and text features."""
    tables, _ = sim_tables
    root = tmp_path_factory.mktemp("bases")
    save_model(fitted_model, root / "logistic")
    hgb = CredibilityModel(base_learners=("hgb",), calibrators=("sigmoid",), cv=2, max_iter=15).fit(
        tables
    )
    save_model(hgb, root / "hgb")
    text = CredibilityModel(
        base_learners=("logistic",), calibrators=("sigmoid",), cv=2, text_features=True
    ).fit(tables)
    save_model(text, root / "text")
    return root


D = "DIR"  # the message names the directory (any file in it)
CASES: dict[str, tuple[str, object, str]] = {
    # the directory and its files
    "extra file": ("logistic", _bytes("evil.py", b"import os", rehashed=False), "evil.py"),
    "missing model.skops": ("logistic", lambda d: (d / "model.skops").unlink(), "model.skops"),
    "missing manifest": ("logistic", lambda d: (d / "manifest.json").unlink(), "manifest.json"),
    "missing manifest hash": ("logistic", lambda d: (d / "manifest.sha256").unlink(), "sha256"),
    "flipped manifest byte": ("logistic", _flip("manifest.json"), "manifest.json"),
    "wrong manifest hash": (
        "logistic",
        _bytes("manifest.sha256", b"0" * 64 + b"\n", False),
        "manifest",
    ),
    "flipped card byte": ("logistic", _flip("MODEL_CARD.md"), "MODEL_CARD.md"),
    "truncated model": ("logistic", _truncate(False), "model.skops"),
    "truncated model, rehashed": ("logistic", _truncate(True), "model.skops"),
    "garbage zip": ("logistic", _bytes("model.skops", os.urandom(4096)), "model.skops"),
    "empty model file": ("logistic", _bytes("model.skops", b""), "model.skops"),
    "raw pickle": ("logistic", _raw_pickle, "model.skops"),
    "model.skops a symlink": ("logistic", _symlink("model.skops"), "symbolic link"),
    "card a symlink": ("logistic", _symlink("MODEL_CARD.md"), "symbolic link"),
    "notes a symlink": ("logistic", _notes_symlink, "NOTES.md"),
    "symlink loop": ("logistic", _loop, "MODEL_CARD.md"),
    "FIFO": ("logistic", _fifo, "model.skops"),
    "sub-directory": ("logistic", _subdir, "extra"),
    "model directory a symlink": ("logistic", _dir_link, "symbolic link"),
    "notes a directory": ("logistic", _notes_dir, "NOTES.md"),
    "another model's file, rehashed": ("logistic", _other_skops, "model.skops"),
    # the manifest, rehashed
    "format 99": ("logistic", _set("format_version", 99), "format_version 99"),
    "format as text": ("logistic", _set("format_version", "3"), "format_version"),
    "path outside": (
        "logistic",
        _edit(lambda m: m["files"].update({"../outside.txt": "0" * 64})),
        "not a plain file name",
    ),
    "absolute path": (
        "logistic",
        _edit(lambda m: m["files"].update({"/etc/passwd": "0" * 64})),
        "not a plain file name",
    ),
    "no files listed": ("logistic", _set("files", {}), "manifest.json"),
    "no data files": ("logistic", _set("data_files", {}), "manifest.json"),
    "data file hash": (
        "logistic",
        _edit(lambda m: m["data_files"]["rank_table"].update(sha256="0" * 64)),
        "rank_table",
    ),
    "extra data file": (
        "logistic",
        _edit(lambda m: m["data_files"].update(extra={"version": "1", "sha256": "0" * 64})),
        "extra",
    ),
    "manifest a list": ("logistic", lambda d: write_manifest(d, [1, 2]), "manifest.json"),
    "manifest not JSON": ("logistic", lambda d: write_manifest(d, None, b"{not json"), "JSON"),
    "params changed (the overwrite)": (
        "logistic",
        _edit(lambda m: m["params"].update(cv=4)),
        "another model",
    ),
    "columns reordered": ("logistic", _edit(lambda m: m["feature_columns"].reverse()), "columns"),
    "training rows": ("logistic", _edit(lambda m: m["training"].update(rows=1)), "another model"),
    "notes in a format-2 model": ("logistic", _fmt2_with_notes, "NOTES.md"),
    # the skops archive, rehashed: trees (the segmentation fault), other compiled paths
    "tree child out of range": ("hgb", _flip_tree("left", 10**9), "outside the tree"),
    "tree child backwards": ("hgb", _flip_tree("right", 0), "outside the tree or backwards"),
    "tree feature out of range": ("hgb", _flip_tree("feature_idx", 10**6), "reads feature"),
    "tree negative feature": ("hgb", _flip_tree("feature_idx", -5), "reads feature"),
    "tree categorical split": ("hgb", _flip_tree("is_categorical", 1), "categorical"),
    "tree leaf NaN": (
        "hgb",
        lambda d: edit_array(
            d,
            "TreePredictor",
            "nodes",
            lambda a: a["value"].__setitem__(np.flatnonzero(a["is_leaf"] == 1)[0], np.nan),
        ),
        "finite",
    ),
    "tree nodes not records": (
        "hgb",
        lambda d: edit_array(d, "TreePredictor", "nodes", lambda a: np.zeros(len(a))),
        "node layout",
    ),
    "tree bitsets": (
        "hgb",
        lambda d: edit_array(
            d, "TreePredictor", "raw_left_cat_bitsets", lambda a: np.zeros((1, 3), np.uint32)
        ),
        "bitsets",
    ),
    "categorical bin mapper": (
        "hgb",
        lambda d: edit_array(d, "_BinMapper", "is_categorical_", lambda a: np.ones_like(a)),
        "_BinMapper",
    ),
    "in-fit flag": (
        "hgb",
        _add_node(("HistGradientBoostingClassifier", "_predictors"), "_in_fit", json_node(True)),
        "_in_fit",
    ),
    "two trees per iteration": (
        "hgb",
        _add_node(
            ("HistGradientBoostingClassifier", "_predictors"),
            "n_trees_per_iteration_",
            json_node(2),
        ),
        "n_trees",
    ),
    "one-hot widths": (
        "logistic",
        _add_node(
            ("OneHotEncoder", "categories_"),
            "_n_features_outs",
            {
                "__class__": "list",
                "__module__": "builtins",
                "__loader__": "ListNode",
                "content": [json_node(1)],
            },
        ),
        "OneHotEncoder",
    ),
    "vocabulary out of range": ("text", _vocabulary(10**6, 1), "vocabulary"),
    "vocabulary repeated": ("text", _vocabulary(0, 2), "vocabulary"),
    "slow token pattern": (
        "text",
        _add_node(("TfidfVectorizer", "vocabulary_"), "token_pattern", json_node("(a+)+$")),
        "token_pattern",
    ),
    "coefficients reshaped": (
        "logistic",
        lambda d: edit_array(d, "LogisticRegression", "coef_", lambda a: a[:, :-1]),
        "coefficients",
    ),
    "os.system": ("logistic", _function_node, "FunctionNode"),
    "custom class": ("logistic", _custom_class, "subprocess.Popen"),
    "method node": ("logistic", _schema_edit(_method_node), "MethodNode"),
    "generator name": ("hgb", _schema_edit(_generator_name), "random generator"),
    "extra archive member": ("logistic", _zip_member("evil.bin"), "evil.bin"),
    "old skops protocol": ("logistic", _schema_edit(_protocol), "protocol"),
    "node without loader": ("logistic", _schema_edit(_drop_loader), "not a skops node"),
    "attributes as a list": ("logistic", _schema_edit(_attrs_as_list), "not a dict of names"),
    "object containing itself": ("logistic", _schema_edit(_self_reference), "contains itself"),
    "deep nesting": ("logistic", _schema_edit(_deep), "deep"),
    "missing array file": ("logistic", _schema_edit(_missing_array_file), "999.npy"),
    "schema not JSON": ("logistic", _zip_member("schema.json", b"{oops"), "schema.json"),
    "state lacks a key": ("logistic", _schema_edit(_drop_state_key), "model state"),
    "classifier swapped": ("logistic", _schema_edit(_classifier_swapped), "CredibilityClassifier"),
    "no fold members": ("logistic", _schema_edit(_members_empty), "members_"),
    "Venn-Abers table cut": (
        "logistic",
        lambda d: edit_array(d, "VennAbersCalibrator", "f0_", lambda a: a[:-3]),
        "Venn-Abers",
    ),
    "three classes": (
        "logistic",
        lambda d: edit_array(d, "CredibilityClassifier", "classes_", lambda a: np.array([0, 1, 2])),
        "two classes",
    ),
    # signatures (a key is configured for these)
    "unsigned, key set": ("logistic", lambda d: None, "not signed"),
    "signed with another key": ("logistic", _sign_with(OTHER_KEY), "another key"),
    "signed, then coefficients changed": ("logistic", _signed_then_changed, "manifest.sig"),
    "signature garbage": ("logistic", _bytes("manifest.sig", b"{}", rehashed=False), "signature"),
}
SIGNED_CASES = {
    "unsigned, key set",
    "signed with another key",
    "signed, then coefficients changed",
    "signature garbage",
}


@pytest.fixture(scope="module")
def tampered(bases, tmp_path_factory):
    """Every case applied to a fresh copy of its base model."""
    root = tmp_path_factory.mktemp("tampered")
    CTX["bases"] = bases
    out = {}
    for i, (name, (base, tamper, _)) in enumerate(CASES.items()):
        d = copy(bases / base, root / f"case{i:02d}")
        tamper(d)
        out[name] = d
    return out


def test_there_are_at_least_40_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", list(CASES))
def test_tampered_model_is_refused(name, tampered, monkeypatch, capsys, example_dir):
    d = tampered[name]
    expect = CASES[name][2]
    if name in SIGNED_CASES:
        monkeypatch.setenv("CREDSCORE_SIGNING_KEY", KEY.decode())
    with pytest.raises(ArtifactError) as loading:
        load_model(d)
    with pytest.raises(ArtifactError) as verifying:
        verify_artifact(d)
    message = str(loading.value)
    assert str(verifying.value) == message  # verify agrees with load
    assert str(d) in message and "Fix:" in message
    assert expect in message, message
    for argv in (["verify", str(d)], ["score", str(example_dir), "--model", str(d)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert str(d) in err and "internal error" not in err


def test_no_case_crashes_the_scoring_process(tampered, example_dir):
    """Scoring every tampered model in one child process: it must end normally (no signal)."""
    code = (
        "import json, sys\n"
        "from credscore.cli import main\n"
        "codes = {}\n"
        "for d in sys.argv[2:]:\n"
        "    codes[d] = main(['score', sys.argv[1], '--model', d, '--no-reasons'])\n"
        "print(json.dumps(codes))\n"
    )
    dirs = [str(tampered[n]) for n in CASES if n not in SIGNED_CASES]
    proc = subprocess.run(
        [sys.executable, "-c", code, str(example_dir), *dirs], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.returncode  # -11 would be a segmentation fault
    codes = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(codes.values()) == {2}


def test_untampered_bases_load_and_score(bases, example_dir):
    """The control: the same checks accept every model credscore saved."""
    import credscore

    tables = credscore.read_tables(example_dir)
    for base in ("logistic", "hgb", "text"):
        assert verify_artifact(bases / base)["signature"] == "unsigned"
        assert len(load_model(bases / base).score(tables)) == 10


def test_the_crafted_tree_crashed_before(bases, tmp_path):
    """The crafted tree of issue 20 is refused; the message names the tree's place."""
    d = copy(bases / "hgb", tmp_path / "m")
    _flip_tree("left", 10**9)(d)
    with pytest.raises(ArtifactError, match=r"_predictors\[0\]\[0\] \(iteration 0\)"):
        load_model(d)


def test_a_well_formed_edit_loads_without_a_key_and_is_refused_with_one(
    bases, tmp_path, monkeypatch
):
    """What the unsigned hash does not protect: a rehashed, well-formed change of numbers.

    Without a key it loads (nothing distinguishes it from a real model); signed models refuse
    it as soon as a key is configured.
    """
    d = copy(bases / "logistic", tmp_path / "m")
    monkeypatch.setenv("CREDSCORE_SIGNING_KEY", KEY.decode())
    from credscore.artifacts import sign_artifact

    sign_artifact(d)
    assert verify_artifact(d)["signature"] == "valid"
    edit_array(d, "LogisticRegression", "coef_", lambda a: a * 1.5)
    with pytest.raises(ArtifactError, match=r"manifest\.sig"):
        load_model(d)
    monkeypatch.delenv("CREDSCORE_SIGNING_KEY")
    assert verify_artifact(d)["signature"] == "not checked"
    load_model(d)
    digest = hashlib.sha256((d / "manifest.json").read_bytes()).hexdigest()
    assert (d / "manifest.sha256").read_text().strip() == digest
