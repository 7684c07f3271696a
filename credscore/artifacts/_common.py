"""Names, limits, hashing, errors and JSON helpers shared by the artifact modules."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from credscore.exceptions import ArtifactError

__all__ = [
    "CARD",
    "DEFAULT_MODEL_DIR",
    "FORMAT_VERSION",
    "LEGACY_TYPES",
    "MANIFEST",
    "MANIFEST_HASH",
    "NOTES",
    "READABLE_VERSIONS",
    "SIGNATURE",
    "SKOPS",
    "TRUSTED_TYPES",
    "jsonable",
    "refuse",
    "sha256",
    "skops_io",
]

#: Version of the artifact layout written by :func:`save_model` (3: a free ``NOTES.md`` beside
#: the hashed card, and an optional ``manifest.sig``).
FORMAT_VERSION = 3
#: Layout versions :func:`load_model` reads (1: before the model package, read through
#: :data:`LEGACY_TYPES`; 2: the model package, no notes file).
READABLE_VERSIONS = (1, 2, 3)
#: The model bundled with the package, loaded by ``load_model()``.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "default"

#: Types a credscore artifact may instantiate (beyond plain containers, numbers, strings and
#: numpy arrays). Each scikit-learn type whose fitted state reaches compiled code without
#: bounds checks (gradient-boosting trees and their bin mapper, the one-hot encoder, the
#: TF-IDF vocabulary) is validated attribute by attribute before anything is constructed
#: (see ``credscore/artifacts/_specs.py``); a type added here by a user is checked only for
#: what it contains.
TRUSTED_TYPES: tuple[str, ...] = (
    "credscore.model._learners.BaseLearner",
    "credscore.model._classifier.CredibilityClassifier",
    "credscore.calibration._calibrators.SigmoidCalibrator",
    "credscore.calibration._calibrators.IsotonicCalibrator",
    "credscore.calibration._calibrators.TemperatureCalibrator",
    "credscore.calibration._calibrators.VennAbersCalibrator",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss._loss.CyHalfBinomialLoss",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.impute._base.MissingIndicator",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._label.LabelEncoder",
    "numpy.random._generator.Generator",
)

#: Type names of format-1 artifacts and where those types live now.
LEGACY_TYPES: dict[str, str] = {
    "credscore._learners.BaseLearner": "credscore.model._learners.BaseLearner",
    "credscore.model.CredibilityClassifier": "credscore.model._classifier.CredibilityClassifier",
}

SKOPS = "model.skops"
MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"
CARD = "MODEL_CARD.md"
NOTES = "NOTES.md"
SIGNATURE = "manifest.sig"
#: Every name an artifact directory may hold (NOTES.md from format 3 on).
ARTIFACT_NAMES = (SKOPS, CARD, MANIFEST, MANIFEST_HASH, NOTES, SIGNATURE)
#: Files the manifest lists with their SHA-256.
HASHED_FILES = (CARD, SKOPS)

#: Size limits: a larger file is refused before it is read.
MAX_MODEL_BYTES = 1 << 30
MAX_TEXT_BYTES = 16 << 20


def refuse(path: str | os.PathLike, problem: str, fix: str) -> ArtifactError:
    """An :class:`ArtifactError` naming ``path``, what is wrong with it and the fix.

    The path is also kept as the error's ``path`` attribute.

    Examples
    --------
    >>> err = refuse("m/model.skops", "is not a zip archive", "restore it from a trusted copy")
    >>> str(err)
    'm/model.skops is not a zip archive. Fix: restore it from a trusted copy.'
    >>> err.path
    'm/model.skops'
    """
    err = ArtifactError(f"{path} {problem}. Fix: {fix}.")
    err.path = str(path)  # type: ignore[attr-defined]
    return err


def skops_io() -> Any:
    """skops.io, imported on first use (importing it loads every scikit-learn estimator)."""
    import skops.io

    return skops.io


def skops_version() -> str:
    """The installed skops version."""
    from importlib.metadata import version

    return version("skops")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``.

    Examples
    --------
    >>> sha256(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def jsonable(obj: Any) -> Any:
    """``obj`` with tuples as lists, numpy scalars as Python ones, NaN as None, paths as str.

    Examples
    --------
    >>> jsonable({"a": (1, np.float64(2.5)), "b": float("nan")})
    {'a': [1, 2.5], 'b': None}
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return jsonable(obj.item())
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return repr(obj)
