"""Every check of a model directory, run on its bytes without constructing the model.

:func:`check_artifact` is what :func:`verify_artifact` runs and what :func:`load_model` runs
before it constructs anything, so the two always agree: the directory read once (plain files
only), the signature (when a key is configured), the manifest's hash, structure, file names
and file hashes, the skops archive and every node in it (loaders, types, arrays), every
object's invariants (tree indices, widths, vocabulary), the state's layout, the manifest's
agreement with the state, and the data files the model was fitted with.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credscore.artifacts._common import (
    DEFAULT_MODEL_DIR,
    LEGACY_TYPES,
    MANIFEST,
    SKOPS,
    jsonable,
    refuse,
    skops_io,
)
from credscore.artifacts._files import RawArtifact, read_artifact_dir
from credscore.artifacts._manifest import check_manifest
from credscore.artifacts._schema import Obj, decode_skops, zip_members
from credscore.artifacts._signing import check_signature, resolve_key
from credscore.artifacts._specs import SpecError, check_objects

__all__ = ["Checked", "check_artifact", "check_directory", "legacy_state"]

_RETRAIN = "restore the model from a trusted copy or retrain it"
#: Types skops reports as untrusted that are safe values, not objects.
_SAFE_VALUES = frozenset({"numpy.dtype"})


@dataclass
class Checked:
    """A model directory that passed every check: what :func:`load_model` loads."""

    root: Path
    manifest: dict[str, Any]
    skops_bytes: bytes
    trusted: list[str]
    signature: str
    shell: Any


def _rezipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, body in members.items():
            zout.writestr(name, body)
    return out.getvalue()


def _renamed_schema(schema_bytes: bytes) -> bytes:
    """A format-1 schema with its old type names rewritten to :data:`LEGACY_TYPES`."""
    schema = json.loads(schema_bytes)
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = f"{node.get('__module__')}.{node.get('__class__')}"
            if name in LEGACY_TYPES:
                node["__module__"], node["__class__"] = LEGACY_TYPES[name].rsplit(".", 1)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return json.dumps(schema).encode("utf-8")


def legacy_state(payload: dict, manifest: dict, base_rate: Any) -> dict:
    """The state of a format-1 artifact, in the layout of ``CredibilityModel.to_state``."""
    params = dict(manifest["params"])
    params.setdefault("exclude", ())  # artifacts written before the parameter existed
    old = payload["extractor_state"]
    return {
        "params": params,
        "extractor": {
            "families": {
                "history": {
                    "retraction_prior_": old["retraction_prior_"],
                    "false_prior_": old["false_prior_"],
                }
            },
            "feature_names_out_": list(old["feature_names_out_"]),
        },
        "classifier": payload["classifier"],
        "feature_names": list(manifest["feature_columns"]),
        "reference": payload["reference"],
        "base_rate": base_rate,
        "training": manifest["training"],
        "recalibration": payload.get("recalibration"),
    }


def _state(path: Path, decoded: Any, manifest: dict) -> dict:
    from credscore.model._state import STATE_KEYS

    legacy = manifest["format_version"] == 1
    keys = (
        {"classifier", "extractor_state", "reference", "recalibration"}
        if legacy
        else set(STATE_KEYS)
    )
    if not isinstance(decoded, dict) or set(decoded) != keys:
        found = sorted(decoded) if isinstance(decoded, dict) else type(decoded).__name__
        raise refuse(path, f"does not hold a credscore model state (found {found})", _RETRAIN)
    clf = decoded["classifier"]
    if not (isinstance(clf, Obj) and clf.name == "CredibilityClassifier"):
        raise refuse(path, "does not hold a CredibilityClassifier", _RETRAIN)
    names = clf.attrs.get("feature_names_in_")
    expected = manifest["feature_columns"]
    if names is None or [str(c) for c in names] != list(expected):
        raise refuse(
            path, "holds a classifier fitted on other columns than the manifest lists", _RETRAIN
        )
    if legacy:
        if not isinstance(decoded["extractor_state"], dict):
            raise refuse(path, "holds a malformed format-1 extractor state", _RETRAIN)
        try:
            return legacy_state(decoded, manifest, clf.attrs["base_rate_"])
        except (KeyError, TypeError) as exc:
            raise refuse(path, f"holds a malformed format-1 state ({exc})", _RETRAIN) from None
    mismatch = [
        name
        for name, ours, theirs in (
            ("params", decoded["params"], manifest["params"]),
            ("feature_names", decoded["feature_names"], manifest["feature_columns"]),
            (
                "training",
                decoded["training"],
                {k: v for k, v in manifest["training"].items() if k != "data"},
            ),
        )
        if jsonable(ours) != theirs
    ]
    if mismatch:
        raise refuse(
            path, f"describes another model than {path.parent / MANIFEST} ({mismatch})", _RETRAIN
        )
    return decoded


def _shell(path: Path, state: dict) -> Any:
    """The model of ``state`` without its classifier: checks parameters and feature columns."""
    from credscore.model import CredibilityModel

    try:
        return CredibilityModel.from_state({**state, "classifier": None})
    except Exception as exc:  # a bad parameter or data file may raise anything from a family
        raise refuse(
            path,
            f"holds a model state credscore cannot use ({type(exc).__name__}: {exc})",
            _RETRAIN,
        ) from None


def _check_data_files(root: Path, model: Any, manifest: dict) -> None:
    """The installed data files must be the ones the model was fitted with."""
    now = model.extractor_.data_hashes()
    saved = manifest["data_files"]
    for name in sorted(set(now) | set(saved)):
        entry, installed = saved.get(name), now.get(name)
        if entry is None or installed is None or installed["sha256"] != entry["sha256"]:
            was = f"{entry['version']} (sha256 {entry['sha256'][:12]}...)" if entry else "nothing"
            has = (
                f"{installed['version']} (sha256 {installed['sha256'][:12]}...)"
                if installed
                else "nothing"
            )
            raise refuse(
                root / MANIFEST,
                f"records {name} as {was}, but this model uses {has} now: scores would not "
                "mean what they meant at training time",
                "retrain the model with the installed data files, or install the credscore "
                "version that wrote it (and pass the same lexicon/rank_table files)",
            )


def _skops_trusted(path: Path, data: bytes, objects: list[Obj]) -> list[str]:
    import credscore.artifacts as public  # read at call time: users may extend the list

    found = {o.cls for o in objects}
    try:
        untrusted = set(skops_io().get_untrusted_types(data=data))
    except Exception as exc:  # skops disagrees with the checks above: refuse
        raise refuse(path, f"could not be read by skops ({exc})", _RETRAIN) from None
    unknown = sorted(untrusted - found - _SAFE_VALUES)
    if unknown or not found <= set(public.TRUSTED_TYPES):
        raise refuse(path, f"contains types credscore does not trust: {unknown}", _RETRAIN)
    return sorted(untrusted)


def check_artifact(raw: RawArtifact, key: bytes | None = None) -> Checked:
    """Runs every check on a directory already read; see the module docstring."""
    import credscore.artifacts as public

    root = raw.root
    exempt = root.resolve() == DEFAULT_MODEL_DIR.resolve()
    signature = check_signature(root, raw.files, key, exempt=exempt)
    manifest = check_manifest(raw)
    path = root / SKOPS
    members = zip_members(path, raw.files[SKOPS])
    decoded = decode_skops(path, members, set(public.TRUSTED_TYPES))
    try:
        objects = check_objects(decoded)
    except SpecError as exc:
        raise refuse(
            path, f"(schema.json, {exc}): it could not be scored safely", _RETRAIN
        ) from None
    state = _state(path, decoded, manifest)
    shell = _shell(path, state)
    _check_data_files(root, shell, manifest)
    data = raw.files[SKOPS]
    if manifest["format_version"] == 1:
        members = dict(members, **{"schema.json": _renamed_schema(members["schema.json"])})
        data = _rezipped(members)
    trusted = _skops_trusted(path, data, objects)
    return Checked(root, manifest, data, trusted, signature, shell)


def check_directory(directory: str | os.PathLike, key: bytes | str | None = None) -> Checked:
    """Reads ``directory`` once and runs :func:`check_artifact` on it."""
    return check_artifact(read_artifact_dir(directory), resolve_key(key))
