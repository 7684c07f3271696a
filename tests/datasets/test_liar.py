"""Tests for credscore.datasets.load_liar: synthetic files always, the real corpus when present.

Synthetic rows are invented here; no row of the research corpus is copied into the project.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from credscore import Tables
from credscore.datasets import (
    CorpusNotFoundError,
    corpus_available,
    default_data_dir,
    load_liar,
    read_liar_tsv,
)

LEAKY = ("count", "barely_true", "pants_fire", "half_true", "mostly_true")


def row(i, label="true", speaker="jane-doe", text="A claim.", title="Mayor", context="a speech"):
    fields = [f"{i}.json", label, text, "taxes,economy", speaker, title, "Ohio", "democrat"]
    return "\t".join([*fields, "1", "2", "3", "4", "5", context]) + "\n"


@pytest.fixture
def corpus(tmp_path):
    train = "".join(
        row(i, label=lab, speaker=spk, title=ttl)
        for i, (lab, spk, ttl) in enumerate(
            [
                ("true", "jane-doe", "Mayor"),
                ("false", "jane-doe", "Mayor"),
                ("pants-fire", "jane-doe", "Governor"),
                ("half-true", "Chain-Email", ""),
                ("mostly-true", "john-roe", ""),
                ("barely-true", "john-roe", "Senator"),
            ]
            * 5
        )
    )
    (tmp_path / "train.tsv").write_text(train)
    valid = row(100, "half-true") + row(101, "false", "john-roe") + row(102, "true", "new-one")
    (tmp_path / "valid.tsv").write_text(valid)
    return tmp_path


def test_tables_shape_and_columns(corpus):
    t = load_liar(corpus)
    assert isinstance(t, Tables)
    st = t.statements
    assert len(st) == 33 and st["statement_id"].is_unique
    assert st["split"].value_counts().to_dict() == {"train": 30, "valid": 3}
    for col in ("statement_id", "source_id", "text", "made_at", "label", "label_at", "topic"):
        assert col in st
    assert t.events.empty and {"event_id", "statement_id", "kind", "at"} <= set(t.events)
    assert str(st["made_at"].dtype) == "datetime64[ns, UTC]"
    assert st["topic"].iloc[0] == "taxes;economy"
    assert st["context"].iloc[0] == "a speech"


def test_label_mapping(corpus):
    st = load_liar(corpus).statements
    expected = {"pants-fire": 0, "false": 0, "barely-true": 0, "half-true": 1, "mostly-true": 1}
    expected["true"] = 1
    assert st.groupby("label6")["label"].unique().map(list).to_dict() == {
        k: [float(v)] for k, v in expected.items()
    }


def test_no_leaky_columns(corpus):
    t = load_liar(corpus)
    for table in (t.statements, t.sources):
        assert not [c for c in table.columns if any(w in c for w in LEAKY)]
        assert "justification" not in table


def test_point_in_time_pseudo_order(corpus):
    st = load_liar(corpus, seed=3).statements
    train, valid = st[st["split"] == "train"], st[st["split"] == "valid"]
    assert valid["made_at"].min() > train["made_at"].max()
    assert valid["made_at"].nunique() == 1, "valid rows are tied: none sees another's verdict"
    assert train["made_at"].is_unique
    assert (st["label_at"] > st["made_at"]).all()
    # the verdict of a training row is known before the next row in the order is made
    order = train.sort_values("made_at")
    assert (order["label_at"].iloc[:-1].to_numpy() < order["made_at"].iloc[1:].to_numpy()).all()
    # every valid row sees every training verdict
    assert (train["label_at"].max() < valid["made_at"]).all()


def test_seed_controls_order(corpus):
    a = load_liar(corpus, seed=0).statements["made_at"]
    b = load_liar(corpus, seed=0).statements["made_at"]
    c = load_liar(corpus, seed=1).statements["made_at"]
    pd.testing.assert_series_equal(a, b)
    assert not a.equals(c)


def test_sources(corpus):
    t = load_liar(corpus)
    src = t.sources.set_index("source_id")
    assert src.index.is_unique
    assert set(t.statements["source_id"]) == set(src.index)
    assert src.loc["jane-doe", "title"] == "Mayor", "most frequent title wins"
    assert src.loc["john-roe", "title"] == "Senator", "empty titles are ignored"
    assert src.loc["new-one", "title"] == "Mayor", "speakers seen only in valid have a title too"
    assert src.loc["chain-email", "source_type"] == "anonymous", "speaker ids are lowercased"
    assert src.loc["jane-doe", "source_type"] == "person"
    assert src.loc["jane-doe", "n_statements"] == 16


def test_quotes_are_text(tmp_path):
    text = 'He said "we will win and "nothing else'
    (tmp_path / "train.tsv").write_text(row(1, text=text) + row(2))
    st = load_liar(tmp_path, splits=["train"]).statements
    assert st["text"].tolist() == [text, "A claim."]


def test_bad_lines_are_kept_and_reported(tmp_path):
    good = row(1)
    extra_in_statement = row(2, text="Tab\tinside")
    extra_in_context = row(3, context="a\tspeech")
    broken = row(4, text="Line one").replace("Line one", "Line one\nline two")
    short = "5.json\tfalse\tOnly three fields\n"
    body = good + extra_in_statement + "\n" + extra_in_context + broken + short + row(6)
    (tmp_path / "train.tsv").write_text(body)
    with pytest.warns(UserWarning) as record:
        st = load_liar(tmp_path, splits=["train"]).statements
    messages = " ".join(str(w.message) for w in record)
    assert "blank line" in messages and "did not parse cleanly" in messages
    assert len(st) == 6, "no row is dropped"
    issue = st.set_index("statement_id")["parse_issue"]
    assert issue.isna().tolist() == [True, False, False, False, False, True]
    s = st.set_index("statement_id")
    assert s.loc["liar:2", "text"] == "Tab inside" and s.loc["liar:2", "source_id"] == "jane-doe"
    assert s.loc["liar:3", "context"] == "a speech" and "context" in issue["liar:3"]
    assert s.loc["liar:4", "text"] == "Line one line two" and "joined" in issue["liar:4"]
    assert s.loc["liar:4", "label"] == 1.0
    assert "missing_fields" in issue["liar:5"] and s.loc["liar:5", "label"] == 0.0


def test_read_liar_tsv_line_numbers(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text(row(1) + row(2))
    df = read_liar_tsv(path)
    assert df["line"].tolist() == [1, 2] and df["parse_issue"].isna().all()


def test_unknown_label_and_duplicate_ids_are_reported(tmp_path):
    (tmp_path / "train.tsv").write_text(row(1, label="maybe") + row(2) + row(2))
    with pytest.warns(UserWarning, match="did not parse cleanly"):
        st = load_liar(tmp_path, splits=["train"]).statements
    assert len(st) == 3 and st["statement_id"].is_unique
    assert np.isnan(st["label"].iloc[0]) and "unknown_label" in st["parse_issue"].iloc[0]
    assert st["parse_issue"].iloc[1:].str.contains("duplicate_id").all()


def test_clean_corpus_does_not_warn(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_liar(corpus)


def test_missing_corpus_and_split(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="CREDSCORE_DATASETS"):
        load_liar(tmp_path / "nowhere")
    monkeypatch.setenv("CREDSCORE_DATASETS", str(tmp_path))
    assert default_data_dir() == tmp_path
    assert not corpus_available("liar")
    with pytest.raises(CorpusNotFoundError, match=str(tmp_path / "liar")):
        load_liar()
    (tmp_path / "liar").mkdir()
    (tmp_path / "liar" / "train.tsv").write_text(row(1))
    assert corpus_available("liar")
    with pytest.raises(CorpusNotFoundError, match="valid"):
        load_liar()
    assert len(load_liar(splits=None).statements) == 1
    with pytest.raises(ValueError, match="unknown LIAR split"):
        load_liar(splits=["dev"])


# --------------------------------------------------------------------- the real corpus
real = pytest.mark.skipif(
    not corpus_available("liar"),
    reason=f"LIAR not found at {default_data_dir() / 'liar'}; set CREDSCORE_DATASETS",
)


@pytest.fixture(scope="module")
def liar():
    if not corpus_available("liar"):
        pytest.skip(f"LIAR not found at {default_data_dir() / 'liar'}; set CREDSCORE_DATASETS")
    return load_liar()


@real
@pytest.mark.corpus
def test_real_counts_and_ids(liar):
    st = liar.statements
    assert st["split"].value_counts().to_dict() == {"train": 10269, "valid": 1284}
    assert st["statement_id"].is_unique
    assert st["label"].isin([0.0, 1.0]).all()
    assert (st["label"] == st["label6"].isin(["half-true", "mostly-true", "true"])).all()
    assert st["parse_issue"].notna().sum() == 0  # reported, not dropped, if it ever changes


@real
@pytest.mark.corpus
def test_real_no_leaks_and_point_in_time(liar):
    st = liar.statements
    assert not [c for c in st.columns if any(w in c for w in LEAKY)]
    train, valid = st[st["split"] == "train"], st[st["split"] == "valid"]
    assert valid["made_at"].min() > train["label_at"].max()
    assert train["made_at"].is_unique
    other = load_liar(splits=["train"], seed=1).statements["made_at"]
    assert not train["made_at"].reset_index(drop=True).equals(other)


@real
@pytest.mark.corpus
def test_real_sources_cover_statements(liar):
    src = liar.sources
    assert src["source_id"].is_unique
    assert set(liar.statements["source_id"]) == set(src["source_id"])
    assert (liar.statements["source_id"] == liar.statements["source_id"].str.lower()).all()


def test_engine_history_sees_only_earlier_training_verdicts(corpus):
    """With the engine's history features: a training row counts exactly the verdicts of the
    same speaker's rows before it in the pseudo-order; a valid row counts all training ones."""
    history = pytest.importorskip("credscore.features.history")
    t = load_liar(corpus, seed=5)
    st = t.statements
    H = history.history_features(st, t.events, retraction_prior=0.0, false_prior=0.5)
    train = st[st["split"] == "train"].sort_values("made_at")
    expected = train.groupby("source_id").cumcount()
    assert (H.loc[train.index, "hist_n_verdicts"] == expected).all()
    valid = st[st["split"] == "valid"]
    n_train = train.groupby("source_id").size()
    expected_valid = valid["source_id"].map(n_train).fillna(0)
    assert (H.loc[valid.index, "hist_n_verdicts"] == expected_valid).all()
