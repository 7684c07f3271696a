"""Tests of credscore.schema: validation, normalisation and the error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from credscore import Tables, validate_tables
from credscore.exceptions import SchemaError


def _st(**overrides):
    base = {
        "statement_id": ["s1", "s2", "s3"],
        "source_id": ["a", "a", "b"],
        "text": ["one", "two", "three"],
        "made_at": ["2024-01-01", "2024-01-02", "2024-01-03"],
    }
    base.update(overrides)
    return pd.DataFrame(base)


SRC = pd.DataFrame({"source_id": ["a", "b"], "title": ["Colonel", None]})


def test_valid_tables_are_normalised():
    t = validate_tables(_st(label=[1, "0", None]), SRC)
    st = t.statements
    assert str(st["made_at"].dtype) == "datetime64[ns, UTC]"
    assert st["label"].tolist()[:2] == [1.0, 0.0] and np.isnan(st["label"].iloc[2])
    assert list(st["statement_id"]) == ["s1", "s2", "s3"]
    assert list(t.events.columns)[:4] == ["event_id", "statement_id", "kind", "at"]


def test_missing_column_is_named():
    with pytest.raises(SchemaError) as err:
        validate_tables(_st().drop(columns="text"), SRC)
    assert "column 'text'" in str(err.value) and "is missing" in str(err.value)
    assert err.value.problems[0]["column"] == "text"


def test_duplicate_ids_name_the_rows():
    with pytest.raises(SchemaError) as err:
        validate_tables(_st(statement_id=["s1", "s1", "s3"]), SRC)
    msg = str(err.value)
    assert "duplicate ids" in msg and "'s1'" in msg and "statement_id" in msg


def test_unknown_source_names_the_rows_and_ids():
    with pytest.raises(SchemaError) as err:
        validate_tables(_st(source_id=["a", "zz", "b"]), SRC)
    msg = str(err.value)
    assert "column 'source_id'" in msg and "'s2'" in msg and "zz" in msg
    assert "Fix:" in msg


def test_all_problems_reported_at_once():
    bad = _st(
        made_at=["2024-01-01", "not a date", "2024-01-03"], label=[1, 7, None], text=["ok", 5, None]
    )
    with pytest.raises(SchemaError) as err:
        validate_tables(bad, SRC)
    checks = {(p["column"], p["check"].split(" ")[0]) for p in err.value.problems}
    assert {c for c, _ in checks} >= {"made_at", "label", "text"}


def test_event_problems():
    ev = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "statement_id": ["s1", "nope", "s2"],
            "kind": ["retraction", "confirmation", "denial"],
            "at": ["2023-12-01", "2024-02-01", "2024-02-01"],
        }
    )
    with pytest.raises(SchemaError) as err:
        validate_tables(_st(), SRC, ev)
    msg = str(err.value)
    assert "'e2'" in msg and "not in the statements table" in msg
    assert "'e3'" in msg and "allowed set" in msg
    assert "'e1'" in msg and "earlier than the statement" in msg


def test_mixed_timezones_rejected():
    st = _st(made_at=["2024-01-01T10:00:00+02:00", "2024-01-02", "2024-01-03"])
    with pytest.raises(SchemaError) as err:
        validate_tables(st, SRC)
    assert "timezone-aware and naive" in str(err.value)
    assert "'s2'" in str(err.value)


def test_aware_timestamps_converted_to_utc():
    st = _st(
        made_at=["2024-01-01T10:00:00+02:00", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00-05:00"]
    )
    t = validate_tables(st, SRC)
    assert t.statements["made_at"].iloc[0] == pd.Timestamp("2024-01-01T08:00:00", tz="UTC")


def test_integer_ids_become_strings_and_missing_text_empty():
    st = _st(statement_id=[1, 2, 3], text=["a", None, np.nan])
    t = validate_tables(st, SRC)
    assert t.statements["statement_id"].tolist() == ["1", "2", "3"]
    assert t.statements["text"].tolist() == ["a", "", ""]


def test_sources_derived_when_omitted():
    t = validate_tables(_st())
    assert sorted(t.sources["source_id"]) == ["a", "b"]
    assert t.sources["title"].isna().all()


def test_input_not_mutated_and_tables_accepted():
    st = _st()
    before = st.copy()
    validate_tables(Tables(statements=st, sources=SRC))
    pd.testing.assert_frame_equal(st, before)


def test_not_a_dataframe():
    with pytest.raises(SchemaError, match="not a pandas DataFrame"):
        validate_tables([1, 2, 3])  # type: ignore[arg-type]


def test_all_missing_naive_column_does_not_clash_with_aware_times():
    st = _st(made_at=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True))
    st["label_at"] = pd.NaT  # a naive datetime64 column holding no value
    t = validate_tables(st, SRC)
    assert t.statements["label_at"].isna().all()


# ---------------------------------------------------------------- one pass, and combining
def test_validated_tables_pass_as_they_are_and_cannot_be_forged():
    t = validate_tables(_st(), SRC)
    assert validate_tables(t) is t and validate_tables(t, None, None) is t
    from credscore.schema import ValidatedTables

    with pytest.raises(TypeError, match="validate_tables"):
        ValidatedTables(t.statements, t.sources, t.events)


def test_combine_tables_keeps_merge_history_semantics():
    """Scored statement wins a shared id (the history's events stay, on the scored copy);
    scored sources win field by field; rows point at the scored statements in order."""
    from credscore.features.history import history_arrays
    from credscore.schema import combine_tables

    scored = validate_tables(
        _st(statement_id=["s2", "s3", "s4"]),
        SRC.assign(title=["Scored colonel", None]),
        pd.DataFrame(
            {
                "event_id": ["x1"],
                "statement_id": ["s4"],
                "kind": ["retraction"],
                "at": ["2024-02-01"],
            }
        ),
    )
    history = validate_tables(
        _st(statement_id=["s1", "s2", "h3"], source_id=["a", "a", "c"]),
        pd.DataFrame({"source_id": ["a", "c"], "title": ["History colonel", "Major"]}),
        pd.DataFrame(
            {
                "event_id": ["h1", "h2"],
                "statement_id": ["s1", "s2"],
                "kind": ["correction"] * 2,
                "at": ["2024-01-05", "2024-01-06"],
            }
        ),
    )
    both, rows = combine_tables(scored, history)
    assert both.statements["statement_id"].tolist() == ["s1", "h3", "s2", "s3", "s4"]
    assert rows.tolist() == [2, 3, 4]
    assert both.events["event_id"].tolist() == ["h1", "h2", "x1"]  # h2 moves onto scored s2
    assert both.sources["source_id"].tolist() == ["a", "b", "c"]
    titles = both.sources["title"]
    assert titles.iloc[0] == "Scored colonel" and pd.isna(titles.iloc[1])
    assert titles.iloc[2] == "Major"
    assert history_arrays(both).ev_stmt.tolist() == [0, 2, 4]
    again = validate_tables(Tables(both.statements, both.sources, both.events))
    assert history_arrays(again).ev_stmt.tolist() == [0, 2, 4]
    assert combine_tables(scored, None)[1].tolist() == [0, 1, 2]


def test_combine_tables_fills_derived_sources_from_the_history():
    """Scored statements given without a sources table still read the history's titles."""
    from credscore.schema import combine_tables

    scored = validate_tables(_st(statement_id=["n1", "n2", "n3"]))  # sources derived: no titles
    history = validate_tables(_st(), SRC)
    both, _ = combine_tables(scored, history)
    titles = dict(zip(both.sources["source_id"], both.sources["title"], strict=True))
    assert titles["a"] == "Colonel" and pd.isna(titles["b"])


def test_combine_tables_scored_event_wins_a_shared_event_id():
    from credscore.schema import combine_tables

    ev = pd.DataFrame(
        {"event_id": ["e1"], "statement_id": ["s1"], "kind": ["retraction"], "at": ["2024-01-05"]}
    )
    scored = validate_tables(_st(), SRC, ev.assign(kind="correction"))
    history = validate_tables(_st(), SRC, ev)
    both, _ = combine_tables(scored, history)
    assert both.events["kind"].tolist() == ["correction"]


def test_a_frame_sorted_in_place_after_validation_is_not_misread():
    """The positions the validator computed are used only while the frames hold the arrays
    they were computed from."""
    from credscore.features.history import history_arrays

    ev = pd.DataFrame(
        {"event_id": ["e1"], "statement_id": ["s1"], "kind": ["correction"], "at": ["2024-02-01"]}
    )
    t = validate_tables(_st(statement_id=["s3", "s2", "s1"]), SRC, ev)
    assert history_arrays(t).ev_stmt.tolist() == [2]
    t.statements.sort_values("statement_id", inplace=True, ignore_index=True)
    assert history_arrays(t).ev_stmt.tolist() == [0]


@pytest.mark.parametrize("validated", [False, True])
def test_history_for_keeps_the_scored_sources_record_and_shared_ids(validated):
    """Only the scored sources' statements (with their events) and the statements sharing an
    id with a scored one stay; other sources' rows go. Both the indexed path (a validated
    history, reused) and the plain one."""
    from credscore import Tables
    from credscore.schema import history_for

    st = pd.DataFrame(
        {
            "statement_id": ["h1", "h2", "s1", "h3", "h4", "h5"],
            "source_id": ["a", "b", "b", "b", "c", "c"],
            "text": "",
            "made_at": [f"2024-01-0{d}" for d in range(1, 7)],
        }
    )
    ev = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "statement_id": ["h1", "s1", "h4"],
            "kind": ["retraction", "correction", "retraction"],
            "at": ["2024-02-01"] * 3,
        }
    )
    src = pd.DataFrame({"source_id": ["a", "b", "c"], "title": ["Colonel", "Mayor", None]})
    history = validate_tables(st, src, ev) if validated else Tables(st, src, ev)
    scored = validate_tables(
        pd.DataFrame(
            {"statement_id": ["s1"], "source_id": ["a"], "text": "", "made_at": ["2024-03-01"]}
        )
    )
    kept = history_for(scored, history)
    assert kept.statements["statement_id"].tolist() == ["h1", "s1"]
    assert kept.events["event_id"].tolist() == ["e1", "e2"]
    assert kept.sources["source_id"].tolist() == ["a"]
    assert history_for(scored, None) is None
