"""Kept for :mod:`credscore.features._history_compute`, which imports ``HistoryArrays`` here.

The history inputs are checked by the one validator (:mod:`credscore.schema`) and converted by
:mod:`credscore.features._history_arrays`; import from there.
"""

from credscore.features._history_arrays import HistoryArrays

__all__ = ["HistoryArrays"]
