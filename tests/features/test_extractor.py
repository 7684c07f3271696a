"""Tests of FeatureExtractor (credscore/features/extractor.py): it reads the declarations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from credscore import FeatureExtractor, extract_features
from credscore.features import FAMILIES, RAW_COUNT_COLUMNS
from credscore.schema import validate_tables


def test_init_only_stores_and_fit_returns_self(small_tables):
    ext = FeatureExtractor(families=("rank",), exclude=("rank_known",))
    assert ext.get_params()["families"] == ("rank",)
    assert not hasattr(ext, "feature_names_out_")
    assert ext.fit(small_tables) is ext
    assert list(ext.get_feature_names_out()) == [
        "rank_family",
        "rank_level",
        "rank_is_head",
        "rank_is_spokesperson",
    ]


def test_columns_follow_family_order_whatever_the_order_asked(small_tables):
    a = FeatureExtractor(families=("context", "history")).fit_transform(small_tables)
    b = FeatureExtractor(families=("history", "context")).fit_transform(small_tables)
    assert list(a.columns) == list(b.columns)
    assert str(a.columns[0]).startswith("hist_") and str(a.columns[-1]).startswith("ctx_")


def test_unknown_family_and_bad_exclusions_are_named(small_tables):
    with pytest.raises(ValueError, match="unknown feature family 'rumour'"):
        FeatureExtractor(families=("rumour",)).fit(small_tables)
    with pytest.raises(ValueError, match=r"exclude: \['q_typo'\]"):
        FeatureExtractor(exclude=("q_typo",)).fit(small_tables)


def test_exclude_raw_counts_reads_the_declarations(small_tables):
    ext = FeatureExtractor(exclude_raw_counts=True).fit(small_tables)
    assert not set(RAW_COUNT_COLUMNS) & set(ext.feature_names_out_)
    assert {c.name for c in ext.columns_ if c.raw_count} == set(RAW_COUNT_COLUMNS)


def test_one_extraction_keeps_excluded_columns_for_wording(small_tables):
    """The model sees the kept columns; the frame keeps every declared one (for reasons)."""
    t = validate_tables(small_tables)
    ext = FeatureExtractor(exclude_raw_counts=True).fit_tables(t)
    out = ext.extract(t, np.arange(len(t.statements)), details=True)
    assert list(out.features.columns) == list(ext.feature_names_out_)
    assert set(RAW_COUNT_COLUMNS) <= set(out.frame.columns)
    assert set(out.outputs) == set(FAMILIES)
    assert out.outputs["qualifiers"].details is not None


def test_groups_map_every_kept_column_once(small_tables):
    ext = FeatureExtractor().fit(small_tables)
    groups = ext.groups()
    assert list(groups) == ["retractions", "record", "verdicts", "qualifiers", "rank", "context"]
    cols = [c for _, (_, cs) in groups.items() for c in cs]
    assert sorted(cols) == sorted(ext.feature_names_out_)


def test_state_round_trip_gives_the_same_features(small_tables):
    ext = FeatureExtractor(prior_strength=2.0).fit(small_tables)
    again = FeatureExtractor(prior_strength=2.0).set_state(ext.get_state())
    pd.testing.assert_frame_equal(again.transform(small_tables), ext.transform(small_tables))
    assert again.data_hashes() == ext.data_hashes()
    assert set(ext.data_hashes()) == {"qualifier_lexicon", "rank_table", "context_table"}


def test_bad_parameters_are_refused_at_fit(small_tables):
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="'prior_strength' parameter"):
        FeatureExtractor(prior_strength=0).fit(small_tables)


def test_extract_features_validates_once_and_keeps_order(small_tables):
    st = small_tables.statements.iloc[::-1]
    out = extract_features(st, small_tables.sources, small_tables.events)
    assert out.index.tolist() == st["statement_id"].astype(str).tolist()


def test_not_a_scikit_learn_estimator():
    from sklearn.utils import get_tags

    with pytest.raises(TypeError, match="not a scikit-learn estimator"):
        get_tags(FeatureExtractor())
