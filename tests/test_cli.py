"""Tests of the credscore command line: outputs and exit codes."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd

from credscore import write_tables
from credscore.cli import main


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "credscore" in capsys.readouterr().out


def test_score_example_with_default_model(example_dir, capsys):
    code, out, err = run(["score", str(example_dir)], capsys)
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert table["statement_id"].tolist()[0] == "kindratenko-1"
    assert len(table) == 10 and table["p_reliable"].between(0, 1).all()


def test_score_to_file(example_dir, tmp_path, capsys):
    target = tmp_path / "scores.csv"
    code, out, _err = run(["score", str(example_dir), "--out", str(target), "--no-reasons"], capsys)
    assert code == 0 and out == ""
    assert len(pd.read_csv(target)) == 10


def test_bad_input_exits_2_naming_column_and_rows(small_tables, tmp_path, capsys):
    small_tables.statements.loc[1, "source_id"] = "ghost"
    write_tables(small_tables, tmp_path)
    code, out, err = run(["score", str(tmp_path)], capsys)
    assert code == 2 and out == ""
    assert "source_id" in err and "'s2'" in err and "Traceback" not in err


def test_missing_column_exits_2(small_tables, tmp_path, capsys):
    write_tables(small_tables, tmp_path)
    st = pd.read_csv(tmp_path / "statements.csv").drop(columns="made_at")
    st.to_csv(tmp_path / "statements.csv", index=False)
    code, _, err = run(["score", str(tmp_path)], capsys)
    assert code == 2 and "column 'made_at'" in err and "is missing" in err


def test_bad_usage_exits_2(capsys):
    code, _, err = run(["score"], capsys)
    assert code == 2 and "usage" in err
    code, _, err = run(["frobnicate"], capsys)
    assert code == 2


def test_corrupt_model_exits_2(example_dir, tmp_path, capsys):
    code, _, err = run(["score", str(example_dir), "--model", str(tmp_path)], capsys)
    assert code == 2 and "manifest.json" in err


def test_train_then_score(sim_tables, tmp_path, capsys):
    tables, _ = sim_tables
    data = tmp_path / "data"
    write_tables(tables, data)
    model_dir = tmp_path / "model"
    code, _, err = run(["train", str(data), "--out", str(model_dir), "--cv", "3"], capsys)
    assert code == 0, err
    assert (model_dir / "manifest.json").is_file()
    code, out, err = run(["score", str(data), "--model", str(model_dir), "--no-reasons"], capsys)
    assert code == 0 and len(pd.read_csv(io.StringIO(out))) == len(tables.statements)
    code, out, _ = run(["verify", str(model_dir)], capsys)
    assert code == 0 and '"ok": true' in out


def test_console_script_internal_error_exit_code(tmp_path):
    """The installed entry point exits 2 on bad input with no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "credscore.cli", "score", str(tmp_path / "no")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_train_into_registry_promotes_then_gates(tmp_path, capsys):
    import json

    from credscore import Tables
    from credscore.datasets.simulator import simulate

    tables, _ = simulate(n_statements=1000, n_sources=40, random_state=11)
    st = tables.statements
    early = st[st["made_at"] < st["made_at"].quantile(0.6)]
    old, new = tmp_path / "old", tmp_path / "new"
    write_tables(
        Tables(
            statements=early,
            sources=tables.sources,
            events=tables.events[tables.events["statement_id"].isin(early["statement_id"])],
        ),
        old,
    )
    write_tables(tables, new)
    reg = tmp_path / "reg"
    code, out, err = run(
        ["train", str(old), "--registry", str(reg), "--cv", "3", "--name", "first"], capsys
    )
    assert code == 0, err
    first = json.loads(out)
    assert first["promoted"] and first["champion"] is None and first["champion_now"] == "first"
    code, out, err = run(
        ["train", str(new), "--registry", str(reg), "--cv", "3", "--name", "second"], capsys
    )
    second = json.loads(out)
    assert code == 0 and second["champion"]["id"] == "first"
    better = second["challenger"]["log_loss"] <= second["champion"]["log_loss"]
    assert second["promoted"] == better
    assert second["champion_now"] == ("second" if better else "first")


