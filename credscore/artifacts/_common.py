"""Names, hashing and JSON helpers shared by the artifact modules."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CARD",
    "DEFAULT_MODEL_DIR",
    "FORMAT_VERSION",
    "LEGACY_TYPES",
    "MANIFEST",
    "MANIFEST_HASH",
    "READABLE_VERSIONS",
    "SKOPS",
    "TRUSTED_TYPES",
    "jsonable",
    "sha256",
    "skops_io",
]

#: Version of the artifact layout written by :func:`save_model`.
FORMAT_VERSION = 2
#: Layout versions :func:`load_model` reads (1: before the model package, read through
#: :data:`LEGACY_TYPES`).
READABLE_VERSIONS = (1, 2)
#: The model bundled with the package, loaded by ``load_model()``.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "default"
#: Types (beyond skops' own defaults) that a credscore artifact may contain.
TRUSTED_TYPES: tuple[str, ...] = (
    "credscore.model._learners.BaseLearner",
    "credscore.model._classifier.CredibilityClassifier",
    "credscore.calibration._calibrators.SigmoidCalibrator",
    "credscore.calibration._calibrators.IsotonicCalibrator",
    "credscore.calibration._calibrators.TemperatureCalibrator",
    "credscore.calibration._calibrators.VennAbersCalibrator",
    "credscore.calibration._venn_abers.VennAbersCalibrator",
    "credscore.calibration._venn_abers.InductiveVennAbers",
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
    "sklearn.utils._bunch.Bunch",
    "builtins.slice",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "collections.OrderedDict",
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


def skops_io() -> Any:
    """skops.io, imported on first use (importing it loads every scikit-learn estimator)."""
    import skops.io

    return skops.io


def skops_version() -> str:
    """The installed skops version."""
    from importlib.metadata import version

    return version("skops")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def jsonable(obj: Any) -> Any:
    """``obj`` with tuples as lists, numpy scalars as Python ones, NaN as None, paths as str."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return repr(obj)
