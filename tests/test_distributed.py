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
