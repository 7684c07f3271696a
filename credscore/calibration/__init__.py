"""Calibrators, calibration metrics and a calibration test.

* Calibrators map a 1-D score to ``P(y = 1)``: :class:`SigmoidCalibrator`,
  :class:`IsotonicCalibrator`, :class:`TemperatureCalibrator`, :class:`VennAbersCalibrator`
  (with :func:`merge_venn_abers` for cross Venn-Abers), built by name with
  :func:`make_calibrator`.
* Metrics, all ``(y_true, p)``: :func:`log_loss`, :func:`brier_score`,
  :func:`brier_decomposition`, :func:`roc_auc`, :func:`accuracy`,
  :func:`calibration_in_the_large`, :func:`calibration_slope_intercept`, :func:`ece`,
  :func:`smece`, and bootstrap intervals with :func:`metric_intervals` (resampling rows, or
  with ``groups=`` whole groups such as sources).
* Helpers on the log-odds scale: :func:`logit`, :func:`expit`, :func:`fit_logistic`.
* :func:`calibration_test` compares ECE and smECE with their null distribution under "the model
  is calibrated" (by statement, or by source with ``groups=``), with Spiegelhalter's z;
  :func:`calibration_report` gathers everything in one JSON-ready dict.
* :func:`calibration_by_period` is the drift monitor: the calibration test per week, month,
  quarter or year of dated verdicts, with the mean shift.
* Label shift: :func:`estimate_prior` (EM of Saerens et al. 2002, or BBSE of Lipton et al. 2018)
  estimates a batch's base rate from its scores, :func:`adjust_prior` moves probabilities to a
  new base rate, and :func:`label_shift` does both behind a guard.
"""

from credscore.calibration._calibrators import (
    IsotonicCalibrator,
    SigmoidCalibrator,
    TemperatureCalibrator,
    VennAbersCalibrator,
    make_calibrator,
)
from credscore.calibration._drift import calibration_by_period
from credscore.calibration._label_shift import (
    LabelShiftResult,
    PriorEstimate,
    adjust_prior,
    estimate_prior,
    label_shift,
)
from credscore.calibration._logistic import expit, fit_logistic, logit
from credscore.calibration._metrics import (
    accuracy,
    brier_decomposition,
    brier_score,
    calibration_in_the_large,
    calibration_slope_intercept,
    ece,
    log_loss,
    roc_auc,
)
from credscore.calibration._report import calibration_report, metric_intervals
from credscore.calibration._smece import smece
from credscore.calibration._test import (
    CalibrationTestResult,
    ErrorTest,
    calibration_test,
    null_distribution,
)
from credscore.calibration._venn_abers import merge_venn_abers

__all__ = [
    "CalibrationTestResult",
    "ErrorTest",
    "IsotonicCalibrator",
    "LabelShiftResult",
    "PriorEstimate",
    "SigmoidCalibrator",
    "TemperatureCalibrator",
    "VennAbersCalibrator",
    "accuracy",
    "adjust_prior",
    "brier_decomposition",
    "brier_score",
    "calibration_by_period",
    "calibration_in_the_large",
    "calibration_report",
    "calibration_slope_intercept",
    "calibration_test",
    "ece",
    "estimate_prior",
    "expit",
    "fit_logistic",
    "label_shift",
    "log_loss",
    "logit",
    "make_calibrator",
    "merge_venn_abers",
    "metric_intervals",
    "null_distribution",
    "roc_auc",
    "smece",
]
