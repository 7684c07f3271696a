"""The rank family's per-statement inputs: titles (own, else the source's, else its type) and
hints (the source's organization joined with the statement's context)."""

from __future__ import annotations

import pandas as pd

from credscore import validate_tables
from credscore.features._rank_family import rank_hints, source_titles


def _tables(string_dtype: str | None):
    def col(values):
        return pd.array(values, dtype=string_dtype) if string_dtype else values

    st = pd.DataFrame(
        {
            "statement_id": ["a", "b", "c", "d"],
            "source_id": ["x", "y", "z", "x"],
            "text": ["t"] * 4,
            "made_at": ["2024-01-01"] * 4,
            "title": col([None, "Navy Captain", "", " Major "]),
            "context": col([None, "US Navy", None, " a briefing "]),
        }
    )
    src = pd.DataFrame(
        {
            "source_id": ["x", "y", "z"],
            "title": col(["Colonel", None, ""]),
            "organization": col([None, "Navy", None]),
            "source_type": ["person", None, "anonymous"],
        }
    )
    return validate_tables(st, src)


def _plain(values) -> list:
    return [None if pd.isna(v) else v for v in values]


def test_titles_fall_back_from_the_statement_to_the_source_to_its_type():
    for dtype in (None, "string", "str"):  # pd.NA-holding columns included
        titles = _plain(source_titles(_tables(dtype)))
        assert titles == ["Colonel", "Navy Captain", "anonymous", " Major "], dtype


def test_hints_join_organization_and_context_and_missing_is_none():
    for dtype in (None, "string", "str"):
        assert _plain(rank_hints(_tables(dtype))) == [None, "Navy US Navy", None, "a briefing"]
