"""Dask batch scoring gives the single-machine numbers, in input order."""

from __future__ import annotations

import numpy as np
import pytest

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")

from credscore.distributed import score_dask, score_parquet  # noqa: E402


@pytest.mark.parametrize("npartitions", [1, 4])
def test_same_numbers_as_single_machine(fitted_model, sim_tables, npartitions):
    tables, _ = sim_tables
    st = tables.statements.sample(frac=1, random_state=5).reset_index(drop=True)
    expected = fitted_model.score(st, sources=tables.sources, events=tables.events, explain=False)
    ddf = dd.from_pandas(st, npartitions=npartitions)
    got = score_dask(ddf, fitted_model, sources=tables.sources, events=tables.events).compute()
    assert got["statement_id"].tolist() == st["statement_id"].tolist()
    np.testing.assert_allclose(got["p_reliable"], expected["p_reliable"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got["p_high"], expected["p_high"], rtol=0, atol=1e-12)


def test_parquet_round_trip(fitted_model, sim_tables, tmp_path):
    pytest.importorskip("pyarrow")
    import pandas as pd

    tables, _ = sim_tables
    src = tmp_path / "statements.parquet"
    tables.statements.to_parquet(src)
    score_parquet(
        str(src),
        str(tmp_path / "scores"),
        fitted_model,
        sources=tables.sources,
        events=tables.events,
    )
    got = pd.read_parquet(tmp_path / "scores")
    assert len(got) == len(tables.statements)
    assert set(got["statement_id"]) == set(tables.statements["statement_id"])


def test_each_partition_is_scored_once(fitted_model, sim_tables, monkeypatch):
    """Putting the output back in input order must not score the statements again (Dask
    computes quantiles of an index whose divisions it does not know: three passes before)."""
    import dask

    import credscore.distributed as dist

    tables, _ = sim_tables
    calls = []
    score_partition = dist._score_partition

    def counted(part, *args):
        calls.append(len(part))
        return score_partition(part, *args)

    monkeypatch.setattr(dist, "_score_partition", counted)
    ddf = dd.from_pandas(tables.statements, npartitions=4)
    with dask.config.set(scheduler="sync"):
        out = score_dask(ddf, fitted_model, sources=tables.sources, events=tables.events)
        got = out.compute()
    assert out.known_divisions
    assert sum(calls) == len(tables.statements)
    assert got.index.tolist() == list(range(len(tables.statements)))


def _expected(model, tables, st):
    events = tables.events[tables.events["statement_id"].isin(st["statement_id"])]
    return model.score(st, sources=tables.sources, events=events, explain=False)


def test_empty_input_partitions(fitted_model, sim_tables):
    """An input partition left empty (e.g. by a filter) keeps the order and the numbers."""
    tables, _ = sim_tables
    st = tables.statements
    ddf = dd.from_pandas(st, npartitions=4)
    cut = ddf.divisions[1:3]  # the rows of partition 1
    emptied = ddf.map_partitions(
        lambda p, partition_info=None: p.iloc[:0] if partition_info["number"] == 1 else p,
        meta=ddf._meta,
    )
    keep = st[(st.index < cut[0]) | (st.index >= cut[1])]
    events = tables.events[tables.events["statement_id"].isin(keep["statement_id"])]
    got = score_dask(emptied, fitted_model, sources=tables.sources, events=events).compute()
    assert got["statement_id"].tolist() == keep["statement_id"].tolist()
    want = _expected(fitted_model, tables, keep.reset_index(drop=True))
    np.testing.assert_allclose(got["p_reliable"], want["p_reliable"], rtol=0, atol=1e-12)


def test_one_statement(fitted_model, sim_tables):
    tables, _ = sim_tables
    st = tables.statements.head(1)
    ddf = dd.from_pandas(st, npartitions=1)
    events = tables.events[tables.events["statement_id"].isin(st["statement_id"])]
    got = score_dask(ddf, fitted_model, sources=tables.sources, events=events).compute()
    want = _expected(fitted_model, tables, st)
    assert got["statement_id"].tolist() == st["statement_id"].tolist()
    assert got.index.tolist() == [0]
    np.testing.assert_allclose(got["p_reliable"], want["p_reliable"], rtol=0, atol=1e-12)


def test_events_of_missing_statements_are_an_error(fitted_model, sim_tables):
    """As on one machine: events whose statement is not in the table name the column and the
    fix, instead of being dropped."""
    from credscore.exceptions import SchemaError

    tables, _ = sim_tables
    st = tables.statements.iloc[: len(tables.statements) // 2]
    ddf = dd.from_pandas(st, npartitions=2)
    with pytest.raises(SchemaError, match="statement_id") as err:
        score_dask(ddf, fitted_model, sources=tables.sources, events=tables.events).compute()
    assert "Fix" in str(err.value)


class _ScoreOnly:
    """A model with only a ``score`` method (no score_given hook, no extractor)."""

    def __init__(self, model):
        self.model = model

    def score(self, tables, history=None, explain=False):
        return self.model.score(tables, history=history, explain=explain)


def test_a_model_without_the_hook_gets_the_record_as_history(fitted_model, sim_tables):
    tables, _ = sim_tables
    st = tables.statements.sample(frac=1, random_state=7).reset_index(drop=True)
    want = fitted_model.score(st, sources=tables.sources, events=tables.events, explain=False)
    ddf = dd.from_pandas(st, npartitions=3)
    got = score_dask(ddf, _ScoreOnly(fitted_model), sources=tables.sources, events=tables.events)
    got = got.compute()
    assert got["statement_id"].tolist() == st["statement_id"].tolist()
    np.testing.assert_allclose(got["p_reliable"], want["p_reliable"], rtol=0, atol=1e-12)


def test_scoring_is_lazy(fitted_model, sim_tables, monkeypatch):
    """Building the result computes nothing (the record pass is part of the graph)."""
    import credscore.distributed as dist

    calls = []
    monkeypatch.setattr(dist, "_history_of", lambda *a: calls.append(1))
    tables, _ = sim_tables
    score_dask(dd.from_pandas(tables.statements, npartitions=2), fitted_model)
    assert calls == []


@pytest.mark.parametrize("by", ["source_type", "rank_family"])
def test_group_calibrated_model(fitted_model, sim_tables, by):
    """A GroupCalibratedModel (groups from a sources column, or from a feature column) gives
    its single-machine numbers and calibration_group on Dask."""
    from credscore import GroupCalibratedModel

    tables, _ = sim_tables
    gm = GroupCalibratedModel(fitted_model, by=by, min_group_size=30)
    gm.fit(tables, allow_overlap=True)  # the numbers, not the calibration, are under test
    st = tables.statements.sample(frac=1, random_state=3).reset_index(drop=True)
    want = gm.score(st, sources=tables.sources, events=tables.events, explain=False)
    ddf = dd.from_pandas(st, npartitions=3)
    got = score_dask(ddf, gm, sources=tables.sources, events=tables.events).compute()
    assert list(got.columns) == [*want.columns]
    assert got["calibration_group"].tolist() == want["calibration_group"].tolist()
    np.testing.assert_allclose(got["p_reliable"], want["p_reliable"], rtol=0, atol=1e-12)
