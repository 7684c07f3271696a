"""Bad inputs, as a careless user or a hostile file would give them, through the API.

Each case must raise ``SchemaError`` (exit 2 through the CLI) whose problem names the table,
the column and the offending rows, in a message line that also says the fix. Accepted inputs
must keep every row, in input order.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from credscore import Tables, read_tables, validate_tables, write_tables
from credscore.cli import main
from credscore.exceptions import ParameterError, SchemaError
from credscore.schema import combine_tables


def _st(**columns) -> pd.DataFrame:
    base = {
        "statement_id": ["s1", "s2", "s3"],
        "source_id": ["a", "a", "b"],
        "text": ["one", "two", "three"],
        "made_at": ["2024-01-01", "2024-01-02", "2024-01-03"],
    }
    return pd.DataFrame({**base, **columns})


def _ev(**columns) -> pd.DataFrame:
    base = {
        "event_id": ["e1", "e2"],
        "statement_id": ["s1", "s2"],
        "kind": ["retraction", "correction"],
        "at": ["2024-02-01", "2024-02-02"],
    }
    return pd.DataFrame({**base, **columns})


SRC = pd.DataFrame({"source_id": ["a", "b"], "title": ["Colonel", "Minister"]})


def _dup_columns() -> pd.DataFrame:
    st = _st()
    st.insert(3, "extra", ["x", "y", "z"])
    st.columns = ["statement_id", "source_id", "text", "text", "made_at"]
    return st


def _surrogate() -> pd.DataFrame:
    return _st(text=pd.Series(["one", "bad \udcff byte", "three"], dtype=object))


# name: (call, table, column, rows named (in order), a word of the fix)
CASES: dict[str, tuple[Callable[[], object], str, str | None, list[str], str]] = {
    "epoch seconds, no unit": (
        lambda: validate_tables(_st(made_at=[1704067200, 1704153600, 1704240000])),
        "statements",
        "made_at",
        ["s1", "s2", "s3"],
        "time_unit='s'",
    ),
    "epoch floats in events, no unit": (
        lambda: validate_tables(_st(), SRC, _ev(at=[1706745600.5, 1706832000.0])),
        "events",
        "at",
        ["e1", "e2"],
        "time_unit",
    ),
    "epoch digits as text (CSV), no unit": (
        lambda: validate_tables(_st(made_at=["2024-01-01", "1704153600", "2024-01-03"])),
        "statements",
        "made_at",
        ["s2"],
        "time_unit",
    ),
    "epoch milliseconds read as seconds": (
        lambda: validate_tables(_st(made_at=[1704067200000] * 3), time_unit="s"),
        "statements",
        "made_at",
        ["s1", "s2", "s3"],
        "check the unit",
    ),
    "year 1500": (
        lambda: validate_tables(_st(made_at=["1500-01-01", "2024-01-02", "2024-01-03"])),
        "statements",
        "made_at",
        ["s1"],
        "1677-09-21",
    ),
    "year 2999 in label_at": (
        lambda: validate_tables(_st(label_at=[None, "2999-01-01", None])),
        "statements",
        "label_at",
        ["s2"],
        "2262-04-11",
    ),
    "year 1500 as a datetime64[s] column": (
        lambda: validate_tables(_st(made_at=np.array(["1500-01-01"] * 3, dtype="M8[s]"))),
        "statements",
        "made_at",
        ["s1", "s2", "s3"],
        "typo",
    ),
    "not a timestamp": (
        lambda: validate_tables(_st(made_at=["2024-01-01", "yesterday", "2024-01-03"])),
        "statements",
        "made_at",
        ["s2"],
        "ISO 8601",
    ),
    "boolean timestamps": (
        lambda: validate_tables(_st(), SRC, _ev(at=[True, False])),
        "events",
        "at",
        ["e1", "e2"],
        "ISO 8601",
    ),
    "aware and naive in one column": (
        lambda: validate_tables(_st(made_at=["2024-01-01T10:00+02:00", "2024-01-02", None])),
        "statements",
        "made_at",
        ["s2"],
        "explicit offset",
    ),
    "missing made_at": (
        lambda: validate_tables(_st(made_at=["2024-01-01", None, "  "])),
        "statements",
        "made_at",
        ["s2", "s3"],
        "required",
    ),
    "duplicate statement ids": (
        lambda: validate_tables(_st(statement_id=["s1", "s1", "s3"])),
        "statements",
        "statement_id",
        ["s1", "s1"],
        "own id",
    ),
    "missing statement id": (
        lambda: validate_tables(_st(statement_id=["s1", None, "s3"])),
        "statements",
        "statement_id",
        ["#1"],
        "give every row an id",
    ),
    "empty statement id": (
        lambda: validate_tables(_st(statement_id=["s1", "", "s3"])),
        "statements",
        "statement_id",
        ["#1"],
        "non-empty",
    ),
    "an id that is no id": (
        lambda: validate_tables(_st(), SRC, _ev(event_id=["e1", b"e2"])),
        "events",
        "event_id",
        ["#1"],
        "text or whole numbers",
    ),
    "ids kept byte for byte do not join": (
        lambda: validate_tables(_st(source_id=["a ", "a", "b"]), SRC),
        "statements",
        "source_id",
        ["s1"],
        "correct the ids",
    ),
    "duplicate column names": (
        lambda: validate_tables(_dup_columns()),
        "statements",
        "text",
        [],
        "rename or drop",
    ),
    "missing required column": (
        lambda: validate_tables(_st(), SRC, _ev().drop(columns="kind")),
        "events",
        "kind",
        [],
        "add the column",
    ),
    "sources is not a DataFrame": (
        lambda: validate_tables(_st(), [["a", "Colonel"]]),  # type: ignore[arg-type]
        "sources",
        None,
        [],
        "pass a DataFrame",
    ),
    "label out of the scale": (
        lambda: validate_tables(_st(label=[1, 7, 0])),
        "statements",
        "label",
        ["s2"],
        "map your verdict scale",
    ),
    "label as a word": (
        lambda: validate_tables(_st(label=["true", "maybe", None])),
        "statements",
        "label",
        ["s2"],
        "map your verdict scale",
    ),
    "text that is a number": (
        lambda: validate_tables(_st(text=["one", 2, None])),
        "statements",
        "text",
        ["s2"],
        "as a string",
    ),
    "text that is not valid Unicode": (
        lambda: validate_tables(_surrogate()),
        "statements",
        "text",
        ["s2"],
        "UTF-8",
    ),
    "unknown event kind": (
        lambda: validate_tables(_st(), SRC, _ev(kind=["retraction", "denial"])),
        "events",
        "kind",
        ["e2"],
        "use one of",
    ),
    "missing event kind": (
        lambda: validate_tables(_st(), SRC, _ev(kind=[None, "correction"])),
        "events",
        "kind",
        ["e1"],
        "give every event its kind",
    ),
    "event of an unknown statement": (
        lambda: validate_tables(_st(), SRC, _ev(statement_id=["s1", "s9"])),
        "events",
        "statement_id",
        ["e2"],
        "remove these events",
    ),
    "event before its statement": (
        lambda: validate_tables(_st(), SRC, _ev(at=["2023-12-01", "2024-02-02"])),
        "events",
        "at",
        ["e1"],
        "check the dates",
    ),
    "verdict before its statement": (
        lambda: validate_tables(_st(label=[1, 0, 1], label_at=["2023-01-01", None, None])),
        "statements",
        "label_at",
        ["s1"],
        "leave label_at empty",
    ),
    "duplicate source ids": (
        lambda: validate_tables(_st(), pd.concat([SRC, SRC.iloc[:1]], ignore_index=True)),
        "sources",
        "source_id",
        ["a", "a"],
        "own id",
    ),
    "unknown source": (
        lambda: validate_tables(_st(source_id=["a", "zz", "b"]), SRC),
        "statements",
        "source_id",
        ["s2"],
        "add these sources",
    ),
    "event id in both scored and history tables": (
        lambda: combine_tables(
            validate_tables(_st(), SRC, _ev()),
            validate_tables(
                _st(statement_id=["h1", "h2", "h3"]), SRC, _ev(statement_id=["h1", "h2"])
            ),
        ),
        "events",
        "event_id",
        ["e1", "e2"],
        "their own ids",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_a_schema_error_naming_where_and_how(case):
    call, table, column, rows, fix = CASES[case]
    with pytest.raises(SchemaError) as info:
        call()
    err = info.value
    assert isinstance(err, ValueError)
    found = [p for p in err.problems if p["table"] == table and p["column"] == column]
    assert found, err.problems
    p = found[0]
    assert p["rows"] == rows and p["n_rows"] == len(rows)
    assert fix in p["fix"] or fix in p["what"]
    where = f"table '{table}'" + (f", column '{column}'" if column else "")
    (line,) = [x for x in str(err).splitlines() if x.startswith(f"- {where}") and p["what"] in x]
    assert "Fix: " in line
    for r in rows:
        assert (r if r.startswith("#") else repr(r)) in line


def test_there_are_enough_distinct_cases():
    assert len(CASES) >= 25


def test_aware_and_naive_columns_are_not_mixed():
    with pytest.raises(SchemaError) as info:
        validate_tables(_st(), SRC, _ev(at=["2024-02-01T00:00Z", "2024-02-02T00:00Z"]))
    (p,) = info.value.problems
    assert p["check"] == "mixed_timezones" and p["table"] == "statements"
    assert "statements.made_at" in str(info.value) and "events.at" in str(info.value)


def test_a_bad_time_unit_is_a_parameter_error():
    with pytest.raises(ParameterError, match="'D', 's', 'ms', 'us', 'ns'"):
        validate_tables(_st(), time_unit="seconds")


# ---------------------------------------------------------------- files, and the CLI
def _dir_with(tmp_path, name: str, content: str):
    (tmp_path / "sources.csv").write_text("source_id\na\n")
    (tmp_path / name).write_text(content)
    return tmp_path


FILE_CASES = {
    "epoch numbers in JSONL": (
        "statements.jsonl",
        '{"statement_id": "s1", "source_id": "a", "text": "x", "made_at": 1714521600}\n',
        "column 'made_at'",
    ),
    "duplicate CSV header": (
        "statements.csv",
        "statement_id,source_id,text,made_at,text\ns1,a,x,2024-01-01,y\n",
        "column 'text'",
    ),
    "near-miss file name": (
        "Statements.CSV",
        "statement_id,source_id,text,made_at\ns1,a,x,2024-01-01\n",
        "'Statements.CSV'",
    ),
    "year 2999 in CSV": (
        "statements.csv",
        "statement_id,source_id,text,made_at\ns1,a,x,2999-01-01\n",
        "outside the supported range",
    ),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_files_are_schema_errors_and_exit_2(case, tmp_path, capsys):
    name, content, must = FILE_CASES[case]
    folder = _dir_with(tmp_path, name, content)
    with pytest.raises(SchemaError, match=must.replace("(", r"\(")):
        read_tables(folder)
    code = main(["score", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and must in err and "Fix:" in err and "Traceback" not in err


# ---------------------------------------------------------------- accepted inputs
ACCEPTED = {
    "epoch seconds with their unit": (_st(made_at=[1704067200, 1704153600, 1704240000]), "s"),
    "epoch digits as text with their unit": (_st(made_at=["1704067200"] * 3), "s"),
    "epoch days": (
        _st(made_at=[19723.0, 19724.5, np.nan]).assign(made_at=[19723, 19724, 19725]),
        "D",
    ),
    "ids with spaces, kept": (_st(statement_id=[" s1", "s1 ", "s1"]), None),
    "integer and string ids": (_st(statement_id=pd.Series([1, "2", 3.0], dtype=object)), None),
    "text with carriage returns and NUL": (_st(text=["a\rb", "c\n\0", '"q",']), None),
    "other spellings of dates": (_st(made_at=["May 1, 2024", "2024-05-02", "3 May 2024"]), None),
    "naive datetimes": (
        _st(made_at=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])),
        None,
    ),
    "aware datetimes in a zone, seconds": (
        _st(
            made_at=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])
            .tz_localize("Asia/Kolkata")
            .astype("datetime64[s, Asia/Kolkata]")
        ),
        None,
    ),
    "categorical ids": (_st(statement_id=pd.Categorical(["s3", "s1", "s2"])), None),
    "label spellings": (_st(label=[True, "0", " 1 "]), None),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_inputs_keep_every_row_in_order(case):
    statements, unit = ACCEPTED[case]
    shuffled = statements.iloc[[2, 0, 1]].set_axis(["x", "y", "z"])
    out = validate_tables(shuffled, time_unit=unit).statements
    assert len(out) == 3
    want = [str(int(v)) if isinstance(v, float) else str(v) for v in shuffled["statement_id"]]
    assert out["statement_id"].tolist() == want
    assert out["made_at"].notna().all()


def test_accepted_tables_survive_a_round_trip_row_for_row(tmp_path):
    t = validate_tables(_st(statement_id=[" s1", "s1 ", "s\r1"], text=["a\rb", "", "c"]), SRC)
    write_tables(t, tmp_path)
    back = read_tables(tmp_path)
    pd.testing.assert_frame_equal(back.statements, t.statements)
    assert isinstance(back, type(t)) and isinstance(t, Tables)
