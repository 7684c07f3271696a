"""Feature families: point-in-time history, scope qualifiers, official rank, context, text.

Each family is one :class:`FeatureFamily` (``_<family>_family.py``) over its own computation
module (``history``, ``qualifiers``, ``rank``, ``context``), registered in
:data:`FAMILY_CLASSES`; :class:`FeatureExtractor` combines the families in use and reads their
declarations (:class:`Column`: group, monotone direction, kind, raw count).
"""

from credscore.features._context_family import ContextFamily
from credscore.features._family import Baseline, Column, FamilyOutput, FeatureFamily, Slice
from credscore.features._history_family import RAW_COUNT_COLUMNS, HistoryFamily
from credscore.features._qualifiers_family import QualifierFamily
from credscore.features._rank_family import RankFamily
from credscore.features._registry import (
    DEFAULT_FAMILIES,
    FAMILY_CLASSES,
    family_class,
    register_family,
)
from credscore.features._text_family import TextFamily
from credscore.features.context import context_features, load_context_table
from credscore.features.extractor import (
    FAMILIES,
    Extraction,
    FeatureExtractor,
    extract_features,
    merge_history,
)
from credscore.features.history import describe_history, history_features, population_rates
from credscore.features.qualifiers import (
    QUALIFIER_CATEGORIES,
    Qualifier,
    find_qualifiers,
    load_lexicon,
    qualifier_features,
)
from credscore.features.rank import (
    Rank,
    describe_rank,
    load_rank_table,
    rank_features,
    rank_frame,
    resolve_rank,
    resolve_ranks,
)

__all__ = [
    "DEFAULT_FAMILIES",
    "FAMILIES",
    "FAMILY_CLASSES",
    "QUALIFIER_CATEGORIES",
    "RAW_COUNT_COLUMNS",
    "Baseline",
    "Column",
    "ContextFamily",
    "Extraction",
    "FamilyOutput",
    "FeatureExtractor",
    "FeatureFamily",
    "HistoryFamily",
    "Qualifier",
    "QualifierFamily",
    "Rank",
    "RankFamily",
    "Slice",
    "TextFamily",
    "context_features",
    "describe_history",
    "describe_rank",
    "extract_features",
    "family_class",
    "find_qualifiers",
    "history_features",
    "load_context_table",
    "load_lexicon",
    "load_rank_table",
    "merge_history",
    "population_rates",
    "qualifier_features",
    "rank_features",
    "rank_frame",
    "register_family",
    "resolve_rank",
    "resolve_ranks",
]
