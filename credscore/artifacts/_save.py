"""Writing a model artifact: the state in skops format, a manifest, its hash, a card, notes."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn

from credscore._version import __version__
from credscore.artifacts._card import (
    NOTES_TEMPLATE,
    default_card,
    training_metrics,
    training_section,
)
from credscore.artifacts._common import (
    CARD,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_HASH,
    NOTES,
    SIGNATURE,
    SKOPS,
    jsonable,
    refuse,
    sha256,
    skops_io,
    skops_version,
)
from credscore.artifacts._fs import exchange, fsync_dir, rename_noreplace, stage_directory
from credscore.artifacts._signing import resolve_key, signature_bytes

__all__ = ["artifact_files", "save_model", "write_new_directory"]


def _manifest(
    model: Any, state: dict, skops_bytes: bytes, training_data: Any, metrics: Any
) -> dict:
    selection = jsonable(model.selection_)
    return {
        "format_version": FORMAT_VERSION,
        "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "versions": {
            "credscore": __version__,
            "scikit-learn": sklearn.__version__,
            "skops": skops_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "python": platform.python_version(),
        },
        "model_class": f"{type(model).__module__}.{type(model).__qualname__}",
        "params": jsonable(state["params"]),
        "feature_columns": list(state["feature_names"]),
        "excluded_columns": list(model.excluded_columns()),
        "data_files": model.extractor_.data_hashes(),
        "training": jsonable(state["training"]) | {"data": training_data},
        "selection": selection,
        "recalibration": jsonable(state["recalibration"]),
        "metrics": jsonable(metrics or {}),
        "card": {"notes": NOTES, "training_metrics": jsonable(training_metrics(selection))},
        "trusted_types": sorted(skops_io().get_untrusted_types(data=skops_bytes)),
    }


def artifact_files(
    model: Any,
    *,
    card: str | None = None,
    notes: str | None = None,
    metrics: dict | None = None,
    training_data: str | None = None,
    key: bytes | str | None = None,
) -> dict[str, bytes]:
    """The files of the artifact of a fitted ``model``, by name (see :func:`save_model`)."""
    state = model.to_state()  # raises NotFittedError for an unfitted model
    skops_bytes = skops_io().dumps(state)
    manifest = _manifest(model, state, skops_bytes, training_data, metrics)
    if card is None:
        card_text = default_card(manifest)
    else:
        card_text = card.rstrip("\n") + "\n"
        if "\n## Training\n" not in card_text:
            card_text += "\n" + "\n".join(training_section(manifest)) + "\n"
    files = {SKOPS: skops_bytes, CARD: card_text.encode("utf-8")}
    manifest["files"] = {name: sha256(b) for name, b in sorted(files.items())}
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    files[MANIFEST] = manifest_bytes
    files[MANIFEST_HASH] = (sha256(manifest_bytes) + "\n").encode("ascii")
    files[NOTES] = (notes if notes is not None else NOTES_TEMPLATE).encode("utf-8")
    signing_key = resolve_key(key)
    if signing_key is not None:
        files[SIGNATURE] = signature_bytes(manifest_bytes, signing_key)
    return files


def write_new_directory(target: Path, files: dict[str, bytes]) -> None:
    """Writes ``files`` as the new directory ``target`` in one rename; never replaces one.

    Raises ``FileExistsError`` if ``target`` exists (an empty directory is taken over).
    """
    staging = stage_directory(target.parent, target.name, files)
    try:
        if target.is_dir() and not target.is_symlink() and not any(target.iterdir()):
            target.rmdir()  # an empty directory holds no saved model
        rename_noreplace(staging, target)
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_directory(target: Path, files: dict[str, bytes]) -> None:
    staging = stage_directory(target.parent, target.name, files)
    try:
        swapped = exchange(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not swapped:
        shutil.rmtree(staging, ignore_errors=True)
        raise refuse(
            target,
            "cannot be replaced in one step on this system (no atomic directory exchange)",
            "save to a new directory, or save into a Registry, which keeps every model and "
            "moves only its champion pointer",
        )
    fsync_dir(target.parent)
    shutil.rmtree(staging, ignore_errors=True)  # now holds the replaced model


def save_model(
    model: Any,
    directory: str | os.PathLike,
    *,
    card: str | None = None,
    notes: str | None = None,
    metrics: dict | None = None,
    training_data: str | None = None,
    replace: bool = False,
    key: bytes | str | None = None,
) -> Path:
    """Writes a fitted :class:`~credscore.CredibilityModel` as a new artifact directory.

    The directory is assembled and flushed to disk in a hidden sibling, then renamed into
    place in one step, so a crash never leaves a half-written artifact at ``directory``.
    Nothing a user saved is overwritten: an existing artifact is an error unless ``replace``;
    to keep every version, save into a :class:`~credscore.Registry` instead.

    Parameters
    ----------
    model : CredibilityModel
        Fitted model.
    directory : path-like
    card : str, optional
        Model card text (Markdown); a card is generated otherwise. It is hashed; a section on
        the training run (rows, period, cross-validated metrics) is appended if it has none.
    notes : str, optional
        Initial ``NOTES.md`` (not hashed: edit it freely later).
    metrics : dict, optional
        Evaluation figures to record in the manifest and card.
    training_data : str, optional
        Description of the training data (name, license terms).
    replace : bool, default False
        Replace an existing artifact at ``directory`` in one atomic exchange (Linux): readers
        see the old model or the new one, never a mix; the old one is then deleted.
    key : bytes or str, optional
        Signing key (default: ``CREDSCORE_SIGNING_KEY`` or ``CREDSCORE_SIGNING_KEY_FILE``);
        with a key, ``manifest.sig`` is written.

    Returns
    -------
    Path
    """
    files = artifact_files(
        model, card=card, notes=notes, metrics=metrics, training_data=training_data, key=key
    )
    target = Path(directory).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.path.islink(target):
        raise refuse(target, "is a symbolic link", "save to a real directory path")
    occupied = target.exists() and not (target.is_dir() and not any(target.iterdir()))
    if occupied and not replace:
        raise refuse(
            target,
            "already exists; nothing a user saved is overwritten",
            "save to a new directory, pass replace=True (CLI: --replace) to swap it in one "
            "step, or save into a registry (credscore train --registry), which keeps every "
            "model and moves only its champion pointer",
        )
    if occupied:
        if not target.is_dir():
            raise refuse(target, "is not a directory", "choose another path")
        replace_directory(target, files)
    else:
        try:
            write_new_directory(target, files)
        except FileExistsError:
            raise refuse(target, "appeared while the model was saved", "save again") from None
    return target