def test_train_needs_out_or_registry(small_tables, tmp_path, capsys):
    write_tables(small_tables, tmp_path)
    code, _, err = run(["train", str(tmp_path)], capsys)
    assert code == 2 and "--out" in err


def test_bad_parameters_exit_2_naming_the_flag(sim_tables, tmp_path, capsys):
    """--holdout outside (0, 1), --cv below 2, a negative seed: usage errors, never exit 1."""
    tables, _ = sim_tables
    write_tables(tables, tmp_path / "t")
    for flag, value in (("--holdout", "1.5"), ("--holdout", "x"), ("--cv", "1"), ("--seed", "-1")):
        code, _, err = run(
            ["train", str(tmp_path / "t"), "--registry", str(tmp_path / "r"), flag, value], capsys
        )
        assert code == 2, (flag, value, err)
        assert flag in err and "internal error" not in err


def test_one_outcome_only_exits_2_naming_the_label_column(small_tables, tmp_path, capsys):
    st = small_tables.statements.assign(label=[1, 1, 1, None, None])
    write_tables(type(small_tables)(st, small_tables.sources, small_tables.events), tmp_path / "t")
    code, _, err = run(["train", str(tmp_path / "t"), "--out", str(tmp_path / "m")], capsys)
    assert code == 2
    assert "column 'label'" in err and "Fix:" in err


def _registry(tmp_path, fitted_model):
    from credscore import Registry

    reg = Registry(tmp_path / "reg")
    reg.add(fitted_model, "a")
    reg.add(fitted_model, "b")
    reg.promote("a")
    return reg


def test_registry_commands(tmp_path, fitted_model, example_dir, capsys):
    import json

    reg = _registry(tmp_path, fitted_model)
    root = str(reg.root)
    code, out, _ = run(["registry", "list", root], capsys)
    assert code == 0 and "* a" in out and "  b" in out
    code, out, _ = run(["registry", "list", root, "--json"], capsys)
    assert [e["status"] for e in json.loads(out)] == ["ok", "ok"]
    code, out, _ = run(["registry", "promote", root, "b", "--who", "ann"], capsys)
    assert code == 0 and json.loads(out)["who"] == "ann" and reg.champion() == "b"
    code, out, _ = run(["registry", "show", root], capsys)
    shown = json.loads(out)
    assert shown["id"] == "b" and shown["champion"] and shown["history"][-1]["who"] == "ann"
    assert shown["notes"].startswith("# Notes")
    code, out, _ = run(["registry", "rollback", root], capsys)
    assert code == 0 and reg.champion() == "a"
    code, out, _ = run(["registry", "history", root], capsys)
    assert [json.loads(line)["action"] for line in out.splitlines()][-2:] == ["promote", "rollback"]
    code, out, _ = run(["registry", "verify", root], capsys)
    assert code == 0 and json.loads(out)["ok"]
    for model in (root, f"{root}@b"):
        code, out, err = run(["score", str(example_dir), "--model", model, "--no-reasons"], capsys)
        assert code == 0 and len(pd.read_csv(io.StringIO(out))) == 10, err
    code, out, _ = run(["verify", f"{root}@b"], capsys)
    assert code == 0 and json.loads(out)["path"].endswith("/b")


