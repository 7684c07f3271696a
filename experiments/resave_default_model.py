"""Re-save the bundled default model in the current artifact format, with identical scores.

The bundled model (``credscore/models/default``) may be in an older artifact format (format 1
today); this loads it, saves the same fitted state in the current format (its card text,
metrics and training description kept; a free ``NOTES.md`` added), and checks that the new
artifact gives exactly the same probabilities, intervals and reasons on every example corpus
in ``datasets/examples`` (and on LIAR valid when the corpus is available). Only with
``--in-place`` does it then replace the bundled model, in one atomic exchange.

Usage::

    python experiments/resave_default_model.py [--out DIR] [--in-place]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

import credscore
from credscore.artifacts import DEFAULT_MODEL_DIR, load_model, save_model

REPO = Path(__file__).resolve().parents[1]


def _corpora() -> list[tuple[str, credscore.Tables, credscore.Tables | None]]:
    """The example corpora, and LIAR valid with LIAR train as history when available."""
    examples = sorted(p for p in (REPO / "datasets" / "examples").iterdir() if p.is_dir())
    out = [(d.name, credscore.read_tables(d), None) for d in examples]
    sys.path.insert(0, str(REPO / "tests" / "golden"))
    from make_golden import liar_valid_tables

    liar = liar_valid_tables()
    if liar is not None:
        out.append(("liar valid", *liar))
    return out


def _same_scores(old: object, new: object) -> dict[str, float]:
    diffs = {}
    for name, tables, history in _corpora():
        a = old.score(tables, history=history)  # type: ignore[attr-defined]
        b = new.score(tables, history=history)  # type: ignore[attr-defined]
        cols = ["p_reliable", "p_low", "p_high"]
        diff = float(np.max(np.abs(a[cols].to_numpy() - b[cols].to_numpy())))
        if diff != 0.0 or a["reasons"].tolist() != b["reasons"].tolist():
            raise SystemExit(f"{name}: scores differ (max {diff}); nothing was replaced")
        diffs[name] = diff
    return diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="where to write (default: a temp dir)")
    ap.add_argument("--in-place", action="store_true", help="then replace the bundled model")
    args = ap.parse_args(argv)
    old = load_model()
    manifest = old.manifest_
    card = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    out = args.out or Path(tempfile.mkdtemp()) / "default"
    kwargs = {
        "card": card,
        "metrics": manifest.get("metrics"),
        "training_data": manifest["training"].get("data"),
    }
    save_model(old, out, **kwargs)
    new = load_model(out)
    diffs = _same_scores(old, new)
    print(
        json.dumps(
            {
                "written": str(out),
                "format": new.manifest_["format_version"],
                "max_abs_difference": diffs,
            },
            indent=2,
        )
    )
    if args.in_place:
        save_model(old, DEFAULT_MODEL_DIR, replace=True, **kwargs)
        _same_scores(old, load_model())
        print(
            f"replaced {DEFAULT_MODEL_DIR}; re-run python tests/golden/make_golden.py only if "
            "tests/golden fails (it should not)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
