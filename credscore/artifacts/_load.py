"""Verifying and loading a model artifact (the current layout and format 1)."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from credscore._version import __version__
from credscore.artifacts._common import (
    DEFAULT_MODEL_DIR,
    LEGACY_TYPES,
    MANIFEST,
    MANIFEST_HASH,
    READABLE_VERSIONS,
    SKOPS,
    sha256,
    skops_io,
)
from credscore.exceptions import ArtifactError

__all__ = ["load_model", "verify_artifact"]


def _check_listed_files(root: Path, manifest: dict, manifest_path: Path) -> None:
    listed = set(manifest.get("files", {}))
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    extra = present - listed - {MANIFEST, MANIFEST_HASH}
    if extra:
        raise ArtifactError(
            f"{root} holds files the manifest does not list: {sorted(extra)}. "
            "Fix: remove them; an artifact holds only what it was saved with."
        )
    for name, digest in manifest["files"].items():
        path = root / name
        if not path.is_file():
            raise ArtifactError(f"{path} is listed in the manifest but missing.")
        if sha256(path.read_bytes()) != digest:
            raise ArtifactError(
                f"{path} does not match its SHA-256 in {manifest_path}: the file "
                "was altered or corrupted. Fix: restore it from a trusted copy "
                "or retrain."
            )


def verify_artifact(directory: str | os.PathLike) -> dict:
    """Checks an artifact's hashes and format version; returns its manifest.

    Raises
    ------
    ArtifactError
        Naming the file that is missing, unlisted, altered, or of an unknown format.
    """
    root = Path(directory)
    if not root.is_dir():
        raise ArtifactError(
            f"{root} is not a model directory. Fix: pass the directory that "
            "credscore.save_model wrote (it holds manifest.json and model.skops)."
        )
    manifest_path, hash_path = root / MANIFEST, root / MANIFEST_HASH
    for p in (manifest_path, hash_path):
        if not p.is_file():
            raise ArtifactError(
                f"{p} is missing: this is not a complete credscore artifact. "
                "Fix: save the model again with credscore.save_model()."
            )
    manifest_bytes = manifest_path.read_bytes()
    if hash_path.read_bytes() != (sha256(manifest_bytes) + "\n").encode("ascii"):
        raise ArtifactError(
            f"{manifest_path} does not match the hash in {hash_path}: the "
            "manifest was altered or corrupted. Fix: restore the artifact from "
            "a trusted copy or retrain."
        )
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise ArtifactError(f"{manifest_path} is not valid JSON: {exc}") from exc
    if manifest.get("format_version") not in READABLE_VERSIONS:
        raise ArtifactError(
            f"{manifest_path} has format_version {manifest.get('format_version')!r}; this "
            f"credscore ({__version__}) reads versions {list(READABLE_VERSIONS)}. Fix: retrain "
            "the model with this version, or install the credscore version that wrote it "
            f"({manifest.get('versions', {}).get('credscore')})."
        )
    _check_listed_files(root, manifest, manifest_path)
    return manifest


def _renamed_types(data: bytes) -> bytes:
    """A format-1 skops file with its old type names rewritten to :data:`LEGACY_TYPES`."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        schema = json.loads(zin.read("schema.json"))

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                name = f"{node.get('__module__')}.{node.get('__class__')}"
                if name in LEGACY_TYPES:
                    node["__module__"], node["__class__"] = LEGACY_TYPES[name].rsplit(".", 1)
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(schema)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                body = json.dumps(schema) if info.filename == "schema.json" else zin.read(info)
                zout.writestr(info.filename, body)
    return out.getvalue()


def _payload(skops_path: Path, data: bytes) -> Any:
    import credscore.artifacts as public  # read at call time: users may extend the list there

    sio = skops_io()
    untrusted = set(sio.get_untrusted_types(data=data))
    unknown = sorted(untrusted - set(public.TRUSTED_TYPES))
    if unknown:
        raise ArtifactError(
            f"{skops_path} contains types credscore does not trust: {unknown}. "
            "Nothing was loaded. Fix: only load artifacts written by credscore; "
            "if you extended credscore, add the types to "
            "credscore.artifacts.TRUSTED_TYPES after reviewing them."
        )
    try:
        return sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:  # skops raises many types; report them as one
        raise ArtifactError(f"{skops_path} could not be loaded: {exc}") from exc


def _legacy_state(payload: dict, manifest: dict) -> dict:
    """The state of a format-1 artifact, in the layout of ``CredibilityModel.to_state``."""
    params = dict(manifest["params"])
    params.setdefault("exclude", ())  # artifacts written before the parameter existed
    old = payload["extractor_state"]
    classifier = payload["classifier"]
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
        "classifier": classifier,
        "feature_names": list(manifest["feature_columns"]),
        "reference": payload["reference"],
        "base_rate": classifier.base_rate_,
        "training": manifest["training"],
        "recalibration": payload.get("recalibration"),
    }


def _check_data_files(model: Any, root: Path, manifest: dict) -> None:
    """The installed data files must be the ones the model was fitted with."""
    now = model.extractor_.data_hashes()
    for name, entry in manifest["data_files"].items():
        if name not in now or now[name]["sha256"] != entry["sha256"]:
            raise ArtifactError(
                f"{root / MANIFEST}: the model was fitted with {name} version "
                f"{entry['version']} (sha256 {entry['sha256'][:12]}...), but the one installed now "
                f"is {now.get(name, {}).get('version')} "
                f"(sha256 {now.get(name, {}).get('sha256', '')[:12]}...). "
                "Scores would not mean what they meant at training time. Fix: retrain the model "
                "with the installed data files, or install the credscore version that wrote it "
                "(and pass the same lexicon/rank_table files)."
            )


def load_model(directory: str | os.PathLike | None = None) -> Any:
    """Loads a model artifact after verifying it; ``None`` loads the bundled default model.

    Examples
    --------
    >>> model = load_model()
    >>> model.selection_["calibrator"] in ("sigmoid", "isotonic", "temperature", "venn_abers")
    True
    """
    from credscore.model import CredibilityClassifier, CredibilityModel

    root = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    manifest = verify_artifact(root)
    skops_path = root / SKOPS
    data = skops_path.read_bytes()
    legacy = manifest["format_version"] == 1
    payload = _payload(skops_path, _renamed_types(data) if legacy else data)
    state = _legacy_state(payload, manifest) if legacy else payload
    if not isinstance(state.get("classifier"), CredibilityClassifier):
        raise ArtifactError(f"{skops_path} does not hold a CredibilityClassifier.")
    try:
        model = CredibilityModel.from_state(state)
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(
            f"{skops_path} holds a model state credscore cannot use: {exc}"
        ) from exc
    if legacy:  # fitted before monotone directions were declared by the families
        cst = model.extractor_.monotone_constraints()
        model.classifier_.monotonic_cst = cst
        for member in model.classifier_.members_:
            member[0].monotonic_cst = cst
    _check_data_files(model, root, manifest)
    model.manifest_ = manifest
    return model
