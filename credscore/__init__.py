"""credscore: calibrated probabilities that attributed statements hold up.

The public API:

* tables — :class:`Tables`, :func:`read_tables`, :func:`write_tables`, :func:`validate_tables`
  (returns :class:`ValidatedTables`), :func:`combine_tables`;
* features — :class:`FeatureExtractor`, :func:`extract_features`;
* model — :class:`CredibilityModel` (tables in, scores out), :class:`CredibilityClassifier`
  (the scikit-learn estimator on the feature matrix), :class:`TimeOrderedSplit`,
  :func:`score_adapted` (label-shift adaptation at scoring time), :class:`GroupCalibratedModel`
  (group-conditional calibration);
* artifacts — :func:`load_model` (no argument: the bundled default model), :func:`save_model`,
  :class:`Registry`.
"""

from credscore._io import read_tables, write_tables
from credscore._tables import EVENT_KINDS, Tables
from credscore._version import __version__
from credscore.artifacts import Registry, load_model, save_model, verify_artifact
from credscore.features.extractor import FeatureExtractor, extract_features
from credscore.model import (
    CredibilityClassifier,
    CredibilityModel,
    GroupCalibratedModel,
    TimeOrderedSplit,
    score_adapted,
)
from credscore.schema import ValidatedTables, combine_tables, validate_tables

__all__ = [
    "EVENT_KINDS",
    "CredibilityClassifier",
    "CredibilityModel",
    "FeatureExtractor",
    "GroupCalibratedModel",
    "Registry",
    "Tables",
    "TimeOrderedSplit",
    "ValidatedTables",
    "__version__",
    "combine_tables",
    "extract_features",
    "load_model",
    "read_tables",
    "save_model",
    "score_adapted",
    "validate_tables",
    "verify_artifact",
    "write_tables",
]
