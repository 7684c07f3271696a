"""Checking a manifest: its own hash, its structure, its file list and the files' hashes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from credscore._version import __version__
from credscore.artifacts._common import (
    ARTIFACT_NAMES,
    HASHED_FILES,
    MANIFEST,
    MANIFEST_HASH,
    NOTES,
    READABLE_VERSIONS,
    refuse,
    sha256,
)
from credscore.artifacts._files import RawArtifact

__all__ = ["check_manifest"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_RESTORE = "restore the model directory from a trusted copy, or retrain the model"
#: Required manifest keys and the JSON type of each.
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "format_version": int,
    "created_at": str,
    "versions": dict,
    "params": dict,
    "feature_columns": list,
    "data_files": dict,
    "training": dict,
    "files": dict,
}
_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "metrics": dict,
    "selection": dict,
    "recalibration": (dict, type(None)),
    "trusted_types": list,
    "model_class": str,
    "excluded_columns": list,
    "card": dict,
}


def _parse(raw: RawArtifact) -> dict[str, Any]:
    root = raw.root
    manifest_path, hash_path = root / MANIFEST, root / MANIFEST_HASH
    for name in (MANIFEST, MANIFEST_HASH):
        if name not in raw.files:
            raise refuse(
                root / name,
                "is missing: this is not a complete credscore artifact",
                "pass the directory that credscore.save_model wrote, or save the model again",
            )
    body = raw.files[MANIFEST]
    if raw.files[MANIFEST_HASH] != (sha256(body) + "\n").encode("ascii"):
        raise refuse(
            manifest_path,
            f"does not match the hash in {hash_path}: the manifest was altered or corrupted",
            _RESTORE,
        )
    try:
        manifest = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise refuse(manifest_path, f"is not valid JSON ({exc})", _RESTORE) from None
    if not isinstance(manifest, dict):
        raise refuse(manifest_path, "is not a JSON object", _RESTORE)
    return manifest


def _check_structure(path: Path, manifest: dict[str, Any]) -> None:
    version = manifest.get("format_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        writer = manifest.get("versions", {})
        writer = writer.get("credscore") if isinstance(writer, dict) else None
        raise refuse(
            path,
            f"has format_version {version!r}; this credscore ({__version__}) reads versions "
            f"{list(READABLE_VERSIONS)}",
            "retrain the model with this version, or install the credscore that wrote it "
            f"({writer})",
        )
    for key, kind in _REQUIRED.items():
        if not isinstance(manifest.get(key), kind) or isinstance(manifest.get(key), bool):
            raise refuse(path, f"lacks {key!r} or holds it with the wrong type", _RESTORE)
    for key, kind in _OPTIONAL.items():
        if key in manifest and not isinstance(manifest[key], kind):
            raise refuse(path, f"holds {key!r} with the wrong type", _RESTORE)
    if not all(isinstance(c, str) for c in manifest["feature_columns"]):
        raise refuse(path, "lists feature columns that are not names", _RESTORE)
    for name, entry in manifest["data_files"].items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("version"), str)
            and isinstance(entry.get("sha256"), str)
            and _HEX64.match(entry["sha256"])
        ):
            raise refuse(path, f"holds a malformed data_files entry {name!r}", _RESTORE)


def _check_files(raw: RawArtifact, manifest: dict[str, Any]) -> None:
    root, path = raw.root, raw.root / MANIFEST
    listed = manifest["files"]
    for name, digest in listed.items():
        if not (isinstance(name, str) and _PLAIN_NAME.match(name)) or name in (".", ".."):
            raise refuse(
                path,
                f"lists {name!r}, which is not a plain file name inside the model directory",
                _RESTORE,
            )
        if name not in HASHED_FILES:
            raise refuse(path, f"lists {name!r}, which is not part of an artifact", _RESTORE)
        if not (isinstance(digest, str) and _HEX64.match(digest)):
            raise refuse(path, f"holds a malformed SHA-256 for {name}", _RESTORE)
    missing = [n for n in HASHED_FILES if n not in listed]
    if missing:
        raise refuse(path, f"does not list {missing}; every artifact hashes them", _RESTORE)
    if manifest["format_version"] < 3 and NOTES in raw.files:
        raise refuse(
            root / NOTES,
            f"sits in a format-{manifest['format_version']} artifact, whose manifest does not "
            "allow a notes file",
            "remove it, or save the model again with this credscore (format 3 keeps notes)",
        )
    for name in sorted(set(raw.files) - set(ARTIFACT_NAMES)):  # pragma: no cover - _files
        raise refuse(root / name, "is not listed in the manifest", "remove it")
    for name, digest in listed.items():
        if name not in raw.files:
            raise refuse(root / name, "is listed in the manifest but missing", _RESTORE)
        if sha256(raw.files[name]) != digest:
            raise refuse(
                root / name,
                f"does not match its SHA-256 in {path}: the file was altered or corrupted",
                _RESTORE,
            )


def check_manifest(raw: RawArtifact) -> dict[str, Any]:
    """The manifest of ``raw`` after checking its hash, structure, paths and file hashes."""
    manifest = _parse(raw)
    _check_structure(raw.root / MANIFEST, manifest)
    _check_files(raw, manifest)
    return manifest
