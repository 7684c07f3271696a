"""Tests of reading a model directory: once, plain files only, bounded."""

from __future__ import annotations

import os

import pytest

from credscore.artifacts import _files
from credscore.artifacts._files import read_artifact_dir, read_small_file
from credscore.exceptions import ArtifactError


def test_reads_every_file_once(tmp_path):
    (tmp_path / "manifest.json").write_bytes(b"{}")
    (tmp_path / "NOTES.md").write_bytes(b"notes")
    raw = read_artifact_dir(tmp_path)
    assert raw.files == {"NOTES.md": b"notes", "manifest.json": b"{}"}


def test_a_symlinked_directory_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(ArtifactError, match="is a symbolic link") as exc:
        read_artifact_dir(tmp_path / "link")
    assert exc.value.path == str(tmp_path / "link")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "model.skops")  # opening it for reading would wait for a writer
    with pytest.raises(ArtifactError, match="special file"):
        read_artifact_dir(tmp_path)


def test_oversized_files_are_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(_files, "MAX_TEXT_BYTES", 10)
    (tmp_path / "MODEL_CARD.md").write_bytes(b"x" * 11)
    with pytest.raises(ArtifactError, match="over the limit of 10"):
        read_artifact_dir(tmp_path)


def test_small_files_and_links(tmp_path):
    assert read_small_file(tmp_path / "missing") is None
    (tmp_path / "key").write_bytes(b"secret")
    (tmp_path / "link").symlink_to(tmp_path / "key")
    assert read_small_file(tmp_path / "link", follow=True) == b"secret"
    with pytest.raises(ArtifactError, match="symbolic link"):
        read_small_file(tmp_path / "link")
