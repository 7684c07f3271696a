"""The model: the calibrated classifier, the engine on tables, explanations and saved state.

* :class:`CredibilityClassifier` — a scikit-learn classifier on a feature matrix (a base learner
  inside a calibrator, both chosen by cross-validated log loss; a cross-fitted ensemble);
* :class:`CredibilityModel` — the engine: tables in, probabilities, intervals and reasons out;
* :class:`TimeOrderedSplit` — time-ordered folds for scikit-learn's model-selection tools;
* :func:`score_adapted` — scores adapted to a batch's own base rate (label shift, opt-in);
* :class:`GroupCalibratedModel` — one calibration map per group of a column (Mondrian).
"""

from credscore.model._classifier import CALIBRATORS, CredibilityClassifier
from credscore.model._engine import CredibilityModel
from credscore.model._label_shift import score_adapted
from credscore.model._learners import BASE_LEARNERS
from credscore.model._mondrian import GroupCalibratedModel
from credscore.model._recalibrate import TrainingOverlapWarning
from credscore.model._splitters import TimeOrderedSplit
from credscore.model._state import fingerprint

__all__ = [
    "BASE_LEARNERS",
    "CALIBRATORS",
    "CredibilityClassifier",
    "CredibilityModel",
    "GroupCalibratedModel",
    "TimeOrderedSplit",
    "TrainingOverlapWarning",
    "fingerprint",
    "score_adapted",
]
