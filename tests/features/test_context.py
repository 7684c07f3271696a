"""Tests for credscore.features.context (context-type one-hot features)."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from credscore.exceptions import LexiconError
from credscore.features.context import (
    CONTEXT_COLUMNS,
    context_features,
    context_type,
    load_context_table,
)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("a speech", "speech"),
        ("a floor speech.", "speech"),
        ("the State of the Union address", "speech"),
        ("a news conference", "speech"),
        ("a TV interview", "interview"),
        ("a radio interview", "interview"),
        ('comments on ABC\'s "This Week"', "interview"),
        ("an interview with the Washington Post", "interview"),
        ("a tweet", "social_media"),
        ("a Facebook post", "social_media"),
        ("a Facebook post about a speech", "social_media"),
        ("a chain e-mail", "social_media"),
        ("a viral image", "social_media"),
        ("a campaign ad", "ad"),
        ("a TV ad", "ad"),
        ("a television ad", "ad"),
        ("a video ad", "ad"),
        ("a Facebook ad", "ad"),
        ("a campaign mailer", "ad"),
        ("a campaign video", "ad"),
        ("a debate", "debate"),
        ("a Republican presidential debate in Las Vegas", "debate"),
        ("a press release", "press_release"),
        ("a news release", "press_release"),
        ("a statement", "press_release"),
        ("an op-ed", "written"),
        ("a blog post", "written"),
        ("an email", "written"),
        ("a newsletter", "written"),
        ("the Washington Post", "written"),
        ("Denver", "other"),
        ("", "unknown"),
        ("   ", "unknown"),
        (None, "unknown"),
        (float("nan"), "unknown"),
    ],
)
def test_context_examples(context, expected):
    assert context_type([context]).tolist() == [expected]


def test_columns_match_bundled_table():
    table = load_context_table()
    assert table.columns == CONTEXT_COLUMNS
    X = context_features(pd.Series(["a speech", None]))
    assert tuple(X.columns) == CONTEXT_COLUMNS


def test_one_hot_and_index_alignment():
    contexts = pd.Series(["a tweet", None, "a tweet", "a debate", "Denver"], index=list("edcba"))
    X = context_features(contexts)
    assert X.index.equals(contexts.index)
    assert X.dtypes.eq(np.int8).all()
    assert (X.sum(axis=1) == 1).all(), "exactly one context type per row"
    assert X.loc["e", "ctx_social_media"] == 1 and X.loc["d", "ctx_unknown"] == 1
    assert X.loc["a", "ctx_other"] == 1


def test_empty_input():
    X = context_features(pd.Series([], dtype=object))
    assert X.shape == (0, len(CONTEXT_COLUMNS))


def test_case_whitespace_and_trailing_punctuation_do_not_matter():
    out = context_type(["A  TV AD.", "a tv ad", " a TV ad ;"])
    assert out.nunique() == 1 and out.iloc[0] == "ad"


def test_each_distinct_context_resolved_once(monkeypatch):
    table = load_context_table()
    calls = []
    resolve = type(table).resolve

    def counting(self, text):
        calls.append(text)
        return resolve(self, text)

    monkeypatch.setattr(type(table), "resolve", counting)
    context_features(pd.Series(["a speech"] * 500 + ["A speech."] * 500 + ["a tweet"]), table)
    assert len(calls) == 2


def test_table_hash_is_file_hash():
    raw = resources.files("credscore.features").joinpath("data/contexts.json").read_bytes()

    table = load_context_table()
    assert table.sha256 == hashlib.sha256(raw).hexdigest()
    assert table.manifest_entry()["version"] == json.loads(raw)["version"]


def test_custom_table(tmp_path):
    spec = {
        "version": "9",
        "fallback": "misc",
        "missing": "none",
        "categories": [{"name": "tv", "patterns": ["\\btv\\b"]}],
    }
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(spec))
    X = context_features(["a TV ad", "radio", None], table=path)
    assert list(X.columns) == ["ctx_tv", "ctx_misc", "ctx_none"]
    assert X.to_numpy().tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"version": "1", "fallback": "o", "missing": "u"}, "categories"),
        (
            {"version": "1", "fallback": "o", "missing": "u", "categories": [{"name": "a"}]},
            "patterns",
        ),
        (
            {
                "version": "1",
                "fallback": "o",
                "missing": "u",
                "categories": [{"name": "a", "patterns": ["("]}],
            },
            "invalid pattern",
        ),
        (
            {
                "version": "1",
                "fallback": "a",
                "missing": "u",
                "categories": [{"name": "a", "patterns": ["x"]}],
            },
            "unique",
        ),
        ({"fallback": "o", "missing": "u", "categories": []}, "version"),
    ],
)
def test_malformed_tables_raise_lexicon_error(tmp_path, spec, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(LexiconError, match=message):
        load_context_table(path)


def test_unreadable_table(tmp_path):
    with pytest.raises(LexiconError, match="cannot be read"):
        load_context_table(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(LexiconError, match="JSON"):
        load_context_table(bad)


def test_resolved_contexts_are_remembered_up_to_the_memo_size(monkeypatch):
    """A table remembers the type of each normalised context it resolved (the same answer as
    a fresh table), and never more than MEMO_SIZE of them."""
    import credscore.features._context_table as ctx_table

    monkeypatch.setattr(ctx_table, "MEMO_SIZE", 2)
    table = load_context_table()
    texts = ["a TV interview", "A TV interview.", "a tweet", "a campaign ad", "Denver"]
    first = [table.resolve(t) for t in texts]
    assert len(table._memo) == 2  # "a tv interview" and "a tweet"; then full
    assert table._memo == {"a tv interview": "interview", "a tweet": "social_media"}
    again = [table.resolve(t) for t in texts]
    fresh = [load_context_table().resolve(t) for t in texts]
    assert first == again == fresh == ["interview", "interview", "social_media", "ad", "other"]
    assert table == load_context_table()  # the memo is not part of the table's identity
