"""Writing a model artifact: the state in skops format, a manifest, a hash and a card."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn

from credscore._io import _umask, atomic_write_bytes
from credscore._version import __version__
from credscore.artifacts._common import (
    CARD,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_HASH,
    SKOPS,
    jsonable,
    sha256,
    skops_io,
    skops_version,
)

__all__ = ["save_model"]


def _default_card(manifest: dict) -> str:
    sel = manifest.get("selection", {})
    metrics = manifest.get("metrics") or {}
    params = manifest.get("params", {})
    left_out = manifest.get("excluded_columns") or []
    lines = [
        "# credscore model card",
        "",
        f"- credscore {manifest['versions']['credscore']}, created {manifest['created_at']}",
        f"- training rows: {manifest['training']['rows']} (fingerprint "
        f"`{manifest['training']['fingerprint'][:16]}…`)",
        f"- training data: {manifest['training'].get('data') or 'not stated'}",
        f"- base learner: {sel.get('base')}, calibrator: {sel.get('calibrator')} "
        f"(chosen by {sel.get('folds')} {sel.get('n_splits')}-fold cross-validated log loss)",
        f"- feature families: {', '.join(params.get('families') or [])}"
        + (f" (columns left out: {', '.join(left_out)})" if left_out else ""),
        "",
        "## Intended use",
        "A calibrated prior on whether a statement will hold up, from its source's record, its "
        "wording and its source's rank. It is a triage aid for fact-checkers, not a verdict on "
        "any statement or person.",
        "",
        "## Metrics",
    ]
    if metrics:
        lines += [f"- {k}: {v}" for k, v in metrics.items()]
    else:
        lines.append("- none recorded at save time")
    return "\n".join(lines) + "\n"


def _manifest(
    model: Any, state: dict, skops_bytes: bytes, training_data: Any, metrics: Any
) -> dict[str, Any]:
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
        "selection": jsonable(model.selection_),
        "recalibration": jsonable(state["recalibration"]),
        "metrics": jsonable(metrics or {}),
        "trusted_types": sorted(skops_io().get_untrusted_types(data=skops_bytes)),
    }


def _write_directory(target: Path, files: dict[str, bytes]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~_umask())
        for name, content in files.items():
            atomic_write_bytes(staging / name, content)
        if target.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, trash / "old")
            os.replace(staging, target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def save_model(
    model: Any,
    directory: str | os.PathLike,
    *,
    card: str | None = None,
    metrics: dict | None = None,
    training_data: str | None = None,
) -> Path:
    """Writes a fitted :class:`~credscore.CredibilityModel` as an artifact directory.

    The directory is assembled in a temporary sibling and renamed into place, so a crash never
    leaves a half-written artifact at ``directory``. An existing artifact there is replaced.

    Parameters
    ----------
    model : CredibilityModel
        Fitted model.
    directory : path-like
    card : str, optional
        Model card text (Markdown); a default card is written otherwise.
    metrics : dict, optional
        Evaluation figures to record in the manifest and card.
    training_data : str, optional
        Description of the training data (name, license terms).

    Returns
    -------
    Path
    """
    state = model.to_state()  # raises NotFittedError for an unfitted model
    target = Path(directory).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    skops_bytes = skops_io().dumps(state)
    manifest = _manifest(model, state, skops_bytes, training_data, metrics)
    card_text = card if card is not None else _default_card(manifest)
    files = {SKOPS: skops_bytes, CARD: card_text.encode("utf-8")}
    manifest["files"] = {name: sha256(b) for name, b in sorted(files.items())}
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    files[MANIFEST] = manifest_bytes
    files[MANIFEST_HASH] = (sha256(manifest_bytes) + "\n").encode("ascii")
    _write_directory(target, files)
    return target
