"""Injected drift for the simulator: the base rate and the observable effects move over time.

:class:`Drift` changes the generating log-odds of every statement made after ``start``:

``logit' = logit + w(t) · (intercept + (effect_scale - 1) · observable)``

where ``observable`` is the part of the log-odds the features show (title authority and
qualifiers, not the latent source reliability) and ``w(t)`` rises from 0 at ``start`` to 1 over
``ramp_days`` (a step when 0). ``intercept`` moves the base rate (e.g. -1.0 takes 0.55 to about
0.30); ``effect_scale`` makes what a statement shows matter more (> 1) or less (< 1). The
labels, events and ``observable_p`` of :func:`~credscore.datasets.simulate` follow the drifted
log-odds, so ``true_p`` stays the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Drift"]


@dataclass(frozen=True)
class Drift:
    """A change of the simulator's truth from ``start`` on (see the module docstring).

    Examples
    --------
    >>> d = Drift(start="2023-01-01", intercept=-1.0, effect_scale=1.5)
    >>> t = pd.to_datetime(["2022-06-01", "2023-06-01"], utc=True)
    >>> d.shift(np.array([0.5, 0.5]), np.array([0.3, 0.3]), t).tolist()
    [0.5, -0.4]
    """

    start: Any = "2023-01-01"
    intercept: float = -1.0
    effect_scale: float = 1.0
    ramp_days: float = 0.0

    def weight(self, made_at: pd.DatetimeIndex) -> np.ndarray:
        """0 before ``start``, 1 from ``start + ramp_days`` on, linear in between."""
        start = pd.Timestamp(self.start)
        start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
        days = np.asarray((pd.DatetimeIndex(made_at) - start) / pd.Timedelta(days=1), float)
        if self.ramp_days <= 0:
            return (days >= 0).astype(float)
        return np.clip(days / self.ramp_days, 0.0, 1.0)

    def shift(
        self, logit: np.ndarray, unobserved: np.ndarray, made_at: pd.DatetimeIndex
    ) -> np.ndarray:
        """The drifted log-odds; ``unobserved`` is the part of ``logit`` no feature shows."""
        w = self.weight(made_at)
        observable = logit - unobserved
        return logit + w * (self.intercept + (self.effect_scale - 1.0) * observable)
