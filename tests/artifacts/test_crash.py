"""Crash and concurrency safety of the registry, run in a child process (experiments script).

* kill -9 at random moments of save and promote: the champion always verifies and loads, and
  every other model directory is complete (``CREDSCORE_KILL_TRIALS`` raises the 50 trials);
* 10 pairs of gated promotions at the same instant: no promotion lost (the best model ends as
  champion and the history's records chain);
* a reader checking a model directory while it is replaced 100s of times: no error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the trials fork worker processes (POSIX)")
def test_kill9_concurrency_and_readers(tmp_path, fitted_model):
    from credscore import save_model

    save_model(fitted_model, tmp_path / "model")
    trials = int(os.environ.get("CREDSCORE_KILL_TRIALS", "50"))
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "experiments" / "kill9_registry.py"),
            "--trials",
            str(trials),
            "--pairs",
            "10",
            "--seconds",
            "3",
            "--model",
            str(tmp_path / "model"),
            "--out",
            str(tmp_path / "figures.txt"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(out.read_text())
    kill = res["kill9_registry"]
    assert kill["trials"] == trials and kill["failures"] == 0, kill["failure_examples"]
    assert res["pairs_locked"] == {"pairs": 10, "lost": 0, "examples": []}
    readers = res["readers_exchange"]
    assert readers["replacements"] > 10 and readers["checks"] > 10 and readers["errors"] == 0
