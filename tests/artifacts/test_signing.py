"""Tests of signing: keys from the environment, refusals with a key, notes outside."""

from __future__ import annotations

import shutil

import pytest

from credscore.artifacts import load_model, save_model, sign_artifact, verify_artifact
from credscore.artifacts._signing import key_id, resolve_key
from credscore.exceptions import ArtifactError

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def signed(tmp_path_factory, fitted_model):
    path = tmp_path_factory.mktemp("signed") / "m"
    save_model(fitted_model, path, key=KEY)
    return path


def test_key_sources(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDSCORE_SIGNING_KEY", raising=False)
    monkeypatch.delenv("CREDSCORE_SIGNING_KEY_FILE", raising=False)
    assert resolve_key() is None
    (tmp_path / "k").write_text(KEY + "\n")
    monkeypatch.setenv("CREDSCORE_SIGNING_KEY_FILE", str(tmp_path / "k"))
    assert resolve_key() == KEY.encode()
    monkeypatch.setenv("CREDSCORE_SIGNING_KEY", "short")
    with pytest.raises(ArtifactError, match="CREDSCORE_SIGNING_KEY holds a signing key of 5"):
        resolve_key()
    monkeypatch.setenv("CREDSCORE_SIGNING_KEY_FILE", str(tmp_path / "nope"))
    monkeypatch.delenv("CREDSCORE_SIGNING_KEY")
    with pytest.raises(ArtifactError, match="does not exist"):
        resolve_key()
    assert key_id(b"a" * 16) != key_id(b"b" * 16) and len(key_id(b"a" * 16)) == 16


def test_signed_model_with_and_without_the_key(signed):
    assert verify_artifact(signed, key=KEY)["signature"] == "valid"
    assert verify_artifact(signed)["signature"] == "not checked"
    load_model(signed, key=KEY)
    with pytest.raises(ArtifactError, match="another key"):
        load_model(signed, key="another key of enough length")


def test_notes_stay_editable_under_a_signature(signed, tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(signed, copy)
    (copy / "NOTES.md").write_text("reviewed by the desk\n")
    assert verify_artifact(copy, key=KEY)["signature"] == "valid"


def test_sign_an_existing_model(fitted_model, tmp_path):
    save_model(fitted_model, tmp_path / "m")
    with pytest.raises(ArtifactError, match="not signed"):
        verify_artifact(tmp_path / "m", key=KEY)
    with pytest.raises(ArtifactError, match="no signing key"):
        sign_artifact(tmp_path / "m", key=None)
    sign_artifact(tmp_path / "m", key=KEY)
    assert verify_artifact(tmp_path / "m", key=KEY)["signature"] == "valid"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]  # no temporary file left


def test_the_bundled_model_is_trusted_with_the_package():
    assert verify_artifact(key=KEY)["signature"] == "unsigned"
