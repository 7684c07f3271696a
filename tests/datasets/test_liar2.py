"""Tests for credscore.datasets.load_liar2: synthetic files always, the real corpus when present.

Synthetic rows are invented here; no row of the research corpus is copied into the project.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from credscore.datasets import (
    LABEL6,
    CorpusNotFoundError,
    corpus_available,
    default_data_dir,
    load_liar2,
    read_liar2_csv,
)
from credscore.datasets._liar2 import LIAR2_COLUMNS, LIAR2_DROPPED


def write(path, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(LIAR2_COLUMNS)
    for r in rows:
        writer.writerow(r)
    path.write_text(buf.getvalue())


def rec(i, label, date, speaker="Jane Doe", desc="Jane Doe is the mayor.", text="A claim."):
    counts = ["1", "2", "3", "4", "5", "6"]
    return [
        i,
        label,
        text,
        date,
        "taxes;economy",
        speaker,
        desc,
        "ohio",
        *counts,
        "a tweet",
        "We rate it",
    ]


@pytest.fixture
def corpus(tmp_path):
    rows = [
        rec(1, 5, "May 1, 2020"),
        rec(2, 0, "May 1, 2020", text='Said "no", then "yes'),
        rec(3, 3, "January 9, 2008", speaker="John Roe ", desc=""),
        rec(4, 2, "July 4, 2023", speaker="john roe", desc="A senator."),
        rec(5, 4, "July 4, 2023", speaker="Facebook posts", desc="Posters on Facebook."),
    ]
    write(tmp_path / "valid.csv", rows)
    return tmp_path


def test_tables(corpus):
    t = load_liar2(corpus)
    st = t.statements.set_index("statement_id")
    assert list(st.index) == [f"liar2:{i}" for i in range(1, 6)]
    assert st["label"].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert st["label6"].tolist() == [
        "true",
        "pants-fire",
        "half-true",
        "barely-true",
        "mostly-true",
    ]
    assert st.loc["liar2:2", "text"] == 'Said "no", then "yes'
    assert st.loc["liar2:1", "made_at"] == pd.Timestamp("2020-05-01", tz="UTC")
    assert st["label_at"].isna().all(), "verdict known from made_at on"
    assert str(st["made_at"].dtype) == "datetime64[ns, UTC]"
    assert st.loc["liar2:1", "topic"] == "taxes;economy"
    assert (st["split"] == "valid").all() and t.events.empty


def test_leaky_columns_dropped(corpus):
    t = load_liar2(corpus)
    for table in (t.statements, t.sources):
        assert not set(LIAR2_DROPPED) & set(table.columns)
        assert not [c for c in table.columns if "count" in c or "justif" in c]


def test_speaker_slugs_and_sources(corpus):
    t = load_liar2(corpus)
    assert t.statements["source_id"].tolist()[2:] == ["john-roe", "john-roe", "facebook-posts"]
    src = t.sources.set_index("source_id")
    assert set(src.index) == set(t.statements["source_id"]) and src.index.is_unique
    assert src.loc["john-roe", "title"] == "A senator.", "empty descriptions are ignored"
    assert src.loc["facebook-posts", "source_type"] == "anonymous"
    assert src.loc["jane-doe", "n_statements"] == 2


def test_bad_rows_are_kept_and_reported(tmp_path):
    rows = [rec(1, 5, "May 1, 2020"), rec(2, 9, "May 1, 2020"), rec(3, 1, "sometime")]
    write(tmp_path / "valid.csv", rows)
    with open(tmp_path / "valid.csv", "a") as fh:
        fh.write("4,1,Short row\n")
        fh.write('5,1,Too,"May 2, 2020",x,y,z,w,1,2,3,4,5,6,ctx,just,extra,more\n')
    with pytest.warns(UserWarning, match="did not parse cleanly"):
        st = load_liar2(tmp_path).statements.set_index("statement_id")
    assert len(st) == 5
    issue = st["parse_issue"]
    assert pd.isna(issue["liar2:1"])
    assert "bad_label" in issue["liar2:2"] and pd.isna(st.loc["liar2:2", "label"])
    assert "bad_date" in issue["liar2:3"] and pd.isna(st.loc["liar2:3", "made_at"])
    assert "missing_fields" in issue["liar2:4"]
    assert "extra_fields" in issue["liar2:5"] and st.loc["liar2:5", "context"] == "ctx"


def test_read_liar2_csv_keeps_strings(tmp_path):
    write(tmp_path / "valid.csv", [rec("007", 1, "May 1, 2020")])
    df = read_liar2_csv(tmp_path / "valid.csv")
    assert df["id"].tolist() == ["007"] and df["parse_issue"].isna().all()


def test_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="CREDSCORE_DATASETS"):
        load_liar2(tmp_path)
    write(tmp_path / "valid.csv", [rec(1, 5, "May 1, 2020")])
    with pytest.raises(CorpusNotFoundError, match="train"):
        load_liar2(tmp_path, splits=("train", "valid"))
    assert len(load_liar2(tmp_path, splits=None).statements) == 1


# --------------------------------------------------------------------- the real corpus
@pytest.fixture(scope="module")
def liar2():
    if not corpus_available("liar2"):
        pytest.skip(f"LIAR2 not found at {default_data_dir() / 'liar2'}; set CREDSCORE_DATASETS")
    return load_liar2()


@pytest.mark.corpus
def test_real_counts_labels_dates(liar2):
    st = liar2.statements
    assert len(st) == 2297 and st["statement_id"].is_unique
    assert st["label6"].isin(LABEL6).all() and st["label"].isin([0.0, 1.0]).all()
    assert st["made_at"].notna().all()
    assert st["made_at"].dt.year.between(2007, 2023).all()
    assert st["parse_issue"].notna().sum() == 0


@pytest.mark.corpus
def test_real_no_leaks_and_sources(liar2):
    st = liar2.statements
    assert not set(LIAR2_DROPPED) & set(st.columns)
    assert set(st["source_id"]) == set(liar2.sources["source_id"])
    assert liar2.sources["source_id"].is_unique
