"""Loaders for public fact-checking corpora (LIAR, LIAR2) as credscore tables.

The corpora are research data and are never shipped: point the loaders at them with
``path=...`` or the ``CREDSCORE_DATASETS`` environment variable (one sub-folder per corpus).
History stays point-in-time: see :func:`load_liar` (seeded pseudo-order, LIAR has no dates)
and :func:`load_liar2` (statement dates). Label-leaking columns are dropped.
:func:`simulate` (from :mod:`credscore.datasets.simulator`) makes synthetic corpora with a
known true probability per statement, optionally with injected :class:`Drift`.
"""

from credscore.datasets._drift import Drift
from credscore.datasets._liar import load_liar, read_liar_tsv
from credscore.datasets._liar2 import load_liar2, read_liar2_csv
from credscore.datasets._liar_common import BINARY_OF_LABEL6, LABEL6
from credscore.datasets._paths import (
    CorpusNotFoundError,
    corpus_available,
    default_data_dir,
    resolve_corpus_dir,
)
from credscore.datasets.simulator import simulate

__all__ = [
    "BINARY_OF_LABEL6",
    "LABEL6",
    "CorpusNotFoundError",
    "Drift",
    "corpus_available",
    "default_data_dir",
    "load_liar",
    "load_liar2",
    "read_liar2_csv",
    "read_liar_tsv",
    "resolve_corpus_dir",
    "simulate",
]