def test_registry_problems_exit_2(tmp_path, fitted_model, example_dir, capsys):
    reg = _registry(tmp_path, fitted_model)
    card = reg.root / "b" / "MODEL_CARD.md"
    card.write_text(card.read_text() + "edited\n")
    code, out, err = run(["registry", "verify", str(reg.root)], capsys)
    assert code == 2 and "MODEL_CARD.md" in err
    code, out, _ = run(["registry", "list", str(reg.root)], capsys)
    assert code == 0 and "refused" in out and "MODEL_CARD.md" in out
    for argv in (
        ["registry", "promote", str(reg.root), "b"],
        ["registry", "promote", str(reg.root), "../a"],
        ["score", str(example_dir), "--model", f"{reg.root}@b"],
        ["registry", "list", str(tmp_path)],
    ):
        code, _, err = run(argv, capsys)
        assert code == 2 and "Fix:" in err and "internal error" not in err, argv
    assert reg.champion() == "a"


def test_train_refuses_to_overwrite(sim_tables, tmp_path, capsys):
    """--out onto a saved model and --name onto an existing id exit 2 and change nothing."""
    tables, _ = sim_tables
    data = tmp_path / "data"
    write_tables(tables, data)
    model = tmp_path / "m"
    base = ["train", str(data), "--cv", "2", "--quiet"]
    code, _, err = run([*base, "--out", str(model)], capsys)
    assert code == 0 and err == ""  # --quiet: nothing on stderr
    before = (model / "model.skops").read_bytes()
    code, _, err = run([*base, "--out", str(model)], capsys)
    assert code == 2 and "already exists" in err and "--replace" in err
    assert (model / "model.skops").read_bytes() == before
    code, _, err = run([*base, "--out", str(model), "--replace"], capsys)
    assert code == 0
    reg = tmp_path / "reg"
    assert run([*base, "--registry", str(reg), "--name", "x"], capsys)[0] == 0
    kept = (reg / "x" / "model.skops").read_bytes()
    code, _, err = run([*base, "--registry", str(reg), "--name", "x"], capsys)
    assert code == 2 and "never overwrites" in err
    assert (reg / "x" / "model.skops").read_bytes() == kept
    code, _, err = run([*base, "--out", str(model), "--force"], capsys)
    assert code == 2 and "--force needs --registry" in err


def test_sign_and_verify_with_a_key(tmp_path, fitted_model, monkeypatch, capsys):
    import json

    from credscore import save_model

    save_model(fitted_model, tmp_path / "m")
    key_file = tmp_path / "key"
    key_file.write_text("0123456789abcdef0123456789abcdef\n")
    monkeypatch.setenv("CREDSCORE_SIGNING_KEY_FILE", str(key_file))
    code, _, err = run(["verify", str(tmp_path / "m")], capsys)
    assert code == 2 and "not signed" in err
    code, out, _ = run(["sign", str(tmp_path / "m")], capsys)
    assert code == 0
    code, out, _ = run(["verify", str(tmp_path / "m")], capsys)
    assert code == 0 and json.loads(out)["signature"] == "valid"
    code, out, _ = run(["verify"], capsys)  # the bundled model is trusted with the package
    assert code == 0 and json.loads(out)["signature"] == "unsigned"
    key_file.write_text("another key, long enough to be accepted\n")
    code, _, err = run(["verify", str(tmp_path / "m")], capsys)
    assert code == 2 and "another key" in err


def test_epoch_timestamps_need_the_time_unit_flag(example_dir, tmp_path, capsys):
    """Numbers as made_at are refused (exit 2, naming the flag's parameter) until --time-unit."""
    from credscore import Tables, read_tables

    t = read_tables(example_dir)
    st = t.statements.assign(made_at=t.statements["made_at"].astype("int64") // 10**9)
    ev = t.events.assign(at=t.events["at"].astype("int64") // 10**9)
    write_tables(Tables(st, t.sources, ev), tmp_path / "t")
    code, _, err = run(["score", str(tmp_path / "t"), "--no-reasons"], capsys)
    assert code == 2 and "time_unit" in err
    code, out, err = run(["score", str(tmp_path / "t"), "--no-reasons", "--time-unit", "s"], capsys)
    assert code == 0, err
    expected = run(["score", str(example_dir), "--no-reasons"], capsys)[1]
    assert out == expected
