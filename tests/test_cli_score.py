"""Tests of ``credscore score --out``: the file's extension names its format."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from credscore.cli import main


def _score(example_dir, target, capsys):
    code = main(["score", str(example_dir), "--out", str(target)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def reference(example_dir):
    """The scores as the Python API returns them (full precision)."""
    from credscore import load_model, read_tables

    return load_model().score(read_tables(example_dir))


@pytest.mark.parametrize(
    ("ext", "read"),
    [
        (".parquet", pd.read_parquet),
        (".jsonl", lambda p: pd.read_json(p, lines=True)),
        (".PARQUET", pd.read_parquet),
    ],
)
def test_out_writes_the_format_its_extension_names(
    example_dir, tmp_path, capsys, ext, read, reference
):
    pytest.importorskip("pyarrow")
    target = tmp_path / f"scores{ext}"
    code, out, err = _score(example_dir, target, capsys)
    assert code == 0, err
    assert out == "" and ext.lower()[1:] in err
    raw = target.read_bytes()
    assert not raw.startswith(b"statement_id,")  # not CSV text under another name
    got = read(target)
    assert got["statement_id"].tolist() == reference["statement_id"].tolist()
    assert got["reasons"].tolist() == reference["reasons"].tolist()
    # full precision, not the CSV's 4 decimals
    assert got["p_reliable"].to_numpy() == pytest.approx(reference["p_reliable"], abs=1e-12)


def test_out_csv_keeps_four_decimals(example_dir, tmp_path, capsys, reference):
    target = tmp_path / "scores.csv"
    code, _, err = _score(example_dir, target, capsys)
    assert code == 0, err
    got = pd.read_csv(target)
    assert got["p_reliable"].tolist() == reference["p_reliable"].round(4).tolist()
    assert target.read_text().startswith("statement_id,")


@pytest.mark.parametrize("name", ["scores.xlsx", "scores", "scores.json", "scores.csv.gz"])
def test_unknown_extension_is_refused_with_exit_2(example_dir, tmp_path, capsys, name):
    target = tmp_path / name
    code, _out, err = _score(example_dir, target, capsys)
    assert code == 2
    assert "--out" in err and ".csv" in err and ".jsonl" in err and ".parquet" in err
    assert "Traceback" not in err
    assert not target.exists()  # refused before any work, nothing written


def test_stdout_is_still_csv(example_dir, capsys):
    assert main(["score", str(example_dir), "--no-reasons"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns)[:4] == ["statement_id", "p_reliable", "p_low", "p_high"]
    assert len(table) == 10
