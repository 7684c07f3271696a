"""Feature families: point-in-time history, scope qualifiers, official rank, context type.

Each family is a module of its own, importable alone; :class:`FeatureExtractor` combines them.
"""

from credscore.features.context import context_features, load_context_table
from credscore.features.extractor import FAMILIES, FeatureExtractor, extract_features
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
    resolve_rank,
)

__all__ = [
    "FAMILIES",
    "QUALIFIER_CATEGORIES",
    "FeatureExtractor",
    "Qualifier",
    "Rank",
    "context_features",
    "describe_history",
    "describe_rank",
    "extract_features",
    "find_qualifiers",
    "history_features",
    "load_context_table",
    "load_lexicon",
    "load_rank_table",
    "population_rates",
    "qualifier_features",
    "rank_features",
    "resolve_rank",
]
