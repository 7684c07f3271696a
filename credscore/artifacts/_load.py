"""Verifying and loading a model: a model directory, a registry's champion, or ``REG@ID``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from credscore.artifacts._common import DEFAULT_MODEL_DIR, SKOPS, refuse, skops_io
from credscore.artifacts._verify import Checked, check_directory

__all__ = ["load_model", "resolve_model_dir", "verify_artifact"]


def resolve_model_dir(spec: str | os.PathLike | None) -> Path:
    """The model directory ``spec`` names.

    ``None`` is the bundled default model; a registry directory means its champion;
    ``REG@ID`` the model ``ID`` of the registry ``REG``; anything else a model directory.

    Examples
    --------
    >>> resolve_model_dir(None) == DEFAULT_MODEL_DIR
    True
    """
    from credscore.artifacts._registry import Registry, is_registry

    if spec is None:
        return DEFAULT_MODEL_DIR
    path = Path(spec)
    text = os.fspath(spec)
    if not os.path.lexists(path) and "@" in text:
        reg, _, model_id = text.rpartition("@")
        if reg and is_registry(Path(reg)):
            return Registry(reg).path_of(model_id)
    if os.path.isdir(path) and not os.path.islink(path) and is_registry(path):
        return Registry(path).champion_path()
    return path


def _construct(checked: Checked) -> Any:
    from credscore.model import CredibilityClassifier

    path = checked.root / SKOPS
    try:
        payload = skops_io().loads(checked.skops_bytes, trusted=checked.trusted)
    except Exception as exc:  # skops raises many types; the checks above should have caught it
        raise refuse(
            path, f"could not be loaded ({type(exc).__name__}: {exc})", "retrain it"
        ) from None
    classifier = payload.get("classifier") if isinstance(payload, dict) else None
    if not isinstance(classifier, CredibilityClassifier):  # pragma: no cover - checked before
        raise refuse(path, "does not hold a CredibilityClassifier", "retrain it")
    # The checks built the model from the same state with the classifier left out
    # (CredibilityModel.from_state only assigns the classifier); it gets the real one now.
    model = checked.shell
    model.classifier_ = classifier
    if checked.manifest["format_version"] == 1:  # fitted before the families declared
        cst = model.extractor_.monotone_constraints()  # monotone directions
        model.classifier_.monotonic_cst = cst
        for member in model.classifier_.members_:
            member[0].monotonic_cst = cst
    model.manifest_ = checked.manifest
    return model


def load_model(
    directory: str | os.PathLike | None = None, *, key: bytes | str | None = None
) -> Any:
    """Loads a model after every check of :func:`verify_artifact`; None: the bundled model.

    ``directory`` may be a model directory, a registry (its champion is loaded) or
    ``REGISTRY@ID`` (one model of a registry). Each file is read once; the bytes checked are
    the bytes loaded.

    Parameters
    ----------
    directory : path-like, optional
    key : bytes or str, optional
        Signing key; by default ``CREDSCORE_SIGNING_KEY`` or ``CREDSCORE_SIGNING_KEY_FILE``.
        With a key, unsigned or mis-signed models are refused.

    Raises
    ------
    ArtifactError
        Naming the file that is missing, altered, unsafe, unsigned or of an unknown format.

    Examples
    --------
    >>> model = load_model()
    >>> model.selection_["calibrator"] in ("sigmoid", "isotonic", "temperature", "venn_abers")
    True
    """
    return _construct(check_directory(resolve_model_dir(directory), key))


def verify_artifact(
    directory: str | os.PathLike | None = None, *, key: bytes | str | None = None
) -> dict:
    """Runs every check :func:`load_model` runs, without constructing the model.

    Returns
    -------
    dict
        The manifest, plus ``"signature"``: ``"valid"``, ``"unsigned"`` or ``"not checked"``
        (signed, but no key configured).

    Raises
    ------
    ArtifactError
        The first problem found, naming the file and the fix.

    Examples
    --------
    >>> verify_artifact()["format_version"] in (1, 2, 3)
    True
    """
    checked = check_directory(resolve_model_dir(directory), key)
    return {**checked.manifest, "signature": checked.signature, "path": str(checked.root)}
